// Package pbdms is the delayed-match-to-sample experiment of Pereira &
// Brunel (2018; shared/specs/pereira-brunel.md §1.9a) on the rate attractor
// memory: background, stimulus presentation, delay, for familiar (a stored
// pattern, optionally degraded into a partial or noisy cue) and novel (fresh
// iid N(0,1) currents) stimuli, with overlaps, rate traces, rate
// distributions and the fixed-point vs chaos diagnostics of the delay
// period (temporal SD of rates, autocorrelation of m, largest Lyapunov
// exponent).
//
// Trial k of two conditions runs side by side, the two Sims sharing each
// step's pass over W (rate.Lockstep; results identical to running them one
// after the other).
//
// Registered as experiment "pb-dms"; `engram demo` runs it with a small,
// fast default (N = 20 000, K = 250, p = 30, shortened protocol) and
// examples/pb-dms.toml holds the paper's full protocol.
package pbdms

import (
	"embed"
	"fmt"
	"math"
	"reflect"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbnet"
)

// Protocol is the [protocol] section.
type Protocol struct {
	// BackgroundMs is the spontaneous period before the stimulus, in ms
	// (paper: 2500; 0: start at the stimulus).
	BackgroundMs float64 `toml:"background_ms" unit:"ms"`
	// PresentationMs is the stimulus period in ms (paper: 500).
	PresentationMs float64 `toml:"presentation_ms" unit:"ms"`
	// DelayMs is the delay period after the stimulus, in ms (paper: 6000).
	DelayMs float64 `toml:"delay_ms" unit:"ms"`
	// Conditions are the trial types to run: familiar and/or novel.
	Conditions []string `toml:"conditions"`
	// Trials is the number of trials per condition, each from its own
	// initial state.
	Trials int `toml:"trials"`
	// StimulusGain scales the stimulus: I_ext = gain × stimulus currents
	// (paper: 1).
	StimulusGain float64 `toml:"stimulus_gain"`
	// CuePattern is the index of the stored pattern presented as the
	// familiar stimulus, in [0, p).
	CuePattern int `toml:"cue_pattern"`
	// CueKeep is the fraction of neurons that receive the pattern's current
	// (1: full cue; the others get fresh N(0, 1) currents).
	CueKeep float64 `toml:"cue_keep"`
	// CueNoiseSD is the SD of Gaussian noise added to the cue currents.
	CueNoiseSD float64 `toml:"cue_noise_sd"`
	// Init is the initial rates: gaussian (iid N(0, 1) used as rates, the
	// paper), zero, or background (φ(0)).
	Init string `toml:"init"`
	// SegmentPhi applies r ← φ(r) at the start of every segment, as the
	// original code did before its bug fix 77b8c0d (2018-06-11); for
	// comparisons with that code.
	SegmentPhi bool `toml:"segment_phi"`
	// SuccessThreshold is the overlap above which a trial counts as a
	// retrieval: m_cued > this at the end (paper: 0.2).
	SuccessThreshold float64 `toml:"success_threshold"`
	// Lyapunov estimates the largest Lyapunov exponent over the delay with
	// a twin trajectory (≈ 1.5× the delay's cost with Euler, 2× with rk2).
	Lyapunov bool `toml:"lyapunov"`
	// RunawayHz stops the run with an error when any |rate| exceeds it.
	RunawayHz float64 `toml:"runaway_hz" unit:"Hz"`
}

// Record is the [record] section.
type Record struct {
	// Neurons is the number of neurons (0 … neurons−1) whose rate traces
	// are recorded.
	Neurons int `toml:"neurons"`
	// EveryMs is the sampling interval of overlaps and rate traces in ms
	// (≥ dt).
	EveryMs float64 `toml:"every_ms" unit:"ms"`
	// SaveWeights writes W as a scipy CSR matrix, rec/weights.npz.
	SaveWeights bool `toml:"save_weights"`
	// SavePatterns writes the pattern currents, rec/patterns.npy (p × N).
	SavePatterns bool `toml:"save_patterns"`
}

// Config is the pb-dms configuration.
type Config struct {
	pbnet.Sections
	// Protocol: the trial timeline and stimuli.
	Protocol Protocol `toml:"protocol"`
	// Record: what is recorded and saved.
	Record Record `toml:"record"`
}

// docFiles is the source of the config structs: their field comments are
// the docs `engram describe` prints (config.DocSource).
//
//go:embed config.go
var docFiles embed.FS

// DocSources implements config.Documented: these sections and pbnet's.
func (c *Config) DocSources() []config.DocSource {
	return append(c.Sections.DocSources(), config.DocSource{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles})
}

// PaperDefaults returns the paper's DMS protocol at the medians with p = 30
// (Fig 3 setting: α = 0.12) on the full N = 50 000, c = 0.005 network.
func PaperDefaults() *Config {
	return &Config{
		Sections: pbnet.DefaultSections(50000, 0.005, 30),
		Protocol: Protocol{BackgroundMs: 2500, PresentationMs: 500, DelayMs: 6000, Conditions: []string{"familiar", "novel"},
			Trials: 1, StimulusGain: 1, CueKeep: 1, Init: "gaussian", SuccessThreshold: 0.2, RunawayHz: 1e4},
		Record: Record{Neurons: 100, EveryMs: 5},
	}
}

