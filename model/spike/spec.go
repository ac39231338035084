package spike

import (
	"fmt"
	"math"
	"slices"
)

// Spec describes a whole network: populations, neuron groups, projections
// (with their plasticity) and inputs. It is plain data; Build turns it into
// a runnable Net.
//
// Everything random is drawn from streams keyed by the master seed, a
// purpose and the *name* of what it belongs to (population, projection,
// input), never by its position in a list: adding a population, a
// projection or an input leaves every other draw unchanged.
type Spec struct {
	// DtMs is the integration step in ms (typically 0.1; 1 for the L2/3 preset).
	DtMs float64
	// Seed is the master seed; every random quantity uses a keyed stream of it.
	Seed uint64
	// Populations are the neuron groups; their order fixes global neuron ids.
	Populations []PopulationSpec
	// Groups are named subsets of a population's neurons (assemblies, cue
	// sets), targets of inputs and monitors.
	Groups []GroupSpec
	// Projections connect populations (pre → post).
	Projections []ProjectionSpec
	// Poisson are independent Poisson inputs into neurons' synaptic channels.
	Poisson []PoissonSpec
	// Rates modulate the rates of Poisson spike-source populations over time.
	Rates []RateSpec
	// Noise are Gaussian white-noise inputs (Brunel convention).
	Noise []NoiseSpec
	// Currents are constant, step and Ornstein–Uhlenbeck currents.
	Currents []CurrentSpec
	// SpikeTrains are given input spike trains (e.g. read from files).
	SpikeTrains []SpikeTrainSpec
}

// SpikeTrainSpec delivers a given list of input spikes: at time TimesMs[k]
// neuron IDs[k] of Target receives Weight on the excitatory ("exc") or
// inhibitory ("inh") channel. An event at time t acts at the end of the step
// containing t, i.e. at (⌊t/dt⌋ + 1)·dt.
type SpikeTrainSpec struct {
	// Target names the receiving population.
	Target string
	// TimesMs are the event times in ms (≥ 0, any order).
	TimesMs []float64
	// IDs are the receiving neurons (local ids of Target), one per time.
	IDs []int32
	// Weight is the per-event magnitude (mV for delta/exp, g_L for coba; ≥ 0).
	Weight float64
	// Sign is "exc" or "inh".
	Sign string
}

// PopulationSpec is one group of identical neurons, or a spike source
// (Neuron.Model "poisson" or "generator").
type PopulationSpec struct {
	// Name identifies the population in projections, inputs and output ("E", "I").
	Name string `toml:"name"`
	// N is the number of neurons (1–10^7).
	N int `toml:"n"`
	// Sign is "exc" or "inh": Dale's law, the sign of every outgoing weight.
	Sign string `toml:"sign"`
	// Neuron holds the neuron and synapse constants.
	Neuron NeuronParams `toml:"neuron"`
	// Init sets the initial state.
	Init InitSpec `toml:"init"`
	// Generator holds the spike times of a "generator" population.
	Generator *GeneratorSpec `toml:"generator"`
}

// GeneratorSpec gives the spikes of a "generator" population: neuron
// IDs[k] (local id) spikes at TimesMs[k]. A spike at t is emitted in the
// step whose end is the first grid time ≥ t, so its spike time is
// ⌈t/dt⌉·dt (t on the grid: exactly t); times must be ≥ dt.
type GeneratorSpec struct {
	// TimesMs are the spike times in ms (≥ dt, any order).
	TimesMs []float64 `toml:"times_ms"`
	// IDs are the spiking neurons (local ids), one per time.
	IDs []int32 `toml:"ids"`
}

// InitSpec draws the initial state of a population from keyed streams.
type InitSpec struct {
	// VLoMV is the lower end of the initial V range in mV: V starts uniform
	// in [v_lo_mv, v_hi_mv] (equal: constant; both zero: at e_l_mv).
	VLoMV float64 `toml:"v_lo_mv" unit:"mV"`
	// VHiMV is the upper end of the initial V range in mV.
	VHiMV float64 `toml:"v_hi_mv" unit:"mV"`
	// GEMean is the mean initial excitatory synaptic state, drawn N(ge_mean,
	// ge_sd) (units of g_L for coba, mV for exp).
	GEMean float64 `toml:"ge_mean"`
	// GESD is the SD of the initial excitatory synaptic state.
	GESD float64 `toml:"ge_sd"`
	// GIMean is the mean initial inhibitory synaptic state (magnitude for coba; exp currents are signed).
	GIMean float64 `toml:"gi_mean"`
	// GISD is the SD of the initial inhibitory synaptic state.
	GISD float64 `toml:"gi_sd"`
	// WMV is the initial AdEx adaptation w in mV (LKD: a·(V_reset − E_L)).
	WMV float64 `toml:"w_mv"`
}

