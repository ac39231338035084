package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ruleFromSets turns the inferred parameters of one neuron in an `engram
// infer` params.json into the [transfer] and [rule] overrides of the rate
// experiments. spec is a params.json path or an infer run directory,
// optionally followed by #ID to select a neuron (required when the file
// holds several).
func ruleFromSets(spec string) ([]string, error) {
	path, id, _ := strings.Cut(spec, "#")
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "res", "params.json")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Neurons []struct {
			ID       string         `json:"id"`
			Transfer map[string]any `json:"transfer"`
			Rule     map[string]any `json:"rule"`
		} `json:"neurons"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Neurons) == 0 {
		return nil, fmt.Errorf("%s: no neurons (not an engram infer params.json?)", path)
	}
	k := -1
	var ids []string
	for i, n := range doc.Neurons {
		ids = append(ids, strconv.Quote(n.ID))
		if n.ID == id {
			k = i
		}
	}
	switch {
	case id == "" && len(doc.Neurons) == 1:
		k = 0
	case id == "":
		return nil, fmt.Errorf("%s holds %d neurons: pick one with #ID (%s)", path, len(doc.Neurons), strings.Join(ids, ", "))
	case k < 0:
		return nil, fmt.Errorf("%s: no neuron %q (have %s)", path, id, strings.Join(ids, ", "))
	}
	n := doc.Neurons[k]
	sets := []string{"transfer.kind=sigmoid"}
	// params.json uses the config's key names within each section
	for _, kv := range []struct {
		src      map[string]any
		sec, key string
	}{
		{n.Transfer, "transfer", "r_max_hz"}, {n.Transfer, "transfer", "beta"}, {n.Transfer, "transfer", "h0"},
		{n.Rule, "rule", "A"}, {n.Rule, "rule", "q_f"}, {n.Rule, "rule", "beta_f_per_hz"}, {n.Rule, "rule", "x_f_hz"},
	} {
		v, ok := kv.src[kv.key].(float64)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: neuron %q: %s.%s missing or not a finite number", path, n.ID, kv.sec, kv.key)
		}
		sets = append(sets, kv.sec+"."+kv.key+"="+strconv.FormatFloat(v, 'g', -1, 64))
	}
	return sets, nil
}
