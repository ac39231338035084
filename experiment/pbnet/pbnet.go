// Package pbnet builds the Pereira & Brunel rate network from config
// sections shared by the rate-memory experiments (pb-dms, pb-load, …):
// [network], [transfer], [rule], [patterns], [dynamics].
//
// Defaults are the paper's median parameters (shared/specs/pereira-brunel.md
// §1): φ logistic with r_max = 76.22 Hz, β = 0.8236, h0 = 2.4626; f, g with
// q_f = 0.8275, β_f = β_g = 0.2818 /Hz, x_f = x_g = 26.59 Hz, A = 3.5506;
// q_g solved from E[g] = 0; iid N(0,1) patterns; τ = 20 ms, Euler dt = 0.5 ms.
package pbnet

import (
	"embed"
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/model/rate"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
)

// Network is the [network] section.
type Network struct {
	// N is the number of neurons (paper: 50 000).
	N int `toml:"n"`
	// C is the connection probability, in (0, 1]; the mean in-degree is
	// K = cN (paper: 0.005).
	C float64 `toml:"c"`
	// P is the number of stored patterns; the load is α = p/(cN).
	P int `toml:"p"`
	// Seed is the master seed of patterns, mask, initial states and stimuli.
	Seed uint64 `toml:"seed"`
	// Mask is bernoulli (each pair connected with probability c, as in the
	// paper) or fixed_in_degree (exactly K inputs per neuron).
	Mask string `toml:"mask"`
	// Autapses allows i→i synapses (the paper's mask allows them).
	Autapses bool `toml:"autapses"`
	// Learning is batch (W is the sum over patterns) or online (pattern by
	// pattern, with decay).
	Learning string `toml:"learning"`
	// Decay is the weight decay per presented pattern of online learning,
	// in [0, 1).
	Decay float64 `toml:"online_decay"`
}

// Transfer is the [transfer] section (φ).
type Transfer struct {
	// Kind is sigmoid (logistic, the paper) or tanh.
	Kind string `toml:"kind"`
	// RMaxHz is the maximal rate in Hz (median fit: 76.2).
	RMaxHz float64 `toml:"r_max_hz" unit:"Hz"`
	// Beta is the gain, per unit of input current h (median fit: 0.82).
	Beta float64 `toml:"beta" unit:"1/unit of h"`
	// H0 is the threshold, in units of input current h (median fit: 2.46).
	H0 float64 `toml:"h0" unit:"unit of h"`
	// Q is the offset of the tanh kind (ignored by sigmoid).
	Q float64 `toml:"q"`
}

// Rule is the [rule] section: ΔW_ij ∝ A f(r_i) g(r_j), f postsynaptic, g
// presynaptic.
type Rule struct {
	// A is the amplitude (median fit 3.5506; ×3 for chaotic retrieval), ≥ 0.
	A float64 `toml:"A"`
	// QF is the offset of f (median fit: 0.83).
	QF float64 `toml:"q_f"`
	// BetaFPerHz is the steepness of f in 1/Hz (median fit: 0.28), > 0.
	BetaFPerHz float64 `toml:"beta_f_per_hz" unit:"1/Hz"`
	// XFHz is the threshold of f in Hz (median fit: 26.6).
	XFHz float64 `toml:"x_f_hz" unit:"Hz"`
	// BetaGPerHz is the steepness of g in 1/Hz (unset: beta_f_per_hz).
	BetaGPerHz *float64 `toml:"beta_g_per_hz" unit:"1/Hz"`
	// XGHz is the threshold of g in Hz (unset: x_f_hz); g's offset q_g is
	// solved from E[g] = 0.
	XGHz *float64 `toml:"x_g_hz" unit:"Hz"`
}

// Patterns is the [patterns] section: the distribution of the stored
// pattern currents ξ.
type Patterns struct {
	// Mean is the mean current of every neuron (0: the paper's N(0, 1)).
	Mean float64 `toml:"mean"`
	// Rank is the number of factors shared across neurons (0: iid).
	Rank int `toml:"rank"`
	// SharedVar is the fraction of each neuron's variance from the shared
	// factors, in [0, 1).
	SharedVar float64 `toml:"shared_var"`
	// PatternCorr is the correlation between patterns at each neuron, in
	// [0, 1).
	PatternCorr float64 `toml:"pattern_corr"`
}

