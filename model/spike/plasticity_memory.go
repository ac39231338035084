package spike

import (
	"fmt"
	"math"
)

// The mechanisms of the spiking associative-memory models
// (stdp-memory.md §1, §2): voltage-based STDP and synaptic normalisation
// of Litwin-Kumar & Doiron 2014 (LKD), the orchestrated rule of Zenke,
// Agnes & Gerstner 2015 (ZAG: triplet LTP, heterosynaptic and
// transmitter-induced terms, consolidation) and its globally gated iSTDP.
// Tsodyks–Markram short-term plasticity is a projection property
// (ProjectionSpec.STP).
const (
	RuleVSTDP       = "vstdp"        // voltage-based STDP (Clopath et al. 2010 as in LKD 2014)
	RuleNormalize   = "normalize"    // additive row-sum normalisation (LKD 2014)
	RuleP10         = "p10"          // ZAG 2015's orchestrated rule with consolidation
	RuleGlobalISTDP = "global_istdp" // inhibitory STDP gated by the population rate (ZAG 2015)
)

// VSTDPParams are the parameters of the voltage-based rule in the form of
// Litwin-Kumar & Doiron 2014 (LKD sim.jl; Clopath et al. 2010). Each
// postsynaptic neuron low-pass filters its membrane potential,
// τ₋ dū₋/dt = V − ū₋ and τ₊ dū₊/dt = V − ū₊ (initialised at E_L); each
// presynaptic neuron has a trace x̂ of unit area (jump 1/τ_x at each spike
// at the synapse).
//
//   - LTD, at each presynaptic arrival: w −= A_LTD·[ū₋ − θ_LTD]₊.
//   - LTP, in every step in which the postsynaptic V > θ_LTP and
//     ū₊ > θ_LTD: w += dt·A_LTP·x̂·(V − θ_LTP)·(ū₊ − θ_LTD).
//
// Timing in step a: both updates use the filters up to the end of step
// a − 1 and the trace before this step's arrivals; V is the membrane
// potential at the end of step a (after a reset, as in LKD: the spike step
// itself gets no LTP); then the filters advance with that V, exactly
// (ū ← V + (ū − V)e^{−dt/τ}, V held over the step; LKD uses forward Euler).
// The filters run whether the rule is active or not, so that a plasticity
// delay (an active window starting at 1000 ms, LKD's stdpdelay) starts from
// settled filters. θ_LTP lies above the spike threshold, so LTP is gated by
// the spike upswing: the post population must be "adex" with a cut-off
// above θ_LTP (a LIF neuron would never get LTP, stdp-memory.md §8.5).
//
// Weight units are the projection's (coba: g_L·ms, a weight J in pF of LKD
// is J/g_L with g_L = 15 nS); the defaults are LKD's amplitudes in those
// units.
type VSTDPParams struct {
	// ALTD is A_LTD in weight units per mV (LKD: 8e-4 pF/mV = 5.333e-5 g_L·ms/mV).
	ALTD float64 `toml:"a_ltd"`
	// ALTP is A_LTP in weight units per mV² (LKD: 1.4e-3 pF/mV² = 9.333e-5 g_L·ms/mV²).
	ALTP float64 `toml:"a_ltp"`
	// ThetaLTDMV is θ_LTD in mV (LKD: −70).
	ThetaLTDMV float64 `toml:"theta_ltd_mv"`
	// ThetaLTPMV is θ_LTP in mV (LKD: −49).
	ThetaLTPMV float64 `toml:"theta_ltp_mv"`
	// TauMinusMs is τ₋ of the depression filter ū₋ in ms (LKD: 10).
	TauMinusMs float64 `toml:"tau_minus_ms"`
	// TauPlusMs is τ₊ of the potentiation filter ū₊ in ms (LKD: 7).
	TauPlusMs float64 `toml:"tau_plus_ms"`
	// TauXMs is τ_x of the presynaptic unit-area trace in ms (LKD: 15).
	TauXMs float64 `toml:"tau_x_ms"`
}

