package spike

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Plasticity rules (RuleSpec.Rule).
const (
	RulePair        = "pair"        // pair-based additive STDP (Song, Miller & Abbott 2000)
	RuleGutig       = "gutig"       // weight-dependent STDP (Gütig et al. 2003)
	RuleVanRossum   = "vanrossum"   // additive LTP, multiplicative LTD (van Rossum, Bi & Turrigiano 2000)
	RuleTriplet     = "triplet"     // triplet STDP (Pfister & Gerstner 2006), optional sliding threshold (Zenke et al. 2013)
	RuleISTDP       = "istdp"       // inhibitory STDP (Vogels et al. 2011)
	RuleHomeostasis = "homeostasis" // additive rate homeostasis (Zierenberg, Wilting & Priesemann 2018)
	RuleScaling     = "scaling"     // multiplicative synaptic scaling
)

// RuleNames lists the plasticity rules.
var RuleNames = []string{RulePair, RuleGutig, RuleVanRossum, RuleTriplet, RuleISTDP, RuleHomeostasis, RuleScaling,
	RuleVSTDP, RuleNormalize, RuleP10, RuleGlobalISTDP}

// RuleSpec configures one plasticity rule of a projection: the rule's name,
// its hard bounds, the time windows in which it acts, and the parameters of
// that rule (only the table named by Rule may be given; when it is absent
// the rule's documented defaults apply).
//
// Conventions (spiking-networks.md §4): traces are per neuron, decay
// exponentially, τ dx/dt = −x, and jump by 1 at each spike of their neuron
// as seen at the synapse (all-to-all; "nearest" resets them to 1); a
// presynaptic spike reaches the synapse DelaySteps − DendriticSteps after
// its emission and a postsynaptic spike DendriticSteps after. When a
// presynaptic arrival and a postsynaptic spike fall in the same step, both
// updates use each trace's value from before its own increment (t − ε), the
// arrival's update first. Each update is followed by clipping to
// [w_min, w_max]. Weights are magnitudes (units of the projection's weight).
type RuleSpec struct {
	// Rule is "pair", "gutig", "vanrossum", "triplet", "istdp",
	// "homeostasis", "scaling", "vstdp", "normalize", "p10" or
	// "global_istdp".
	Rule string `toml:"rule"`
	// WMin is the lower hard bound of the weight (≥ 0).
	WMin float64 `toml:"w_min"`
	// WMax is the upper hard bound of the weight (> w_min; gutig: the weight
	// unit of its soft bounds).
	WMax float64 `toml:"w_max"`
	// Active lists [start_ms, stop_ms) windows in which the rule acts
	// (empty: always; stop_ms may be inf). Traces keep running outside
	// them. A rule acts on the events of the steps whose end time lies in
	// a window.
	Active [][2]float64 `toml:"active"`
	// Off builds the rule (its traces and state exist, so checkpoints of
	// the plastic network restore) but never lets it act: a baseline,
	// recall or ablation run.
	Off bool `toml:"off"`

	// Pair configures "pair".
	Pair *PairParams `toml:"pair"`
	// Gutig configures "gutig".
	Gutig *GutigParams `toml:"gutig"`
	// VanRossum configures "vanrossum".
	VanRossum *VanRossumParams `toml:"vanrossum"`
	// Triplet configures "triplet".
	Triplet *TripletParams `toml:"triplet"`
	// ISTDP configures "istdp".
	ISTDP *ISTDPParams `toml:"istdp"`
	// Homeostasis configures "homeostasis".
	Homeostasis *HomeostasisParams `toml:"homeostasis"`
	// Scaling configures "scaling".
	Scaling *ScalingParams `toml:"scaling"`
	// VSTDP configures "vstdp".
	VSTDP *VSTDPParams `toml:"vstdp"`
	// Normalize configures "normalize".
	Normalize *NormalizeParams `toml:"normalize"`
	// P10 configures "p10".
	P10 *P10Params `toml:"p10"`
	// GlobalISTDP configures "global_istdp".
	GlobalISTDP *GlobalISTDPParams `toml:"global_istdp"`
}