// Dynamics is the [dynamics] section.
type Dynamics struct {
	// TauMs is the rate time constant τ in ms (paper: 20).
	TauMs float64 `toml:"tau_ms" unit:"ms"`
	// DtMs is the integration time step in ms (paper: 0.5; Euler needs
	// dt < 2τ).
	DtMs float64 `toml:"dt_ms" unit:"ms"`
	// Integrator is euler (the paper), exp_euler or rk2.
	Integrator string `toml:"integrator"`
	// NoiseSD is the SD of white input-current noise per step (0: none, as
	// in the paper).
	NoiseSD float64 `toml:"noise_sd"`
}

// Sections bundles the shared sections.
type Sections struct {
	// Network: size, connectivity, patterns, seed.
	Network Network `toml:"network"`
	// Transfer: the transfer function φ.
	Transfer Transfer `toml:"transfer"`
	// Rule: the learning rule f, g.
	Rule Rule `toml:"rule"`
	// Patterns: the stored pattern currents.
	Patterns Patterns `toml:"patterns"`
	// Dynamics: integration of the rate equation.
	Dynamics Dynamics `toml:"dynamics"`
}

// docFiles is the source of the section structs: their field comments are
// the docs `engram describe` prints (config.DocSource).
//
//go:embed pbnet.go
var docFiles embed.FS

// DocSources implements config.Documented.
func (s *Sections) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Network]().PkgPath(), Files: docFiles}}
}

// DefaultSections returns the paper's medians with the given size.
func DefaultSections(n int, c float64, p int) Sections {
	tf, r := ratefn.MedianTransfer(), ratefn.MedianRule()
	return Sections{
		Network:  Network{N: n, C: c, P: p, Seed: 1, Mask: "bernoulli", Autapses: true, Learning: "batch"},
		Transfer: Transfer{Kind: "sigmoid", RMaxHz: tf.RMaxHz, Beta: tf.Beta, H0: tf.H0, Q: 1},
		Rule:     Rule{A: r.A, QF: r.F.Q, BetaFPerHz: r.F.BetaPerHz, XFHz: r.F.XHz},
		Dynamics: Dynamics{TauMs: 20, DtMs: 0.5, Integrator: "euler"},
	}
}

// SeedValue implements part of experiment.Config.
func (s *Sections) SeedValue() uint64 { return s.Network.Seed }

// SetSeed implements part of experiment.Config.
func (s *Sections) SetSeed(v uint64) { s.Network.Seed = v }

// TransferFn returns φ.
func (s *Sections) TransferFn() (ratefn.Transfer, error) {
	k, err := ratefn.ParseTransferKind(s.Transfer.Kind)
	if err != nil {
		return ratefn.Transfer{}, fmt.Errorf("transfer.kind: %v", err)
	}
	tf := ratefn.Transfer{Kind: k, RMaxHz: s.Transfer.RMaxHz, Beta: s.Transfer.Beta, H0: s.Transfer.H0, Q: s.Transfer.Q}
	return tf, tf.Validate()
}

// RuleFn returns the (uncentred) rule.
func (s *Sections) RuleFn() ratefn.Rule {
	r := s.Rule
	g := ratefn.StepSigmoid{BetaPerHz: r.BetaFPerHz, XHz: r.XFHz}
	if r.BetaGPerHz != nil {
		g.BetaPerHz = *r.BetaGPerHz
	}
	if r.XGHz != nil {
		g.XHz = *r.XGHz
	}
	return ratefn.Rule{A: r.A, F: ratefn.StepSigmoid{Q: r.QF, BetaPerHz: r.BetaFPerHz, XHz: r.XFHz}, G: g}
}

