package assembly

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRandomOverlapping: memberships are Bernoulli(f): the total count
// over P·N draws is within 5 binomial SDs of P·N·f; draws are fixed by
// (seed, name) and differ between names.
func TestRandomOverlapping(t *testing.T) {
	o := Options{P: 10, N: 1000, F: 0.1}
	p, err := Random(1, "A", o)
	if err != nil {
		t.Fatal(err)
	}
	var tot int
	for _, m := range p.Members {
		tot += len(m)
	}
	n := float64(o.P * o.N)
	if sd := math.Sqrt(n * o.F * (1 - o.F)); math.Abs(float64(tot)-n*o.F) > 5*sd {
		t.Errorf("total membership %d, want %v ± 5·%.1f", tot, n*o.F, sd)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	q, _ := Random(1, "A", o)
	r, _ := Random(1, "B", o)
	if !equal(p, q) {
		t.Error("same seed and name gave different patterns")
	}
	if equal(p, r) {
		t.Error("different names gave the same patterns")
	}
}

func equal(a, b Patterns) bool {
	if a.P() != b.P() {
		return false
	}
	for k := range a.Members {
		if len(a.Members[k]) != len(b.Members[k]) {
			return false
		}
		for j := range a.Members[k] {
			if a.Members[k][j] != b.Members[k][j] {
				return false
			}
		}
	}
	return true
}

func TestRandomDisjoint(t *testing.T) {
	p, err := Random(3, "D", Options{P: 7, N: 100, F: 0.13, Disjoint: true})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int32]bool{}
	for k, m := range p.Members {
		if len(m) != 13 { // round(0.13·100)
			t.Errorf("assembly %d has %d members, want 13", k, len(m))
		}
		for _, i := range m {
			if seen[i] {
				t.Errorf("neuron %d in two disjoint assemblies", i)
			}
			seen[i] = true
		}
	}
}

func TestRandomErrors(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{P: 11, N: 10, F: 0.5}, "more assemblies than neurons"},
		{Options{P: 0, N: 10, F: 0.5}, "at least one"},
		{Options{P: 2, N: 10, F: 0}, "(0, 1]"},
		{Options{P: 2, N: 10, F: 1.5}, "(0, 1]"},
		{Options{P: 3, N: 10, F: 0.4, Disjoint: true}, "need 12 neurons"},
		{Options{P: 2, N: 10, F: 0.01, Disjoint: true}, "empty assembly"},
		{Options{P: 50, N: 20, F: 1e-4}, "more assemblies"},
		{Options{P: 5, N: 20, F: 1e-4}, "empty assembly"},
	} {
		_, err := Random(1, "x", c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one containing %q", c.o, err, c.want)
		}
	}
}

// randomCSR is a Bernoulli(p) projection of n neurons onto themselves
// without autapses, with random weights in [1, 2).
func randomCSR(n int, p float64, r *rand.Rand, uniform bool) (colPtr []int64, post []int32, w []float32, dense [][]float64) {
	dense = make([][]float64, n)
	colPtr = make([]int64, n+1)
	for j := 0; j < n; j++ {
		dense[j] = make([]float64, n)
		for i := 0; i < n; i++ {
			if i != j && r.Float64() < p {
				x := float32(1 + r.Float64())
				if uniform {
					x = 1.25
				}
				post = append(post, int32(i))
				w = append(w, x)
				dense[j][i] = float64(x)
			} else {
				dense[j][i] = math.NaN() // no synapse
			}
		}
		colPtr[j+1] = int64(len(post))
	}
	return
}

