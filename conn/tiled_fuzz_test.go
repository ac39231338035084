package conn

import (
	"math"
	"math/rand/v2"
	"testing"
)

func f32bits(a []float32) []uint32 {
	r := make([]uint32, len(a))
	for i, v := range a {
		r[i] = math.Float32bits(v)
	}
	return r
}

var specials = []float32{0, float32(math.Copysign(0, -1)), 1, -1, 1e-40, -1e-40, float32(math.Inf(1)), float32(math.Inf(-1)),
	math.Float32frombits(0x7fc00001), math.Float32frombits(0xffc12345), math.Float32frombits(0x7f800001), 3.4e38, -3.4e38}

func randF(r *rand.Rand, special bool) float32 {
	if special && r.IntN(4) == 0 {
		return specials[r.IntN(len(specials))]
	}
	return float32(r.NormFloat64())
}

// randomTile builds a random tile with lens in [0, maxLen].
func randomTile(r *rand.Rand, pack12 bool, nx, maxLen int, special bool) (idx []uint16, w []float32, lens []uint32, x []float32, perm [TileRows]uint8) {
	lens = make([]uint32, tileSlices)
	var ng int
	for s := range lens {
		switch r.IntN(5) {
		case 0:
			lens[s] = 0
		case 1:
			lens[s] = 1
		default:
			lens[s] = uint32(r.IntN(maxLen + 1))
		}
		ng += int(lens[s])
	}
	if ng == 0 {
		lens[r.IntN(tileSlices)] = 1
		ng = 1
	}
	n := ng * 8
	w = make([]float32, n)
	for i := range w {
		w[i] = randF(r, special)
	}
	if pack12 {
		idx = make([]uint16, n/8*6+8)[:n/8*6]
	} else {
		idx = make([]uint16, n+8)[:n]
	}
	for q := 0; q < n; q++ {
		var v uint16
		switch r.IntN(4) {
		case 0:
			v = uint16(nx - 1)
		case 1:
			v = 0
		default:
			v = uint16(r.IntN(nx))
		}
		if pack12 {
			put12(idx, int64(q), v)
		} else {
			idx[q] = v
		}
	}
	x = make([]float32, nx)
	for i := range x {
		x[i] = randF(r, special)
	}
	p := r.Perm(TileRows)
	for i := range perm {
		perm[i] = uint8(p[i])
	}
	return
}

// TestTiledKernelFuzz: 5000 random tiles (slice lengths 0, 1, odd and up
// to 40; indices 0, 4095, 65 535; ±0, denormals, ±Inf, NaN, ±3.4e38 in x,
// w and d; random perm): the AVX kernels (one and two vectors, with the
// scatter) give the bits of tileGo + scatterGo. NaNs compare equal
// whatever their payload (VMULPS and Go order a NaN·NaN product's
// operands differently). Written by a review helper.
func TestTiledKernelFuzz(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX")
	}
	saved := useAVX
	defer func() { useAVX = saved }()
	r := rand.New(rand.NewPCG(1, 2))
	nanPayload := 0
	defer func() { t.Logf("NaN payload mismatches: %d", nanPayload) }()
	for it := 0; it < 5000; it++ {
		pack12 := it%2 == 0
		nx := 4096
		if !pack12 {
			nx = []int{1, 2, 4096, 65536}[r.IntN(4)]
		} else if r.IntN(3) == 0 {
			nx = 1 + r.IntN(4096)
		}
		special := it%3 == 0
		idx, w, lens, x, perm := randomTile(r, pack12, nx, []int{1, 2, 3, 7, 40}[r.IntN(5)], special)
		x2 := make([]float32, nx)
		for i := range x2 {
			x2[i] = randF(r, special)
		}
		d0 := make([]float32, TileRows)
		for i := range d0 {
			d0[i] = randF(r, special)
		}
		var outA, outG, dA, dG, o1A, o2A, o1G, o2G [TileRows]float32
		copy(dA[:], d0)
		copy(dG[:], d0)
		useAVX = true
		tileKernel(idx, pack12, w, lens, x, &outA, &perm, &dA)
		tileKernel2(idx, pack12, w, lens, x, x2, &o1A, &o2A)
		useAVX = false
		tileKernel(idx, pack12, w, lens, x, &outG, &perm, &dG)
		tileKernel2(idx, pack12, w, lens, x, x2, &o1G, &o2G)
		ne := func(a, b float32) bool {
			if a != a && b != b {
				if math.Float32bits(a) != math.Float32bits(b) {
					nanPayload++
				}
				return false
			}
			return math.Float32bits(a) != math.Float32bits(b)
		}
		for s := 0; s < TileRows; s++ {
			if ne(outA[s], outG[s]) || ne(dA[s], dG[s]) || ne(o1A[s], o1G[s]) || ne(o2A[s], o2G[s]) {
				t.Fatalf("it %d pack12 %v special %v slot %d: out %x/%x d %x/%x o1 %x/%x o2 %x/%x", it, pack12, special, s,
					math.Float32bits(outA[s]), math.Float32bits(outG[s]), math.Float32bits(dA[s]), math.Float32bits(dG[s]),
					math.Float32bits(o1A[s]), math.Float32bits(o1G[s]), math.Float32bits(o2A[s]), math.Float32bits(o2G[s]))
			}
		}
	}
}
