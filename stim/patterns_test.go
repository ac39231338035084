package stim

import (
	"math"
	"slices"
	"testing"
)

func moments(x []float32) (mean, variance float64) {
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	for _, v := range x {
		d := float64(v) - mean
		variance += d * d
	}
	return mean, variance / float64(len(x))
}

func corr(a, b []float32) float64 {
	ma, va := moments(a)
	mb, vb := moments(b)
	var c float64
	for i := range a {
		c += (float64(a[i]) - ma) * (float64(b[i]) - mb)
	}
	return c / float64(len(a)) / math.Sqrt(va*vb)
}

func TestGaussianIID(t *testing.T) {
	p1, err := Gaussian(PatternSpec{N: 20000, P: 4}, 11, 1)
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := Gaussian(PatternSpec{N: 20000, P: 4}, 11, 3)
	if !slices.Equal(p1.Data, p2.Data) {
		t.Fatal("patterns depend on worker count")
	}
	// Sample mean and variance of 20000 N(0,1): SDs 0.0071 and 0.01; ±5 SD.
	for mu := 0; mu < 4; mu++ {
		m, v := moments(p1.Row(mu))
		if math.Abs(m) > 0.036 || math.Abs(v-1) > 0.05 {
			t.Errorf("pattern %d: mean %v var %v", mu, m, v)
		}
	}
	// Independent patterns: correlation SD 1/sqrt(N) = 0.007; ±5 SD.
	if c := corr(p1.Row(0), p1.Row(1)); math.Abs(c) > 0.036 {
		t.Errorf("iid patterns correlate: %v", c)
	}
}

func TestGaussianStructured(t *testing.T) {
	const rho = 0.4
	p, err := Gaussian(PatternSpec{N: 20000, P: 3, PatternCorr: rho}, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	if c := corr(p.Row(0), p.Row(2)); math.Abs(c-rho) > 0.04 {
		t.Errorf("pattern correlation %v, want %v", c, rho)
	}
	// Low-rank: with rank 1 and shared variance s, two neurons i,j correlate
	// across patterns with L_i L_j s where |L_i| = 1 → correlation ±s.
	const s = 0.5
	q, err := Gaussian(PatternSpec{N: 4, P: 20000, Rank: 1, SharedVar: s}, 5, 2)
	if err != nil {
		t.Fatal(err)
	}
	col := func(i int) []float32 {
		c := make([]float32, q.P)
		for mu := range c {
			c[mu] = q.Data[mu*q.N+i]
		}
		return c
	}
	_, v := moments(col(0))
	if math.Abs(v-1) > 0.05 {
		t.Errorf("neuron variance %v, want 1", v)
	}
	if c := corr(col(0), col(1)); math.Abs(math.Abs(c)-s) > 0.04 {
		t.Errorf("neuron correlation %v, want ±%v", c, s)
	}
	if _, err := Gaussian(PatternSpec{N: 10, P: 1, SharedVar: 1, Rank: 1}, 1, 1); err == nil {
		t.Error("shared_var = 1 accepted")
	}
}

func TestCue(t *testing.T) {
	p, _ := Gaussian(PatternSpec{N: 10000, P: 1}, 1, 1)
	dst := make([]float32, p.N)
	if err := Cue(dst, p.Row(0), 1, 0, 1, 1, 0); err != nil || !slices.Equal(dst, p.Row(0)) {
		t.Fatal("full cue is not the pattern")
	}
	// keep fraction 0.3: correlation with the pattern ≈ 0.3.
	if err := Cue(dst, p.Row(0), 0.3, 0, 1, 1, 0); err != nil {
		t.Fatal(err)
	}
	if c := corr(dst, p.Row(0)); math.Abs(c-0.3) > 0.05 {
		t.Errorf("partial cue correlation %v, want 0.3", c)
	}
	if err := Cue(dst, p.Row(0), 1.2, 0, 1, 1, 0); err == nil {
		t.Error("keep > 1 accepted")
	}
}
