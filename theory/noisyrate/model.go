package noisyrate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Transfer is a rate transfer function F and its derivative.
type Transfer interface {
	F(h float64) float64
	DF(h float64) float64
}

// Linear is F(h) = Gain·h (the linear model: the linearisation is exact).
type Linear struct{ Gain float64 }

func (l Linear) F(h float64) float64  { return l.Gain * h }
func (l Linear) DF(h float64) float64 { return l.Gain }

// Tanh is F(h) = Amp·tanh(Gain·h).
type Tanh struct{ Amp, Gain float64 }

func (t Tanh) F(h float64) float64 { return t.Amp * math.Tanh(t.Gain*h) }
func (t Tanh) DF(h float64) float64 {
	c := math.Cosh(t.Gain * h)
	return t.Amp * t.Gain / (c * c)
}

// Sigmoid is F(h) = RMax/(1 + exp(−Beta(h − H0))).
type Sigmoid struct{ RMax, Beta, H0 float64 }

func (s Sigmoid) F(h float64) float64 { return s.RMax / (1 + math.Exp(-s.Beta*(h-s.H0))) }
func (s Sigmoid) DF(h float64) float64 {
	f := 1 / (1 + math.Exp(-s.Beta*(h-s.H0)))
	return s.RMax * s.Beta * f * (1 - f)
}

// Model is the kernel-filtered rate network of spec §1,
//
//	τ dv/dt = −v + F(x(t) + M v),
//
// with v the synaptically filtered rates (exponential kernel of time
// constant τ) and x the input: mean XBar plus noise (see Noise).
type Model struct {
	// M is the N×N recurrent matrix, row i the inputs to unit i (post × pre).
	M *mat.Dense
	// XBar is the mean input x̄ (length N).
	XBar []float64
	// TauMs is the kernel time constant τ (ms, > 0).
	TauMs float64
	// F is the transfer function.
	F Transfer
}

// Noise is the input fluctuation δx. With TauXMs = 0 it is white noise of
// intensity Q (⟨δx(t)δx(t′)ᵀ⟩ = Q δ(t − t′), units² · ms); with TauXMs > 0
// an Ornstein–Uhlenbeck process of correlation time τ_x and stationary
// covariance Q (τ_x dδx = −δx dt + √(2τ_x) L dW, L Lᵀ = Q), whose white
// limit τ_x → 0 has intensity 2τ_x Q.
type Noise struct {
	Q      *mat.SymDense
	TauXMs float64
}

// N is the number of units.
func (m *Model) N() int { return len(m.XBar) }

// Validate checks shapes and parameters.
func (m *Model) Validate() error {
	n := m.N()
	if n == 0 || m.M == nil || m.F == nil {
		return fmt.Errorf("noisyrate: model needs M, XBar and F")
	}
	if r, c := m.M.Dims(); r != n || c != n {
		return fmt.Errorf("noisyrate: M is %d×%d for %d units", r, c, n)
	}
	if !(m.TauMs > 0) || math.IsInf(m.TauMs, 0) {
		return fmt.Errorf("noisyrate: τ = %v ms must be positive and finite", m.TauMs)
	}
	return nil
}

// FixedPoint solves v* = F(x̄ + M v*) by Newton's method (Jacobian
// I − D M) from v = F(x̄), with step halving; error if it does not
// converge to |residual| < 1e-12.
func (m *Model) FixedPoint() ([]float64, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	n := m.N()
	v := make([]float64, n)
	for i := range v {
		v[i] = m.F.F(m.XBar[i])
	}
	resid := func(v []float64) ([]float64, []float64, float64) {
		h := m.Input(v)
		r, d := make([]float64, n), make([]float64, n)
		mx := 0.0
		for i := range n {
			r[i] = m.F.F(h[i]) - v[i]
			d[i] = m.F.DF(h[i])
			mx = math.Max(mx, math.Abs(r[i]))
		}
		return r, d, mx
	}
	r, d, e := resid(v)
	for it := 0; it < 200 && e > 1e-12; it++ {
		j := mat.NewDense(n, n, nil) // I − D M
		for i := range n {
			for k := range n {
				val := -d[i] * m.M.At(i, k)
				if i == k {
					val++
				}
				j.Set(i, k, val)
			}
		}
		var step mat.VecDense
		if err := step.SolveVec(j, mat.NewVecDense(n, r)); err != nil {
			return nil, fmt.Errorf("noisyrate: fixed point: singular Jacobian: %v", err)
		}
		t := 1.0
		for range 50 {
			c := make([]float64, n)
			for i := range c {
				c[i] = v[i] + t*step.AtVec(i)
			}
			rc, dc, ec := resid(c)
			if ec < e || t < 1e-10 {
				v, r, d, e = c, rc, dc, ec
				break
			}
			t /= 2
		}
	}
	if e > 1e-12 {
		return nil, fmt.Errorf("noisyrate: fixed point did not converge (residual %g)", e)
	}
	return v, nil
}

