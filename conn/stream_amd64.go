package conn

import "golang.org/x/sys/cpu"

//go:noescape
func streamSumAVX(p *uint64, n int) uint64

// streamSum returns the sum of a (wrapping), reading it at the machine's
// streaming bandwidth: the probe BenchmarkStreamRead compares the matvec
// kernels with. VPADDQ on 256-bit registers needs AVX2.
func streamSum(a []uint64) uint64 {
	n := len(a) &^ 15
	var s uint64
	if cpu.X86.HasAVX2 && n > 0 {
		s = streamSumAVX(&a[0], n)
	} else {
		s = streamSumGo(a[:n])
	}
	return s + streamSumGo(a[n:])
}
