package spike

// riseLIFAVX runs updateRise's per-neuron update for LIF neurons without
// a threshold jump on chunks of 8 while no neuron of a chunk is
// refractory, has x ≥ ½ or reaches θ, and returns the number of neurons
// done (a multiple of 8; the chunk where it stopped is left untouched).
// k holds the riseK rows.
//
//go:noescape
func riseLIFAVX(v, ge, gi, ger, gir, re, ri *float32, ref *int32, n int, k *[riseKLen][8]float32) int

// riseEIFAVX is riseLIFAVX for AdEx neurons with the adaptive soft
// threshold (th) and adaptation (w).
//
//go:noescape
func riseEIFAVX(v, ge, gi, ger, gir, re, ri *float32, ref *int32, th, w *float32, n int, k *[riseKLen][8]float32) int

// riseChunks advances i over the chunks of 8 neurons the AVX2 kernels can
// finish (none when AVX2 is off or the population has a threshold jump
// without AdEx).
func (p *pop) riseChunks(i int, v, ge, gi, ger, gir, re, ri []float32, ref []int32, th, w []float32, k *[riseKLen][8]float32) int {
	n := (len(v) - i) &^ 7
	if !useAVX2 || n == 0 {
		return i
	}
	switch {
	case w != nil && th != nil:
		return i + riseEIFAVX(&v[i], &ge[i], &gi[i], &ger[i], &gir[i], &re[i], &ri[i], &ref[i], &th[i], &w[i], n, k)
	case w == nil && th == nil:
		return i + riseLIFAVX(&v[i], &ge[i], &gi[i], &ger[i], &gir[i], &re[i], &ri[i], &ref[i], n, k)
	}
	return i
}
