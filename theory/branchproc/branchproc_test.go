package branchproc

import (
	"math"
	"math/rand/v2"
	"testing"
)

// closedFormTol is MR-1/AV-1's tolerance (criticality.md).
const closedFormTol = 1e-12

// TestOracles is MR-1 (criticality.md): b(p, m), r_k = b m^k, τ(m) and
// Var/E = 1/(1−m²) against closed forms and the spec's quoted values.
func TestOracles(t *testing.T) {
	cases := []struct{ p, m, want float64 }{
		{1, 0.9, 1},
		{0.1, 0.9, 0.1 / (0.1 + 0.9*0.19)},
		{0.01, 0.999, 0.01 / (0.01 + 0.99*(1-0.999*0.999))},
	}
	for _, c := range cases {
		if got := SubsamplingFactor(c.p, c.m); math.Abs(got-c.want) > closedFormTol {
			t.Errorf("b(%v, %v) = %.15g, want %.15g", c.p, c.m, got, c.want)
		}
	}
	// The table's theory column b·m (criticality.md §4.1), to its 4 digits.
	// The last row's bracket (0.8348) is b, not b·m = 0.8340 (the spec's own
	// §4.1 text quotes "r₁ theory 0.8340"), so it is checked against b.
	if got := SubsamplingFactor(0.01, 0.999); math.Abs(got-0.8348) > 6e-5 {
		t.Errorf("b(p=0.01, m=0.999) = %.5f, table 0.8348", got)
	}
	for _, c := range []struct{ p, m, bm float64 }{
		{0.1, 0.9, 0.3321}, {0.01, 0.9, 0.0454}, {0.02, 0.98, 0.3333}, {0.001, 0.98, 0.0242}, {0.01, 0.999, 0.8340},
	} {
		if got := SubsamplingFactor(c.p, c.m) * c.m; math.Abs(got-c.bm) > 6e-5 {
			t.Errorf("b·m(p=%v, m=%v) = %.5f, table %.4f", c.p, c.m, got, c.bm)
		}
	}
	if got, want := CorrelationAtLag(0.5, 0.9, 3), 0.5*0.729; math.Abs(got-want) > closedFormTol {
		t.Errorf("r_3 = %v, want %v", got, want)
	}
	for _, c := range []struct{ m, tau float64 }{{0.9, 9.49}, {0.98, 49.5}, {0.99, 99.5}, {0.999, 999.5}} {
		got := TauFromM(c.m, 1)
		if math.Abs(got-c.tau) > 0.01 {
			t.Errorf("τ(%v) = %.3f, spec %.2f", c.m, got, c.tau)
		}
		if back := MFromTau(got, 1); math.Abs(back-c.m) > closedFormTol {
			t.Errorf("MFromTau(TauFromM(%v)) = %.15g", c.m, back)
		}
	}
	if got, want := FanoFactor(0.9), 1/(1-0.81); math.Abs(got-want) > closedFormTol {
		t.Errorf("Fano(0.9) = %v, want %v", got, want)
	}
	if got := StationaryVariance(10, 0.9) / StationaryMean(10, 0.9); math.Abs(got-FanoFactor(0.9)) > 1e-9 {
		t.Errorf("Var/E = %v, want Fano %v", got, FanoFactor(0.9))
	}
	if got := MFromMeanVariance(100, 100*FanoFactor(0.9)); math.Abs(got-0.9) > closedFormTol {
		t.Errorf("MFromMeanVariance = %v, want 0.9", got)
	}
	// Window variance: n = 1 is Var[A]; n = 2 adds 2 m Var[A].
	v := StationaryVariance(10, 0.5)
	if got := WindowVariance(10, 0.5, 2); math.Abs(got-v*(2+2*0.5)) > closedFormTol*v {
		t.Errorf("WindowVariance = %v", got)
	}
	if !math.IsNaN(SubsamplingFactor(0, 0.5)) || !math.IsNaN(FanoFactor(1)) || !math.IsNaN(TauFromM(0, 1)) {
		t.Error("out-of-domain oracles must be NaN")
	}
}