// lkdGL is LKD's leak conductance in nS (C = 300 pF, τ_m = 20 ms): weights
// and amplitudes in pF divide by it to give g_L·ms.
const lkdGL = 15.0

// VSTDPDefaults returns LKD 2014's voltage rule in g_L·ms weight units.
func VSTDPDefaults() VSTDPParams {
	return VSTDPParams{ALTD: 8e-4 / lkdGL, ALTP: 1.4e-3 / lkdGL, ThetaLTDMV: -70, ThetaLTPMV: -49,
		TauMinusMs: 10, TauPlusMs: 7, TauXMs: 15}
}

// NormalizeParams configure additive row-sum normalisation (LKD 2014):
// every PeriodMs, for each postsynaptic neuron i with n_i synapses of the
// projection, every one of them changes by −(Σ_j w_ij − S_i)/n_i, then is
// clipped to [w_min, w_max]. S_i is neuron i's summed input weight when
// the network is built (LKD: the initial sum), or RowSum when given.
// Clipping makes the operator non-conservative; the residual is reported.
// The operator runs in the periodic phase, after the step's plasticity.
// Row sums are kept incrementally when every other rule on the projection
// reports its weight changes (vstdp), otherwise summed at each period.
type NormalizeParams struct {
	// PeriodMs is the period in ms (≥ dt, rounded to steps; LKD: 20).
	PeriodMs float64 `toml:"period_ms"`
	// RowSum is the target sum of every neuron's input weights (0: each neuron's initial sum).
	RowSum float64 `toml:"row_sum"`
}

// NormalizeDefaults returns LKD's 20-ms normalisation to the initial sums.
func NormalizeDefaults() NormalizeParams { return NormalizeParams{PeriodMs: 20} }

// P10Params are the parameters of the orchestrated plasticity rule of
// Zenke, Agnes & Gerstner 2015 (fzenke/pub2015orchestrated
// src/P10Connection.cpp, stdp-memory.md §1.2). Per synapse a fast weight w
// and a consolidated reference w̃; traces z₊ (pre, τ₊), z₋ (post, τ₋) and
// z_slow (post, τ_slow) jump by 1 (values before their own increment).
//
//   - presynaptic arrival: w ← max(w_min, w + δ − A2−·z₋) (δ:
//     transmitter-induced potentiation; no upper clip, as in the code);
//   - postsynaptic spike: w ← clip(w + A3+·z_slow·z₊ − β·z₋³·(w − w̃))
//     (minimal-triplet LTP and the heterosynaptic pull of every input of a
//     strongly firing neuron towards its reference);
//   - every ConsolidationPeriodMs: w̃ ← w̃ + (Δt/τ_c)[(w − w̃) +
//     P(a − w̃)(b − w̃)(c − w̃)], b = (a + c)/2: w̃ is bistable (fixed points
//     a and c, b unstable) and slowly follows w.
//
// Poisson limit (w − w̃ = 0): ⟨ẇ⟩ = ν_pre[δ + A3+τ₊τ_slow ν_post(ν_post − θ)],
// θ = A2−τ₋/(A3+τ₊τ_slow) (10 Hz with the defaults).
//
// ZAG's command line gives δ as 0.02 and the code applies δ·η²/10⁻³
// (stdp-memory.md §8.8); Delta here is the effective δ.
type P10Params struct {
	// A3Plus is the triplet LTP amplitude A3+ (ZAG: η = 1e-3).
	A3Plus float64 `toml:"a3_plus"`
	// A2Minus is the pair LTD amplitude A2− (ZAG: η = 1e-3).
	A2Minus float64 `toml:"a2_minus"`
	// Delta is the effective transmitter-induced increment δ per presynaptic arrival (ZAG: 2e-5).
	Delta float64 `toml:"delta"`
	// Beta is the heterosynaptic strength β (ZAG: 0.04, globalvars.sh at 1d2780a).
	Beta float64 `toml:"beta"`
	// TauPlusMs is τ₊ of the presynaptic trace in ms (20).
	TauPlusMs float64 `toml:"tau_plus_ms"`
	// TauMinusMs is τ₋ of the postsynaptic trace in ms (20).
	TauMinusMs float64 `toml:"tau_minus_ms"`
	// TauSlowMs is τ_slow of the slow postsynaptic trace in ms (100).
	TauSlowMs float64 `toml:"tau_slow_ms"`
	// ConsolidationPeriodMs is the period Δt of the consolidation update in
	// ms (ZAG: 1200, i.e. τ_c·10⁻³; 0: no consolidation, w̃ stays at its
	// initial value).
	ConsolidationPeriodMs float64 `toml:"consolidation_period_ms"`
	// TauConsolidationS is τ_c in seconds (ZAG: 1200).
	TauConsolidationS float64 `toml:"tau_consolidation_s"`
	// WA is the lower fixed point a of w̃ (ZAG: 0).
	WA float64 `toml:"w_a"`
	// WC is the upper fixed point c of w̃ (ZAG: 0.5).
	WC float64 `toml:"w_c"`
	// PotStrength is P of the cubic (0: the code's normalisation 0.1/N with
	// N = (w* − a)(w* − b)(w* − c), w* = (c − a)/4: 17.0667 for a = 0, c = 0.5).
	PotStrength float64 `toml:"pot_strength"`
	// ConsolidateInitial sets w̃ to the initial weights (the code's
	// --consolidateweights); otherwise w̃ starts at a.
	ConsolidateInitial bool `toml:"consolidate_initial"`
}

