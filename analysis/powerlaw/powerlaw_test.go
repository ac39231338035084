package powerlaw

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mathext"
)

// TestUpperGamma pins lnUpperGamma to gonum for s > 0, to E₁ at s = 0 and
// to the recurrence Γ(s+1, x) = sΓ(s, x) + x^s e^{−x} for s < 0.
func TestUpperGamma(t *testing.T) {
	const tol = 1e-10
	for _, s := range []float64{0.3, 1, 2.5} {
		for _, x := range []float64{1e-3, 0.5, 1, 3, 20} {
			lg, _ := math.Lgamma(s)
			want := math.Log(mathext.GammaIncRegComp(s, x)) + lg
			if got := lnUpperGamma(s, x); math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
				t.Errorf("lnΓ(%v, %v) = %.15g, want %.15g", s, x, got, want)
			}
		}
	}
	// E₁(1) = 0.219383934395520 (Abramowitz & Stegun 5.1).
	if got := math.Exp(lnUpperGamma(0, 1)); math.Abs(got-0.219383934395520) > 1e-12 {
		t.Errorf("Γ(0, 1) = %.15g, want E₁(1) = 0.219383934395520", got)
	}
	for _, s := range []float64{-0.5, -1, -1.5, -2.7} {
		for _, x := range []float64{1e-4, 0.3, 1, 5, 50} {
			lhs := math.Exp(lnUpperGamma(s+1, x))
			rhs := s*math.Exp(lnUpperGamma(s, x)) + math.Exp(s*math.Log(x)-x)
			if math.Abs(lhs-rhs) > tol*math.Max(math.Abs(lhs), 1e-300) {
				t.Errorf("recurrence at s = %v, x = %v: %.15g vs %.15g", s, x, lhs, rhs)
			}
		}
	}
}

// TestContinuousKnownXMin is AV-7 (criticality.md): n = 3000 inverse-CDF
// samples, x_min = 1 known, |α̂ − α| < 0.1 (measured SD 0.009–0.026).
func TestContinuousKnownXMin(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, alpha := range []float64{1.5, 2.0, 2.5} {
		x := SampleContinuous(rng, alpha, 1, 3000)
		r, err := Fit(x, &Options{XMin: 1})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(r.Alpha-alpha) >= 0.1 {
			t.Errorf("AV-7: α̂ = %.4f, want %.1f ± 0.1", r.Alpha, alpha)
		}
		// The SE formula (α−1)/√n must match the spec's measured SD within
		// a factor 1.5.
		if want := (alpha - 1) / math.Sqrt(3000); math.Abs(r.AlphaStdErr/want-1) > 0.5 {
			t.Errorf("SE %.4f vs %.4f", r.AlphaStdErr, want)
		}
	}
}

// TestDiscreteMLE checks the exact discrete MLE (and the approximation) on
// a known x_min, against α and against each other.
func TestDiscreteMLE(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	x := SampleDiscrete(rng, 2.5, 10, 5000)
	exact, err := Fit(x, &Options{Discrete: true, XMin: 10})
	if err != nil {
		t.Fatal(err)
	}
	approx, err := Fit(x, &Options{Discrete: true, XMin: 10, DiscreteApprox: true})
	if err != nil {
		t.Fatal(err)
	}
	// 0.1 ≈ 5 SE ((α−1)/√n = 0.021) plus the sampler's rounding error.
	if math.Abs(exact.Alpha-2.5) > 0.1 || math.Abs(approx.Alpha-2.5) > 0.1 {
		t.Errorf("discrete α̂: exact %.4f, approx %.4f, want 2.5", exact.Alpha, approx.Alpha)
	}
	// At x_min = 10 the approximation agrees with the exact MLE to < 0.01
	// (Clauset et al. 2009, Table 3: error ≲ 1 % for x_min ≳ 6).
	if math.Abs(exact.Alpha-approx.Alpha) > 0.01 {
		t.Errorf("exact %.4f vs approx %.4f", exact.Alpha, approx.Alpha)
	}
	// The MLE is a stationary point of the discrete log-likelihood.
	ll := func(a float64) float64 {
		s := 0.0
		for _, v := range exact.tail {
			s += -a*math.Log(v) - math.Log(mathext.Zeta(a, 10))
		}
		return s
	}
	if ll(exact.Alpha+1e-3) > ll(exact.Alpha) || ll(exact.Alpha-1e-3) > ll(exact.Alpha) {
		t.Error("discrete α̂ is not a likelihood maximum")
	}
}

