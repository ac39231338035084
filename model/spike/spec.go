package spike

import (
	"fmt"
	"math"
)

// Spec describes a whole network: populations, projections and inputs. It
// is plain data; Build turns it into a runnable Net.
type Spec struct {
	// DtMs is the integration step in ms (typically 0.1; 1 for the L2/3 preset).
	DtMs float64
	// Seed is the master seed; every random quantity uses a keyed stream of it.
	Seed uint64
	// Populations are the neuron groups; their order fixes global neuron ids.
	Populations []PopulationSpec
	// Projections connect populations (pre → post).
	Projections []ProjectionSpec
	// Poisson are independent Poisson inputs.
	Poisson []PoissonSpec
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

// PopulationSpec is one group of identical neurons.
type PopulationSpec struct {
	// Name identifies the population in projections, inputs and output ("E", "I").
	Name string `toml:"name" doc:"the population in projections, inputs and output ('E', 'I')."`
	// N is the number of neurons (1–10^6).
	N int `toml:"n" doc:"the number of neurons (1–10^6)."`
	// Sign is "exc" or "inh": Dale's law, the sign of every outgoing weight.
	Sign string `toml:"sign" doc:"'exc' or 'inh': Dale's law, the sign of every outgoing weight."`
	// Neuron holds the neuron and synapse constants.
	Neuron NeuronParams `toml:"neuron" doc:"the neuron and synapse constants."`
	// Init sets the initial state.
	Init InitSpec `toml:"init" doc:"the initial state."`
}

// InitSpec draws the initial state of a population from keyed streams.
type InitSpec struct {
	// VLoMV and VHiMV: V starts uniform in [v_lo_mv, v_hi_mv] (equal: constant);
	// both zero means V starts at e_l_mv.
	VLoMV float64 `toml:"v_lo_mv" unit:"mV" doc:"and VHiMV: V starts uniform in [v_lo_mv, v_hi_mv] (equal: constant); both zero means V starts at e_l_mv."`
	// VHiMV is the upper end of the initial V range in mV.
	VHiMV float64 `toml:"v_hi_mv" unit:"mV" doc:"the upper end of the initial V range in mV."`
	// GEMean and GESD: initial excitatory synaptic state ~ N(mean, sd) (g_L units for coba, mV for exp).
	GEMean float64 `toml:"ge_mean" doc:"and GESD: initial excitatory synaptic state ~ N(mean, sd) (g_L units for coba, mV for exp)."`
	// GESD is the SD of the initial excitatory synaptic state.
	GESD float64 `toml:"ge_sd" doc:"the SD of the initial excitatory synaptic state."`
	// GIMean is the mean initial inhibitory synaptic state (magnitude for coba; exp currents are signed).
	GIMean float64 `toml:"gi_mean" doc:"the mean initial inhibitory synaptic state (magnitude for coba; exp currents are signed)."`
	// GISD is the SD of the initial inhibitory synaptic state.
	GISD float64 `toml:"gi_sd" doc:"the SD of the initial inhibitory synaptic state."`
}

// Connection rules.
const (
	RuleBernoulli = "bernoulli" // each pair independently with probability p
	RuleFixedIn   = "fixed_in"  // every post neuron has exactly k inputs
	RuleFixedOut  = "fixed_out" // every pre neuron has exactly k targets
)

// ProjectionSpec connects population Pre to population Post.
type ProjectionSpec struct {
	// Pre names the presynaptic population.
	Pre string `toml:"pre" doc:"the presynaptic population."`
	// Post names the postsynaptic population.
	Post string `toml:"post" doc:"the postsynaptic population."`
	// Rule is "bernoulli", "fixed_in" or "fixed_out".
	Rule string `toml:"rule" doc:"'bernoulli', 'fixed_in' or 'fixed_out'."`
	// P is the connection probability in [0, 1] (bernoulli; for fixed_in and
	// fixed_out with K = 0, k = round(p·n) with n the candidate count, n−1 within a
	// population without autapses).
	P float64 `toml:"p" doc:"the connection probability in [0, 1] (bernoulli; for fixed_in and fixed_out with K = 0, k = round(p·n) with n the candidate count, n−1 within a population without autapses)."`
	// K is the fixed in- or out-degree (fixed_in, fixed_out; 0 = derive from p).
	K int `toml:"k" doc:"the fixed in- or out-degree (fixed_in, fixed_out; 0 = derive from p)."`
	// Autapses allows i→i synapses when pre == post.
	Autapses bool `toml:"autapses" doc:"i→i synapses when pre == post."`
	// Multapses allows repeated pairs (fixed-degree rules).
	Multapses bool `toml:"multapses" doc:"repeated pairs (fixed-degree rules)."`
	// Weight gives the weight magnitudes; the sign comes from the pre population.
	Weight WeightSpec `toml:"weight" doc:"the weight magnitudes; the sign comes from the pre population."`
	// DelayMs is the transmission delay in ms (≥ dt; rounded to whole steps).
	DelayMs float64 `toml:"delay_ms" unit:"ms" doc:"the transmission delay in ms (≥ dt; rounded to whole steps)."`
}

// Weight distributions.
const (
	WeightConstant  = "constant"
	WeightNormal    = "normal"    // N(mean, sd) truncated at 0 by redrawing
	WeightLognormal = "lognormal" // exp(N(log_mu, log_sigma))
)

// WeightSpec describes weight magnitudes |w| (mV for delta and exp synapses,
// units of g_L for coba). The stored weight is Scale·|w| with the sign of the
// presynaptic population (Dale's law).
type WeightSpec struct {
	// Dist is "constant", "normal" or "lognormal".
	Dist string `toml:"dist" doc:"'constant', 'normal' or 'lognormal'."`
	// Mean is the constant value or the normal mean (mV or g_L; > 0).
	Mean float64 `toml:"mean" doc:"the constant value or the normal mean (mV or g_L; > 0)."`
	// SD is the normal standard deviation (≥ 0).
	SD float64 `toml:"sd" doc:"the normal standard deviation (≥ 0)."`
	// LogMu is the lognormal μ of log|w| (MacLean: −0.64).
	LogMu float64 `toml:"log_mu" doc:"the lognormal μ of log|w| (MacLean: −0.64)."`
	// LogSigma is the lognormal σ of log|w| (MacLean: 0.51; ≥ 0).
	LogSigma float64 `toml:"log_sigma" doc:"the lognormal σ of log|w| (MacLean: 0.51; ≥ 0)."`
	// Scale multiplies every drawn magnitude (default 1; e.g. 1/√K scaling).
	Scale float64 `toml:"scale" doc:"multiplies every drawn magnitude (default 1; e.g. 1/√K scaling)."`
}

// PoissonSpec drives every neuron of Target with its own independent
// Poisson process of rate NSources·RateHz, each event adding Weight to the
// excitatory (Sign "exc") or inhibitory ("inh") synaptic channel.
type PoissonSpec struct {
	// Target names the driven population.
	Target string `toml:"target" doc:"the driven population."`
	// NSources is the number of independent sources per neuron (Brunel: C_ext = 1000).
	NSources int `toml:"n_sources" doc:"the number of independent sources per neuron (Brunel: C_ext = 1000)."`
	// RateHz is the rate of each source in Hz (≥ 0).
	RateHz float64 `toml:"rate_hz" unit:"Hz" doc:"the rate of each source in Hz (≥ 0)."`
	// Weight is the per-event magnitude (mV for delta/exp, g_L for coba; ≥ 0).
	Weight float64 `toml:"weight" doc:"the per-event magnitude (mV for delta/exp, g_L for coba; ≥ 0)."`
	// Sign is "exc" or "inh".
	Sign string `toml:"sign" doc:"'exc' or 'inh'."`
}

// NoiseSpec adds Gaussian white noise in the Brunel 2000 convention,
// τ_m dV/dt = … + μ + σ √τ_m ξ(t), to every neuron of Target.
type NoiseSpec struct {
	// Target names the driven population.
	Target string `toml:"target" doc:"the driven population."`
	// MuMV is the mean input μ in mV.
	MuMV float64 `toml:"mu_mv" unit:"mV" doc:"the mean input μ in mV."`
	// SigmaMV is the noise amplitude σ in mV (the free membrane SD is σ/√2; ≥ 0).
	SigmaMV float64 `toml:"sigma_mv" unit:"mV" doc:"the noise amplitude σ in mV (the free membrane SD is σ/√2; ≥ 0)."`
	// Bridge enables the Brownian-bridge crossing correction: a threshold
	// crossing between two grid points is detected with probability
	// exp(−2(θ−V₀)(θ−V₁)/(σ² dt/τ_m)), removing the O(√dt) rate bias.
	Bridge bool `toml:"bridge" doc:"the Brownian-bridge crossing correction: a threshold crossing between two grid points is detected with probability exp(−2(θ−V₀)(θ−V₁)/(σ² dt/τ_m)), removing the O(√dt) rate bias."`
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
	Target string `toml:"target" doc:"the driven population."`
	// Kind is "constant", "step" (amp_mv in [start_ms, stop_ms)) or "ou".
	Kind string `toml:"kind" doc:"'constant', 'step' (amp_mv in [start_ms, stop_ms)) or 'ou'."`
	// AmpMV is the amplitude (constant, step) or the OU mean, in mV.
	AmpMV float64 `toml:"amp_mv" unit:"mV" doc:"the amplitude (constant, step) or the OU mean, in mV."`
	// StartMs is when a step current switches on, in ms.
	StartMs float64 `toml:"start_ms" unit:"ms" doc:"when a step current switches on, in ms."`
	// StopMs is when a step current switches off, in ms (> start_ms).
	StopMs float64 `toml:"stop_ms" unit:"ms" doc:"when a step current switches off, in ms (> start_ms)."`
	// SigmaMV is the OU stationary SD in mV (≥ 0).
	SigmaMV float64 `toml:"sigma_mv" unit:"mV" doc:"the OU stationary SD in mV (≥ 0)."`
	// TauMs is the OU correlation time in ms (> 0).
	TauMs float64 `toml:"tau_ms" unit:"ms" doc:"the OU correlation time in ms (> 0)."`
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

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate checks the whole spec; errors name the offending key, e.g.
// "projection[2] (E→I).p".
func (s *Spec) Validate() error {
	if !(s.DtMs > 0) || !finite(s.DtMs) {
		return fmt.Errorf("network.dt_ms = %v must be > 0", s.DtMs)
	}
	if len(s.Populations) == 0 {
		return fmt.Errorf("population: at least one population is required")
	}
	seen := map[string]bool{}
	for i, p := range s.Populations {
		key := fmt.Sprintf("population[%d] (%s)", i, p.Name)
		if p.Name == "" {
			return fmt.Errorf("population[%d].name is empty", i)
		}
		if seen[p.Name] {
			return fmt.Errorf("%s.name: duplicate population name", key)
		}
		seen[p.Name] = true
		if p.N <= 0 {
			return fmt.Errorf("%s.n = %d must be > 0", key, p.N)
		}
		if p.Sign != "exc" && p.Sign != "inh" {
			return fmt.Errorf(`%s.sign = %q must be "exc" or "inh"`, key, p.Sign)
		}
		if err := p.Neuron.Validate(key + ".neuron"); err != nil {
			return err
		}
		if p.Init.VHiMV < p.Init.VLoMV || p.Init.GESD < 0 || p.Init.GISD < 0 {
			return fmt.Errorf("%s.init: need v_hi_mv ≥ v_lo_mv and ge_sd, gi_sd ≥ 0", key)
		}
	}
	need := func(key, name string) error {
		if s.PopIndex(name) < 0 {
			return fmt.Errorf("%s = %q: unknown population (known: %v)", key, name, s.popNames())
		}
		return nil
	}
	for i, pr := range s.Projections {
		key := fmt.Sprintf("projection[%d] (%s→%s)", i, pr.Pre, pr.Post)
		if err := need(key+".pre", pr.Pre); err != nil {
			return err
		}
		if err := need(key+".post", pr.Post); err != nil {
			return err
		}
		switch pr.Rule {
		case RuleBernoulli, RuleFixedIn, RuleFixedOut:
		default:
			return fmt.Errorf(`%s.rule = %q must be "bernoulli", "fixed_in" or "fixed_out"`, key, pr.Rule)
		}
		if !(pr.P >= 0 && pr.P <= 1) {
			return fmt.Errorf("%s.p = %v outside [0, 1]", key, pr.P)
		}
		if pr.K < 0 {
			return fmt.Errorf("%s.k = %d must be ≥ 0", key, pr.K)
		}
		if err := pr.Weight.validate(key + ".weight"); err != nil {
			return err
		}
		if math.Round(pr.DelayMs/s.DtMs) < 1 || !finite(pr.DelayMs) {
			return fmt.Errorf("%s.delay_ms = %v is shorter than one step (dt = %v ms)", key, pr.DelayMs, s.DtMs)
		}
	}
	for i, in := range s.Poisson {
		key := fmt.Sprintf("poisson[%d]", i)
		if err := need(key+".target", in.Target); err != nil {
			return err
		}
		if in.NSources < 0 || !(in.RateHz >= 0) || !(in.Weight >= 0) || !finite(in.RateHz) || !finite(in.Weight) {
			return fmt.Errorf("%s: n_sources, rate_hz and weight must be ≥ 0 and finite", key)
		}
		if in.Sign != "exc" && in.Sign != "inh" {
			return fmt.Errorf(`%s.sign = %q must be "exc" or "inh"`, key, in.Sign)
		}
	}
	for i, in := range s.Noise {
		key := fmt.Sprintf("noise[%d]", i)
		if err := need(key+".target", in.Target); err != nil {
			return err
		}
		if !(in.SigmaMV >= 0) || !finite(in.SigmaMV) || !finite(in.MuMV) {
			return fmt.Errorf("%s: sigma_mv = %v must be ≥ 0 and mu_mv finite", key, in.SigmaMV)
		}
	}
	for i, st := range s.SpikeTrains {
		key := fmt.Sprintf("spike_train[%d]", i)
		if err := need(key+".target", st.Target); err != nil {
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
	for i, c := range s.Currents {
		key := fmt.Sprintf("current[%d]", i)
		if err := need(key+".target", c.Target); err != nil {
			return err
		}
		switch c.Kind {
		case CurrentConstant:
		case CurrentStep:
			if !(c.StopMs > c.StartMs) {
				return fmt.Errorf("%s.stop_ms = %v must exceed start_ms = %v", key, c.StopMs, c.StartMs)
			}
		case CurrentOU:
			if !(c.TauMs > 0) || !(c.SigmaMV >= 0) {
				return fmt.Errorf("%s: ou needs tau_ms > 0 and sigma_mv ≥ 0 (got %v, %v)", key, c.TauMs, c.SigmaMV)
			}
		default:
			return fmt.Errorf(`%s.kind = %q must be "constant", "step" or "ou"`, key, c.Kind)
		}
		if !finite(c.AmpMV) {
			return fmt.Errorf("%s.amp_mv must be finite", key)
		}
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
		return fmt.Errorf("%s.scale = %v must be ≥ 0", key, w.Scale)
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
