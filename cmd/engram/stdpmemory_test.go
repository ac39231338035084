package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSTDPMemoryRateCheckerKeepsCheckpoints: a run of stdp-memory that
// trips the rate checker in the imprinting phase (the bound 2.5 Hz lies
// between the ≈ 1 Hz spontaneous E rate and the rate with an assembly
// driven) exits with status 1, names the phase, and keeps its run
// directory with the checkpoints of the phases before it.
func TestSTDPMemoryRateCheckerKeepsCheckpoints(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "m.toml")
	if err := os.WriteFile(cfg, []byte(`experiment = "stdp-memory"
[patterns]
count = 2
[phases.warmup]
duration_ms = 300.0
[phases.settle]
duration_ms = 200.0
[phases.imprint]
blocks = 1
on_ms = 500.0
off_ms = 100.0
[phases.consolidate]
duration_ms = 100.0
[phases.recall]
trials = 0
[check]
max_rate_hz = 2.5
warmup_min_hz = 0.0
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	code, _, stderr := run(t, "run", cfg, "--quiet", "--out", out, "--workers", "1")
	if code != 1 || !strings.Contains(stderr, "phase imprint") || !strings.Contains(stderr, "kept in") {
		t.Fatalf("exit %d, stderr %q: want 1 and an error naming phase imprint and the kept directory", code, stderr)
	}
	for _, f := range []string{"rec/checkpoint_warmup.gob", "rec/checkpoint_settle.gob", "provenance.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("kept run directory: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "rec/checkpoint_imprint.gob")); err == nil {
		t.Error("the failed phase wrote a checkpoint")
	}
	// --from-checkpoint: recall on the kept state after settling (0.5 s)
	code, stdout, stderr := run(t, "run", cfg, "--quiet", "--json", "--out", filepath.Join(dir, "r2"), "--workers", "1",
		"--from-checkpoint", filepath.Join(out, "rec/checkpoint_settle.gob"), "--set", "check.max_rate_hz=1000",
		"--set", "phases.recall.trials=1", "--set", "phases.recall.fractions=[1.0]", "--set", "phases.recall.cue_ms=100",
		"--set", "phases.recall.delay_ms=200", "--set", "phases.recall.gap_ms=0")
	if code != 0 || !strings.Contains(stdout, `"start_ms": 500`) || !strings.Contains(stdout, `"weight_ratio": 1`) {
		t.Errorf("--from-checkpoint: exit %d, stderr %q, stdout %.600s: want recall from 500 ms on the untrained network (R = 1)", code, stderr, stdout)
	}
}