// TestXMinScan is AV-8 (criticality.md): 5000 points, 70 % power law
// (α = 2.5, x_min = 10) + 30 % body 1+Exp(3) truncated below 10; assert
// x̂_min ∈ [9, 25] and |α̂ − 2.5| < 0.15 (measured median 11.1, α̂ 2.45–2.61).
func TestXMinScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	x := SampleContinuous(rng, 2.5, 10, 3500)
	for len(x) < 5000 {
		if v := 1 + 3*rng.ExpFloat64(); v < 10 {
			x = append(x, v)
		}
	}
	r, err := Fit(x, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AV-8: x̂_min = %.2f, α̂ = %.3f ± %.3f, n_tail %d, KS %.4f", r.XMin, r.Alpha, r.AlphaStdErr, r.NTail, r.KS)
	if r.XMin < 9 || r.XMin > 25 || math.Abs(r.Alpha-2.5) >= 0.15 {
		t.Errorf("AV-8: x̂_min = %.2f (want [9, 25]), α̂ = %.3f (want 2.5 ± 0.15)", r.XMin, r.Alpha)
	}
}

// sampleTruncated draws from C x^{−α} e^{−λx}, x ≥ x_min, by rejection:
// power-law proposals accepted with probability e^{−λ(x−x_min)}.
func sampleTruncated(rng *rand.Rand, alpha, lambda, xmin float64, n int) []float64 {
	out := make([]float64, 0, n)
	for len(out) < n {
		x := SampleContinuous(rng, alpha, xmin, 1)[0]
		if rng.Float64() < math.Exp(-lambda*(x-xmin)) {
			out = append(out, x)
		}
	}
	return out
}

// TestNestedTruncated is AV-9 (criticality.md): 10⁴ samples of a truncated
// power law (α = 1.5, λ = 10⁻³, x_min = 1): the nested LR test favours the
// truncated law with p < 0.01. Sign convention: here R = ℓ_powerlaw −
// ℓ_truncated (powerlaw's distribution_compare order), so the spec's
// "R ≈ +158" (ℓ_truncated − ℓ_powerlaw) appears as R < 0.
func TestNestedTruncated(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	x := sampleTruncated(rng, 1.5, 1e-3, 1, 10000)
	r, err := Fit(x, &Options{XMin: 1})
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compare(r, TruncatedPowerLaw)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AV-9: α̂_tpl = %.4f, λ̂ = %.3g, R = %.1f, p = %.3g", c.Alt.Params[0], c.Alt.Params[1], c.R, c.P)
	if !(c.R < 0) || !(c.P < 0.01) || c.Favoured != string(TruncatedPowerLaw) {
		t.Errorf("AV-9: R = %.2f, p = %.3g, favoured %q; want truncated favoured, p < 0.01", c.R, c.P, c.Favoured)
	}
	// Measured α̂ = 1.501 ± 0.009 (10 reps): allow 5 SD.
	if math.Abs(c.Alt.Params[0]-1.5) > 0.045 {
		t.Errorf("AV-9: truncated α̂ = %.4f, want 1.5", c.Alt.Params[0])
	}
	// On pure power-law data the nested test does not favour truncation.
	y := SampleContinuous(rng, 1.5, 1, 10000)
	ry, _ := Fit(y, &Options{XMin: 1})
	cy, err := Compare(ry, TruncatedPowerLaw)
	if err != nil {
		t.Fatal(err)
	}
	if cy.R < -3 { // 2|R| = 6 ⇔ p ≈ 0.014; a true power law rarely goes below
		t.Errorf("pure power law: R = %.2f, p = %.3g", cy.R, cy.P)
	}
}

