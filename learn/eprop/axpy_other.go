//go:build !amd64

package eprop

func axpy(y []float64, a float64, x []float64) { axpyGo(y, a, x) }