// GroupSpec is a named subset of one population's neurons: an assembly, a
// stimulated or a recorded set. Exactly one way of choosing members is
// used: IDs (explicit local ids), [Lo, Hi) (a block of ids), or Fraction
// (each neuron a member independently with that probability, from a stream
// keyed by the group's name).
type GroupSpec struct {
	// Name identifies the group (unique among groups and populations).
	Name string `toml:"name"`
	// Population names the population whose neurons the group holds.
	Population string `toml:"population"`
	// IDs are explicit member ids (local to the population; any order, no repeats).
	IDs []int32 `toml:"ids"`
	// Lo and Hi select the block [lo, hi) of local ids (hi > lo).
	Lo int `toml:"lo"`
	// Hi is the end (exclusive) of the block.
	Hi int `toml:"hi"`
	// Fraction makes each neuron a member with this probability (0 < f ≤ 1).
	Fraction float64 `toml:"fraction"`
}

// Connection rules.
const (
	RuleBernoulli = "bernoulli"  // each pair independently with probability p
	RuleFixedIn   = "fixed_in"   // every post neuron has exactly k inputs
	RuleFixedOut  = "fixed_out"  // every pre neuron has exactly k targets
	RuleOneToOne  = "one_to_one" // pre neuron i → post neuron i (equal sizes)
	// RuleDisc: topographic receptive fields. Both populations are square
	// sheets (N = side², neuron i at column i mod side, row i div side)
	// mapped onto the same unit torus; post neuron i receives every
	// presynaptic neuron whose position lies within Radius presynaptic
	// grid spacings of its own (ZAG 2015's input discs of radius 8 on the
	// 64 × 64 stimulus).
	RuleDisc = "disc"
)

// ProjectionSpec connects population Pre to population Post.
type ProjectionSpec struct {
	// Name identifies the projection in keyed random streams, checkpoints,
	// outputs and errors (empty: "pre→post"; names must be unique).
	Name string `toml:"name"`
	// Pre names the presynaptic population.
	Pre string `toml:"pre"`
	// Post names the postsynaptic population.
	Post string `toml:"post"`
	// Rule is "bernoulli", "fixed_in", "fixed_out", "one_to_one" or "disc".
	Rule string `toml:"rule"`
	// P is the connection probability in [0, 1] (bernoulli; for fixed_in and
	// fixed_out with K = 0, k = round(p·n) with n the candidate count, n−1 within a
	// population without autapses).
	P float64 `toml:"p"`
	// K is the fixed in- or out-degree (fixed_in, fixed_out; 0 = derive from p).
	K int `toml:"k"`
	// Radius is the receptive-field radius of "disc" in presynaptic grid spacings (> 0).
	Radius float64 `toml:"radius"`
	// Autapses allows i→i synapses when pre == post.
	Autapses bool `toml:"autapses"`
	// Multapses allows repeated pairs (fixed-degree rules).
	Multapses bool `toml:"multapses"`
	// Weight gives the weight magnitudes; the sign comes from the pre population.
	Weight WeightSpec `toml:"weight"`
	// DelayMs is the transmission delay in ms from the presynaptic spike to
	// its effect on the postsynaptic neuron (≥ dt; rounded to whole steps).
	DelayMs float64 `toml:"delay_ms" unit:"ms"`
	// DendriticDelayMs is the part of DelayMs that is dendritic (0 ≤ d ≤
	// delay_ms; rounded to steps): plasticity sees a presynaptic spike at
	// the synapse delay − dendritic after it was emitted, and a
	// postsynaptic spike dendritic after it was emitted. 0 (the default,
	// as in Brian2 and Auryn) makes the whole delay axonal; d = delay_ms is
	// NEST's convention for its STDP synapses (all dendritic).
	DendriticDelayMs float64 `toml:"dendritic_delay_ms"`
	// Plasticity lists the rules acting on this projection's weights, in
	// the order they are applied.
	Plasticity []RuleSpec `toml:"plasticity"`
	// STP adds Tsodyks–Markram short-term plasticity to the transmission
	// (absent: none): a spike transmits w·u·x of its presynaptic neuron's
	// state.
	STP *STPParams `toml:"stp"`
}

// DisplayName returns Name, or "pre→post" when it is empty.
func (p *ProjectionSpec) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return p.Pre + "→" + p.Post
}

// Weight distributions.
const (
	WeightConstant  = "constant"
	WeightNormal    = "normal"    // N(mean, sd) truncated at 0 by redrawing
	WeightLognormal = "lognormal" // exp(N(log_mu, log_sigma))
)

