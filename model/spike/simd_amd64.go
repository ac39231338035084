package spike

import (
	"os"

	"golang.org/x/sys/cpu"
)

// useAVX2 selects the AVX2 kernels (ENGRAM_NO_AVX=1 selects the portable
// Go loops, which give the same bits; tests compare the two).
var useAVX2 = cpu.X86.HasAVX2 && os.Getenv("ENGRAM_NO_AVX") == ""

func cpuHasAVX2() bool { return cpu.X86.HasAVX2 }

// cobaRun0AVX runs cobaRun0's loop over whole chunks of 8 neurons from
// the given pointers while no neuron of a chunk needs cobaSlow (x ≥ 0.5
// or V ≥ θ), and returns the number of neurons done (a multiple of 8; the
// chunk where it stopped is left untouched). k holds the constants
// a, cE, cI, b, kI, ½, 1/12, 1, θ, decE, decI, each repeated 8 times.
//
//go:noescape
func cobaRun0AVX(v, ge, gi, re, ri *float32, n int, k *[cobaKLen][8]float32) int

// cobaRunNAVX is cobaRunN's loop on chunks of 8 (see cobaRun0AVX); k holds
// a, cEa, cN, cI, b, kI, ½, 1/12, 1, θ, decE, decI, mulN, decTh.
//
//go:noescape
func cobaRunNAVX(v, ge, gi, gn, th, re, ri *float32, n int, k *[cobaKLen][8]float32) int

func cobaRun0Chunks(i int, v, ge, gi, re, ri []float32, k *[cobaKLen][8]float32) int {
	n := (len(v) - i) &^ 7
	if !useAVX2 || n == 0 {
		return i
	}
	return i + cobaRun0AVX(&v[i], &ge[i], &gi[i], &re[i], &ri[i], n, k)
}

func cobaRunNChunks(i int, v, ge, gi, gn, th, re, ri []float32, k *[cobaKLen][8]float32) int {
	n := (len(v) - i) &^ 7
	if !useAVX2 || n == 0 {
		return i
	}
	return i + cobaRunNAVX(&v[i], &ge[i], &gi[i], &gn[i], &th[i], &re[i], &ri[i], n, k)
}

// rowAddAVX is rowAddGo in assembly with software prefetch of the
// scattered weights (SSE2 scalar arithmetic; the same bits).
//
//go:noescape
func rowAddAVX(w *float32, pos, pre *int32, n int, x *float64, c, lo, hi float64)

// rowAdd adds c·x[pre[e]] to the weights at positions pos[e] (one
// postsynaptic neuron's row of the post-side index), clipping each to
// [lo, hi]: the postsynaptic-spike update of the additive rules.
func rowAdd(w []float32, pos, pre []int32, x []float64, c, lo, hi float64) {
	if len(pos) == 0 {
		return
	}
	if useAVX2 {
		rowAddAVX(&w[0], &pos[0], &pre[0], len(pos), &x[0], c, lo, hi)
		return
	}
	rowAddGo(w, pos, pre, x, c, lo, hi)
}

//go:noescape
func scatterAddAVX(in *float32, idx *int32, w *float32, n int, sub bool)

//go:noescape
func scatterConstAVX(in *float32, idx *int32, n int, c float32)

// scatterAdd adds w[m] to in[idx[m]] (sub: subtracts), in order.
func scatterAdd(in []float32, idx []int32, w []float32, sub bool) {
	if len(idx) == 0 {
		return
	}
	if useAVX2 {
		_ = w[len(idx)-1]
		scatterAddAVX(&in[0], &idx[0], &w[0], len(idx), sub)
		return
	}
	scatterAddGo(in, idx, w, sub)
}

// scatterConst adds c to in[idx[m]], in order.
func scatterConst(in []float32, idx []int32, c float32) {
	if len(idx) == 0 {
		return
	}
	if useAVX2 {
		scatterConstAVX(&in[0], &idx[0], len(idx), c)
		return
	}
	scatterConstGo(in, idx, c)
}

// p10RowAVX is p10RowGo in assembly with software prefetch of the
// scattered weights (SSE2 scalar arithmetic; the same bits).
//
//go:noescape
func p10RowAVX(w *float32, pos, pre *int32, wt *float32, n int, z *float64, ls, h, lo, hi float64)

// p10Row is the postsynaptic-spike update of ZAG's P10 rule on one row of
// the post-side index: w ← clip(w + (ls·z[pre] − h·(w − w̃))).
func p10Row(w []float32, pos, pre []int32, wt []float32, z []float64, ls, h, lo, hi float64) {
	if len(pos) == 0 {
		return
	}
	if useAVX2 {
		p10RowAVX(&w[0], &pos[0], &pre[0], &wt[0], len(pos), &z[0], ls, h, lo, hi)
		return
	}
	p10RowGo(w, pos, pre, wt, z, ls, h, lo, hi)
}

// aifRunAVX is cobaRunNAVX with an adaptation conductance (updateAIF);
// k rows 0–13 as cobaRunNAVX, 14 midA, 15 E_i, 16 decA.
//
//go:noescape
func aifRunAVX(v, ge, gi, gn, th, ga, re, ri *float32, n int, k *[cobaKLen][8]float32) int
