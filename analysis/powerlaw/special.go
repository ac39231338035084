package powerlaw

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// lnUpperGamma returns ln Γ(s, x) = ln ∫_x^∞ t^{s−1} e^{−t} dt for any real
// s and x > 0 (s may be negative or zero, as needed by the truncated power
// law with α > 1).
func lnUpperGamma(s, x float64) float64 {
	if !(x > 0) {
		return math.NaN()
	}
	if x > 1 {
		return lnUpperGammaCF(s, x)
	}
	// Γ(s, x) = Γ(s, 1) + ∫_x^1 t^{s−1} e^{−t} dt, the integral by the
	// uniformly convergent series Σ_k (−1)^k/k! ∫_x^1 t^{s+k−1} dt.
	lx := math.Log(x)
	sum := 0.0
	fact := 1.0
	for k := 0; k < 200; k++ {
		if k > 0 {
			fact *= float64(k)
		}
		a := s + float64(k)
		var term float64
		if math.Abs(a) < 1e-12 {
			term = -lx
		} else {
			term = -math.Expm1(a*lx) / a
		}
		term /= fact
		if k%2 == 1 {
			term = -term
		}
		sum += term
		if k > 2 && math.Abs(term) < 1e-17*math.Abs(sum) {
			break
		}
	}
	return math.Log(math.Exp(lnUpperGammaCF(s, 1)) + sum)
}

// lnUpperGammaCF evaluates ln Γ(s, x) by the Legendre continued fraction
// (modified Lentz), valid for x > 0 and fast for x ≳ 1.
func lnUpperGammaCF(s, x float64) float64 {
	const tiny = 1e-300
	b := x + 1 - s
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i < 10000; i++ {
		an := -float64(i) * (float64(i) - s)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return -x + s*math.Log(x) + math.Log(h)
}

// lnHurwitzZeta returns ln ζ(a, q) for a > 1, q > 0.
func lnHurwitzZeta(a, q float64) float64 {
	return math.Log(mathext.Zeta(a, q))
}

// logDiffExp returns ln(e^a − e^b) for a ≥ b.
func logDiffExp(a, b float64) float64 {
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log(-math.Expm1(b-a))
}

// lnNormalSurvival returns ln P(Z > z) for standard normal Z, accurate in
// the far tail.
func lnNormalSurvival(z float64) float64 {
	if z < 5 {
		return math.Log(0.5 * math.Erfc(z/math.Sqrt2))
	}
	// Asymptotic series of the Mills ratio.
	z2 := z * z
	series := 1 - 1/z2 + 3/(z2*z2) - 15/(z2*z2*z2)
	return -z2/2 - math.Log(z*math.Sqrt(2*math.Pi)) + math.Log(series)
}
