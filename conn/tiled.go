package conn

import (
	"fmt"
	"slices"

	"github.com/engramsim/engram/par"
)

// Tiled is a fast matvec view of a CSR (y = W x), built for the rate
// network's step: a column-blocked SELL-8 layout ("sliced ELLPACK") with
// 12- or 16-bit block-local indices and the CSR's float32 weights, bit for
// bit.
//
// Layout. The columns are cut into blocks of B (4096 or more, see
// TiledBlock) and the rows into windows of TileRows = 256. A tile is one
// (block, window) pair; within a tile the rows are sorted by their synapse
// count in that block (descending, ties by row) and packed eight at a time
// into slices whose k-th group holds the k-th synapse of each of the eight
// rows, padded with zero weights to the longest. Tiles are stored
// block-major, so a worker sweeping its rows block by block gathers x from
// one block of B floats (16 KB at B = 4096), which stays in L1 — the
// gathered reads of a plain CSR go to L2 at N = 50 000 and cost more than
// the index and weight stream.
//
// Summation order (the same on every machine and for every worker count):
// for row i, the partial sum of each block is accumulated in two lanes
// (even and odd groups, each a float32 multiply then add, never fused),
// the two are added, and the block partials are added to the row's result
// in block order. The amd64 AVX kernel and the portable Go kernel give
// identical bits; the sums differ from CSR.MulVecRange's only by float32
// rounding. A padded entry multiplies a weight of 0 by x at the start of its
// block, so a NaN or ±Inf there turns the padded rows' results into NaN —
// which a simulation stops on anyway.
//
// Tiled copies the weights: it does not see later changes to the CSR.
// Memory: 5.5 bytes per stored entry with 4096-column blocks (12-bit
// indices), 6 with wider blocks (≈ 1–10 % padding), plus ≈ 400 bytes per
// tile; see TiledBytes.
//
// On amd64 with AVX the assembly kernel is used unless the environment
// variable ENGRAM_NO_AVX is set (the portable kernel gives the same bits).
// It loads x by scalar loads, not VGATHERDPS, and prefetches the stream:
// gathers made it compute-bound (tiled_amd64.s).
type Tiled struct {
	nPost, nPre int
	bw, nb, nw  int      // block width B, blocks, windows
	tOff        []int64  // entry offset of tile t = b·nw + w; len nb·nw+1
	lens        []uint32 // groups per slice
	perm        []uint8  // slot → row within the window (padding slots of a short last window: ≥ its rows)
	// idx holds the block-local presynaptic indices: one uint16 per entry,
	// or, when pack12 (indices < 4096), 12 bits per entry — a group of
	// eight is 6 words (see put12) — so a synapse streams 5.5 bytes, not 6.
	idx    []uint16
	pack12 bool
	w      []float32
	winNNZ []int64 // stored entries per window (for RowChunks)
}

// TileRows is the row window of a Tiled matrix: MulVecRange ranges and
// RowChunks boundaries are multiples of it (or the last row).
const TileRows = 256

const (
	tileSlices = TileRows / 8
	// tileMinBlock is the smallest block width (16 KB of float32 x).
	tileMinBlock = 4096
	// tileMinGroups: the block is widened until a row has about this many
	// synapses per tile, so per-tile overhead stays small at large N.
	tileMinGroups = 16
)

// TiledBlock returns the column block width used for an nPost × nPre
// matrix with nnz synapses: 4096, doubled (up to 65 536) while the mean
// number of synapses per row and block is below 16.
func TiledBlock(nPost, nPre int, nnz int64) int {
	b := tileMinBlock
	if nPost == 0 || nPre == 0 {
		return b
	}
	kMean := float64(nnz) / float64(nPost)
	for b < 1<<16 && kMean*float64(b)/float64(nPre) < tileMinGroups {
		b *= 2
	}
	return b
}

// TiledBytes estimates the memory of the Tiled view of an nPost × nPre
// matrix with nnz synapses (allowing 10 % padding).
func TiledBytes(nPost, nPre int, nnz int64) int64 {
	b := TiledBlock(nPost, nPre, nnz)
	tiles := int64((nPre+b-1)/b) * int64((nPost+TileRows-1)/TileRows)
	return nnz*6*11/10 + tiles*(8+4*tileSlices+TileRows)
}

