package noisyrate

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/engramsim/engram/analysis/info"
)

// TestLY1Scalar is spec LY-1: τ dx/dt = −(1 − a)x + ξ, ⟨ξξ⟩ = q δ →
// Σ = q/(2τ(1 − a)) to 1e-12.
func TestLY1Scalar(t *testing.T) {
	for _, c := range []struct{ tau, a, q float64 }{{10, 0.5, 2}, {1, -3, 0.1}, {20, 0.95, 1}} {
		m := &Model{M: mat.NewDense(1, 1, []float64{c.a}), XBar: []float64{0}, TauMs: c.tau, F: Linear{Gain: 1}}
		l, err := m.Linearise()
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.Covariance(c.tau, Noise{Q: mat.NewSymDense(1, []float64{c.q})})
		if err != nil {
			t.Fatal(err)
		}
		want := c.q / (2 * c.tau * (1 - c.a))
		if math.Abs(s.At(0, 0)-want) > 1e-12*math.Max(1, want) {
			t.Errorf("τ = %v, a = %v: Σ = %.15g, want %.15g", c.tau, c.a, s.At(0, 0), want)
		}
	}
}

// randomStable returns a random n×n M scaled so that max Re λ(M) = target.
func randomStable(rng *rand.Rand, n int, target float64) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			m.Set(i, j, rng.NormFloat64()/math.Sqrt(float64(n)))
		}
	}
	var eig mat.Eigen
	eig.Factorize(m, mat.EigenNone)
	mx := math.Inf(-1)
	for _, e := range eig.Values(nil) {
		mx = math.Max(mx, real(e))
	}
	// shift-free scaling needs mx > 0; resample otherwise
	if mx <= 0 {
		return randomStable(rng, n, target)
	}
	m.Scale(target/mx, m)
	return m
}

// TestLyapunovNaive compares Bartels–Stewart with the Kronecker system
// (I ⊗ A + A ⊗ I) vec X = −vec C solved densely (fine for n ≤ 8), on
// matrices with complex eigenvalues (2×2 Schur blocks), to 1e-10.
func TestLyapunovNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, n := range []int{1, 2, 3, 5, 8} {
		m := randomStable(rng, n, 0.8)
		a := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				v := m.At(i, j)
				if i == j {
					v -= 1
				}
				a.Set(i, j, v)
			}
		}
		c := mat.NewSymDense(n, nil)
		for i := range n {
			for j := i; j < n; j++ {
				c.SetSym(i, j, rng.NormFloat64())
			}
			c.SetSym(i, i, float64(n)+rng.Float64())
		}
		x, err := SolveLyapunov(a, c)
		if err != nil {
			t.Fatal(err)
		}
		k := mat.NewDense(n*n, n*n, nil)
		rhs := make([]float64, n*n)
		for i := range n {
			for j := range n {
				row := j*n + i // column-major vec
				rhs[row] = -c.At(i, j)
				for p := range n {
					k.Set(row, j*n+p, k.At(row, j*n+p)+a.At(i, p)) // (A X)_ij
					k.Set(row, p*n+i, k.At(row, p*n+i)+a.At(j, p)) // (X Aᵀ)_ij
				}
			}
		}
		var v mat.VecDense
		if err := v.SolveVec(k, mat.NewVecDense(n*n, rhs)); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			for j := range n {
				if d := math.Abs(x.At(i, j) - v.AtVec(j*n+i)); d > 1e-10 {
					t.Fatalf("n = %d: X[%d][%d] = %v, Kronecker %v", n, i, j, x.At(i, j), v.AtVec(j*n+i))
				}
			}
		}
		if r := LyapunovResidual(a, x, c); r > 1e-10 {
			t.Errorf("n = %d: residual %g", n, r)
		}
	}
}

