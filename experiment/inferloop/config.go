package inferloop

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
	"github.com/engramsim/engram/ratefn"
)

// Truth is the [truth] section: where the ground-truth φ and rule come from.
type Truth struct {
	// Preset is the ground truth: median or itc1 … itc14 (replacing
	// [transfer] and [rule]), or empty to use [transfer] and [rule] as
	// given.
	Preset string `toml:"preset"`
}

// Protocol is the [protocol] section.
type Protocol struct {
	// NovelStimuli is the number of novel stimuli (fresh iid N(0, 1)
	// currents), each presented once; at least 20.
	NovelStimuli int `toml:"novel_stimuli"`
	// FamiliarStimuli is the number of stored patterns presented as
	// familiar stimuli (0: all network.p); at least 20.
	FamiliarStimuli int `toml:"familiar_stimuli"`
	// BackgroundMs is the relaxation without input to the spontaneous
	// state in ms, done once; every presentation starts from it.
	BackgroundMs float64 `toml:"background_ms" unit:"ms"`
	// PresentationMs is the stimulus duration in ms (5 τ reaches the steady
	// response to < 1 %).
	PresentationMs float64 `toml:"presentation_ms" unit:"ms"`
	// WindowMs is the averaging window in ms: the response is the mean rate
	// over the last window_ms of the presentation, in [dt, presentation_ms].
	WindowMs float64 `toml:"window_ms" unit:"ms"`
	// StimulusGain scales the stimulus: I_ext = gain × stimulus currents
	// (paper: 1).
	StimulusGain float64 `toml:"stimulus_gain"`
	// RunawayHz stops the run with an error when any |rate| exceeds it.
	RunawayHz float64 `toml:"runaway_hz" unit:"Hz"`
}

// Inference is the [inference] section.
type Inference struct {
	// Neurons is the number of recorded neurons (0 … neurons−1; neurons are
	// exchangeable) whose responses are inferred.
	Neurons int `toml:"neurons"`
	// Bootstrap is the number of bootstrap replicates per neuron (0: none).
	Bootstrap int `toml:"bootstrap"`
	// Level is the two-sided confidence level of the intervals, in (0, 1).
	Level float64 `toml:"level"`
	// FigNeurons is the number of neurons with per-neuron figures.
	FigNeurons int `toml:"fig_neurons"`
}