// NewTiled builds the tiled view of c (which needs weights), in parallel
// on up to workers goroutines; the result does not depend on workers.
func NewTiled(c *CSR, workers int) (*Tiled, error) {
	if c.W == nil || len(c.W) != len(c.Pre) {
		return nil, fmt.Errorf("conn: NewTiled: the matrix has no weights")
	}
	// The block split needs sorted, in-range indices, and the assembly
	// kernel does not bounds-check its gathers.
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("conn: NewTiled: %w", err)
	}
	bw := TiledBlock(c.NPost, c.NPre, int64(c.NNZ()))
	t := &Tiled{nPost: c.NPost, nPre: c.NPre, bw: bw,
		nb: max(1, (c.NPre+bw-1)/bw), nw: (c.NPost + TileRows - 1) / TileRows}
	nt := t.nb * t.nw
	t.tOff = make([]int64, nt+1)
	t.lens = make([]uint32, nt*tileSlices)
	t.perm = make([]uint8, nt*TileRows)
	t.winNNZ = make([]int64, t.nw)
	size := make([]int64, nt)

	// Pass 1, per window: sort rows per block, slice lengths, tile sizes.
	par.For(t.nw, workers, func(lo, hi int) {
		sc := newTileScratch(t.nb)
		for w := lo; w < hi; w++ {
			nr := sc.split(c, w, t)
			for b := 0; b < t.nb; b++ {
				rows := sc.sorted(b, nr)
				tile := b*t.nw + w
				pm := t.perm[tile*TileRows : (tile+1)*TileRows]
				var s int64
				for slot := range pm {
					if slot < nr {
						pm[slot] = uint8(rows[slot])
					} else {
						pm[slot] = uint8(slot) // ≥ nr: a scratch row, see MulVecRange
					}
				}
				for sl := 0; sl < tileSlices; sl++ {
					var l int
					if sl*8 < nr {
						l = sc.count(rows[sl*8], b) // rows sorted descending
					}
					t.lens[tile*tileSlices+sl] = uint32(l)
					s += 8 * int64(l)
				}
				size[tile] = s
				t.winNNZ[w] += s
			}
		}
	})
	for tile := 0; tile < nt; tile++ {
		t.tOff[tile+1] = t.tOff[tile] + size[tile]
	}
	// 12 bits hold every block-local index of 4096-column blocks, and any
	// index when the whole matrix is one block of ≤ 4096 columns.
	t.pack12 = bw == tileMinBlock || c.NPre <= tileMinBlock
	ni := t.tOff[nt]
	if t.pack12 {
		ni = ni / 8 * 6
	}
	// 8 words of slack: the 12-bit kernel's 8-byte loads read 2 bytes past
	// a group.
	t.idx = make([]uint16, ni+8)[:ni]
	t.w = make([]float32, t.tOff[nt])

	// Pass 2, per window: scatter each row's synapses into its lane.
	par.For(t.nw, workers, func(lo, hi int) {
		sc := newTileScratch(t.nb)
		for w := lo; w < hi; w++ {
			nr := sc.split(c, w, t)
			for b := 0; b < t.nb; b++ {
				tile := b*t.nw + w
				e0 := t.tOff[tile]
				for sl := 0; sl < tileSlices; sl++ {
					l := int64(t.lens[tile*tileSlices+sl])
					for lane := 0; lane < 8; lane++ {
						if sl*8+lane >= nr {
							continue
						}
						r := t.perm[tile*TileRows+sl*8+lane]
						a, z := sc.rng(int(r), b)
						for k := a; k < z; k++ {
							q := e0 + 8*(k-a) + int64(lane)
							v := uint16(int(c.Pre[k]) - b*bw)
							if t.pack12 {
								put12(t.idx, q, v)
							} else {
								t.idx[q] = v
							}
							t.w[q] = c.W[k]
						}
					}
					e0 += 8 * l
				}
			}
		}
	})
	return t, nil
}

// put12 stores the 12-bit index v of entry q (group q/8, lane q%8) in a
// packed index array: a group is 12 bytes, lanes 0–3 and 4–7 each a
// little-endian 48-bit field of four 12-bit indices (lane l at bit 12·(l%4)).
func put12(idx []uint16, q int64, v uint16) {
	lane := q % 8
	bit := q/8*96 + lane/4*48 + lane%4*12
	w, s := bit/16, bit%16
	idx[w] |= v << s
	if s > 4 {
		idx[w+1] |= v >> (16 - s)
	}
}

// groupIdx unpacks the eight indices of the group starting at entry e.
func groupIdx(idx []uint16, pack12 bool, e int, ii *[8]int) {
	if !pack12 {
		g := idx[e : e+8 : e+8]
		for j := range ii {
			ii[j] = int(g[j])
		}
		return
	}
	g := idx[e/8*6 : e/8*6+6 : e/8*6+6]
	lo := uint64(g[0]) | uint64(g[1])<<16 | uint64(g[2])<<32
	hi := uint64(g[3]) | uint64(g[4])<<16 | uint64(g[5])<<32
	for j := 0; j < 4; j++ {
		ii[j] = int(lo >> (12 * j) & 0xFFF)
		ii[4+j] = int(hi >> (12 * j) & 0xFFF)
	}
}

