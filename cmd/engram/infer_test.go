package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment/pbdms"
	"github.com/engramsim/engram/infer"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/store"
)

func inferSortedKeys(m map[string]any) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}

func inferWantKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := inferSortedKeys(m); !slices.Equal(got, want) {
		t.Errorf("%s keys = %v, want exactly %v", what, got, want)
	}
}

// inferCheckNeuronJSON checks the exact shape of one neuron object of the
// issue: id, transfer{r_max_hz,beta,h0}, rule{C,A,q_f,beta_f_per_hz,x_f_hz,q_g},
// each value with a two-element *_ci, n_novel, n_familiar.
func inferCheckNeuronJSON(t *testing.T, n map[string]any) {
	t.Helper()
	inferWantKeys(t, "neuron", n, "id", "transfer", "rule", "n_novel", "n_familiar")
	if _, ok := n["id"].(string); !ok {
		t.Errorf("id = %v is not a string", n["id"])
	}
	for _, k := range []string{"n_novel", "n_familiar"} {
		if v, ok := n[k].(float64); !ok || v < infer.MinSamplesPerCondition || v != math.Trunc(v) {
			t.Errorf("%s = %v is not a sample count", k, n[k])
		}
	}
	for sec, params := range map[string][]string{"transfer": {"r_max_hz", "beta", "h0"}, "rule": {"C", "A", "q_f", "beta_f_per_hz", "x_f_hz", "q_g"}} {
		m, ok := n[sec].(map[string]any)
		if !ok {
			t.Fatalf("%s is %T, want an object", sec, n[sec])
		}
		var want []string
		for _, p := range params {
			want = append(want, p, p+"_ci")
			if _, ok := m[p].(float64); !ok {
				t.Errorf("%s.%s = %v is not a number", sec, p, m[p])
			}
			ci, ok := m[p+"_ci"].([]any)
			if !ok || len(ci) != 2 {
				t.Errorf("%s.%s_ci = %v is not [lo, hi]", sec, p, m[p+"_ci"])
			}
		}
		inferWantKeys(t, sec, m, want...)
	}
}

