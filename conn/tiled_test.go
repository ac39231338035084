package conn

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/engramsim/engram/par"
)

// tiledCase builds a random weighted matrix; shapes cover rectangular
// matrices, NPre below one block, NPre above 65 536 (block-local indices
// beyond the 16-bit range), rows of zero synapses, rows longer than a block,
// and sizes that are not multiples of 8, 256 or the block width.
func tiledCase(t *testing.T, nPost, nPre int, p float64, seed uint64) (*CSR, []float32) {
	t.Helper()
	c, err := Bernoulli(nPost, nPre, p, GenOptions{Seed: seed, Autapses: true})
	if err != nil {
		t.Fatal(err)
	}
	c.W = make([]float32, c.NNZ())
	for k := range c.W {
		c.W[k] = float32((k*7919)%2001-1000) * 1e-3
	}
	x := make([]float32, nPre)
	for j := range x {
		x[j] = float32((j*104729)%997) * 0.01
	}
	return c, x
}

var tiledShapes = []struct {
	nPost, nPre int
	p           float64
}{
	{1000, 1000, 0.05}, {777, 5000, 0.01}, {300, 70000, 0.002}, {3000, 200, 0.3},
	{513, 513, 0}, {10, 9000, 1}, {2600, 2600, 0.003}, {1, 1, 1},
	// K·B/N < 16 up to the cap: 65 536-column blocks, local indices ≥ 32 768
	// (a sign- instead of zero-extending index load would fail here)
	{300, 140000, 2e-4},
}

// hubCase is a sparse 4000 × 70 000 matrix (65 536-column blocks) whose row
// 17 connects to every column: one slice holds 65 536 groups in one block,
// more than a 16-bit length could count.
func hubCase(t *testing.T) (*CSR, []float32) {
	t.Helper()
	c, x := tiledCase(t, 4000, 70000, 7e-5, 3)
	const hub = 17
	rp := make([]int64, c.NPost+1)
	var pre []int32
	for i := 0; i < c.NPost; i++ {
		if i == hub {
			for j := 0; j < c.NPre; j++ {
				pre = append(pre, int32(j))
			}
		} else {
			p, _ := c.Row(i)
			pre = append(pre, p...)
		}
		rp[i+1] = int64(len(pre))
	}
	h := &CSR{NPost: c.NPost, NPre: c.NPre, RowPtr: rp, Pre: pre, W: make([]float32, len(pre))}
	for k := range h.W {
		h.W[k] = float32((k*7919)%2001-1000) * 1e-3
	}
	return h, x
}

// TestTiledMatchesReference: every row agrees with a float64 sum over the
// CSR row. tolTiled is float32 accumulation error: ≈ (terms) ε Σ|w x| with
// ε = 6e-8; we allow 1e-5 Σ|w x| (the rows have ≤ 9000 terms, but the lane
// and block split keeps chains short).
func TestTiledMatchesReference(t *testing.T) {
	const tolTiled = 1e-5
	for q, sh := range append(tiledShapes, struct {
		nPost, nPre int
		p           float64
	}{4000, 70000, -1}) {
		var c *CSR
		var x []float32
		if q == len(tiledShapes) {
			c, x = hubCase(t)
		} else {
			c, x = tiledCase(t, sh.nPost, sh.nPre, sh.p, 5)
		}
		k, err := NewTiled(c, 2)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float32, sh.nPost)
		k.MulVecTo(y, x)
		for i := 0; i < sh.nPost; i++ {
			pre, w := c.Row(i)
			var ref, mag float64
			for q, j := range pre {
				ref += float64(w[q]) * float64(x[j])
				mag += math.Abs(float64(w[q]) * float64(x[j]))
			}
			if d := math.Abs(float64(y[i]) - ref); d > tolTiled*mag+1e-30 {
				t.Fatalf("%d×%d p=%v row %d: tiled %v, reference %v", sh.nPost, sh.nPre, sh.p, i, y[i], ref)
			}
		}
		if sh.p != 0 && k.Stored() < int64(c.NNZ()) {
			t.Fatalf("stored %d < nnz %d", k.Stored(), c.NNZ())
		}
	}
}

// TestTiledKernelsIdentical: the AVX and portable kernels give the same
// bits, for any worker count and chunking, and the build does not depend on
// its worker count.
func TestTiledKernelsIdentical(t *testing.T) {
	if !useAVX {
		t.Log("no AVX on this machine: only the portable kernel is compared across chunkings")
	}
	saved := useAVX
	defer func() { useAVX = saved }()
	for _, sh := range tiledShapes {
		c, x := tiledCase(t, sh.nPost, sh.nPre, sh.p, 9)
		k1, _ := NewTiled(c, 1)
		k3, _ := NewTiled(c, 3)
		if !reflect.DeepEqual(k1, k3) {
			t.Fatalf("%d×%d: build depends on workers", sh.nPost, sh.nPre)
		}
		var ref []float32
		for _, avx := range []bool{saved, false} {
			useAVX = avx
			for _, n := range []int{1, 2, 3, 5} {
				y := make([]float32, sh.nPost)
				pool := par.NewPool(n)
				ch := k1.RowChunks(pool.Size())
				if ch[0] != 0 || ch[n] != sh.nPost || !slices.IsSorted(ch) {
					t.Fatalf("chunks %v", ch)
				}
				pool.Run(func(q int) { k1.MulVecRange(y, x, ch[q], ch[q+1]) })
				pool.Close()
				if ref == nil {
					ref = y
				} else if !slices.Equal(ref, y) {
					t.Fatalf("%d×%d: avx=%v workers=%d differs", sh.nPost, sh.nPre, avx, n)
				}
			}
		}
	}
}

