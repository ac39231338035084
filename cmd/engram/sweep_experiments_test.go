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
