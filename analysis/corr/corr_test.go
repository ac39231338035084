package corr

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"

	"github.com/engramsim/engram/analysis/spiketrain"
)

// TestHO1CuBICElephant is spec HO-1 (elephant's unit test): 300 bins of
// value 10 and 99 700 zeros → ξ̂ = 10 after exactly 10 tests, all p < 0.05
// but the last (spec: last p = 0.538).
//
// The spec lists k = (0.03, 0.29912, 2.97310); the exact k-statistics of
// these data are (0.03, 0.2991030, 2.9731432) — the same from elephant's
// formula evaluated in numpy float64 and from scipy.stats.kstat — so the
// spec's k₂ and k₃ carry a transcription error in the fifth digit; they
// are checked here against the exact values (1e-9) and against the
// spec's to its evident precision (5e-5).
func TestHO1CuBICElephant(t *testing.T) {
	data := make([]float64, 100000)
	for i := range 300 {
		data[i] = 10
	}
	r, err := CuBIC(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.XiHat != 10 || len(r.PValues) != 10 || r.Aborted {
		t.Fatalf("ξ̂ = %d after %d tests (aborted %v), want 10 after 10", r.XiHat, len(r.PValues), r.Aborted)
	}
	for i, p := range r.PValues[:9] {
		if p >= 0.05 {
			t.Errorf("p(%d) = %v ≥ 0.05", i+1, p)
		}
	}
	last := r.PValues[9]
	t.Logf("HO-1: k = (%.7g, %.7g, %.7g), p = %.4g", r.K.K1, r.K.K2, r.K.K3, r.PValues)
	if math.Abs(last-0.538) > 5e-4 {
		t.Errorf("last p = %.4f, spec 0.538", last)
	}
	if math.Abs(r.K.K1-0.03) > 1e-12 || math.Abs(r.K.K2-0.2991029910299103) > 1e-9 || math.Abs(r.K.K3-2.9731431937011825) > 1e-9 {
		t.Errorf("k = %+v, want exact (0.03, 0.29910299, 2.97314319)", r.K)
	}
	if math.Abs(r.K.K2-0.29912) > 5e-5 || math.Abs(r.K.K3-2.97310) > 5e-5 {
		t.Errorf("k = %+v far from the spec's (0.29912, 2.97310)", r.K)
	}
}

// cubicRep runs CuBIC as the spec's acceptance tests need it: a count
// with k₂ < k₁ (which independent Poisson counts give in about half the
// data sets, and weak injected synchrony often) is an error by the spec's
// precondition (HO-4); there H₀(1) is not rejected — the variance shows no
// excess over Poisson — so it counts as ξ̂ = 1 (ordered). The spec does
// not say how its numpy runs treated these data sets; running the test
// without the check (NoOrderCheck) is reported and asserted next to it.
// Measured (seeds below): HO-2 98.0 % (97.2 % unchecked) vs numpy 95.2 %
// — 2.5 SE apart, both above the 92 % threshold; HO-3 P(ξ̂ ≤ ξ) = 0.995 /
// 0.970 / 0.990 with medians 1 / 3 / 8 vs numpy 0.99 / 0.95 / 1.00 and
// 1 / 4 / 8 (the ξ = 5 median is one lower; the spec's bound ξ/2 holds).
func cubicRep(t *testing.T, k []float64) (ordered, unchecked int, sub bool) {
	r, err := CuBIC(k, nil)
	switch {
	case errors.Is(err, ErrCuBICOrder):
		ordered, sub = 1, true
	case err != nil:
		t.Fatal(err)
	default:
		ordered = r.XiHat
	}
	u, err := CuBIC(k, &CuBICOptions{NoOrderCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	return ordered, u.XiHat, sub
}

// TestHO2CuBICIndependent is spec HO-2: 20 independent Poisson trains at
// 10 Hz, 10 s, 100 ms bins, 500 reps: ξ̂ = 1 in ≥ 92 % (numpy: 95.2 %).
func TestHO2CuBICIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	const reps = 500 // spec HO-2
	ones, onesU, subs := 0, 0, 0
	for range reps {
		tr := PoissonTrains(rng, 20, 10, 10000)
		k, _ := tr.PopulationCounts(100, nil)
		x, xu, sub := cubicRep(t, k)
		if x == 1 {
			ones++
		}
		if xu == 1 {
			onesU++
		}
		if sub {
			subs++
		}
	}
	frac, fracU := float64(ones)/reps, float64(onesU)/reps
	t.Logf("HO-2: ξ̂ = 1 in %.1f %% of %d reps (%d with k₂ < k₁ counted as 1); without the check %.1f %% (spec numpy 95.2 %%)", 100*frac, reps, subs, 100*fracU)
	if frac < 0.92 || fracU < 0.92 {
		t.Errorf("ξ̂ = 1 in %.3f / %.3f of reps, want ≥ 0.92", frac, fracU)
	}
}

// TestHO3CuBICInjected is spec HO-3: CPP of 100 neurons at 5 Hz with
// order-ξ events at ν, T = 100 s, b = 5 ms, 200 reps: P(ξ̂ ≤ ξ) ≥ 0.9 and
// median ξ̂ ≥ ξ/2 for ξ ≥ 5 (numpy: 0.99 / 0.95 / 1.00, medians 1 / 4 / 8).
func TestHO3CuBICInjected(t *testing.T) {
	reps := 200 // spec HO-3
	if testing.Short() {
		reps = 20
	}
	for _, c := range []struct {
		xi int
		nu float64
	}{{2, 2}, {5, 1}, {10, 0.5}} {
		cpp, err := InjectedCPP(100, 5, c.xi, c.nu)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(3, uint64(c.xi)))
		var xs, xus []float64
		below, belowU, subs := 0, 0, 0
		for range reps {
			tr, _ := cpp.Generate(rng, 100000)
			k, _ := tr.PopulationCounts(5, nil)
			x, xu, sub := cubicRep(t, k)
			xs, xus = append(xs, float64(x)), append(xus, float64(xu))
			if x <= c.xi {
				below++
			}
			if xu <= c.xi {
				belowU++
			}
			if sub {
				subs++
			}
		}
		slices.Sort(xs)
		slices.Sort(xus)
		med, medU := stat.Quantile(0.5, stat.Empirical, xs, nil), stat.Quantile(0.5, stat.Empirical, xus, nil)
		frac, fracU := float64(below)/float64(reps), float64(belowU)/float64(reps)
		t.Logf("HO-3 ξ = %d, ν = %v Hz: P(ξ̂ ≤ ξ) = %.3f, median ξ̂ = %v (%d of %d reps with k₂ < k₁); without the check %.3f, median %v",
			c.xi, c.nu, frac, med, subs, reps, fracU, medU)
		if frac < 0.9 || fracU < 0.9 {
			t.Errorf("ξ = %d: P(ξ̂ ≤ ξ) = %.3f / %.3f < 0.9", c.xi, frac, fracU)
		}
		if c.xi >= 5 && (med < float64(c.xi)/2 || medU < float64(c.xi)/2) {
			t.Errorf("ξ = %d: median ξ̂ = %v / %v < ξ/2", c.xi, med, medU)
		}
	}
}

// TestHO4CuBICValidation is spec HO-4.
func TestHO4CuBICValidation(t *testing.T) {
	if _, err := CuBIC([]float64{1, 1, 1, 1, 2}, nil); !errors.Is(err, ErrCuBICOrder) {
		t.Errorf("k₂ < k₁: err = %v", err)
	}
	data := make([]float64, 1000)
	for i := range 30 {
		data[i] = 50
	}
	for _, a := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := CuBIC(data, &CuBICOptions{Alpha: a}); err == nil {
			t.Errorf("α = %v accepted", a)
		}
	}
	r, err := CuBIC(data, &CuBICOptions{MaxOrder: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Aborted || r.XiHat != 4 || len(r.PValues) != 3 {
		t.Errorf("ξ_max = 3 exceeded: aborted %v, ξ̂ = %d, %d p-values; want true, 4, 3", r.Aborted, r.XiHat, len(r.PValues))
	}
}

// TestHO5IsingPair is spec HO-5: P00 = .5, P01 = P10 = .2, P11 = .1 →
// h = ln(P10/P00) = −0.916291, J = ln(P11 P00/(P10 P01)) = 0.223144 (1e-6).
func TestHO5IsingPair(t *testing.T) {
	// word index: bit 0 = unit 0, bit 1 = unit 1
	f, err := FitIsingPMF([]float64{0.5, 0.2, 0.2, 0.1}, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, j := math.Log(0.2/0.5), math.Log(0.1*0.5/0.04)
	if math.Abs(h+0.916291) > 1e-6 || math.Abs(j-0.223144) > 1e-6 {
		t.Fatalf("closed forms %v %v", h, j)
	}
	m := f.Model
	if math.Abs(m.H[0]-h) > 1e-6 || math.Abs(m.H[1]-h) > 1e-6 || math.Abs(m.J.At(0, 1)-j) > 1e-6 {
		t.Errorf("h = %v, J = %v; want %v, %v", m.H, m.J.At(0, 1), h, j)
	}
	// two units: the pairwise model is exact
	if math.Abs(f.KL) > 1e-9 || math.Abs(f.I2-f.IN) > 1e-9 {
		t.Errorf("KL %v, I2 %v, IN %v", f.KL, f.I2, f.IN)
	}
}

// TestHO6IsingRecovery is spec HO-6 [design]: N = 10 exact fit to 10⁶
// words drawn exactly from an Ising model with h ~ N(−2, 0.5),
// J ~ N(0, 0.3): fitted moments match the data to 1e-6, RMS(J) < 0.05.
func TestHO6IsingRecovery(t *testing.T) {
	samples := 1000000 // spec HO-6
	if testing.Short() {
		samples = 100000
	}
	rng := rand.New(rand.NewPCG(6, 1))
	n := 10
	truth := &IsingModel{N: n, H: make([]float64, n), J: mat.NewSymDense(n, nil)}
	for i := range n {
		truth.H[i] = -2 + 0.5*rng.NormFloat64()
		for j := i + 1; j < n; j++ {
			truth.J.SetSym(i, j, 0.3*rng.NormFloat64())
		}
	}
	b := truth.Sample(rng, samples)
	f, err := FitIsing(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	md := 0.0
	for a := range f.DataMoments {
		md = math.Max(md, math.Abs(f.DataMoments[a]-f.ModelMoments[a]))
	}
	var ss float64
	for i := range n {
		for j := i + 1; j < n; j++ {
			d := f.Model.J.At(i, j) - truth.J.At(i, j)
			ss += d * d
		}
	}
	rms := math.Sqrt(ss / float64(n*(n-1)/2))
	t.Logf("HO-6: %s, %d iterations, max moment error %.2g, RMS(J error) %.4f, I2/IN = %.3f (%d samples)", f.Method, f.Iterations, md, rms, f.Ratio, samples)
	if md > 1e-6 {
		t.Errorf("moments differ by %v > 1e-6", md)
	}
	if rms >= 0.05 && samples == 1000000 {
		t.Errorf("RMS(J) = %.4f ≥ 0.05", rms)
	}
}

// TestHO7IsingXOR is spec HO-7: the XOR triple's pairwise maxent fit is
// uniform (h = J = 0), I_2 = 0, I_N = 1 bit (1e-6).
func TestHO7IsingXOR(t *testing.T) {
	p := make([]float64, 8)
	for x := range 2 {
		for y := range 2 {
			p[x|y<<1|(x^y)<<2] = 0.25
		}
	}
	f, err := FitIsingPMF(p, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if math.Abs(f.Model.H[i]) > 1e-6 {
			t.Errorf("h[%d] = %v", i, f.Model.H[i])
		}
		for j := i + 1; j < 3; j++ {
			if math.Abs(f.Model.J.At(i, j)) > 1e-6 {
				t.Errorf("J[%d][%d] = %v", i, j, f.Model.J.At(i, j))
			}
		}
	}
	if math.Abs(f.I2) > 1e-6 || math.Abs(f.IN/math.Ln2-1) > 1e-6 {
		t.Errorf("I2 = %v, IN = %v bits", f.I2, f.IN/math.Ln2)
	}
}

// TestHO8DGPairs is spec HO-8: P11 and ρ_s of DG pairs (1e-4); the values
// also match scipy.stats.multivariate_normal.cdf (0.0171963, 0.0324015,
// 0.1281428).
func TestHO8DGPairs(t *testing.T) {
	for _, c := range []struct{ p, l, p11, rho float64 }{{0.1, 0.2, 0.01720, 0.0800}, {0.1, 0.5, 0.03240, 0.2489}, {0.3, 0.3, 0.12814, 0.1816}} {
		p11, rho := DGPair(c.p, c.p, c.l)
		if math.Abs(p11-c.p11) > 1e-4 || math.Abs(rho-c.rho) > 1e-4 {
			t.Errorf("p = %v, λ = %v: P11 = %.5f, ρ = %.4f; spec %v, %v", c.p, c.l, p11, rho, c.p11, c.rho)
		}
		l, err := DGLatentCorrelation(c.p, c.p, rho)
		if err != nil || math.Abs(l-c.l) > 1e-9 {
			t.Errorf("latent correlation %v (%v), want %v", l, err, c.l)
		}
	}
	// scipy.stats.multivariate_normal.cdf with abseps = releps = 1e-12
	for _, c := range []struct{ h, k, r, want float64 }{{0.3, -1.2, 0.7, 0.11212264787389378}, {-2, -2, 0.95, 0.01602448370426655}, {1, 0.5, -0.6, 0.5400228303155807}} {
		if got := BivariateNormalCDF(c.h, c.k, c.r); math.Abs(got-c.want) > 1e-10 {
			t.Errorf("Φ₂(%v, %v; %v) = %.15f, scipy %.15f", c.h, c.k, c.r, got, c.want)
		}
	}
}

// TestHO9DGPopulation is spec HO-9: DG N = 10, p = 0.1, λ = 0.3,
// 4·10⁵ samples: P(K = 0..4) = 0.5061, 0.2419, 0.1223, 0.0642, 0.0334
// (numpy) ± 0.005, far from the binomial 0.3487, 0.3874, 0.1937, 0.0574, 0.0112.
func TestHO9DGPopulation(t *testing.T) {
	dg, err := EquicorrelatedDG(10, 0.1, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	b := dg.Sample(rand.New(rand.NewPCG(9, 1)), 400000, 1)
	pk, err := CountDistribution(b.PopulationCounts())
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.5061, 0.2419, 0.1223, 0.0642, 0.0334}
	for k, w := range want {
		if math.Abs(pk[k]-w) > 0.005 {
			t.Errorf("P(K = %d) = %.4f, spec %.4f", k, pk[k], w)
		}
	}
	ind := PoissonBinomial(slices.Repeat([]float64{0.1}, 10))
	if math.Abs(ind[1]-0.3874) > 1e-4 {
		t.Errorf("binomial P(1) = %.4f", ind[1])
	}
	t.Logf("HO-9: P(K) = %.4f", pk[:5])
}

// TestHO10SharedSource is spec HO-10: two Poisson trains sharing a common
// source: ρ = ν_c/(ν_c + ν_p) within 3/√bins.
func TestHO10SharedSource(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 1))
	for _, c := range []struct{ nc, np float64 }{{2, 8}, {5, 5}, {1, 19}} {
		tr, err := SharedSourcePair(c.nc, c.np).Generate(rng, 200000)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := tr.Bin(20, nil)
		ps, err := CountCorrelation(b)
		if err != nil {
			t.Fatal(err)
		}
		want := c.nc / (c.nc + c.np)
		if math.Abs(ps.Mean-want) > 3/math.Sqrt(float64(b.Bins)) {
			t.Errorf("ν_c = %v, ν_p = %v: ρ = %.4f, want %.4f ± %.4f", c.nc, c.np, ps.Mean, want, 3/math.Sqrt(float64(b.Bins)))
		}
	}
}

// TestCrossCorrelogramNaive compares the FFT CCH with direct sums.
func TestCrossCorrelogramNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 7))
	x, y := make([]float64, 300), make([]float64, 300)
	for i := range x {
		x[i], y[i] = float64(rng.IntN(3)), float64(rng.IntN(2))
	}
	for _, centre := range []bool{false, true} {
		c := CrossCorrelogram(x, y, 25, centre)
		mx, my := 0.0, 0.0
		if centre {
			mx, my = mean(x), mean(y)
		}
		for k := -25; k <= 25; k++ {
			s := 0.0
			for t0 := range x {
				if t1 := t0 + k; t1 >= 0 && t1 < len(y) {
					s += (x[t0] - mx) * (y[t1] - my)
				}
			}
			if math.Abs(c[k+25]-s) > 1e-9 {
				t.Fatalf("lag %d: FFT %v, direct %v", k, c[k+25], s)
			}
		}
	}
}

