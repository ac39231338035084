package conn

import (
	"fmt"
	"sort"
)

// CSR is a post-major sparse projection (see the package doc).
type CSR struct {
	NPost, NPre int
	// RowPtr has NPost+1 entries; row i is [RowPtr[i], RowPtr[i+1]).
	RowPtr []int64
	// Pre holds the presynaptic index of each synapse, sorted within rows.
	Pre []int32
	// W holds one weight per synapse (same indexing as Pre). It may be nil
	// for a pure structural mask.
	W []float32
}

// NNZ returns the number of synapses.
func (c *CSR) NNZ() int { return len(c.Pre) }

// InDegree returns the number of synapses onto post neuron i.
func (c *CSR) InDegree(i int) int { return int(c.RowPtr[i+1] - c.RowPtr[i]) }

// Row returns the presynaptic indices and weights of post neuron i (slices
// alias the CSR; W part is nil when W is nil).
func (c *CSR) Row(i int) (pre []int32, w []float32) {
	a, b := c.RowPtr[i], c.RowPtr[i+1]
	if c.W != nil {
		w = c.W[a:b:b]
	}
	return c.Pre[a:b:b], w
}

// Validate checks the structural invariants: sizes, monotone RowPtr, sorted
// in-range Pre within each row.
func (c *CSR) Validate() error {
	if c.NPost < 0 || c.NPre < 0 {
		return fmt.Errorf("conn: negative size %d×%d", c.NPost, c.NPre)
	}
	if len(c.RowPtr) != c.NPost+1 || c.RowPtr[0] != 0 || c.RowPtr[c.NPost] != int64(len(c.Pre)) {
		return fmt.Errorf("conn: RowPtr inconsistent with %d rows and %d synapses", c.NPost, len(c.Pre))
	}
	if c.W != nil && len(c.W) != len(c.Pre) {
		return fmt.Errorf("conn: %d weights for %d synapses", len(c.W), len(c.Pre))
	}
	for i := 0; i < c.NPost; i++ {
		a, b := c.RowPtr[i], c.RowPtr[i+1]
		if b < a {
			return fmt.Errorf("conn: RowPtr decreases at row %d", i)
		}
		for k := a; k < b; k++ {
			j := c.Pre[k]
			if j < 0 || int(j) >= c.NPre {
				return fmt.Errorf("conn: row %d: pre index %d out of range [0,%d)", i, j, c.NPre)
			}
			if k > a && c.Pre[k-1] > j {
				return fmt.Errorf("conn: row %d: pre indices not sorted", i)
			}
		}
	}
	return nil
}

// Bytes returns the memory held by the CSR arrays.
func (c *CSR) Bytes() int64 {
	return int64(len(c.RowPtr))*8 + int64(len(c.Pre))*4 + int64(len(c.W))*4
}

// EstimateBytes is the memory of a CSR with the given rows and synapses
// (with weights).
func EstimateBytes(nPost int, nnz int64) int64 { return int64(nPost+1)*8 + nnz*8 }

// CSC is the pre-major view of a CSR: the synapses from presynaptic neuron j
// are [ColPtr[j], ColPtr[j+1]), with postsynaptic indices Post[k] and Syn[k],
// the index of that synapse in the CSR's Pre/W arrays.
type CSC struct {
	NPost, NPre int
	ColPtr      []int64
	Post        []int32
	Syn         []int64
}

// ByPre builds the pre-major view. Within a column, posts are ascending.
func (c *CSR) ByPre() *CSC {
	v := &CSC{NPost: c.NPost, NPre: c.NPre}
	v.Syn = make([]int64, len(c.Pre))
	v.ColPtr, v.Post = c.transposeIndex(v.Syn)
	return v
}

// TransposeIndex returns the structure of the transposed matrix: the
// entries of column j (presynaptic neuron) are [colPtr[j], colPtr[j+1]),
// with their rows (postsynaptic neurons) ascending in rows. It is ByPre
// without the back-pointers (4 B per synapse instead of 12).
func (c *CSR) TransposeIndex() (colPtr []int64, rows []int32) { return c.transposeIndex(nil) }

// transposeIndex is TransposeIndex that also fills syn (if non-nil) with
// the CSR index of each transposed entry.
func (c *CSR) transposeIndex(syn []int64) (colPtr []int64, rows []int32) {
	colPtr = make([]int64, c.NPre+1)
	for _, j := range c.Pre {
		colPtr[j+1]++
	}
	for j := 0; j < c.NPre; j++ {
		colPtr[j+1] += colPtr[j]
	}
	next := make([]int64, c.NPre)
	copy(next, colPtr[:c.NPre])
	rows = make([]int32, len(c.Pre))
	for i := 0; i < c.NPost; i++ {
		for k := c.RowPtr[i]; k < c.RowPtr[i+1]; k++ {
			j := c.Pre[k]
			p := next[j]
			next[j]++
			rows[p] = int32(i)
			if syn != nil {
				syn[p] = k
			}
		}
	}
	return colPtr, rows
}

// FromTriplets builds a CSR from (post, pre, w) triplets; duplicates are
// kept (multapses). Intended for tests and small inputs.
func FromTriplets(nPost, nPre int, post, pre []int32, w []float32) (*CSR, error) {
	if len(post) != len(pre) || (w != nil && len(w) != len(pre)) {
		return nil, fmt.Errorf("conn: triplet slices differ in length")
	}
	idx := make([]int, len(post))
	for k := range idx {
		idx[k] = k
		if post[k] < 0 || int(post[k]) >= nPost || pre[k] < 0 || int(pre[k]) >= nPre {
			return nil, fmt.Errorf("conn: triplet %d (%d,%d) out of range %d×%d", k, post[k], pre[k], nPost, nPre)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool {
		if post[idx[a]] != post[idx[b]] {
			return post[idx[a]] < post[idx[b]]
		}
		return pre[idx[a]] < pre[idx[b]]
	})
	c := &CSR{NPost: nPost, NPre: nPre, RowPtr: make([]int64, nPost+1), Pre: make([]int32, len(pre))}
	if w != nil {
		c.W = make([]float32, len(w))
	}
	for n, k := range idx {
		c.RowPtr[post[k]+1]++
		c.Pre[n] = pre[k]
		if w != nil {
			c.W[n] = w[k]
		}
	}
	for i := 0; i < nPost; i++ {
		c.RowPtr[i+1] += c.RowPtr[i]
	}
	return c, nil
}
