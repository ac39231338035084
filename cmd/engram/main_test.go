package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the CLI in-process and returns exit code, stdout, stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := newApp(&out, &errb).execute(context.Background(), args)
	return code, out.String(), errb.String()
}

// smallDMS is a fast pb-dms config (N = 3000, K = 150, p = 10).
const smallDMS = `experiment = "pb-dms"
[network]
n = 3000
c = 0.05
p = 10
seed = 3
[protocol]
background_ms = 200
presentation_ms = 200
delay_ms = 400
conditions = ["familiar", "novel"]
[record]
neurons = 10
every_ms = 5
save_weights = true
save_patterns = true
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunJSONAndRunDirectory(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "dms.toml", smallDMS)
	out := filepath.Join(dir, "run1")
	code, stdout, stderr := run(t, "run", cfg, "--json", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res struct {
		RunDir  string         `json:"run_dir"`
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout)
	}
	if res.RunDir != out {
		t.Errorf("run_dir %q, want %q", res.RunDir, out)
	}
	fam, _ := res.Summary["familiar"].(map[string]any)
	nov, _ := res.Summary["novel"].(map[string]any)
	if _, ok := fam["m_cued_end"].(float64); !ok {
		t.Errorf("summary.familiar.m_cued_end missing: %v", fam)
	}
	if _, ok := nov["max_abs_m_end"].(float64); !ok {
		t.Errorf("summary.novel.max_abs_m_end missing: %v", nov)
	}
	for _, f := range []string{"config.resolved.toml", "provenance.json", "report.html", "rec/m_familiar_t0.npy", "rec/weights.npz",
		"rec/patterns.npy", "res/trials.tsv", "figs/overlaps_familiar.png", "figs/overlaps_familiar.svg", "figs/overlaps_familiar.tsv", "figs/rate_hist_stim.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	// The resolved config reruns to the identical result (reproducibility),
	// also with a different worker count (keyed streams, fixed summation order).
	out2 := filepath.Join(dir, "run2")
	code, stdout2, stderr := run(t, "run", filepath.Join(out, "config.resolved.toml"), "--json", "--quiet", "--out", out2, "--workers", "1")
	if code != 0 {
		t.Fatalf("rerun exit %d: %s", code, stderr)
	}
	for _, f := range []string{"rec/m_familiar_t0.npy", "rec/rates_novel_t0.npy", "rec/rates_end_familiar_t0.npy", "rec/weights.npz"} {
		a, _ := os.ReadFile(filepath.Join(out, f))
		b, _ := os.ReadFile(filepath.Join(out2, f))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between --workers 2 (default) and --workers 1 reruns", f)
		}
	}
	_ = stdout2
	// numpy/scipy load what we wrote (skipped without Debian's python3-numpy/scipy).
	if exec.Command("/usr/bin/python3", "-c", "import numpy, scipy").Run() == nil {
		script := `import numpy as np, scipy.sparse as sp, sys, glob
d = sys.argv[1]
for f in glob.glob(d + "/rec/*.npy") + glob.glob(d + "/figs/*.npy"):
    a = np.load(f); assert a.size > 0, f
w = sp.load_npz(d + "/rec/weights.npz"); assert w.shape == (3000, 3000) and w.nnz > 0
m = np.load(d + "/rec/m_familiar_t0.npy"); assert m.shape[1] == 10
print("ok")`
		outp, err := exec.Command("/usr/bin/python3", "-c", script, out).CombinedOutput()
		if err != nil || !strings.Contains(string(outp), "ok") {
			t.Errorf("numpy could not load the run's arrays: %v\n%s", err, outp)
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, config string
		args         []string
		want         string
	}{
		{"malformed", "experiment = \"pb-dms\"\n[network\nn = 5\n", nil, "to end table name"},
		{"unknown key", "experiment = \"pb-dms\"\n[network]\nnn = 5\n", nil, `unknown key "network.nn" (did you mean "network.n"?)`},
		{"n <= 0", "experiment = \"pb-dms\"\n[network]\nn = 0\n", nil, "network.n = 0 must be > 0"},
		{"c > 1", "experiment = \"pb-dms\"\n[network]\nc = 1.5\n", nil, "network.c = 1.5 must be in (0, 1]"},
		{"c = 0", "experiment = \"pb-dms\"\n[network]\nc = 0.0\n", nil, "network.c = 0 must be in (0, 1]"},
		{"NaN parameter", smallDMS, []string{"--set", "rule.A=nan"}, "rule.A = NaN is not a finite number"},
		{"negative A", smallDMS, []string{"--set", "rule.A=-1"}, "rule.A = -1 must be ≥ 0"},
		{"unknown set key", smallDMS, []string{"--set", "rule.AA=1"}, `unknown key "rule.AA"`},
		{"memory budget", smallDMS, []string{"--set", "network.p=100000", "--set", "network.n=50000", "--set", "network.c=0.005", "--mem-budget", "1GiB"}, "above the budget"},
		{"missing experiment", "[network]\nn = 5\n", nil, "missing top-level key experiment"},
		{"unknown experiment", "experiment = \"nope\"\n", nil, `unknown experiment "nope"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := writeFile(t, dir, "bad.toml", c.config)
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, " ", "_"))
			args := append([]string{"run", cfg, "--quiet", "--out", out}, c.args...)
			code, _, stderr := run(t, args...)
			if code == 0 {
				t.Fatalf("exit code 0 for bad input")
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr %q does not contain %q", stderr, c.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("run directory %s created for bad input", out)
			}
		})
	}
	// --json errors are one JSON object on stdout
	cfg := writeFile(t, dir, "bad2.toml", "experiment = \"pb-dms\"\n[network]\nn = -3\n")
	code, stdout, _ := run(t, "run", cfg, "--json", "--quiet", "--out", filepath.Join(dir, "x"))
	var e map[string]string
	if code == 0 || json.Unmarshal([]byte(stdout), &e) != nil || !strings.Contains(e["error"], "network.n") {
		t.Errorf("--json error output %q (exit %d)", stdout, code)
	}
	// no staging directories are left behind
	ents, _ := os.ReadDir(dir)
	for _, en := range ents {
		if strings.Contains(en.Name(), "-tmp-") || strings.Contains(en.Name(), ".engram-staging") {
			t.Errorf("staging directory %s left behind", en.Name())
		}
	}
}

