package conn

// MulVecRange computes dst[i] = Σ_k W[k] x[Pre[k]] for rows lo ≤ i < hi.
// It is the kernel of MulVecTo and allocation-free; callers that manage
// their own goroutines call it on disjoint row ranges.
func (c *CSR) MulVecRange(dst, x []float32, lo, hi int) {
	mulRows(c.RowPtr, c.Pre, c.W, dst, x[:c.NPre], lo, hi)
}

// mulRows is the shared CSR row kernel for any index width; four
// accumulators in a fixed order, so every index type gives identical sums.
func mulRows[I int32 | uint16](rp []int64, pre []I, w, dst, x []float32, lo, hi int) {
	for i := lo; i < hi; i++ {
		a, b := rp[i], rp[i+1]
		ps := pre[a:b:b]
		ws := w[a:b:b]
		var s0, s1, s2, s3 float32
		n := len(ps)
		k := 0
		for ; k+4 <= n; k += 4 {
			s0 += ws[k] * x[ps[k]]
			s1 += ws[k+1] * x[ps[k+1]]
			s2 += ws[k+2] * x[ps[k+2]]
			s3 += ws[k+3] * x[ps[k+3]]
		}
		for ; k < n; k++ {
			s0 += ws[k] * x[ps[k]]
		}
		dst[i] = (s0 + s1) + (s2 + s3)
	}
}

// MulVecTo computes dst = W x on the calling goroutine.
func (c *CSR) MulVecTo(dst, x []float32) {
	if len(dst) < c.NPost || len(x) < c.NPre {
		panic("conn: MulVecTo: dst or x too short")
	}
	c.MulVecRange(dst, x, 0, c.NPost)
}

// RowChunks splits the rows into n contiguous chunks of about equal
// synapse count; boundaries[k]..boundaries[k+1] is chunk k.
func (c *CSR) RowChunks(n int) []int {
	b := make([]int, n+1)
	total := c.RowPtr[c.NPost]
	i := 0
	for k := 1; k < n; k++ {
		target := total * int64(k) / int64(n)
		for i < c.NPost && c.RowPtr[i] < target {
			i++
		}
		b[k] = i
	}
	b[n] = c.NPost
	return b
}