// idxOf returns the index words of entries [o, z), which start and end on
// groups.
func (t *Tiled) idxOf(o, z int64) []uint16 {
	if t.pack12 {
		return t.idx[o/8*6 : z/8*6]
	}
	return t.idx[o:z]
}

// tileScratch holds, for the rows of one window, where each block's
// synapses start in the CSR.
type tileScratch struct {
	nb    int
	start []int64 // row r of the window, block b: start[r*(nb+1)+b]
	rows  []int
}

func newTileScratch(nb int) *tileScratch {
	return &tileScratch{nb: nb, start: make([]int64, TileRows*(nb+1)), rows: make([]int, 0, TileRows)}
}

// split fills the block boundaries of window w's rows and returns the
// number of rows in the window.
func (sc *tileScratch) split(c *CSR, w int, t *Tiled) int {
	i0 := w * TileRows
	nr := min(TileRows, c.NPost-i0)
	for r := 0; r < nr; r++ {
		st := sc.start[r*(sc.nb+1) : (r+1)*(sc.nb+1)]
		k, end := c.RowPtr[i0+r], c.RowPtr[i0+r+1]
		for b := 0; b < sc.nb; b++ {
			st[b] = k
			lim := int32(min((b+1)*t.bw, c.NPre))
			for k < end && c.Pre[k] < lim {
				k++
			}
		}
		st[sc.nb] = end
	}
	return nr
}

func (sc *tileScratch) rng(r, b int) (int64, int64) {
	st := sc.start[r*(sc.nb+1):]
	return st[b], st[b+1]
}

func (sc *tileScratch) count(r, b int) int {
	a, z := sc.rng(r, b)
	return int(z - a)
}

// sorted returns the window's rows ordered by their count in block b,
// descending, ties by row.
func (sc *tileScratch) sorted(b, nr int) []int {
	sc.rows = sc.rows[:0]
	for r := 0; r < nr; r++ {
		sc.rows = append(sc.rows, r)
	}
	slices.SortStableFunc(sc.rows, func(x, y int) int { return sc.count(y, b) - sc.count(x, b) })
	return sc.rows
}

// NPost and NPre return the matrix shape.
func (t *Tiled) NPost() int { return t.nPost }

// NPre returns the number of columns.
func (t *Tiled) NPre() int { return t.nPre }

// Bytes returns the memory held by the view.
func (t *Tiled) Bytes() int64 {
	return int64(len(t.idx))*2 + int64(len(t.w))*4 + int64(len(t.tOff))*8 +
		int64(len(t.lens))*4 + int64(len(t.perm)) + int64(len(t.winNNZ))*8
}

// Stored returns the number of stored entries including padding.
func (t *Tiled) Stored() int64 { return int64(len(t.w)) }

// StreamBytes returns the bytes of indices and weights one product reads.
func (t *Tiled) StreamBytes() int64 { return int64(len(t.idx))*2 + int64(len(t.w))*4 }

// check panics unless [lo, hi) is a valid, window-aligned row range and
// the output and input vectors are long enough.
func (t *Tiled) check(op string, lo, hi, nDst, nX int) {
	if (lo%TileRows != 0 && lo != t.nPost) || (hi%TileRows != 0 && hi != t.nPost) || lo > hi || hi > t.nPost {
		panic(fmt.Sprintf("conn: Tiled.%s: rows [%d,%d) not aligned to %d-row windows of %d rows", op, lo, hi, TileRows, t.nPost))
	}
	if nDst < t.nPost || nX < t.nPre {
		panic(fmt.Sprintf("conn: Tiled.%s: dst or x too short", op))
	}
}

// MulVecRange computes dst[i] = Σ_j W_ij x_j for rows lo ≤ i < hi; lo and
// hi must be multiples of TileRows or NPost. It does not allocate.
func (t *Tiled) MulVecRange(dst, x []float32, lo, hi int) {
	t.check("MulVecRange", lo, hi, len(dst), len(x))
	clear(dst[lo:hi])
	if lo == hi || t.nPre == 0 {
		return
	}
	w0, w1 := lo/TileRows, (hi+TileRows-1)/TileRows
	// A short last window accumulates in short (its padding slots map to
	// rows ≥ its length there) and is copied out at the end; full windows
	// accumulate in dst directly. uint8 slots into a 256-array: no bounds
	// checks in the scatter.
	var out, short [TileRows]float32
	for b := 0; b < t.nb; b++ {
		xb := x[b*t.bw : min((b+1)*t.bw, t.nPre)]
		for w := w0; w < w1; w++ {
			tile := b*t.nw + w
			o, z := t.tOff[tile], t.tOff[tile+1]
			if o == z {
				continue
			}
			d := &short
			if (w+1)*TileRows <= t.nPost {
				d = (*[TileRows]float32)(dst[w*TileRows:])
			}
			tileKernel(t.idxOf(o, z), t.pack12, t.w[o:z], t.lens[tile*tileSlices:(tile+1)*tileSlices], xb, &out,
				(*[TileRows]uint8)(t.perm[tile*TileRows:]), d)
		}
	}
	if (w1)*TileRows > t.nPost {
		copy(dst[(w1-1)*TileRows:t.nPost], short[:])
	}
}

