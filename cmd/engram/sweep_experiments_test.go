package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/engramsim/engram/sweep"
)

// sweepLocal runs a sweep file with the test binary as engram and returns
// the rows of its points.tsv.
func sweepLocal(t *testing.T, file, out string) []map[string]string {
	t.Helper()
	t.Setenv(cliEnv, "1")
	code, stdout, stderr := run(t, "sweep", file, "--local", "2", "--quiet", "--out", out, "--engram", os.Args[0])
	if code != 0 {
		t.Fatalf("sweep %s: exit %d\n%s\n%s", file, code, stdout, stderr)
	}
	_, rows := readTable(t, filepath.Join(out, sweep.TableFile))
	return rows
}

// jsonPath reads a dotted path (retrieval.m) from a decoded JSON object.
func jsonPath(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// The mean-field theory as an experiment: a sweep over the load α
// (examples/mft-load.sweep.toml's base, 3 of its loads) gives, point by
// point, exactly the numbers `engram mft --alpha α` prints, and R7's
// overlap m = 0.768 at α = 0.2, A = 10.65 (pereira-brunel.md §4, ±0.01).
func TestSweepOverMFTLoad(t *testing.T) {
	dir := t.TempDir()
	base, err := filepath.Abs("../../examples/mft.toml")
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, dir, "s.toml", "base = "+strconv.Quote(base)+"\n[grid]\nmft.alpha = [0.05, 0.2, 0.3]\n")
	rows := sweepLocal(t, file, filepath.Join(dir, "out"))
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, r := range rows {
		code, out, stderr := run(t, "mft", "--alpha", r["mft.alpha"], "--set", "rule.A=10.6518", "--json", "--quiet", "--out", filepath.Join(dir, "direct"+strconv.Itoa(i)))
		if code != 0 {
			t.Fatal(stderr)
		}
		var direct map[string]any
		if err := json.Unmarshal([]byte(out), &direct); err != nil {
			t.Fatal(err)
		}
		for _, key := range [][]string{{"retrieval", "m"}, {"retrieval", "lambda"}, {"retrieval", "mean_rate_hz"}, {"background", "lambda"}, {"background", "r2"}} {
			name := key[0] + "." + key[1]
			v, ok := jsonPath(direct, key...).(float64)
			if !ok {
				t.Fatalf("mft --json lacks %s: %s", name, out)
			}
			if r[name] != sweep.Cell(v) {
				t.Errorf("α = %s: %s = %s in the sweep, %v from engram mft", r["mft.alpha"], name, r[name], v)
			}
		}
	}
	if m, _ := strconv.ParseFloat(rows[1]["retrieval.m"], 64); m < 0.758 || m > 0.778 {
		t.Errorf("retrieval.m = %v at α = 0.2, want 0.768 ± 0.01 (R7)", m)
	}
}

// The analyses as experiments: a sweep of analyze-branching over MR's
// largest lag k_max gives, point by point, exactly what `engram analyze
// branching FILE --kmax K` prints (same seed, same bootstrap), and m̂ of
// the driven branching process at m = 0.9 (criticality.md §1) within
// branchingTolM at every k_max.
func TestSweepOverAnalyzeKMax(t *testing.T) {
	dir := t.TempDir()
	data := writeDriven(t, dir, "activity.npy", 0.9, 4, 5000, 3)
	writeFile(t, dir, "base.toml", "experiment = \"analyze-branching\"\n[input]\nfile = "+strconv.Quote(data)+"\nbin_ms = 4.0\n")
	file := writeFile(t, dir, "s.toml", "base = \"base.toml\"\n[grid]\nmr.k_max = [20, 40, 80]\n")
	rows := sweepLocal(t, file, filepath.Join(dir, "out"))
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		code, out, stderr := run(t, "analyze", "branching", data, "--bin-ms", "4", "--kmax", r["mr.k_max"], "--json", "--quiet", "--no-run-dir")
		if code != 0 {
			t.Fatal(stderr)
		}
		direct := decodeJSON(t, out)
		for _, k := range []string{"m", "m_stderr", "tau_bins", "tau_ms", "m_conventional", "m_naive", "k_max"} {
			if v := num(t, direct, k); r[k] != sweep.Cell(v) {
				t.Errorf("k_max = %s: %s = %s in the sweep, %v from engram analyze branching", r["mr.k_max"], k, r[k], v)
			}
		}
		if m, _ := strconv.ParseFloat(r["m"], 64); math.Abs(m-0.9) > branchingTolM {
			t.Errorf("k_max = %s: m = %v, want 0.9 ± %v", r["mr.k_max"], m, branchingTolM)
		}
	}
}

