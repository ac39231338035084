package spiking

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/branchproc"
)

// The activity statistics recover a known branching ratio and the
// Poisson Fano factor from a rates file written as the rate monitor
// writes it (float32 Hz = count / N / bin): column 0 is a driven
// branching process A_{t+1} ~ Poisson(m A_t + h) with m = 0.9 (τ = −1 ms /
// ln 0.9 = 9.49 ms), column 1 independent Binomial(N, p) counts (Fano
// 1 − p). Tolerances: 0.02 on m̂ (MR on 20 000 bins: asymptotic SE ≈ 0.004),
// 15 % on τ̂, 0.05 on the Fano factor (its SE is √(2/L) ≈ 0.01).
func TestActivityStatsKnownProcess(t *testing.T) {
	const bins, n, binMs = 20000, 1000, 1.0
	a, err := branchproc.Simulate(rng.New(3, rng.Synthetic), 0.9, 10, 100, bins)
	if err != nil {
		t.Fatal(err)
	}
	ind, err := branchproc.IndependentCounts(rng.New(4, rng.Synthetic), n, 0.01, bins)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]float32, 2*bins)
	for b := range bins {
		data[2*b] = float32(a[b] / n / (binMs / 1000))
		data[2*b+1] = float32(ind[b] / n / (binMs / 1000))
	}
	path := filepath.Join(t.TempDir(), "rates_hz.npy")
	if err := store.WriteNPY(path, data, bins, 2); err != nil {
		t.Fatal(err)
	}
	sum := map[string]any{"A": map[string]any{}, "B": map[string]any{}}
	if err := activityStats(path, binMs, []int{n, n}, sum, []string{"A", "B"}); err != nil {
		t.Fatal(err)
	}
	pa, pb := sum["A"].(map[string]any), sum["B"].(map[string]any)
	if m, ok := pa["mr_m"].(float64); !ok || math.Abs(m-0.9) > 0.02 {
		t.Errorf("mr_m = %v, want 0.9", pa["mr_m"])
	}
	if tau, ok := pa["tau_ac_ms"].(float64); !ok || math.Abs(tau/(-1/math.Log(0.9))-1) > 0.15 {
		t.Errorf("tau_ac_ms = %v, want 9.49", pa["tau_ac_ms"])
	}
	if f, ok := pb["pop_fano"].(float64); !ok || math.Abs(f-0.99) > 0.05 {
		t.Errorf("pop_fano of independent neurons = %v, want 1 − p = 0.99", pb["pop_fano"])
	}
	if f, ok := pa["pop_fano"].(float64); !ok || f < 3 {
		t.Errorf("pop_fano of the branching process = %v, want ≫ 1", pa["pop_fano"])
	}
}
