package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/engramsim/engram/runner"
)

// BenchmarkCobaRun times the whole command `engram run examples/coba.toml`
// (issue 13: "spends less than 25 % of its wall time outside the
// simulation"), one process per iteration: process start, config, network
// build, the 2 s of simulation, recordings, statistics, figures, report
// and exit. It reports medians over the iterations (the machine may be
// shared): wall-ms, sim-ms (the summary's sim_s: the time-step loop
// only), outside-ms = wall − sim, and outside-% = outside / wall.
//
// The process is this test binary acting as engram, or the binary named
// by $ENGRAM_BENCH_BIN (e.g. one built with CGO_ENABLED=0 go build
// ./cmd/engram). Run it with e.g.
//
//	go test -run '^$' -bench CobaRun -benchtime 9x ./cmd/engram/
func BenchmarkCobaRun(b *testing.B) {
	example, err := filepath.Abs("../../examples/coba.toml")
	if err != nil {
		b.Fatal(err)
	}
	bin := os.Getenv("ENGRAM_BENCH_BIN")
	dir := b.TempDir()
	var wall, sim []float64
	i := 0
	for b.Loop() {
		out := filepath.Join(dir, fmt.Sprintf("run%d", i))
		i++
		args := []string{"run", example, "--quiet", "--out", out}
		cmd := cliCommand(args...)
		if bin != "" {
			cmd = exec.Command(bin, args...)
		}
		t0 := time.Now()
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, msg)
		}
		w := time.Since(t0).Seconds()
		b.StopTimer()
		f, err := runner.ReadSummaryFile(filepath.Join(out, runner.SummaryPath))
		if err != nil {
			b.Fatal(err)
		}
		s, ok := f.Summary["sim_s"].(float64)
		if !ok || !(s > 0) {
			b.Fatalf("%s: sim_s = %v", out, f.Summary["sim_s"])
		}
		wall, sim = append(wall, w), append(sim, s)
		if err := os.RemoveAll(out); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	outside, frac := make([]float64, len(wall)), make([]float64, len(wall))
	for k := range wall {
		outside[k] = wall[k] - sim[k]
		frac[k] = outside[k] / wall[k]
	}
	b.ReportMetric(1e3*median(wall), "wall-ms")
	b.ReportMetric(1e3*median(sim), "sim-ms")
	b.ReportMetric(1e3*median(outside), "outside-ms")
	b.ReportMetric(100*median(frac), "outside-%")
}

// median returns the median of x (the mean of the middle two for an even
// count); x is not modified.
func median(x []float64) float64 {
	s := slices.Sorted(slices.Values(x))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