// TestKStatisticsNaive: k-statistics against scipy.stats.kstat on a
// small sample, and the Poisson-binomial against enumeration.
func TestKStatisticsNaive(t *testing.T) {
	x := []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5}
	k, _ := KStatistics(x)
	// scipy.stats.kstat(x, n) for n = 1, 2, 3: 4.0, 5.6, 8.8
	if math.Abs(k.K1-4) > 1e-12 || math.Abs(k.K2-5.6) > 1e-12 || math.Abs(k.K3-8.8) > 1e-12 {
		t.Errorf("k = %+v; scipy 4, 5.6, 8.8", k)
	}
	p := []float64{0.1, 0.5, 0.7}
	pb := PoissonBinomial(p)
	for K := range 4 {
		s := 0.0
		for w := range 8 {
			c, q := 0, 1.0
			for i := range 3 {
				if w>>i&1 == 1 {
					c++
					q *= p[i]
				} else {
					q *= 1 - p[i]
				}
			}
			if c == K {
				s += q
			}
		}
		if math.Abs(pb[K]-s) > 1e-15 {
			t.Errorf("P(K = %d) = %v, enumeration %v", K, pb[K], s)
		}
	}
	a, bb, c := []float64{1, 0, 1, 1}, []float64{0, 0, 1, 1}, []float64{1, 1, 1, 0}
	// means 3/4, 1/2, 3/4; products of deviations: (1/4)(−1/2)(1/4), (−3/4)(−1/2)(1/4), (1/4)(1/2)(1/4), (1/4)(1/2)(−3/4)
	want := ((1.0/4)*(-1.0/2)*(1.0/4) + (-3.0/4)*(-1.0/2)*(1.0/4) + (1.0/4)*(1.0/2)*(1.0/4) + (1.0/4)*(1.0/2)*(-3.0/4)) / 4
	if got := ThirdCumulant(a, bb, c); math.Abs(got-want) > 1e-15 {
		t.Errorf("third cumulant %v, want %v", got, want)
	}
}