// WeightSpec describes weight magnitudes |w| (mV for delta and exp synapses,
// units of g_L for coba). The stored weight is Scale·|w|, a magnitude ≥ 0;
// the sign of its effect is the presynaptic population's (Dale's law).
type WeightSpec struct {
	// Dist is "constant", "normal" or "lognormal".
	Dist string `toml:"dist"`
	// Mean is the constant value or the normal mean (mV or g_L; > 0).
	Mean float64 `toml:"mean"`
	// SD is the normal standard deviation (≥ 0).
	SD float64 `toml:"sd"`
	// LogMu is the lognormal μ of log|w| (MacLean: −0.64).
	LogMu float64 `toml:"log_mu"`
	// LogSigma is the lognormal σ of log|w| (MacLean: 0.51; ≥ 0).
	LogSigma float64 `toml:"log_sigma"`
	// Scale multiplies every drawn magnitude (0 or unset: 1; e.g. 1/√K
	// scaling). To silence a projection set mean = 0 or remove it.
	Scale float64 `toml:"scale"`
}

// ScaleFactor is the factor Scale stands for: Scale, or 1 when it is 0 (unset).
func (w WeightSpec) ScaleFactor() float64 {
	if w.Scale == 0 {
		return 1
	}
	return w.Scale
}

// Segment is a time interval [StartMs, StopMs) with a rate.
type Segment struct {
	// StartMs is the start of the segment in ms (≥ 0).
	StartMs float64 `toml:"start_ms"`
	// StopMs is the end of the segment in ms (> start_ms).
	StopMs float64 `toml:"stop_ms"`
	// RateHz is the rate during the segment in Hz (≥ 0).
	RateHz float64 `toml:"rate_hz"`
}

// PoissonSpec drives every neuron of Target (or of Group, or a random
// Fraction of the group) with its own independent Poisson process of rate
// NSources·r(t), each event adding Weight to the excitatory (Sign "exc") or
// inhibitory ("inh") synaptic channel. r(t) is RateHz, or during a segment
// of Schedule that segment's rate.
type PoissonSpec struct {
	// Name keys this input's random streams (empty: "poisson:<target>:<sign>");
	// names must be unique among the Poisson inputs.
	Name string `toml:"name"`
	// Target names the driven population.
	Target string `toml:"target"`
	// Group restricts the input to a group of Target (empty: every neuron).
	Group string `toml:"group"`
	// Fraction restricts it to a random fraction of those neurons (a cue;
	// drawn from a stream keyed by the input's name; 0 means all).
	Fraction float64 `toml:"fraction"`
	// NSources is the number of independent sources per neuron (Brunel: C_ext = 1000).
	NSources int `toml:"n_sources"`
	// RateHz is the rate of each source in Hz outside the schedule's segments (≥ 0).
	RateHz float64 `toml:"rate_hz" unit:"Hz"`
	// Schedule lists segments (non-overlapping) during which each source
	// fires at the segment's rate instead.
	Schedule []Segment `toml:"schedule"`
	// Weight is the per-event magnitude (mV for delta/exp, g_L for coba; ≥ 0).
	Weight float64 `toml:"weight"`
	// Sign is "exc" or "inh".
	Sign string `toml:"sign"`
}

// DisplayName returns Name or its default.
func (p *PoissonSpec) DisplayName() string {
	if p.Name != "" {
		return p.Name
	}
	return "poisson:" + p.Target + ":" + p.Sign
}

// RateSpec adds RateHz to the rate of the neurons of a Poisson spike-source
// population (all, a Group, or a random Fraction of it) during each segment
// of Schedule (its rate_hz is used; segment rates replace RateHz).
type RateSpec struct {
	// Name keys the random choice of a Fraction (unique among rate inputs).
	Name string `toml:"name"`
	// Target names the Poisson source population.
	Target string `toml:"target"`
	// Group restricts the change to a group of Target (empty: every neuron).
	Group string `toml:"group"`
	// Fraction restricts it to a random fraction of those neurons (0: all).
	Fraction float64 `toml:"fraction"`
	// Schedule lists the segments (non-overlapping) with the rate added in Hz.
	Schedule []Segment `toml:"schedule"`
}

// NoiseSpec adds Gaussian white noise in the Brunel 2000 convention,
// τ_m dV/dt = … + μ + σ √τ_m ξ(t), to every neuron of Target.
type NoiseSpec struct {
	// Target names the driven population.
	Target string `toml:"target"`
	// MuMV is the mean input μ in mV.
	MuMV float64 `toml:"mu_mv" unit:"mV"`
	// SigmaMV is the noise amplitude σ in mV (the free membrane SD is σ/√2; ≥ 0).
	SigmaMV float64 `toml:"sigma_mv" unit:"mV"`
	// Bridge enables the Brownian-bridge crossing correction: a threshold
	// crossing between two grid points is detected with probability
	// exp(−2(θ−V₀)(θ−V₁)/(σ² dt/τ_m)), removing the O(√dt) rate bias.
	Bridge bool `toml:"bridge"`
}