// engram run of the avalanche and power-law experiments gives the numbers
// of the subcommands (in its summary; the subcommands print them at the
// top level), and bad keys are errors naming them.
func TestAnalyzeExperimentsEqualCommands(t *testing.T) {
	dir := t.TempDir()
	data := writeAvalancheSeries(t, dir, 20000)
	cfg := writeFile(t, dir, "av.toml", "experiment = \"analyze-avalanches\"\n[input]\nfile = "+strconv.Quote(data)+"\n[avalanches]\ngamma_min_count = 5\n")
	code, out, stderr := run(t, "run", cfg, "--json", "--quiet", "--out", filepath.Join(dir, "av"))
	if code != 0 {
		t.Fatal(stderr)
	}
	viaRun := decodeJSON(t, out)
	code, out, stderr = run(t, "analyze", "avalanches", data, "--gamma-min-count", "5", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatal(stderr)
	}
	direct := decodeJSON(t, out)
	for _, k := range []string{"n_avalanches", "size_alpha", "duration_alpha", "gamma_fit", "gamma_predicted"} {
		if a, b := jsonPath(viaRun, "summary", k), num(t, direct, k); a != b {
			t.Errorf("avalanches %s: %v by engram run, %v by engram analyze", k, a, b)
		}
	}
	sizes := filepath.Join(dir, "av", "res", "avalanches.tsv")
	cfg = writeFile(t, dir, "pl.toml", "experiment = \"analyze-powerlaw\"\n[input]\nfile = "+strconv.Quote(sizes)+"\ncolumn = \"size\"\n")
	code, out, stderr = run(t, "run", cfg, "--json", "--quiet", "--out", filepath.Join(dir, "pl"))
	if code != 0 {
		t.Fatal(stderr)
	}
	viaRun = decodeJSON(t, out)
	code, out, stderr = run(t, "analyze", "powerlaw", sizes, "--column", "size", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatal(stderr)
	}
	direct = decodeJSON(t, out)
	for _, k := range []string{"alpha", "alpha_stderr", "xmin", "ks_distance", "n_tail"} {
		if a, b := jsonPath(viaRun, "summary", k), num(t, direct, k); a != b {
			t.Errorf("powerlaw %s: %v by engram run, %v by engram analyze", k, a, b)
		}
	}
	for set, want := range map[string]string{"mr.k_max=-1": "mr.k_max = -1", "mr.method=xx": `mr.method = "xx"`, "input.kind=foo": "input.kind"} {
		bad := writeFile(t, dir, "bad.toml", "experiment = \"analyze-branching\"\n[input]\nfile = \"x.npy\"\n")
		if code, _, stderr := run(t, "run", bad, "--set", set, "--quiet", "--out", filepath.Join(dir, "bad")); code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("--set %s: exit %d %q, want %q", set, code, stderr, want)
		}
	}
}

// builtInVsSweep runs base (an experiment with a built-in sweep over
// listKey) once with the list values and once as a sweep file over
// listKey with the same values, both with the overrides sets, and returns
// the built-in run's summary and the sweep's table rows.
func builtInVsSweep(t *testing.T, base, listKey string, values []string, sets map[string]string, report string) (map[string]any, []map[string]string, string) {
	t.Helper()
	dir := t.TempDir()
	abs, err := filepath.Abs(base)
	if err != nil {
		t.Fatal(err)
	}
	list := "[" + strings.Join(values, ", ") + "]"
	args := []string{"run", abs, "--json", "--quiet", "--workers", "2", "--out", filepath.Join(dir, "builtin"), "--set", listKey + "=" + list}
	var set strings.Builder
	set.WriteString("[set]\n")
	for k, v := range sets {
		args = append(args, "--set", k+"="+v)
		set.WriteString(k + " = " + v + "\n")
	}
	code, out, stderr := run(t, args...)
	if code != 0 {
		t.Fatalf("built-in sweep: %s", stderr)
	}
	builtin := decodeJSON(t, out)
	file := writeFile(t, dir, "s.sweep.toml", "base = "+strconv.Quote(abs)+"\n"+set.String()+"[grid]\n"+listKey+" = "+list+"\n"+report)
	sweepDir := filepath.Join(dir, "sweep")
	return builtin, sweepLocal(t, file, sweepDir), sweepDir
}

