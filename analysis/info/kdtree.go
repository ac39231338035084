package info

import (
	"math"
	"sort"
)

// kdTree is a k-d tree over n points of dimension d (flat, row-major) for
// max-norm (Chebyshev) queries: k nearest neighbours and range counts.
// Nodes split the widest dimension at the median; leaves hold up to
// leafSize points; every node keeps its bounding box so that range counts
// add whole subtrees inside the ball without visiting their points.
type kdTree struct {
	d     int
	pts   []float64 // points reordered by the tree (n × d)
	index []int     // index[k] = original index of reordered point k
	nodes []kdNode
	lo    []float64 // node boxes: node m's box at lo[m·d:(m+1)·d], hi likewise
	hi    []float64
}

type kdNode struct {
	start, end  int // reordered points [start, end)
	left, right int // children (−1 for leaves)
}

const leafSize = 16

func newKDTree(pts []float64, d int) *kdTree {
	n := len(pts) / d
	t := &kdTree{d: d, index: make([]int, n)}
	for i := range t.index {
		t.index[i] = i
	}
	t.build(pts, 0, n)
	t.pts = make([]float64, len(pts))
	for k, i := range t.index {
		copy(t.pts[k*d:(k+1)*d], pts[i*d:(i+1)*d])
	}
	return t
}

// build creates the node for index[start:end] and returns its number.
func (t *kdTree) build(pts []float64, start, end int) int {
	d := t.d
	m := len(t.nodes)
	t.nodes = append(t.nodes, kdNode{start: start, end: end, left: -1, right: -1})
	lo, hi := make([]float64, d), make([]float64, d)
	for j := range d {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	for _, i := range t.index[start:end] {
		for j := range d {
			v := pts[i*d+j]
			lo[j], hi[j] = min(lo[j], v), max(hi[j], v)
		}
	}
	t.lo, t.hi = append(t.lo, lo...), append(t.hi, hi...)
	if end-start <= leafSize {
		return m
	}
	dim, w := 0, -1.0
	for j := range d {
		if hi[j]-lo[j] > w {
			dim, w = j, hi[j]-lo[j]
		}
	}
	if w == 0 { // all points equal
		return m
	}
	mid := (start + end) / 2
	sub := t.index[start:end]
	sort.Slice(sub, func(a, b int) bool { return pts[sub[a]*d+dim] < pts[sub[b]*d+dim] })
	l := t.build(pts, start, mid)
	r := t.build(pts, mid, end)
	t.nodes[m].left, t.nodes[m].right = l, r
	return m
}

// boxDist is the max-norm distance from q to node m's box (0 inside).
func (t *kdTree) boxDist(m int, q []float64) float64 {
	d := t.d
	lo, hi := t.lo[m*d:(m+1)*d], t.hi[m*d:(m+1)*d]
	s := 0.0
	for j, v := range q {
		if v < lo[j] {
			s = max(s, lo[j]-v)
		} else if v > hi[j] {
			s = max(s, v-hi[j])
		}
	}
	return s
}

// boxFar is the largest max-norm distance from q to a point of node m's box.
func (t *kdTree) boxFar(m int, q []float64) float64 {
	d := t.d
	lo, hi := t.lo[m*d:(m+1)*d], t.hi[m*d:(m+1)*d]
	s := 0.0
	for j, v := range q {
		s = max(s, math.Abs(v-lo[j]), math.Abs(hi[j]-v))
	}
	return s
}

// knnHeap holds the k smallest (distance, reordered index) seen, as a
// max-heap on distance.
type knnHeap struct {
	dist []float64
	idx  []int
}

func (h *knnHeap) reset(k int) {
	h.dist, h.idx = h.dist[:0], h.idx[:0]
	for range k {
		h.dist, h.idx = append(h.dist, math.Inf(1)), append(h.idx, -1)
	}
}

// push replaces the maximum with (d, i) if d is smaller, and sifts down.
func (h *knnHeap) push(d float64, i int) {
	if d >= h.dist[0] {
		return
	}
	h.dist[0], h.idx[0] = d, i
	n, p := len(h.dist), 0
	for {
		c := 2*p + 1
		if c >= n {
			return
		}
		if c+1 < n && h.dist[c+1] > h.dist[c] {
			c++
		}
		if h.dist[c] <= h.dist[p] {
			return
		}
		h.dist[c], h.dist[p] = h.dist[p], h.dist[c]
		h.idx[c], h.idx[p] = h.idx[p], h.idx[c]
		p = c
	}
}

// knn fills h with the k nearest neighbours of reordered point self
// (excluded) under the max norm; h.dist[0] is then the k-th distance.
func (t *kdTree) knn(self int, k int, h *knnHeap) {
	h.reset(k)
	q := t.pts[self*t.d : (self+1)*t.d]
	t.knnNode(0, self, q, h)
}

func (t *kdTree) knnNode(m, self int, q []float64, h *knnHeap) {
	nd := &t.nodes[m]
	if nd.left < 0 {
		d := t.d
		for k := nd.start; k < nd.end; k++ {
			if k == self {
				continue
			}
			p := t.pts[k*d : (k+1)*d]
			s := 0.0
			for j, v := range q {
				s = max(s, math.Abs(v-p[j]))
				if s >= h.dist[0] {
					break
				}
			}
			h.push(s, k)
		}
		return
	}
	a, b := nd.left, nd.right
	da, db := t.boxDist(a, q), t.boxDist(b, q)
	if db < da {
		a, b, da, db = b, a, db, da
	}
	if da < h.dist[0] {
		t.knnNode(a, self, q, h)
	}
	if db < h.dist[0] {
		t.knnNode(b, self, q, h)
	}
}

// count returns the number of points p with ‖p − q‖∞ < r (strict) or ≤ r
// (inclusive), q included if it is a point of the tree.
func (t *kdTree) count(q []float64, r float64, inclusive bool) int {
	return t.countNode(0, q, r, inclusive)
}

func (t *kdTree) countNode(m int, q []float64, r float64, incl bool) int {
	d := t.d
	lo, hi := t.lo[m*d:(m+1)*d], t.hi[m*d:(m+1)*d]
	bd, f := 0.0, 0.0
	for j, v := range q {
		a, b := v-lo[j], hi[j]-v // a < 0: below the box; b < 0: above
		if a < 0 {
			bd = max(bd, -a)
		} else if b < 0 {
			bd = max(bd, -b)
		}
		f = max(f, a, b, -a, -b)
	}
	if bd > r || (!incl && bd == r) {
		return 0
	}
	nd := &t.nodes[m]
	if f < r || (incl && f == r) {
		return nd.end - nd.start
	}
	if nd.left < 0 {
		d, c := t.d, 0
		for k := nd.start; k < nd.end; k++ {
			p := t.pts[k*d : (k+1)*d]
			s := 0.0
			for j, v := range q {
				s = max(s, math.Abs(v-p[j]))
			}
			if s < r || (incl && s == r) {
				c++
			}
		}
		return c
	}
	return t.countNode(nd.left, q, r, incl) + t.countNode(nd.right, q, r, incl)
}
