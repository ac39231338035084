package corr

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/engramsim/engram/analysis/spiketrain"
)

// ---- bivariate normal ------------------------------------------------------

// BivariateNormalCDF is Φ₂(h, k; ρ) = P(X ≤ h, Y ≤ k) for standard normals
// with correlation ρ ∈ [−1, 1], from Sheppard's formula
// Φ₂ = Φ(h)Φ(k) + (1/2π) ∫₀^{asin ρ} exp(−(h² + k² − 2hk sin θ)/(2 cos²θ)) dθ
// by 200-node Gauss–Legendre quadrature (absolute error < 1e-12 for
// |ρ| ≤ 0.99; the limits ρ = ±1 are exact).
func BivariateNormalCDF(h, k, rho float64) float64 {
	phi := distuv.UnitNormal.CDF
	switch {
	case rho >= 1:
		return phi(math.Min(h, k))
	case rho <= -1:
		return math.Max(0, phi(h)+phi(k)-1)
	}
	f := func(th float64) float64 {
		s, c := math.Sincos(th)
		return math.Exp(-(h*h + k*k - 2*h*k*s) / (2 * c * c))
	}
	a := math.Asin(rho)
	v := quad.Fixed(f, math.Min(0, a), math.Max(0, a), 200, nil, 0)
	if a < 0 {
		v = -v
	}
	return phi(h)*phi(k) + v/(2*math.Pi)
}

// ---- dichotomised Gaussian -------------------------------------------------

// DG is a dichotomised Gaussian (Macke et al. 2009): s_i = 1[g_i > γ_i],
// g ~ N(0, Λ) with unit diagonal, so P(s_i = 1) = 1 − Φ(γ_i) and
// P(s_i = s_j = 1) = Φ₂(−γ_i, −γ_j; λ_ij).
type DG struct {
	// Gamma are the thresholds γ_i.
	Gamma []float64
	// Lambda is the latent correlation matrix.
	Lambda *mat.SymDense
	chol   *mat.TriDense
}

// NewDG returns the DG with spike probabilities p (each in (0, 1)) and
// latent correlation matrix lambda (unit diagonal, positive definite).
func NewDG(p []float64, lambda *mat.SymDense) (*DG, error) {
	n := len(p)
	if lambda.SymmetricDim() != n {
		return nil, fmt.Errorf("corr: DG: %d probabilities but a %d×%d Λ", n, lambda.SymmetricDim(), lambda.SymmetricDim())
	}
	g := &DG{Gamma: make([]float64, n), Lambda: lambda}
	for i, q := range p {
		if !(q > 0 && q < 1) {
			return nil, fmt.Errorf("corr: DG: p[%d] = %v must be in (0, 1)", i, q)
		}
		if math.Abs(lambda.At(i, i)-1) > 1e-12 {
			return nil, fmt.Errorf("corr: DG: Λ[%d][%d] = %v must be 1", i, i, lambda.At(i, i))
		}
		g.Gamma[i] = distuv.UnitNormal.Quantile(1 - q)
	}
	var ch mat.Cholesky
	if !ch.Factorize(lambda) {
		return nil, fmt.Errorf("corr: DG: Λ is not positive definite (these pairwise correlations have no DG)")
	}
	g.chol = &mat.TriDense{}
	ch.LTo(g.chol)
	return g, nil
}

// EquicorrelatedDG is the DG of n neurons with spike probability p and all
// latent correlations lambda.
func EquicorrelatedDG(n int, p, lambda float64) (*DG, error) {
	l := mat.NewSymDense(n, nil)
	ps := make([]float64, n)
	for i := range n {
		ps[i] = p
		for j := i; j < n; j++ {
			v := lambda
			if i == j {
				v = 1
			}
			l.SetSym(i, j, v)
		}
	}
	return NewDG(ps, l)
}

// PairProbability is P(s_i = s_j = 1) = Φ₂(−γ_i, −γ_j; λ_ij).
func (g *DG) PairProbability(i, j int) float64 {
	return BivariateNormalCDF(-g.Gamma[i], -g.Gamma[j], g.Lambda.At(i, j))
}