// P10Defaults returns ZAG 2015's rule (pub2015orchestrated sim_rc_p10c with
// globalvars.sh at 1d2780a: η = 1e-3, β = 0.04, δ = 0.02·η²/10⁻³, a = 0,
// c = 0.5, τ_c = 1200 s).
func P10Defaults() P10Params {
	return P10Params{A3Plus: 1e-3, A2Minus: 1e-3, Delta: 2e-5, Beta: 0.04, TauPlusMs: 20, TauMinusMs: 20, TauSlowMs: 100,
		ConsolidationPeriodMs: 1200, TauConsolidationS: 1200, WA: 0, WC: 0.5}
}

// potStrength returns P: PotStrength, or the code's 0.1/N.
func (p P10Params) potStrength() (float64, error) {
	if p.PotStrength != 0 {
		return p.PotStrength, nil
	}
	b := (p.WA + p.WC) / 2
	ws := (p.WC - p.WA) / 4
	n := (ws - p.WA) * (ws - b) * (ws - p.WC)
	if !(math.Abs(n) > 1e-300) {
		return 0, fmt.Errorf("p10.pot_strength: the code's normalisation N = (w* − a)(w* − b)(w* − c) with w* = (c − a)/4 = %g is 0 for a = %g, c = %g; give pot_strength", ws, p.WA, p.WC)
	}
	return 0.1 / n, nil
}

// GlobalISTDPParams configure the inhibitory rule of ZAG 2015
// (pub2015orchestrated src/GlobalPFConnection.cpp): symmetric Hebbian
// traces z_I (pre) and z_E (post) of time constant τ, jump 1, modulated by
// the global rate error M = η(ν̄ − κ)/κ, where ν̄ is the postsynaptic
// population's rate low-passed with τ_hom (initialised at κ, §8.11). An
// inhibitory arrival adds M·(z_E + 1), a postsynaptic spike adds M·z_I.
// Fixed point: population rate κ. ν̄ is updated once per step from the
// population's spikes of that step (after the step's updates, which use
// the previous value). The code clips only downwards at arrivals and only
// upwards at post spikes; engram clips both to [w_min, w_max].
type GlobalISTDPParams struct {
	// Eta is η (ZAG: η_EE/50 = 2e-5).
	Eta float64 `toml:"eta"`
	// KappaHz is the target population rate κ (ZAG: 4 Hz).
	KappaHz float64 `toml:"kappa_hz"`
	// TauHomMs is τ_hom of the rate estimate in ms (ZAG: 10 000).
	TauHomMs float64 `toml:"tau_hom_ms"`
	// TauMs is the time constant of both traces in ms (ZAG: 20).
	TauMs float64 `toml:"tau_ms"`
}

