package eprop

// axpyGo adds a·x to y (len(x) ≥ len(y)), unrolled by four; the product
// and the sum are rounded separately (no FMA), like the AVX kernel.
func axpyGo(y []float64, a float64, x []float64) {
	x = x[:len(y)]
	i := 0
	for ; i+4 <= len(y); i += 4 {
		y[i] += a * x[i]
		y[i+1] += a * x[i+1]
		y[i+2] += a * x[i+2]
		y[i+3] += a * x[i+3]
	}
	for ; i < len(y); i++ {
		y[i] += a * x[i]
	}
}
