package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tinyDMS is a pb-dms config that runs in well under a second.
const tinyDMS = `experiment = "pb-dms"
[network]
n = 400
c = 0.1
p = 4
[protocol]
background_ms = 10
presentation_ms = 10
delay_ms = 10
[record]
neurons = 2
every_ms = 5
`

// Bad generic flags are refused before anything runs, with exit 1 and a
// message naming the flag and the value. Before the fix --mem-budget
// nan/inf/1e30/0.5 silently switched the memory check off, 12XB was read as
// 12 B, --workers -3 was accepted and --workers 100000 ran for minutes.
func TestBadGenericFlags(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "tiny.toml", tinyDMS)
	cases := []struct {
		flag, value, want string
	}{
		{"--mem-budget", "nan", `--mem-budget: bad byte size "nan"`},
		{"--mem-budget", "inf", `--mem-budget: bad byte size "inf"`},
		{"--mem-budget", "1e30", `--mem-budget: bad byte size "1e30": larger than 1 EiB`},
		{"--mem-budget", "0.5", `--mem-budget: bad byte size "0.5": less than one byte`},
		{"--mem-budget", "12XB", `--mem-budget: bad byte size "12XB"`},
		{"--mem-budget", "-1GiB", `--mem-budget: bad byte size "-1GiB"`},
		{"--workers", "-3", "--workers -3: want 0 (every core) or a count from 1 to"},
		{"--workers", "100000", "--workers 100000: want 0 (every core) or a count from 1 to"},
	}
	for i, c := range cases {
		out := filepath.Join(dir, "out", c.flag+c.value)
		t0 := time.Now()
		code, _, stderr := run(t, "run", cfg, "--quiet", "--out", out, c.flag, c.value)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("case %d %s %s: exit %d, stderr %q; want exit 1 and %q", i, c.flag, c.value, code, stderr, c.want)
		}
		if el := time.Since(t0); el > 5*time.Second {
			t.Errorf("%s %s: refused only after %v", c.flag, c.value, el)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s %s: run directory created", c.flag, c.value)
		}
	}
	// the explicit way to switch the check off, and a budget the run fits in
	for _, b := range []string{"none", "1GiB", "50%"} {
		out := filepath.Join(dir, "ok-"+b)
		if code, _, stderr := run(t, "run", cfg, "--quiet", "--out", out, "--mem-budget", b, "--workers", "3"); code != 0 {
			t.Errorf("--mem-budget %s: exit %d %s", b, code, stderr)
		}
	}
	// a budget below the estimate is enforced (the estimate of tinyDMS is
	// above 64 KiB: 400 neurons × 2 trials × 56 B of state alone is 44 KiB
	// plus the weights)
	code, _, stderr := run(t, "run", cfg, "--quiet", "--out", filepath.Join(dir, "small-budget"), "--mem-budget", "64KiB")
	if code != 1 || !strings.Contains(stderr, "above the budget of 64.0 KiB") {
		t.Errorf("--mem-budget 64KiB: exit %d %s", code, stderr)
	}
}

