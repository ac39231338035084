package conn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/rng"
)

// GenOptions control mask generation.
type GenOptions struct {
	// Seed is the master seed; Key distinguishes projections of one network.
	Seed, Key uint64
	// Autapses allows i→i synapses (only meaningful when NPost == NPre;
	// the Pereira & Brunel mask allows them).
	Autapses bool
	// DistinctPopulations says that pre and post are different populations,
	// so no pair is a self-connection and nothing is excluded even when
	// NPost == NPre (Autapses is then irrelevant). The zero value treats
	// every square projection as recurrent (diagonal excluded unless
	// Autapses).
	DistinctPopulations bool
	// Multapses allows repeated pairs (fixed-degree generators only).
	Multapses bool
	// Workers is the number of goroutines (≤ 0: GOMAXPROCS). The result
	// does not depend on it.
	Workers int
}

// noSelf reports whether the diagonal i→i is excluded from an
// nPost × nPre mask.
func (o GenOptions) noSelf(nPost, nPre int) bool {
	return !o.Autapses && !o.DistinctPopulations && nPost == nPre
}

func (o GenOptions) rowRand(row int) *rand.Rand {
	return rng.New(o.Seed, rng.Mask, o.Key, uint64(row))
}

// genRows fills a CSR row by row; rowFn appends row i's sorted pre indices
// to buf and returns it. Rows are generated in parallel into per-chunk
// buffers and concatenated, so the result is independent of Workers.
// perRow is the expected number of entries per row (0 if unknown): each
// chunk's buffer starts with room for them, instead of growing by copies.
func genRows(nRows, nCols int, perRow float64, o GenOptions, rowFn func(i int, r *rand.Rand, buf []int32, scratch []uint64) []int32) *CSR {
	w := par.Workers(o.Workers)
	chunks := 4 * w
	if chunks > nRows {
		chunks = nRows
	}
	if chunks < 1 {
		chunks = 1
	}
	parts := make([][]int32, chunks)
	counts := make([]int64, nRows+1)
	par.For(chunks, w, func(lo, hi int) {
		scratch := make([]uint64, (nCols+63)/64)
		for ch := lo; ch < hi; ch++ {
			a, b := ch*nRows/chunks, (ch+1)*nRows/chunks
			buf := make([]int32, 0, int(float64(b-a)*perRow*1.05)+16)
			for i := a; i < b; i++ {
				n0 := len(buf)
				buf = rowFn(i, o.rowRand(i), buf, scratch)
				counts[i+1] = int64(len(buf) - n0)
			}
			parts[ch] = buf
		}
	})
	for i := 0; i < nRows; i++ {
		counts[i+1] += counts[i]
	}
	c := &CSR{RowPtr: counts, Pre: make([]int32, counts[nRows])}
	off := 0
	for _, p := range parts {
		off += copy(c.Pre[off:], p)
	}
	return c
}

// Bernoulli draws each (post, pre) pair independently with probability p,
// row by row with geometric skipping (cost ∝ number of synapses).
func Bernoulli(nPost, nPre int, p float64, o GenOptions) (*CSR, error) {
	if nPost <= 0 || nPre <= 0 {
		return nil, fmt.Errorf("conn: population sizes must be > 0 (got post %d, pre %d)", nPost, nPre)
	}
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("conn: connection probability %v outside [0, 1]", p)
	}
	noSelf := o.noSelf(nPost, nPre)
	lq := math.Log1p(-p)
	c := genRows(nPost, nPre, p*float64(nPre), o, func(i int, r *rand.Rand, buf []int32, _ []uint64) []int32 {
		if p == 0 {
			return buf
		}
		j := -1
		for {
			if p == 1 {
				j++
			} else {
				// gap ~ Geometric(p) on {0,1,...}: floor(log(U)/log(1-p)), U in (0,1]
				u := 1 - r.Float64()
				g := math.Floor(math.Log(u) / lq)
				if g > float64(nPre) {
					break
				}
				j += 1 + int(g)
			}
			if j >= nPre {
				break
			}
			if noSelf && j == i {
				continue
			}
			buf = append(buf, int32(j))
		}
		return buf
	})
	c.NPost, c.NPre = nPost, nPre
	return c, nil
}