// TestLY2Simulation is spec LY-2: the Lyapunov covariance of a random
// stable 5-D linear system (max Re λ(DM) = 0.8) against a long
// Euler–Maruyama simulation: every entry within 3 SE (batch means).
//
// The Euler step's stationary covariance solves AΣ + ΣAᵀ − Δ AΣAᵀ = Q
// instead of AΣ + ΣAᵀ = Q: a relative variance bias ≈ |λ|²Δ/(2 Re λ) per
// mode of A = (I − DM)/τ. This seed's slowest modes are λ = 0.2 ± 1.84i
// (per ms, τ = 1 ms), so Δ = 0.005 ms biases the variance by +4.6 %
// (measured: the discrete-time Lyapunov solution exceeds the continuous
// one by 4.6 % on Σ₄₄) — 5 SE at 2·10⁴ ms, and the first version of this
// test failed on it. Δ = 5·10⁻⁴ ms brings the bias to ≈ 0.45 %, a quarter
// of the ≈ 1.9 % relative SE of 10⁴ ms (50 batches of 200 ms, 40 times the
// slowest correlation time 1/0.2 ms).
func TestLY2Simulation(t *testing.T) {
	dur := 10000.0
	if testing.Short() {
		dur = 2000
	}
	rng := rand.New(rand.NewPCG(2, 1))
	n := 5
	mm := randomStable(rng, n, 0.8)
	m := &Model{M: mm, XBar: make([]float64, n), TauMs: 1, F: Linear{Gain: 1}}
	q := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			v := 0.3
			if i == j {
				v = 1
			}
			q.SetSym(i, j, v)
		}
	}
	l, err := m.Linearise()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l.MaxReLambda-0.8) > 1e-9 {
		t.Fatalf("max Re λ = %v", l.MaxReLambda)
	}
	sigma, err := l.Covariance(1, Noise{Q: q})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := m.Simulate(context.Background(), Noise{Q: q}, SimOptions{DtMs: 0.0005, DurationMs: dur, BurnMs: 50, Batches: 50, Rand: rand.New(rand.NewPCG(2, 2))})
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range n {
		for j := i; j < n; j++ {
			z := (sim.Cov.At(i, j) - sigma.At(i, j)) / sim.CovSE.At(i, j)
			worst = math.Max(worst, math.Abs(z))
			if math.Abs(z) > 3 {
				t.Errorf("Σ[%d][%d]: simulated %.5f ± %.5f, Lyapunov %.5f (z = %.2f)", i, j, sim.Cov.At(i, j), sim.CovSE.At(i, j), sigma.At(i, j), z)
			}
		}
	}
	t.Logf("LY-2: largest |z| over the 15 entries = %.2f (%d steps, %d batches)", worst, sim.Steps, sim.Batches)
}

// TestLY3Unstable is spec LY-3: max Re λ(DM) ≥ 1 → error, no covariance.
func TestLY3Unstable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	for _, target := range []float64{1, 1.3} {
		m := &Model{M: randomStable(rng, 4, target), XBar: make([]float64, 4), TauMs: 5, F: Linear{Gain: 1}}
		l, err := m.Linearise()
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.Covariance(5, Noise{Q: identity(4)})
		if !errors.Is(err, ErrUnstable) || s != nil {
			t.Errorf("max Re λ = %v: err = %v, Σ = %v", target, err, s)
		}
	}
}

func identity(n int) *mat.SymDense {
	s := mat.NewSymDense(n, nil)
	for i := range n {
		s.SetSym(i, i, 1)
	}
	return s
}

// TestLY4Entropy is spec LY-4: the entropy of the Lyapunov Σ equals the
// Gaussian closed form of §2.2 (analysis/info.GaussianEntropy) to 1e-12.
func TestLY4Entropy(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	m := &Model{M: randomStable(rng, 6, 0.7), XBar: make([]float64, 6), TauMs: 3, F: Tanh{Amp: 1, Gain: 1}}
	for i := range m.XBar {
		m.XBar[i] = 0.3 * rng.NormFloat64()
	}
	l, err := m.Linearise()
	if err != nil {
		t.Fatal(err)
	}
	s, err := l.Covariance(3, Noise{Q: identity(6), TauXMs: 2})
	if err != nil {
		t.Fatal(err)
	}
	h, err := GaussianEntropy(s)
	if err != nil {
		t.Fatal(err)
	}
	want, err := info.GaussianEntropy(s)
	if err != nil || math.Abs(h-want) > 1e-12 {
		t.Errorf("entropy %.15f, info.GaussianEntropy %.15f (%v)", h, want, err)
	}
}

// TestOUWhiteLimit: OU input with τ_x → 0 and Q_ou = Q_white/(2τ_x) gives
// the white-noise covariance (to first order in τ_x/τ).
func TestOUWhiteLimit(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	n := 4
	m := &Model{M: randomStable(rng, n, 0.5), XBar: make([]float64, n), TauMs: 10, F: Linear{Gain: 1}}
	l, _ := m.Linearise()
	w, _ := l.Covariance(10, Noise{Q: identity(n)})
	tx := 1e-4
	q := identity(n)
	q.ScaleSym(1/(2*tx), q)
	o, err := l.Covariance(10, Noise{Q: q, TauXMs: tx})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		for j := range n {
			if d := math.Abs(o.At(i, j)-w.At(i, j)) / w.At(i, i); d > 1e-4 {
				t.Fatalf("[%d][%d]: OU %v, white %v", i, j, o.At(i, j), w.At(i, j))
			}
		}
	}
}

// TestFixedPoint: v* = F(x̄ + M v*) for a tanh network.
func TestFixedPoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	n := 10
	m := &Model{M: randomStable(rng, n, 0.9), XBar: make([]float64, n), TauMs: 10, F: Tanh{Amp: 2, Gain: 0.7}}
	for i := range m.XBar {
		m.XBar[i] = rng.NormFloat64()
	}
	v, err := m.FixedPoint()
	if err != nil {
		t.Fatal(err)
	}
	h := m.Input(v)
	for i := range v {
		if d := math.Abs(m.F.F(h[i]) - v[i]); d > 1e-12 {
			t.Errorf("unit %d residual %g", i, d)
		}
	}
}
