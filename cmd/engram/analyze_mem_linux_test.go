//go:build linux

package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/engramsim/engram/store"
)

// memChildEnv carries the arguments of one analyze command to the child
// process of TestAnalyzeMemoryEstimate (separated by \x1f).
const memChildEnv = "ENGRAM_ANALYZE_MEM_CHILD"

// TestAnalyzeMemoryChild is the child: it runs one command, reports its
// peak RSS (VmHWM) on stderr and exits with the command's code. Run on its
// own it skips.
func TestAnalyzeMemoryChild(t *testing.T) {
	spec := os.Getenv(memChildEnv)
	if spec == "" {
		t.Skip("child process of TestAnalyzeMemoryEstimate")
	}
	code := newApp(os.Stdout, os.Stderr).execute(context.Background(), strings.Split(spec, "\x1f"))
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if kb, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Fprintf(os.Stderr, "\n%s%s\n", vmHWMPrefix, strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(kb), "kB")))
		}
	}
	os.Exit(code)
}

// vmHWMPrefix marks the child's report of its peak RSS in kB.
const vmHWMPrefix = "ENGRAM_VMHWM_KB="

// TestAnalyzeMemoryEstimate measures the peak resident set size of analyze
// commands against the estimate they report (summary.mem_estimate_bytes,
// the number checked against --mem-budget). Each command runs in a fresh
// child process (this test binary re-executed), and the peak is the child's
// VmHWM from /proc/self/status, read as it exits: the high-water mark of its
// resident set. RSS is what the budget protects (what the OOM killer and
// other jobs see), and it includes everything the heap statistics leave out
// — the binary, goroutine stacks, runtime metadata, and heap pages freed
// but not yet returned; runtime.MemStats would need in-process sampling and
// still miss those, and TotalAlloc counts garbage, not the peak. (The
// child's ru_maxrss from wait4 is no good: Linux carries the parent's
// high-water mark over the fork into it, 83 MiB here whatever the child did.) The inputs cover every reader (npy counts and raster, compressed
// npz, text counts by rows, spike times, value lists) and every subcommand,
// sized so the data (16–80 MB) dominate the fixed part.
func TestAnalyzeMemoryEstimate(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes with inputs of up to 80 MB")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(41, 2))
	counts4x5e5 := writeDriven(t, dir, "counts.npy", 0.98, 4, 500000, 1)

	ar := make([]float64, 3000000)
	v := 0.0
	for i := range ar {
		v = 0.99*v + rng.NormFloat64()
		ar[i] = math.Round(v + 200)
	}
	long := filepath.Join(dir, "long.npy")
	store.WriteNPY(long, ar)

	raster := make([]bool, 2*20*200000)
	for i := range raster {
		raster[i] = rng.Float64() < 0.05
	}
	rasterNPY := filepath.Join(dir, "raster.npy")
	store.WriteNPY(rasterNPY, raster, 2, 20, 200000)

	var csv strings.Builder
	for i := range 4 {
		for j := range 200000 {
			if j > 0 {
				csv.WriteByte(',')
			}
			fmt.Fprint(&csv, int(ar[i*200000+j]))
		}
		csv.WriteByte('\n')
	}
	rowsCSV := writeFile(t, dir, "rows.csv", csv.String())

	var sp strings.Builder
	sp.WriteString("neuron,time_ms\n")
	tm := 0.0
	for range 300000 {
		tm += rng.ExpFloat64() * 0.5
		fmt.Fprintf(&sp, "%d,%.3f\n", rng.IntN(1000), tm)
	}
	spikes := writeFile(t, dir, "spikes.csv", sp.String())

	aval := make([]float64, 2000000)
	for i := range aval {
		if rng.Float64() < 0.6 {
			aval[i] = float64(1 + rng.IntN(4))
		}
	}
	avalNPY := filepath.Join(dir, "aval.npy")
	store.WriteNPY(avalNPY, aval)

	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "counts.npy", Method: zip.Deflate})
	store.WriteNPY(filepath.Join(dir, "tmp.npy"), ar[:2000000], 2, 1000000)
	raw, _ := os.ReadFile(filepath.Join(dir, "tmp.npy"))
	w.Write(raw)
	zw.Close()
	npz := filepath.Join(dir, "counts.npz")
	os.WriteFile(npz, zbuf.Bytes(), 0o644)
	os.Remove(filepath.Join(dir, "tmp.npy"))

	var vals strings.Builder
	for range 50000 {
		fmt.Fprintf(&vals, "%d\n", int(math.Floor(math.Pow(1-rng.Float64(), -1/1.5))))
	}
	valsTXT := writeFile(t, dir, "sizes.txt", vals.String())

	cases := []struct {
		name string
		args []string
	}{
		{"npy counts, bootstrap, run dir", []string{"branching", counts4x5e5, "--kmax", "1000", "--out", filepath.Join(dir, "r1")}},
		{"npy long series, 300k lags", []string{"timescale", long, "--fit", "exp", "--no-run-dir"}},
		{"npy raster (bool)", []string{"branching", rasterNPY, "--input", "raster", "--kmax", "100", "--no-run-dir"}},
		{"text counts by rows", []string{"branching", rowsCSV, "--trials", "rows", "--kmax", "100", "--bootstrap", "0", "--no-run-dir"}},
		{"text spike times", []string{"branching", spikes, "--bin-ms", "1", "--kmax", "100", "--no-run-dir"}},
		{"compressed npz", []string{"branching", npz, "--kmax", "200", "--bootstrap", "0", "--out", filepath.Join(dir, "r2")}},
		{"avalanches, run dir", []string{"avalanches", avalNPY, "--rebin", "2", "--out", filepath.Join(dir, "r3")}},
		{"powerlaw, comparisons", []string{"powerlaw", valsTXT, "--discrete", "--compare", "--no-run-dir"}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			args := append([]string{"analyze"}, c.args...)
			args = append(args, "--json", "--quiet")
			cmd := exec.Command(os.Args[0], "-test.run=^TestAnalyzeMemoryChild$")
			cmd.Env = append(os.Environ(), memChildEnv+"="+strings.Join(args, "\x1f"))
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("%v: %v\n%s", args, err, stderr.String())
			}
			var peak int64
			for _, line := range strings.Split(stderr.String(), "\n") {
				if kb, ok := strings.CutPrefix(line, vmHWMPrefix); ok {
					fmt.Sscan(kb, &peak)
					peak *= 1024
				}
			}
			if peak == 0 {
				t.Fatalf("no VmHWM from the child:\n%s", stderr.String())
			}
			var out struct {
				Summary struct {
					Estimate int64 `json:"mem_estimate_bytes"`
				} `json:"summary"`
			}
			if err := json.NewDecoder(&stdout).Decode(&out); err != nil {
				t.Fatalf("stdout: %v", err)
			}
			est := out.Summary.Estimate
			t.Logf("%-32s peak RSS %6.1f MiB, estimate %6.1f MiB (%.2f×)", c.name, float64(peak)/(1<<20), float64(est)/(1<<20), float64(est)/float64(peak))
			if est < peak {
				t.Errorf("%s: estimate %d B below the measured peak RSS %d B", c.name, est, peak)
			}
		})
	}
}