// TestPseudoLikelihood: on 10 units the pseudo-likelihood estimate is
// close to the exact fit on the same data.
func TestPseudoLikelihood(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	n := 8
	truth := &IsingModel{N: n, H: make([]float64, n), J: mat.NewSymDense(n, nil)}
	for i := range n {
		truth.H[i] = -1.5 + 0.3*rng.NormFloat64()
		for j := i + 1; j < n; j++ {
			truth.J.SetSym(i, j, 0.4*rng.NormFloat64())
		}
	}
	b := truth.Sample(rng, 20000)
	ex, err := FitIsing(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := FitIsing(b, &IsingOptions{PseudoLikelihood: true, Penalty: 1e-8})
	if err != nil {
		t.Fatal(err)
	}
	var ss float64
	for i := range n {
		for j := i + 1; j < n; j++ {
			d := pl.Model.J.At(i, j) - ex.Model.J.At(i, j)
			ss += d * d
		}
	}
	rms := math.Sqrt(ss / float64(n*(n-1)/2))
	t.Logf("pseudo-likelihood vs exact: RMS ΔJ = %.4f (converged %v, |g| %.2g)", rms, pl.Converged, pl.MaxGradient)
	if rms > 0.05 || !pl.Converged {
		t.Errorf("pseudo-likelihood J differs from the exact fit by RMS %.4f", rms)
	}
}

func TestCountCorrelationSilent(t *testing.T) {
	b, _ := spiketrain.FromMatrix([][]float64{{1, 0, 1, 0}, {0, 0, 0, 0}, {1, 0, 1, 1}}, 1)
	ps, err := CountCorrelation(b)
	if err != nil {
		t.Fatal(err)
	}
	if ps.Silent != 1 || ps.Pairs != 1 || !math.IsNaN(ps.Rho.At(0, 1)) {
		t.Errorf("%+v", ps)
	}
}