// TestAvalancheOracles is AV-1 (criticality.md §5.2): Borel pmf and the
// duration recursion at m = 1, and their asymptotics.
func TestAvalancheOracles(t *testing.T) {
	// Spec values are quoted to 5 digits.
	const quoted = 5e-6
	for n, want := range []float64{0.36788, 0.13534, 0.07468, 0.04884, 0.03509} {
		if got := BorelPMF(n+1, 1); math.Abs(got-want) > quoted {
			t.Errorf("Borel P(S=%d) = %.6f, spec %.5f", n+1, got, want)
		}
	}
	// Exact closed forms: P(S=1) = e^{-m}, P(S=2) = m e^{-2m}.
	for _, m := range []float64{0.5, 0.9, 1} {
		if got := BorelPMF(1, m); math.Abs(got-math.Exp(-m)) > closedFormTol {
			t.Errorf("P(S=1; m=%v) = %v", m, got)
		}
		if got := BorelPMF(2, m); math.Abs(got-m*math.Exp(-2*m)) > closedFormTol {
			t.Errorf("P(S=2; m=%v) = %v", m, got)
		}
		if got := DurationCDF(1, m); math.Abs(got-math.Exp(-m)) > closedFormTol {
			t.Errorf("P(D≤1; m=%v) = %v", m, got)
		}
		if got, want := DurationCDF(2, m), math.Exp(m*(math.Exp(-m)-1)); math.Abs(got-want) > closedFormTol {
			t.Errorf("P(D≤2; m=%v) = %v want %v", m, got, want)
		}
	}
	if r := BorelPMF(1000, 1) / (math.Pow(1000, -1.5) / math.Sqrt(2*math.Pi)); math.Abs(r-0.99992) > 1e-5 {
		t.Errorf("Borel asymptotic ratio at n = 1000: %.5f, spec 0.99992", r)
	}
	pmf := DurationPMFTo(make([]float64, 5), 1)
	for d, want := range []float64{0.36788, 0.16358, 0.09445, 0.06200, 0.04400} {
		if math.Abs(pmf[d]-want) > quoted {
			t.Errorf("P(D=%d) = %.6f, spec %.5f", d+1, pmf[d], want)
		}
		if got := DurationPMF(d+1, 1); math.Abs(got-pmf[d]) > closedFormTol {
			t.Errorf("DurationPMF(%d) = %v vs DurationPMFTo %v", d+1, got, pmf[d])
		}
	}
	if got := 1000 * (1 - DurationCDF(1000, 1)); math.Abs(got-1.992) > 5e-4 {
		t.Errorf("d·P(D>d) at d = 1000: %.4f, spec 1.992", got)
	}
	// Borel sums to 1 below criticality.
	s := 0.0
	for n := 1; n <= 2000; n++ {
		s += BorelPMF(n, 0.5)
	}
	if math.Abs(s-1) > 1e-12 {
		t.Errorf("Σ Borel(m=0.5) = %.15f", s)
	}
	if got := CracklingGamma(1.5, 2); got != 2 {
		t.Errorf("γ = %v, want 2", got)
	}
}

// TestGeneratorMoments is MR-2 (criticality.md): 10 × 10⁵ steps at m = 0.9,
// a = 100: mean 100 ± 2 %, Var/mean 5.263 ± 5 %; and the §2 design test that
// the Fano factor follows 1/(1−m²) across m.
func TestGeneratorMoments(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	full, _, err := SimulateDriven(rng, Driven{M: 0.9, Mean: 100, Length: 100000, Trials: 10})
	if err != nil {
		t.Fatal(err)
	}
	mean, fano := moments(full)
	if math.Abs(mean/100-1) > 0.02 {
		t.Errorf("MR-2: mean %.3f, want 100 ± 2 %%", mean)
	}
	if math.Abs(fano/5.263-1) > 0.05 {
		t.Errorf("MR-2: Var/mean %.3f, want 5.263 ± 5 %%", fano)
	}
	// fanoTol: the variance of a correlated series has relative SE ≈
	// √(2(1+m²)/((1−m²)N)); at m = 0.98, N = 5·10⁵ that is ≈ 2 %, so 8 % is
	// four SE.
	const fanoTol = 0.08
	for _, m := range []float64{0, 0.5, 0.9, 0.98} {
		full, _, err := SimulateDriven(rng, Driven{M: m, Mean: 50, Length: 50000, Trials: 10})
		if err != nil {
			t.Fatal(err)
		}
		_, f := moments(full)
		if math.Abs(f/FanoFactor(m)-1) > fanoTol {
			t.Errorf("Fano at m = %v: %.3f, theory %.3f", m, f, FanoFactor(m))
		}
	}
}