// PairParams are the parameters of pair-based additive STDP: a
// postsynaptic spike adds APlus·x_pre, a presynaptic arrival subtracts
// AMinus·y_post. Window: Δw = A+ e^{−Δt/τ+} for Δt = t_post − t_pre > 0,
// −A− e^{Δt/τ−} for Δt < 0. Poisson limit ⟨ẇ⟩ = ν_pre ν_post (A+ τ+ − A− τ−).
type PairParams struct {
	// APlus is the potentiation amplitude A+ (weight units, ≥ 0).
	APlus float64 `toml:"a_plus"`
	// AMinus is the depression amplitude A− (weight units, ≥ 0).
	AMinus float64 `toml:"a_minus"`
	// TauPlusMs is the presynaptic trace time constant τ+ in ms (> 0).
	TauPlusMs float64 `toml:"tau_plus_ms"`
	// TauMinusMs is the postsynaptic trace time constant τ− in ms (> 0).
	TauMinusMs float64 `toml:"tau_minus_ms"`
	// Nearest makes the traces reset to 1 at a spike (nearest-spike
	// interaction) instead of jumping by 1 (all-to-all).
	Nearest bool `toml:"nearest"`
}

// PairDefaults are the parameters of the Brian2 COBA + STDP benchmark
// relative to w_max = 1 (spiking-networks.md §4.1, §4.6): A+ = 0.005,
// A− = 1.05·A+, τ± = 20 ms.
func PairDefaults() PairParams {
	return PairParams{APlus: 0.005, AMinus: 0.00525, TauPlusMs: 20, TauMinusMs: 20}
}

// GutigParams are the parameters of weight-dependent STDP in the form of
// Gütig et al. 2003, with u = w/w_max: a postsynaptic spike adds
// λ(1 − u)^μ x_pre, a presynaptic arrival subtracts λα u^μ y_post (both in
// units of w_max); μ = 0 is additive, μ = 1 multiplicative. Poisson limit
// ⟨u̇⟩ = λτν_preν_post[(1 − u)^μ − αu^μ]; for μ = 1 the fixed point is
// u* = 1/(1 + α).
type GutigParams struct {
	// Lambda is the learning rate λ (> 0).
	Lambda float64 `toml:"lambda"`
	// Alpha is the depression/potentiation asymmetry α (≥ 0).
	Alpha float64 `toml:"alpha"`
	// Mu is the weight-dependence exponent μ in [0, 1].
	Mu float64 `toml:"mu"`
	// TauMs is the time constant τ = τ+ = τ− of both traces in ms (> 0).
	TauMs float64 `toml:"tau_ms"`
}

// GutigDefaults: λ = 0.01, α = 1.05, μ = 1, τ = 20 ms (engram's choice of
// typical values; u* = 0.488).
func GutigDefaults() GutigParams { return GutigParams{Lambda: 0.01, Alpha: 1.05, Mu: 1, TauMs: 20} }

// VanRossumParams are the parameters of the van Rossum, Bi & Turrigiano
// 2000 rule: a postsynaptic spike adds CP·x_pre, a presynaptic arrival
// subtracts CD·w·y_post. Poisson limit ⟨ẇ⟩ = ν_pre ν_post (c_p τ+ − c_d τ− w),
// fixed point w* = c_p τ+/(c_d τ−).
type VanRossumParams struct {
	// CP is the additive potentiation c_p (weight units, ≥ 0).
	CP float64 `toml:"c_p"`
	// CD is the multiplicative depression c_d (dimensionless, ≥ 0).
	CD float64 `toml:"c_d"`
	// TauPlusMs is the presynaptic trace time constant in ms (> 0).
	TauPlusMs float64 `toml:"tau_plus_ms"`
	// TauMinusMs is the postsynaptic trace time constant in ms (> 0).
	TauMinusMs float64 `toml:"tau_minus_ms"`
}

// VanRossumDefaults: c_p = 0.005, c_d = 0.01, τ± = 20 ms (w* = 0.5;
// engram's choice).
func VanRossumDefaults() VanRossumParams {
	return VanRossumParams{CP: 0.005, CD: 0.01, TauPlusMs: 20, TauMinusMs: 20}
}