// GlobalISTDPDefaults returns ZAG 2015's GlobalPF parameters.
func GlobalISTDPDefaults() GlobalISTDPParams {
	return GlobalISTDPParams{Eta: 2e-5, KappaHz: 4, TauHomMs: 10000, TauMs: 20}
}

// STPParams are Tsodyks–Markram short-term plasticity on a projection, per
// presynaptic neuron: resources x (recovering to 1 with τ_d) and release
// probability u (relaxing to U with τ_f), both exactly between spikes
// (Auryn integrates them with forward Euler). At each spike the synapses
// transmit w·u·x and then x ← x − u·x, u ← u + U(1 − u) (the order of
// Auryn's STPConnection and ZAG's P10Connection: a spike from rest
// transmits U·w); with FacilitateFirst, u ← u + U(1 − u) comes first and the
// spike transmits the facilitated u·x (Mongillo et al. 2008, Brian2's
// examples; from rest U(2 − U)·w). Initial state x = 1, u = U. The state
// is updated when the spikes arrive (all synapses of a presynaptic neuron
// share the delay, so this is the emission-time dynamics shifted by it).
type STPParams struct {
	// U is the utilisation U in (0, 1] (ZAG: 0.2).
	U float64 `toml:"u"`
	// TauDMs is the recovery time τ_d in ms (> 0; ZAG: 200).
	TauDMs float64 `toml:"tau_d_ms"`
	// TauFMs is the facilitation time τ_f in ms (> 0; ZAG: 600).
	TauFMs float64 `toml:"tau_f_ms"`
	// FacilitateFirst facilitates u before the release (see above).
	FacilitateFirst bool `toml:"facilitate_first"`
}

func (p *STPParams) validate(key string) error {
	if !(p.U > 0 && p.U <= 1) {
		return fmt.Errorf("%s.u = %v must be in (0, 1]", key, p.U)
	}
	if !(p.TauDMs > 0) || !finite(p.TauDMs) {
		return fmt.Errorf("%s.tau_d_ms = %v must be > 0 and finite", key, p.TauDMs)
	}
	if !(p.TauFMs > 0) || !finite(p.TauFMs) {
		return fmt.Errorf("%s.tau_f_ms = %v must be > 0 and finite", key, p.TauFMs)
	}
	return nil
}

// resolveMemory fills the defaults of the memory rules' tables.
func (r *RuleSpec) resolveMemory() {
	switch r.Rule {
	case RuleVSTDP:
		if r.VSTDP == nil {
			p := VSTDPDefaults()
			r.VSTDP = &p
		}
	case RuleNormalize:
		if r.Normalize == nil {
			p := NormalizeDefaults()
			r.Normalize = &p
		}
	case RuleP10:
		if r.P10 == nil {
			p := P10Defaults()
			r.P10 = &p
		}
	case RuleGlobalISTDP:
		if r.GlobalISTDP == nil {
			p := GlobalISTDPDefaults()
			r.GlobalISTDP = &p
		}
	}
}

