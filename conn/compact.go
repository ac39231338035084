package conn

// Kernel computes rows of y = W x; CSR and Compact16 implement it.
type Kernel interface {
	MulVecRange(dst, x []float32, lo, hi int)
}

// Compact16 is a matvec view of a CSR whose presynaptic indices fit in 16
// bits (NPre ≤ 65 536): 2 bytes per index instead of 4, so a memory-bound
// matvec moves 6 instead of 8 bytes per synapse. It shares the CSR's RowPtr
// and W slices (weight updates are seen; structural changes are not) and
// holds its own copy of the indices.
type Compact16 struct {
	nPre int
	rp   []int64
	pre  []uint16
	w    []float32
}

// Compact16 returns the 16-bit view, or nil when NPre > 65 536 or W is nil.
func (c *CSR) Compact16() *Compact16 {
	if c.NPre > 1<<16 || c.W == nil {
		return nil
	}
	k := &Compact16{nPre: c.NPre, rp: c.RowPtr, pre: make([]uint16, len(c.Pre)), w: c.W}
	for i, j := range c.Pre {
		k.pre[i] = uint16(j)
	}
	return k
}

// MulVecRange computes dst[i] = Σ_k W[k] x[Pre[k]] for rows lo ≤ i < hi,
// with the same summation order as CSR.MulVecRange (bit-identical results).
func (k *Compact16) MulVecRange(dst, x []float32, lo, hi int) {
	rp, pre, w := k.rp, k.pre, k.w
	x = x[:k.nPre]
	for i := lo; i < hi; i++ {
		a, b := rp[i], rp[i+1]
		ps := pre[a:b:b]
		ws := w[a:b:b]
		var s0, s1, s2, s3 float32
		n := len(ps)
		j := 0
		for ; j+4 <= n; j += 4 {
			s0 += ws[j] * x[ps[j]]
			s1 += ws[j+1] * x[ps[j+1]]
			s2 += ws[j+2] * x[ps[j+2]]
			s3 += ws[j+3] * x[ps[j+3]]
		}
		for ; j < n; j++ {
			s0 += ws[j] * x[ps[j]]
		}
		dst[i] = (s0 + s1) + (s2 + s3)
	}
}