// Current kinds.
const (
	CurrentConstant = "constant"
	CurrentStep     = "step"
	CurrentOU       = "ou"
)

// CurrentSpec is an injected current, expressed as the voltage R·I (mV).
type CurrentSpec struct {
	// Target names the driven population.
	Target string `toml:"target"`
	// Kind is "constant", "step" (amp_mv in [start_ms, stop_ms)) or "ou".
	Kind string `toml:"kind"`
	// AmpMV is the amplitude (constant, step) or the OU mean, in mV.
	AmpMV float64 `toml:"amp_mv" unit:"mV"`
	// StartMs is when a step current switches on, in ms.
	StartMs float64 `toml:"start_ms" unit:"ms"`
	// StopMs is when a step current switches off, in ms (> start_ms).
	StopMs float64 `toml:"stop_ms" unit:"ms"`
	// SigmaMV is the OU stationary SD in mV (≥ 0).
	SigmaMV float64 `toml:"sigma_mv" unit:"mV"`
	// TauMs is the OU correlation time in ms (> 0).
	TauMs float64 `toml:"tau_ms" unit:"ms"`
}

// PopIndex returns the index of the population called name, or −1.
func (s *Spec) PopIndex(name string) int {
	for i, p := range s.Populations {
		if p.Name == name {
			return i
		}
	}
	return -1
}

// GroupIndex returns the index of the group called name, or −1.
func (s *Spec) GroupIndex(name string) int {
	for i, g := range s.Groups {
		if g.Name == name {
			return i
		}
	}
	return -1
}

