package siegert

import (
	"fmt"
	"math"
)

// CVISI returns the coefficient of variation of the inter-spike intervals
// of the LIF neuron p under white noise (μ, σ) (Brunel 2000 convention):
//
//	CV² = 2π (ντ)² ∫_{y_r}^{y_θ} e^{x²} ∫_{−∞}^{x} e^{y²}(1 + erf y)² dy dx,
//
// y_r = (V_r − μ)/σ, y_θ = (θ − μ)/σ and ν from RateHz (the second moment
// of the first-passage time of the OU process; Tuckwell 1988, Brunel 2000). The inner integrand is evaluated as
// erfcx(−y)² e^{(x−y)(x+y)}, which folds the outer e^{x²} in without
// overflow; both integrals use adaptive Gauss–Kronrod quadrature. σ must
// be > 0 and y_θ ≤ 18 (far below threshold the CV is 1 to many digits).
func CVISI(p Params, muMV, sigmaMV float64) (float64, error) {
	if err := p.Validate(); err != nil {
		return 0, err
	}
	if !(sigmaMV > 0) {
		return 0, fmt.Errorf("siegert: CVISI needs sigma_mv > 0 (got %v)", sigmaMV)
	}
	a := (p.VResetMV - muMV) / sigmaMV
	b := (p.ThetaMV - muMV) / sigmaMV
	if b > 18 {
		return 0, fmt.Errorf("siegert: CVISI: (theta − mu)/sigma = %.3g above 18", b)
	}
	nu, err := RateHz(p, muMV, sigmaMV)
	if err != nil {
		return 0, err
	}
	outer := func(x float64) float64 {
		lo := math.Min(x, 0) - 10
		return integrate(func(y float64) float64 {
			e := Erfcx(-y)
			return e * e * math.Exp((x-y)*(x+y))
		}, lo, x, 1e-12)
	}
	J := integrate(outer, a, b, 1e-10)
	nt := nu / 1000 * p.TauMMs
	return math.Sqrt(2 * math.Pi * nt * nt * J), nil
}
