// Package siegert gives the stationary firing rate of a leaky
// integrate-and-fire neuron driven by Gaussian white noise (the Siegert
// formula, Brunel 2000 convention) and the self-consistent rate of Brunel's
// sparse E/I network (model A). It is the single-neuron oracle against which
// model/spike is verified.
//
// # Model and formula
//
// The membrane potential V (mV, rest 0) obeys
//
//	τ dV/dt = −V + μ + σ √τ ξ(t)
//
// with ξ unit Gaussian white noise, so that the free membrane has mean μ and
// standard deviation σ/√2. When V reaches θ it is reset to V_r and held for
// τ_ref. The stationary rate is
//
//	ν = 1 / ( τ_ref + τ √π ∫_{(V_r−μ)/σ}^{(θ−μ)/σ} e^{u²} (1 + erf u) du ).
//
// The integrand e^{u²}(1 + erf u) is evaluated as Erfcx(−u) (the scaled
// complementary error function, implemented here because the standard
// library has none): expanding 1 + erf u cancels catastrophically for
// negative u. The integral is computed by adaptive 15-point Gauss–Kronrod
// quadrature to a relative tolerance of 1e-13.
//
//	p := siegert.Params{TauMMs: 20, ThetaMV: 20, VResetMV: 10, TauRefMs: 2}
//	nu, err := siegert.RateHz(p, 15, 5) // 9.46079980576 Hz
//
// # Brunel 2000 model A
//
// For a network with C_E excitatory and γC_E inhibitory inputs of strength J
// and −gJ, C_E external Poisson inputs at ν_ext = η ν_thr, ν_thr = θ/(J C_E τ),
// the diffusion approximation gives
//
//	μ = C_E J τ [ν_ext + ν (1 − gγ)],  σ² = J² C_E τ [ν_ext + ν (1 + g²γ)],
//
// and BrunelRateHz solves ν = Φ(μ(ν), σ(ν)) by bisection.
//
// Units: times in ms, potentials in mV, rates in Hz. Nothing is mutated;
// there is no package state.
package siegert
