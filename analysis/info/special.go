package info

import "math"

// Trigamma is ψ₁(x) = d²/dx² ln Γ(x) for x > 0 (not in gonum mathext):
// the recurrence ψ₁(x) = ψ₁(x+1) + 1/x² up to x ≥ 10, then the asymptotic
// series 1/x + 1/(2x²) + Σ_{k≤6} B_{2k}/x^{2k+1} (relative error < 1e-14;
// the spec suggests x ≥ 6, where the truncated series is off by ~1e-12).
func Trigamma(x float64) float64 {
	switch {
	case math.IsNaN(x) || x <= 0:
		return math.NaN()
	case math.IsInf(x, 1):
		return 0
	}
	s := 0.0
	for x < 10 {
		s += 1 / (x * x)
		x++
	}
	z := 1 / (x * x)
	// Bernoulli numbers B2 = 1/6, B4 = −1/30, B6 = 1/42, B8 = −1/30, B10 = 5/66, B12 = −691/2730
	t := z * (1.0/6 + z*(-1.0/30+z*(1.0/42+z*(-1.0/30+z*(5.0/66+z*(-691.0/2730))))))
	return s + 1/x + z/2 + t/x
}
