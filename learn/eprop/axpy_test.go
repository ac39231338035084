package eprop

import (
	"math/rand/v2"
	"testing"
)

// The AVX axpy gives the bits of the portable loop for every length.
func TestAxpyMatchesPortable(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	for n := 0; n < 40; n++ {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = r.NormFloat64(), r.NormFloat64()
		}
		y2 := append([]float64(nil), y...)
		a := r.NormFloat64()
		axpy(y, a, x)
		axpyGo(y2, a, x)
		for i := range y {
			if y[i] != y2[i] {
				t.Fatalf("n = %d: axpy[%d] = %v, portable %v", n, i, y[i], y2[i])
			}
		}
	}
}
