package conn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/engramsim/engram/par"
)

// refNoSkip: tileGo + scatterGo on every tile, empty ones included.
func refNoSkip(t *Tiled, x []float32) []float32 {
	dst := make([]float32, t.nw*TileRows)
	var out [TileRows]float32
	for b := 0; b < t.nb; b++ {
		xb := x[b*t.bw : min((b+1)*t.bw, t.nPre)]
		for w := 0; w < t.nw; w++ {
			tile := b*t.nw + w
			o, z := t.tOff[tile], t.tOff[tile+1]
			tileGo(t.idxOf(o, z), t.pack12, t.w[o:z], t.lens[tile*tileSlices:(tile+1)*tileSlices], xb, &out)
			scatterGo(&out, (*[TileRows]uint8)(t.perm[tile*TileRows:]), (*[TileRows]float32)(dst[w*TileRows:]))
		}
	}
	return dst[:t.nPost]
}

// build makes a CSR from a column generator per row.
func build(nPost, nPre int, cols func(i int) []int32, r *rand.Rand) *CSR {
	c := &CSR{NPost: nPost, NPre: nPre, RowPtr: make([]int64, nPost+1)}
	for i := 0; i < nPost; i++ {
		c.Pre = append(c.Pre, cols(i)...)
		c.RowPtr[i+1] = int64(len(c.Pre))
	}
	c.W = make([]float32, len(c.Pre))
	for k := range c.W {
		c.W[k] = randF(r, false)
		if k%17 == 0 {
			c.W[k] = float32(math.Copysign(0, -1))
		}
	}
	return c
}

// TestTiledEdgeShapes: every row at column 4095 (the largest 12-bit index)
// for window-edge row counts, a 1-column last block, windows whose blocks
// are all empty, an all-empty short window, nPre < 4096 and an empty
// matrix: MulVecRange and MulVec2Range, AVX and portable, 1/2/3/7 workers,
// give the bits of tileGo + scatterGo run on every tile, empty ones
// included. Written by a review helper.
func TestTiledEdgeShapes(t *testing.T) {
	saved := useAVX
	defer func() { useAVX = saved }()
	r := rand.New(rand.NewPCG(5, 6))
	type cs struct {
		name string
		c    *CSR
	}
	var cases []cs
	// every row hits column 4095 (12-bit index 0xFFF) plus dense stuff, nPre = 4096
	for _, np := range []int{1, 7, 8, 9, 255, 256, 257, 300, 513} {
		cases = append(cases, cs{"4095", build(np, 4096, func(i int) []int32 {
			var p []int32
			for j := 4095 - 40 - i%50; j < 4096; j++ {
				p = append(p, int32(j))
			}
			return p
		}, r)})
	}
	// last block of width 1 (nPre = 8193), entries at column 8192 and 4095/4096
	cases = append(cases, cs{"8193", build(600, 8193, func(i int) []int32 {
		var p []int32
		for j := 0; j < 8193; j += 1 + (i % 97) {
			p = append(p, int32(j))
		}
		return append(p[:len(p):len(p)], 4095, 4096, 8192)
	}, r)})
	// all-empty blocks per window: window w uses only block w%2
	cases = append(cases, cs{"emptyblocks", build(1100, 8192, func(i int) []int32 {
		var p []int32
		b := (i / TileRows) % 2
		for j := b * 4096; j < (b+1)*4096; j += 1 + i%13 {
			p = append(p, int32(j))
		}
		if i/TileRows == 4 {
			return nil // the short last window is entirely empty
		}
		return p
	}, r)})
	// nPre < 4096 with bw > 4096 (16-bit), and a whole empty matrix
	cases = append(cases, cs{"small16", build(700, 2600, func(i int) []int32 {
		if i%3 != 0 {
			return nil
		}
		return []int32{int32(i % 2600), 2599}
	}, r)})
	cases = append(cases, cs{"empty", build(300, 5000, func(int) []int32 { return nil }, r)})
	for _, tc := range cases {
		c := tc.c
		sortRows(c)
		k, err := NewTiled(c, 3)
		if err != nil {
			t.Fatal(tc.name, err)
		}
		x := make([]float32, c.NPre)
		x2 := make([]float32, c.NPre)
		for j := range x {
			x[j] = randF(r, false)
			x2[j] = randF(r, false)
			if j%11 == 0 {
				x[j] = float32(math.Copysign(0, -1))
			}
		}
		want := refNoSkip(k, x)
		want2 := refNoSkip(k, x2)
		for _, avx := range []bool{saved, false} {
			useAVX = avx
			for _, n := range []int{1, 2, 3, 7} {
				y := make([]float32, c.NPost)
				y1, y2 := make([]float32, c.NPost), make([]float32, c.NPost)
				pool := par.NewPool(n)
				ch := k.RowChunks(pool.Size())
				pool.Run(func(q int) { k.MulVecRange(y, x, ch[q], ch[q+1]) })
				pool.Run(func(q int) { k.MulVec2Range(y1, y2, x, x2, ch[q], ch[q+1]) })
				pool.Close()
				for i := range y {
					if math.Float32bits(y[i]) != math.Float32bits(want[i]) || math.Float32bits(y1[i]) != math.Float32bits(want[i]) ||
						math.Float32bits(y2[i]) != math.Float32bits(want2[i]) {
						t.Fatalf("%s %d×%d pack12=%v bw=%d avx=%v n=%d row %d: %v %v %v want %v %v", tc.name, c.NPost, c.NPre, k.pack12, k.bw, avx, n, i, y[i], y1[i], y2[i], want[i], want2[i])
					}
				}
			}
		}
		t.Logf("%s %d×%d pack12=%v bw=%d nnz=%d", tc.name, c.NPost, c.NPre, k.pack12, k.bw, c.NNZ())
	}
}

func sortRows(c *CSR) {
	for i := 0; i < c.NPost; i++ {
		p := c.Pre[c.RowPtr[i]:c.RowPtr[i+1]]
		w := c.W[c.RowPtr[i]:c.RowPtr[i+1]]
		for a := 1; a < len(p); a++ {
			for b := a; b > 0 && p[b-1] > p[b]; b-- {
				p[b-1], p[b] = p[b], p[b-1]
				w[b-1], w[b] = w[b], w[b-1]
			}
		}
	}
}