func TestOutputDirectoryProtection(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "dms.toml", smallDMS)
	// an existing non-empty directory is never touched
	existing := filepath.Join(dir, "existing")
	os.MkdirAll(existing, 0o755)
	keep := writeFile(t, existing, "precious.txt", "keep me")
	code, _, stderr := run(t, "run", cfg, "--quiet", "--out", existing)
	if code == 0 || !strings.Contains(stderr, "already exists and is not empty") {
		t.Errorf("existing dir: exit %d, %s", code, stderr)
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "keep me" {
		t.Error("existing run directory was modified")
	}
	// an unwritable parent: a regular file used as a directory
	file := writeFile(t, dir, "afile", "x")
	code, _, stderr = run(t, "run", cfg, "--quiet", "--out", filepath.Join(file, "run"))
	if code == 0 || !strings.Contains(stderr, "output") {
		t.Errorf("unwritable output: exit %d, %s", code, stderr)
	}
	if os.Geteuid() != 0 { // root ignores permission bits
		ro := filepath.Join(dir, "ro")
		os.MkdirAll(ro, 0o555)
		code, _, stderr = run(t, "run", cfg, "--quiet", "--out", filepath.Join(ro, "run"))
		if code == 0 || !strings.Contains(stderr, "not writable") {
			t.Errorf("read-only parent: exit %d, %s", code, stderr)
		}
	}
}

func TestDescribeAndVersion(t *testing.T) {
	code, out, stderr := run(t, "describe", "demo", "--set", "rule.A=10.65")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{`experiment = "pb-dms"`, "A = 10.65", "r_max_hz = 76.21783  # [Hz]", "tau_ms = 20.0  # [ms]", "estimated memory"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe output lacks %q", want)
		}
	}
	// presets apply before the file and --set (R1 values of ITC fit 3, spec §1.4)
	code, out, _ = run(t, "describe", "demo", "--preset", "itc3", "--set", "rule.A=2")
	if code != 0 || !strings.Contains(out, "x_f_hz = 19.18") || !strings.Contains(out, "A = 2.0") || !strings.Contains(out, "r_max_hz = 55.37") {
		t.Errorf("describe --preset itc3: %s", out)
	}
	if code, _, stderr := run(t, "describe", "demo", "--preset", "itc15"); code == 0 || !strings.Contains(stderr, "itc15") {
		t.Errorf("--preset itc15 accepted: %s", stderr)
	}
	code, out, _ = run(t, "version", "--json")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v["version"] == nil || v["go"] == nil {
		t.Errorf("version --json: %q", out)
	}
	code, out, _ = run(t, "describe", "--json")
	if code != 0 || !strings.Contains(out, "pb-dms") || !strings.Contains(out, "pb-load") {
		t.Errorf("describe --json: %q", out)
	}
}

