package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// capacity --finite-k on the original grid (cheap): a sweep over A
// converges at every point (it used to refuse them all: the resolved
// ScanLiteral of the original grid was passed on) and flags the crossover
// of A = 10.65, K = 250 in its JSON and TSV; point mode labels α_c as the
// crossover there and leaves out the undefined scan-rule α_c.
func TestCapacityFiniteKCrossoverCLI(t *testing.T) {
	dir := t.TempDir()
	flags := []string{"--grid", "original", "--finite-k", "250", "--c", "0.005", "--json", "--quiet"}

	sweepDir := filepath.Join(dir, "sweep")
	code, out, stderr := run(t, append([]string{"capacity", "--sweep", "A", "--from", "3.550594", "--to", "10.6518", "--n", "2", "--out", sweepDir}, flags...)...)
	if code != 0 {
		t.Fatal(stderr)
	}
	var sw struct {
		Points []struct {
			AlphaC    float64 `json:"alpha_c"`
			Crossover bool    `json:"crossover"`
			Converged bool    `json:"converged"`
			Err       string  `json:"error"`
		} `json:"points"`
	}
	if err := json.Unmarshal([]byte(out), &sw); err != nil || len(sw.Points) != 2 {
		t.Fatalf("sweep JSON: %v %s", err, out)
	}
	for i, p := range sw.Points {
		if !p.Converged || p.Err != "" || !(p.AlphaC > 0) {
			t.Errorf("sweep point %d: %+v", i, p)
		}
	}
	if sw.Points[0].Crossover || !sw.Points[1].Crossover {
		t.Errorf("crossover flags %v, %v; want false (medians), true (A = 10.65)", sw.Points[0].Crossover, sw.Points[1].Crossover)
	}
	tsv, err := os.ReadFile(filepath.Join(sweepDir, "res", "capacity_sweep.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSpace(string(tsv)), "\n")
	if len(rows) != 3 {
		t.Fatalf("capacity_sweep.tsv: %q", tsv)
	}
	head := strings.Split(rows[0], "\t")
	col := -1
	for i, h := range head {
		if h == "crossover" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("capacity_sweep.tsv has no crossover column: %q", rows[0])
	}
	for i, want := range []string{"0", "1"} {
		if f := strings.Split(rows[i+1], "\t"); len(f) != len(head) || f[col] != want {
			t.Errorf("capacity_sweep.tsv row %d: %q, want crossover %s", i+1, rows[i+1], want)
		}
	}

	pointDir := filepath.Join(dir, "point")
	code, out, stderr = run(t, append([]string{"capacity", "--set", "rule.A=10.6518", "--out", pointDir}, flags...)...)
	if code != 0 {
		t.Fatal(stderr)
	}
	var pt struct {
		AlphaC     float64 `json:"alpha_c"`
		AlphaCScan float64 `json:"alpha_c_scan"`
		Crossover  bool    `json:"crossover"`
		Converged  bool    `json:"converged"`
	}
	if err := json.Unmarshal([]byte(out), &pt); err != nil {
		t.Fatal(err)
	}
	if !pt.Crossover || !pt.Converged || pt.AlphaCScan != 0 || pt.AlphaC < 0.2774 || pt.AlphaC > 0.2794 {
		t.Errorf("point mode at A = 10.65: %+v; want a converged crossover at α_c ≈ 0.2784, no scan-rule α_c", pt)
	}
	rep, err := os.ReadFile(filepath.Join(pointDir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if s := string(rep); !strings.Contains(s, "α_c (crossover") || strings.Contains(s, "maximum along the retrieval branch") || strings.Contains(s, "original scan-stop rule") {
		t.Errorf("point report: want the crossover label and no branch-maximum or scan-rule α_c")
	}
}
