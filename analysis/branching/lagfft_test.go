package branching

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"
)

// ar1 returns a stationary AR(1) series x_t = m·x_{t−1} + ε_t + mean with
// unit Gaussian noise: its autocorrelation is m^k, so r_k is far from 0 for
// the lags checked below and a relative comparison is meaningful.
func ar1(rng *rand.Rand, length int, m, mean float64) []float64 {
	x := make([]float64, length)
	v := rng.NormFloat64() / math.Sqrt(1-m*m)
	for t := range x {
		v = m*v + rng.NormFloat64()
		x[t] = v + mean
	}
	return x
}

// TestCoefficientsLongSeries is the issue-13 regression: 2 874 083 bins with
// the default k_max = ⌊L/10⌋ made the old code pick the FFT length
// 2·3¹³ = 3 188 646, whose 14 radix factors overflow gonum's 15-entry factor
// table (a panic in fourier.NewFFT). Coefficients must run and agree with the
// direct O(L) sum at every lag checked. An FFT correlation carries an
// absolute error of about ε·log₂N·√L relative to r₀ = 1 (here ≈ 4e-12, seen
// in the first run), so the tolerance is MR-7's 1e-10 taken relative to r₀,
// i.e. absolute on r_k.
func TestCoefficientsLongSeries(t *testing.T) {
	const length = 2874083
	const absTol = 1e-10 // MR-7 (criticality.md), relative to r₀ = 1
	rng := rand.New(rand.NewPCG(13, 1))
	data := [][]float64{ar1(rng, length, 0.99, 50)}
	got, err := Coefficients(data, &CoefficientOptions{Method: StationaryMean})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(got.Steps); n != length/10 || got.Steps[n-1] != length/10 {
		t.Fatalf("default lags: %d steps ending at %d, want 1..%d", n, got.Steps[n-1], length/10)
	}
	// Small and large lags, around powers of two, and the largest lag.
	check := []int{1, 2, 3, 100, 511, 512, 513, 1000, 262144, length / 10}
	want := naiveCoefficients(data, check, StationaryMean)
	for i, k := range check {
		if d := math.Abs(got.Coefficients[k-1] - want[i]); d > absTol {
			t.Errorf("k=%d: FFT %.15g, direct %.15g (|Δ| %.2g > %g)", k, got.Coefficients[k-1], want[i], d, absTol)
		}
	}
}

// directLagProducts is the O(L·k) reference: s_k = Σ_{t<L−k} x_t x_{t+k}.
func directLagProducts(x []float64, kmax int) []float64 {
	out := make([]float64, kmax+1)
	for k := range out {
		for t := 0; t+k < len(x); t++ {
			out[k] += x[t] * x[t+k]
		}
	}
	return out
}

// TestLagProductsSegments checks the segmented power-of-two FFT against the
// direct sums for lengths and lags that exercise one segment, many
// segments, a partial last segment, k_max equal to the segment length and
// k_max = L−1. Rounding of an FFT correlation is about ε·log₂N·Σx², so the
// tolerance is relative to s₀ = Σx².
func TestLagProductsSegments(t *testing.T) {
	const relTol = 1e-12 // ≫ ε·log₂N ≈ 5e-15 for N ≤ 2^14, ≪ any real difference
	rng := rand.New(rand.NewPCG(5, 5))
	for _, c := range []struct{ length, kmax int }{
		{10, 9}, {100, 60}, {1000, 1}, {1000, 49}, {1000, 999}, {4096, 1024}, {5000, 1024}, {5000, 1025}, {20011, 300}, {70000, 2500},
	} {
		x := ar1(rng, c.length, 0.9, 0)
		p, err := newLagPlan(c.length, c.kmax)
		if err != nil {
			t.Fatal(err)
		}
		got := p.products(make([]float64, c.kmax+1), x, 1, 0)
		want := directLagProducts(x, c.kmax)
		for k := range want {
			if d := math.Abs(got[k]-want[k]) / want[0]; d > relTol {
				t.Errorf("L=%d kmax=%d (segment %d): k=%d got %.15g want %.15g (|Δ|/s₀ %.2g)", c.length, c.kmax, p.seg, k, got[k], want[k], d)
				break
			}
		}
	}
}