// validateMemory checks the memory rules' tables (r resolved); known says
// whether r.Rule is one of them.
func (r *RuleSpec) validateMemory(key string, pre, post PopulationSpec, pos, nonneg func(string, float64) error) (known bool, err error) {
	first := func(errs ...error) error {
		for _, e := range errs {
			if e != nil {
				return e
			}
		}
		return nil
	}
	switch r.Rule {
	case RuleVSTDP:
		p := r.VSTDP
		if err := first(nonneg("a_ltd", p.ALTD), nonneg("a_ltp", p.ALTP), pos("tau_minus_ms", p.TauMinusMs),
			pos("tau_plus_ms", p.TauPlusMs), pos("tau_x_ms", p.TauXMs)); err != nil {
			return true, err
		}
		if !finite(p.ThetaLTDMV) || !finite(p.ThetaLTPMV) {
			return true, fmt.Errorf("%s.vstdp: theta_ltd_mv = %v and theta_ltp_mv = %v must be finite", key, p.ThetaLTDMV, p.ThetaLTPMV)
		}
		nr := post.Neuron
		switch {
		case nr.Model != AdEx:
			return true, fmt.Errorf("%s.rule = %q: the post population %q is %q, whose V resets at v_th_mv = %g mV without a spike upswing; "+
				"LTP needs V > theta_ltp_mv = %g mV in the upswing (stdp-memory.md §8.5), use model = \"adex\" (EIF) with a cut-off above it",
				key, r.Rule, post.Name, nr.Model, nr.VThMV, p.ThetaLTPMV)
		case !(nr.VThMV > p.ThetaLTPMV):
			return true, fmt.Errorf("%s.vstdp.theta_ltp_mv = %g: the post population %q's cut-off v_th_mv = %g mV is not above it, so LTP could never occur",
				key, p.ThetaLTPMV, post.Name, nr.VThMV)
		}
	case RuleNormalize:
		p := r.Normalize
		if err := first(pos("period_ms", p.PeriodMs), nonneg("row_sum", p.RowSum)); err != nil {
			return true, err
		}
	case RuleP10:
		p := r.P10
		if err := first(nonneg("a3_plus", p.A3Plus), nonneg("a2_minus", p.A2Minus), nonneg("delta", p.Delta), nonneg("beta", p.Beta),
			pos("tau_plus_ms", p.TauPlusMs), pos("tau_minus_ms", p.TauMinusMs), pos("tau_slow_ms", p.TauSlowMs),
			nonneg("consolidation_period_ms", p.ConsolidationPeriodMs), nonneg("pot_strength", p.PotStrength)); err != nil {
			return true, err
		}
		if !finite(p.WA) || !finite(p.WC) || !(p.WC > p.WA) {
			return true, fmt.Errorf("%s.p10: need finite w_a < w_c (got %v, %v)", key, p.WA, p.WC)
		}
		if p.ConsolidationPeriodMs > 0 {
			if err := pos("tau_consolidation_s", p.TauConsolidationS); err != nil {
				return true, err
			}
			if _, err := p.potStrength(); err != nil {
				return true, fmt.Errorf("%s.%v", key, err)
			}
		}
	case RuleGlobalISTDP:
		if pre.Sign != "inh" {
			return true, fmt.Errorf("%s.rule = %q: inhibitory STDP needs an inhibitory presynaptic population; %q is %q", key, r.Rule, pre.Name, pre.Sign)
		}
		if post.Neuron.Model.IsSource() {
			return true, fmt.Errorf("%s.rule = %q: the post population %q is a spike source, it has no rate to regulate", key, r.Rule, post.Name)
		}
		p := r.GlobalISTDP
		return true, first(pos("eta", p.Eta), pos("kappa_hz", p.KappaHz), pos("tau_hom_ms", p.TauHomMs), pos("tau_ms", p.TauMs))
	default:
		return false, nil
	}
	return true, nil
}