// Input returns h = x̄ + M v.
func (m *Model) Input(v []float64) []float64 {
	h := make([]float64, m.N())
	for i := range h {
		s := m.XBar[i]
		for k, w := range m.M.RawRowView(i) {
			s += w * v[k]
		}
		h[i] = s
	}
	return h
}

// Linearisation is the model linearised at a fixed point:
// τ dδv/dt = −(I − DM) δv + D δx.
type Linearisation struct {
	V, H []float64 // v*, h* = x̄ + M v*
	D    []float64 // gains F′(h*)
	// DM is diag(D)·M and A = I − DM.
	DM, A *mat.Dense
	// MaxReLambda is max Re λ(DM); stable iff < 1.
	MaxReLambda float64
}

// Linearise computes the fixed point, gains and stability.
func (m *Model) Linearise() (*Linearisation, error) {
	v, err := m.FixedPoint()
	if err != nil {
		return nil, err
	}
	n := m.N()
	l := &Linearisation{V: v, H: m.Input(v), D: make([]float64, n), DM: mat.NewDense(n, n, nil), A: mat.NewDense(n, n, nil)}
	for i := range n {
		l.D[i] = m.F.DF(l.H[i])
		for k := range n {
			l.DM.Set(i, k, l.D[i]*m.M.At(i, k))
			a := -l.DM.At(i, k)
			if i == k {
				a++
			}
			l.A.Set(i, k, a)
		}
	}
	var eig mat.Eigen
	if !eig.Factorize(l.DM, mat.EigenNone) {
		return nil, fmt.Errorf("noisyrate: eigenvalues of DM did not converge")
	}
	l.MaxReLambda = math.Inf(-1)
	for _, e := range eig.Values(nil) {
		l.MaxReLambda = math.Max(l.MaxReLambda, real(e))
	}
	return l, nil
}

// Covariance is the stationary covariance of δv under the noise, from the
// Lyapunov equation: white noise (I − DM)Σ + Σ(I − DM)ᵀ = D Q D/τ;
// OU noise by the joint Lyapunov equation of (δv, δx) with drift
// [[−(I−DM)/τ, D/τ], [0, −I/τ_x]] and noise intensity 2Q/τ_x on δx.
// ErrUnstable when max Re λ(DM) ≥ 1.
func (l *Linearisation) Covariance(tauMs float64, nz Noise) (*mat.SymDense, error) {
	n := len(l.D)
	if nz.Q == nil || nz.Q.SymmetricDim() != n {
		return nil, fmt.Errorf("noisyrate: noise covariance must be %d×%d", n, n)
	}
	if !(l.MaxReLambda < 1) {
		return nil, fmt.Errorf("%w: max Re λ(DM) = %.6g", ErrUnstable, l.MaxReLambda)
	}
	if nz.TauXMs == 0 {
		a := mat.NewDense(n, n, nil)
		a.Scale(-1, l.A)
		c := mat.NewSymDense(n, nil)
		for i := range n {
			for j := i; j < n; j++ {
				c.SetSym(i, j, l.D[i]*nz.Q.At(i, j)*l.D[j]/tauMs)
			}
		}
		return SolveLyapunov(a, c)
	}
	if !(nz.TauXMs > 0) {
		return nil, fmt.Errorf("noisyrate: τ_x = %v ms must be ≥ 0", nz.TauXMs)
	}
	a := mat.NewDense(2*n, 2*n, nil)
	c := mat.NewSymDense(2*n, nil)
	for i := range n {
		for k := range n {
			a.Set(i, k, -l.A.At(i, k)/tauMs)
		}
		a.Set(i, n+i, l.D[i]/tauMs)
		a.Set(n+i, n+i, -1/nz.TauXMs)
		for j := i; j < n; j++ {
			c.SetSym(n+i, n+j, 2*nz.Q.At(i, j)/nz.TauXMs)
		}
	}
	s, err := SolveLyapunov(a, c)
	if err != nil {
		return nil, err
	}
	out := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			out.SetSym(i, j, s.At(i, j))
		}
	}
	return out, nil
}

// GaussianEntropy is ½ ln((2πe)^n det Σ) (nats), log-det by Cholesky.
func GaussianEntropy(s mat.Symmetric) (float64, error) {
	var ch mat.Cholesky
	if !ch.Factorize(s) {
		return 0, fmt.Errorf("noisyrate: covariance not positive definite")
	}
	return 0.5 * (float64(s.SymmetricDim())*math.Log(2*math.Pi*math.E) + ch.LogDet()), nil
}

// SimOptions configures Simulate.
type SimOptions struct {
	// DtMs is the Euler–Maruyama step (ms; default τ/100).
	DtMs float64
	// BurnMs is discarded before measuring (default 20 τ).
	BurnMs float64
	// DurationMs is the measured duration (ms, > 0).
	DurationMs float64
	// Batches is the number of batches of the batch-means error (default 50).
	Batches int
	// Rand is the noise stream (required).
	Rand *rand.Rand
}