// checkPointByPoint compares the built-in summary's per-value arrays
// (sorted by the swept value, in arrays[0]) with the sweep table's
// columns prefix.<name>: exactly, as the table writes them.
func checkPointByPoint(t *testing.T, builtin map[string]any, rows []map[string]string, sweptKey string, arrays map[string]string) {
	t.Helper()
	xs, _ := jsonPath(builtin, "summary", "h_over_r_star").([]any)
	if xs == nil {
		xs, _ = jsonPath(builtin, "summary", "alphas").([]any)
	}
	if len(xs) != len(rows) {
		t.Fatalf("built-in sweep has %d values, the sweep file %d points", len(xs), len(rows))
	}
	for i, x := range xs {
		var row map[string]string
		for _, r := range rows {
			if r[sweptKey] == sweep.Cell(x.(float64)) {
				row = r
			}
		}
		if row == nil {
			t.Fatalf("no sweep point at %s = %v", sweptKey, x)
		}
		for arr, col := range arrays {
			v, ok := jsonPath(builtin, "summary", arr).([]any)
			if !ok || len(v) != len(xs) {
				t.Fatalf("built-in summary %s = %v", arr, jsonPath(builtin, "summary", arr))
			}
			want := "NaN"
			if f, ok := v[i].(float64); ok {
				want = sweep.Cell(f)
			}
			if row[col] != want {
				t.Errorf("%s = %v: %s = %s in the sweep, %s = %s in the built-in sweep", sweptKey, x, col, row[col], arr, want)
			}
		}
	}
}

// The homeostasis h-sweep as a sweep file (examples/homeostasis.sweep.toml's
// design and report, at a small size): every point's numbers equal the
// built-in sweep's for its drive, and collect draws m̂ vs h with the
// theory line (figs/m_vs_input).
func TestHomeostasisSweepFileMatchesBuiltIn(t *testing.T) {
	ex, err := os.ReadFile("../../examples/homeostasis.sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sweep.Parse("../../examples/homeostasis.sweep.toml", registry()); err != nil {
		t.Fatal(err)
	}
	report := string(ex[strings.Index(string(ex), "[report]"):])
	// homeostasis's own test network (N = 300, K = 30, r* = 0.02), shorter
	sets := map[string]string{"network.n": "300", "network.k": "30", "network.r_star": "0.02", "network.tau_hp": "200.0",
		"sweep.seeds": "2", "sweep.develop_steps": "8000", "sweep.measure_steps": "8000", "sweep.average_last_steps": "1000"}
	builtin, rows, dir := builtInVsSweep(t, "../../examples/homeostasis.toml", "sweep.h_over_r_star", []string{"0.3", "0.1"}, sets, report)
	checkPointByPoint(t, builtin, rows, "sweep.h_over_r_star", map[string]string{"m_ols": "drive.m_ols", "m_mr": "drive.m_mr",
		"m_theory": "drive.m_theory", "tau_steps": "drive.tau_steps", "rate": "drive.rate"})
	for _, f := range []string{"figs/m_vs_input.png", "figs/m_vs_input.tsv", "figs/tau_vs_input.svg", "figs/drive.m_ols.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("collect: %v", err)
		}
	}
	// the figure's data: the theory line is 1 − h/r* at the swept drives
	fig, err := os.ReadFile(filepath.Join(dir, "figs", "m_vs_input.tsv"))
	if err != nil || !strings.Contains(string(fig), "theory 1 − h/r*") {
		t.Errorf("figs/m_vs_input.tsv lacks the theory line: %v\n%s", err, fig)
	}
}

// pb-load's load sweep as a sweep file (examples/pb-load.sweep.toml's
// report, a small network): every point equals the built-in sweep's load.
func TestPBLoadSweepFileMatchesBuiltIn(t *testing.T) {
	ex, err := os.ReadFile("../../examples/pb-load.sweep.toml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sweep.Parse("../../examples/pb-load.sweep.toml", registry()); err != nil {
		t.Fatal(err)
	}
	report := string(ex[strings.Index(string(ex), "[report]"):])
	sets := map[string]string{"network.n": "1000", "network.c": "0.1", "load.seeds": "2", "load.duration_ms": "60.0",
		"load.measure_ms": "30.0", "load.average_from_ms": "30.0", "load.theory_finite_k": "false"}
	builtin, rows, dir := builtInVsSweep(t, "../../examples/pb-overlay.toml", "load.alphas", []string{"0.05", "0.1"}, sets, report)
	checkPointByPoint(t, builtin, rows, "load.alphas", map[string]string{"m_at_measure": "load.m_at_measure", "m_time_avg": "load.m_time_avg"})
	if _, err := os.Stat(filepath.Join(dir, "figs", "overlap_vs_load.png")); err != nil {
		t.Errorf("collect: %v", err)
	}
}