// The scriptable theory commands print the documented top-level keys.
func TestCapacityAndMFTJSON(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "capacity", "--json", "--quiet", "--out", filepath.Join(dir, "cap"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var c map[string]any
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	// R4 (pereira-brunel.md §4): 0.560 (branch maximum), 0.5535 (scan rule), ±0.005.
	if a, _ := c["alpha_c"].(float64); a < 0.555 || a > 0.565 {
		t.Errorf("alpha_c = %v", c["alpha_c"])
	}
	if a, _ := c["alpha_c_scan"].(float64); a < 0.5485 || a > 0.5585 {
		t.Errorf("alpha_c_scan = %v", c["alpha_c_scan"])
	}
	for _, k := range []string{"m_at_alpha_c", "converged", "run_dir"} {
		if _, ok := c[k]; !ok {
			t.Errorf("capacity JSON lacks %s", k)
		}
	}
	code, out, stderr = run(t, "mft", "--alpha", "0.2", "--set", "rule.A=10.6518", "--json", "--quiet", "--out", filepath.Join(dir, "mft"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var full map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &full); err != nil {
		t.Fatal(err)
	}
	m := map[string]map[string]any{}
	for _, br := range []string{"retrieval", "background"} {
		var st map[string]any
		if err := json.Unmarshal(full[br], &st); err != nil {
			t.Fatalf("%s: %v", br, err)
		}
		m[br] = st
		for _, k := range []string{"m", "q", "delta", "mean_rate_hz", "r2", "lambda"} {
			if _, ok := st[k]; !ok {
				t.Errorf("mft %s lacks %s", br, k)
			}
		}
	}
	// R7: m = 0.768 at α = 0.2, A = 10.65 (±0.01).
	if v := m["retrieval"]["m"].(float64); v < 0.758 || v > 0.778 {
		t.Errorf("mft retrieval m = %v, want 0.768", v)
	}
	// S7 step limit through the CLI: R11, Ā = 1000 → 0.3201 (±0.003), Ā = 6.95 → 0.8442 at p = 1e-3.
	code, out, stderr = run(t, "capacity", "--sweep", "abar", "--from", "6.95", "--to", "1000", "--n", "2", "--json", "--quiet", "--out", filepath.Join(dir, "s7"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var s7 struct {
		Points []struct {
			AlphaC float64 `json:"alpha_c"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &s7); err != nil || len(s7.Points) != 2 {
		t.Fatalf("step sweep JSON: %v %s", err, out)
	}
	if a := s7.Points[0].AlphaC; a < 0.8412 || a > 0.8472 {
		t.Errorf("S7 α_c(Ā = 6.95, p = 1e-3) = %v, want 0.8442 ± 0.003", a)
	}
	if a := s7.Points[1].AlphaC; a < 0.3171 || a > 0.3231 {
		t.Errorf("S7 α_c(Ā = 1000) = %v, want 0.3201 ± 0.003", a)
	}
	code, _, stderr = run(t, "capacity", "--set", "rule.A=-2", "--quiet", "--out", filepath.Join(dir, "bad"))
	if code == 0 || !strings.Contains(stderr, "rule.A") {
		t.Errorf("capacity with A < 0: exit %d %s", code, stderr)
	}
	code, _, stderr = run(t, "mft", "--alpha", "-1", "--quiet", "--out", filepath.Join(dir, "bad2"))
	if code == 0 || !strings.Contains(stderr, "alpha") {
		t.Errorf("mft with alpha < 0: exit %d %s", code, stderr)
	}
	code, _, stderr = run(t, "capacity", "--set", "rule.x_g_hz=500", "--quiet", "--out", filepath.Join(dir, "bad3"))
	if code == 0 || !strings.Contains(stderr, "centred") {
		t.Errorf("capacity with uncentrable g: exit %d %s", code, stderr)
	}
}

// describe prints the per-step schedule of a spiking config (the engine's
// own list: experiment/spiking's TestScheduleIsTheEngines checks that it is
// the order a run executes).
func TestDescribeSpikingSchedule(t *testing.T) {
	code, out, stderr := run(t, "describe", "../../examples/brunel-ai.toml")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{"per-step schedule", "E→I (15 step(s))", "threshold and reset", "deliver", "record", "check"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe output lacks %q", want)
		}
	}
}

// capacity --finite-k/--c (the flags of mft): the finite-K capacity of
// theory/meanfield (α_c = 0.5196 at the medians, K = 250, c = 0.005, measured
// in TestCapacityFiniteK), below R4's K → ∞ branch maximum 0.560.
func TestCapacityFiniteKFlag(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := run(t, "capacity", "--finite-k", "250", "--c", "0.005", "--json", "--quiet", "--out", filepath.Join(dir, "capk"))
	if code != 0 {
		t.Fatal(stderr)
	}
	var c struct {
		AlphaC    float64 `json:"alpha_c"`
		MAtAlphaC float64 `json:"m_at_alpha_c"`
		VC        float64 `json:"v_c"`
		Converged bool    `json:"converged"`
		Settings  struct {
			FiniteK int     `json:"finite_k"`
			C       float64 `json:"c"`
		} `json:"settings"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.AlphaC < 0.5191 || c.AlphaC > 0.5201 || !c.Converged || c.VC <= 0 {
		t.Errorf("finite-K capacity: alpha_c = %v (want 0.5196 ± 0.0005), converged %v, v_c = %v", c.AlphaC, c.Converged, c.VC)
	}
	if c.Settings.FiniteK != 250 || c.Settings.C != 0.005 {
		t.Errorf("settings %+v", c.Settings)
	}
	code, _, stderr = run(t, "capacity", "--finite-k", "250", "--sweep", "abar", "--quiet", "--out", filepath.Join(dir, "capk-s7"))
	if code == 0 || !strings.Contains(stderr, "finite-k") {
		t.Errorf("--finite-k with the step limit: exit %d %s", code, stderr)
	}
}
