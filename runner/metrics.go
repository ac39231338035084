package runner

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Metric is one scalar result of a run.
type Metric struct {
	// Name is the dotted path of the value in the nested summary
	// (populations.E.rate_hz).
	Name string
	// Value is the number; NaN and ±Inf are kept (written as "NaN",
	// "+Inf", "-Inf").
	Value float64
	// Missing marks a value that was not computed (written as null).
	Missing bool
	// Stderr is the standard error of Value (NaN: none, written as null).
	Stderr float64
	// Unit is the value's unit ("" when dimensionless or unknown).
	Unit string
	// Method names the estimator ("" when it is a plain measurement).
	Method string
}

// metricJSON is Metric's wire form (the schema of res/summary.json).
type metricJSON struct {
	Name   string          `json:"name"`
	Value  json.RawMessage `json:"value"`
	Stderr json.RawMessage `json:"stderr"`
	Unit   string          `json:"unit"`
	Method string          `json:"method"`
}

// numberJSON writes a finite v as a JSON number, NaN and ±Inf as the
// strings "NaN", "+Inf", "-Inf".
func numberJSON(v float64) json.RawMessage {
	switch {
	case math.IsNaN(v):
		return json.RawMessage(`"NaN"`)
	case math.IsInf(v, 1):
		return json.RawMessage(`"+Inf"`)
	case math.IsInf(v, -1):
		return json.RawMessage(`"-Inf"`)
	}
	return json.RawMessage(strconv.FormatFloat(v, 'g', -1, 64))
}

// MarshalJSON writes the res/summary.json form of m.
func (m Metric) MarshalJSON() ([]byte, error) {
	w := metricJSON{Name: m.Name, Value: json.RawMessage("null"), Stderr: json.RawMessage("null"), Unit: m.Unit, Method: m.Method}
	if !m.Missing {
		w.Value = numberJSON(m.Value)
	}
	if !math.IsNaN(m.Stderr) {
		w.Stderr = numberJSON(m.Stderr)
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the res/summary.json form of a metric.
func (m *Metric) UnmarshalJSON(b []byte) error {
	var w metricJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = Metric{Name: w.Name, Unit: w.Unit, Method: w.Method, Stderr: math.NaN()}
	v, missing, err := parseNumber(w.Value)
	if err != nil {
		return fmt.Errorf("metric %s: value: %v", w.Name, err)
	}
	m.Value, m.Missing = v, missing
	se, seMissing, err := parseNumber(w.Stderr)
	if err != nil {
		return fmt.Errorf("metric %s: stderr: %v", w.Name, err)
	}
	if !seMissing {
		m.Stderr = se
	}
	return nil
}

func parseNumber(raw json.RawMessage) (v float64, missing bool, err error) {
	if len(raw) == 0 || string(raw) == "null" {
		return 0, true, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch s {
		case "NaN":
			return math.NaN(), false, nil
		case "+Inf":
			return math.Inf(1), false, nil
		case "-Inf":
			return math.Inf(-1), false, nil
		}
		return 0, false, fmt.Errorf("%q is not a number, \"NaN\", \"+Inf\" or \"-Inf\"", s)
	}
	err = json.Unmarshal(raw, &v)
	return v, false, err
}

// Flatten lists the numeric leaves of a nested summary as metrics named by
// their dotted paths, sorted by name. Booleans, strings and arrays are not
// metrics; a null leaf is a missing metric. A leaf x with a sibling
// x_stderr (or x_se) gets that value as its Stderr (the sibling stays a
// metric of its own too).
func Flatten(summary map[string]any) []Metric {
	var out []Metric
	flatten(Plain(summary), "", &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	at := map[string]int{}
	for i, m := range out {
		at[m.Name] = i
	}
	for _, m := range out {
		for _, suf := range []string{"_stderr", "_se"} {
			if base, ok := strings.CutSuffix(m.Name, suf); ok && !m.Missing {
				if i, ok := at[base]; ok {
					out[i].Stderr = m.Value
				}
			}
		}
	}
	return out
}

func flatten(v any, name string, out *[]Metric) {
	m := Metric{Name: name, Stderr: math.NaN()}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			sub := k
			if name != "" {
				sub = name + "." + k
			}
			flatten(e, sub, out)
		}
		return
	case nil:
		m.Missing = true
	case float64:
		m.Value = x
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return
		}
		m.Value = f
	default:
		f, ok := toFloat(x)
		if !ok {
			return
		}
		m.Value = f
	}
	if name != "" {
		*out = append(*out, m)
	}
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float32:
		return float64(x), true
	}
	return 0, false
}

// Status values of a SummaryFile.
const (
	StatusOK = "ok"
)

// SummaryFile is the content of res/summary.json (and of --json).
type SummaryFile struct {
	Experiment string         `json:"experiment"`
	Seed       uint64         `json:"seed"`
	Status     string         `json:"status"`
	Metrics    []Metric       `json:"metrics"`
	Summary    map[string]any `json:"summary"`
}

// NewSummaryFile builds the summary file of a finished run: the metrics
// flattened from sum, the nested summary sanitised (non-finite numbers as
// null).
func NewSummaryFile(experiment string, seed uint64, status string, sum map[string]any) *SummaryFile {
	nested, _ := Sanitize(sum).(map[string]any)
	if nested == nil {
		nested = map[string]any{}
	}
	ms := Flatten(sum)
	if ms == nil {
		ms = []Metric{}
	}
	return &SummaryFile{Experiment: experiment, Seed: seed, Status: status, Metrics: ms, Summary: nested}
}

// Write stores f as indented JSON at path.
func (f *SummaryFile) Write(path string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadSummaryFile reads a res/summary.json.
func ReadSummaryFile(path string) (*SummaryFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f SummaryFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &f, nil
}