// DynamicsFn returns the integration parameters.
func (s *Sections) DynamicsFn() (rate.Dynamics, error) {
	in, err := rate.ParseIntegrator(s.Dynamics.Integrator)
	if err != nil {
		return rate.Dynamics{}, fmt.Errorf("dynamics.integrator: %v", err)
	}
	d := rate.Dynamics{TauMs: s.Dynamics.TauMs, DtMs: s.Dynamics.DtMs, Integrator: in, NoiseSD: s.Dynamics.NoiseSD}
	return d, d.Validate()
}

// PatternSpec returns the pattern distribution.
func (s *Sections) PatternSpec() stim.PatternSpec {
	return stim.PatternSpec{N: s.Network.N, P: s.Network.P, Mean: s.Patterns.Mean, Rank: s.Patterns.Rank,
		SharedVar: s.Patterns.SharedVar, PatternCorr: s.Patterns.PatternCorr}
}

// K returns the mean in-degree cN.
func (s *Sections) K() float64 { return s.Network.C * float64(s.Network.N) }

// Validate checks every shared section, naming the key at fault.
func (s *Sections) Validate() error {
	nw := s.Network
	finite := func(key string, v float64) error {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s = %v is not a finite number", key, v)
		}
		return nil
	}
	switch {
	case nw.N <= 0:
		return fmt.Errorf("network.n = %d must be > 0", nw.N)
	case nw.N > math.MaxInt32:
		return fmt.Errorf("network.n = %d exceeds the int32 index range", nw.N)
	case !(nw.C > 0 && nw.C <= 1):
		return fmt.Errorf("network.c = %v must be in (0, 1]", nw.C)
	case nw.P < 0 || nw.P > math.MaxInt32:
		return fmt.Errorf("network.p = %d must be in [0, %d]", nw.P, math.MaxInt32)
	case nw.Mask != "bernoulli" && nw.Mask != "fixed_in_degree":
		return fmt.Errorf("network.mask = %q: want bernoulli or fixed_in_degree", nw.Mask)
	case nw.Learning != "batch" && nw.Learning != "online":
		return fmt.Errorf("network.learning = %q: want batch or online", nw.Learning)
	case !(nw.Decay >= 0 && nw.Decay < 1):
		return fmt.Errorf("network.online_decay = %v must be in [0, 1)", nw.Decay)
	}
	if s.K() < 1 {
		return fmt.Errorf("network: mean in-degree c·n = %v < 1", s.K())
	}
	for _, kv := range []struct {
		k string
		v float64
	}{{"patterns.mean", s.Patterns.Mean}, {"rule.A", s.Rule.A}, {"rule.q_f", s.Rule.QF}, {"rule.beta_f_per_hz", s.Rule.BetaFPerHz},
		{"rule.x_f_hz", s.Rule.XFHz}, {"transfer.r_max_hz", s.Transfer.RMaxHz}, {"transfer.beta", s.Transfer.Beta}, {"transfer.h0", s.Transfer.H0}} {
		if err := finite(kv.k, kv.v); err != nil {
			return err
		}
	}
	// g's own keys, when set (ratefn would name its fields, not the keys)
	for _, kv := range []struct {
		k string
		v *float64
	}{{"rule.beta_g_per_hz", s.Rule.BetaGPerHz}, {"rule.x_g_hz", s.Rule.XGHz}} {
		if kv.v == nil {
			continue
		}
		if err := finite(kv.k, *kv.v); err != nil {
			return err
		}
	}
	if g := s.Rule.BetaGPerHz; g != nil && !(*g > 0) {
		return fmt.Errorf("rule.beta_g_per_hz = %v must be > 0", *g)
	}
	if _, err := s.TransferFn(); err != nil {
		return err
	}
	if err := s.RuleFn().Validate(); err != nil {
		return err
	}
	if _, err := s.DynamicsFn(); err != nil {
		return err
	}
	return s.PatternSpec().Validate()
}

// EstimateBytes is the memory estimate of the network build.
func (s *Sections) EstimateBytes() int64 {
	return rate.BuildBytes(s.Network.N, s.Network.C, s.Network.P)
}