// TripletParams are the parameters of triplet STDP (Pfister & Gerstner
// 2006) with presynaptic traces r1 (τ+), r2 (τ_x) and postsynaptic traces
// o1 (τ−), o2 (τ_y): a postsynaptic spike adds r1·(A2+ + A3+·o2), a
// presynaptic arrival subtracts o1·(A2− + A3−·r2), each trace at its value
// before its own increment. Poisson limit ⟨ẇ⟩ = ν_pre ν_post (A2+ τ+ −
// A2− τ−) + A3+ τ+ τ_y ν_pre ν_post² − A3− τ− τ_x ν_pre² ν_post.
//
// With TauHomMs > 0 the depression amplitude follows the Zenke et al. 2013
// sliding threshold: A2−(i) = A3+ τ+ τ_y ν̄_i²/(τ− κ), ν̄_i the rate of
// post neuron i read from a slow trace (time constant τ_hom, jumps of 1,
// ν̄ = trace/τ_hom, started at κ); A2Minus must then be 0.
type TripletParams struct {
	// A2Plus is the pair potentiation amplitude A2+ (≥ 0).
	A2Plus float64 `toml:"a2_plus"`
	// A3Plus is the triplet potentiation amplitude A3+ (≥ 0).
	A3Plus float64 `toml:"a3_plus"`
	// A2Minus is the pair depression amplitude A2− (≥ 0; 0 with tau_hom_ms).
	A2Minus float64 `toml:"a2_minus"`
	// A3Minus is the triplet depression amplitude A3− (≥ 0).
	A3Minus float64 `toml:"a3_minus"`
	// TauPlusMs is τ+ of the presynaptic trace r1 in ms (> 0).
	TauPlusMs float64 `toml:"tau_plus_ms"`
	// TauXMs is τ_x of the presynaptic trace r2 in ms (> 0).
	TauXMs float64 `toml:"tau_x_ms"`
	// TauMinusMs is τ− of the postsynaptic trace o1 in ms (> 0).
	TauMinusMs float64 `toml:"tau_minus_ms"`
	// TauYMs is τ_y of the postsynaptic trace o2 in ms (> 0).
	TauYMs float64 `toml:"tau_y_ms"`
	// Nearest makes all four traces nearest-spike (reset to 1).
	Nearest bool `toml:"nearest"`
	// TauHomMs is the time constant of the rate estimate ν̄ in ms (0: no
	// sliding threshold; Zenke et al. 2013: 50 000, the benchmark 10 000).
	TauHomMs float64 `toml:"tau_hom_ms"`
	// KappaHz is the target rate κ of the sliding threshold in Hz (> 0 with tau_hom_ms).
	KappaHz float64 `toml:"kappa_hz"`
}

// TripletDefaults are Pfister & Gerstner's all-to-all visual-cortex fit as
// NEST's stdp_triplet_synapse ships it (spiking-networks.md §4.3, §4.6):
// τ+ = 16.8, τ_x = 101, τ− = 33.7, τ_y = 125 ms, A2+ = 5e-10, A3+ = 6.2e-3,
// A2− = 7e-3, A3− = 2.3e-4.
func TripletDefaults() TripletParams {
	return TripletParams{A2Plus: 5e-10, A3Plus: 6.2e-3, A2Minus: 7e-3, A3Minus: 2.3e-4,
		TauPlusMs: 16.8, TauXMs: 101, TauMinusMs: 33.7, TauYMs: 125}
}

// ZenkeTripletParams is the minimal triplet rule with the homeostatic
// sliding threshold of Zenke et al. 2013 as in Auryn's TripletConnection
// (spiking-networks.md §2.3, §4.3): A3+ = 6.5e-3·η, A2+ = A3− = 0, τ+ =
// 16.8, τ− = 33.7, τ_y = 114 ms, κ = 3 Hz, τ_hom as given (τ_x unused).
func ZenkeTripletParams(eta, tauHomMs float64) TripletParams {
	return TripletParams{A3Plus: 6.5e-3 * eta, TauPlusMs: 16.8, TauXMs: 101, TauMinusMs: 33.7, TauYMs: 114,
		TauHomMs: tauHomMs, KappaHz: 3}
}