// DemoDefaults is the fast demo: N = 20 000, K = 250 (α = 0.12), 1 s
// background, 0.5 s stimulus, 3 s delay.
func DemoDefaults() *Config {
	c := PaperDefaults()
	c.Network.N, c.Network.C = 20000, 0.0125
	c.Protocol.BackgroundMs, c.Protocol.DelayMs = 1000, 3000
	c.Record.SaveWeights = true
	return c
}

// Validate checks every key.
func (c *Config) Validate() error {
	if err := c.Sections.Validate(); err != nil {
		return err
	}
	p := c.Protocol
	dt := c.Dynamics.DtMs
	// background may be 0 (start at the stimulus); the stimulus and the
	// delay take at least one step
	var segSteps int64
	for _, kv := range []struct {
		k   string
		v   float64
		min int64
	}{{"protocol.background_ms", p.BackgroundMs, 0}, {"protocol.presentation_ms", p.PresentationMs, 1}, {"protocol.delay_ms", p.DelayMs, 1}} {
		n, err := config.Steps(kv.k, kv.v, dt, kv.min, config.MaxSteps)
		if err != nil {
			return err
		}
		segSteps += n
	}
	if len(p.Conditions) == 0 {
		return fmt.Errorf("protocol.conditions is empty: want familiar and/or novel")
	}
	for _, cnd := range p.Conditions {
		if cnd != "familiar" && cnd != "novel" {
			return fmt.Errorf("protocol.conditions: unknown condition %q (want familiar or novel)", cnd)
		}
	}
	if p.Trials < 1 {
		return fmt.Errorf("protocol.trials = %d must be ≥ 1", p.Trials)
	}
	if err := config.TotalSteps(fmt.Sprintf("protocol.trials = %d: %d trial(s) × %d condition(s) × %d steps", p.Trials, p.Trials, len(p.Conditions), segSteps),
		float64(p.Trials)*float64(len(p.Conditions))*float64(segSteps)); err != nil {
		return err
	}
	switch {
	case math.IsNaN(p.StimulusGain) || math.IsInf(p.StimulusGain, 0):
		return fmt.Errorf("protocol.stimulus_gain = %v is not finite", p.StimulusGain)
	case p.CuePattern < 0 || p.CuePattern >= c.Network.P:
		return fmt.Errorf("protocol.cue_pattern = %d outside [0, p = %d)", p.CuePattern, c.Network.P)
	case !(p.CueKeep >= 0 && p.CueKeep <= 1):
		return fmt.Errorf("protocol.cue_keep = %v outside [0, 1]", p.CueKeep)
	case !(p.CueNoiseSD >= 0) || math.IsInf(p.CueNoiseSD, 0):
		return fmt.Errorf("protocol.cue_noise_sd = %v must be a finite number ≥ 0", p.CueNoiseSD)
	case p.Init != "gaussian" && p.Init != "zero" && p.Init != "background":
		return fmt.Errorf("protocol.init = %q: want gaussian, zero or background", p.Init)
	case !(p.RunawayHz > 0):
		return fmt.Errorf("protocol.runaway_hz = %v must be > 0", p.RunawayHz)
	case math.IsNaN(p.SuccessThreshold):
		return fmt.Errorf("protocol.success_threshold is NaN")
	}
	r := c.Record
	if r.Neurons < 0 || r.Neurons > c.Network.N {
		return fmt.Errorf("record.neurons = %d outside [0, n]", r.Neurons)
	}
	if _, err := config.Steps("record.every_ms", r.EveryMs, dt, 1, config.MaxSteps); err != nil {
		return err
	}
	if !(r.EveryMs >= dt) {
		return fmt.Errorf("record.every_ms = %v must be ≥ dynamics.dt_ms = %v", r.EveryMs, dt)
	}
	return nil
}

// steps returns the number of Euler steps of a segment of length ms.
func (c *Config) steps(ms float64) int { return int(math.Round(ms / c.Dynamics.DtMs)) }

// EstimateBytes is the peak memory estimate: network plus recordings.
func (c *Config) EstimateBytes() int64 {
	every := max(1, c.steps(c.Record.EveryMs))
	total := c.steps(c.Protocol.BackgroundMs) + c.steps(c.Protocol.PresentationMs) + c.steps(c.Protocol.DelayMs)
	samples := float64(total/every + 2)
	rec := samples * float64(c.Network.P+c.Record.Neurons+4) * 8
	// two trials at a time (conditions in lockstep), each ≈ 56 bytes per
	// neuron: R, Ext, next, input, stimulus, Welford (2 float64), a
	// Lyapunov twin (3 vectors + a float64 scratch)
	state := float64(c.Network.N) * 2 * 56
	return experiment.SaturateBytes(float64(c.Sections.EstimateBytes()) + rec + state)
}
