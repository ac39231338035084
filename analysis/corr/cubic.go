package corr

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// CuBICOptions configures CuBIC. nil means α = 0.05, ξ_max = 100.
type CuBICOptions struct {
	// Alpha is the significance level in [0, 1] (default 0.05; the zero
	// value means the default, use a tiny positive value for "never").
	Alpha float64
	// MaxOrder is ξ_max, the largest order tested (default 100).
	MaxOrder int
	// NoOrderCheck runs the tests even when k₂ < k₁ instead of returning
	// ErrCuBICOrder (κ*_m(1) = k₂ is then below the Poisson value; for
	// comparison with implementations without the check).
	NoOrderCheck bool
}

// CuBICResult is the outcome of CuBIC.
type CuBICResult struct {
	// XiHat is the first order ξ whose H₀ is not rejected (a lower bound
	// on the maximal order of correlation); MaxOrder + 1 when aborted.
	XiHat int
	// PValues are p(ξ) for ξ = 1..len(PValues).
	PValues []float64
	// K are the k-statistics of the population count.
	K KStats
	// Aborted is true when every order up to MaxOrder was rejected.
	Aborted bool
	Alpha   float64
}

// ErrCuBICOrder is returned when k₂ < k₁: the count's variance is below
// its mean, which no compound Poisson process produces (population too
// small or bins too small).
var ErrCuBICOrder = errors.New("corr: CuBIC needs k₂ ≥ k₁ (variance of the population count below its mean: population or bins too small)")

// kappaStar is the largest m-th cumulant compatible with correlations of
// order ≤ ξ and the observed k₁, k₂:
// κ*_m(ξ) = [k₂(ξ^{m−1} − 1) − k₁(ξ^{m−1} − ξ)]/(ξ − 1), κ*_m(1) = k₂.
func kappaStar(k1, k2 float64, m, xi int) float64 {
	if xi == 1 {
		return k2
	}
	x := float64(xi)
	p := math.Pow(x, float64(m-1))
	return (k2*(p-1) - k1*(p-x)) / (x - 1)
}

// cubicP is p(ξ) = 1 − Φ((k₃ − κ*₃)/σ) with the Stuart–Ord variance of k₃
// under H₀: σ² = κ*₆/L + 9(κ*₄κ*₂ + κ*₃²)/(L−1) + 6L κ*₂³/((L−1)(L−2)).
func cubicP(k KStats, xi int) float64 {
	ks := func(m int) float64 { return kappaStar(k.K1, k.K2, m, xi) }
	l := float64(k.L)
	k2, k3, k4, k6 := ks(2), ks(3), ks(4), ks(6)
	s := math.Sqrt(k6/l + 9*(k4*k2+k3*k3)/(l-1) + 6*l*k2*k2*k2/((l-1)*(l-2)))
	return 1 - distuv.Normal{Mu: k3, Sigma: s}.CDF(k.K3)
}

// CuBIC is the cumulant-based inference of higher-order correlations of
// Staude, Rotter & Grün (2010), as elephant's cubic: given the population
// count per bin, test H₀(ξ) "correlations of order ≤ ξ explain k₃" for
// ξ = 1, 2, … and return the first ξ with p ≥ α. After MaxOrder rejected
// tests it stops with Aborted and XiHat = MaxOrder + 1.
func CuBIC(counts []float64, o *CuBICOptions) (*CuBICResult, error) {
	alpha, maxOrder, check := 0.05, 100, true
	if o != nil {
		check = !o.NoOrderCheck
		if o.Alpha != 0 {
			alpha = o.Alpha
		}
		if o.MaxOrder != 0 {
			maxOrder = o.MaxOrder
		}
	}
	if !(alpha >= 0 && alpha <= 1) {
		return nil, fmt.Errorf("corr: CuBIC significance level α = %v must be in [0, 1]", alpha)
	}
	if maxOrder < 1 {
		return nil, fmt.Errorf("corr: CuBIC ξ_max = %d must be ≥ 1", maxOrder)
	}
	for i, v := range counts {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("corr: CuBIC: bin %d has population count %v", i, v)
		}
	}
	k, err := KStatistics(counts)
	if err != nil {
		return nil, err
	}
	if check && k.K2 < k.K1 {
		return nil, fmt.Errorf("%w: k₁ = %.6g, k₂ = %.6g over %d bins", ErrCuBICOrder, k.K1, k.K2, k.L)
	}
	r := &CuBICResult{K: k, Alpha: alpha, XiHat: 1}
	p := cubicP(k, 1)
	r.PValues = append(r.PValues, p)
	for p < alpha {
		r.XiHat++
		if r.XiHat > maxOrder {
			r.Aborted = true
			break
		}
		p = cubicP(k, r.XiHat)
		r.PValues = append(r.PValues, p)
	}
	return r, nil
}