// TestClassesNaive compares the four class means and counts with a naive
// loop over the dense matrix (NaN: no synapse), to 1e-12 relative.
func TestClassesNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 120
	colPtr, post, w, dense := randomCSR(n, 0.3, r, false)
	p, err := Random(5, "naive", Options{P: 4, N: n, F: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	cs := Classes(colPtr, post, w, p)
	for k := range p.Members {
		in := p.Indicator(k)
		var s [4]float64
		var c [4]int64
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				if math.IsNaN(dense[j][i]) {
					continue
				}
				cl := 3
				switch {
				case in[j] == 1 && in[i] == 1:
					cl = 0
				case in[j] == 1:
					cl = 1
				case in[i] == 1:
					cl = 2
				}
				s[cl] += dense[j][i]
				c[cl]++
			}
		}
		got := [4]float64{cs[k].Within, cs[k].Out, cs[k].In, cs[k].Rest}
		gotN := [4]int64{cs[k].NWithin, cs[k].NOut, cs[k].NIn, cs[k].NRest}
		for cl := range got {
			const tol = 1e-12
			if want := s[cl] / float64(c[cl]); math.Abs(got[cl]-want) > tol*want || gotN[cl] != c[cl] {
				t.Errorf("assembly %d class %d: mean %v (n %d), naive %v (n %d)", k, cl, got[cl], gotN[cl], want, c[cl])
			}
		}
	}
}

// TestUniformRatioOne: with every weight equal, R_k = 1 exactly (§3.4:
// "Initially R = 1 exactly in expectation (uniform J_EE)"), and every block
// mean is the weight.
func TestUniformRatioOne(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	colPtr, post, w, _ := randomCSR(200, 0.2, r, true)
	p, _ := Random(1, "u", Options{P: 6, N: 200, F: 0.15})
	cs := Classes(colPtr, post, w, p)
	for k, c := range cs {
		if c.Ratio() != 1 {
			t.Errorf("R_%d = %v, want exactly 1", k, c.Ratio())
		}
	}
	if R := MeanRatio(cs); R != 1 {
		t.Errorf("R = %v, want 1", R)
	}
	for c, v := range BlockMeans(colPtr, post, w, p) {
		if !math.IsNaN(v) && v != 1.25 {
			t.Errorf("block %d mean %v, want 1.25", c, v)
		}
	}
}

// TestRatioPotentiated: doubling the within-assembly weights of disjoint
// assemblies gives R_k = 2 exactly and the block matrix has 2w on its
// diagonal.
func TestRatioPotentiated(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	n := 150
	colPtr, post, w, _ := randomCSR(n, 0.3, r, true)
	p, _ := Random(2, "d", Options{P: 3, N: n, F: 0.2, Disjoint: true})
	of := make([]int, n)
	for i := range of {
		of[i] = -1
	}
	for k, m := range p.Members {
		for _, i := range m {
			of[i] = k
		}
	}
	for j := 0; j < n; j++ {
		for q := colPtr[j]; q < colPtr[j+1]; q++ {
			if of[j] >= 0 && of[j] == of[post[q]] {
				w[q] *= 2
			}
		}
	}
	for k, c := range Classes(colPtr, post, w, p) {
		if c.Ratio() != 2 {
			t.Errorf("R_%d = %v, want 2", k, c.Ratio())
		}
	}
	b := BlockMeans(colPtr, post, w, p)
	for a := 0; a <= 3; a++ {
		for c := 0; c <= 3; c++ {
			want := 1.25
			if a == c && a < 3 {
				want = 2.5
			}
			if b[a*4+c] != want {
				t.Errorf("block (%d, %d) = %v, want %v", a, c, b[a*4+c], want)
			}
		}
	}
}

// TestOverlapEqualsPearson: for disjoint patterns of exactly f·N members
// the PB overlap m_k equals the Pearson correlation (§3.4), checked
// against a naive two-pass Pearson to 1e-5 (float32 rates); a rate vector
// proportional to ξ^k + c gives m_k = ρ_k = 1.
func TestOverlapEqualsPearson(t *testing.T) {
	p, _ := Random(7, "ov", Options{P: 4, N: 400, F: 0.1, Disjoint: true})
	tr := NewTracker(p)
	r := rand.New(rand.NewPCG(7, 8))
	rates := make([]float32, p.N)
	for i := range rates {
		rates[i] = float32(r.ExpFloat64() * 3)
	}
	for _, i := range p.Members[1] {
		rates[i] += 10
	}
	m, rho := make([]float64, 4), make([]float64, 4)
	tr.Overlaps(m, rho, rates)
	for k := range m {
		want := pearson(p.Indicator(k), rates)
		const tol = 1e-5 // float32 rates and patterns
		if math.Abs(m[k]-want) > tol || math.Abs(rho[k]-want) > tol {
			t.Errorf("k = %d: m = %v, ρ = %v, naive Pearson %v", k, m[k], rho[k], want)
		}
	}
	if !(m[1] > 0.5) {
		t.Errorf("m of the driven assembly %v, want a large overlap", m[1])
	}
	x := p.Indicator(2)
	for i := range x {
		x[i] = 5*x[i] + 2
	}
	tr.Overlaps(m, rho, x)
	if math.Abs(m[2]-1) > 1e-6 || math.Abs(rho[2]-1) > 1e-6 {
		t.Errorf("rates = 5ξ + 2: m = %v, ρ = %v, want 1", m[2], rho[2])
	}
	// a silent network overlaps with nothing
	tr.Overlaps(m, rho, make([]float32, p.N))
	for k := range m {
		if m[k] != 0 || rho[k] != 0 {
			t.Errorf("silent: m_%d = %v, ρ = %v", k, m[k], rho[k])
		}
	}
}

