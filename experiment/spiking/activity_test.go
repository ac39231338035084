package spiking

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/branchproc"
	"gonum.org/v1/gonum/stat/distuv"
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
	if err := activityStats(path, binMs, []int{n, n}, sum, []string{"A", "B"}, false); err != nil {
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
	// Fano factor of counts summed over f bins. Branching process: the
	// autocovariance is Var·m^k with Var/E = 1/(1 − m²) (criticality.md §8
	// item 3), so Var(S_f)/E(S_f) = [f + 2 Σ_{k<f} (f − k) m^k] / (f (1 − m²)):
	// 10.0 at f = 2, 19.8 at f = 5. The estimate's relative SE is ≈ √(2τ/L)
	// ≈ 3 %; tolerance 15 %. Independent bins: 1 − p at every f.
	for f := 2; f <= 5; f++ {
		key := fmt.Sprintf("pop_fano_%ddt", f)
		want := float64(f)
		for k := 1; k < f; k++ {
			want += 2 * float64(f-k) * math.Pow(0.9, float64(k))
		}
		want /= float64(f) * (1 - 0.81)
		if got, ok := pa[key].(float64); !ok || math.Abs(got/want-1) > 0.15 {
			t.Errorf("%s of the branching process = %v, want %.3g", key, pa[key], want)
		}
		if got, ok := pb[key].(float64); !ok || math.Abs(got-0.99) > 0.05*math.Sqrt(float64(f)) {
			t.Errorf("%s of independent neurons = %v, want 0.99", key, pb[key])
		}
	}
}

// The spectral peak of Poisson counts whose rate is modulated at 40 Hz
// (1 ms bins, 4000 bins) is at 40 Hz within one frequency bin (3.9 Hz)
// and holds most of the power; for unmodulated counts the "peak" holds
// only its share of a flat spectrum (the ±20 % band around a peak at f
// spans ≈ 0.4 f/500 Hz of the 500 Hz band: < 0.35 for any f).
func TestSpectralPeak(t *testing.T) {
	r := rng.New(5, rng.Synthetic)
	mod, flat := make([]float64, 4000), make([]float64, 4000)
	for i := range mod {
		lam := 50 * (1 + 0.9*math.Sin(2*math.Pi*40*float64(i)/1000))
		mod[i] = poissonDraw(r.Float64, lam)
		flat[i] = poissonDraw(r.Float64, 50)
	}
	f, p := spectralPeak(mod, 1)
	if math.Abs(f-40) > 1000.0/256 || p < 0.6 {
		t.Errorf("modulated: peak %v Hz holding %v of the power, want 40 Hz and most of it", f, p)
	}
	if _, p := spectralPeak(flat, 1); p > 0.35 {
		t.Errorf("flat: peak holds %v of the power", p)
	}
	if f, _ := spectralPeak(mod[:100], 1); !math.IsNaN(f) {
		t.Errorf("short series: %v", f)
	}
}

// poissonDraw is Knuth's Poisson sampler (λ ≤ 100 here).
func poissonDraw(u func() float64, lam float64) float64 {
	l, k, p := math.Exp(-lam), 0.0, 1.0
	for {
		p *= u()
		if p <= l {
			return k
		}
		k++
	}
}

// record.avalanches on counts of separated critical Galton–Watson
// avalanches (one ancestor, Poisson(1) offspring, one empty bin between
// avalanches): the mean-field exponents are α_S = 3/2 and α_D = 2 (Harris
// 1963; criticality.md's avalanche section), γ = (α_D − 1)/(α_S − 1) = 2.
// 20 000 avalanches, sizes capped at 10⁵ (the cap truncates the tail, far
// beyond the fitted x_min). Tolerances: 0.1 on α_S and 0.2 on α_D — the
// discrete MLE's SE is (α − 1)/√n_tail ≈ 0.01–0.03 here, the rest is the
// KS choice of x_min on a finite sample and the approach to the
// asymptote (measured: α_S 1.493 ± 0.004, α_D 1.885 ± 0.014, x_min 2 and
// 8); every avalanche must be found.
func TestActivityStatsAvalanches(t *testing.T) {
	r := rng.New(5, rng.Synthetic)
	pois := distuv.Poisson{Src: r}
	const nav, capS = 20000, 100000
	counts := []float64{0} // avalanches touching the ends of the series are not counted
	for range nav {
		a, s := 1.0, 0.0
		for a > 0 && s < capS {
			counts = append(counts, a)
			s += a
			pois.Lambda = a
			a = pois.Rand()
		}
		counts = append(counts, 0)
	}
	data := make([]float32, len(counts)+1)
	const n, binMs = 1000, 1.0
	for b, c := range counts {
		data[b] = float32(c / n / (binMs / 1000))
	}
	path := filepath.Join(t.TempDir(), "rates_hz.npy")
	if err := store.WriteNPY(path, data, len(data), 1); err != nil {
		t.Fatal(err)
	}
	sum := map[string]any{"A": map[string]any{}}
	if err := activityStats(path, binMs, []int{n}, sum, []string{"A"}, true); err != nil {
		t.Fatal(err)
	}
	av, ok := sum["A"].(map[string]any)["avalanches"].(map[string]any)
	if !ok {
		t.Fatalf("no avalanches entry: %v", sum)
	}
	if av["n"] != nav {
		t.Errorf("n = %v, want %d", av["n"], nav)
	}
	aS, _ := av["size_alpha"].(float64)
	aD, _ := av["duration_alpha"].(float64)
	if math.Abs(aS-1.5) > 0.1 || math.Abs(aD-2) > 0.2 {
		t.Errorf("size_alpha = %v (want 1.5 ± 0.1), duration_alpha = %v (want 2 ± 0.2); %v", aS, aD, av)
	}
	t.Logf("avalanches: %v", av)
	// off by default: no entry
	sum = map[string]any{"A": map[string]any{}}
	if err := activityStats(path, binMs, []int{n}, sum, []string{"A"}, false); err != nil {
		t.Fatal(err)
	}
	if _, ok := sum["A"].(map[string]any)["avalanches"]; ok {
		t.Error("avalanches computed without record.avalanches")
	}
}
