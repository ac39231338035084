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
// Registered as experiment "pb-dms"; `engram demo` runs it with a fast
// default that shows the paper's result (DemoDefaults: N = 100 000,
// K = 250, p = 30, shortened protocol), examples/pb-dms.toml holds the
// paper's full protocol and examples/pb-spontaneous.toml the finite-size
// spontaneous retrieval of smaller networks.
package pbdms

import (
	"embed"
	"fmt"
	"math"
	"reflect"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
	"github.com/engramsim/engram/experiment/pbnet"
	"github.com/engramsim/engram/model/rate"
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

// DemoDefaults is the config of `engram demo` (cmd/engram/demo.toml, whose
// comments say why it differs from the paper): N = 100 000 at K = 250
// (the smallest size whose background is stable, so that a novel stimulus
// leaves it), p = 30 (α = 0.12), 500 ms background, 500 ms stimulus,
// 1 s delay, Euler dt = 1 ms, no Lyapunov exponent, no weights file.
func DemoDefaults() *Config {
	c := PaperDefaults()
	c.Network.N, c.Network.C = 100000, 0.0025
	c.Dynamics.DtMs = 1
	c.Protocol.BackgroundMs, c.Protocol.DelayMs = 500, 1000
	c.Protocol.Lyapunov = false
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

// samples returns the number of recorded samples of a trial (the initial
// state and every record.every_ms) and how many of them fall in the delay.
func (c *Config) samples() (all, delay int) {
	every := max(1, c.steps(c.Record.EveryMs))
	nb, np, nd := c.steps(c.Protocol.BackgroundMs), c.steps(c.Protocol.PresentationMs), c.steps(c.Protocol.DelayMs)
	all = (nb+np+nd)/every + 1
	delay = (nb+np+nd)/every - (nb+np)/every
	return all, delay
}

// figureBytes bounds what drawing the figures and rendering the report
// allocate besides the figures' data: two 800 × 500 RGBA canvases drawn
// concurrently with their encoders and SVG buffers, and the report's
// base64 copies of every PNG (measured: < 10 MB for the demo's 11 figures).
const figureBytes = 16 << 20

// EstimateBytes bounds the run's peak resident memory (memlimit.Apply makes
// the Go runtime keep it): the network (rate.BuildBytes), the recordings of
// every trial, the larger of the trials running at once and the figures'
// data, and memlimit.RuntimeBytes for the runtime and binary.
func (c *Config) EstimateBytes() int64 {
	n, p, nrec := float64(c.Network.N), float64(c.Network.P), float64(c.Record.Neurons)
	dyn, err := c.DynamicsFn()
	if err != nil {
		dyn = rate.DefaultDynamics()
	}
	all, delay := c.samples()
	traces := float64(len(c.Protocol.Conditions) * c.Protocol.Trials)
	// per sample: m and q of every pattern, the recorded rates, time, mean
	// rate, ⟨r²⟩ (preallocated: runTrial); per trial the rates at the end of
	// the presentation and of the delay
	rec := traces * (float64(all)*(16*p+4*nrec+24) + float64(delay)*8 + 2*4*n)
	// a running trial: its Sim (with the Lyapunov twin over the delay), the
	// stimulus and the Welford accumulators (2 float64 per neuron); two run
	// at once (the conditions in lockstep)
	trial := float64(rate.SimBytes(c.Network.N, dyn, c.Protocol.Lyapunov)) + 4*n + 16*n
	running := float64(min(2, len(c.Protocol.Conditions))) * trial
	// figures after the trials: float64 copies of two conditions' rates
	// (the histograms), every trace column of one plot, ≤ 200 000 sampled
	// weights, and the canvases
	figures := 2*8*n + float64(all)*8*(p+2) + 8*200000 + figureBytes
	// computed in float64 and saturated (experiment.SaturateBytes): no
	// size can wrap the estimate around
	return experiment.SaturateBytes(float64(c.Sections.EstimateBytes()) + rec + max(running, figures) + memlimit.RuntimeBytes)
}
