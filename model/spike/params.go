package spike

import (
	"fmt"
	"math"
)

// Model names a neuron model.
type Model string

// Neuron models.
const (
	LIF  Model = "lif"  // leaky integrate-and-fire
	ALIF Model = "alif" // LIF with an adaptive threshold θ + β·a (e-prop)
	AdEx Model = "adex" // adaptive exponential integrate-and-fire (Brette & Gerstner 2005)
	// Poisson is a spike source: each neuron spikes in a step with
	// probability rate·dt (rate_hz, modulated by Spec.Rates).
	Poisson Model = "poisson"
	// Generator is a spike source emitting given spike times
	// (PopulationSpec.Generator).
	Generator Model = "generator"
)

// IsSource reports whether m is a spike source (no membrane state).
func (m Model) IsSource() bool { return m == Poisson || m == Generator }

// Synapse names how presynaptic spikes act on the membrane.
type Synapse string

// Synapse types.
const (
	Delta Synapse = "delta" // instantaneous voltage jump of w mV
	Exp   Synapse = "exp"   // current-based: I (mV) jumps by w and decays with τ_syn
	COBA  Synapse = "coba"  // conductance-based: g (units of g_L) jumps by |w| and decays with τ_syn
)

// Reset names what happens to V at a spike.
type Reset string

// Reset modes.
const (
	ResetValue    Reset = "value"    // V ← V_reset and V is clamped there while refractory
	ResetSubtract Reset = "subtract" // V ← V − (θ_eff − V_reset); V keeps integrating while refractory
)