// ISTDPParams are the parameters of inhibitory STDP (Vogels et al. 2011)
// on a projection from an inhibitory population: symmetric traces of time
// constant τ; a presynaptic (inhibitory) arrival adds η(x_post − α), a
// postsynaptic spike adds η x_pre, with α = 2ρ0τ. Poisson limit ⟨ẇ⟩ =
// 2ητ ν_pre (ν_post − ρ0): inhibition grows until the post rate is ρ0.
type ISTDPParams struct {
	// Eta is the learning rate η (weight units, > 0).
	Eta float64 `toml:"eta"`
	// TauMs is the trace time constant τ_STDP in ms (> 0).
	TauMs float64 `toml:"tau_ms"`
	// Rho0Hz is the target postsynaptic rate ρ0 in Hz (> 0).
	Rho0Hz float64 `toml:"rho0_hz"`
}

// ISTDPDefaults: η = 1e-2, τ = 20 ms, ρ0 = 3 Hz (α = 0.12; Vogels et al.
// 2011 as in spiking-networks.md §2.4, weights in nS).
func ISTDPDefaults() ISTDPParams { return ISTDPParams{Eta: 1e-2, TauMs: 20, Rho0Hz: 3} }

// HomeostasisParams are the parameters of additive rate homeostasis
// (Zierenberg, Wilting & Priesemann 2018; criticality.md §6.3): every
// PeriodMs every synapse onto post neuron i changes by λ(n* − n_i) (+ a
// zero-mean Gaussian term of SD NoiseSD), n_i the spikes of i in the
// period and n* = r*·T. Fixed point: rate r*.
type HomeostasisParams struct {
	// Lambda is λ, the weight change per missing spike (weight units, > 0).
	Lambda float64 `toml:"lambda"`
	// RateHz is the target rate r* in Hz (> 0).
	RateHz float64 `toml:"rate_hz"`
	// PeriodMs is the update period T in ms (≥ dt; rounded to whole steps).
	PeriodMs float64 `toml:"period_ms"`
	// NoiseSD is the SD of the optional per-synapse noise ξ (weight units, ≥ 0).
	NoiseSD float64 `toml:"noise_sd"`
	// QuantBits, if > 0, puts every updated weight on 2^bits − 1 equal
	// steps of [w_min, w_max] by stochastic rounding (up with probability
	// equal to the fractional part, so unbiased), as on the 6-bit synapses
	// of Cramer et al.'s chip (0: off; 1–16). Initial
	// weights are not quantised; after the first update every weight is on
	// the grid.
	QuantBits int `toml:"quant_bits"`
}

// HomeostasisDefaults: λ = 1e-3, r* = 1 Hz, T = 100 ms, no noise (engram's
// choice; criticality.md §6.3 gives T = 100 steps).
func HomeostasisDefaults() HomeostasisParams {
	return HomeostasisParams{Lambda: 1e-3, RateHz: 1, PeriodMs: 100}
}

// ScalingParams are the parameters of multiplicative synaptic scaling:
// every PeriodMs every synapse onto post neuron i is multiplied by
// 1 + λ(r* − r_i), r_i its rate (Hz) over the period.
type ScalingParams struct {
	// Lambda is λ in 1/Hz (> 0; λ·r* ≪ 1 for stability).
	Lambda float64 `toml:"lambda"`
	// RateHz is the target rate r* in Hz (> 0).
	RateHz float64 `toml:"rate_hz"`
	// PeriodMs is the update period in ms (≥ dt; rounded to whole steps).
	PeriodMs float64 `toml:"period_ms"`
}

// ScalingDefaults: λ = 0.01/Hz, r* = 5 Hz, T = 1000 ms (engram's choice).
func ScalingDefaults() ScalingParams { return ScalingParams{Lambda: 0.01, RateHz: 5, PeriodMs: 1000} }

// targetRateHz returns the target rate of a rate-regulating rule (r* of
// homeostasis and scaling) and the rule's table name, or 0.
func (r RuleSpec) targetRateHz() (float64, string) {
	switch {
	case r.Rule == RuleHomeostasis && r.Homeostasis != nil:
		return r.Homeostasis.RateHz, "homeostasis"
	case r.Rule == RuleScaling && r.Scaling != nil:
		return r.Scaling.RateHz, "scaling"
	}
	return 0, ""
}

