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

func benchMatVec16(b *testing.B, n int, p float64, workers int) {
	c, _ := Bernoulli(n, n, p, GenOptions{Seed: 1, Autapses: true})
	c.W = make([]float32, c.NNZ())
	for k := range c.W {
		c.W[k] = float32(k%5) * 0.01
	}
	k16 := c.Compact16()
	x := make([]float32, n)
	y := make([]float32, n)
	pool := par.NewPool(workers)
	defer pool.Close()
	chunks := c.RowChunks(pool.Size())
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		pool.Run(func(k int) { k16.MulVecRange(y, x, chunks[k], chunks[k+1]) })
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(c.NNZ()), "ns/nnz")
}

func BenchmarkMatVec16N50kC005W1(b *testing.B) { benchMatVec16(b, 50000, 0.005, 1) }
func BenchmarkMatVec16N50kC005W2(b *testing.B) { benchMatVec16(b, 50000, 0.005, 2) }
