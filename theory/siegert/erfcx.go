package siegert

import "math"

// Erfcx returns the scaled complementary error function e^{x²} erfc(x).
//
// For −26 ≤ x ≤ 26 it uses exp(x²)·erfc(x) (math.Erfc is accurate in
// relative terms there; the relative error of exp(x²) grows like x²·ε,
// ≤ 1e-13); for x > 26 a continued fraction (Lentz) that converges in a few
// terms; for x < −26 the reflection 2e^{x²} − erfcx(−x) (which overflows to
// +Inf for x < −26.6, as the true value does in float64).
func Erfcx(x float64) float64 {
	switch {
	case math.IsNaN(x):
		return x
	case x > 26:
		return erfcxCF(x)
	case x >= -26:
		return math.Exp(x*x) * math.Erfc(x)
	default:
		return 2*math.Exp(x*x) - erfcxCF(-x)
	}
}

// erfcxCF evaluates erfcx(x) = (1/√π)·1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
// for large positive x by the modified Lentz method.
func erfcxCF(x float64) float64 {
	const tiny = 1e-300
	f := x
	c, d := x, 0.0
	for n := 1; n < 200; n++ {
		a := float64(n) / 2
		d = x + a*d
		if d == 0 {
			d = tiny
		}
		c = x + a/c
		if c == 0 {
			c = tiny
		}
		d = 1 / d
		delta := c * d
		f *= delta
		if math.Abs(delta-1) < 1e-16 {
			break
		}
	}
	return 1 / (math.SqrtPi * f)
}
