package main

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/engramsim/engram/analysis/info"
	"github.com/engramsim/engram/store"
)

// infoFiles writes the inputs of the mi/entropy/corr/ising tests.
func infoFiles(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(16, 1))
	n := 2000
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = rng.NormFloat64()
		y[i] = 0.9*x[i] + math.Sqrt(1-0.81)*rng.NormFloat64()
	}
	store.WriteNPY(filepath.Join(dir, "x.npy"), x, n, 1)
	store.WriteNPY(filepath.Join(dir, "y.npy"), y, n, 1)
	store.WriteNPY(filepath.Join(dir, "short.npy"), y[:1000], 1000, 1)
	lx, ly := make([]int64, 1000), make([]int64, 1000)
	for i := range lx {
		lx[i], ly[i] = int64(rng.IntN(8)), int64(rng.IntN(8))
	}
	store.WriteNPY(filepath.Join(dir, "lx.npy"), lx)
	store.WriteNPY(filepath.Join(dir, "ly.npy"), ly)
	rep := make([]int64, 5*200)
	for i := range rep {
		rep[i] = int64(rng.IntN(4))
	}
	store.WriteNPY(filepath.Join(dir, "rx.npy"), rep, 5, 200)
	store.WriteNPY(filepath.Join(dir, "ry.npy"), rep, 5, 200) // Y = X: MI = H(X)
	nan := make([]float64, 20)
	nan[3] = math.NaN()
	store.WriteNPY(filepath.Join(dir, "nan.npy"), nan, 20, 1)
	store.WriteNPY(filepath.Join(dir, "const.npy"), make([]float64, 20), 20, 1)
	neg := []float64{0, 1, 2, -1, 0, 1, 2, 0, 1, 2}
	store.WriteNPY(filepath.Join(dir, "neg.npy"), neg)
	frac := []float64{0, 1, 2, 1.5, 0, 1, 2, 0, 1, 2}
	store.WriteNPY(filepath.Join(dir, "frac.npy"), frac)
	store.WriteNPY(filepath.Join(dir, "ten.npy"), []float64{0, 1, 2, 3, 0, 1, 2, 3, 0, 1})
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 500 {
		b.WriteString(store.FormatFloat(x[i]) + "," + store.FormatFloat(y[i]) + "\n")
	}
	writeFile(t, dir, "t.csv", b.String())
	// raster: 6 neurons, neuron 1 copies neuron 0's spikes
	r := make([]float64, 6*3000)
	for i := range 6 {
		for k := range 3000 {
			if rng.Float64() < 0.1 {
				r[i*3000+k] = 1
			}
		}
	}
	for k := range 3000 {
		r[3000+k] = math.Max(r[3000+k], r[k])
	}
	store.WriteNPY(filepath.Join(dir, "raster.npy"), r, 6, 3000)
	var sp strings.Builder
	sp.WriteString("neuron,time\n")
	for i := range 5 {
		for k := range 400 {
			if rng.Float64() < 0.2 {
				sp.WriteString(store.FormatFloat(float64(i)) + "," + store.FormatFloat(float64(k)*5+rng.Float64()*5) + "\n")
			}
		}
	}
	writeFile(t, dir, "spikes.csv", sp.String())
	return dir
}

func runJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := run(t, append(args, "--json", "--no-run-dir", "--quiet")...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: %v in %q", args, err, out)
	}
	return m
}

