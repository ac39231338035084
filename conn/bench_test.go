package conn

import (
	"testing"

	"github.com/engramsim/engram/par"
)

func benchMatVec(b *testing.B, n int, p float64, workers int) {
	c, err := Bernoulli(n, n, p, GenOptions{Seed: 1, Autapses: true})
	if err != nil {
		b.Fatal(err)
	}
	c.W = make([]float32, c.NNZ())
	for k := range c.W {
		c.W[k] = float32(k%5) * 0.01
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%13) * 0.5
	}
	y := make([]float32, n)
	pool := par.NewPool(workers)
	defer pool.Close()
	chunks := c.RowChunks(pool.Size())
	b.SetBytes(int64(c.NNZ()) * 8)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		pool.Run(func(k int) { c.MulVecRange(y, x, chunks[k], chunks[k+1]) })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.NNZ()), "ns/nnz")
}

// Sizes of the issue-2 benchmark: PB network (N = 50 000, c = 0.005) and a
// dense-ish N = 40 000, c = 0.1 network.
func BenchmarkMatVecN50kC005W1(b *testing.B) { benchMatVec(b, 50000, 0.005, 1) }
func BenchmarkMatVecN50kC005W2(b *testing.B) { benchMatVec(b, 50000, 0.005, 2) }
func BenchmarkMatVecN40kC01W1(b *testing.B)  { benchMatVec(b, 40000, 0.1, 1) }
func BenchmarkMatVecN40kC01W2(b *testing.B)  { benchMatVec(b, 40000, 0.1, 2) }

func BenchmarkBernoulliN50kC005(b *testing.B) {
	for it := 0; it < b.N; it++ {
		if _, err := Bernoulli(50000, 50000, 0.005, GenOptions{Seed: uint64(it), Autapses: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// tiledBench builds the benchmark matrix (weights k%5 · 0.01) and its
// tiled view.
func tiledBench(b *testing.B, n int, p float64, workers int) (*CSR, *Tiled) {
	c, _ := Bernoulli(n, n, p, GenOptions{Seed: 1, Autapses: true})
	c.W = make([]float32, c.NNZ())
	for k := range c.W {
		c.W[k] = float32(k%5) * 0.01
	}
	kt, err := NewTiled(c, workers)
	if err != nil {
		b.Fatal(err)
	}
	return c, kt
}

func benchTiled(b *testing.B, n int, p float64, workers int) {
	c, kt := tiledBench(b, n, p, workers)
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%13) * 0.5
	}
	y := make([]float32, n)
	pool := par.NewPool(workers)
	defer pool.Close()
	chunks := kt.RowChunks(pool.Size())
	b.SetBytes(kt.StreamBytes())
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		pool.Run(func(k int) { kt.MulVecRange(y, x, chunks[k], chunks[k+1]) })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.NNZ()), "ns/nnz")
}

// benchTiled2 times MulVec2Range (two vectors per pass); ns/nnz is per
// synapse and vector, to compare with benchTiled.
func benchTiled2(b *testing.B, n int, p float64, workers int) {
	c, kt := tiledBench(b, n, p, workers)
	x1, x2 := make([]float32, n), make([]float32, n)
	for i := range x1 {
		x1[i], x2[i] = float32(i%13)*0.5, float32(i%7)*0.3
	}
	y1, y2 := make([]float32, n), make([]float32, n)
	pool := par.NewPool(workers)
	defer pool.Close()
	chunks := kt.RowChunks(pool.Size())
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		pool.Run(func(k int) { kt.MulVec2Range(y1, y2, x1, x2, chunks[k], chunks[k+1]) })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(2*c.NNZ()), "ns/nnz")
}

func BenchmarkTiled2N50kC005W1(b *testing.B) { benchTiled2(b, 50000, 0.005, 1) }
func BenchmarkTiled2N50kC005W2(b *testing.B) { benchTiled2(b, 50000, 0.005, 2) }

// The rate network's kernel (column-blocked SELL-8, the AVX kernel when the
// CPU has AVX) at the issue-2 sizes.
func BenchmarkTiledN50kC005W1(b *testing.B) { benchTiled(b, 50000, 0.005, 1) }
func BenchmarkTiledN50kC005W2(b *testing.B) { benchTiled(b, 50000, 0.005, 2) }
func BenchmarkTiledN40kC01W1(b *testing.B)  { benchTiled(b, 40000, 0.1, 1) }
func BenchmarkTiledN40kC01W2(b *testing.B)  { benchTiled(b, 40000, 0.1, 2) }

func BenchmarkNewTiledN50kC005(b *testing.B) {
	c, _ := Bernoulli(50000, 50000, 0.005, GenOptions{Seed: 1, Autapses: true})
	c.W = make([]float32, c.NNZ())
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		if _, err := NewTiled(c, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// streamBuf is the 400 MB array of BenchmarkStreamRead, allocated once.
var streamBuf []uint64

// benchStream measures the machine's streaming read bandwidth: a sum over
// an initialised 400 MB array with 256-bit loads (streamSum; the earlier
// scalar Go loop was compute-bound at ≈ 10 GB/s on one core and
// under-reported the machine). The MB/s column is the bandwidth the matvec
// benchmarks are compared with.
func benchStream(b *testing.B, workers int) {
	if streamBuf == nil {
		streamBuf = make([]uint64, 50<<20)
		for i := range streamBuf {
			streamBuf[i] = uint64(i)
		}
	}
	pool := par.NewPool(workers)
	defer pool.Close()
	sums := make([]uint64, pool.Size())
	b.SetBytes(int64(len(streamBuf)) * 8)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		pool.Run(func(k int) {
			n := len(streamBuf)
			sums[k] += streamSum(streamBuf[k*n/len(sums) : (k+1)*n/len(sums)])
		})
	}
}

func BenchmarkStreamReadW1(b *testing.B) { benchStream(b, 1) }
func BenchmarkStreamReadW2(b *testing.B) { benchStream(b, 2) }
