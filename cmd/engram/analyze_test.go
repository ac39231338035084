package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/branchproc"
)

// decodeJSON parses the single JSON object printed under --json.
func decodeJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	return m
}

// keysOf returns the sorted top-level keys.
func keysOf(m map[string]any) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	slices.Sort(k)
	return k
}

// requireKeys checks that the top-level keys are exactly want plus the run
// directory keys (run_dir, experiment, report, summary; or experiment and
// summary under --no-run-dir).
func requireKeys(t *testing.T, m map[string]any, runDir bool, want ...string) {
	t.Helper()
	all := append([]string{"experiment", "summary"}, want...)
	if runDir { // a run's object is res/summary.json's plus where it is
		all = append(all, "run_dir", "report", "seed", "status", "metrics")
	}
	slices.Sort(all)
	if got := keysOf(m); !slices.Equal(got, all) {
		t.Fatalf("JSON keys\n got %v\nwant %v", got, all)
	}
}

func num(t *testing.T, m map[string]any, key string) float64 {
	t.Helper()
	v, ok := m[key].(float64)
	if !ok {
		t.Fatalf("%s = %v (%T), want a number", key, m[key], m[key])
	}
	return v
}

// writeDriven writes trials × length counts of the driven branching process
// (criticality.md §1) to dir/name as a 2-D .npy.
func writeDriven(t *testing.T, dir, name string, m float64, trials, length int, seed uint64) string {
	t.Helper()
	d := branchproc.DefaultDriven()
	d.M, d.Mean, d.Trials, d.Length = m, 100, trials, length
	_, obs, err := branchproc.SimulateDriven(rand.New(rand.NewPCG(seed, 0)), d)
	if err != nil {
		t.Fatal(err)
	}
	flat := make([]float64, 0, trials*length)
	for _, tr := range obs {
		flat = append(flat, tr...)
	}
	p := filepath.Join(dir, name)
	if err := store.WriteNPY(p, flat, trials, length); err != nil {
		t.Fatal(err)
	}
	return p
}

// Per-run band for m = 0.9, a = 100, 10 × 10⁴, k ≤ 50 (criticality.md §4.1,
// first row: ± 0.015). The file here is 5 × 10⁴ bins, so the band is wider
// by about √2; 0.025 is still far from the conventional/naive failure modes.
const branchingTolM = 0.025