// TestAnalyzeMI checks the JSON keys of issue 16 and the values against
// the library and the closed form.
func TestAnalyzeMI(t *testing.T) {
	dir := infoFiles(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	m := runJSON(t, "analyze", "mi", p("x.npy"), p("y.npy"), "--estimator", "gaussian-wishart")
	for _, k := range []string{"mi_nats", "mi_bits", "mi_stderr_bits", "bias_correction_bits", "estimator", "n"} {
		if _, ok := m[k]; !ok {
			t.Errorf("mi: key %q missing", k)
		}
	}
	// ρ = 0.9: I = 0.830366 nats; 2000 samples: SE ≈ ρ/√N = 0.02
	if v := m["mi_nats"].(float64); math.Abs(v-info.GaussianMIFromRho(0.9)) > 0.08 {
		t.Errorf("gaussian-wishart MI %v nats, closed form 0.8304", v)
	}
	k := runJSON(t, "analyze", "mi", p("x.npy"), p("y.npy"), "--estimator", "ksg1", "--k", "3")
	if v := k["mi_nats"].(float64); math.Abs(v-0.8304) > 0.1 {
		t.Errorf("ksg1 MI %v nats", v)
	}
	pt := runJSON(t, "analyze", "mi", p("lx.npy"), p("ly.npy"), "--estimator", "panzeri-treves", "--bins", "8", "--bins-y", "8")
	// (K−1)²/(2N ln 2) = 49/(2000 ln 2) bits (spec IT-5)
	if v := pt["bias_correction_bits"].(float64); math.Abs(v-49/(2000*math.Ln2)) > 1e-12 {
		t.Errorf("PT correction %v bits", v)
	}
	rp := runJSON(t, "analyze", "mi", p("rx.npy"), p("ry.npy"), "--estimator", "plugin", "--replicates")
	reps, ok := rp["replicates"].(map[string]any)
	if !ok || reps["n"].(float64) != 5 {
		t.Fatalf("replicates: %v", rp["replicates"])
	}
	if math.Abs(reps["mean_bits"].(float64)-2) > 0.05 { // Y = X uniform on 4 labels: 2 bits
		t.Errorf("replicate mean %v bits, want ≈ 2", reps["mean_bits"])
	}
	c := runJSON(t, "analyze", "mi", p("t.csv"), "--columns", "a,b", "--estimator", "gaussian")
	if c["n"].(float64) != 500 {
		t.Errorf("csv n = %v", c["n"])
	}
	e := runJSON(t, "analyze", "entropy", p("lx.npy"), "--estimator", "nsb", "--bins", "8")
	if v := e["h_bits"].(float64); math.Abs(v-3) > 0.05 {
		t.Errorf("NSB entropy %v bits, want ≈ 3", v)
	}
	// a run directory with the estimates table
	out := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := run(t, "analyze", "mi", p("x.npy"), p("y.npy"), "--out", out, "--quiet"); code != 0 {
		t.Fatal(errOut)
	}
	if _, err := os.Stat(filepath.Join(out, "res", "estimates.tsv")); err != nil {
		t.Error(err)
	}
}

// TestAnalyzeInfoBadInput: issue 16's bad inputs give clear errors naming
// the file and the problem, and leave no run directory.
func TestAnalyzeInfoBadInput(t *testing.T) {
	dir := infoFiles(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	fifo := filepath.Join(dir, "fifo.npy")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	lim := 20 * time.Second
	runBad(t, lim, []string{"mismatched sample counts", "x.npy has 2000", "short.npy has 1000"}, "analyze", "mi", p("x.npy"), p("short.npy"))
	runBad(t, lim, []string{"nan.npy", "sample 3", "NaN"}, "analyze", "mi", p("nan.npy"), p("nan.npy"), "--estimator", "gaussian")
	runBad(t, lim, []string{"const.npy", "constant", "singular"}, "analyze", "mi", p("const.npy"), p("const.npy"), "--estimator", "ksg1")
	runBad(t, lim, []string{"x.npy", "--k 5000", "N = 2000"}, "analyze", "mi", p("x.npy"), p("y.npy"), "--k", "5000")
	runBad(t, lim, []string{"neg.npy", "-1", "integers ≥ 0"}, "analyze", "mi", p("neg.npy"), p("neg.npy"), "--estimator", "plugin")
	runBad(t, lim, []string{"frac.npy", "1.5", "integers ≥ 0"}, "analyze", "entropy", p("frac.npy"), "--estimator", "miller-madow")
	runBad(t, lim, []string{"label 3 outside the alphabet"}, "analyze", "entropy", p("ten.npy"), "--estimator", "nsb", "--bins", "3")
	runBad(t, lim, []string{"fifo.npy", "named pipe"}, "analyze", "mi", fifo, p("x.npy"))
	runBad(t, lim, []string{"t.csv", "no column named \"c\""}, "analyze", "mi", p("t.csv"), "--columns", "a,c")
	runBad(t, lim, []string{"--estimator \"ksg3\""}, "analyze", "mi", p("x.npy"), p("y.npy"), "--estimator", "ksg3")
	runBad(t, lim, []string{"x.npy", "population counts, not per-neuron"}, "analyze", "corr", p("x.npy"), "--bin-ms", "5")
	runBad(t, lim, []string{"--units 9 outside [0, 6)"}, "analyze", "ising", p("raster.npy"), "--input", "raster", "--units", "0,9")
	runBad(t, lim, []string{"--alpha 2"}, "analyze", "corr", p("raster.npy"), "--input", "raster", "--alpha", "2")
	runBad(t, lim, []string{"budget"}, "analyze", "mi", p("x.npy"), p("y.npy"), "--mem-budget", "1MB")
}

func TestAnalyzeCorrIsing(t *testing.T) {
	dir := infoFiles(t)
	p := func(n string) string { return filepath.Join(dir, n) }
	c := runJSON(t, "analyze", "corr", p("raster.npy"), "--input", "raster", "--bin-ms", "5")
	for _, k := range []string{"rho_mean", "rho_sd", "pairs", "k1", "k2", "k3", "cubic_xi_hat", "cubic_p_values"} {
		if _, ok := c[k]; !ok {
			t.Errorf("corr: key %q missing", k)
		}
	}
	if c["pairs"].(float64) != 15 {
		t.Errorf("pairs = %v, want 15", c["pairs"])
	}
	s := runJSON(t, "analyze", "corr", p("spikes.csv"), "--input", "spikes", "--bin-ms", "5")
	if s["neurons"].(float64) != 5 {
		t.Errorf("spikes: neurons = %v", s["neurons"])
	}
	is := runJSON(t, "analyze", "ising", p("raster.npy"), "--input", "raster", "--units", "0,1,2,3")
	if is["method"] != "exact (Newton)" || is["units"].(float64) != 4 {
		t.Errorf("ising: %v", is)
	}
	// I₂ ≤ I_N up to the plug-in bias; the copy pair makes I_N clearly positive
	if in := is["i_n_bits"].(float64); !(in > 0.1) {
		t.Errorf("I_N = %v bits", in)
	}
	out := filepath.Join(t.TempDir(), "run")
	if code, _, errOut := run(t, "analyze", "ising", p("raster.npy"), "--input", "raster", "--out", out, "--quiet"); code != 0 {
		t.Fatal(errOut)
	}
	for _, f := range []string{"res/h.tsv", "res/j.tsv", "figs/p_k.png", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
