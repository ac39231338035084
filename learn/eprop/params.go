package eprop

import (
	"fmt"
	"math"
)

// Convention selects one of the two discretisations of spec §1 (and, for
// the readout, of §3).
type Convention int

const (
	// ConvP is the paper's convention (Nat Commun Methods, TF EligALIF,
	// NEST eprop_iaf_bsshslm_2020): no (1−α) on the input, optional
	// refractoriness and ALIF adaptation; readout y = κy + W^out z + b.
	ConvP Convention = iota
	// ConvT is the tutorial's LightLIF: (1−α) on the input, no
	// refractoriness, LIF only; readout y = κy + (1−κ)W^out z, no bias.
	ConvT
)

// String returns "P" or "T".
func (c Convention) String() string {
	if c == ConvT {
		return "T"
	}
	return "P"
}

// ParseConvention reads "P" or "T".
func ParseConvention(s string) (Convention, error) {
	switch s {
	case "P", "p":
		return ConvP, nil
	case "T", "t":
		return ConvT, nil
	}
	return 0, fmt.Errorf("eprop: convention %q: want \"P\" or \"T\"", s)
}

// SpikeFn is the spike nonlinearity z = f(v − A).
type SpikeFn int

const (
	// Heaviside spikes z = H(v − A) with the piecewise-linear
	// pseudo-derivative ψ = (γ/v_th)·max(0, 1 − |v − A|/v_th) (spec §2).
	Heaviside SpikeFn = iota
	// Logistic is the smooth spike z = σ((v − A)/s), s = SmoothWidth·v_th,
	// with its exact derivative ψ = z(1 − z)/s: the network is then a
	// differentiable map and BPTT can be checked by finite differences
	// (test EP-4). Not a spiking model.
	Logistic
)

// Params are the network's sizes and neuron constants. Defaults returns the
// pattern-generation tutorial's values (spec §9).
type Params struct {
	// NIn, NRec, NOut are the numbers of input channels, recurrent neurons
	// and readouts (≥ 1 each).
	NIn, NRec, NOut int
	// NALIF is the number of adaptive (ALIF) neurons; they are the last
	// NALIF recurrent neurons, the first NRec − NALIF are LIF. ALIF needs
	// convention P.
	NALIF int
	// Convention of the neurons (ConvP or ConvT).
	Convention Convention
	// Readout is the convention of the leaky readout (the
	// evidence-accumulation tutorial uses P neurons with a T readout).
	Readout Convention
	// DtMs is the time step in ms (> 0; the spec's numbers use 1).
	DtMs float64
	// TauMMs is the membrane time constant τ_m in ms (> 0).
	TauMMs float64
	// TauAMs is the adaptation time constant τ_a of ALIF neurons in ms (> 0).
	TauAMs float64
	// TauOutMs is the readout time constant τ_out in ms (> 0).
	TauOutMs float64
	// VTh is the baseline threshold v_th (> 0; arbitrary voltage units,
	// rest at 0, reset by subtracting v_th).
	VTh float64
	// Beta is the threshold adaptation strength β of ALIF neurons (≥ 0):
	// A = v_th + β a.
	Beta float64
	// GammaPD is the pseudo-derivative's dampening factor γ (> 0; 0.3).
	GammaPD float64
	// NRef is the refractory count in steps, counting the emission step as
	// TF's EligALIF does (n_ref = 2: one silent step after each spike;
	// 0 or 1: none). Convention P only.
	NRef int
	// Spike selects the spike nonlinearity (Heaviside; Logistic for tests).
	Spike SpikeFn
	// SmoothWidth is the logistic's width as a fraction of v_th (Logistic
	// only, > 0; EP-4 uses 0.1).
	SmoothWidth float64
}