func TestAnalyzeBranchingEndToEnd(t *testing.T) {
	dir := t.TempDir()
	file := writeDriven(t, dir, "activity.npy", 0.9, 5, 10000, 7)
	out := filepath.Join(dir, "run")
	code, stdout, stderr := run(t, "analyze", "branching", file, "--kmax", "50", "--bin-ms", "4", "--json", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("%s", stdout)
	m := decodeJSON(t, stdout)
	requireKeys(t, m, true, "m", "m_stderr", "tau_bins", "tau_ms", "m_conventional", "m_naive", "fit", "method", "k_min", "k_max")
	if got := num(t, m, "m"); math.Abs(got-0.9) > branchingTolM {
		t.Errorf("m = %v, want 0.9 ± %v", got, branchingTolM)
	}
	// τ = −1/ln 0.9 = 9.49 bins (criticality.md §1); τ_ms = 4·τ_bins exactly.
	if tb, tm := num(t, m, "tau_bins"), num(t, m, "tau_ms"); math.Abs(tm-4*tb) > 1e-9*tm || math.Abs(tb-9.49) > 2.5 {
		t.Errorf("tau_bins = %v, tau_ms = %v", tb, tm)
	}
	if c := num(t, m, "m_conventional"); math.Abs(c-0.9) > 0.01 { // r₁ = m at p = 1 (SD 0.0013 per §4.1)
		t.Errorf("m_conventional = %v, want ≈ 0.9", c)
	}
	if m["fit"] != "exp_offset" || m["method"] != "sm" || num(t, m, "k_min") != 1 || num(t, m, "k_max") != 50 {
		t.Errorf("fit/method/k range = %v %v %v %v", m["fit"], m["method"], m["k_min"], m["k_max"])
	}
	if !(num(t, m, "m_stderr") > 0) {
		t.Errorf("m_stderr = %v, want > 0 (bootstrap over 5 trials)", m["m_stderr"])
	}
	if m["run_dir"] != out {
		t.Errorf("run_dir = %v, want %s", m["run_dir"], out)
	}
	for _, f := range []string{"report.html", "provenance.json", "command.txt", "res/coefficients.tsv", "res/fits.tsv",
		"figs/coefficients.png", "figs/coefficients.tsv", "figs/residuals.png", "figs/residuals.tsv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}

	// Without a bin width there is no tau_ms; ts and exp select the method and model.
	code, stdout, stderr = run(t, "analyze", "branching", file, "--kmax", "50", "--method", "ts", "--fit", "exp", "--bootstrap", "0", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m = decodeJSON(t, stdout)
	requireKeys(t, m, false, "m", "m_stderr", "tau_bins", "m_conventional", "m_naive", "fit", "method", "k_min", "k_max")
	if m["fit"] != "exp" || m["method"] != "ts" || math.Abs(num(t, m, "m")-0.9) > branchingTolM {
		t.Errorf("ts/exp: %v", m)
	}
}

func TestAnalyzeTimescale(t *testing.T) {
	dir := t.TempDir()
	file := writeDriven(t, dir, "activity.npy", 0.9, 5, 10000, 8)
	code, stdout, stderr := run(t, "analyze", "timescale", file, "--kmax", "100", "--bin-ms", "2", "--json", "--quiet", "--out", filepath.Join(dir, "run"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("%s", stdout)
	m := decodeJSON(t, stdout)
	requireKeys(t, m, true, "tau_bins", "tau_stderr_bins", "tau_ms", "tau_int_bins", "tau_int_ms", "tau_int_window", "m", "fit", "method", "k_min", "k_max")
	// For r_k = m^k: τ_int = ½ + m/(1−m) = 9.5 and τ = −1/ln m = 9.49 bins.
	if ti := num(t, m, "tau_int_bins"); math.Abs(ti-9.5) > 1.5 {
		t.Errorf("tau_int_bins = %v, want ≈ 9.5", ti)
	}
	if tb := num(t, m, "tau_bins"); math.Abs(tb-9.49) > 1.5 {
		t.Errorf("tau_bins = %v, want ≈ 9.49", tb)
	}
	if w := num(t, m, "tau_int_window"); w < 5*num(t, m, "tau_int_bins") {
		t.Errorf("window %v below 5 τ_int", w)
	}
	if _, err := os.Stat(filepath.Join(dir, "run", "figs", "integrated_tau.tsv")); err != nil {
		t.Error(err)
	}
}

func TestAnalyzePowerlawWords(t *testing.T) {
	// Vendored with its provenance (analysis/powerlaw/testdata/powerlaw-reference/README.md).
	words := "../../analysis/powerlaw/testdata/powerlaw-reference/words.txt"
	if _, err := os.Stat(words); err != nil {
		t.Fatal("reference data missing (it is committed under analysis/powerlaw/testdata):", err)
	}
	dir := t.TempDir()
	code, stdout, stderr := run(t, "analyze", "powerlaw", words, "--discrete", "--compare", "--json", "--quiet", "--out", filepath.Join(dir, "run"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("%s", stdout)
	m := decodeJSON(t, stdout)
	requireKeys(t, m, true, "alpha", "alpha_stderr", "xmin", "ks_distance", "n_tail", "comparisons")
	// Clauset, Shalizi & Newman 2009, Table 6.1: α = 1.95, x_min = 7 (criticality.md AV-10).
	if a := num(t, m, "alpha"); math.Abs(a-1.95) > 0.05 {
		t.Errorf("alpha = %v, want 1.95 ± 0.05", a)
	}
	if x := num(t, m, "xmin"); x != 7 {
		t.Errorf("xmin = %v, want 7", x)
	}
	comps, ok := m["comparisons"].(map[string]any)
	if !ok {
		t.Fatalf("comparisons = %v", m["comparisons"])
	}
	for _, alt := range []string{"truncated_power_law", "exponential", "lognormal", "stretched_exponential"} {
		c, ok := comps[alt].(map[string]any)
		if !ok || len(c) != 2 || c["R"] == nil || c["p"] == nil {
			t.Errorf("comparisons.%s = %v, want {R, p}", alt, comps[alt])
		}
	}
	// powerlaw's published ratio against the exponential: R = 9.09, p ≈ 0 (README of the data).
	if e, _ := comps["exponential"].(map[string]any); e != nil {
		if r, _ := e["R"].(float64); !(r > 0) {
			t.Errorf("exponential R = %v, want > 0 (power law favoured)", e["R"])
		}
	}
	for _, f := range []string{"res/fit.tsv", "res/comparisons.tsv", "figs/ccdf.png", "figs/ccdf.tsv"} {
		if _, err := os.Stat(filepath.Join(dir, "run", f)); err != nil {
			t.Error(err)
		}
	}

	// Without --compare there is no comparisons key.
	code, stdout, stderr = run(t, "analyze", "powerlaw", words, "--json", "--quiet", "--no-run-dir", "--xmin", "7")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m = decodeJSON(t, stdout)
	requireKeys(t, m, false, "alpha", "alpha_stderr", "xmin", "ks_distance", "n_tail")
	if a := num(t, m, "alpha"); math.Abs(a-1.95) > 0.05 {
		t.Errorf("alpha (fixed x_min) = %v", a)
	}
}

func TestAnalyzePowerlawContinuousScale(t *testing.T) {
	dir := t.TempDir()
	// Continuous power law α = 2.5, x_min = 1 (criticality.md AV-7): |α̂ − α| < 0.1 with known x_min.
	rng := rand.New(rand.NewPCG(3, 0))
	var b strings.Builder
	for range 3000 {
		fmt.Fprintf(&b, "%g\n", 1000*math.Pow(1-rng.Float64(), -1/1.5))
	}
	p := filepath.Join(dir, "vals.txt")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "analyze", "powerlaw", p, "--continuous", "--scale", "1e-3", "--xmin", "1", "--gof", "20", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := decodeJSON(t, stdout)
	requireKeys(t, m, false, "alpha", "alpha_stderr", "xmin", "ks_distance", "n_tail", "gof_p")
	if a := num(t, m, "alpha"); math.Abs(a-2.5) > 0.1 {
		t.Errorf("alpha = %v, want 2.5 ± 0.1", a)
	}
	if n := num(t, m, "n_tail"); n != 3000 {
		t.Errorf("n_tail = %v, want 3000", n)
	}
}

// writeAvalancheSeries writes n critical single-seed avalanches separated by
// empty bins (theory/branchproc.AvalancheSeries) as a 1-D .npy.
func writeAvalancheSeries(t *testing.T, dir string, n int) string {
	t.Helper()
	series, _, err := branchproc.AvalancheSeries(rand.New(rand.NewPCG(11, 0)), 1, n, 2, &branchproc.AvalancheOptions{MaxSize: 100000})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "aval.npy")
	if err := store.WriteNPY(p, series); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAnalyzeAvalanches(t *testing.T) {
	dir := t.TempDir()
	file := writeAvalancheSeries(t, dir, 20000)
	out := filepath.Join(dir, "run")
	code, stdout, stderr := run(t, "analyze", "avalanches", file, "--size-xmin", "10", "--duration-xmin", "10", "--rebin", "1,2", "--json", "--quiet", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("%s", stdout)
	m := decodeJSON(t, stdout)
	requireKeys(t, m, true, "n_avalanches", "size_alpha", "duration_alpha", "gamma_fit", "gamma_predicted")
	// Critical Poisson Galton–Watson: α_S = 3/2, α_D = 2 (slow finite-size
	// approach, measured 1.92 at x_min = 10), γ = 2 (criticality.md AV-3..AV-5).
	if n := num(t, m, "n_avalanches"); n < 19000 || n > 20000 {
		t.Errorf("n_avalanches = %v, want ≈ 20000 (capped ones omitted)", n)
	}
	if a := num(t, m, "size_alpha"); math.Abs(a-1.5) > 0.05 {
		t.Errorf("size_alpha = %v, want 1.5", a)
	}
	if a := num(t, m, "duration_alpha"); a < 1.75 || a > 2.15 {
		t.Errorf("duration_alpha = %v, want ≈ 2", a)
	}
	if gm := num(t, m, "gamma_fit"); gm < 1.7 || gm > 2.2 {
		t.Errorf("gamma_fit = %v, want ≈ 2", gm)
	}
	if gp := num(t, m, "gamma_predicted"); gp < 1.4 || gp > 2.6 {
		t.Errorf("gamma_predicted = %v, want ≈ 2", gp)
	}
	// --rebin 1,2: factor 1 repeats the headline analysis.
	bb, _ := m["summary"].(map[string]any)["by_bin_width"].([]any)
	if len(bb) != 2 {
		t.Fatalf("by_bin_width = %v", bb)
	}
	if r1 := bb[0].(map[string]any); r1["size_alpha"] != m["size_alpha"] || r1["n_avalanches"] != m["n_avalanches"] {
		t.Errorf("factor 1 differs from the headline: %v", r1)
	}
	for _, f := range []string{"res/avalanches.tsv", "res/mean_size_by_duration.tsv", "res/exponents.tsv",
		"figs/size_ccdf.png", "figs/size_ccdf.tsv", "figs/duration_ccdf.tsv", "figs/mean_size_by_duration.png", "figs/mean_size_by_duration.tsv",
		"res/exponents_by_bin_width.tsv", "figs/exponents_by_bin_width.tsv"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}

func TestAnalyzeInputFormats(t *testing.T) {
	dir := t.TempDir()
	// The same single-trial activity in several layouts must give identical m̂.
	d := branchproc.DefaultDriven()
	d.Trials, d.Length = 1, 4000
	_, obs, err := branchproc.SimulateDriven(rand.New(rand.NewPCG(5, 0)), d)
	if err != nil {
		t.Fatal(err)
	}
	a := obs[0]
	npy := filepath.Join(dir, "a.npy")
	if err := store.WriteNPY(npy, a); err != nil {
		t.Fatal(err)
	}
	npz := filepath.Join(dir, "a.npz")
	if err := store.WriteNPZ(npz, store.NamedArray{Name: "counts", Data: a, Shape: []int{1, len(a)}}, store.NamedArray{Name: "other", Data: []float64{1}}); err != nil {
		t.Fatal(err)
	}
	var wide, long strings.Builder
	wide.WriteString("# one trial\ntrial_0\n")
	long.WriteString("trial,bin,count\n")
	for i, v := range a {
		fmt.Fprintf(&wide, "%g\n", v)
		if v != 0 {
			fmt.Fprintf(&long, "0,%d,%g\n", i, v)
		}
	}
	csv, lcsv := filepath.Join(dir, "a.csv"), filepath.Join(dir, "long.csv")
	os.WriteFile(csv, []byte(wide.String()), 0o644)
	os.WriteFile(lcsv, []byte(long.String()), 0o644)
	// A raster of 100 neurons whose column sums are the counts (counts ≤ 100 assumed; clipped otherwise).
	var ras strings.Builder
	for n := 0; n < 200; n++ {
		for i, v := range a {
			if i > 0 {
				ras.WriteByte('\t')
			}
			if float64(n) < v {
				ras.WriteByte('1')
			} else {
				ras.WriteByte('0')
			}
		}
		ras.WriteByte('\n')
	}
	rtsv := filepath.Join(dir, "raster.tsv")
	os.WriteFile(rtsv, []byte(ras.String()), 0o644)

	var ref float64
	for i, args := range [][]string{
		{npy},
		{npz, "--array", "counts"},
		{csv},
		{lcsv},
		{rtsv, "--input", "raster"},
	} {
		full := append([]string{"analyze", "branching"}, args...)
		full = append(full, "--kmax", "40", "--json", "--quiet", "--no-run-dir")
		code, stdout, stderr := run(t, full...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		m := num(t, decodeJSON(t, stdout), "m")
		if i == 0 {
			ref = m
		} else if math.Abs(m-ref) > 1e-12 {
			t.Errorf("%v: m = %v, want %v as from the .npy", args, m, ref)
		}
	}
}

func TestAnalyzeSpikeTimes(t *testing.T) {
	dir := t.TempDir()
	// Spikes of a driven branching process: each event of bin t gets a time
	// uniformly inside [t·2, (t+1)·2) ms and a random neuron id.
	d := branchproc.DefaultDriven()
	d.M, d.Mean, d.Trials, d.Length = 0.9, 20, 1, 20000
	rng := rand.New(rand.NewPCG(9, 0))
	_, obs, err := branchproc.SimulateDriven(rng, d)
	if err != nil {
		t.Fatal(err)
	}
	var times, ids []float64
	var b strings.Builder
	b.WriteString("neuron,time_ms\n")
	for i, v := range obs[0] {
		for range int(v) {
			tm, id := 2*(float64(i)+rng.Float64()), float64(rng.IntN(500))
			times, ids = append(times, tm), append(ids, id)
			fmt.Fprintf(&b, "%g,%.6f\n", id, tm)
		}
	}
	csv := filepath.Join(dir, "spikes.csv")
	os.WriteFile(csv, []byte(b.String()), 0o644)
	npz := filepath.Join(dir, "spikes.npz")
	if err := store.WriteNPZ(npz, store.NamedArray{Name: "times", Data: times}, store.NamedArray{Name: "ids", Data: ids}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{csv, npz} {
		code, stdout, stderr := run(t, "analyze", "branching", f, "--bin-ms", "2", "--kmax", "50", "--json", "--quiet", "--no-run-dir")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", f, code, stderr)
		}
		m := decodeJSON(t, stdout)
		if got := num(t, m, "m"); math.Abs(got-0.9) > 0.03 {
			t.Errorf("%s: m = %v, want 0.9", f, got)
		}
		if tm, tb := num(t, m, "tau_ms"), num(t, m, "tau_bins"); math.Abs(tm-2*tb) > 1e-9*tm {
			t.Errorf("tau_ms %v ≠ 2·tau_bins %v", tm, tb)
		}
	}
	// Mean-IEI binning runs and reports its width.
	code, stdout, stderr := run(t, "analyze", "avalanches", npz, "--bin", "mean-iei", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatalf("mean-iei: exit %d: %s", code, stderr)
	}
	if bw, _ := decodeJSON(t, stdout)["summary"].(map[string]any)["bin_ms"].(float64); !(bw > 0 && bw < 2) {
		t.Errorf("mean-IEI bin width %v ms, want in (0, 2) for ≈ 10 events per 2 ms", bw)
	}
}

func TestAnalyzeEngramSpikeRecording(t *testing.T) {
	// The layout of experiment/spiking: rec/spikes.npy int64 rows (step, id)
	// and config.resolved.toml with network.dt_ms and runDir.duration_ms.
	dir := t.TempDir()
	runDir := filepath.Join(dir, "spiking-run")
	os.MkdirAll(filepath.Join(runDir, "rec"), 0o755)
	os.WriteFile(filepath.Join(runDir, "config.resolved.toml"), []byte("experiment = \"spiking\"\n[network]\ndt_ms = 0.5\n[runDir]\nduration_ms = 1000\n"), 0o644)
	rng := rand.New(rand.NewPCG(2, 0))
	var rows []int64
	for step := 0; step < 2000; step++ {
		for id := 0; id < 50; id++ {
			if rng.Float64() < 0.05 {
				rows = append(rows, int64(step), int64(id))
			}
		}
	}
	if err := store.WriteNPY(filepath.Join(runDir, "rec", "spikes.npy"), rows, len(rows)/2, 2); err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{runDir, filepath.Join(runDir, "rec", "spikes.npy")} {
		code, stdout, stderr := run(t, "analyze", "branching", in, "--bin-ms", "1", "--kmax", "20", "--json", "--quiet", "--no-run-dir")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", in, code, stderr)
		}
		m := decodeJSON(t, stdout)
		sum := m["summary"].(map[string]any)
		if sum["bins"] != 1000.0 { // 1000 ms / 1 ms
			t.Errorf("%s: bins = %v, want 1000", in, sum["bins"])
		}
		// Independent neurons: true m = 0, so the conventional r₁ is ≈ 0.
		if c := num(t, m, "m_conventional"); math.Abs(c) > 0.15 {
			t.Errorf("m_conventional = %v, want ≈ 0 for independent neurons", c)
		}
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := writeDriven(t, dir, "one.npy", 0.9, 1, 500, 1)
	constant := filepath.Join(dir, "const.npy")
	store.WriteNPY(constant, []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3})
	short := filepath.Join(dir, "short.npy")
	store.WriteNPY(short, []float64{1, 2, 3, 1, 2, 0, 4, 2})
	nanNPY := filepath.Join(dir, "nan.npy")
	store.WriteNPY(nanNPY, []float64{1, 2, math.NaN(), 4, 5, 6}, 2, 3)
	cases := []struct {
		name string
		args []string
		want []string // substrings of the message
	}{
		{"missing file", []string{"analyze", "branching", filepath.Join(dir, "nope.npy")}, []string{"nope.npy", "no such file"}},
		{"ragged csv", []string{"analyze", "branching", write("ragged.csv", "a,b\n1,2\n3\n")}, []string{"ragged.csv", "line 3", "ragged"}},
		{"non-numeric cell", []string{"analyze", "branching", write("text.csv", "a,b\n1,2\n3,x\n")}, []string{"text.csv", "line 3", "column 2", `"b"`, `"x"`}},
		{"NaN in csv", []string{"analyze", "branching", write("nan.csv", "1\n2\nnan\n4\n")}, []string{"nan.csv", "line 3", "not finite"}},
		{"NaN in npy", []string{"analyze", "branching", nanNPY}, []string{"nan.npy", "[0, 2]", "not finite"}},
		{"constant series", []string{"analyze", "branching", constant, "--kmax", "3"}, []string{"const.npy", "constant"}},
		{"too short for kmax", []string{"analyze", "branching", short, "--kmax", "20"}, []string{"short.npy", "too short", "--kmax 20"}},
		{"single trial bootstrap", []string{"analyze", "branching", good, "--bootstrap", "10"}, []string{"one.npy", "at least 2 trials", "1 trial"}},
		{"bad method", []string{"analyze", "branching", good, "--method", "xx"}, []string{"--method"}},
		{"bad fit", []string{"analyze", "branching", good, "--fit", "exp,foo"}, []string{"--fit", "foo"}},
		{"npz member", []string{"analyze", "branching", filepath.Join(dir, "m.npz"), "--array", "zz"}, []string{"m.npz", `"zz"`, "counts"}},
		{"spikes without bin", []string{"analyze", "branching", write("sp.csv", "neuron,time\n1,0.5\n2,1.5\n")}, []string{"sp.csv", "bin width"}},
		{"negative spike time", []string{"analyze", "branching", write("neg.csv", "neuron,time\n1,0.5\n2,-1.5\n"), "--bin-ms", "1"}, []string{"neg.csv", "line 3", "negative"}},
		{"powerlaw non-positive", []string{"analyze", "powerlaw", write("pl.txt", "3\n4\n0\n")}, []string{"pl.txt", "line 3", "not positive"}},
		{"powerlaw discrete non-integer", []string{"analyze", "powerlaw", write("pf.txt", "3.5\n4\n"), "--discrete"}, []string{"pf.txt", "integer"}},
		{"powerlaw multi-column", []string{"analyze", "powerlaw", write("pm.csv", "1,2\n3,4\n")}, []string{"pm.csv", "--column"}},
		{"avalanches none", []string{"analyze", "avalanches", write("busy.txt", "1\n2\n3\n4\n")}, []string{"busy.txt", "no avalanches"}},
		{"mean-iei on counts", []string{"analyze", "avalanches", good, "--bin", "mean-iei"}, []string{"one.npy", "spike times"}},
	}
	store.WriteNPZ(filepath.Join(dir, "m.npz"), store.NamedArray{Name: "counts", Data: []float64{1, 2, 3}})
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			out := filepath.Join(dir, "out-"+strings.ReplaceAll(c.name, " ", "_"))
			args := append(slices.Clone(c.args), "--quiet", "--out", out)
			code, stdout, stderr := run(t, args...)
			if code != 1 {
				t.Fatalf("exit %d, want 1 (stdout %q, stderr %q)", code, stdout, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("message %q does not mention %q", strings.TrimSpace(stderr), w)
				}
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("run directory %s left behind (stat: %v)", out, err)
			}
			// Under --json the error is one JSON object too.
			code, stdout, _ = run(t, append(args, "--json")...)
			if code != 1 || decodeJSON(t, stdout)["error"] == nil {
				t.Errorf("--json: exit %d, stdout %q", code, stdout)
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "out-") || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

func TestAnalyzeSeedAndText(t *testing.T) {
	dir := t.TempDir()
	file := writeDriven(t, dir, "activity.npy", 0.9, 4, 3000, 12)
	stderrOf := func(seed string) float64 {
		args := []string{"analyze", "branching", file, "--kmax", "30", "--bootstrap", "20", "--json", "--quiet", "--no-run-dir"}
		if seed != "" {
			args = append(args, "--seed", seed)
		}
		code, stdout, stderr := run(t, args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		return num(t, decodeJSON(t, stdout), "m_stderr")
	}
	// The bootstrap is seeded: default 5330 (mrestimator's), --seed overrides.
	if a, b := stderrOf(""), stderrOf("5330"); a != b {
		t.Errorf("default seed: %v ≠ %v with --seed 5330", a, b)
	}
	if a, b := stderrOf("1"), stderrOf("1"); a != b {
		t.Errorf("same seed, different m_stderr: %v, %v", a, b)
	}
	if a, b := stderrOf("1"), stderrOf("2"); a == b {
		t.Errorf("different seeds gave identical m_stderr %v", a)
	}
	// Without --json: human-readable key = value lines, and with a run
	// directory, its path.
	code, stdout, stderr := run(t, "analyze", "branching", file, "--kmax", "30", "--quiet", "--out", filepath.Join(dir, "run"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"m = 0.", "method = sm", "run directory: " + filepath.Join(dir, "run")} {
		if !strings.Contains(stdout, w) {
			t.Errorf("text output lacks %q:\n%s", w, stdout)
		}
	}
}
