// Package corrstim is the experiment "corr-vs-stimulus" (spec
// information-correlations.md §5): do network correlations follow
// stimulus correlations? M input channels whose spike trains come from a
// dichotomised Gaussian (pairwise input correlation ρ_in, ξ_in = 1) or a
// compound Poisson process whose correlated events all have order ξ_in
// (ξ_in ≥ 2) drive an E/I network of LIF neurons (model/spike; the
// channels are a generator population projecting onto E and I). For each
// input correlation, input order and recurrence strength the run records
// the output's pairwise count correlations (mean, SD, and per pair against
// the correlation of the two neurons' summed input), P(K), the CuBIC ξ̂ of
// the output, the pairwise maximum-entropy ratio I₂/I_N on random groups of
// 10 neurons and the Gaussian total correlation of the count vectors — and
// the same for the trial-shuffled null, whose channels keep their
// marginal law but lose every cross-channel correlation, separating
// input-inherited from recurrence-generated correlation.
//
// Registered as experiment "corr-vs-stimulus"; examples/corr-vs-stimulus.toml.
package corrstim

import (
	"embed"
	"fmt"
	"math"
	"reflect"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
)

// Network is the [network] section: a Brunel-type E/I LIF network (τ_m =
// 20 ms, θ = 20 mV, V_r = 10 mV, τ_ref = 2 ms, delta synapses) with
// fixed in-degrees and an independent Poisson background.
type Network struct {
	// NE is the number of excitatory neurons (≥ 20).
	NE int `toml:"n_e"`
	// NI is the number of inhibitory neurons (≥ 1).
	NI int `toml:"n_i"`
	// KE is the excitatory in-degree of every neuron, in [1, n_e − 1].
	KE int `toml:"k_e"`
	// KI is the inhibitory in-degree of every neuron, in [1, n_i].
	KI int `toml:"k_i"`
	// JMV is the excitatory recurrent weight in mV (> 0); inhibitory
	// weights are −g·J. Multiplied by each sweep.recurrence value.
	JMV float64 `toml:"j_mv"`
	// G is the relative strength of inhibition g (≥ 0).
	G float64 `toml:"g"`
	// DelayMs is the recurrent transmission delay in ms (≥ dt).
	DelayMs float64 `toml:"delay_ms"`
	// Eta is the independent Poisson background in units of ν_thr =
	// θ/(J k_e τ_m): k_e sources of weight j_mv per neuron at η ν_thr (≥ 0).
	Eta float64 `toml:"eta"`
	// DtMs is the integration step in ms (0.01–1).
	DtMs float64 `toml:"dt_ms"`
	// Seed is the master seed (connectivity, input, background, groups).
	Seed uint64 `toml:"seed"`
}

// Input is the [input] section: the correlated input channels.
type Input struct {
	// Channels is the number M of input channels (≥ 2).
	Channels int `toml:"channels"`
	// RateHz is each channel's firing rate in Hz (> 0).
	RateHz float64 `toml:"rate_hz"`
	// KIn is the number of channels each network neuron receives (fixed
	// in-degree, in [1, channels]); k_in < channels makes the input
	// correlation differ between neuron pairs.
	KIn int `toml:"k_in"`
	// JInMV is the weight of an input spike in mV (> 0).
	JInMV float64 `toml:"j_in_mv"`
	// DGBinMs is the time bin of the dichotomised Gaussian (ξ_in = 1) in ms:
	// each channel spikes in a bin with probability rate·bin, once at most,
	// at a uniform time inside it (rate·bin < 1).
	DGBinMs float64 `toml:"dg_bin_ms"`
}

// Sweep is the [sweep] section.
type Sweep struct {
	// RhoIn are the pairwise count correlations of the input channels, each
	// in [0, 1). With ξ_in ≥ 2 a value above (ξ_in − 1)/(M − 1), which
	// order-ξ events alone cannot carry, is skipped (and reported).
	RhoIn []float64 `toml:"rho_in"`
	// XiIn are the input correlation orders: 1 = dichotomised Gaussian
	// (pairwise-specified, higher orders implicit), ≥ 2 = CPP with events
	// of exactly that order, in [1, channels].
	XiIn []int `toml:"xi_in"`
	// Recurrence multiplies the recurrent weights (the knob from weakly
	// coupled towards strongly recurrent; > 0).
	Recurrence []float64 `toml:"recurrence"`
	// Null also runs every condition with trial-shuffled input.
	Null bool `toml:"null"`
}