// params returns the rule's parameter table (or nil) and the names of the
// tables set.
func (r *RuleSpec) tables() (set []string) {
	for _, t := range []struct {
		name string
		nil_ bool
	}{{RulePair, r.Pair == nil}, {RuleGutig, r.Gutig == nil}, {RuleVanRossum, r.VanRossum == nil},
		{RuleTriplet, r.Triplet == nil}, {RuleISTDP, r.ISTDP == nil}, {RuleHomeostasis, r.Homeostasis == nil},
		{RuleScaling, r.Scaling == nil}, {RuleVSTDP, r.VSTDP == nil}, {RuleNormalize, r.Normalize == nil},
		{RuleP10, r.P10 == nil}, {RuleGlobalISTDP, r.GlobalISTDP == nil}} {
		if !t.nil_ {
			set = append(set, t.name)
		}
	}
	return set
}

// periodMs returns the period of a periodic rule and its table's key (0: none).
func (r RuleSpec) periodMs() (float64, string) {
	switch {
	case r.Rule == RuleHomeostasis && r.Homeostasis != nil:
		return r.Homeostasis.PeriodMs, "homeostasis"
	case r.Rule == RuleScaling && r.Scaling != nil:
		return r.Scaling.PeriodMs, "scaling"
	case r.Rule == RuleNormalize && r.Normalize != nil:
		return r.Normalize.PeriodMs, "normalize"
	case r.Rule == RuleP10 && r.P10 != nil && r.P10.ConsolidationPeriodMs > 0:
		return r.P10.ConsolidationPeriodMs, "p10"
	}
	return 0, ""
}