// NeuronParams are the constants of one population's neurons. Potentials are
// in mV, times in ms; currents are expressed as the voltage R·I they produce
// (mV) and conductances in units of the leak conductance g_L, so that
//
//	LIF, exp:  τ_m dV/dt = −(V − E_L) + I_bias + I_e + I_i
//	LIF, coba: τ_m dV/dt = −(V − E_L) + I_bias + g_e (E_e − V) + g_i (E_i − V)
//	ALIF:      threshold θ + β·a, τ_a da/dt = −a, a += 1 per spike
//	AdEx:      τ_m dV/dt = −(V − E_L) + Δ_T e^{(V − V_T)/Δ_T} − w + I,
//	           τ_w dw/dt = a_w (V − E_L) − w, w += b_w per spike (w in mV),
//	           spike when V ≥ v_th_mv (the numerical cut-off).
type NeuronParams struct {
	// Model is "lif", "alif", "adex", or a spike source: "poisson" or
	// "generator" (which use no other field but rate_hz).
	Model Model `toml:"model"`
	// RateHz is the spike rate of a "poisson" source in Hz (≥ 0, below 1/dt).
	RateHz float64 `toml:"rate_hz"`
	// Synapse is "delta" (voltage jumps), "exp" (current-based exponential)
	// or "coba" (conductance-based exponential).
	Synapse Synapse `toml:"synapse"`
	// Reset is "value" (V ← V_reset, clamped while refractory) or "subtract"
	// (V ← V − (θ − V_reset), spikes suppressed while refractory).
	Reset Reset `toml:"reset"`
	// TauMMs is the membrane time constant in ms (typically 10–30).
	TauMMs float64 `toml:"tau_m_ms" unit:"ms"`
	// ELMV is the leak reversal (rest) potential in mV (Brunel: 0; Vogels–Abbott: −60).
	ELMV float64 `toml:"e_l_mv" unit:"mV"`
	// VThMV is the spike threshold in mV (AdEx: the numerical cut-off).
	VThMV float64 `toml:"v_th_mv" unit:"mV"`
	// VResetMV is the reset potential in mV, below v_th_mv.
	VResetMV float64 `toml:"v_reset_mv" unit:"mV"`
	// TauRefMs is the absolute refractory period in ms (0–5), rounded to
	// whole steps: the n_ref = round(τ_ref/dt) steps after the emission step
	// are refractory.
	TauRefMs float64 `toml:"tau_ref_ms" unit:"ms"`
	// TauSynEMs is the excitatory synaptic time constant in ms (exp, coba; typically 2–10).
	TauSynEMs float64 `toml:"tau_syn_e_ms" unit:"ms"`
	// TauSynIMs is the inhibitory synaptic time constant in ms (exp, coba; typically 5–20).
	TauSynIMs float64 `toml:"tau_syn_i_ms" unit:"ms"`
	// ERevEMV is the excitatory reversal potential in mV (coba; typically 0).
	ERevEMV float64 `toml:"e_rev_e_mv" unit:"mV"`
	// ERevIMV is the inhibitory reversal potential in mV (coba; typically −80).
	ERevIMV float64 `toml:"e_rev_i_mv" unit:"mV"`
	// IBiasMV is a constant drive R·I_bias in mV (0–30).
	IBiasMV float64 `toml:"i_bias_mv" unit:"mV"`
	// TauAdaptMs is the ALIF threshold-adaptation time constant in ms (e-prop: 200–2000).
	TauAdaptMs float64 `toml:"tau_adapt_ms" unit:"ms"`
	// BetaMV is the ALIF threshold increase per unit of adaptation in mV (0–2).
	BetaMV float64 `toml:"beta_mv" unit:"mV"`
	// DeltaTMV is the AdEx slope factor Δ_T in mV (Brette & Gerstner: 2).
	DeltaTMV float64 `toml:"delta_t_mv" unit:"mV"`
	// VTMV is the AdEx soft threshold V_T in mV (Brette & Gerstner: −50.4).
	VTMV float64 `toml:"v_t_mv" unit:"mV"`
	// TauWMs is the AdEx adaptation time constant in ms (Brette & Gerstner: 144).
	TauWMs float64 `toml:"tau_w_ms" unit:"ms"`
	// AdaptA is the AdEx subthreshold adaptation a/g_L, dimensionless (B&G: 4 nS/30 nS ≈ 0.133).
	AdaptA float64 `toml:"adapt_a"`
	// AdaptBMV is the AdEx spike-triggered adaptation b/g_L in mV (B&G: 80.5 pA/30 nS ≈ 2.68).
	AdaptBMV float64 `toml:"adapt_b_mv" unit:"mV"`
	// TauNMDAMs is the time constant of a slow NMDA-like excitatory
	// conductance in ms (coba; 0: none). As in Auryn's IFGroup it
	// low-pass-filters the fast (AMPA) conductance, τ_N dg_N/dt =
	// g_AMPA − g_N, and the excitatory conductance acting on V is
	// (1 − f)·g_AMPA + f·g_N with f = nmda_fraction (Zenke et al. 2013:
	// 100 ms, f = 0.5).
	TauNMDAMs float64 `toml:"tau_nmda_ms"`
	// NMDAFraction is f above, in [0, 1] (Auryn's AMPA/NMDA ratio r gives f = 1/(1 + r)).
	NMDAFraction float64 `toml:"nmda_fraction"`
	// ThresholdJumpMV is a spike-triggered threshold increase in mV (0:
	// none): at a spike the dynamic threshold θ_d is set to this value and
	// decays with tau_threshold_ms; the neuron spikes when V ≥ v_th_mv +
	// θ_d. Auryn's IFGroup and AIF use 100 mV with 5 ms as a relative
	// refractory period.
	ThresholdJumpMV float64 `toml:"threshold_jump_mv"`
	// TauThresholdMs is the decay time of the dynamic threshold in ms (> 0 with threshold_jump_mv).
	TauThresholdMs float64 `toml:"tau_threshold_ms"`
}

// DefaultNeuron returns Brunel 2000's LIF (τ_m = 20 ms, rest 0, θ = 20 mV,
// V_r = 10 mV, τ_ref = 2 ms) with delta synapses and reset by value; the
// synaptic, ALIF and AdEx fields carry usable typical values.
func DefaultNeuron() NeuronParams {
	return NeuronParams{
		Model: LIF, Synapse: Delta, Reset: ResetValue,
		TauMMs: 20, ELMV: 0, VThMV: 20, VResetMV: 10, TauRefMs: 2,
		TauSynEMs: 5, TauSynIMs: 10, ERevEMV: 0, ERevIMV: -80,
		TauAdaptMs: 200, BetaMV: 0,
		DeltaTMV: 2, VTMV: 15, TauWMs: 144, AdaptA: 0, AdaptBMV: 0,
	}
}