// RunSection is the [run] section.
type RunSection struct {
	// TransientMs is simulated before recording, in ms (≥ 0).
	TransientMs float64 `toml:"transient_ms"`
	// DurationMs is the recorded time in ms (> 0).
	DurationMs float64 `toml:"duration_ms"`
	// Recorded is the number of excitatory neurons analysed pairwise (the
	// first ones; in [10, n_e]).
	Recorded int `toml:"recorded"`
	// CorrBinMs is the bin of count correlations, input-current
	// correlations and total correlation, in ms.
	CorrBinMs float64 `toml:"corr_bin_ms"`
	// WordBinMs is the bin of the binary words: P(K), CuBIC and Ising, in ms.
	WordBinMs float64 `toml:"word_bin_ms"`
	// IsingGroups is the number of random groups of 10 recorded neurons
	// fitted by the pairwise maximum-entropy model (0: none).
	IsingGroups int `toml:"ising_groups"`
	// TCUnits is the number of recorded neurons whose count vector enters
	// the Gaussian total correlation, in [2, recorded].
	TCUnits int `toml:"tc_units"`
}

// Config is the experiment's configuration.
type Config struct {
	// Network: the recurrent E/I network.
	Network Network `toml:"network"`
	// Input: the correlated input channels.
	Input Input `toml:"input"`
	// Sweep: the conditions.
	Sweep Sweep `toml:"sweep"`
	// Run: durations and analysis bins.
	Run RunSection `toml:"run"`
}

// docFiles is the source of the config structs (config.DocSource).
//
//go:embed config.go
var docFiles embed.FS

// DocSources implements config.Documented.
func (c *Config) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}}
}

// Defaults: 400 E + 100 I, 20 channels at 20 Hz, the spec's sweep.
func Defaults() *Config {
	return &Config{
		Network: Network{NE: 400, NI: 100, KE: 40, KI: 10, JMV: 0.4, G: 5, DelayMs: 1.5, Eta: 0.75, DtMs: 0.1, Seed: 1},
		Input:   Input{Channels: 20, RateHz: 20, KIn: 10, JInMV: 1, DGBinMs: 1},
		Sweep:   Sweep{RhoIn: []float64{0, 0.05, 0.1, 0.2}, XiIn: []int{1, 2, 5}, Recurrence: []float64{0.5, 1}, Null: true},
		Run:     RunSection{TransientMs: 500, DurationMs: 20000, Recorded: 100, CorrBinMs: 20, WordBinMs: 5, IsingGroups: 5, TCUnits: 20},
	}
}

// SeedValue implements experiment.Config.
func (c *Config) SeedValue() uint64 { return c.Network.Seed }

