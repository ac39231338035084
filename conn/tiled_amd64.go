package conn

import (
	"os"

	"golang.org/x/sys/cpu"
)

// useAVX selects the assembly tile kernels (ENGRAM_NO_AVX turns them off);
// tests switch it off to compare with tileGo.
var useAVX = cpu.X86.HasAVX && os.Getenv("ENGRAM_NO_AVX") == ""

//go:noescape
func tileAVX(idx *uint16, w *float32, lens *uint32, ns int, x *float32, out *float32, perm *uint8, d *float32)

//go:noescape
func tileAVX12(idx *uint16, w *float32, lens *uint32, ns int, x *float32, out *float32, perm *uint8, d *float32)

// tileKernel computes one tile into out (see tileGo) and adds it to d:
// d[perm[s]] += out[s] for every slot s. The caller guarantees
// len(w) = 8·Σ lens > 0 with len(lens) = TileRows/8, idx holding the same
// groups (16- or packed 12-bit, with the 2 bytes of slack the packed
// kernel reads past a group), and every index < len(x): they were built
// from the CSR's block.
func tileKernel(idx []uint16, pack12 bool, w []float32, lens []uint32, x []float32, out *[TileRows]float32, perm *[TileRows]uint8, d *[TileRows]float32) {
	switch {
	case !useAVX:
		tileGo(idx, pack12, w, lens, x, out)
		scatterGo(out, perm, d)
	case pack12:
		tileAVX12(&idx[0], &w[0], &lens[0], len(lens), &x[0], &out[0], &perm[0], &d[0])
	default:
		tileAVX(&idx[0], &w[0], &lens[0], len(lens), &x[0], &out[0], &perm[0], &d[0])
	}
}

//go:noescape
func tileAVXx2(idx *uint16, w *float32, lens *uint32, ns int, x1, x2 *float32, out1, out2 *float32)

//go:noescape
func tileAVX12x2(idx *uint16, w *float32, lens *uint32, ns int, x1, x2 *float32, out1, out2 *float32)

func tileKernel2(idx []uint16, pack12 bool, w []float32, lens []uint32, x1, x2 []float32, out1, out2 *[TileRows]float32) {
	switch {
	case !useAVX:
		tileGo(idx, pack12, w, lens, x1, out1)
		tileGo(idx, pack12, w, lens, x2, out2)
	case pack12:
		tileAVX12x2(&idx[0], &w[0], &lens[0], len(lens), &x1[0], &x2[0], &out1[0], &out2[0])
	default:
		tileAVXx2(&idx[0], &w[0], &lens[0], len(lens), &x1[0], &x2[0], &out1[0], &out2[0])
	}
}
