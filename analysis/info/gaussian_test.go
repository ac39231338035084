package info

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// TestGaussianEstimatorsUnbiased: with the Wishart correction the
// covariance estimators of entropy, MI, copula MI and total correlation
// are unbiased for Gaussian data (mean over 300 data sets of N = 200
// within 4 SE of the closed forms), the uncorrected ones are not, and the
// analytic entropy SE matches the spread.
func TestGaussianEstimatorsUnbiased(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 1))
	const d, n, reps = 4, 200, 300
	sigma := equicorrelated(d, 0.4)
	sigma.SetSym(0, 1, 0.7)
	mvn := newMVN(sigma)
	hTrue, _ := GaussianEntropy(sigma)
	iTrue, _ := GaussianMI(sigma, 2)
	tcTrue, _ := GaussianTotalCorrelation(sigma)
	var h, hr, hse, mi, mir, cop, tc []float64
	for range reps {
		z := mvn.draw(rng, n)
		x, y := make([][]float64, n), make([][]float64, n)
		for i, row := range z {
			x[i], y[i] = row[:2], row[2:]
		}
		e, err := GaussianEntropyEstimate(z, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, hr, hse = append(h, e.Value), append(hr, e.Plugin), append(hse, e.StdErr)
		m, _ := GaussianMIEstimate(x, y, nil)
		mi, mir = append(mi, m.Value), append(mir, m.Plugin)
		// a monotone transform of each marginal leaves the copula MI unchanged in law
		xt := make([][]float64, n)
		for i := range x {
			xt[i] = []float64{math.Exp(x[i][0]), x[i][1] * x[i][1] * x[i][1]}
		}
		c, _ := GaussianCopulaMI(xt, y, nil)
		cop = append(cop, c.Value)
		tce, _ := GaussianTCEstimate(z, nil)
		tc = append(tc, tce.Value)
	}
	check := func(name string, v []float64, truth float64) {
		m, sd := stat.MeanStdDev(v, nil)
		if math.Abs(m-truth) > 4*sd/math.Sqrt(reps) {
			t.Errorf("%s: mean %.5f vs truth %.5f (4 SE = %.5f)", name, m, truth, 4*sd/math.Sqrt(reps))
		}
		t.Logf("%s: mean %.5f, truth %.5f, SD %.4f", name, m, truth, sd)
	}
	check("entropy (Wishart)", h, hTrue)
	check("MI (Wishart)", mi, iTrue)
	check("total correlation (Wishart)", tc, tcTrue)
	// the copula's rank transform costs a little information in finite
	// samples (normal scores are not exactly Gaussian): within 0.02 nats
	if m := stat.Mean(cop, nil); math.Abs(m-iTrue) > 0.02 {
		t.Errorf("copula MI mean %.4f vs %.4f", m, iTrue)
	}
	if m, _ := stat.MeanStdDev(hr, nil); math.Abs(m-hTrue) < 0.02 {
		t.Errorf("raw entropy mean %.4f is not visibly biased (truth %.4f)", m, hTrue)
	}
	if m := stat.Mean(mir, nil); !(m > iTrue) {
		t.Errorf("raw MI mean %.4f not above the truth %.4f", m, iTrue)
	}
	_, sd := stat.MeanStdDev(h, nil)
	if se := stat.Mean(hse, nil); math.Abs(se/sd-1) > 0.15 {
		t.Errorf("analytic entropy SE %.4f vs spread %.4f", se, sd)
	}
}

// TestGaussianStimulusMI: responses r = μ_s + noise with noise N(0, Σ_N)
// for two equiprobable stimuli: with Σ_R = Σ_N + Σ_between the formula
// ½ ln(|Σ_R|/|Σ_N|) is the Gaussian bound; the estimate matches it.
func TestGaussianStimulusMI(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	n := 20000
	sn := mat.NewSymDense(2, []float64{1, 0.3, 0.3, 1})
	mvn := newMVN(sn)
	mu := [][]float64{{-0.5, 0}, {0.5, 0.2}}
	s := make([]int, n)
	r := make([][]float64, n)
	noise := mvn.draw(rng, n)
	for i := range n {
		s[i] = i % 2
		r[i] = []float64{mu[s[i]][0] + noise[i][0], mu[s[i]][1] + noise[i][1]}
	}
	// Σ_R = Σ_N + Cov(μ_s) = Σ_N + ¼ Δμ Δμᵀ
	dm := []float64{1, 0.2}
	sr := mat.NewSymDense(2, nil)
	for a := range 2 {
		for b := a; b < 2; b++ {
			sr.SetSym(a, b, sn.At(a, b)+dm[a]*dm[b]/4)
		}
	}
	lr, _ := LogDet(sr)
	ln, _ := LogDet(sn)
	want := 0.5 * (lr - ln)
	e, err := GaussianStimulusMI(s, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(e.Value-want) > 0.01 {
		t.Errorf("Gaussian stimulus MI %.4f, formula %.4f", e.Value, want)
	}
	q, h := GeometricMaxEnt(2)
	// P(k) = (1/3)(2/3)^k: H = −Σ P ln P summed to convergence
	hs := 0.0
	for k := range 400 {
		p := (1 - q) * math.Pow(q, float64(k))
		hs -= p * math.Log(p)
	}
	if math.Abs(q-2.0/3) > 1e-15 || math.Abs(h-hs) > 1e-12 {
		t.Errorf("geometric: q %v, H %v vs summed %v", q, h, hs)
	}
}

// TestKSG2Gaussian: algorithm 2 on N = 2000 bivariate Gaussians (20
// reps) is within 0.03 of the closed form for ρ = 0, 0.5, 0.9 (the
// bias/variance scale of IT-3).
func TestKSG2Gaussian(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	for _, rho := range []float64{0, 0.5, 0.9} {
		var v []float64
		for r := range 20 {
			x, y := bivariate(rng, 2000, rho)
			e, err := KSG(x, y, KSG2, &KNNOptions{K: 3, Seed: uint64(r)})
			if err != nil {
				t.Fatal(err)
			}
			v = append(v, e.Value)
		}
		m := stat.Mean(v, nil)
		if math.Abs(m-GaussianMIFromRho(rho)) > 0.03 {
			t.Errorf("KSG2 ρ = %v: mean %.4f, true %.4f", rho, m, GaussianMIFromRho(rho))
		}
	}
}