func TestTiledErrorsAndAllocs(t *testing.T) {
	c, x := tiledCase(t, 600, 600, 0.02, 1)
	k, _ := NewTiled(c, 1)
	y := make([]float32, 600)
	if a := testing.AllocsPerRun(5, func() { k.MulVecRange(y, x, 256, 600) }); a != 0 {
		t.Errorf("MulVecRange allocates %v times", a)
	}
	for _, r := range [][2]int{{1, 256}, {0, 300}, {256, 700}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("range %v accepted", r)
				}
			}()
			k.MulVecRange(y, x, r[0], r[1])
		}()
	}
	bad := *c
	bad.Pre = append([]int32(nil), c.Pre...)
	bad.Pre[bad.RowPtr[5]] = 600 // out of range: the unchecked loads must never see it
	if _, err := NewTiled(&bad, 1); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("NewTiled on an invalid CSR: %v", err)
	}
	c.W = nil
	if _, err := NewTiled(c, 1); err == nil {
		t.Error("NewTiled without weights accepted")
	}
	if b := TiledBlock(300, 140000, 8400); b != 1<<16 {
		t.Errorf("block %d for a very sparse wide matrix", b)
	}
	if b := TiledBlock(50000, 50000, 12500000); b != 4096 {
		t.Errorf("block %d at N = 50 000, K = 250", b)
	}
	if b := TiledBlock(200000, 200000, 50000000); b != 16384 {
		t.Errorf("block %d at N = 200 000, K = 250", b)
	}
}

// TestTiledMulVec2Identical: the two-vector product gives exactly the bits
// of two single products, with either kernel and any chunking.
func TestTiledMulVec2Identical(t *testing.T) {
	saved := useAVX
	defer func() { useAVX = saved }()
	for q, sh := range tiledShapes {
		c, x := tiledCase(t, sh.nPost, sh.nPre, sh.p, uint64(20+q))
		if q == 0 {
			c, x = hubCase(t)
		}
		x2 := make([]float32, len(x))
		for j := range x2 {
			x2[j] = float32((j*31)%101)*0.03 - 1
		}
		k, _ := NewTiled(c, 2)
		for _, avx := range []bool{saved, false} {
			useAVX = avx
			want1, want2 := make([]float32, c.NPost), make([]float32, c.NPost)
			k.MulVecTo(want1, x)
			k.MulVecTo(want2, x2)
			for _, n := range []int{1, 3} {
				y1, y2 := make([]float32, c.NPost), make([]float32, c.NPost)
				ch := k.RowChunks(n)
				pool := par.NewPool(n)
				pool.Run(func(w int) { k.MulVec2Range(y1, y2, x, x2, ch[w], ch[w+1]) })
				pool.Close()
				if !slices.Equal(y1, want1) || !slices.Equal(y2, want2) {
					t.Fatalf("%d×%d avx=%v workers=%d: MulVec2Range differs from MulVecRange", c.NPost, c.NPre, avx, n)
				}
			}
		}
	}
	c, x := tiledCase(t, 600, 600, 0.02, 1)
	k, _ := NewTiled(c, 1)
	y1, y2 := make([]float32, 600), make([]float32, 600)
	if a := testing.AllocsPerRun(5, func() { k.MulVec2Range(y1, y2, x, x, 0, 600) }); a != 0 {
		t.Errorf("MulVec2Range allocates %v times", a)
	}
}

// TestStreamSum: the bandwidth probe sums correctly for every length
// (assembly body plus Go remainder), against a plain loop.
func TestStreamSum(t *testing.T) {
	a := make([]uint64, 1000)
	for i := range a {
		a[i] = uint64(i)*0x9e3779b97f4a7c15 + 7
	}
	for _, n := range []int{0, 1, 15, 16, 17, 64, 999, 1000} {
		var want uint64
		for _, v := range a[:n] {
			want += v
		}
		if got := streamSum(a[:n]); got != want {
			t.Fatalf("n=%d: streamSum %d, want %d", n, got, want)
		}
		if got := streamSumGo(a[:n]); got != want {
			t.Fatalf("n=%d: streamSumGo %d, want %d", n, got, want)
		}
	}
}

// TestPacked12: put12 and groupIdx round-trip every 12-bit value in every
// lane, and the test shapes exercise both index formats (4096-column
// blocks, or one block of ≤ 4096 columns, pack 12-bit indices; wider
// blocks keep 16 bits).
func TestPacked12(t *testing.T) {
	const groups = 4096 / 8 * 2
	idx := make([]uint16, groups*6)
	for q := int64(0); q < groups*8; q++ {
		put12(idx, q, uint16(q*2654435761%4096))
	}
	var ii [8]int
	for g := 0; g < groups; g++ {
		groupIdx(idx, true, g*8, &ii)
		for l, v := range ii {
			q := int64(g*8 + l)
			if want := int(q * 2654435761 % 4096); v != want {
				t.Fatalf("group %d lane %d: %d, want %d", g, l, v, want)
			}
		}
	}
	seen := map[bool]bool{}
	for _, sh := range tiledShapes {
		c, _ := tiledCase(t, sh.nPost, sh.nPre, sh.p, 9)
		k, err := NewTiled(c, 1)
		if err != nil {
			t.Fatal(err)
		}
		if k.pack12 != (k.bw == 4096 || c.NPre <= 4096) {
			t.Fatalf("%d×%d: pack12 %v with block %d", sh.nPost, sh.nPre, k.pack12, k.bw)
		}
		seen[k.pack12] = true
		if want := k.Stored() * 4; k.StreamBytes()-want != int64(len(k.idx))*2 {
			t.Fatalf("StreamBytes %d", k.StreamBytes())
		}
	}
	if !seen[true] || !seen[false] {
		t.Fatalf("shapes exercise formats %v, want both", seen)
	}
}