// TestLagPlanSizes checks the segment lengths planned for long series:
// 2^27 bins with the default k_max (the 1 MB .npz of zeros), the
// issue's 2 874 083 bins, the largest supported k_max, and a tiny series:
// always a power of two ≥ k_max, and k_max beyond the limit is an error.
func TestLagPlanSizes(t *testing.T) {
	for _, c := range []struct{ length, kmax int }{
		{1 << 27, (1 << 27) / 10}, {2874083, 287408}, {1 << 40, maxFFTLag}, {3, 1},
	} {
		seg, err := lagSegment(c.length, c.kmax)
		if err != nil {
			t.Fatalf("L=%d kmax=%d: %v", c.length, c.kmax, err)
		}
		if seg < c.kmax || seg > 2*max(c.kmax, minFFTSegment) || seg&(seg-1) != 0 {
			t.Errorf("L=%d kmax=%d: segment %d (want a power of two in [kmax, 2·max(kmax, %d)])", c.length, c.kmax, seg, minFFTSegment)
		}
	}
	if _, err := lagSegment(1<<40, maxFFTLag+1); err == nil {
		t.Errorf("kmax beyond %d accepted", maxFFTLag)
	}
}

// singleFFTLagProducts is the pre-issue-13 implementation, kept as a
// reference: one transform of the smallest 2^a·3^b·5^c length ≥ L+kmax
// (valid only where gonum can factor that length).
func singleFFTLagProducts(x []float64, kmax int) []float64 {
	minN := len(x) + kmax
	nfft := math.MaxInt
	for p2 := 1; p2 < 2*minN; p2 *= 2 {
		for p3 := p2; p3 < 2*minN; p3 *= 3 {
			for p5 := p3; p5 < 2*minN; p5 *= 5 {
				if p5 >= minN && p5 < nfft {
					nfft = p5
				}
			}
		}
	}
	fft := fourier.NewFFT(nfft)
	buf := make([]float64, nfft)
	copy(buf, x)
	coef := fft.Coefficients(nil, buf)
	for j, z := range coef {
		coef[j] = complex(real(z)*real(z)+imag(z)*imag(z), 0)
	}
	acf := fft.Sequence(buf, coef)
	out := make([]float64, kmax+1)
	for k := range out {
		out[k] = acf[k] / float64(nfft)
	}
	return out
}

// TestLagProductsMatchPrevious: the segmented power-of-two FFT gives the
// same lag products as the previous single-transform FFT to rounding, at the
// benchmark sizes (10⁵ bins, k ≤ 2500) and on 10⁶ bins. Both carry
// ε·log₂N-sized errors relative to s₀ = Σx²; 1e-13 is ≈ 60× the largest
// difference seen (1.6e-15).
func TestLagProductsMatchPrevious(t *testing.T) {
	const relTol = 1e-13
	rng := rand.New(rand.NewPCG(6, 6))
	for _, c := range []struct{ length, kmax int }{{100000, 2500}, {20000, 250}, {10000, 50}, {1000000, 100000}} {
		x := ar1(rng, c.length, 0.999, 0)
		p, err := newLagPlan(c.length, c.kmax)
		if err != nil {
			t.Fatal(err)
		}
		got := p.products(make([]float64, c.kmax+1), x, 1, 0)
		want := singleFFTLagProducts(x, c.kmax)
		worst := 0.0
		for k := range want {
			worst = max(worst, math.Abs(got[k]-want[k])/want[0])
		}
		t.Logf("L=%d kmax=%d: max |Δs_k|/s₀ = %.2g", c.length, c.kmax, worst)
		if worst > relTol {
			t.Errorf("L=%d kmax=%d: segmented and single FFT differ by %.2g·s₀ > %g", c.length, c.kmax, worst, relTol)
		}
	}
}

