//go:build !amd64

package spike

var useAVX2 = false

func cpuHasAVX2() bool { return false }

func cobaRun0Chunks(i int, v, ge, gi, re, ri []float32, k *[cobaKLen][8]float32) int { return i }

func cobaRunNChunks(i int, v, ge, gi, gn, th, re, ri []float32, k *[cobaKLen][8]float32) int {
	return i
}

func rowAdd(w []float32, pos, pre []int32, x []float64, c, lo, hi float64) {
	rowAddGo(w, pos, pre, x, c, lo, hi)
}

func scatterAdd(in []float32, idx []int32, w []float32, sub bool) { scatterAddGo(in, idx, w, sub) }

func scatterConst(in []float32, idx []int32, c float32) { scatterConstGo(in, idx, c) }
