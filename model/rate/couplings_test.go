package rate

import (
	"math"
	"testing"

	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
)

// PatternCouplings against a deliberately naive double loop, for two worker
// counts (identical bits), and its mean against the closed form: with h ≡ 0
// every φ′(h_i) = φ′(0), so λ_μ = A φ′(0) (1/N) Σ_i f g, whose expectation
// is A φ′(0) E[f(φ(ξ)) g(φ(ξ))] (Gaussian quadrature, ratefn.GaussExpect).
func TestPatternCouplings(t *testing.T) {
	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
	st, err := rule.Centre(tf)
	if err != nil {
		t.Fatal(err)
	}
	const n, p = 100000, 6
	pat, err := stim.Gaussian(stim.PatternSpec{N: n, P: p}, 3, 0)
	if err != nil {
		t.Fatal(err)
	}
	fc := ComputeFactors(pat, tf, st.Rule, 0)
	m := &Model{N: n, TF: tf}
	h := make([]float32, n)
	for i := range h {
		h[i] = float32(math.Sin(float64(i))) * 3
	}
	got1 := PatternCouplings(m, fc, rule.A, h, 1)
	got3 := PatternCouplings(m, fc, rule.A, h, 3)
	for mu := 0; mu < p; mu++ {
		var s float64
		for i := 0; i < n; i++ {
			s += tf.Deriv(float64(h[i])) * float64(fc.F[i*p+mu]) * float64(fc.G[i*p+mu])
		}
		want := rule.A * s / n
		if got1[mu] != got3[mu] {
			t.Errorf("pattern %d: workers 1 vs 3 differ: %v vs %v", mu, got1[mu], got3[mu])
		}
		if math.Abs(got1[mu]-want) > 1e-12*math.Abs(want) {
			t.Errorf("pattern %d: %v, naive %v", mu, got1[mu], want)
		}
	}
	clear(h)
	lam := PatternCouplings(m, fc, rule.A, h, 0)
	fg := func(x float64) float64 { r := tf.Rate(x); return st.Rule.F.Eval(r) * st.Rule.G.Eval(r) }
	want := rule.A * tf.Deriv(0) * ratefn.GaussExpect(fg)
	sd := rule.A * tf.Deriv(0) * math.Sqrt(ratefn.GaussExpect(func(x float64) float64 { return fg(x) * fg(x) })/n)
	var mean float64
	for _, v := range lam {
		mean += v / p
	}
	// tolerance 4 standard errors of the mean over p·N samples (sd bounds the
	// per-pattern SD from the second moment)
	if math.Abs(mean-want) > 4*sd/math.Sqrt(p) {
		t.Errorf("mean coupling at h = 0: %.5f, closed form %.5f (4 SE = %.5f)", mean, want, 4*sd/math.Sqrt(p))
	}
}
