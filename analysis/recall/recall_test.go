package recall

import (
	"math"
	"testing"
)

// Naive reference: overlaps computed directly in float64 from the §1.8
// definitions of pereira-brunel.md.
func TestOverlapsMatchNaive(t *testing.T) {
	const n, p = 1000, 3
	r := make([]float32, n)
	g := make([]float32, n*p)
	for i := 0; i < n; i++ {
		r[i] = float32(math.Sin(float64(i)) * 10)
		for mu := 0; mu < p; mu++ {
			g[mu*n+i] = float32(math.Cos(float64(i*(mu+1))) * 0.3)
		}
	}
	const eg2 = 0.04
	for _, w := range []int{1, 2} {
		o := NewOverlaps(p)
		o.Compute(r, g, eg2, w)
		var mean, m2 float64
		for _, v := range r {
			mean += float64(v)
			m2 += float64(v) * float64(v)
		}
		mean /= n
		m2 /= n
		sd := math.Sqrt(m2 - mean*mean)
		for mu := 0; mu < p; mu++ {
			var q float64
			for i := 0; i < n; i++ {
				q += float64(g[mu*n+i]) * float64(r[i])
			}
			q /= n
			if math.Abs(o.Q[mu]-q) > 1e-5 || math.Abs(o.M[mu]-q/(math.Sqrt(eg2)*sd)) > 1e-5 {
				t.Errorf("μ=%d: q %v vs %v, m %v vs %v", mu, o.Q[mu], q, o.M[mu], q/(math.Sqrt(eg2)*sd))
			}
		}
		if math.Abs(o.R2-m2) > 1e-9*m2 || math.Abs(o.SDRate-sd) > 1e-9 {
			t.Errorf("R2 %v vs %v, SD %v vs %v", o.R2, m2, o.SDRate, sd)
		}
	}
	if MaxAbsOther([]float64{0.9, -0.3, 0.2}, 0) != 0.3 || MaxAbsOther([]float64{0.9, -0.3}, -1) != 0.9 {
		t.Error("MaxAbsOther")
	}
}

func TestWelfordAndAutocorrelation(t *testing.T) {
	w := NewWelford(2)
	for k := 0; k < 4; k++ {
		w.Add([]float32{3, float32(k)}) // neuron 0 constant, neuron 1: 0,1,2,3 (SD √1.25)
	}
	if got, want := w.MeanTemporalSD(), math.Sqrt(1.25)/2; math.Abs(got-want) > 1e-12 {
		t.Errorf("mean temporal SD %v, want %v", got, want)
	}
	// Alternating series: autocorrelation −(n−1)/n at lag 1 for the biased
	// estimator, 1 at lag 0; a constant series gives NaN.
	x := []float64{1, -1, 1, -1, 1, -1, 1, -1}
	ac := Autocorrelation(x, 2)
	if ac[0] != 1 || math.Abs(ac[1]+7.0/8) > 1e-12 || math.Abs(ac[2]-6.0/8) > 1e-12 {
		t.Errorf("autocorrelation %v", ac)
	}
	if c := Autocorrelation([]float64{2, 2, 2}, 1); !math.IsNaN(c[1]) {
		t.Errorf("constant series: %v", c)
	}
}

func TestMeanRate(t *testing.T) {
	// float64 accumulation: 10⁷ copies of 0.1 (float32) average to
	// float64(float32(0.1)) exactly up to float64 rounding; a float32
	// accumulator would stall near 2²⁴·ulp and be far off.
	r := make([]float32, 10_000_000)
	for i := range r {
		r[i] = 0.1
	}
	if got, want := MeanRate(r), float64(float32(0.1)); math.Abs(got-want) > 1e-12 {
		t.Fatalf("MeanRate = %v, want %v", got, want)
	}
}
