package bridge

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Separability is the rank-1 analysis of a drift matrix (stdp-memory.md
// §4.4 step 2): D ≈ f gᵀ with f = σ₁u₁ and g = v₁ the leading singular
// vectors.
type Separability struct {
	// Index is σ₁²/Σ_k σ_k² (1: exactly separable, D = f(ν_post) g(ν_pre)).
	Index float64 `json:"separability"`
	// Sigma are the singular values, largest first.
	Sigma []float64 `json:"sigma"`
	// F = σ₁u₁ on the post rates (1/s), G = v₁ on the pre rates (unit
	// Euclidean norm, sign chosen so that g increases: G[last] ≥ G[0]).
	F []float64 `json:"f"`
	G []float64 `json:"g"`
}

// Separate returns the SVD separability of D (rows post, columns pre). An
// all-zero or non-finite matrix is an error.
func Separate(perS [][]float64) (Separability, error) {
	r := len(perS)
	if r == 0 || len(perS[0]) == 0 {
		return Separability{}, fmt.Errorf("bridge: separability of an empty drift matrix")
	}
	c := len(perS[0])
	a := mat.NewDense(r, c, nil)
	for i, row := range perS {
		if len(row) != c {
			return Separability{}, fmt.Errorf("bridge: drift matrix row %d has %d entries, row 0 has %d", i, len(row), c)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return Separability{}, fmt.Errorf("bridge: drift matrix entry [%d][%d] = %v is not finite", i, j, v)
			}
			a.Set(i, j, v)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		return Separability{}, fmt.Errorf("bridge: SVD of the drift matrix failed")
	}
	s := svd.Values(nil)
	var tot float64
	for _, v := range s {
		tot += v * v
	}
	if !(tot > 0) {
		return Separability{}, fmt.Errorf("bridge: the drift matrix is zero: no learning on this grid")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	out := Separability{Index: s[0] * s[0] / tot, Sigma: s, F: make([]float64, r), G: make([]float64, c)}
	sign := 1.0
	if d := v.At(c-1, 0) - v.At(0, 0); d < 0 || (d == 0 && v.At(0, 0) < 0) {
		sign = -1
	}
	for i := range r {
		out.F[i] = sign * s[0] * u.At(i, 0)
	}
	for j := range c {
		out.G[j] = sign * v.At(j, 0)
	}
	return out, nil
}

// fAt projects a row D(ν, ·) on g: f(ν) = D(ν, ·)·g (g has unit norm).
func (s Separability) fAt(row []float64) float64 {
	var x float64
	for j, v := range row {
		x += v * s.G[j]
	}
	return x
}

// gAt projects a column D(·, ν) on f: g(ν) = D(·, ν)·f/|f|².
func (s Separability) gAt(col []float64) float64 {
	var x, n float64
	for i, v := range col {
		x += v * s.F[i]
		n += s.F[i] * s.F[i]
	}
	return x / n
}
