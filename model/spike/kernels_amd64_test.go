package spike

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRowAddKernel: the assembly row update gives the same bits as the Go
// loop, for random rows with weights and traces including ±0, values at
// and beyond the bounds, NaN and large magnitudes.
func TestRowAddKernel(t *testing.T) {
	if !cpuHasAVX2() {
		t.Skip("no AVX2")
	}
	r := rand.New(rand.NewPCG(1, 2))
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.NaN(), 1e30, -1e30, 0.25, 0.5}
	for it := 0; it < 2000; it++ {
		nw, n := 1+r.IntN(300), r.IntN(80)
		w := make([]float32, nw)
		for i := range w {
			w[i] = float32(r.NormFloat64())
			if r.IntN(10) == 0 {
				w[i] = float32(special[r.IntN(len(special))])
			}
		}
		x := make([]float64, 50)
		for i := range x {
			x[i] = r.ExpFloat64()
			if r.IntN(10) == 0 {
				x[i] = special[r.IntN(len(special))]
			}
		}
		pos, pre := make([]int32, n), make([]int32, n)
		for e := range pos {
			pos[e], pre[e] = int32(r.IntN(nw)), int32(r.IntN(len(x)))
		}
		c, lo, hi := r.NormFloat64(), -0.5+r.Float64()*0.5, 0.25+r.Float64()
		if it%7 == 0 {
			lo = 0
		}
		a, b := slices.Clone(w), slices.Clone(w)
		rowAddGo(a, pos, pre, x, c, lo, hi)
		rowAddAVX(&b[0], ptr(pos), ptr(pre), n, &x[0], c, lo, hi)
		if !bitsEqual(a, b) {
			for i := range a {
				if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
					t.Fatalf("it %d: w[%d] Go %v, asm %v", it, i, a[i], b[i])
				}
			}
		}
	}
}

func ptr(a []int32) *int32 {
	if len(a) == 0 {
		return nil
	}
	return &a[0]
}

// TestScatterKernels: the assembly delivery loops (weighted add and
// subtract, constant add) give the Go loops' bits, also with repeated
// indices (multapses, adjacent in a column).
func TestScatterKernels(t *testing.T) {
	if !cpuHasAVX2() {
		t.Skip("no AVX2")
	}
	r := rand.New(rand.NewPCG(3, 4))
	for it := 0; it < 500; it++ {
		n, m := 1+r.IntN(200), r.IntN(100)
		in := make([]float32, n)
		for i := range in {
			in[i] = float32(r.NormFloat64())
		}
		idx, w := make([]int32, m), make([]float32, m)
		for k := range idx {
			idx[k], w[k] = int32(r.IntN(n)), float32(r.NormFloat64()*1e3)
			if k > 0 && r.IntN(4) == 0 {
				idx[k] = idx[k-1]
			}
		}
		slices.Sort(idx)
		for _, sub := range []bool{false, true} {
			a, b := slices.Clone(in), slices.Clone(in)
			scatterAddGo(a, idx, w, sub)
			if m > 0 {
				scatterAddAVX(&b[0], &idx[0], &w[0], m, sub)
			}
			if !bitsEqual(a, b) {
				t.Fatalf("it %d sub %v: scatterAdd differs", it, sub)
			}
		}
		a, b := slices.Clone(in), slices.Clone(in)
		scatterConstGo(a, idx, 0.37)
		if m > 0 {
			scatterConstAVX(&b[0], &idx[0], m, 0.37)
		}
		if !bitsEqual(a, b) {
			t.Fatalf("it %d: scatterConst differs", it)
		}
	}
}