// Defaults returns the pattern-generation tutorial's network (spec §9):
// 100 inputs, 100 LIF neurons of convention T, one readout, τ_m = τ_out =
// 30 ms, v_th = 0.03, γ = 0.3, Δt = 1 ms.
func Defaults() Params {
	return Params{NIn: 100, NRec: 100, NOut: 1, Convention: ConvT, Readout: ConvT,
		DtMs: 1, TauMMs: 30, TauAMs: 500, TauOutMs: 30, VTh: 0.03, GammaPD: 0.3}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate rejects impossible values and incompatible convention/neuron
// pairs; messages name the parameter.
func (p *Params) Validate() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || !finite(v) {
			return fmt.Errorf("eprop: %s = %v must be positive and finite", name, v)
		}
		return nil
	}
	switch {
	case p.NIn < 1 || p.NRec < 1 || p.NOut < 1:
		return fmt.Errorf("eprop: sizes n_in = %d, n_rec = %d, n_out = %d must all be ≥ 1", p.NIn, p.NRec, p.NOut)
	case p.NALIF < 0 || p.NALIF > p.NRec:
		return fmt.Errorf("eprop: n_alif = %d must be in [0, n_rec = %d]", p.NALIF, p.NRec)
	case p.Convention != ConvP && p.Convention != ConvT:
		return fmt.Errorf("eprop: unknown neuron convention %d", p.Convention)
	case p.Readout != ConvP && p.Readout != ConvT:
		return fmt.Errorf("eprop: unknown readout convention %d", p.Readout)
	case p.Convention == ConvT && p.NALIF > 0:
		return fmt.Errorf("eprop: n_alif = %d ALIF neurons with convention T: the tutorial convention (LightLIF) defines LIF only; use convention P", p.NALIF)
	case p.Convention == ConvT && p.NRef > 1:
		return fmt.Errorf("eprop: n_ref = %d with convention T: the tutorial convention has no refractory period; use convention P or n_ref ≤ 1", p.NRef)
	case p.NRef < 0:
		return fmt.Errorf("eprop: n_ref = %d must be ≥ 0", p.NRef)
	case !(p.Beta >= 0) || !finite(p.Beta):
		return fmt.Errorf("eprop: beta = %v must be finite and ≥ 0", p.Beta)
	case p.Spike != Heaviside && p.Spike != Logistic:
		return fmt.Errorf("eprop: unknown spike function %d", p.Spike)
	case p.Spike == Logistic && p.NRef > 1:
		return fmt.Errorf("eprop: the logistic (smooth) spike function has no refractoriness: n_ref = %d must be ≤ 1", p.NRef)
	}
	for _, c := range []struct {
		n string
		v float64
	}{{"dt_ms", p.DtMs}, {"tau_m_ms", p.TauMMs}, {"tau_out_ms", p.TauOutMs}, {"v_th", p.VTh}, {"gamma_pd", p.GammaPD}} {
		if err := pos(c.n, c.v); err != nil {
			return err
		}
	}
	if p.NALIF > 0 {
		if err := pos("tau_a_ms", p.TauAMs); err != nil {
			return err
		}
	}
	if p.Spike == Logistic {
		if err := pos("smooth_width", p.SmoothWidth); err != nil {
			return err
		}
	}
	return nil
}

// Alpha is the membrane decay α = exp(−Δt/τ_m).
func (p *Params) Alpha() float64 { return math.Exp(-p.DtMs / p.TauMMs) }

// Rho is the adaptation decay ρ = exp(−Δt/τ_a).
func (p *Params) Rho() float64 { return math.Exp(-p.DtMs / p.TauAMs) }

// Kappa is the readout decay κ = exp(−Δt/τ_out).
func (p *Params) Kappa() float64 { return math.Exp(-p.DtMs / p.TauOutMs) }

// InScale is the factor on the synaptic input: 1 (P) or 1 − α (T).
func (p *Params) InScale() float64 {
	if p.Convention == ConvT {
		return 1 - p.Alpha()
	}
	return 1
}

// OutScale is the factor on the readout input: 1 (P) or 1 − κ (T).
func (p *Params) OutScale() float64 {
	if p.Readout == ConvT {
		return 1 - p.Kappa()
	}
	return 1
}

// nref is the effective refractory count (0 and 1 both mean none: 1).
func (p *Params) nref() int {
	if p.NRef < 1 {
		return 1
	}
	return p.NRef
}
