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
	mulRows(k.rp, k.pre, k.w, dst, x[:k.nPre], lo, hi)
}
