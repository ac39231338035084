//go:build !amd64

package conn

var useAVX = false

func tileKernel(idx []uint16, pack12 bool, w []float32, lens []uint32, x []float32, out *[TileRows]float32, perm *[TileRows]uint8, d *[TileRows]float32) {
	tileGo(idx, pack12, w, lens, x, out)
	scatterGo(out, perm, d)
}

func tileKernel2(idx []uint16, pack12 bool, w []float32, lens []uint32, x1, x2 []float32, out1, out2 *[TileRows]float32) {
	tileGo(idx, pack12, w, lens, x1, out1)
	tileGo(idx, pack12, w, lens, x2, out2)
}