// Net is a built network with everything needed to measure retrieval.
type Net struct {
	Model    *rate.Model
	Patterns *stim.Patterns
	Factors  *rate.Factors
	Stats    ratefn.Stats
	Dyn      rate.Dynamics
	BuildS   float64 // wall time of the build in seconds
	// BackgroundCouplings are the per-pattern gains λ_μ = (A/N) Σ_i
	// φ′(h_i) f_i^μ g_i^μ (rate.PatternCouplings) at the homogeneous state
	// r_i = φ(0), a proxy of the background state; their mean is the
	// mean-field A⟨g f φ′⟩. Nil for online learning.
	BackgroundCouplings []float64
}

// Build draws patterns and mask with keyed streams from seed (key
// distinguishes realisations of one run) and fills the weights.
func (s *Sections) Build(seed, key uint64, workers int) (*Net, error) {
	t0 := time.Now()
	tf, err := s.TransferFn()
	if err != nil {
		return nil, err
	}
	st, err := s.RuleFn().Centre(tf)
	if err != nil {
		return nil, fmt.Errorf("[rule]: %v", err)
	}
	dyn, err := s.DynamicsFn()
	if err != nil {
		return nil, err
	}
	nw := s.Network
	pseed := seed ^ key*0x9e3779b97f4a7c15
	pat, err := stim.Gaussian(s.PatternSpec(), pseed, workers)
	if err != nil {
		return nil, err
	}
	o := conn.GenOptions{Seed: pseed, Autapses: nw.Autapses, Workers: workers}
	var mask *conn.CSR
	if nw.Mask == "fixed_in_degree" {
		mask, err = conn.FixedInDegree(nw.N, nw.N, int(math.Round(s.K())), o)
	} else {
		mask, err = conn.Bernoulli(nw.N, nw.N, nw.C, o)
	}
	if err != nil {
		return nil, fmt.Errorf("network: %v", err)
	}
	fc := rate.ComputeFactors(pat, tf, st.Rule, workers)
	scale := st.Rule.A / s.K()
	if nw.Learning == "online" {
		err = rate.BuildOnline(mask, fc, scale, nw.Decay, workers)
	} else {
		err = rate.BuildWeights(mask, fc, scale, workers)
	}
	if err != nil {
		return nil, err
	}
	m, err := rate.NewModel(tf, mask)
	if err != nil {
		return nil, err
	}
	var lambda []float64
	if nw.Learning != "online" { // online learning weights the patterns unequally
		r0 := make([]float32, nw.N)
		for i := range r0 {
			r0[i] = float32(tf.Rate(0))
		}
		h := make([]float32, nw.N)
		mask.MulVecTo(h, r0)
		lambda = rate.PatternCouplings(m, fc, st.Rule.A, h, workers)
	}
	// The neuron-major factor copies are only needed for the build.
	fc.F, fc.G = nil, nil
	return &Net{Model: m, Patterns: pat, Factors: fc, Stats: st, Dyn: dyn, BackgroundCouplings: lambda,
		BuildS: time.Since(t0).Seconds()}, nil
}

// CheckState returns an error naming the time if any rate is NaN/Inf or
// exceeds limit Hz in absolute value (runaway).
func CheckState(r []float32, limitHz float64, tMs float64) error {
	for i, v := range r {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > limitHz {
			return fmt.Errorf("population rate: neuron %d has rate %v Hz at t = %.1f ms (NaN/Inf or above %g Hz): the dynamics diverged", i, v, tMs, limitHz)
		}
	}
	return nil
}

// ApplyPreset replaces [transfer] and [rule] by a named parameter set:
// "median" or one of the 14 ITC fits "itc1" … "itc14" (ratefn.Preset). It is
// applied before the config file and --set overrides, so those win.
func (s *Sections) ApplyPreset(name string) error {
	tf, r, err := ratefn.Preset(name)
	if err != nil {
		return err
	}
	s.Transfer = Transfer{Kind: "sigmoid", RMaxHz: tf.RMaxHz, Beta: tf.Beta, H0: tf.H0, Q: 1}
	s.Rule = Rule{A: r.A, QF: r.F.Q, BetaFPerHz: r.F.BetaPerHz, XFHz: r.F.XHz}
	return nil
}