// TestAlternativesRecoverParameters fits each alternative to its own
// synthetic data (continuous) and checks the ratio test prefers it.
func TestAlternativesRecoverParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 11))
	const n = 5000
	expo := make([]float64, n)
	logn := make([]float64, n)
	for i := range expo {
		expo[i] = 1 + rng.ExpFloat64()/0.5
		for {
			v := math.Exp(1 + 0.8*rng.NormFloat64())
			if v >= 1 {
				logn[i] = v
				break
			}
		}
	}
	re, _ := Fit(expo, &Options{XMin: 1})
	c, err := Compare(re, Exponential)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.Alt.Params[0]-0.5) > 0.05 || c.Favoured != string(Exponential) {
		t.Errorf("exponential: λ̂ = %.3f (want 0.5), favoured %q (R %.1f p %.2g)", c.Alt.Params[0], c.Favoured, c.R, c.P)
	}
	rl, _ := Fit(logn, &Options{XMin: 1})
	c, err = Compare(rl, Lognormal)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.Alt.Params[0]-1) > 0.1 || math.Abs(c.Alt.Params[1]-0.8) > 0.08 || c.Favoured != string(Lognormal) {
		t.Errorf("lognormal: μ̂ = %.3f σ̂ = %.3f (want 1, 0.8), favoured %q", c.Alt.Params[0], c.Alt.Params[1], c.Favoured)
	}
	c, err = Compare(re, StretchedExponential)
	if err != nil {
		t.Fatal(err)
	}
	// Exponential data: the stretched exponential with x_min = 1 has β ≈ 1.
	t.Logf("stretched on exponential data: λ̂ = %.3f β̂ = %.3f", c.Alt.Params[0], c.Alt.Params[1])
	if math.Abs(c.Alt.Params[1]-1) > 0.15 {
		t.Errorf("stretched exponential β̂ = %.3f on exponential data, want ≈ 1", c.Alt.Params[1])
	}
}

// TestGoodnessOfFit: a true power law is plausible (p > 0.1); exponential
// data fitted as a power law are rejected.
func TestGoodnessOfFit(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	x := SampleContinuous(rng, 2.2, 1, 400)
	opts := &Options{XMin: 1}
	r, _ := Fit(x, opts)
	g, err := GoodnessOfFit(x, r, opts, &GOFOptions{NumSynthetic: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Plausible {
		t.Errorf("true power law: GOF p = %.3f", g.P)
	}
	y := make([]float64, 400)
	for i := range y {
		y[i] = 1 + rng.ExpFloat64()
	}
	ry, _ := Fit(y, opts)
	gy, err := GoodnessOfFit(y, ry, opts, &GOFOptions{NumSynthetic: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if gy.P > 0.01 {
		t.Errorf("exponential data: GOF p = %.3f, want ≈ 0", gy.P)
	}
	t.Logf("GOF p: power law %.3f, exponential %.3f", g.P, gy.P)
}

func TestDegenerateInput(t *testing.T) {
	if _, err := Fit(nil, nil); !errors.Is(err, ErrTooFew) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Fit([]float64{1, -2, 3}, nil); !errors.Is(err, ErrInvalidData) {
		t.Errorf("negative: %v", err)
	}
	if _, err := Fit([]float64{1.5, 2}, &Options{Discrete: true}); !errors.Is(err, ErrInvalidData) {
		t.Errorf("non-integer discrete: %v", err)
	}
	same := []float64{3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3}
	if _, err := Fit(same, &Options{XMin: 3}); !errors.Is(err, ErrNoVariation) {
		t.Errorf("constant: %v", err)
	}
	if _, err := Fit(same, nil); err == nil {
		t.Error("constant scan: want error")
	}
	if _, err := Fit(same, &Options{Discrete: true}); err == nil {
		t.Error("constant discrete scan: want error")
	}
}