// DGPair returns P11 and the count correlation ρ_s = (P11 − p_i p_j)/
// √(p_i(1−p_i) p_j(1−p_j)) of two DG neurons with probabilities pi, pj
// and latent correlation lambda.
func DGPair(pi, pj, lambda float64) (p11, rho float64) {
	gi, gj := distuv.UnitNormal.Quantile(1-pi), distuv.UnitNormal.Quantile(1-pj)
	p11 = BivariateNormalCDF(-gi, -gj, lambda)
	return p11, (p11 - pi*pj) / math.Sqrt(pi*(1-pi)*pj*(1-pj))
}

// DGLatentCorrelation is the λ giving count correlation rho between DG
// neurons with probabilities pi, pj (bisection; error when rho is not
// reachable with |λ| < 1).
func DGLatentCorrelation(pi, pj, rho float64) (float64, error) {
	f := func(l float64) float64 { _, r := DGPair(pi, pj, l); return r - rho }
	lo, hi := -0.999999, 0.999999
	if f(lo) > 0 || f(hi) < 0 {
		return 0, fmt.Errorf("corr: count correlation %v is not reachable by a DG with p = %v, %v", rho, pi, pj)
	}
	for range 100 {
		m := (lo + hi) / 2
		if f(m) < 0 {
			lo = m
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2, nil
}

// Sample draws bins independent binary words (neurons × bins, counts 0/1).
func (g *DG) Sample(rng *rand.Rand, bins int, binMs float64) *spiketrain.Binned {
	n := len(g.Gamma)
	b := &spiketrain.Binned{Neurons: n, Bins: bins, BinMs: binMs, Counts: make([]float64, n*bins)}
	z := make([]float64, n)
	for t := range bins {
		for i := range z {
			z[i] = rng.NormFloat64()
		}
		for i := range n {
			s := 0.0
			for j := 0; j <= i; j++ {
				s += g.chol.At(i, j) * z[j]
			}
			if s > g.Gamma[i] {
				b.Counts[i*bins+t] = 1
			}
		}
	}
	return b
}

// ---- Poisson and compound Poisson ------------------------------------------

// PoissonTrains are n independent Poisson trains of rateHz over [0, durationMs).
func PoissonTrains(rng *rand.Rand, n int, rateHz, durationMs float64) *spiketrain.Train {
	tr := &spiketrain.Train{N: n, StartMs: 0, EndMs: durationMs}
	if rateHz <= 0 {
		return tr
	}
	for i := range n {
		for t := rng.ExpFloat64() / rateHz * 1000; t < durationMs; t += rng.ExpFloat64() / rateHz * 1000 {
			tr.TimesMs = append(tr.TimesMs, t)
			tr.IDs = append(tr.IDs, i)
		}
	}
	return tr
}

// CPP is a compound Poisson process (Staude et al. 2010): carrier events
// at CarrierHz, each copied into a uniformly random subset of A distinct
// neurons with P(A = a) ∝ Amplitude[a−1], a = 1..N, all at the event's
// time (exact synchrony).
type CPP struct {
	N         int
	CarrierHz float64
	Amplitude []float64
}

// Validate checks N ≥ 1, a finite rate ≥ 0 and a non-negative amplitude
// distribution over 1..N with positive mass.
func (c *CPP) Validate() error {
	if c.N < 1 || len(c.Amplitude) != c.N {
		return fmt.Errorf("corr: CPP with %d neurons needs %d amplitude weights, has %d", c.N, c.N, len(c.Amplitude))
	}
	if !(c.CarrierHz >= 0) || math.IsInf(c.CarrierHz, 0) {
		return fmt.Errorf("corr: CPP carrier rate %v Hz must be finite and ≥ 0", c.CarrierHz)
	}
	s := 0.0
	for a, w := range c.Amplitude {
		if !(w >= 0) || math.IsInf(w, 0) {
			return fmt.Errorf("corr: CPP amplitude weight %d is %v", a+1, w)
		}
		s += w
	}
	if s == 0 {
		return fmt.Errorf("corr: CPP amplitude distribution has no mass")
	}
	return nil
}

// RateHz is each neuron's firing rate ν_c E[A]/N.
func (c *CPP) RateHz() float64 {
	s, m := 0.0, 0.0
	for a, w := range c.Amplitude {
		s += w
		m += w * float64(a+1)
	}
	return c.CarrierHz * m / s / float64(c.N)
}

// InjectedCPP is the CPP of n neurons firing at rateHz each, of which
// order-xi synchronous events arrive at nuHz (each hitting xi random
// neurons) and the rest is independent (amplitude 1): carrier rate
// n(rate − ν ξ/n) + ν. Error when ν ξ/n exceeds the rate.
func InjectedCPP(n int, rateHz float64, xi int, nuHz float64) (*CPP, error) {
	if xi < 1 || xi > n {
		return nil, fmt.Errorf("corr: injected order %d must be in [1, %d]", xi, n)
	}
	bg := rateHz - nuHz*float64(xi)/float64(n)
	if bg < 0 {
		return nil, fmt.Errorf("corr: injected events at %v Hz of order %d exceed the rate %v Hz of %d neurons", nuHz, xi, rateHz, n)
	}
	amp := make([]float64, n)
	amp[0] += float64(n) * bg
	amp[xi-1] += nuHz
	c := &CPP{N: n, CarrierHz: float64(n)*bg + nuHz, Amplitude: amp}
	return c, c.Validate()
}

// SharedSourcePair is the CPP of two Poisson trains each made of a private
// train at privateHz and a common train at commonHz (the same spikes in
// both): binned-count ρ = ν_c/(ν_c + ν_p).
func SharedSourcePair(commonHz, privateHz float64) *CPP {
	return &CPP{N: 2, CarrierHz: 2*privateHz + commonHz, Amplitude: []float64{2 * privateHz, commonHz}}
}

// Generate draws the CPP over [0, durationMs).
func (c *CPP) Generate(rng *rand.Rand, durationMs float64) (*spiketrain.Train, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	cdf := make([]float64, c.N)
	s := 0.0
	for a, w := range c.Amplitude {
		s += w
		cdf[a] = s
	}
	tr := &spiketrain.Train{N: c.N, StartMs: 0, EndMs: durationMs}
	if c.CarrierHz == 0 {
		return tr, nil
	}
	perm := make([]int, c.N)
	for i := range perm {
		perm[i] = i
	}
	for t := rng.ExpFloat64() / c.CarrierHz * 1000; t < durationMs; t += rng.ExpFloat64() / c.CarrierHz * 1000 {
		u := rng.Float64() * s
		a, _ := slices.BinarySearch(cdf, u)
		a = min(a, c.N-1) + 1
		// first a entries of a partial Fisher–Yates shuffle
		for k := range a {
			j := k + rng.IntN(c.N-k)
			perm[k], perm[j] = perm[j], perm[k]
			tr.TimesMs = append(tr.TimesMs, t)
			tr.IDs = append(tr.IDs, perm[k])
		}
	}
	return tr, nil
}

// XORTriplets returns bins binary words of 3·groups neurons in which each
// triplet (a, b, a⊕b) has a and b fair independent bits: zero pairwise
// correlation, one bit of third-order structure per triplet.
func XORTriplets(rng *rand.Rand, groups, bins int) *spiketrain.Binned {
	n := 3 * groups
	b := &spiketrain.Binned{Neurons: n, Bins: bins, Counts: make([]float64, n*bins)}
	for g := range groups {
		for t := range bins {
			x, y := rng.IntN(2), rng.IntN(2)
			b.Counts[(3*g)*bins+t] = float64(x)
			b.Counts[(3*g+1)*bins+t] = float64(y)
			b.Counts[(3*g+2)*bins+t] = float64(x ^ y)
		}
	}
	return b
}