// TestInferCSVEndToEnd runs engram infer on the testdata directory (a CSV
// with one neuron and a TSV with two) and checks the --json shape of the
// issue and the run-directory files.
func TestInferCSVEndToEnd(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := run(t, "infer", filepath.Join("..", "..", "infer", "testdata", "rates"), "--bootstrap", "20", "--json", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var top map[string]any
	if err := json.Unmarshal([]byte(stdout), &top); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	for _, k := range []string{"neurons", "run_dir", "report", "summary", "method", "experiment"} {
		if _, ok := top[k]; !ok {
			t.Errorf("top-level key %q missing (have %v)", k, inferSortedKeys(top))
		}
	}
	if top["run_dir"] != out {
		t.Errorf("run_dir = %v, want %s", top["run_dir"], out)
	}
	neurons, ok := top["neurons"].([]any)
	if !ok || len(neurons) != 3 {
		t.Fatalf("neurons = %v, want a list of 3 (neuron7, n1, n2)", top["neurons"])
	}
	var ids []string
	for _, n := range neurons {
		m := n.(map[string]any)
		inferCheckNeuronJSON(t, m)
		ids = append(ids, m["id"].(string))
	}
	if want := []string{"neuron7", "n1", "n2"}; !slices.Equal(ids, want) { // neuron7.csv sorts before two_neurons.tsv
		t.Errorf("ids = %v, want %v (files in name order)", ids, want)
	}
	// res/params.json holds the same neurons list
	b, err := os.ReadFile(filepath.Join(out, "res", "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pj map[string]any
	if err := json.Unmarshal(b, &pj); err != nil {
		t.Fatal(err)
	}
	a1, _ := json.Marshal(pj["neurons"])
	a2, _ := json.Marshal(top["neurons"])
	if !bytes.Equal(a1, a2) {
		t.Errorf("res/params.json neurons differ from --json neurons")
	}
	header, rows, err := store.ReadTSVRecords(filepath.Join(out, "res", "params.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Errorf("params.tsv has %d rows, want 3", len(rows))
	}
	for _, p := range []string{"r_max_hz", "beta", "h0", "C", "A", "q_f", "beta_f_per_hz", "x_f_hz", "q_g"} {
		for _, c := range []string{p, p + "_ci_lo", p + "_ci_hi"} {
			if !slices.Contains(header, c) {
				t.Errorf("params.tsv lacks column %s", c)
			}
		}
	}
	for _, f := range []string{"report.html", "provenance.json", "command.txt", "res/rule_preset_n1.toml", "res/rule_preset_n2.toml", "res/rule_preset_neuron7.toml",
		"figs/hist_n1.png", "figs/phi_n1.svg", "figs/dh_neuron7.tsv", "figs/population_xf.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
}

// inferSynthNeuron draws one neuron's responses at the medians.
func inferSynthNeuron(t *testing.T, n int, seed uint64) infer.NeuronData {
	t.Helper()
	truth, err := infer.ParamsFromITC(ratefn.Median(ratefn.ITCFits()))
	if err != nil {
		t.Fatal(err)
	}
	spec := infer.SynthSpecFromParams(truth)
	spec.NNovel, spec.NFamiliar = n, n
	nd, err := infer.Synthesize("x", spec, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		t.Fatal(err)
	}
	return nd
}

// TestInferArrayFormats reads the .npz (2-D, NaN-padded rows) and .npy
// conventions from one directory.
func TestInferArrayFormats(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	const s = 60
	a, b := inferSynthNeuron(t, s, 1), inferSynthNeuron(t, s, 2)
	nov := append(slices.Clone(a.Novel), b.Novel...)
	fam := append(slices.Clone(a.Familiar), b.Familiar...)
	fam[s+s-1] = math.NaN() // ragged: neuron 1 has one familiar rate less
	if err := store.WriteNPZ(filepath.Join(data, "pop.npz"), store.NamedArray{Name: "novel", Data: nov, Shape: []int{2, s}},
		store.NamedArray{Name: "familiar", Data: fam, Shape: []int{2, s}}); err != nil {
		t.Fatal(err)
	}
	c := inferSynthNeuron(t, s, 3)
	if err := store.WriteNPY(filepath.Join(data, "single.npy"), append(slices.Clone(c.Novel), c.Familiar...), 2, s); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	code, stdout, stderr := run(t, "infer", data, "--bootstrap", "0", "--json", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var top struct {
		Neurons []struct {
			ID        string `json:"id"`
			NNovel    int    `json:"n_novel"`
			NFamiliar int    `json:"n_familiar"`
		} `json:"neurons"`
	}
	if err := json.Unmarshal([]byte(stdout), &top); err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(top.Neurons)
	if want := fmt.Sprint([]struct {
		ID        string
		NNovel    int
		NFamiliar int
	}{{"pop_0", s, s}, {"pop_1", s, s - 1}, {"single", s, s}}); got != want {
		t.Errorf("neurons = %s, want %s", got, want)
	}
}

// TestInferBadInput: every malformed input exits with code 1, a message
// naming the file and the row/column (or array/index), and leaves no run
// directory (not even a staging directory) behind.
func TestInferBadInput(t *testing.T) {
	dir := t.TempDir()
	rows := func(cond string, n int) string {
		var b strings.Builder
		for k := 0; k < n; k++ {
			fmt.Fprintf(&b, "%d.5,%s\n", k, cond)
		}
		return b.String()
	}
	good := rows("novel", 25) + rows("familiar", 25)
	csv := map[string]string{
		"missing_col.csv": "rate_hz,cond\n" + good,
		"non_numeric.csv": "rate_hz,condition\n" + good + "abc,novel\n",
		"negative.csv":    "rate_hz,condition\n" + good + "-3,familiar\n",
		"too_few.csv":     "rate_hz,condition\n" + rows("novel", 25) + rows("familiar", 5),
		"unknown.csv":     "rate_hz,condition\n" + good + "1.0,old\n",
	}
	for name, text := range csv {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ok := make([]float64, 30)
	for i := range ok {
		ok[i] = float64(i)
	}
	neg := slices.Clone(ok)
	neg[17] = -1
	if err := store.WriteNPZ(filepath.Join(dir, "no_familiar.npz"), store.NamedArray{Name: "novel", Data: ok}); err != nil {
		t.Fatal(err)
	}
	if err := store.WriteNPZ(filepath.Join(dir, "neg.npz"), store.NamedArray{Name: "novel", Data: append(slices.Clone(ok), neg...), Shape: []int{2, 30}},
		store.NamedArray{Name: "familiar", Data: append(slices.Clone(ok), ok...), Shape: []int{2, 30}}); err != nil {
		t.Fatal(err)
	}
	if err := store.WriteNPY(filepath.Join(dir, "shape.npy"), append(append(slices.Clone(ok), ok...), ok...), 3, 30); err != nil {
		t.Fatal(err)
	}
	line := len(strings.Split(good, "\n")) + 1 // header + 50 rows → the bad row is line 52
	cases := []struct {
		file string
		want []string
	}{
		{"missing_col.csv", []string{"missing_col.csv", "line 1", "missing column", "condition"}},
		{"non_numeric.csv", []string{"non_numeric.csv", fmt.Sprintf("line %d", line), "column 1 (rate_hz)", "not a number"}},
		{"negative.csv", []string{"negative.csv", fmt.Sprintf("line %d", line), "column 1 (rate_hz)", "negative"}},
		{"too_few.csv", []string{"too_few.csv", "column 2 (condition)", "5 familiar rates", "at least 20"}},
		{"unknown.csv", []string{"unknown.csv", fmt.Sprintf("line %d", line), "column 2 (condition)", `unknown condition "old"`}},
		{"does_not_exist.csv", []string{"does_not_exist.csv", "no such file"}},
		{"no_familiar.npz", []string{"no_familiar.npz", `missing array "familiar"`}},
		{"neg.npz", []string{"neg.npz", "array novel", "index [1, 17]", "negative"}},
		{"shape.npy", []string{"shape.npy", "shape [3 30]", "(2, S)"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "run")
			code, _, stderr := run(t, "infer", filepath.Join(dir, c.file), "--out", out, "--quiet", "--bootstrap", "0")
			if code != 1 {
				t.Fatalf("exit code %d, want 1 (stderr %q)", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
			if ents, _ := os.ReadDir(parent); len(ents) != 0 {
				t.Errorf("left behind in the output parent: %v", ents)
			}
		})
	}
}

// TestInferRulePresetLoadsIntoPBDMS: the rule_preset TOML fragment appended
// to a pb-dms config without [transfer]/[rule] decodes strictly (no unknown
// keys), validates, and carries the inferred values; so does the --set line
// in its header.
func TestInferRulePresetLoadsIntoPBDMS(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	code, _, stderr := run(t, "infer", "--synthetic", "median", "--n", "1000", "--bootstrap", "0", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	frag, err := os.ReadFile(filepath.Join(out, "res", "rule_preset_median.toml"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "res", "params.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pj struct {
		Neurons []struct {
			Transfer map[string]any `json:"transfer"`
			Rule     map[string]any `json:"rule"`
		} `json:"neurons"`
	}
	if err := json.Unmarshal(b, &pj); err != nil || len(pj.Neurons) != 1 {
		t.Fatalf("params.json: %v (%d neurons)", err, len(pj.Neurons))
	}
	want := pj.Neurons[0]
	base := "experiment = \"pb-dms\"\n\n[network]\nn = 2000\nc = 0.05\np = 10\n\n[protocol]\ntrials = 1\n\n"
	check := func(what string, cfg *pbdms.Config) {
		t.Helper()
		if err := cfg.Validate(); err != nil {
			t.Fatalf("%s: Validate: %v", what, err)
		}
		for _, kv := range []struct {
			got  float64
			want any
			key  string
		}{{cfg.Transfer.RMaxHz, want.Transfer["r_max_hz"], "r_max_hz"}, {cfg.Transfer.Beta, want.Transfer["beta"], "beta"}, {cfg.Transfer.H0, want.Transfer["h0"], "h0"},
			{cfg.Rule.A, want.Rule["A"], "A"}, {cfg.Rule.QF, want.Rule["q_f"], "q_f"}, {cfg.Rule.BetaFPerHz, want.Rule["beta_f_per_hz"], "beta_f_per_hz"}, {cfg.Rule.XFHz, want.Rule["x_f_hz"], "x_f_hz"}} {
			if kv.got != kv.want.(float64) { // both shortest round-trip decimal: exact
				t.Errorf("%s: %s = %v, params.json has %v", what, kv.key, kv.got, kv.want)
			}
		}
	}
	cfg := pbdms.PaperDefaults()
	file := "pbdms+preset.toml"
	if _, err := config.Load(file, append([]byte(base), frag...), cfg, nil); err != nil {
		t.Fatalf("appended fragment does not decode: %v\n%s", err, frag)
	}
	check("appended fragment", cfg)
	// the --set route from the fragment's header comment
	var sets []string
	for _, l := range strings.Split(string(frag), "\n") {
		if strings.HasPrefix(l, "#  ") && strings.Contains(l, "--set") {
			for _, f := range strings.Fields(strings.TrimPrefix(l, "#")) {
				if f != "--set" {
					sets = append(sets, f)
				}
			}
		}
	}
	if len(sets) != 8 {
		t.Fatalf("found %d --set overrides in the header, want 8: %v", len(sets), sets)
	}
	cfg = pbdms.PaperDefaults()
	if _, err := config.Load("base.toml", []byte(base), cfg, sets); err != nil {
		t.Fatal(err)
	}
	check("--set", cfg)
}

// TestInferSyntheticRecovery: --synthetic median writes its data to
// rec/synthetic.csv (re-readable by infer.ReadRates) and recovers β. At
// n = 1000 per condition the identifiability study (infer/doc.go) gives a
// relative error of β of +0.00 ± 0.03 (SD over data sets), so 0.12 is a
// 4-SD tolerance.
func TestInferSyntheticRecovery(t *testing.T) {
	const tolBeta = 0.12
	out := filepath.Join(t.TempDir(), "run")
	code, stdout, stderr := run(t, "infer", "--synthetic", "median", "--n", "1000", "--bootstrap", "0", "--json", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ds, err := infer.ReadRates(filepath.Join(out, "rec", "synthetic.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Neurons) != 1 || len(ds.Neurons[0].Novel) != 1000 || len(ds.Neurons[0].Familiar) != 1000 {
		t.Fatalf("rec/synthetic.csv: %d neurons", len(ds.Neurons))
	}
	var top struct {
		Neurons []struct {
			Transfer struct {
				Beta float64 `json:"beta"`
			} `json:"transfer"`
		} `json:"neurons"`
		Truth []struct {
			Beta float64 `json:"beta"`
		} `json:"truth"`
	}
	if err := json.Unmarshal([]byte(stdout), &top); err != nil || len(top.Neurons) != 1 || len(top.Truth) != 1 {
		t.Fatalf("JSON: %v\n%s", err, stdout)
	}
	if rel := top.Neurons[0].Transfer.Beta/top.Truth[0].Beta - 1; math.Abs(rel) > tolBeta {
		t.Errorf("β recovered %v, truth %v: relative error %+.3f beyond %v", top.Neurons[0].Transfer.Beta, top.Truth[0].Beta, rel, tolBeta)
	}
	if _, err := os.Stat(filepath.Join(out, "res", "truth.tsv")); err != nil {
		t.Error(err)
	}
}

// TestInferLoopRegistered: the closed-loop experiment is registered and its
// example config resolves and validates.
func TestInferLoopRegistered(t *testing.T) {
	code, stdout, stderr := run(t, "describe", filepath.Join("..", "..", "examples", "infer-loop.toml"), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(stdout), &m); err != nil {
		t.Fatal(err)
	}
	if m["experiment"] != "infer-loop" || !strings.Contains(m["config_toml"].(string), "r_max_hz = 76.21783") {
		t.Errorf("describe: %v", m)
	}
	code, _, stderr = run(t, "describe", filepath.Join("..", "..", "examples", "infer-loop.toml"), "--set", "truth.preset=itc99")
	if code != 1 || !strings.Contains(stderr, "truth.preset") {
		t.Errorf("bad preset: exit %d, stderr %q", code, stderr)
	}
}