// Config is the infer-loop configuration.
type Config struct {
	pbnet.Sections
	// Truth: the ground-truth φ and rule.
	Truth Truth `toml:"truth"`
	// Protocol: stimuli and timing.
	Protocol Protocol `toml:"protocol"`
	// Inference: what is inferred and how.
	Inference Inference `toml:"inference"`
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

// Defaults is the default closed loop: N = 20 000, K = 250, p = 40
// (α = 0.16, retrieval works, R10), 40 novel and 40 familiar stimuli, 100
// ms presentations (exponential Euler, dt = 2.5 ms), response = mean over
// the last 10 ms, 30 neurons, 100 bootstrap replicates.
func Defaults() *Config {
	s := pbnet.DefaultSections(20000, 0.0125, 40)
	s.Dynamics.DtMs, s.Dynamics.Integrator = 2.5, "exp_euler"
	return &Config{
		Sections: s,
		Truth:    Truth{},
		Protocol: Protocol{NovelStimuli: 40, FamiliarStimuli: 0, BackgroundMs: 200, PresentationMs: 100, WindowMs: 10, StimulusGain: 1, RunawayHz: 1e4},
		Inference: Inference{
			Neurons: 30, Bootstrap: 100, Level: 0.95, FigNeurons: 3,
		},
	}
}

// ApplyPreset overwrites [transfer] and [rule] with truth.preset (no-op
// when it is empty). The CLI calls it through Validate, so the resolved
// config shows the values actually simulated.
func (c *Config) ApplyPreset() error {
	if c.Truth.Preset == "" {
		return nil
	}
	tf, r, err := ratefn.Preset(c.Truth.Preset)
	if err != nil {
		return fmt.Errorf("truth.preset: %v", err)
	}
	c.Transfer = pbnet.Transfer{Kind: "sigmoid", RMaxHz: tf.RMaxHz, Beta: tf.Beta, H0: tf.H0, Q: c.Transfer.Q}
	c.Rule = pbnet.Rule{A: r.A, QF: r.F.Q, BetaFPerHz: r.F.BetaPerHz, XFHz: r.F.XHz}
	return nil
}

// NFamiliar returns the number of familiar stimuli.
func (c *Config) NFamiliar() int {
	if c.Protocol.FamiliarStimuli == 0 {
		return c.Network.P
	}
	return c.Protocol.FamiliarStimuli
}

// Validate applies truth.preset and checks every key.
func (c *Config) Validate() error {
	if err := c.ApplyPreset(); err != nil {
		return err
	}
	if err := c.Sections.Validate(); err != nil {
		return err
	}
	if c.Transfer.Kind != "sigmoid" {
		return fmt.Errorf("transfer.kind = %q: the inference fits a logistic φ; the closed loop needs sigmoid", c.Transfer.Kind)
	}
	if c.Rule.BetaGPerHz != nil || c.Rule.XGHz != nil {
		return fmt.Errorf("rule.beta_g_per_hz / rule.x_g_hz: the inference assumes g has f's shape; leave them unset")
	}
	p := c.Protocol
	const minS = 20 // infer.MinSamplesPerCondition
	switch {
	case p.NovelStimuli < minS:
		return fmt.Errorf("protocol.novel_stimuli = %d: the inference needs at least %d", p.NovelStimuli, minS)
	case p.FamiliarStimuli < 0 || p.FamiliarStimuli > c.Network.P:
		return fmt.Errorf("protocol.familiar_stimuli = %d outside [0, network.p = %d]", p.FamiliarStimuli, c.Network.P)
	case c.NFamiliar() < minS:
		return fmt.Errorf("protocol.familiar_stimuli: %d familiar stimuli (network.p = %d), the inference needs at least %d", c.NFamiliar(), c.Network.P, minS)
	}
	dt := c.Dynamics.DtMs
	nb, err := config.Steps("protocol.background_ms", p.BackgroundMs, dt, 0, config.MaxSteps)
	if err != nil {
		return err
	}
	np, err := config.Steps("protocol.presentation_ms", p.PresentationMs, dt, 1, config.MaxSteps)
	if err != nil {
		return err
	}
	if _, err := config.Steps("protocol.window_ms", p.WindowMs, dt, 1, config.MaxSteps); err != nil {
		return err
	}
	stimuli := p.NovelStimuli + c.NFamiliar()
	if err := config.TotalSteps(fmt.Sprintf("protocol: %d stimuli × %d steps + %d background steps", stimuli, np, nb),
		float64(stimuli)*float64(np)+float64(nb)); err != nil {
		return err
	}
	switch {
	case p.WindowMs > p.PresentationMs:
		return fmt.Errorf("protocol.window_ms = %v must be in [dt, presentation_ms = %v]", p.WindowMs, p.PresentationMs)
	case !(p.StimulusGain > 0) || math.IsInf(p.StimulusGain, 0):
		return fmt.Errorf("protocol.stimulus_gain = %v must be > 0", p.StimulusGain)
	case !(p.RunawayHz > 0):
		return fmt.Errorf("protocol.runaway_hz = %v must be > 0", p.RunawayHz)
	}
	in := c.Inference
	switch {
	case in.Neurons < 1 || in.Neurons > c.Network.N:
		return fmt.Errorf("inference.neurons = %d outside [1, network.n = %d]", in.Neurons, c.Network.N)
	case in.Bootstrap < 0:
		return fmt.Errorf("inference.bootstrap = %d must be ≥ 0", in.Bootstrap)
	case !(in.Level > 0 && in.Level < 1):
		return fmt.Errorf("inference.level = %v outside (0, 1)", in.Level)
	case in.FigNeurons < 0:
		return fmt.Errorf("inference.fig_neurons = %d must be ≥ 0", in.FigNeurons)
	}
	return nil
}

// steps returns the number of steps of a segment of length ms.
func (c *Config) steps(ms float64) int { return int(math.Round(ms / c.Dynamics.DtMs)) }

// EstimateBytes bounds the run's peak resident memory (memlimit.Apply makes
// the Go runtime keep it): the network (rate.BuildBytes) with its Sim and
// the background state and stimulus vectors, the recorded responses and
// inputs (4 float64 per recorded neuron and stimulus) with the inference's
// copies and bootstrap estimates, the figures, and memlimit.RuntimeBytes.
func (c *Config) EstimateBytes() int64 {
	dyn, err := c.DynamicsFn()
	if err != nil {
		dyn = rate.DefaultDynamics()
	}
	n, nrec := float64(c.Network.N), float64(c.Inference.Neurons)
	stimuli := float64(c.Protocol.NovelStimuli) + float64(c.NFamiliar())
	sim := float64(rate.SimBytes(c.Network.N, dyn, false)) + 2*4*n
	// responses and inputs, the dataset's sorted copies, and per neuron
	// and bootstrap replicate a fit (≈ 12 parameters and their grids)
	rec := nrec*stimuli*8*(4+4) + nrec*(float64(c.Inference.Bootstrap)+1)*1024
	// in float64 and saturated: no size can wrap the estimate around
	return experiment.SaturateBytes(float64(c.Sections.EstimateBytes()) + sim + rec + figureBytes + memlimit.RuntimeBytes)
}

// figureBytes bounds drawing the figures and rendering the report: two
// 800 × 500 RGBA canvases drawn concurrently with their encoders and SVG
// buffers, and the report's base64 copies of the PNGs.
const figureBytes = 16 << 20