// FixedInDegree gives every post neuron exactly k presynaptic partners,
// distinct unless Multapses (and excluding itself unless Autapses, for
// square projections that are not DistinctPopulations).
func FixedInDegree(nPost, nPre, k int, o GenOptions) (*CSR, error) {
	if nPost <= 0 || nPre <= 0 {
		return nil, fmt.Errorf("conn: population sizes must be > 0 (got post %d, pre %d)", nPost, nPre)
	}
	noSelf := o.noSelf(nPost, nPre)
	avail := nPre
	if noSelf {
		avail--
	}
	if k < 0 || (!o.Multapses && k > avail) {
		return nil, fmt.Errorf("conn: in-degree %d impossible with %d available presynaptic neurons", k, avail)
	}
	c := genRows(nPost, nPre, float64(k), o, func(i int, r *rand.Rand, buf []int32, bits []uint64) []int32 {
		return sampleDistinct(buf, r, nPre, k, i, noSelf, o.Multapses, bits)
	})
	c.NPost, c.NPre = nPost, nPre
	return c, nil
}

// FixedOutDegree gives every pre neuron exactly k postsynaptic partners; it
// is generated pre-major and transposed into the post-major CSR.
func FixedOutDegree(nPost, nPre, k int, o GenOptions) (*CSR, error) {
	t, err := FixedInDegree(nPre, nPost, k, o)
	if err != nil {
		return nil, err
	}
	return t.transpose(), nil
}

// sampleDistinct appends k sorted indices from [0, n) (excluding self when
// noSelf) using a bitset for rejection (k ≤ n/2) or its complement.
func sampleDistinct(buf []int32, r *rand.Rand, n, k, self int, noSelf, multi bool, bits []uint64) []int32 {
	n0 := len(buf)
	if multi {
		for len(buf)-n0 < k {
			j := r.IntN(n)
			if noSelf && j == self {
				continue
			}
			buf = append(buf, int32(j))
		}
		slices.Sort(buf[n0:])
		return buf
	}
	avail := n
	if noSelf {
		avail--
	}
	pick := k
	complement := k > avail/2
	if complement {
		pick = avail - k
	}
	set := func(j int) bool {
		w, b := j>>6, uint64(1)<<(j&63)
		if bits[w]&b != 0 {
			return false
		}
		bits[w] |= b
		return true
	}
	var chosen []int32
	if !complement {
		chosen = buf
	}
	m := 0
	for m < pick {
		j := r.IntN(n)
		if noSelf && j == self {
			continue
		}
		if set(j) {
			if !complement {
				chosen = append(chosen, int32(j))
			}
			m++
		}
	}
	if complement {
		for j := 0; j < n; j++ {
			if bits[j>>6]&(1<<(j&63)) == 0 && !(noSelf && j == self) {
				buf = append(buf, int32(j))
			}
		}
		clear(bits)
		return buf
	}
	for _, j := range chosen[n0:] {
		bits[j>>6] &^= 1 << (j & 63)
	}
	slices.Sort(chosen[n0:])
	return chosen
}

// transpose returns the CSR of the transposed matrix (weights carried).
func (c *CSR) transpose() *CSR {
	v := c.ByPre()
	t := &CSR{NPost: c.NPre, NPre: c.NPost, RowPtr: v.ColPtr, Pre: v.Post}
	if c.W != nil {
		t.W = make([]float32, len(c.W))
		for k, s := range v.Syn {
			t.W[k] = c.W[s]
		}
	}
	return t
}

// Transpose returns the transposed matrix as a new CSR (its rows are the
// original presynaptic neurons).
func (c *CSR) Transpose() *CSR { return c.transpose() }
