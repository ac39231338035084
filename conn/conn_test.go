package conn

import (
	"math"
	"slices"
	"testing"
)

func TestBernoulliStatsAndDeterminism(t *testing.T) {
	const n, p = 2000, 0.05
	c1, err := Bernoulli(n, n, p, GenOptions{Seed: 3, Autapses: true, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := c1.Validate(); err != nil {
		t.Fatal(err)
	}
	c2, _ := Bernoulli(n, n, p, GenOptions{Seed: 3, Autapses: true, Workers: 3})
	if !slices.Equal(c1.RowPtr, c2.RowPtr) || !slices.Equal(c1.Pre, c2.Pre) {
		t.Fatal("mask depends on worker count")
	}
	// nnz ~ Binomial(n², p): mean n²p, SD sqrt(n²p(1-p)); accept ±5 SD.
	mean, sd := float64(n*n)*p, math.Sqrt(float64(n*n)*p*(1-p))
	if d := math.Abs(float64(c1.NNZ()) - mean); d > 5*sd {
		t.Errorf("nnz %d, expected %v ± %v", c1.NNZ(), mean, sd)
	}
	// Column (pre) marginals must be uniform too: chi-square over 20 blocks
	// of pre indices, 19 dof, 99.9% quantile 43.8.
	var blocks [20]float64
	for _, j := range c1.Pre {
		blocks[int(j)*20/n]++
	}
	var chi2 float64
	e := float64(c1.NNZ()) / 20
	for _, b := range blocks {
		chi2 += (b - e) * (b - e) / e
	}
	if chi2 > 43.8 {
		t.Errorf("pre-index chi² = %v over 20 blocks", chi2)
	}
	c3, _ := Bernoulli(n, n, p, GenOptions{Seed: 3, Autapses: false})
	for i := 0; i < n; i++ {
		pre, _ := c3.Row(i)
		if _, found := slices.BinarySearch(pre, int32(i)); found {
			t.Fatal("autapse generated with Autapses=false")
		}
	}
	if _, err := Bernoulli(10, 10, 1.5, GenOptions{}); err == nil {
		t.Error("p=1.5 accepted")
	}
	full, _ := Bernoulli(5, 7, 1, GenOptions{})
	if full.NNZ() != 35 {
		t.Errorf("p=1 gave %d synapses", full.NNZ())
	}
}

func TestFixedDegrees(t *testing.T) {
	for _, k := range []int{0, 1, 10, 150, 299} {
		c, err := FixedInDegree(100, 300, k, GenOptions{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 100; i++ {
			pre, _ := c.Row(i)
			if len(pre) != k {
				t.Fatalf("k=%d: row %d has %d", k, i, len(pre))
			}
			for a := 1; a < len(pre); a++ {
				if pre[a] == pre[a-1] {
					t.Fatalf("k=%d: multapse in row %d", k, i)
				}
			}
		}
	}
	c, _ := FixedInDegree(50, 50, 49, GenOptions{Seed: 2})
	for i := 0; i < 50; i++ {
		pre, _ := c.Row(i)
		if _, found := slices.BinarySearch(pre, int32(i)); found || len(pre) != 49 {
			t.Fatal("autapse or wrong degree without autapses")
		}
	}
	if _, err := FixedInDegree(50, 50, 50, GenOptions{}); err == nil {
		t.Error("in-degree 50 of 49 available accepted")
	}
	o, err := FixedOutDegree(80, 40, 7, GenOptions{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	out := make([]int, 40)
	for _, j := range o.Pre {
		out[j]++
	}
	for j, d := range out {
		if d != 7 {
			t.Fatalf("pre %d has out-degree %d", j, d)
		}
	}
}

func TestMulVecAndByPre(t *testing.T) {
	c, _ := Bernoulli(300, 200, 0.1, GenOptions{Seed: 9, Autapses: true})
	c.W = make([]float32, c.NNZ())
	for k := range c.W {
		c.W[k] = float32(k%7) - 3
	}
	dense := make([]float64, 300*200)
	for i := 0; i < 300; i++ {
		pre, w := c.Row(i)
		for k, j := range pre {
			dense[i*200+int(j)] += float64(w[k])
		}
	}
	x := make([]float32, 200)
	for j := range x {
		x[j] = float32(j%11) * 0.25
	}
	y := make([]float32, 300)
	c.MulVecTo(y, x)
	for i := 0; i < 300; i++ {
		var s float64
		for j := 0; j < 200; j++ {
			s += dense[i*200+j] * float64(x[j])
		}
		if math.Abs(float64(y[i])-s) > 1e-3 {
			t.Fatalf("row %d: %v vs naive %v", i, y[i], s)
		}
	}
	v := c.ByPre()
	cnt := 0
	for j := 0; j < 200; j++ {
		for k := v.ColPtr[j]; k < v.ColPtr[j+1]; k++ {
			s := v.Syn[k]
			if c.Pre[s] != int32(j) || s < c.RowPtr[v.Post[k]] || s >= c.RowPtr[v.Post[k]+1] {
				t.Fatal("ByPre maps to the wrong synapse")
			}
			cnt++
		}
	}
	if cnt != c.NNZ() {
		t.Fatal("ByPre lost synapses")
	}
	tt := c.Transpose().Transpose()
	if !slices.Equal(tt.Pre, c.Pre) || !slices.Equal(tt.W, c.W) {
		t.Fatal("double transpose differs")
	}
	b := c.RowChunks(4)
	if b[0] != 0 || b[4] != 300 || !slices.IsSorted(b) {
		t.Fatalf("chunks %v", b)
	}
}