// SimResult is the sampled covariance of v with batch-means errors.
type SimResult struct {
	// Mean and Cov are the time average and covariance of v.
	Mean []float64
	Cov  *mat.SymDense
	// CovSE is the batch-means standard error of each entry of Cov.
	CovSE   *mat.SymDense
	Steps   int
	Batches int
}

// Simulate integrates the nonlinear model with Euler–Maruyama,
// τ v_{t+Δ} = τ v_t + Δ(−v_t + F(x̄ + δx_t + M v_t)), with white noise
// (δx_t = L η/√Δ, the discretisation of intensity Q) or OU noise (exact
// OU update), and returns the covariance of v over the measured part with
// batch means (each batch's covariance about the global mean).
//
// White noise passed through a nonlinear F has no continuous-time limit
// (E[F(x̄ + η/√Δ)] depends on Δ): use it with Linear F, or use OU noise.
// The Euler step biases the variance of a mode of rate a by a relative
// ≈ aΔ/2 (e.g. 0.5 % for aΔ = 0.01).
func (m *Model) Simulate(ctx context.Context, nz Noise, o SimOptions) (*SimResult, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	n := m.N()
	if o.Rand == nil {
		panic("noisyrate: Simulate needs SimOptions.Rand")
	}
	if o.DtMs == 0 {
		o.DtMs = m.TauMs / 100
	}
	if o.BurnMs == 0 {
		o.BurnMs = 20 * m.TauMs
	}
	if o.Batches == 0 {
		o.Batches = 50
	}
	if !(o.DtMs > 0) || !(o.DurationMs > 0) || o.Batches < 2 {
		return nil, fmt.Errorf("noisyrate: simulation needs dt > 0, duration > 0 and ≥ 2 batches")
	}
	var ch mat.Cholesky
	if !ch.Factorize(nz.Q) {
		return nil, fmt.Errorf("noisyrate: noise covariance not positive definite")
	}
	var l mat.TriDense
	ch.LTo(&l)
	burn := int(o.BurnMs / o.DtMs)
	steps := int(o.DurationMs / o.DtMs)
	per := steps / o.Batches
	if per < 1 {
		return nil, fmt.Errorf("noisyrate: %d steps for %d batches", steps, o.Batches)
	}
	steps = per * o.Batches
	v, err := m.FixedPoint()
	if err != nil {
		v = make([]float64, n)
	}
	dx := make([]float64, n)
	eta := make([]float64, n)
	h := make([]float64, n)
	noise := func() { // correlated N(0, Q) draw into eta
		z := make([]float64, n)
		for i := range z {
			z[i] = o.Rand.NormFloat64()
		}
		for i := range n {
			s := 0.0
			for k := 0; k <= i; k++ {
				s += l.At(i, k) * z[k]
			}
			eta[i] = s
		}
	}
	var decay, kick float64
	if nz.TauXMs > 0 {
		decay = math.Exp(-o.DtMs / nz.TauXMs)
		kick = math.Sqrt(1 - decay*decay)
		noise()
		copy(dx, eta) // start in the stationary distribution
	}
	sum := make([]float64, n)
	bs := make([][]float64, o.Batches) // per batch: Σv (n) then Σ v vᵀ (n²)
	for b := range bs {
		bs[b] = make([]float64, n+n*n)
	}
	sq := math.Sqrt(1 / o.DtMs)
	r := o.DtMs / m.TauMs
	for t := 0; t < burn+steps; t++ {
		if t%100000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		noise()
		if nz.TauXMs > 0 {
			for i := range dx {
				dx[i] = decay*dx[i] + kick*eta[i]
			}
		} else {
			for i := range dx {
				dx[i] = eta[i] * sq
			}
		}
		for i := range n {
			s := m.XBar[i] + dx[i]
			for k, w := range m.M.RawRowView(i) {
				s += w * v[k]
			}
			h[i] = s
		}
		for i := range n {
			v[i] += r * (m.F.F(h[i]) - v[i])
		}
		if t >= burn {
			acc := bs[(t-burn)/per]
			for i := range n {
				sum[i] += v[i]
				acc[i] += v[i]
				row := acc[n+i*n : n+(i+1)*n]
				for k := range n {
					row[k] += v[i] * v[k]
				}
			}
		}
	}
	res := &SimResult{Mean: make([]float64, n), Cov: mat.NewSymDense(n, nil), CovSE: mat.NewSymDense(n, nil), Steps: steps, Batches: o.Batches}
	for i := range n {
		res.Mean[i] = sum[i] / float64(steps)
	}
	pf := float64(per)
	for i := range n {
		for k := i; k < n; k++ {
			var s, s2 float64
			for _, acc := range bs {
				// batch covariance about the global mean
				c := acc[n+i*n+k]/pf - res.Mean[i]*acc[k]/pf - res.Mean[k]*acc[i]/pf + res.Mean[i]*res.Mean[k]
				s += c
				s2 += c * c
			}
			bf := float64(o.Batches)
			mean := s / bf
			res.Cov.SetSym(i, k, mean)
			res.CovSE.SetSym(i, k, math.Sqrt(math.Max(s2/bf-mean*mean, 0)/(bf-1)))
		}
	}
	return res, nil
}