// describeMemory returns the one-line description of a memory rule ("" if r is not one).
func (r RuleSpec) describeMemory(b string) string {
	switch r.Rule {
	case RuleVSTDP:
		p := r.VSTDP
		return fmt.Sprintf("voltage STDP (LKD/Clopath) A_LTD = %g /mV, A_LTP = %g /mV², θ_LTD = %g mV, θ_LTP = %g mV, τ₋ = %g, τ₊ = %g, τ_x = %g ms (unit-area trace), bounds %s",
			p.ALTD, p.ALTP, p.ThetaLTDMV, p.ThetaLTPMV, p.TauMinusMs, p.TauPlusMs, p.TauXMs, b)
	case RuleNormalize:
		p := r.Normalize
		t := "each neuron's initial sum"
		if p.RowSum > 0 {
			t = fmt.Sprintf("%g", p.RowSum)
		}
		return fmt.Sprintf("additive row-sum normalisation to %s every %g ms, then clipping to %s", t, p.PeriodMs, b)
	case RuleP10:
		p := r.P10
		s := fmt.Sprintf("orchestrated plasticity (ZAG P10) A3+ = %g, A2− = %g, effective δ = %g, β = %g, τ₊ = %g, τ₋ = %g, τ_slow = %g ms, θ = %.4g Hz",
			p.A3Plus, p.A2Minus, p.Delta, p.Beta, p.TauPlusMs, p.TauMinusMs, p.TauSlowMs, p.A2Minus*p.TauMinusMs/(p.A3Plus*p.TauPlusMs*p.TauSlowMs/1000))
		if p.ConsolidationPeriodMs > 0 {
			ps, _ := p.potStrength()
			s += fmt.Sprintf(", consolidation every %g ms, τ_c = %g s, fixed points %g, %g (b = %g unstable), P = %.6g", p.ConsolidationPeriodMs, p.TauConsolidationS, p.WA, p.WC, (p.WA+p.WC)/2, ps)
		} else {
			s += ", no consolidation"
		}
		return s + ", bounds " + b
	case RuleGlobalISTDP:
		p := r.GlobalISTDP
		return fmt.Sprintf("globally gated iSTDP (ZAG GlobalPF) η = %g, κ = %g Hz, τ_hom = %g ms, τ = %g ms, bounds %s", p.Eta, p.KappaHz, p.TauHomMs, p.TauMs, b)
	}
	return ""
}

// PoissonDrift returns the Poisson limit of the rule's drift ⟨ẇ⟩ in 1/s
// for independent Poisson trains at nuPre and nuPost Hz and w − w̃ = d
// (stdp-memory.md §4.2): by PASTA a spike sees the stationary trace
// distribution, whose unit-jump shot noise at rate ν with time constant τ
// has mean ντ and second and third cumulants ντ/2 and ντ/3, so
//
//	⟨ẇ⟩ = ν_pre[δ + A3+τ₊τ_slow ν_post² − A2−τ₋ν_post]
//	      − β d ν_post[(ν_post τ₋)³ + 1.5(ν_post τ₋)² + ν_post τ₋/3].
func (p P10Params) PoissonDrift(nuPre, nuPost, d float64) float64 {
	tp, tm, ts := p.TauPlusMs/1000, p.TauMinusMs/1000, p.TauSlowMs/1000
	heb := nuPre * (p.Delta + float64(p.A3Plus*tp*ts*nuPost*nuPost) - float64(p.A2Minus*tm*nuPost))
	m := nuPost * tm
	return heb - float64(p.Beta*d*nuPost*(float64(m*m*m)+float64(1.5*m*m)+m/3))
}

// HebbianZeros returns the postsynaptic rates at which the Hebbian part
// δ + A3+τ₊τ_slow ν² − A2−τ₋ν of the drift vanishes (ok is false when it
// has no positive root): the roots of ν² − θν + δ/(A3+τ₊τ_slow), θ =
// A2−τ₋/(A3+τ₊τ_slow) (ZAG: 1.127 and 8.873 Hz).
func (p P10Params) HebbianZeros() (lo, hi float64, ok bool) {
	a := p.A3Plus * p.TauPlusMs / 1000 * p.TauSlowMs / 1000
	b := p.A2Minus * p.TauMinusMs / 1000
	disc := float64(b*b) - float64(4*a*p.Delta)
	if !(a > 0) || disc < 0 {
		return 0, 0, false
	}
	r := math.Sqrt(disc)
	// the smaller root without cancellation: 2δ/(b + r)
	return 2 * p.Delta / (b + r), (b + r) / (2 * a), true
}