// TestPearsonOverlapping: with overlapping patterns (mean ≠ f) ρ_k still
// equals the naive Pearson correlation; m_k differs from it.
func TestPearsonOverlapping(t *testing.T) {
	p, _ := Random(9, "ovl", Options{P: 3, N: 500, F: 0.1})
	tr := NewTracker(p)
	r := rand.New(rand.NewPCG(9, 10))
	rates := make([]float32, p.N)
	for i := range rates {
		rates[i] = float32(r.Float64() * 5)
	}
	for _, i := range p.Members[0] {
		rates[i] += 4
	}
	m, rho := make([]float64, 3), make([]float64, 3)
	tr.Overlaps(m, rho, rates)
	for k := range m {
		if want := pearson(p.Indicator(k), rates); math.Abs(rho[k]-want) > 1e-5 {
			t.Errorf("ρ_%d = %v, naive %v", k, rho[k], want)
		}
	}
}

func pearson(x, y []float32) float64 {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += float64(x[i])
		my += float64(y[i])
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		a, b := float64(x[i])-mx, float64(y[i])-my
		sxy += a * b
		sxx += a * a
		syy += b * b
	}
	return sxy / math.Sqrt(sxx*syy)
}

func TestEvaluate(t *testing.T) {
	c := DefaultCriterion()
	for _, x := range []struct {
		m                    []float64
		cued                 int
		success, loose, spur bool
		winner               int
	}{
		{[]float64{0.5, 0.2, 0.1}, 0, true, true, false, 0},
		{[]float64{0.5, 0.31, 0.1}, 0, false, true, false, -1}, // margin 0.19 < 0.2
		{[]float64{0.29, 0.0, 0.0}, 0, false, true, false, -1}, // below 0.3 but above the loose 0.2
		{[]float64{0.1, 0.6, 0.0}, 0, false, false, true, 1},   // another assembly recalled
		{[]float64{math.NaN(), 0.1, 0.0}, 0, false, false, false, -1},
	} {
		got := c.Evaluate(x.m, x.cued)
		if got.Success != x.success || got.Loose != x.loose || got.Spurious != x.spur || got.Winner != x.winner {
			t.Errorf("m = %v cued %d: %+v", x.m, x.cued, got)
		}
	}
}

func TestSelectivity(t *testing.T) {
	p := Patterns{N: 6, F: 0.5, Members: [][]int32{{0, 1, 2}}}
	rate := []float64{100, 10, 20, 1, 2, 3}
	// uncued members 1, 2: 15 Hz; non-members 3, 4, 5: 2 Hz
	if s := Selectivity(rate, p, 0, []int32{0}); s != 13 {
		t.Errorf("S = %v, want 13", s)
	}
	if s := Selectivity(rate, p, 0, []int32{0, 1, 2}); !math.IsNaN(s) {
		t.Errorf("every member cued: S = %v, want NaN", s)
	}
}

func TestOrder(t *testing.T) {
	p := Patterns{N: 6, F: 0.5, Members: [][]int32{{1, 4}, {0, 4}}}
	o, ends := p.Order()
	want := []int32{1, 4, 0, 2, 3, 5}
	for i := range want {
		if o[i] != want[i] {
			t.Fatalf("order %v, want %v", o, want)
		}
	}
	if ends[0] != 2 || ends[1] != 3 || ends[2] != 6 {
		t.Errorf("ends %v", ends)
	}
}
