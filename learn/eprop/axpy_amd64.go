package eprop

import (
	"os"

	"golang.org/x/sys/cpu"
)

// useAVX selects the AVX axpy (ENGRAM_NO_AVX=1 selects the portable loop,
// which gives the same bits: VMULPD then VADDPD rounds like Go's a*x + y).
var useAVX = cpu.X86.HasAVX && os.Getenv("ENGRAM_NO_AVX") == ""

//go:noescape
func axpyAVX(y, x *float64, a float64, n int)

// axpy adds a·x to y (len(x) ≥ len(y)).
func axpy(y []float64, a float64, x []float64) {
	n := len(y) &^ 7
	if !useAVX || n == 0 {
		axpyGo(y, a, x)
		return
	}
	_ = x[len(y)-1]
	axpyAVX(&y[0], &x[0], a, n)
	if n < len(y) {
		axpyGo(y[n:], a, x[n:])
	}
}
