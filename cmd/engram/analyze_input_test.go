package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/engramsim/engram/store"
)

// npyHeaderOnly returns a .npy header (format 1.0) declaring dtype and
// shape (a Python tuple literal) with no data.
func npyHeaderOnly(descr, shape string) []byte {
	dict := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	pad := 64 - (10+len(dict)+1)%64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(hdr)))
	b.WriteString(hdr)
	return b.Bytes()
}

// runBad runs a command that must fail with exit 1 and a message naming
// every want, within limit, and leave no run directory behind.
func runBad(t *testing.T, limit time.Duration, want []string, args ...string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "run")
	type result struct {
		code           int
		stdout, stderr string
	}
	done := make(chan result, 1)
	go func() {
		c, o, e := run(t, append(args, "--quiet", "--out", out)...)
		done <- result{c, o, e}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(limit):
		t.Fatalf("%v did not finish within %v", args, limit)
	}
	if r.code != 1 {
		t.Fatalf("%v: exit %d, want 1 (stdout %q, stderr %q)", args, r.code, r.stdout, r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("%v: message %q does not mention %q", args, strings.TrimSpace(r.stderr), w)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%v: run directory left behind", args)
	}
}

// TestAnalyzeNegativeCounts: branching and timescale rejected negative
// counts while avalanches did not (issue 13); now every input layout names
// the file, the position and the value.
func TestAnalyzeNegativeCounts(t *testing.T) {
	dir := t.TempDir()
	npy := filepath.Join(dir, "neg.npy")
	vals := make([]float64, 400)
	for i := range vals {
		vals[i] = float64(i % 7)
	}
	vals[123] = -2
	store.WriteNPY(npy, vals, 2, 200)
	csv := writeFile(t, dir, "neg.csv", "a,b\n1,2\n3,4\n5,-6\n7,8\n")
	for _, sub := range []string{"branching", "timescale", "avalanches"} {
		runBad(t, time.Minute, []string{"neg.npy", "[0, 123]", "-2", "negative"}, "analyze", sub, npy)
		runBad(t, time.Minute, []string{"neg.csv", "line 4", "column 2", "-6", "negative"}, "analyze", sub, csv)
	}
}

