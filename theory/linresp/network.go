package linresp

import (
	"fmt"
	"math"
	"math/cmplx"
)

// Synapse is the filter F(ω) = e^{−iωd}/(1 + iωτ_s) of a presynaptic
// neuron's output (unit area: F(0) = 1).
type Synapse struct {
	// DelayMs is the delay d in ms (≥ 0).
	DelayMs float64
	// TauMs is the synaptic time constant τ_s in ms (≥ 0; 0: no filter).
	TauMs float64
}

// Filter returns F at frequency freqHz.
func (s Synapse) Filter(freqHz float64) complex128 {
	w := 2 * math.Pi * freqHz / 1000
	return cmplx.Exp(complex(0, -w*s.DelayMs)) / complex(1, w*s.TauMs)
}

// CrossSpectrum returns the N × N matrix of spike-train cross-spectra
// C(ω) = (I − K)⁻¹ C0 (I − K)⁻ᴴ (row-major; C[i*N+j] = C_ij, Hermitian)
// of a network with interaction matrix K (row-major, K_ij = J_ij A_i(ω)
// F_j(ω): the linear response of neuron i's rate to neuron j's spikes) and
// the unconnected neurons' power spectra c0 (Trousdale et al. 2012 eq. 9).
// K = 0 gives diag(c0). It errors when I − K is singular.
func CrossSpectrum(k []complex128, c0 []float64) ([]complex128, error) {
	n := len(c0)
	if len(k) != n*n {
		return nil, fmt.Errorf("%w: K has %d entries for %d neurons", ErrParams, len(k), n)
	}
	// M = (I − K)⁻¹ by Gauss–Jordan elimination with partial pivoting
	a := make([]complex128, n*n)
	m := make([]complex128, n*n)
	for i := range n {
		for j := range n {
			a[i*n+j] = -k[i*n+j]
		}
		a[i*n+i]++
		m[i*n+i] = 1
	}
	scale := 0.0 // the largest entry of I − K: pivots below 1e-12 of it are singular
	for _, v := range a {
		scale = math.Max(scale, cmplx.Abs(v))
	}
	for c := range n {
		piv, best := c, cmplx.Abs(a[c*n+c])
		for r := c + 1; r < n; r++ {
			if v := cmplx.Abs(a[r*n+c]); v > best {
				piv, best = r, v
			}
		}
		if !(best > 1e-12*scale) {
			return nil, fmt.Errorf("%w: I − K is singular (the linearised network is unstable or at its edge)", ErrParams)
		}
		if piv != c {
			for j := range n {
				a[c*n+j], a[piv*n+j] = a[piv*n+j], a[c*n+j]
				m[c*n+j], m[piv*n+j] = m[piv*n+j], m[c*n+j]
			}
		}
		inv := 1 / a[c*n+c]
		for j := range n {
			a[c*n+j] *= inv
			m[c*n+j] *= inv
		}
		for r := range n {
			if r == c || a[r*n+c] == 0 {
				continue
			}
			f := a[r*n+c]
			for j := range n {
				a[r*n+j] -= f * a[c*n+j]
				m[r*n+j] -= f * m[c*n+j]
			}
		}
	}
	// C = M diag(c0) Mᴴ
	out := make([]complex128, n*n)
	for i := range n {
		for j := range n {
			var s complex128
			for l := range n {
				s += m[i*n+l] * complex(c0[l], 0) * cmplx.Conj(m[j*n+l])
			}
			out[i*n+j] = s
		}
	}
	return out, nil
}

// Population is one rate unit of SelfConsistent (a neuron, or a
// population of identical neurons whose mean rate it stands for): its
// neuron and external input.
type Population struct {
	Neuron Neuron
	// MuExtMV and SigmaMV are the external mean input and the noise (mV).
	MuExtMV, SigmaMV float64
}

// SelfConsistentOptions configure SelfConsistent; nil means the defaults.
type SelfConsistentOptions struct {
	// Damping is the fraction of each update applied, in (0, 1] (default
	// 0.2, safe for inhibition-dominated networks).
	Damping float64
	// TolHz is the largest rate change of a converged iteration (default
	// 1e-6 Hz).
	TolHz float64
	// MaxIter bounds the iterations (default 1000).
	MaxIter int
}

// SelfConsistent solves the stationary rates r_i = r0_i(μ_i) with
// μ_i = μ_ext,i + Σ_j J_ij r_j (J row-major in mV·s, rates in Hz) by damped
// fixed-point iteration and returns the rates and mean inputs; it errors
// when the iteration has not converged within MaxIter steps.
func SelfConsistent(pops []Population, j []float64, o *SelfConsistentOptions) (rates, mus []float64, err error) {
	var opt SelfConsistentOptions
	if o != nil {
		opt = *o
	}
	if opt.Damping == 0 {
		opt.Damping = 0.2
	}
	if opt.TolHz == 0 {
		opt.TolHz = 1e-6
	}
	if opt.MaxIter == 0 {
		opt.MaxIter = 1000
	}
	damping, tol, maxIter := opt.Damping, opt.TolHz, opt.MaxIter
	n := len(pops)
	if len(j) != n*n || !(damping > 0 && damping <= 1) || !(tol > 0) || maxIter < 1 {
		return nil, nil, fmt.Errorf("%w: need len(J) = %d, damping in (0, 1], tol > 0, maxIter ≥ 1", ErrParams, n*n)
	}
	rates, mus = make([]float64, n), make([]float64, n)
	for it := 0; it < maxIter; it++ {
		worst := 0.0
		for i, p := range pops {
			mu := p.MuExtMV
			for l := range n {
				mu += j[i*n+l] * rates[l]
			}
			mus[i] = mu
		}
		for i, p := range pops {
			s, e := p.Neuron.Steady(mus[i], p.SigmaMV)
			if e != nil {
				return nil, nil, e
			}
			d := s.RateHz - rates[i]
			worst = math.Max(worst, math.Abs(d))
			rates[i] += damping * d
		}
		if worst < tol {
			for i, p := range pops { // the mean inputs of the returned rates
				mus[i] = p.MuExtMV
				for l := range n {
					mus[i] += j[i*n+l] * rates[l]
				}
			}
			return rates, mus, nil
		}
	}
	return rates, mus, fmt.Errorf("linresp: self-consistent rates did not converge in %d iterations (raise the damping's inverse or maxIter)", maxIter)
}
