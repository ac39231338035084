//go:build !amd64

package conn

var useAVX2 = false

func tileKernel(idx []uint16, w []float32, lens []uint32, x []float32, out *[TileRows]float32) {
	tileGo(idx, w, lens, x, out)
}