func moments(x [][]float64) (mean, fano float64) {
	var s, s2, n float64
	for _, tr := range x {
		for _, v := range tr {
			s += v
			s2 += v * v
			n++
		}
	}
	mean = s / n
	return mean, (s2/n - mean*mean) / mean
}

// TestSubsampledCorrelation checks r₁ of the subsampled process against
// b·m: 10 × 2·10⁴ at m = 0.98, p = 0.02 (table: 0.3308 ± 0.0046).
func TestSubsampledCorrelation(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	_, obs, err := SimulateDriven(rng, Driven{M: 0.98, Mean: 1000, Length: 20000, Trials: 10, Subsample: 0.02})
	if err != nil {
		t.Fatal(err)
	}
	var sxy, sxx, mx, my, n float64
	for _, tr := range obs {
		for i := 0; i+1 < len(tr); i++ {
			mx += tr[i]
			my += tr[i+1]
			n++
		}
	}
	mx /= n
	my /= n
	for _, tr := range obs {
		for i := 0; i+1 < len(tr); i++ {
			sxy += (tr[i] - mx) * (tr[i+1] - my)
			sxx += (tr[i] - mx) * (tr[i] - mx)
		}
	}
	want := SubsamplingFactor(0.02, 0.98) * 0.98
	if got := sxy / sxx; math.Abs(got-want) > 4*0.0046 {
		t.Errorf("r₁ = %.4f, b·m = %.4f (4 SD = %.4f)", got, want, 4*0.0046)
	}
}

// TestAvalancheSimulation is AV-2 and AV-6 (criticality.md §5.4).
func TestAvalancheSimulation(t *testing.T) {
	const n = 200000
	rng := rand.New(rand.NewPCG(4, 4))
	av, err := SimulateAvalanches(rng, 1, n, &AvalancheOptions{MaxSize: 1000000})
	if err != nil {
		t.Fatal(err)
	}
	sizeCount := make([]float64, 4)
	durCount := make([]float64, 4)
	for _, a := range av {
		if a.Size <= 3 {
			sizeCount[a.Size]++
		}
		if a.Duration <= 3 {
			durCount[a.Duration]++
		}
	}
	for k := 1; k <= 3; k++ {
		for _, c := range []struct {
			what string
			got  float64
			want float64
		}{{"S", sizeCount[k] / n, BorelPMF(k, 1)}, {"D", durCount[k] / n, DurationPMF(k, 1)}} {
			// AV-2 tolerance: ± 4 binomial SE.
			tol := 4 * math.Sqrt(c.want*(1-c.want)/n)
			if math.Abs(c.got-c.want) > tol {
				t.Errorf("AV-2: P(%s=%d) = %.4f, want %.4f ± %.4f", c.what, k, c.got, c.want, tol)
			}
		}
	}
	// AV-6: m = 0.9, mean size 1/(1−m) = 10 and P(S=1) = e^{−0.9}, ± 4 SE
	// (Borel variance m/(1−m)³ = 900).
	const n6 = 100000
	av, err = SimulateAvalanches(rng, 0.9, n6, nil)
	if err != nil {
		t.Fatal(err)
	}
	var sum, ones float64
	for _, a := range av {
		sum += float64(a.Size)
		if a.Size == 1 {
			ones++
		}
	}
	if se := math.Sqrt(900.0 / n6); math.Abs(sum/n6-10) > 4*se {
		t.Errorf("AV-6: mean size %.3f, want 10 ± %.3f", sum/n6, 4*se)
	}
	p1 := math.Exp(-0.9)
	if se := math.Sqrt(p1 * (1 - p1) / n6); math.Abs(ones/n6-p1) > 4*se {
		t.Errorf("AV-6: P(S=1) = %.4f, want %.4f ± %.4f", ones/n6, p1, 4*se)
	}
	if _, err := SimulateAvalanches(rng, 1, 0, nil); err == nil {
		t.Error("zero avalanches: want error")
	}
}

func TestValidate(t *testing.T) {
	bad := []Driven{
		{M: 1, Mean: 1, Length: 1, Trials: 1},
		{M: 0.5, Mean: 0, Length: 1, Trials: 1},
		{M: 0.5, Mean: 1, Length: 0, Trials: 1},
		{M: 0.5, Mean: 1, Length: 1, Trials: 1, Subsample: 2},
	}
	for _, d := range bad {
		if d.Validate() == nil {
			t.Errorf("%+v: want validation error", d)
		}
	}
	if err := DefaultDriven().Validate(); err != nil {
		t.Error(err)
	}
}