// The information and correlation analyses as experiments: a sweep of
// analyze-mi over the KSG neighbour count k equals `engram analyze mi
// --k K` point by point (and I ≈ 0.830 nats, the closed form at ρ = 0.9,
// within 0.1 as TestAnalyzeMI allows); engram run of analyze-entropy,
// analyze-corr and analyze-ising equals the subcommands.
func TestInfoExperimentsEqualCommands(t *testing.T) {
	dir := infoFiles(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	writeFile(t, dir, "mi.toml", "experiment = \"analyze-mi\"\n[input]\nx = "+strconv.Quote(p("x.npy"))+"\ny = "+strconv.Quote(p("y.npy"))+"\n")
	file := writeFile(t, dir, "k.sweep.toml", "base = \"mi.toml\"\n[grid]\nmi.k = [2, 4, 8]\n")
	rows := sweepLocal(t, file, filepath.Join(dir, "sweep"))
	for _, r := range rows {
		direct := runJSON(t, "analyze", "mi", p("x.npy"), p("y.npy"), "--k", r["mi.k"])
		for _, k := range []string{"mi_nats", "mi_bits", "mi_stderr_bits", "bias_correction_bits", "n"} {
			if r[k] != sweep.Cell(num(t, direct, k)) {
				t.Errorf("k = %s: %s = %s in the sweep, %v from engram analyze mi", r["mi.k"], k, r[k], direct[k])
			}
		}
		if v, _ := strconv.ParseFloat(r["mi_nats"], 64); math.Abs(v-0.8304) > 0.1 {
			t.Errorf("k = %s: I = %v nats, closed form 0.8304", r["mi.k"], v)
		}
	}
	for _, c := range []struct {
		toml string
		args []string
		keys []string
	}{
		{"experiment = \"analyze-entropy\"\n[input]\nx = " + strconv.Quote(p("x.npy")) + "\n[entropy]\nestimator = \"kl\"\nk = 3\n",
			[]string{"analyze", "entropy", p("x.npy"), "--estimator", "kl", "--k", "3"}, []string{"h_nats", "h_bits", "h_stderr_bits"}},
		{"experiment = \"analyze-corr\"\n[input]\nfile = " + strconv.Quote(p("raster.npy")) + "\nkind = \"raster\"\nbin_ms = 5.0\n",
			[]string{"analyze", "corr", p("raster.npy"), "--input", "raster", "--bin-ms", "5"}, []string{"rho_mean", "rho_sd", "pairs", "k1", "k2", "k3"}},
		{"experiment = \"analyze-ising\"\n[input]\nfile = " + strconv.Quote(p("raster.npy")) + "\nkind = \"raster\"\n[ising]\nunits = [0, 1, 2, 3]\n",
			[]string{"analyze", "ising", p("raster.npy"), "--input", "raster", "--units", "0,1,2,3"}, []string{"i_n_bits", "i_2_bits", "ratio", "kl_bits"}},
		// units = [] (as describe prints the default) is every unit, as without --units
		{"experiment = \"analyze-ising\"\n[input]\nfile = " + strconv.Quote(p("raster.npy")) + "\nkind = \"raster\"\n[ising]\nunits = []\n",
			[]string{"analyze", "ising", p("raster.npy"), "--input", "raster"}, []string{"units", "i_n_bits", "kl_bits"}},
	} {
		cfg := writeFile(t, dir, "exp.toml", c.toml)
		code, out, stderr := run(t, "run", cfg, "--json", "--quiet", "--out", filepath.Join(t.TempDir(), "run"))
		if code != 0 {
			t.Fatalf("%s: %s", c.args[1], stderr)
		}
		viaRun := decodeJSON(t, out)
		direct := runJSON(t, c.args...)
		for _, k := range c.keys {
			if a, b := jsonPath(viaRun, "summary", k), num(t, direct, k); a != b {
				t.Errorf("%s %s: %v by engram run, %v by engram analyze", c.args[1], k, a, b)
			}
		}
	}
	bad := writeFile(t, dir, "bad.toml", "experiment = \"analyze-mi\"\n[mi]\nestimator = \"kl\"\n")
	if code, _, stderr := run(t, "run", bad, "--quiet", "--out", filepath.Join(dir, "bad")); code != 1 || !strings.Contains(stderr, `mi.estimator = "kl" estimates entropy`) {
		t.Errorf("mi with kl: exit %d %s", code, stderr)
	}
	empty := writeFile(t, dir, "empty.toml", "experiment = \"analyze-mi\"\n")
	if code, _, stderr := run(t, "run", empty, "--quiet", "--out", filepath.Join(dir, "empty")); code != 1 || !strings.Contains(stderr, "input.x is empty") {
		t.Errorf("mi without input: exit %d %s", code, stderr)
	}
}

// Every sweep file in examples/ parses: its base resolves with every
// point's overrides and its [report] is well formed.
func TestExampleSweepFilesParse(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.sweep.toml")
	files = append(files, "../../examples/brunel-phase.toml")
	if len(files) < 6 {
		t.Fatalf("only %d sweep files: %v", len(files), files)
	}
	for _, f := range files {
		p, err := sweep.Parse(f, registry())
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if len(p.Points) < 2 {
			t.Errorf("%s: %d points", f, len(p.Points))
		}
	}
}
