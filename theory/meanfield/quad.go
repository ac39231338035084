package meanfield

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/integrate/quad"
)

// glOrder is the number of Gauss–Legendre nodes per panel of the composite
// rules built here.
const glOrder = 8

// glRef holds the glOrder-point Gauss–Legendre rule on [−1, 1].
type glRef struct{ x, w [glOrder]float64 }

func newGLRef() glRef {
	var r glRef
	quad.Legendre{}.FixedLocations(r.x[:], r.w[:], -1, 1)
	return r
}

// feature is a steep transition of an integrand at Centre with width Width
// (in the integration variable) around which panels are refined.
type feature struct{ Centre, Width float64 }

// breakpoints returns the sorted panel boundaries of a composite rule on
// [−half, half]: a uniform base of width h, plus, for every feature narrower
// than h/4, boundaries graded geometrically (ratio 1.6) from Width/2 at the
// centre up to h.
func breakpoints(half, h float64, feats []feature) []float64 {
	n := int(math.Ceil(2 * half / h))
	h = 2 * half / float64(n)
	bp := make([]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		bp = append(bp, -half+float64(i)*h)
	}
	for _, f := range feats {
		if !(f.Width > 0) || f.Width >= h/4 || math.IsNaN(f.Centre) || math.Abs(f.Centre) >= half {
			continue
		}
		bp = append(bp, f.Centre)
		for _, s := range []float64{-1, 1} {
			d, step := 0.0, f.Width/2
			for d < 6*f.Width {
				d += step
				bp = append(bp, f.Centre+s*d)
			}
			for step < h {
				step *= 1.6
				d += step
				bp = append(bp, f.Centre+s*d)
			}
		}
	}
	sort.Float64s(bp)
	out := bp[:0]
	for _, v := range bp {
		if v < -half || v > half {
			continue
		}
		if len(out) > 0 && v-out[len(out)-1] < 1e-12 {
			continue
		}
		out = append(out, v)
	}
	return out
}

// compositeGaussNormal returns nodes and weights of a composite
// Gauss–Legendre rule for E[F(ξ)], ξ ~ N(0,1): the weights include the
// standard normal density.
func compositeGaussNormal(ref glRef, bp []float64) (x, w []float64) {
	x = make([]float64, 0, (len(bp)-1)*glOrder)
	w = make([]float64, 0, cap(x))
	norm := 1 / math.Sqrt(2*math.Pi)
	for p := 0; p+1 < len(bp); p++ {
		mid, half := 0.5*(bp[p]+bp[p+1]), 0.5*(bp[p+1]-bp[p])
		for k := 0; k < glOrder; k++ {
			v := mid + half*ref.x[k]
			x = append(x, v)
			w = append(w, half*ref.w[k]*norm*math.Exp(-0.5*v*v))
		}
	}
	return x, w
}

// gaussHermiteNormal returns the n-node Gauss–Hermite rule for E[F(z)],
// z ~ N(0,1) (probabilists' normalisation: Σw = 1).
func gaussHermiteNormal(n int) (z, w []float64) {
	z = make([]float64, n)
	w = make([]float64, n)
	quad.Hermite{}.FixedLocations(z, w, math.Inf(-1), math.Inf(1))
	for i := range z {
		z[i] *= math.Sqrt2
		w[i] /= math.SqrtPi
	}
	return z, w
}

// riemannNormal returns the original code's Riemann rule: nodes
// −10, −9.9, …, 9.9 (200 points, spacing 0.1) with weights N(0,1) density × 0.1.
func riemannNormal(lo, hi, step float64) (x, w []float64) {
	n := int(math.Round((hi - lo) / step))
	x = make([]float64, n)
	w = make([]float64, n)
	norm := step / math.Sqrt(2*math.Pi)
	for i := range x {
		v := lo + float64(i)*step
		x[i] = v
		w[i] = norm * math.Exp(-0.5*v*v)
	}
	return x, w
}