// MulVec2Range computes dst1 = W x1 and dst2 = W x2 on rows [lo, hi) (the
// same alignment rules as MulVecRange) in one pass over the matrix: each
// result is bit-identical to a MulVecRange call, at little more than the
// memory traffic of one. For two trajectories of one network (a perturbed
// twin, or trials).
func (t *Tiled) MulVec2Range(dst1, dst2, x1, x2 []float32, lo, hi int) {
	t.check("MulVec2Range", lo, hi, min(len(dst1), len(dst2)), min(len(x1), len(x2)))
	clear(dst1[lo:hi])
	clear(dst2[lo:hi])
	if lo == hi || t.nPre == 0 {
		return
	}
	w0, w1 := lo/TileRows, (hi+TileRows-1)/TileRows
	var out1, out2, short1, short2 [TileRows]float32
	for b := 0; b < t.nb; b++ {
		xe := min((b+1)*t.bw, t.nPre)
		xb1, xb2 := x1[b*t.bw:xe], x2[b*t.bw:xe]
		for w := w0; w < w1; w++ {
			tile := b*t.nw + w
			o, z := t.tOff[tile], t.tOff[tile+1]
			if o == z {
				continue
			}
			tileKernel2(t.idxOf(o, z), t.pack12, t.w[o:z], t.lens[tile*tileSlices:(tile+1)*tileSlices], xb1, xb2, &out1, &out2)
			d1, d2 := &short1, &short2
			if (w+1)*TileRows <= t.nPost {
				d1 = (*[TileRows]float32)(dst1[w*TileRows:])
				d2 = (*[TileRows]float32)(dst2[w*TileRows:])
			}
			pm := (*[TileRows]uint8)(t.perm[tile*TileRows:])
			scatterGo(&out1, pm, d1)
			scatterGo(&out2, pm, d2)
		}
	}
	if w1*TileRows > t.nPost {
		copy(dst1[(w1-1)*TileRows:t.nPost], short1[:])
		copy(dst2[(w1-1)*TileRows:t.nPost], short2[:])
	}
}

// MulVecTo computes dst = W x on the calling goroutine.
func (t *Tiled) MulVecTo(dst, x []float32) { t.MulVecRange(dst, x, 0, t.nPost) }

// RowChunks splits the rows into n chunks of about equal stored entries,
// with boundaries on TileRows windows.
func (t *Tiled) RowChunks(n int) []int {
	b := make([]int, n+1)
	var total int64
	for _, s := range t.winNNZ {
		total += s
	}
	w, acc := 0, int64(0)
	for k := 1; k < n; k++ {
		target := total * int64(k) / int64(n)
		for w < t.nw && acc < target {
			acc += t.winNNZ[w]
			w++
		}
		b[k] = min(w*TileRows, t.nPost)
	}
	b[n] = t.nPost
	return b
}

// scatterGo adds a tile's slot results to the window's rows: d[perm[s]] +=
// out[s] (the assembly kernels do it per slice, in the same order).
func scatterGo(out *[TileRows]float32, perm *[TileRows]uint8, d *[TileRows]float32) {
	for s := range perm {
		d[perm[s]] += out[s]
	}
}

// tileGo is the portable tile kernel: out[8s+l] is lane l of slice s. The
// explicit float32 conversions forbid fused multiply-adds, so it matches
// the AVX kernel bit for bit on every architecture.
func tileGo(idx []uint16, pack12 bool, w []float32, lens []uint32, x []float32, out *[TileRows]float32) {
	var e int
	var ii, jj [8]int
	for s, ln := range lens {
		l := int(ln)
		var a, b [8]float32
		k := 0
		for ; k+2 <= l; k += 2 {
			groupIdx(idx, pack12, e, &ii)
			groupIdx(idx, pack12, e+8, &jj)
			ww := w[e : e+16 : e+16]
			for j := 0; j < 8; j++ {
				a[j] += float32(ww[j] * x[ii[j]])
				b[j] += float32(ww[8+j] * x[jj[j]])
			}
			e += 16
		}
		if k < l {
			groupIdx(idx, pack12, e, &ii)
			ww := w[e : e+8 : e+8]
			for j := 0; j < 8; j++ {
				a[j] += float32(ww[j] * x[ii[j]])
			}
			e += 8
		}
		for j := 0; j < 8; j++ {
			out[8*s+j] = a[j] + b[j]
		}
	}
}
