package branching

import (
	"math"
	"testing"

	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/theory/branchproc"
)

// For a driven branching process A_{t+1} ~ Poisson(m A_t + h) the
// autocorrelation is r_k = m^k, so τ_int = (1 + m)/(2(1 − m)) = 9.5 bins
// at m = 0.9 (the window c·τ_int = 47.5 bins truncates m^K ≈ 0.007 of the
// tail: 9.44 expected). Tolerance 10 %: τ_int's relative SE is
// √(2(2K+1)/L) ≈ 7 % … for L = 40 000 bins it is ≈ 5 % (Sokal 1997 eq. 3.19).
func TestIntegratedTauBranching(t *testing.T) {
	a, err := branchproc.Simulate(rng.New(11, rng.Synthetic), 0.9, 10, 100, 40000)
	if err != nil {
		t.Fatal(err)
	}
	it, err := Integrated([][]float64{a}, StationaryMean, 200, 5)
	if err != nil {
		t.Fatal(err)
	}
	m, K := 0.9, float64(it.Window)
	want := 0.5 + m*(1-math.Pow(m, K))/(1-m)
	if !it.Converged || math.Abs(it.Tau/want-1) > 0.10 || it.Window < 40 || it.Window > 60 {
		t.Errorf("τ_int = %v bins (window %d, converged %v), want %v", it.Tau, it.Window, it.Converged, want)
	}
	if it.Running[len(it.Running)-1] == 0 || len(it.Steps) != 200 {
		t.Errorf("running sums %d", len(it.Steps))
	}
}