// Config files that would make the TOML parser hang are refused quickly
// with the file name, and a negative seed is an error naming the key (it
// silently became 2⁶⁴ − 1).
func TestBadConfigFiles(t *testing.T) {
	dir := t.TempDir()
	var big strings.Builder
	big.WriteString("experiment = \"pb-dms\"\n")
	for i := 0; big.Len() < 2<<20; i++ {
		fmt.Fprintf(&big, "unknown_%d = 1\n", i)
	}
	deep := 3300
	cases := []struct {
		name, doc string
		args      []string
		want      string
	}{
		{"big.toml", big.String(), nil, "big.toml: " + fmt.Sprint(big.Len()) + " bytes, more than the 1048576 bytes"},
		{"deep.toml", "experiment = \"pb-dms\"\n[rule]\nA = " + strings.Repeat("{a = ", deep) + "1" + strings.Repeat("}", deep) + "\n", nil, "deep.toml:3: arrays and inline tables nested deeper than 16 levels"},
		{"seed.toml", "experiment = \"pb-dms\"\n[network]\nseed = -1\n", nil, "seed.toml: network.seed = -1 must be ≥ 0"},
		{"tiny.toml", tinyDMS, []string{"--set", "network.seed=-1"}, "--set network.seed=-1: network.seed = -1 must be ≥ 0"},
		{"inject.toml", tinyDMS, []string{"--set", "rule.A=1\n[network]\nn = 5"}, "the value is not one TOML value"},
	}
	for _, c := range cases {
		p := writeFile(t, dir, c.name, c.doc)
		out := filepath.Join(dir, "out-"+c.name)
		for _, cmd := range []string{"run", "describe"} {
			t0 := time.Now()
			code, _, stderr := run(t, append([]string{cmd, p, "--quiet", "--out", out}, c.args...)...)
			if code != 1 || !strings.Contains(stderr, c.want) {
				t.Errorf("%s %s: exit %d, %q; want exit 1 and %q", cmd, c.name, code, stderr, c.want)
			}
			if el := time.Since(t0); el > 5*time.Second {
				t.Errorf("%s %s: refused after %v", cmd, c.name, el)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%s: run directory created", c.name)
		}
	}
}

// Durations and counts that used to run to a silent, meaningless result
// with exit 0 (issue 13) are errors naming the key, for every non-spiking
// experiment. describe validates like run, without simulating.
func TestNonsenseDurationsAndCounts(t *testing.T) {
	cases := []struct {
		exp, set, want string
	}{
		{"pb-load", "load.duration_ms=inf", "load.duration_ms = +Inf is not a finite number"},
		{"pb-load", "load.duration_ms=1e300", "load.duration_ms = 1e+300 ms is 2e+300 steps"},
		{"pb-load", "load.duration_ms=1e-9", "load.duration_ms = 1e-09 ms is shorter than half a step"},
		{"pb-load", "load.measure_ms=1e-9", "load.measure_ms = 1e-09 ms is shorter than half a step"},
		{"pb-load", "load.measure_ms=0", "load.measure_ms = 0 must be > 0"},
		{"pb-load", "load.seeds=1000000000", "more than the 1073741824 a run may take"},
		{"pb-dms", "protocol.delay_ms=inf", "protocol.delay_ms = +Inf is not a finite number"},
		{"pb-dms", "protocol.background_ms=1e300", "protocol.background_ms = 1e+300 ms is 2e+300 steps"},
		{"pb-dms", "protocol.presentation_ms=1e-9", "protocol.presentation_ms = 1e-09 ms is shorter than half a step"},
		{"pb-dms", "protocol.delay_ms=0", "protocol.delay_ms = 0 must be > 0"},
		{"pb-dms", "record.every_ms=inf", "record.every_ms = +Inf is not a finite number"},
		{"pb-dms", "record.every_ms=1e300", "record.every_ms = 1e+300 ms is 2e+300 steps"},
		{"pb-dms", "protocol.trials=100000000", "more than the 1073741824 a run may take"},
		{"pb-dms", "network.seed=-1", "network.seed = -1 must be ≥ 0"},
		{"infer-loop", "protocol.presentation_ms=inf", "protocol.presentation_ms = +Inf is not a finite number"},
		{"infer-loop", "protocol.background_ms=1e300", "protocol.background_ms = 1e+300 ms"},
		{"infer-loop", "protocol.background_ms=1e-9", "protocol.background_ms = 1e-09 ms is shorter than half a step"},
		{"infer-loop", "protocol.novel_stimuli=100000000", "more than the 1073741824 a run may take"},
		{"homeostasis", "sweep.develop_steps=1000000000000", "sweep.develop_steps = 1000000000000 must be in [0, 1073741824]"},
		{"homeostasis", "sweep.measure_steps=1000000000000", "sweep.measure_steps = 1000000000000 must be in [3, 1073741824]"},
		{"homeostasis", "sweep.seeds=100000", "more than the 1073741824 a run may take"},
		{"homeostasis", "network.tau_hp=inf", "network.tau_hp = +Inf"},
		{"homeostasis", "network.seed=-1", "network.seed = -1 must be ≥ 0"},
	}
	for _, c := range cases {
		code, out, stderr := run(t, "describe", c.exp, "--set", c.set)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("describe %s --set %s: exit %d, %q; want exit 1 and %q", c.exp, c.set, code, stderr, c.want)
			if code == 0 {
				t.Logf("output: %.300s", out)
			}
		}
	}
}