// ProjIndex returns the index of the projection whose DisplayName is name, or −1.
func (s *Spec) ProjIndex(name string) int {
	for i := range s.Projections {
		if s.Projections[i].DisplayName() == name {
			return i
		}
	}
	return -1
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// MaxNeurons is the largest population size Build accepts.
const MaxNeurons = 10_000_000

// MaxDelaySteps is the longest delay (in steps) Build accepts.
const MaxDelaySteps = 100_000

// Validate checks the whole spec; errors name the offending key, e.g.
// "projection[2] (E→I).p".
func (s *Spec) Validate() error {
	if !(s.DtMs > 0) || !finite(s.DtMs) || s.DtMs > 100 {
		return fmt.Errorf("network.dt_ms = %v must be in (0, 100] ms", s.DtMs)
	}
	if len(s.Populations) == 0 {
		return fmt.Errorf("population: at least one population is required")
	}
	seen := map[string]string{}
	for i, p := range s.Populations {
		key := fmt.Sprintf("population[%d] (%s)", i, p.Name)
		if p.Name == "" {
			return fmt.Errorf("population[%d].name is empty", i)
		}
		if seen[p.Name] != "" {
			return fmt.Errorf("%s.name: duplicate population name", key)
		}
		seen[p.Name] = "population"
		if p.N <= 0 || p.N > MaxNeurons {
			return fmt.Errorf("%s.n = %d must be in [1, %d]", key, p.N, MaxNeurons)
		}
		if p.Sign != "exc" && p.Sign != "inh" {
			return fmt.Errorf(`%s.sign = %q must be "exc" or "inh"`, key, p.Sign)
		}
		if err := p.Neuron.Validate(key + ".neuron"); err != nil {
			return err
		}
		if p.Neuron.Model.IsSource() {
			if p.Neuron.Model == Generator {
				if err := p.Generator.validate(key+".generator", p.N, s.DtMs); err != nil {
					return err
				}
			}
		} else if p.Generator != nil {
			return fmt.Errorf("%s.generator: only a population with neuron.model = %q has spike times", key, Generator)
		}
		if !finite(p.Init.VLoMV) || !finite(p.Init.VHiMV) || !finite(p.Init.GEMean) || !finite(p.Init.GIMean) {
			return fmt.Errorf("%s.init: values must be finite", key)
		}
		if p.Init.VHiMV < p.Init.VLoMV || !(p.Init.GESD >= 0) || !(p.Init.GISD >= 0) || !finite(p.Init.GESD) || !finite(p.Init.GISD) {
			return fmt.Errorf("%s.init: need v_hi_mv ≥ v_lo_mv and finite ge_sd, gi_sd ≥ 0", key)
		}
	}
	need := func(key, name string) error {
		if s.PopIndex(name) < 0 {
			return fmt.Errorf("%s = %q: unknown population (known: %v)", key, name, s.popNames())
		}
		return nil
	}
	for i, g := range s.Groups {
		key := fmt.Sprintf("group[%d] (%s)", i, g.Name)
		if g.Name == "" {
			return fmt.Errorf("group[%d].name is empty", i)
		}
		if seen[g.Name] != "" {
			return fmt.Errorf("%s.name: the name is already used by a %s", key, seen[g.Name])
		}
		seen[g.Name] = "group"
		if err := need(key+".population", g.Population); err != nil {
			return err
		}
		if err := g.validate(key, s.Populations[s.PopIndex(g.Population)].N); err != nil {
			return err
		}
	}
	projNames := map[string]bool{}
	for i := range s.Projections {
		pr := &s.Projections[i]
		key := fmt.Sprintf("projection[%d] (%s)", i, pr.DisplayName())
		if err := need(key+".pre", pr.Pre); err != nil {
			return err
		}
		if err := need(key+".post", pr.Post); err != nil {
			return err
		}
		if projNames[pr.DisplayName()] {
			return fmt.Errorf("%s.name: duplicate projection name %q (give each projection between the same populations a name)", key, pr.DisplayName())
		}
		projNames[pr.DisplayName()] = true
		pre, post := s.Populations[s.PopIndex(pr.Pre)], s.Populations[s.PopIndex(pr.Post)]
		switch pr.Rule {
		case RuleBernoulli, RuleFixedIn, RuleFixedOut:
		case RuleOneToOne:
			if pre.N != post.N {
				return fmt.Errorf("%s.rule = %q needs populations of equal size (%d, %d)", key, pr.Rule, pre.N, post.N)
			}
		case RuleDisc:
			for _, x := range []PopulationSpec{pre, post} {
				if sq := int(math.Round(math.Sqrt(float64(x.N)))); sq*sq != x.N {
					return fmt.Errorf("%s.rule = \"disc\" needs square sheets: population %q has %d neurons, not a square", key, x.Name, x.N)
				}
			}
			if !(pr.Radius > 0) || !finite(pr.Radius) || pr.Radius > math.Sqrt(float64(pre.N)) {
				return fmt.Errorf("%s.radius = %v must be > 0 and at most the presynaptic sheet's side", key, pr.Radius)
			}
		default:
			return fmt.Errorf(`%s.rule = %q must be "bernoulli", "fixed_in", "fixed_out", "one_to_one" or "disc"`, key, pr.Rule)
		}
		if !(pr.P >= 0 && pr.P <= 1) {
			return fmt.Errorf("%s.p = %v outside [0, 1]", key, pr.P)
		}
		if pr.K < 0 {
			return fmt.Errorf("%s.k = %d must be ≥ 0", key, pr.K)
		}
		if (pr.Rule == RuleFixedIn || pr.Rule == RuleFixedOut) && !pr.Multapses {
			// distinct partners: at most the other population's size, minus
			// the neuron itself within one population without autapses
			avail, side := pre.N, "presynaptic"
			if pr.Rule == RuleFixedOut {
				avail, side = post.N, "postsynaptic"
			}
			if pr.Pre == pr.Post && !pr.Autapses {
				avail--
			}
			if pr.K > avail {
				return fmt.Errorf("%s.k = %d exceeds the %d distinct %s partners available (%s); lower k or set multapses = true", key, pr.K, avail, side, pr.Rule)
			}
		}
		if err := pr.Weight.validate(key + ".weight"); err != nil {
			return err
		}
		d := math.Round(pr.DelayMs / s.DtMs)
		if !finite(pr.DelayMs) || d < 1 {
			return fmt.Errorf("%s.delay_ms = %v is shorter than one step (dt = %v ms)", key, pr.DelayMs, s.DtMs)
		}
		if d > MaxDelaySteps {
			return fmt.Errorf("%s.delay_ms = %v exceeds %d steps", key, pr.DelayMs, MaxDelaySteps)
		}
		dd := math.Round(pr.DendriticDelayMs / s.DtMs)
		if !finite(pr.DendriticDelayMs) || dd < 0 || dd > d {
			return fmt.Errorf("%s.dendritic_delay_ms = %v must be in [0, delay_ms = %v]", key, pr.DendriticDelayMs, pr.DelayMs)
		}
		if pr.STP != nil {
			if err := pr.STP.validate(key + ".stp"); err != nil {
				return err
			}
			if post.Neuron.Model.IsSource() {
				return fmt.Errorf("%s.stp: the post population %q is a spike source; nothing is transmitted", key, post.Name)
			}
		}
		for k := range pr.Plasticity {
			if pr.Plasticity[k].Rule == RuleNormalize {
				others := 0
				for m, o := range pr.Plasticity {
					if m != k && o.Rule != RuleNormalize && o.Rule != RuleHomeostasis && o.Rule != RuleScaling {
						others++
					}
				}
				if others == 0 {
					return fmt.Errorf("%s.plasticity[%d].rule = \"normalize\": no other plasticity rule changes this projection's weights, so there is nothing to normalise", key, k)
				}
			}
			if err := pr.Plasticity[k].validate(fmt.Sprintf("%s.plasticity[%d]", key, k), pre, post); err != nil {
				return err
			}
			if per, name := pr.Plasticity[k].Resolved().periodMs(); per > 0 && math.Round(per/s.DtMs) < 1 {
				return fmt.Errorf("%s.plasticity[%d].%s.period_ms = %v is shorter than one step (dt = %v ms)", key, k, name, per, s.DtMs)
			}
			if target, name := pr.Plasticity[k].Resolved().targetRateHz(); target > 0 {
				// a neuron fires at most once per emission step plus its
				// refractory steps
				limit := 1000 / (s.DtMs * (1 + math.Round(post.Neuron.TauRefMs/s.DtMs)))
				if target >= limit {
					return fmt.Errorf("%s.plasticity[%d].%s.rate_hz = %v is not below the refractory limit %.4g Hz of population %q (tau_ref_ms = %v, dt = %v ms)", key, k, name, target, limit, post.Name, post.Neuron.TauRefMs, s.DtMs)
				}
			}
		}
	}
	neuronPop := func(key, name string) error {
		if err := need(key, name); err != nil {
			return err
		}
		if s.Populations[s.PopIndex(name)].Neuron.Model.IsSource() {
			return fmt.Errorf("%s = %q is a spike source (%s): it has no membrane to drive", key, name, s.Populations[s.PopIndex(name)].Neuron.Model)
		}
		return nil
	}
	selection := func(key, target, group string, frac float64) error {
		if group != "" {
			gi := s.GroupIndex(group)
			if gi < 0 {
				return fmt.Errorf("%s.group = %q: unknown group", key, group)
			}
			if s.Groups[gi].Population != target {
				return fmt.Errorf("%s.group = %q belongs to population %q, not the target %q", key, group, s.Groups[gi].Population, target)
			}
		}
		if !(frac >= 0 && frac <= 1) {
			return fmt.Errorf("%s.fraction = %v outside [0, 1]", key, frac)
		}
		return nil
	}
	inNames := map[string]bool{}
	for i := range s.Poisson {
		in := &s.Poisson[i]
		key := fmt.Sprintf("poisson[%d]", i)
		if in.Name != "" {
			key = fmt.Sprintf("poisson[%d] (%s)", i, in.Name)
		}
		if err := neuronPop(key+".target", in.Target); err != nil {
			return err
		}
		if inNames[in.DisplayName()] {
			return fmt.Errorf("%s.name: duplicate Poisson input name %q (give each input to the same population a name)", key, in.DisplayName())
		}
		inNames[in.DisplayName()] = true
		if err := selection(key, in.Target, in.Group, in.Fraction); err != nil {
			return err
		}
		if in.NSources < 0 || !(in.RateHz >= 0) || !(in.Weight >= 0) || !finite(in.RateHz) || !finite(in.Weight) {
			return fmt.Errorf("%s: n_sources, rate_hz and weight must be ≥ 0 and finite", key)
		}
		if in.NSources == 0 && in.Weight > 0 {
			// an omitted n_sources would silently drive nothing
			return fmt.Errorf("%s.n_sources = 0: an input needs at least one source per neuron (set n_sources, or weight = 0 to silence it)", key)
		}
		if in.Sign != "exc" && in.Sign != "inh" {
			return fmt.Errorf(`%s.sign = %q must be "exc" or "inh"`, key, in.Sign)
		}
		if err := validSegments(key+".schedule", in.Schedule); err != nil {
			return err
		}
		for k, sg := range in.Schedule {
			if lam := float64(in.NSources) * sg.RateHz * s.DtMs / 1000; lam > 1e6 {
				return fmt.Errorf("%s.schedule[%d].rate_hz = %v: %v events per neuron and step is beyond the Poisson table", key, k, sg.RateHz, lam)
			}
		}
		if lam := float64(in.NSources) * in.RateHz * s.DtMs / 1000; lam > 1e6 {
			return fmt.Errorf("%s.rate_hz = %v: %v events per neuron and step is beyond the Poisson table", key, in.RateHz, lam)
		}
	}
	rateNames := map[string]bool{}
	for i := range s.Rates {
		in := &s.Rates[i]
		key := fmt.Sprintf("rate[%d] (%s)", i, in.Name)
		if in.Name == "" {
			return fmt.Errorf("rate[%d].name is empty", i)
		}
		if rateNames[in.Name] {
			return fmt.Errorf("%s.name: duplicate rate input name", key)
		}
		rateNames[in.Name] = true
		if err := need(key+".target", in.Target); err != nil {
			return err
		}
		if m := s.Populations[s.PopIndex(in.Target)].Neuron.Model; m != Poisson {
			return fmt.Errorf("%s.target = %q: rate inputs modulate Poisson source populations (neuron.model = %q), not %q", key, in.Target, Poisson, m)
		}
		if err := selection(key, in.Target, in.Group, in.Fraction); err != nil {
			return err
		}
		if err := validSegments(key+".schedule", in.Schedule); err != nil {
			return err
		}
		for k, sg := range in.Schedule {
			if sg.RateHz*s.DtMs/1000 > 1 {
				return fmt.Errorf("%s.schedule[%d].rate_hz = %v: above 1 spike per step (dt = %v ms)", key, k, sg.RateHz, s.DtMs)
			}
		}
	}
	for i, in := range s.Noise {
		key := fmt.Sprintf("noise[%d]", i)
		if err := neuronPop(key+".target", in.Target); err != nil {
			return err
		}
		if !(in.SigmaMV >= 0) || !finite(in.SigmaMV) || !finite(in.MuMV) {
			return fmt.Errorf("%s: sigma_mv = %v must be ≥ 0 and mu_mv finite", key, in.SigmaMV)
		}
	}
	for i, st := range s.SpikeTrains {
		key := fmt.Sprintf("spike_train[%d]", i)
		if err := neuronPop(key+".target", st.Target); err != nil {
			return err
		}
		if len(st.TimesMs) != len(st.IDs) || st.Sign != "exc" && st.Sign != "inh" || !(st.Weight >= 0) || !finite(st.Weight) {
			return fmt.Errorf("%s: need as many times as ids (%d, %d), sign exc/inh and weight ≥ 0", key, len(st.TimesMs), len(st.IDs))
		}
		n := s.Populations[s.PopIndex(st.Target)].N
		for k, t := range st.TimesMs {
			if !(t >= 0) || !finite(t) || st.IDs[k] < 0 || int(st.IDs[k]) >= n {
				return fmt.Errorf("%s: event %d (t = %v ms, id %d) outside t ≥ 0, 0 ≤ id < %d", key, k, t, st.IDs[k], n)
			}
		}
	}
	ouSeen := map[string]bool{}
	for i, c := range s.Currents {
		key := fmt.Sprintf("current[%d]", i)
		if err := neuronPop(key+".target", c.Target); err != nil {
			return err
		}
		switch c.Kind {
		case CurrentConstant:
		case CurrentStep:
			if !finite(c.StartMs) || !finite(c.StopMs) || !(c.StopMs > c.StartMs) {
				return fmt.Errorf("%s.stop_ms = %v must exceed start_ms = %v (both finite)", key, c.StopMs, c.StartMs)
			}
		case CurrentOU:
			if !(c.TauMs > 0) || !(c.SigmaMV >= 0) || !finite(c.TauMs) || !finite(c.SigmaMV) {
				return fmt.Errorf("%s: ou needs tau_ms > 0 and sigma_mv ≥ 0 (got %v, %v)", key, c.TauMs, c.SigmaMV)
			}
			if ouSeen[c.Target] {
				return fmt.Errorf("%s: population %q already has an OU current (one per population)", key, c.Target)
			}
			ouSeen[c.Target] = true
		default:
			return fmt.Errorf(`%s.kind = %q must be "constant", "step" or "ou"`, key, c.Kind)
		}
		if !finite(c.AmpMV) {
			return fmt.Errorf("%s.amp_mv must be finite", key)
		}
	}
	return nil
}

// CheckTimes reports every time of the spec (schedule segments, plasticity
// windows, step currents) that starts at or after endMs, the end of the
// run: such a schedule would never act. Spike times of spike trains and
// generators after the end are allowed (a recorded train may be longer
// than the run); they are not delivered.
func (s *Spec) CheckTimes(endMs float64) error {
	segs := func(key string, sg []Segment) error {
		for k, x := range sg {
			if x.StartMs >= endMs {
				return fmt.Errorf("%s.schedule[%d].start_ms = %v is at or after the end of the run (%v ms)", key, k, x.StartMs, endMs)
			}
		}
		return nil
	}
	for i := range s.Poisson {
		if err := segs(fmt.Sprintf("poisson[%d] (%s)", i, s.Poisson[i].DisplayName()), s.Poisson[i].Schedule); err != nil {
			return err
		}
	}
	for i := range s.Rates {
		if err := segs(fmt.Sprintf("rate[%d] (%s)", i, s.Rates[i].Name), s.Rates[i].Schedule); err != nil {
			return err
		}
	}
	for i := range s.Projections {
		pr := &s.Projections[i]
		for k, r := range pr.Plasticity {
			for w, a := range r.Active {
				if a[0] >= endMs {
					return fmt.Errorf("projection[%d] (%s).plasticity[%d].active[%d] starts at %v ms, at or after the end of the run (%v ms)",
						i, pr.DisplayName(), k, w, a[0], endMs)
				}
			}
		}
	}
	for i, c := range s.Currents {
		if c.Kind == CurrentStep && c.StartMs >= endMs {
			return fmt.Errorf("current[%d].start_ms = %v is at or after the end of the run (%v ms)", i, c.StartMs, endMs)
		}
	}
	return nil
}

func validSegments(key string, sg []Segment) error {
	for k, x := range sg {
		if !finite(x.StartMs) || !finite(x.StopMs) || !(x.StartMs >= 0) || !(x.StopMs > x.StartMs) {
			return fmt.Errorf("%s[%d]: need finite 0 ≤ start_ms < stop_ms (got %v, %v)", key, k, x.StartMs, x.StopMs)
		}
		if !(x.RateHz >= 0) || !finite(x.RateHz) {
			return fmt.Errorf("%s[%d].rate_hz = %v must be ≥ 0 and finite", key, k, x.RateHz)
		}
	}
	o := slices.Clone(sg)
	slices.SortFunc(o, func(a, b Segment) int {
		switch {
		case a.StartMs < b.StartMs:
			return -1
		case a.StartMs > b.StartMs:
			return 1
		}
		return 0
	})
	for k := 1; k < len(o); k++ {
		if o[k].StartMs < o[k-1].StopMs {
			return fmt.Errorf("%s: segments [%v, %v) and [%v, %v) overlap", key, o[k-1].StartMs, o[k-1].StopMs, o[k].StartMs, o[k].StopMs)
		}
	}
	return nil
}

func (g *GeneratorSpec) validate(key string, n int, dt float64) error {
	if g == nil {
		return fmt.Errorf("%s: a generator population needs times_ms and ids", key)
	}
	if len(g.TimesMs) != len(g.IDs) {
		return fmt.Errorf("%s: %d times for %d ids", key, len(g.TimesMs), len(g.IDs))
	}
	for k, t := range g.TimesMs {
		if !finite(t) || t < dt*(1-1e-9) || g.IDs[k] < 0 || int(g.IDs[k]) >= n {
			return fmt.Errorf("%s: spike %d (t = %v ms, id %d) outside t ≥ dt = %v ms, 0 ≤ id < %d", key, k, t, g.IDs[k], dt, n)
		}
	}
	return nil
}

func (g *GroupSpec) validate(key string, n int) error {
	ways := 0
	if len(g.IDs) > 0 {
		ways++
	}
	if g.Lo != 0 || g.Hi != 0 {
		ways++
	}
	if g.Fraction != 0 {
		ways++
	}
	if ways != 1 {
		return fmt.Errorf("%s: give exactly one of ids, lo/hi or fraction", key)
	}
	seen := make(map[int32]bool, len(g.IDs))
	for _, id := range g.IDs {
		if id < 0 || int(id) >= n {
			return fmt.Errorf("%s.ids: id %d outside [0, %d)", key, id, n)
		}
		if seen[id] {
			return fmt.Errorf("%s.ids: id %d repeated", key, id)
		}
		seen[id] = true
	}
	if (g.Lo != 0 || g.Hi != 0) && !(g.Lo >= 0 && g.Hi > g.Lo && g.Hi <= n) {
		return fmt.Errorf("%s: need 0 ≤ lo < hi ≤ %d (got %d, %d)", key, n, g.Lo, g.Hi)
	}
	if g.Fraction != 0 && !(g.Fraction > 0 && g.Fraction <= 1) {
		return fmt.Errorf("%s.fraction = %v outside (0, 1]", key, g.Fraction)
	}
	return nil
}

func (s *Spec) popNames() []string {
	var n []string
	for _, p := range s.Populations {
		n = append(n, p.Name)
	}
	return n
}

func (w WeightSpec) validate(key string) error {
	if !(w.Scale >= 0) || !finite(w.Scale) {
		return fmt.Errorf("%s.scale = %v must be ≥ 0 (0 or unset: 1)", key, w.Scale)
	}
	switch w.Dist {
	case WeightConstant:
		if !(w.Mean >= 0) || !finite(w.Mean) {
			return fmt.Errorf("%s.mean = %v must be ≥ 0 (magnitude; the sign comes from the pre population)", key, w.Mean)
		}
	case WeightNormal:
		if !(w.Mean > 0) || !(w.SD >= 0) || !finite(w.Mean) || !finite(w.SD) {
			return fmt.Errorf("%s: normal needs mean > 0 and sd ≥ 0 (got %v, %v)", key, w.Mean, w.SD)
		}
	case WeightLognormal:
		if !(w.LogSigma >= 0) || !finite(w.LogMu) || !finite(w.LogSigma) {
			return fmt.Errorf("%s: lognormal needs finite log_mu and log_sigma ≥ 0", key)
		}
	default:
		return fmt.Errorf(`%s.dist = %q must be "constant", "normal" or "lognormal"`, key, w.Dist)
	}
	return nil
}
