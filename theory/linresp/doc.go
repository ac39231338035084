// Package linresp is the linear-response theory of integrate-and-fire
// neurons and networks driven by white noise (information-correlations.md
// §3, §3.1): the stationary density and rate of an exponential (EIF) or
// leaky (LIF, Δ_T = 0) integrate-and-fire neuron, its rate response A(ω) to
// a modulation of the mean input, the Fourier transform of its inter-spike
// interval density and the power spectrum of its spike train, all by
// Richardson's threshold integration (Richardson 2007 PRE 76:021919, 2008
// Biol Cybern 99:381), and the network cross-spectra of Trousdale et al.
// (2012 PLoS Comput Biol 8:e1002408), C(ω) = (I − K)⁻¹ C0 (I − K*)⁻¹.
//
// # Model and conventions
//
// The membrane potential V (mV) obeys
//
//	τ dV/dt = E_L − V + Δ_T e^{(V − V_T)/Δ_T} + μ + σ √τ ξ(t)
//
// (Brunel's noise convention, as theory/siegert and engram's [input]
// sigma_mv: the free LIF membrane has SD σ/√2); a spike is emitted when V
// reaches V_th, V is reset to V_re and held for τ_ref. With Δ_T = 0 the
// exponential term is absent (LIF with threshold V_th). V_lb is the lower
// boundary of the grid (reflecting; far enough below V_re that the density
// vanishes there).
//
// The Fokker–Planck flux is J = (f/τ)P − (σ²/2τ) ∂P/∂V with f the drift
// above. Integrating from V_th (P = 0, J = r) down to V_lb in steps ΔV with
// the exponential scheme P(V − ΔV) = α P(V) + β (τ J(V) − μ₁P₀(V)),
// α = e^{GΔV}, β = (α − 1)/(G σ²/2), G = −f/(σ²/2) (β → ΔV/(σ²/2) for
// |G| < 1e-6, testing |G|), the flux changing by iωΔV P per step and by the
// reset's reinjection at V_re, gives every quantity from one pass; the rate
// response is A(ω) = −J_μ(V_lb)/J_r(V_lb) from the solution driven by the
// modulation (J_μ) and the one driven by the rate (J_r), whose flux at the
// reflecting boundary must vanish together.
//
// The spec's §3.1 (and Trousdale et al.'s code) write the noise as σ_s in
// C dV/dt = … + g_L σ_s √(2τ) ξ; engram's σ is √2 σ_s (the free membrane
// has SD σ/√2 = σ_s).
//
// Units: times in ms, potentials in mV, frequencies in Hz, rates in Hz,
// A(ω) in Hz per mV, spectra in Hz (spikes² per s per Hz).
package linresp
