package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Runs with the default output directory started in the same second get
// distinct directories (issue 13: four of five analyze calls in one second
// failed; Slurm array tasks lost 2 of 4 results).
func TestDefaultRunNamesUnique(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "tiny.toml", tinyDMS)
	t.Chdir(dir)
	const n = 5
	var wg sync.WaitGroup
	codes, outs, errs := make([]int, n), make([]string, n), make([]string, n)
	for i := range n {
		wg.Go(func() { codes[i], outs[i], errs[i] = run(t, "run", cfg, "--quiet", "--json", "--workers", "1") })
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		var res struct {
			RunDir string `json:"run_dir"`
		}
		if codes[i] != 0 || json.Unmarshal([]byte(outs[i]), &res) != nil {
			t.Errorf("run %d: exit %d %s", i, codes[i], errs[i])
			continue
		}
		if seen[res.RunDir] || !strings.HasPrefix(res.RunDir, "runs/pb-dms-") {
			t.Errorf("run %d: run_dir %q (seen before: %v)", i, res.RunDir, seen[res.RunDir])
		}
		seen[res.RunDir] = true
		if _, err := os.Stat(filepath.Join(res.RunDir, "report.html")); err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
}

// A second run to the --out of a run in progress fails at once, before
// simulating, naming the other run; the first run is not disturbed and,
// cancelled, leaves nothing behind (issue 13: both simulated and the
// second failed only at the end with a misleading message).
func TestSameOutReservedAtStart(t *testing.T) {
	dir := t.TempDir()
	long := strings.Replace(tinyDMS, "delay_ms = 10", "delay_ms = 600000", 1) // minutes of simulation
	cfg := writeFile(t, dir, "long.toml", long)
	out := filepath.Join(dir, "run")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		var o, e bytes.Buffer
		done <- newApp(&o, &e).execute(ctx, []string{"run", cfg, "--quiet", "--out", out, "--workers", "1"})
	}()
	stage := filepath.Join(dir, ".run.engram-staging")
	for t0 := time.Now(); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(stage, "config.resolved.toml")); err == nil {
			break
		}
		if time.Since(t0) > 20*time.Second {
			t.Fatal("the first run did not start")
		}
	}
	t0 := time.Now()
	code, _, stderr := run(t, "run", writeFile(t, dir, "tiny.toml", tinyDMS), "--quiet", "--out", out)
	if code != 1 || !strings.Contains(stderr, "another engram run (pid ") || !strings.Contains(stderr, "choose another --out") {
		t.Errorf("second run to the same --out: exit %d, %q", code, stderr)
	}
	if el := time.Since(t0); el > 3*time.Second {
		t.Errorf("second run refused only after %v", el)
	}
	if _, err := os.Stat(filepath.Join(stage, "config.resolved.toml")); err != nil {
		t.Errorf("the first run's staging directory was disturbed: %v", err)
	}
	cancel()
	select {
	case c := <-done:
		if c != 130 {
			t.Errorf("cancelled run: exit %d, want 130", c)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the first run did not stop on cancellation")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if e.Name() != "long.toml" && e.Name() != "tiny.toml" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}