// TestRealFFT checks the transform against the O(n²) DFT definition
// X_k = Σ_t x_t e^{−2πi·tk/n} (math/cmplx, independent of the butterflies)
// and the inverse against the input. Rounding of a radix-2 FFT grows as
// ε·log₂n·‖x‖; 1e-12·Σ|x| is far above it and far below any indexing or
// sign error (those are O(‖x‖)).
func TestRealFFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{2, 4, 8, 16, 64, 512, 2048} {
		x := make([]float64, n)
		norm := 0.0
		for i := range x {
			x[i] = rng.NormFloat64() + 3
			norm += math.Abs(x[i])
		}
		p := newRealFFT(n)
		got := make([]complex128, n/2+1)
		p.forward(got, x)
		for k := range got {
			var want complex128
			for tt, v := range x {
				want += complex(v, 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(tt*k%n)/float64(n)))
			}
			if d := cmplx.Abs(got[k] - want); d > 1e-12*norm {
				t.Fatalf("n=%d: X_%d = %v, DFT %v (|Δ| %.2g)", n, k, got[k], want, d)
			}
		}
		back := make([]float64, n)
		p.inverse(back, got)
		for i := range x {
			if d := math.Abs(back[i] - x[i]); d > 1e-12*norm/float64(n) {
				t.Fatalf("n=%d: inverse(forward(x))_%d = %v, want %v", n, i, back[i], x[i])
			}
		}
	}
}

// BenchmarkLagProducts isolates the lag products at the benchmark lengths
// (one trial); compare with numpy's rfft+irfft of the same data.
func BenchmarkLagProducts1e5k2500(b *testing.B) {
	x := ar1(rand.New(rand.NewPCG(1, 1)), 100000, 0.99, 0)
	p, err := newLagPlan(len(x), 2500)
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float64, 2501)
	for b.Loop() {
		p.products(dst, x, 1, 0)
	}
}

// TestCoefficientsBytes: Coefficients allocates almost nothing it does not
// keep, so the bytes it allocates in total (runtime.MemStats.TotalAlloc, an
// upper bound on its peak) must stay within CoefficientsBytes, for the
// direct and FFT paths, both methods and with bootstrap replicas.
func TestCoefficientsBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, c := range []struct {
		trials, length int
		o              CoefficientOptions
	}{
		{3, 5000, CoefficientOptions{Steps: []int{1, 2, 5, 10}}},
		{4, 20000, CoefficientOptions{Method: StationaryMean, KMax: 2000, NumBoot: 50}},
		{2, 100000, CoefficientOptions{Method: TrialSeparated, KMax: 10000, KStep: 3, NumBoot: 10}},
		{1, 300000, CoefficientOptions{}},
	} {
		data := make([][]float64, c.trials)
		for i := range data {
			data[i] = ar1(rng, c.length, 0.9, 10)
		}
		bound, err := CoefficientsBytes(c.trials, c.length, &c.o)
		if err != nil {
			t.Fatal(err)
		}
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		if _, err := Coefficients(data, &c.o); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&b)
		got := b.TotalAlloc - a.TotalAlloc
		t.Logf("%d × %d %+v: allocated %d, bound %d", c.trials, c.length, c.o, got, bound)
		if got > uint64(bound) {
			t.Errorf("%d × %d: Coefficients allocated %d bytes > CoefficientsBytes %d", c.trials, c.length, got, bound)
		}
	}
}

// TestStepCount: StepCount (used for memory bounds, no allocation) agrees
// with the lags Coefficients resolves.
func TestStepCount(t *testing.T) {
	for _, c := range []struct {
		length int
		o      CoefficientOptions
	}{
		{1000, CoefficientOptions{}}, {1000, CoefficientOptions{KMin: 3, KMax: 97, KStep: 7}},
		{50, CoefficientOptions{Steps: []int{9, 2, 40}}}, {2874083, CoefficientOptions{KStep: 10}},
	} {
		steps, err := resolveSteps(&c.o, c.length)
		if err != nil {
			t.Fatal(err)
		}
		n, kmax, err := StepCount(c.length, &c.o)
		if err != nil || n != len(steps) || kmax != slices.Max(steps) {
			t.Errorf("L=%d %+v: StepCount = %d, %d, %v; lags %d, max %d", c.length, c.o, n, kmax, err, len(steps), slices.Max(steps))
		}
	}
	if _, _, err := StepCount(10, &CoefficientOptions{KMax: 20}); !errors.Is(err, ErrTooShort) {
		t.Errorf("k_max beyond L: %v", err)
	}
}