// Validation reports the key the user set, not a derived one: before the
// fix rule.x_g_hz = inf was reported as "rule.x_hzg" and homeostasis
// r_star = nan as the derived drive "h".
func TestErrorsNameTheUserKey(t *testing.T) {
	cases := []struct {
		exp, set, want string
	}{
		{"pb-dms", "rule.x_g_hz=inf", "rule.x_g_hz = +Inf is not a finite number"},
		{"pb-dms", "rule.beta_g_per_hz=nan", "rule.beta_g_per_hz = NaN is not a finite number"},
		{"pb-dms", "rule.x_f_hz=-inf", "rule.x_f_hz = -Inf is not a finite number"},
		{"pb-load", "rule.beta_g_per_hz=-1", "rule.beta_g_per_hz = -1 must be > 0"},
		{"homeostasis", "network.r_star=nan", "network.r_star = NaN must be in (0, 1)"},
		{"homeostasis", "network.r_star=2", "network.r_star = 2 must be in (0, 1)"},
		{"homeostasis", "network.k=0", "network.k = 0 must be in [1, network.n − 1 = 999]"},
		{"homeostasis", "network.n=1", "network.n = 1 must be ≥ 2"},
	}
	for _, c := range cases {
		code, _, stderr := run(t, "describe", c.exp, "--set", c.set)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("describe %s --set %s: exit %d, %q; want exit 1 and %q", c.exp, c.set, code, stderr, c.want)
		}
	}
}

// The theory commands' numeric flags are bounded and named in errors
// (before: --n 1e9 ran out of memory, --alphas 0.1:inf:1e-9 grew for ever,
// --to inf was accepted, --finite-k -3 was reported as Options.FiniteK).
func TestBadTheoryFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"capacity", "--sweep", "A", "--n", "1000000000"}, "sweep needs 2 ≤ --n ≤ 10000"},
		{[]string{"capacity", "--sweep", "x_g", "--from", "10", "--to", "inf", "--n", "3"}, "finite --from < --to"},
		{[]string{"capacity", "--sweep", "coding", "--n", "100000000"}, "step sweep needs 2 ≤ --n ≤ 10000"},
		{[]string{"capacity", "--sweep", "abar", "--from", "1", "--to", "inf"}, "step sweep needs"},
		{[]string{"mft", "--alphas", "0.1:inf:1e-9"}, `--alphas "0.1:inf:1e-9": want lo:hi:step`},
		{[]string{"mft", "--alphas", "0.1:0.2:1e-9"}, "at most 10000 points"},
		{[]string{"mft", "--alphas", "0.1:0.2:0.01xyz"}, "want lo:hi:step"},
		{[]string{"mft", "--alpha", "0.1", "--finite-k", "-3"}, "--finite-k -3: want 0"},
		{[]string{"mft", "--alpha", "0.1", "--finite-k", "100", "--c", "2"}, "--c 2: want a connection probability in [0, 1)"},
		{[]string{"capacity", "--finite-k", "250", "--c", "nan"}, "--c NaN: want"},
	} {
		t0 := time.Now()
		code, _, stderr := run(t, append(c.args, "--quiet", "--out", filepath.Join(dir, "x"))...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, code, stderr, c.want)
		}
		if el := time.Since(t0); el > 5*time.Second {
			t.Errorf("%v: refused after %v", c.args, el)
		}
	}
	if code, _, stderr := run(t, "mft", "--alphas", "0.1:0.12:0.01", "--quiet", "--json", "--out", filepath.Join(dir, "ok")); code != 0 {
		t.Errorf("valid --alphas: %s", stderr)
	}
}

