package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
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
