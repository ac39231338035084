//go:build !amd64

package conn

// streamSum returns the sum of a (wrapping): the read-bandwidth probe of
// BenchmarkStreamRead.
func streamSum(a []uint64) uint64 { return streamSumGo(a) }
