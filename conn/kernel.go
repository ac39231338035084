package conn

// Kernel computes rows of y = W x; CSR and Tiled implement it. RowChunks
// returns n+1 row boundaries that MulVecRange accepts (Tiled needs them on
// TileRows windows), balanced by work.
type Kernel interface {
	MulVecRange(dst, x []float32, lo, hi int)
	RowChunks(n int) []int
}
