package main

import (
	"github.com/engramsim/engram/experiment/analyze"
	"math"
	"strings"
	"testing"
)

// TestAnalyzeBranchingTwoTimescales: --fit accepts two_timescales, reports
// it as the headline fit, and exposes both timescales and amplitudes in
// summary.fits.two_timescales.params; an unknown name lists it.
func TestAnalyzeBranchingTwoTimescales(t *testing.T) {
	if _, err := analyze.ParseModels("two_timescales,exp"); err != nil {
		t.Fatal(err)
	}
	if _, err := analyze.ParseModels("two_timescale"); err == nil || !strings.Contains(err.Error(), "two_timescales") {
		t.Errorf("unknown model: err = %v, want it to list two_timescales", err)
	}
	dir := t.TempDir()
	file := writeDriven(t, dir, "activity.npy", 0.9, 5, 10000, 7)
	code, stdout, stderr := run(t, "analyze", "branching", file, "--kmax", "50", "--fit", "two_timescales,exp", "--bootstrap", "0", "--json", "--quiet", "--no-run-dir")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	m := decodeJSON(t, stdout)
	if m["fit"] != "two_timescales" {
		t.Errorf("fit = %v, want two_timescales", m["fit"])
	}
	// Single-timescale data (m = 0.9, τ = 9.49 bins): the reported τ is the
	// dominant component's. Same loose band as TestAnalyzeTimescale.
	if tb := num(t, m, "tau_bins"); math.Abs(tb-9.49) > 2.5 {
		t.Errorf("tau_bins = %v, want ≈ 9.49", tb)
	}
	sum, _ := m["summary"].(map[string]any)
	fits, _ := sum["fits"].(map[string]any)
	tt, _ := fits["two_timescales"].(map[string]any)
	params, _ := tt["params"].(map[string]any)
	for _, k := range []string{"tau1", "A1", "tau2", "A2"} {
		if _, ok := params[k].(float64); !ok {
			t.Errorf("summary.fits.two_timescales.params.%s = %v, want a number (params %v)", k, params[k], params)
		}
	}
}
