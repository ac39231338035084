package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBridgeJSON: `engram bridge zag2015 --json` prints the documented keys
// (drift_per_s with rows ν_post and columns ν_pre, separability, f, g, the
// step family and alpha_c_mft) with the §4.4 table's first row (p10,
// ν_lo = 2, ν_hi = 30 Hz, p = 0.05: q_f = 0.990260, α_c = 0.307807) and
// writes the run directory; its config.resolved.toml reruns the bridge
// (measured here at a cheap size, identical drift for the same seed).
func TestBridgeJSON(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "bridge", "zag2015", "--json", "--quiet", "--out", filepath.Join(dir, "b"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"drift_per_s", "rates_hz", "separability", "f", "g", "g_centred", "step", "alpha_c_mft", "run_dir", "method"} {
		if _, ok := m[k]; !ok {
			t.Errorf("bridge JSON lacks %s", k)
		}
	}
	d := m["drift_per_s"].([]any)
	row1 := d[1].([]any) // ν_post = 2 Hz: f(2) = −1.2e-5 per Hz of ν_pre
	if len(d) != 6 || math.Abs(row1[3].(float64)-(-1.2e-4)) > 1e-12 {
		t.Errorf("drift_per_s[1] = %v, want D(2, 10) = −1.2e-4 /s", row1)
	}
	step := m["step"].(map[string]any)
	if math.Abs(step["q_f"].(float64)-0.990260) > 1e-6 || math.Abs(m["alpha_c_mft"].(float64)-0.307807) > 1e-6 || m["method"] != "closed_form" {
		t.Errorf("step %v, alpha_c_mft %v, method %v", step, m["alpha_c_mft"], m["method"])
	}
	for _, f := range []string{"config.resolved.toml", "report.html", "res/drift_per_s.tsv", "res/f_g.tsv", "figs/drift.png", "figs/f_g.png"} {
		if _, err := os.Stat(filepath.Join(dir, "b", f)); err != nil {
			t.Errorf("run directory: %v", err)
		}
	}
	// measured, and rerun from its config
	code, out, stderr = run(t, "bridge", "minimal-triplet", "--duration-s", "1", "--synapses", "20", "--rates", "2,10,40", "--json", "--quiet", "--out", filepath.Join(dir, "m"))
	if code != 0 {
		t.Fatal(stderr)
	}
	code, out2, stderr := run(t, "bridge", filepath.Join(dir, "m", "config.resolved.toml"), "--json", "--quiet", "--out", filepath.Join(dir, "m2"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var a, b map[string]any
	json.Unmarshal([]byte(out), &a)
	json.Unmarshal([]byte(out2), &b)
	ja, _ := json.Marshal(a["drift_per_s"])
	jb, _ := json.Marshal(b["drift_per_s"])
	if a["method"] != "measured" || string(ja) != string(jb) || a["drift_se_per_s"] == nil {
		t.Errorf("rerun from config.resolved.toml: method %v, drift %s vs %s", a["method"], ja, jb)
	}
	// the voltage rule of lkd2014, measured with driven LKD neurons
	code, out, stderr = run(t, "bridge", "lkd2014", "--rates", "5,20", "--synapses", "10", "--duration-s", "1", "--json", "--quiet", "--out", filepath.Join(dir, "v"))
	if code != 0 {
		t.Fatal(stderr)
	}
	json.Unmarshal([]byte(out), &m)
	if m["rule"] != "vstdp" || len(m["post_achieved_hz"].([]any)) != 2 || m["method"] != "measured" {
		t.Errorf("lkd2014: rule %v, achieved %v, method %v", m["rule"], m["post_achieved_hz"], m["method"])
	}
	// outside the family: alpha_c_mft is null and the reason is given
	code, out, stderr = run(t, "bridge", "p10", "--nu-lo", "1", "--nu-hi", "25", "--json", "--quiet", "--out", filepath.Join(dir, "o"))
	if code != 0 {
		t.Fatal(stderr)
	}
	json.Unmarshal([]byte(out), &m)
	if m["alpha_c_mft"] != nil || !strings.Contains(m["step"].(map[string]any)["reason"].(string), "no depression at ν_lo") {
		t.Errorf("outside the family: alpha_c_mft %v, step %v", m["alpha_c_mft"], m["step"])
	}
}

// TestBridgeBadInput: exit 1 with a message naming the problem.
func TestBridgeBadInput(t *testing.T) {
	dir := t.TempDir()
	typo := writeFile(t, dir, "typo.toml", "rule = \"pair\"\nw_max = 1\n[pair]\na_plsu = 1\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, "unknown rule or preset"},
		{[]string{"lkd2014", "--method", "closed"}, "no closed form"},
		{[]string{"normalize"}, "not a pre/post learning rule"},
		{[]string{"pair", "--rates", "1,0"}, "must be a finite number > 0"},
		{[]string{"pair", "--rates", "1,-2"}, "must be a finite number > 0"},
		{[]string{"pair", "--rates", "1,NaN"}, "must be a finite number > 0"},
		{[]string{"pair", "--rates", "1,Inf"}, "must be a finite number > 0"},
		{[]string{"pair", "--rates", ""}, "empty rate grid"},
		{[]string{"pair", "--rates", "1,a"}, "not a number"},
		{[]string{"pair", "--rates", "2,2"}, "appears twice"},
		{[]string{"pair", "--nu-lo", "30", "--nu-hi", "2"}, "ν_lo < ν_hi"},
		{[]string{"pair", "--coding", "1"}, "coding level"},
		{[]string{"pair", "--method", "guess"}, "--method"},
		{[]string{"pair", "--duration-s", "0"}, "--duration-s"},
		{[]string{"pair", "--synapses", "0"}, "--synapses"},
		{[]string{"pair", "--set", "a=1"}, "--set"},
		{[]string{typo}, "a_plsu"},
		{[]string{filepath.Join(dir, "missing.toml")}, "missing.toml"},
	} {
		code, _, stderr := run(t, append([]string{"bridge", "--quiet", "--out", filepath.Join(dir, "x")}, c.args...)...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and %q", c.args, code, stderr, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a failed bridge left its run directory")
	}
}
