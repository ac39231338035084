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

func (p *pop) riseChunks(i int, v, ge, gi, ger, gir, re, ri []float32, ref []int32, th, w []float32, k *[riseKLen][8]float32) int {
	return i
}

func p10Row(w []float32, pos, pre []int32, wt []float32, z []float64, ls, h, lo, hi float64) {
	p10RowGo(w, pos, pre, wt, z, ls, h, lo, hi)
}

func aifRunAVX(v, ge, gi, gn, th, ga, re, ri *float32, n int, k *[cobaKLen][8]float32) int { return 0 }