// SetSeed implements experiment.Config.
func (c *Config) SetSeed(s uint64) { c.Network.Seed = s }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate implements experiment.Config.
func (c *Config) Validate() error {
	n, in, w, r := c.Network, c.Input, c.Sweep, c.Run
	switch {
	case n.NE < 20 || n.NE > 100000:
		return fmt.Errorf("network.n_e = %d must be in [20, 100000]", n.NE)
	case n.NI < 1 || n.NI > 100000:
		return fmt.Errorf("network.n_i = %d must be in [1, 100000]", n.NI)
	case n.KE < 1 || n.KE > n.NE-1:
		return fmt.Errorf("network.k_e = %d must be in [1, n_e − 1 = %d]", n.KE, n.NE-1)
	case n.KI < 1 || n.KI > n.NI:
		return fmt.Errorf("network.k_i = %d must be in [1, n_i = %d]", n.KI, n.NI)
	case !(n.JMV > 0) || !finite(n.JMV):
		return fmt.Errorf("network.j_mv = %v must be positive and finite", n.JMV)
	case !(n.G >= 0) || !finite(n.G):
		return fmt.Errorf("network.g = %v must be finite and ≥ 0", n.G)
	case !(n.DtMs >= 0.01 && n.DtMs <= 1):
		return fmt.Errorf("network.dt_ms = %v must be in [0.01, 1]", n.DtMs)
	case !(n.DelayMs >= n.DtMs) || !finite(n.DelayMs):
		return fmt.Errorf("network.delay_ms = %v must be finite and ≥ dt_ms", n.DelayMs)
	case !(n.Eta >= 0) || !finite(n.Eta):
		return fmt.Errorf("network.eta = %v must be finite and ≥ 0", n.Eta)
	case in.Channels < 2 || in.Channels > 10000:
		return fmt.Errorf("input.channels = %d must be in [2, 10000]", in.Channels)
	case !(in.RateHz > 0) || !finite(in.RateHz):
		return fmt.Errorf("input.rate_hz = %v must be positive and finite", in.RateHz)
	case in.KIn < 1 || in.KIn > in.Channels:
		return fmt.Errorf("input.k_in = %d must be in [1, channels = %d]", in.KIn, in.Channels)
	case !(in.JInMV > 0) || !finite(in.JInMV):
		return fmt.Errorf("input.j_in_mv = %v must be positive and finite", in.JInMV)
	case !(in.DGBinMs >= n.DtMs) || !(in.RateHz*in.DGBinMs/1000 < 1):
		return fmt.Errorf("input.dg_bin_ms = %v must be ≥ dt_ms with rate·bin < 1 (rate %v Hz)", in.DGBinMs, in.RateHz)
	case len(w.RhoIn) == 0 || len(w.XiIn) == 0 || len(w.Recurrence) == 0:
		return fmt.Errorf("sweep.rho_in, sweep.xi_in and sweep.recurrence must not be empty")
	case !(r.TransientMs >= 0) || !finite(r.TransientMs):
		return fmt.Errorf("run.transient_ms = %v must be finite and ≥ 0", r.TransientMs)
	case !(r.DurationMs > 0) || !finite(r.DurationMs):
		return fmt.Errorf("run.duration_ms = %v must be positive and finite", r.DurationMs)
	case r.Recorded < 10 || r.Recorded > n.NE:
		return fmt.Errorf("run.recorded = %d must be in [10, n_e = %d]", r.Recorded, n.NE)
	case !(r.CorrBinMs >= n.DtMs) || r.DurationMs/r.CorrBinMs < 10:
		return fmt.Errorf("run.corr_bin_ms = %v must be ≥ dt_ms and give ≥ 10 bins", r.CorrBinMs)
	case !(r.WordBinMs >= n.DtMs) || r.DurationMs/r.WordBinMs < 10:
		return fmt.Errorf("run.word_bin_ms = %v must be ≥ dt_ms and give ≥ 10 bins", r.WordBinMs)
	case r.IsingGroups < 0 || r.IsingGroups > 1000:
		return fmt.Errorf("run.ising_groups = %d must be in [0, 1000]", r.IsingGroups)
	case r.TCUnits < 2 || r.TCUnits > r.Recorded || r.DurationMs/r.CorrBinMs <= float64(r.TCUnits+1):
		return fmt.Errorf("run.tc_units = %d must be in [2, recorded] and below the number of correlation bins − 1", r.TCUnits)
	}
	for i, v := range w.RhoIn {
		if !(v >= 0 && v < 1) {
			return fmt.Errorf("sweep.rho_in[%d] = %v must be in [0, 1)", i, v)
		}
	}
	for i, x := range w.XiIn {
		if x < 1 || x > in.Channels {
			return fmt.Errorf("sweep.xi_in[%d] = %d must be in [1, channels = %d]", i, x, in.Channels)
		}
	}
	for i, v := range w.Recurrence {
		if !(v > 0) || !finite(v) {
			return fmt.Errorf("sweep.recurrence[%d] = %v must be positive and finite", i, v)
		}
	}
	runs := float64(len(w.RhoIn) * len(w.XiIn) * len(w.Recurrence))
	if w.Null {
		runs *= 2
	}
	if err := config.TotalSteps(fmt.Sprintf("%g runs of %g ms at dt = %g ms", runs, r.TransientMs+r.DurationMs, n.DtMs), runs*(r.TransientMs+r.DurationMs)/n.DtMs); err != nil {
		return err
	}
	_, err := c.spec(c.Sweep.Recurrence[0], nil)
	return err
}

// EstimateBytes: one network at a time (its spec's estimate), its
// recorded spikes (≤ 16 B per spike at 100 Hz), the input spikes and the
// per-condition binned matrices.
func (c *Config) EstimateBytes() int64 {
	s, err := c.spec(c.Sweep.Recurrence[0], nil)
	if err != nil {
		return 0
	}
	n := float64(c.Network.NE + c.Network.NI)
	dur := (c.Run.TransientMs + c.Run.DurationMs) / 1000
	spikes := 16 * 100 * dur * (n + float64(c.Input.Channels))
	bins := 8 * float64(c.Run.Recorded+c.Input.Channels) * c.Run.DurationMs / math.Min(c.Run.CorrBinMs, c.Run.WordBinMs) * 3
	return experiment.SaturateBytes(float64(s.EstimateBytes()) + spikes + bins + 8*float64(c.Run.Recorded*c.Run.Recorded)*4)
}