// infer's counts are bounded, and a synthetic data set over the memory
// budget is refused before it is drawn (before: --n 1e10 allocated until
// the machine ran out of memory; --bootstrap near 2⁶³ overflowed the
// estimate).
func TestBadInferFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"infer", "--synthetic", "median", "--n", "10000000000"}, "--synthetic: 1 neuron(s) × 2 × --n 10000000000 responses need an estimated"},
		{[]string{"infer", "--synthetic", "itc", "--neurons", "100000", "--mem-budget", "1GiB"}, "above the budget of 1.00 GiB"},
		{[]string{"infer", "--synthetic", "median", "--bootstrap", "9223372036854775807"}, "--bootstrap = 9223372036854775807 must be in [0, 1000000]"},
		{[]string{"infer", "--synthetic", "median", "--max-grid", "2000000000"}, "--max-grid = 2000000000 must be in [10, 1000000]"},
		{[]string{"infer", "--synthetic", "median", "--noise-sd", "inf"}, "--noise-sd = +Inf must be a finite number ≥ 0"},
	} {
		t0 := time.Now()
		code, _, stderr := run(t, append(c.args, "--quiet", "--out", filepath.Join(dir, "x"))...)
		if code != 1 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q, want %q", c.args, code, stderr, c.want)
		}
		if el := time.Since(t0); el > 5*time.Second {
			t.Errorf("%v: refused after %v", c.args, el)
		}
	}
}

// Memory estimates of huge valid configs are huge, never wrapped around to
// a small or negative number that would pass any budget (before: pb-dms
// with p = 10¹⁵ estimated −7.5·10¹⁸ B, pb-load with α = 10¹⁵ −3.5·10¹⁸ B).
// Each lower bound is a part of the run counted by hand: the weights
// (n²c synapses × 8 B) or the pattern matrix (p × n × 4 B).
func TestMemoryEstimatesNeverWrap(t *testing.T) {
	for _, c := range []struct {
		exp   string
		sets  []string
		lower float64
	}{
		{"pb-dms", []string{"network.p=2147483647", "network.n=2147483647", "network.c=1.0"}, 2147483647.0 * 2147483647 * 4},
		{"pb-dms", []string{"network.p=2147483647", "network.n=2000000", "network.c=0.001"}, 2147483647.0 * 2e6 * 4},
		{"pb-load", []string{"load.alphas=[8000000.0]"}, 8e6 * 250 * 20000 * 4},
		{"infer-loop", []string{"network.n=2147483647", "network.c=0.5", "inference.neurons=30"}, 2147483647.0 * 2147483647 * 0.5 * 8},
		{"homeostasis", []string{"network.n=2147483647", "network.k=2147483646", "sweep.develop_steps=0", "sweep.average_last_steps=0"}, 2147483647.0 * 2147483646 * 8},
	} {
		args := []string{"describe", c.exp, "--json"}
		for _, s := range c.sets {
			args = append(args, "--set", s)
		}
		code, out, stderr := run(t, args...)
		if code != 0 {
			t.Errorf("%s %v: exit %d %s", c.exp, c.sets, code, stderr)
			continue
		}
		var res struct {
			Need float64 `json:"mem_estimate_bytes"`
		}
		if err := json.Unmarshal([]byte(out), &res); err != nil || !(res.Need >= min(c.lower, 9.2e18)) {
			t.Errorf("%s %v: estimate %v B, want ≥ %.3g B (%v)", c.exp, c.sets, res.Need, c.lower, err)
		}
	}
}

// The theory commands name the [transfer]/[rule] key at fault (before: "a
// [transfer]/[rule] parameter is not a finite number").
func TestTheoryErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	for set, want := range map[string]string{"transfer.beta=nan": "transfer.beta = NaN is not a finite number",
		"transfer.h0=inf": "transfer.h0 = +Inf is not a finite number", "rule.x_g_hz=inf": "rule.x_g_hz = +Inf is not a finite number"} {
		for _, cmd := range []string{"capacity", "mft"} {
			code, _, stderr := run(t, cmd, "--set", set, "--quiet", "--out", filepath.Join(dir, "x"))
			if code != 1 || !strings.Contains(stderr, want) {
				t.Errorf("%s --set %s: exit %d %q, want %q", cmd, set, code, stderr, want)
			}
		}
	}
}