// TestAnalyzeConstantWithHugeValue: a constant series with one bin of
// 1e308 was reported as "zero variance" (the variance overflowed to +Inf).
// It is analysed; r₁ is the closed form −1/(L−2) (an impulse in a flat
// series, analysis/branching TestCoefficientsHugeValue), and nothing says
// constant or zero variance.
func TestAnalyzeConstantWithHugeValue(t *testing.T) {
	dir := t.TempDir()
	const length = 1000
	x := make([]float64, length)
	for i := range x {
		x[i] = 3
	}
	x[500] = 1e308
	p := filepath.Join(dir, "spike.npy")
	store.WriteNPY(p, x)
	code, stdout, stderr := run(t, "analyze", "branching", p, "--json", "--quiet", "--no-run-dir")
	if strings.Contains(stderr+stdout, "constant") || strings.Contains(stderr+stdout, "zero variance") {
		t.Fatalf("message names the wrong cause: %s %s", stderr, stdout)
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// r₁ by pooled OLS over L−1 pairs of an impulse: −1/(L−2), to rounding.
	if c := num(t, decodeJSON(t, stdout), "m_conventional"); math.Abs(c*(length-2)+1) > 1e-9 {
		t.Errorf("m_conventional = %v, want −1/(L−2) = %v", c, -1.0/(length-2))
	}
}

// TestAnalyzeTrialsRows: a trials × bins CSV (8 × 100 000) failed with
// "trials of 8 bins" because text tables were read one column per trial;
// the error now suggests --trials rows, which reads it like the same matrix
// as a 2-D .npy (identical m to the last digit: same counts, same order).
func TestAnalyzeTrialsRows(t *testing.T) {
	dir := t.TempDir()
	npy := writeDriven(t, dir, "act.npy", 0.9, 8, 100000, 21)
	a, err := store.ReadNPY(npy)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := range 8 {
		for j := range 100000 {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(store.FormatFloat(a.Data[i*100000+j]))
		}
		b.WriteByte('\n')
	}
	csv := writeFile(t, dir, "act.csv", b.String())
	runBad(t, 2*time.Minute, []string{"act.csv", "8 bins", "--trials rows"}, "analyze", "branching", csv)
	args := []string{"--kmax", "40", "--bootstrap", "0", "--json", "--quiet", "--no-run-dir"}
	m := func(file string, extra ...string) map[string]any {
		code, stdout, stderr := run(t, append(append([]string{"analyze", "branching", file}, extra...), args...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", file, code, stderr)
		}
		return decodeJSON(t, stdout)
	}
	fromCSV, fromNPY := m(csv, "--trials", "rows"), m(npy)
	if got, want := num(t, fromCSV, "m"), num(t, fromNPY, "m"); got != want || math.Abs(got-0.9) > branchingTolM {
		t.Errorf("--trials rows: m = %v, .npy m = %v (want equal, ≈ 0.9)", got, want)
	}
	if s := fromCSV["summary"].(map[string]any); num(t, s, "trials") != 8 || num(t, s, "bins") != 100000 {
		t.Errorf("--trials rows read %v trials × %v bins", s["trials"], s["bins"])
	}
	runBad(t, time.Minute, []string{"--trials", "diagonal"}, "analyze", "branching", csv, "--trials", "diagonal")
	runBad(t, time.Minute, []string{"act.npy", "wide text tables"}, "analyze", "branching", npy, "--trials", "rows")
}

// TestAnalyzeFIFO: a FIFO as input blocked in open(2) (ignoring SIGINT and
// SIGTERM) and branching opened it twice; it is refused at once.
func TestAnalyzeFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "counts.npy")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	t.Cleanup(func() { // unblock a reader that did block (the old code)
		for range 3 {
			if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	for _, sub := range []string{"branching", "timescale", "avalanches", "powerlaw"} {
		runBad(t, 10*time.Second, []string{fifo, "named pipe"}, "analyze", sub, fifo)
	}
	runBad(t, 10*time.Second, []string{"/dev/zero", "character device"}, "analyze", "branching", "/dev/zero")
}

// TestAnalyzeLongSeries: 2 874 083 bins with the default k_max panicked in
// gonum's FFT (issue 13). The run completes and m is within the band for
// an AR(1) with m = 0.99 (τ ≈ 100 bins; one trial of 2.9·10⁶ bins gives
// SE(r₁) ≈ 0.0001, so 0.005 is far outside sampling noise).
func TestAnalyzeLongSeries(t *testing.T) {
	const length = 2874083
	rng := rand.New(rand.NewPCG(31, 1))
	x := make([]float64, length)
	v := 0.0
	for i := range x {
		v = 0.99*v + rng.NormFloat64()
		x[i] = v + 100
	}
	p := filepath.Join(t.TempDir(), "long.npy")
	store.WriteNPY(p, x)
	code, stdout, stderr := run(t, "analyze", "branching", p, "--fit", "exp", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := decodeJSON(t, stdout)
	if num(t, m, "k_max") != length/10 || math.Abs(num(t, m, "m")-0.99) > 0.005 {
		t.Errorf("k_max = %v, m = %v; want %d, 0.99 ± 0.005", m["k_max"], m["m"], length/10)
	}
}

// TestAnalyzeMemoryBudget: analyze ignored --mem-budget (issue 13). An
// input over the budget is refused from its header or size, before its
// data are read: an 8 GiB sparse .npy is refused in well under a second,
// and so is a 133 KB .npz of 2^24 deflated zeros (128 MiB once read) under
// 64 MiB — the "1 MB .npz of 2^27 zeros reached 4 GB under 1 GiB"
// at 1/8 scale. A file that fits runs, and reports its estimate.
func TestAnalyzeMemoryBudget(t *testing.T) {
	dir := t.TempDir()
	sparse := filepath.Join(dir, "big.npy")
	hdr := npyHeaderOnly("<f8", "(4, 268435456)")
	if err := os.WriteFile(sparse, hdr, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, int64(len(hdr))+8<<30); err != nil {
		t.Skip("no sparse files:", err)
	}
	start := time.Now()
	runBad(t, 30*time.Second, []string{"big.npy", "4 trials × 268435456 bins", "above the budget", "--mem-budget"},
		"analyze", "branching", sparse, "--mem-budget", "1GiB")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing took %v (the data were read?)", d)
	}

	// The shape in the header also lets the analysis's estimate refuse an
	// input unread: 2^27 bins fit an 8 GiB budget to read (2 GiB), but not
	// their 13 421 772 default lags; nothing near the 1 GiB of data is
	// allocated (TotalAlloc, which counts every allocation).
	one := filepath.Join(dir, "one.npy")
	hdr1 := npyHeaderOnly("<f8", "(134217728,)")
	os.WriteFile(one, hdr1, 0o644)
	if err := os.Truncate(one, int64(len(hdr1))+8<<27); err != nil {
		t.Fatal(err)
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	runBad(t, 30*time.Second, []string{"one.npy", "13421772 lags", "above the budget of 8.00 GiB"},
		"analyze", "branching", one, "--mem-budget", "8GiB")
	runtime.ReadMemStats(&ms1)
	if n := ms1.TotalAlloc - ms0.TotalAlloc; n > 64<<20 {
		t.Errorf("refusing the analysis allocated %d bytes (the data were read?)", n)
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "counts.npy", Method: zip.Deflate})
	w.Write(npyHeaderOnly("<f8", "(16777216,)"))
	zeros := make([]byte, 1<<20)
	for range 128 {
		w.Write(zeros)
	}
	zw.Close()
	npz := filepath.Join(dir, "zeros.npz")
	os.WriteFile(npz, buf.Bytes(), 0o644)
	runBad(t, 30*time.Second, []string{"zeros.npz", "16777216 bins", "above the budget of 64.0 MiB"},
		"analyze", "timescale", npz, "--mem-budget", "64MiB")

	small := writeDriven(t, dir, "small.npy", 0.9, 2, 20000, 5)
	runBad(t, time.Minute, []string{"small.npy", "above the budget"}, "analyze", "branching", small, "--mem-budget", "1MiB")
	code, stdout, stderr := run(t, "analyze", "branching", small, "--kmax", "50", "--mem-budget", "1GiB", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if e := num(t, decodeJSON(t, stdout)["summary"].(map[string]any), "mem_estimate_bytes"); !(e > 2*20000*8 && e < 1<<30) {
		t.Errorf("mem_estimate_bytes = %v", e)
	}
}