// clone returns r with its own copies of the parameter tables and windows
// (a Net must not share them with the caller's spec).
func (r RuleSpec) clone() RuleSpec {
	r.Pair, r.Gutig, r.VanRossum, r.Triplet = clonePtr(r.Pair), clonePtr(r.Gutig), clonePtr(r.VanRossum), clonePtr(r.Triplet)
	r.ISTDP, r.Homeostasis, r.Scaling = clonePtr(r.ISTDP), clonePtr(r.Homeostasis), clonePtr(r.Scaling)
	r.VSTDP, r.Normalize, r.P10, r.GlobalISTDP = clonePtr(r.VSTDP), clonePtr(r.Normalize), clonePtr(r.P10), clonePtr(r.GlobalISTDP)
	r.Active = slices.Clone(r.Active)
	return r
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// Resolved returns a copy of r with the chosen rule's parameter table
// filled with its defaults when absent.
func (r RuleSpec) Resolved() RuleSpec {
	switch r.Rule {
	case RulePair:
		if r.Pair == nil {
			p := PairDefaults()
			r.Pair = &p
		}
	case RuleGutig:
		if r.Gutig == nil {
			p := GutigDefaults()
			r.Gutig = &p
		}
	case RuleVanRossum:
		if r.VanRossum == nil {
			p := VanRossumDefaults()
			r.VanRossum = &p
		}
	case RuleTriplet:
		if r.Triplet == nil {
			p := TripletDefaults()
			r.Triplet = &p
		}
	case RuleISTDP:
		if r.ISTDP == nil {
			p := ISTDPDefaults()
			r.ISTDP = &p
		}
	case RuleHomeostasis:
		if r.Homeostasis == nil {
			p := HomeostasisDefaults()
			r.Homeostasis = &p
		}
	case RuleScaling:
		if r.Scaling == nil {
			p := ScalingDefaults()
			r.Scaling = &p
		}
	default:
		r.resolveMemory()
	}
	return r
}

// validate checks r for a projection from pre to post; key names it.
func (r *RuleSpec) validate(key string, pre, post PopulationSpec) error {
	known := false
	for _, n := range RuleNames {
		known = known || r.Rule == n
	}
	if !known {
		return fmt.Errorf("%s.rule = %q must be one of %s", key, r.Rule, strings.Join(RuleNames, ", "))
	}
	for _, t := range r.tables() {
		if t != r.Rule {
			return fmt.Errorf("%s.%s: parameters of rule %q given for a %q rule", key, t, t, r.Rule)
		}
	}
	if !finite(r.WMin) || !finite(r.WMax) || !(r.WMin >= 0) || !(r.WMax > r.WMin) {
		return fmt.Errorf("%s: need finite bounds 0 ≤ w_min < w_max (got w_min = %v, w_max = %v)", key, r.WMin, r.WMax)
	}
	for k, a := range r.Active {
		if !finite(a[0]) || math.IsNaN(a[1]) || !(a[0] >= 0) || !(a[1] > a[0]) {
			return fmt.Errorf("%s.active[%d] = [%v, %v]: need finite 0 ≤ start_ms < stop_ms (stop may be inf)", key, k, a[0], a[1])
		}
	}
	rr := r.Resolved()
	pos := func(field string, v float64) error {
		if !(v > 0) || !finite(v) {
			return fmt.Errorf("%s.%s.%s = %v must be > 0 and finite", key, r.Rule, field, v)
		}
		return nil
	}
	nonneg := func(field string, v float64) error {
		if !(v >= 0) || !finite(v) {
			return fmt.Errorf("%s.%s.%s = %v must be ≥ 0 and finite", key, r.Rule, field, v)
		}
		return nil
	}
	first := func(errs ...error) error {
		for _, e := range errs {
			if e != nil {
				return e
			}
		}
		return nil
	}
	neuronPost := func() error {
		if post.Neuron.Model.IsSource() {
			return fmt.Errorf("%s.rule = %q: the post population %q is a spike source (%s), it has no rate to regulate", key, r.Rule, post.Name, post.Neuron.Model)
		}
		return nil
	}
	switch r.Rule {
	case RulePair:
		p := rr.Pair
		return first(nonneg("a_plus", p.APlus), nonneg("a_minus", p.AMinus), pos("tau_plus_ms", p.TauPlusMs), pos("tau_minus_ms", p.TauMinusMs))
	case RuleGutig:
		p := rr.Gutig
		if err := first(pos("lambda", p.Lambda), nonneg("alpha", p.Alpha), pos("tau_ms", p.TauMs)); err != nil {
			return err
		}
		if !(p.Mu >= 0 && p.Mu <= 1) {
			return fmt.Errorf("%s.gutig.mu = %v outside [0, 1]", key, p.Mu)
		}
		if r.WMin != 0 {
			return fmt.Errorf("%s.w_min = %v: the gutig rule's soft bounds are [0, w_max]; w_min must be 0", key, r.WMin)
		}
	case RuleVanRossum:
		p := rr.VanRossum
		return first(nonneg("c_p", p.CP), nonneg("c_d", p.CD), pos("tau_plus_ms", p.TauPlusMs), pos("tau_minus_ms", p.TauMinusMs))
	case RuleTriplet:
		p := rr.Triplet
		if err := first(nonneg("a2_plus", p.A2Plus), nonneg("a3_plus", p.A3Plus), nonneg("a2_minus", p.A2Minus),
			nonneg("a3_minus", p.A3Minus), pos("tau_plus_ms", p.TauPlusMs), pos("tau_x_ms", p.TauXMs),
			pos("tau_minus_ms", p.TauMinusMs), pos("tau_y_ms", p.TauYMs), nonneg("tau_hom_ms", p.TauHomMs)); err != nil {
			return err
		}
		if p.TauHomMs > 0 {
			if err := pos("kappa_hz", p.KappaHz); err != nil {
				return err
			}
			if p.A2Minus != 0 {
				return fmt.Errorf("%s.triplet.a2_minus = %v: with tau_hom_ms > 0 the sliding threshold sets A2−; leave a2_minus at 0", key, p.A2Minus)
			}
		}
	case RuleISTDP:
		if pre.Sign != "inh" {
			return fmt.Errorf("%s.rule = %q: inhibitory STDP needs an inhibitory presynaptic population; %q is %q", key, r.Rule, pre.Name, pre.Sign)
		}
		p := rr.ISTDP
		return first(pos("eta", p.Eta), pos("tau_ms", p.TauMs), pos("rho0_hz", p.Rho0Hz))
	case RuleHomeostasis:
		p := rr.Homeostasis
		if err := first(neuronPost(), pos("lambda", p.Lambda), pos("rate_hz", p.RateHz), pos("period_ms", p.PeriodMs), nonneg("noise_sd", p.NoiseSD)); err != nil {
			return err
		}
		if p.QuantBits < 0 || p.QuantBits > 16 {
			return fmt.Errorf("%s.homeostasis.quant_bits = %d must be in [0, 16]", key, p.QuantBits)
		}
		return nil
	case RuleScaling:
		p := rr.Scaling
		return first(neuronPost(), pos("lambda", p.Lambda), pos("rate_hz", p.RateHz), pos("period_ms", p.PeriodMs))
	default:
		_, err := rr.validateMemory(key, pre, post, pos, nonneg)
		return err
	}
	return nil
}

// describe returns a one-line description of the resolved rule.
func (r RuleSpec) describe() string {
	r = r.Resolved()
	b := fmt.Sprintf("[%g, %g]", r.WMin, r.WMax)
	switch r.Rule {
	case RulePair:
		p := r.Pair
		kind := "all-to-all"
		if p.Nearest {
			kind = "nearest"
		}
		return fmt.Sprintf("pair STDP (%s) A+ = %g, A− = %g, τ+ = %g ms, τ− = %g ms, bounds %s", kind, p.APlus, p.AMinus, p.TauPlusMs, p.TauMinusMs, b)
	case RuleGutig:
		p := r.Gutig
		return fmt.Sprintf("weight-dependent STDP (Gütig) λ = %g, α = %g, μ = %g, τ = %g ms, w_max = %g", p.Lambda, p.Alpha, p.Mu, p.TauMs, r.WMax)
	case RuleVanRossum:
		p := r.VanRossum
		return fmt.Sprintf("van Rossum STDP c_p = %g, c_d = %g, τ+ = %g ms, τ− = %g ms, bounds %s", p.CP, p.CD, p.TauPlusMs, p.TauMinusMs, b)
	case RuleTriplet:
		p := r.Triplet
		s := fmt.Sprintf("triplet STDP A2+ = %g, A3+ = %g, A3− = %g, τ+ = %g, τ_x = %g, τ− = %g, τ_y = %g ms", p.A2Plus, p.A3Plus, p.A3Minus, p.TauPlusMs, p.TauXMs, p.TauMinusMs, p.TauYMs)
		if p.TauHomMs > 0 {
			s += fmt.Sprintf(", sliding threshold A2− = A3+τ+τ_y ν̄²/(τ−κ), κ = %g Hz, τ_hom = %g ms", p.KappaHz, p.TauHomMs)
		} else {
			s += fmt.Sprintf(", A2− = %g", p.A2Minus)
		}
		if p.Nearest {
			s += ", nearest-spike"
		}
		return s + ", bounds " + b
	case RuleISTDP:
		p := r.ISTDP
		return fmt.Sprintf("inhibitory STDP (Vogels) η = %g, τ = %g ms, ρ0 = %g Hz (α = %g), bounds %s", p.Eta, p.TauMs, p.Rho0Hz, 2*p.Rho0Hz*p.TauMs/1000, b)
	case RuleHomeostasis:
		p := r.Homeostasis
		q := ""
		if p.QuantBits > 0 {
			q = fmt.Sprintf(", %d-bit stochastic rounding", p.QuantBits)
		}
		return fmt.Sprintf("rate homeostasis Δw = λ(n* − n) every %g ms, λ = %g, r* = %g Hz, noise SD %g%s, bounds %s", p.PeriodMs, p.Lambda, p.RateHz, p.NoiseSD, q, b)
	case RuleScaling:
		p := r.Scaling
		return fmt.Sprintf("synaptic scaling w ← w(1 + λ(r* − r)) every %g ms, λ = %g /Hz, r* = %g Hz, bounds %s", p.PeriodMs, p.Lambda, p.RateHz, b)
	}
	if d := r.describeMemory(b); d != "" {
		return d
	}
	return r.Rule
}

// ruleOn reports whether rule rs acts at time t (ms): not off, and in one
// of its windows.
func ruleOn(rs *RuleSpec, t float64) bool { return !rs.Off && activeAt(rs.Active, t) }

// activeAt reports whether the rule acts at time t (ms).
func activeAt(windows [][2]float64, t float64) bool {
	if len(windows) == 0 {
		return true
	}
	for _, a := range windows {
		if t >= a[0] && t < a[1] {
			return true
		}
	}
	return false
}

// clampW clips w to [lo, hi] (NaN stays NaN and is caught by the checker).
func clampW(w, lo, hi float64) float64 {
	if w < lo {
		return lo
	}
	if w > hi {
		return hi
	}
	return w
}