// SourceNeuron returns the parameters of a spike source: Poisson (at
// rateHz) or Generator.
func SourceNeuron(m Model, rateHz float64) NeuronParams {
	return NeuronParams{Model: m, RateHz: rateHz}
}

// Validate rejects impossible values; key prefixes the field names in errors.
func (p NeuronParams) Validate(key string) error {
	bad := func(field string, v any, why string) error {
		return fmt.Errorf("%s.%s = %v: %s", key, field, v, why)
	}
	switch p.Model {
	case LIF, ALIF, AdEx:
	case Poisson:
		if !(p.RateHz >= 0) || !finite(p.RateHz) {
			return bad("rate_hz", p.RateHz, "must be ≥ 0 and finite")
		}
		return nil
	case Generator:
		return nil
	default:
		return bad("model", p.Model, `must be "lif", "alif", "adex", "poisson" or "generator"`)
	}
	switch p.Synapse {
	case Delta, Exp, COBA:
	default:
		return bad("synapse", p.Synapse, `must be "delta", "exp" or "coba"`)
	}
	switch p.Reset {
	case ResetValue, ResetSubtract:
	default:
		return bad("reset", p.Reset, `must be "value" or "subtract"`)
	}
	pos := []struct {
		name string
		v    float64
		need bool
	}{
		{"tau_m_ms", p.TauMMs, true},
		{"tau_syn_e_ms", p.TauSynEMs, p.Synapse != Delta},
		{"tau_syn_i_ms", p.TauSynIMs, p.Synapse != Delta},
		{"tau_adapt_ms", p.TauAdaptMs, p.Model == ALIF},
		{"tau_w_ms", p.TauWMs, p.Model == AdEx},
		{"delta_t_mv", p.DeltaTMV, p.Model == AdEx},
	}
	pos = append(pos, []struct {
		name string
		v    float64
		need bool
	}{{"tau_nmda_ms", p.TauNMDAMs, p.TauNMDAMs != 0}, {"tau_threshold_ms", p.TauThresholdMs, p.ThresholdJumpMV != 0}}...)
	for _, f := range pos {
		if f.need && (!(f.v > 0) || !finite(f.v)) {
			return bad(f.name, f.v, "must be > 0 and finite")
		}
	}
	if p.TauNMDAMs != 0 && p.Synapse != COBA {
		return bad("tau_nmda_ms", p.TauNMDAMs, "an NMDA conductance needs synapse = \"coba\"")
	}
	if !(p.NMDAFraction >= 0 && p.NMDAFraction <= 1) {
		return bad("nmda_fraction", p.NMDAFraction, "must be in [0, 1]")
	}
	if !(p.ThresholdJumpMV >= 0) || !finite(p.ThresholdJumpMV) {
		return bad("threshold_jump_mv", p.ThresholdJumpMV, "must be ≥ 0 and finite")
	}
	if !(p.TauRefMs >= 0) || !finite(p.TauRefMs) {
		return bad("tau_ref_ms", p.TauRefMs, "must be ≥ 0 and finite")
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"e_l_mv", p.ELMV}, {"v_th_mv", p.VThMV}, {"v_reset_mv", p.VResetMV}, {"e_rev_e_mv", p.ERevEMV},
		{"e_rev_i_mv", p.ERevIMV}, {"i_bias_mv", p.IBiasMV}, {"beta_mv", p.BetaMV}, {"v_t_mv", p.VTMV},
		{"adapt_a", p.AdaptA}, {"adapt_b_mv", p.AdaptBMV}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return bad(f.name, f.v, "must be finite")
		}
	}
	if !(p.VResetMV < p.VThMV) {
		return fmt.Errorf("%s.v_reset_mv = %v must be below %s.v_th_mv = %v", key, p.VResetMV, key, p.VThMV)
	}
	return nil
}
