package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --rule-from feeds `engram infer` output into a rate experiment: the
// resolved config carries the neuron's inferred φ and f exactly (shortest
// round-trip float formatting), the user's --set still wins, and bad files,
// ambiguous or unknown neurons and non-rate experiments are clear errors.
func TestRuleFrom(t *testing.T) {
	dir := t.TempDir()
	params := `{"neurons": [
 {"id": "n1", "transfer": {"r_max_hz": 88.16663830053923, "beta": 0.8245934302619218, "h0": 2.693958613265376},
  "rule": {"A": 1.8884764286720488, "q_f": 0.7761059518227368, "beta_f_per_hz": 0.42387105089800514, "x_f_hz": 24.335424296719584}},
 {"id": "n2", "transfer": {"r_max_hz": 70, "beta": 1.1, "h0": 3},
  "rule": {"A": 2.5, "q_f": 0.6, "beta_f_per_hz": 0.3, "x_f_hz": 30}}]}`
	file := filepath.Join(dir, "params.json")
	if err := os.WriteFile(file, []byte(params), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "describe", "demo", "--rule-from", file+"#n1", "--set", "rule.A=3")
	if code != 0 {
		t.Fatalf("describe: exit %d: %s", code, errs)
	}
	for _, want := range []string{"r_max_hz = 88.16663830053923", "beta = 0.8245934302619218", "h0 = 2.693958613265376",
		"A = 3.0", "q_f = 0.7761059518227368", "beta_f_per_hz = 0.42387105089800514", "x_f_hz = 24.335424296719584"} {
		if !strings.Contains(out, want) {
			t.Errorf("resolved config lacks %q", want)
		}
	}
	// a run directory works too (res/params.json)
	rd := filepath.Join(dir, "inferrun")
	if err := os.MkdirAll(filepath.Join(rd, "res"), 0o755); err != nil {
		t.Fatal(err)
	}
	one := `{"neurons": [{"id": "only", "transfer": {"r_max_hz": 70, "beta": 1.1, "h0": 3}, "rule": {"A": 2.5, "q_f": 0.6, "beta_f_per_hz": 0.3, "x_f_hz": 30}}]}`
	if err := os.WriteFile(filepath.Join(rd, "res", "params.json"), []byte(one), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := run(t, "describe", "demo", "--rule-from", rd); code != 0 || !strings.Contains(out, "x_f_hz = 30.0") {
		t.Errorf("run directory: exit %d, %s", code, errs)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"describe", "demo", "--rule-from", file}, `holds 2 neurons: pick one with #ID ("n1", "n2")`},
		{[]string{"describe", "demo", "--rule-from", file + "#n9"}, `no neuron "n9"`},
		{[]string{"describe", "demo", "--rule-from", filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{"describe", "../../examples/coba.toml", "--rule-from", file + "#n1"}, "has no rate-memory parameters"},
	} {
		code, _, errs := run(t, tc.args...)
		if code == 0 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errs, tc.want)
		}
	}
}
