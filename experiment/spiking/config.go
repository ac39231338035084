package spiking

import (
	"embed"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// docFiles are the sources of this package's config structs (their field
// comments are the docs describe prints).
//
//go:embed config.go brunel.go task.go
var docFiles embed.FS

// DocSources implements config.Documented: this package's sections and
// model/spike's spec types.
func (c *Config) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}, spike.DocSource()}
}

// Network is the [network] section.
type Network struct {
	// Seed is the master seed of connectivity, weights, initial state and inputs.
	Seed uint64 `toml:"seed"`
	// DtMs is the integration step in ms (typically 0.1).
	DtMs float64 `toml:"dt_ms" unit:"ms"`
}

// Input is the [input] section: white noise on whole populations plus
// arrays of Poisson inputs and currents.
type Input struct {
	// MuMV is the mean of the Gaussian white-noise input in mV (Brunel 2000
	// convention τ dV/dt = −V + μ + σ√τ ξ); 0 with sigma_mv = 0 means none.
	MuMV float64 `toml:"mu_mv" unit:"mV"`
	// SigmaMV is the white-noise amplitude σ in mV (free-membrane SD σ/√2; 0–10).
	SigmaMV float64 `toml:"sigma_mv" unit:"mV"`
	// Targets lists the populations receiving the white noise (empty: all).
	Targets []string `toml:"targets"`
	// Bridge enables the Brownian-bridge threshold-crossing correction.
	Bridge bool `toml:"bridge"`
	// Poisson are independent Poisson inputs ([[input.poisson]]).
	Poisson []spike.PoissonSpec `toml:"poisson"`
	// Current are constant, step and OU currents ([[input.current]]).
	Current []spike.CurrentSpec `toml:"current"`
	// SpikeFile are input spike trains read from files ([[input.spike_file]]).
	SpikeFile []SpikeFile `toml:"spike_file"`
	// Rate modulates the rates of Poisson spike-source populations over
	// time ([[input.rate]]).
	Rate []spike.RateSpec `toml:"rate"`
	// Blocks are stimulation protocols presenting named inputs in
	// (shuffled) blocks ([[input.blocks]]).
	Blocks []spike.Blocks `toml:"blocks"`
}

// SpikeFile is one [[input.spike_file]] table: a file of (time_ms, id)
// events delivered to a population.
type SpikeFile struct {
	// Target names the receiving population.
	Target string `toml:"target"`
	// Path is a .npy array of shape (n, 2) with rows (time_ms, id), or a .tsv
	// with columns time_ms and id; relative paths are taken from the working
	// directory.
	Path string `toml:"path"`
	// Weight is the per-event magnitude (mV for delta/exp, g_L for coba; ≥ 0).
	Weight float64 `toml:"weight"`
	// Sign is "exc" or "inh".
	Sign string `toml:"sign"`
}

// load reads the events of f.
func (f SpikeFile) load() (spike.SpikeTrainSpec, error) {
	st := spike.SpikeTrainSpec{Target: f.Target, Weight: f.Weight, Sign: f.Sign}
	var t, id []float64
	switch strings.ToLower(filepath.Ext(f.Path)) {
	case ".npy":
		a, err := store.ReadNPY(f.Path)
		if err != nil {
			return st, err
		}
		if len(a.Shape) != 2 || a.Shape[1] != 2 || a.Data == nil {
			return st, fmt.Errorf("%s: need a numeric (n, 2) array of (time_ms, id), got shape %v", f.Path, a.Shape)
		}
		for k := 0; k < a.Shape[0]; k++ {
			t, id = append(t, a.Data[2*k]), append(id, a.Data[2*k+1])
		}
	case ".tsv":
		h, cols, err := store.ReadTSV(f.Path)
		if err != nil {
			return st, err
		}
		ti, ii := slices.Index(h, "time_ms"), slices.Index(h, "id")
		if ti < 0 || ii < 0 {
			return st, fmt.Errorf("%s: needs columns time_ms and id (header %v)", f.Path, h)
		}
		t, id = cols[ti], cols[ii]
	default:
		return st, fmt.Errorf("%s: spike files must be .npy or .tsv", f.Path)
	}
	for k := range t {
		if id[k] != math.Trunc(id[k]) || id[k] < 0 || id[k] > math.MaxInt32 {
			return st, fmt.Errorf("%s: row %d: id %v is not a neuron index", f.Path, k, id[k])
		}
		st.TimesMs = append(st.TimesMs, t[k])
		st.IDs = append(st.IDs, int32(id[k]))
	}
	return st, nil
}

// MaxSteps bounds the steps of one run (transient + measured): 10^10
// steps are 11 days of biological time at dt = 0.1 ms.
const MaxSteps = 10_000_000_000

// Run is the [run] section.
type Run struct {
	// DurationMs is the simulated time in ms (after the transient; at least
	// one step, at most MaxSteps with the transient).
	DurationMs float64 `toml:"duration_ms" unit:"ms"`
	// TransientMs is simulated first and excluded from the statistics and recordings.
	TransientMs float64 `toml:"transient_ms" unit:"ms"`
	// Checkpoint writes the final network state to rec/checkpoint.gob.
	Checkpoint bool `toml:"checkpoint"`
	// ResumeFrom is a checkpoint written by a run of the same network; the
	// run continues from its state (bit-identically to an uninterrupted run).
	ResumeFrom string `toml:"resume_from"`
}

// Record is the [record] section.
type Record struct {
	// Spikes is "all" (stream every spike of the recorded neurons to
	// rec/spikes.npy), "count" (statistics only) or "none".
	Spikes string `toml:"spikes"`
	// SpikeNeurons records the first spike_neurons neurons of each population (0: all).
	SpikeNeurons int `toml:"spike_neurons"`
	// StateVars lists state variables to record ("v", "ge", "gi", "a", "w", "ou").
	StateVars []string `toml:"state_vars"`
	// StateNeurons is the number of neurons per population whose state is recorded.
	StateNeurons int `toml:"state_neurons"`
	// StateEverySteps is the state sampling period in steps (≥ 1).
	StateEverySteps int `toml:"state_every_steps"`
	// StateFromMs starts the state recording window, in ms after the transient.
	StateFromMs float64 `toml:"state_from_ms" unit:"ms"`
	// StateToMs ends the state recording window in ms after the transient (0: end of run).
	StateToMs float64 `toml:"state_to_ms" unit:"ms"`
	// RateBinMs is the bin of the recorded population rates in ms.
	RateBinMs float64 `toml:"rate_bin_ms" unit:"ms"`
	// FanoWindowMs is the counting window of the Fano factor in ms (typically 100).
	FanoWindowMs float64 `toml:"fano_window_ms" unit:"ms"`
	// Avalanches adds to each population's summary the neuronal avalanches
	// of its population counts in rate_bin_ms bins after the transient
	// (runs of non-empty bins, threshold 0, Beggs & Plenz 2003): their
	// number, the discrete power-law exponents of sizes and durations
	// (± SE, x_min by KS scan; analysis/avalanche), the fitted ⟨S⟩(D)
	// exponent and the crackling-noise prediction. Meaningful where the
	// population is silent in many bins (low rates, small bins).
	Avalanches bool `toml:"avalanches"`
	// RasterMaxSpikes caps the spikes kept in memory for the raster figure.
	RasterMaxSpikes int `toml:"raster_max_spikes"`
	// GroupRates lists groups whose rates are recorded after the
	// populations' in rec/rates_hz.npy.
	GroupRates []string `toml:"group_rates"`
	// WeightProjections lists the projections whose weights are monitored
	// (empty: every plastic projection).
	WeightProjections []string `toml:"weight_projections"`
	// WeightsAtMs are extra times (ms after the start, transient included)
	// of weight snapshots rec/weights_<projection>_<t>ms.npz; the initial
	// and the final weights are always written.
	WeightsAtMs []float64 `toml:"weights_at_ms"`
	// WeightStats is the number of times, evenly spaced from the start to
	// the end of the run, at which res/weight_stats.tsv and
	// res/weight_hist.tsv get a row set (≥ 2: start and end included).
	WeightStats int `toml:"weight_stats"`
	// WeightGroups are groups for the within/between weight statistics.
	WeightGroups []string `toml:"weight_groups"`
	// WeightHistBins is the number of weight histogram bins over [0, w_max].
	WeightHistBins int `toml:"weight_hist_bins"`
}

// Check is the [check] section.
type Check struct {
	// Disable turns the NaN/Inf and runaway-rate checkers off.
	Disable bool `toml:"disable"`
	// MaxRateHz is the runaway threshold on a population rate in Hz.
	MaxRateHz float64 `toml:"max_rate_hz" unit:"Hz"`
	// WindowMs is the rate-checker window in ms.
	WindowMs float64 `toml:"window_ms" unit:"ms"`
}

// Config is the "spiking" experiment configuration. Populations and
// projections are arrays of tables: [[population]] (with [population.neuron]
// and [population.init]) and [[projection]] (with [projection.weight]).
type Config struct {
	Network    Network                `toml:"network"`
	Population []spike.PopulationSpec `toml:"population"`
	// Group are named subsets of a population (assemblies, stimulated or
	// recorded sets), [[group]].
	Group      []spike.GroupSpec      `toml:"group"`
	Projection []spike.ProjectionSpec `toml:"projection"`
	Input      Input                  `toml:"input"`
	Brunel     Brunel                 `toml:"brunel"`
	Run        Run                    `toml:"run"`
	Record     Record                 `toml:"record"`
	Check      Check                  `toml:"check"`
	Task       Task                   `toml:"task"`
}

// Defaults returns the lif-noise setting: 1000 unconnected Brunel LIF
// neurons (τ_m = 20 ms, θ = 20 mV, V_r = 10 mV, τ_ref = 2 ms) under white
// noise μ = 15 mV, σ = 5 mV, 2 s after a 200 ms transient.
func Defaults() *Config {
	c, _ := PresetConfig(spike.PresetLIFNoise)
	return c
}

func defaultSections() (Run, Record, Check) {
	return Run{DurationMs: 2000, TransientMs: 200},
		Record{Spikes: "all", StateVars: []string{"v"}, StateNeurons: 5, StateEverySteps: 10, RateBinMs: 1,
			FanoWindowMs: 100, RasterMaxSpikes: 1000000, WeightStats: 11, WeightHistBins: 50},
		Check{MaxRateHz: 1000, WindowMs: 100}
}

// PresetConfig returns the configuration of a named model/spike preset
// (lif-noise, brunel-ai, brunel-ai-fluct, brunel-sr, coba, cuba,
// l23-allen-maclean, l23-allen-2022). The Brunel presets are expressed
// through the [brunel] knobs g and eta: their inhibitory weights and
// Poisson rates are left unset and derived.
func PresetConfig(name string) (*Config, error) {
	s, ok := spike.Preset(name)
	if !ok {
		return nil, fmt.Errorf("unknown preset %q", name)
	}
	c := FromSpec(s)
	if name == spike.PresetLIFNoise {
		c.Input.Poisson, c.Input.Current = nil, nil
	}
	if g, eta, ok := spike.BrunelKnobs(name); ok {
		c.Brunel = Brunel{G: &g, Eta: &eta}
		for i := range c.Projection {
			if c.Projection[i].Pre == "I" {
				c.Projection[i].Weight.Mean = 0
			}
		}
		for i := range c.Input.Poisson {
			c.Input.Poisson[i].RateHz = 0
		}
	}
	return c, nil
}

// FromSpec wraps a spike.Spec in a Config with default run, record and
// check sections. White noise shared by every target becomes the [input]
// μ/σ (as in lif-noise); other noise inputs are not representable and are
// dropped.
func FromSpec(s spike.Spec) *Config {
	r, rec, ch := defaultSections()
	c := &Config{Network: Network{Seed: s.Seed, DtMs: s.DtMs}, Population: s.Populations, Group: s.Groups, Projection: s.Projections,
		Input: Input{Poisson: s.Poisson, Current: s.Currents, Rate: s.Rates}, Run: r, Record: rec, Check: ch, Task: defaultTask()}
	if len(s.Noise) > 0 {
		nz := s.Noise[0]
		c.Input.MuMV, c.Input.SigmaMV, c.Input.Bridge = nz.MuMV, nz.SigmaMV, nz.Bridge
		for _, n := range s.Noise {
			c.Input.Targets = append(c.Input.Targets, n.Target)
		}
		if len(c.Input.Targets) == len(s.Populations) {
			c.Input.Targets = nil // every population: the default, so other configs do not inherit names
		}
	}
	return c
}

// Spec returns the network description of c, with the [brunel] knobs
// applied (when they do not resolve, Validate reports why and Spec keeps
// the values as written).
func (c *Config) Spec() spike.Spec {
	projs, ins, _, err := c.resolveBrunel()
	if err != nil {
		projs, ins = c.Projection, c.Input.Poisson
	}
	s := spike.Spec{DtMs: c.Network.DtMs, Seed: c.Network.Seed, Populations: c.Population, Groups: c.Group, Projections: projs,
		Poisson: slices.Clone(ins), Currents: c.Input.Current, Rates: slices.Clone(c.Input.Rate)}
	for i := range s.Poisson {
		s.Poisson[i].Schedule = slices.Clone(s.Poisson[i].Schedule)
	}
	for i := range s.Rates {
		s.Rates[i].Schedule = slices.Clone(s.Rates[i].Schedule)
	}
	_ = s.ApplyBlocks(c.Input.Blocks) // errors are reported by Validate
	c.applyTask(&s)
	if c.Input.MuMV != 0 || c.Input.SigmaMV != 0 {
		targets := c.Input.Targets
		if len(targets) == 0 {
			for _, p := range c.Population {
				targets = append(targets, p.Name)
			}
		}
		for _, t := range targets {
			if k := s.PopIndex(t); k >= 0 && s.Populations[k].Neuron.Model.IsSource() {
				continue // the default "all populations" skips spike sources
			}
			s.Noise = append(s.Noise, spike.NoiseSpec{Target: t, MuMV: c.Input.MuMV, SigmaMV: c.Input.SigmaMV, Bridge: c.Input.Bridge})
		}
	}
	return s
}

// specWithFiles is Spec plus the spike trains read from [[input.spike_file]];
// errors name the table.
func (c *Config) specWithFiles() (spike.Spec, error) {
	s := c.Spec()
	for i, f := range c.Input.SpikeFile {
		st, err := f.load()
		if err != nil {
			return s, fmt.Errorf("input.spike_file[%d]: %w", i, err)
		}
		s.SpikeTrains = append(s.SpikeTrains, st)
	}
	return s, s.Validate()
}

// SeedValue implements experiment.Config.
func (c *Config) SeedValue() uint64 { return c.Network.Seed }

// SetSeed implements experiment.Config.
func (c *Config) SetSeed(v uint64) { c.Network.Seed = v }

// Validate checks the network (naming keys such as
// "projection[0] (E→I).p") and the run, record and check sections. The
// first error reported is the user's: the populations and the raw network
// are validated before the [brunel] knobs are resolved from them.
func (c *Config) Validate() error {
	for i, t := range c.Input.Targets {
		found := false
		for _, p := range c.Population {
			found = found || p.Name == t
		}
		if !found {
			return fmt.Errorf("input.targets[%d] = %q: unknown population", i, t)
		}
	}
	raw := c.rawSpec()
	if err := raw.Validate(); err != nil {
		return err
	}
	if err := c.validateTask(); err != nil {
		return err
	}
	if _, _, _, err := c.resolveBrunel(); err != nil {
		return err
	}
	s := c.Spec()
	if err := s.ApplyBlocks(c.Input.Blocks); err != nil {
		return fmt.Errorf("input.%v", err)
	}
	if err := s.Validate(); err != nil {
		return err
	}
	dt := c.Network.DtMs
	steps := func(key string, ms float64, min int64) error {
		if !finite(ms) || ms < 0 {
			return fmt.Errorf("%s = %v ms must be finite and ≥ 0", key, ms)
		}
		if n := ms / dt; n > MaxSteps {
			return fmt.Errorf("%s = %v ms is %.3g steps of dt = %v ms, above the limit of %d", key, ms, n, dt, int64(MaxSteps))
		} else if int64(n+0.5) < min {
			return fmt.Errorf("%s = %v ms is shorter than %d step(s) of dt = %v ms", key, ms, min, dt)
		}
		return nil
	}
	if err := steps("run.duration_ms", c.Run.DurationMs, 1); err != nil {
		return err
	}
	if err := steps("run.transient_ms", c.Run.TransientMs, 0); err != nil {
		return err
	}
	if tr, m := c.steps(); tr+m+c.taskSteps() > MaxSteps {
		return fmt.Errorf("run: transient_ms + duration_ms (+ the task phase) = %.3g steps, above the limit of %d", float64(tr+m+c.taskSteps()), int64(MaxSteps))
	}
	if err := s.CheckTimes(c.Run.TransientMs + c.Run.DurationMs + float64(c.taskSteps())*dt); err != nil {
		return err
	}
	switch {
	case c.Record.Spikes != "all" && c.Record.Spikes != "count" && c.Record.Spikes != "none":
		return fmt.Errorf(`record.spikes = %q must be "all", "count" or "none"`, c.Record.Spikes)
	case c.Record.SpikeNeurons < 0 || c.Record.StateNeurons < 0 || c.Record.RasterMaxSpikes < 0:
		return fmt.Errorf("record: spike_neurons, state_neurons and raster_max_spikes must be ≥ 0")
	case c.Record.RasterMaxSpikes > 100_000_000:
		return fmt.Errorf("record.raster_max_spikes = %d: at most 10^8 spikes are kept for the figure", c.Record.RasterMaxSpikes)
	case len(c.Record.StateVars) > 0 && c.Record.StateEverySteps < 1:
		return fmt.Errorf("record.state_every_steps = %d must be ≥ 1", c.Record.StateEverySteps)
	case !finite(c.Record.StateFromMs) || !finite(c.Record.StateToMs) || !(c.Record.StateFromMs >= 0) || !(c.Record.StateToMs >= 0) ||
		(c.Record.StateToMs > 0 && c.Record.StateToMs <= c.Record.StateFromMs):
		return fmt.Errorf("record: need finite 0 ≤ state_from_ms < state_to_ms (or state_to_ms = 0), got %v, %v", c.Record.StateFromMs, c.Record.StateToMs)
	case !finite(c.Record.RateBinMs) || !(c.Record.RateBinMs >= dt):
		return fmt.Errorf("record.rate_bin_ms = %v must be finite and ≥ network.dt_ms = %v", c.Record.RateBinMs, dt)
	case !finite(c.Record.FanoWindowMs) || !(c.Record.FanoWindowMs >= dt):
		return fmt.Errorf("record.fano_window_ms = %v must be finite and ≥ network.dt_ms", c.Record.FanoWindowMs)
	case c.Record.WeightStats < 2 || c.Record.WeightStats > 100_000:
		return fmt.Errorf("record.weight_stats = %d must be in [2, 10^5] (start and end included)", c.Record.WeightStats)
	case c.Record.WeightHistBins < 1 || c.Record.WeightHistBins > 10_000:
		return fmt.Errorf("record.weight_hist_bins = %d must be in [1, 10^4]", c.Record.WeightHistBins)
	case !finite(c.Check.MaxRateHz) || !finite(c.Check.WindowMs) || !(c.Check.MaxRateHz >= 0) || !(c.Check.WindowMs >= 0):
		return fmt.Errorf("check: max_rate_hz and window_ms must be finite and ≥ 0")
	}
	end := c.Run.TransientMs + c.Run.DurationMs
	for i, t := range c.Record.WeightsAtMs {
		if !finite(t) || !(t > 0) || t >= end {
			return fmt.Errorf("record.weights_at_ms[%d] = %v must be inside the run (0, %v) ms", i, t, end)
		}
	}
	for i, g := range c.Record.GroupRates {
		if s.GroupIndex(g) < 0 {
			return fmt.Errorf("record.group_rates[%d] = %q: unknown group", i, g)
		}
	}
	for i, g := range c.Record.WeightGroups {
		if s.GroupIndex(g) < 0 {
			return fmt.Errorf("record.weight_groups[%d] = %q: unknown group", i, g)
		}
	}
	for i, p := range c.Record.WeightProjections {
		if s.ProjIndex(p) < 0 {
			return fmt.Errorf("record.weight_projections[%d] = %q: unknown projection", i, p)
		}
	}
	for i, f := range c.Input.SpikeFile {
		if s.PopIndex(f.Target) < 0 {
			return fmt.Errorf("input.spike_file[%d].target = %q: unknown population", i, f.Target)
		}
		if f.Sign != "exc" && f.Sign != "inh" || !(f.Weight >= 0) || !finite(f.Weight) || f.Path == "" {
			return fmt.Errorf("input.spike_file[%d]: need a path, sign exc/inh and a finite weight ≥ 0", i)
		}
	}
	for i, v := range c.Record.StateVars {
		if !slices.Contains(spike.StateNames, v) {
			return fmt.Errorf(`record.state_vars[%d] = %q must be one of %s`, i, v, strings.Join(spike.StateNames, ", "))
		}
	}
	return nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// rawSpec is the network as written, before the [brunel] knobs (for
// validating what the user wrote first).
func (c *Config) rawSpec() spike.Spec {
	s := spike.Spec{DtMs: c.Network.DtMs, Seed: c.Network.Seed, Populations: c.Population, Groups: c.Group,
		Projections: c.Projection, Poisson: c.Input.Poisson, Currents: c.Input.Current, Rates: c.Input.Rate}
	if c.Brunel.G != nil { // brunel.g fills in the inhibitory weights it derives
		s.Projections = slices.Clone(s.Projections)
		for i := range s.Projections {
			if w := &s.Projections[i].Weight; w.Dist == "" {
				w.Dist = spike.WeightConstant
			}
		}
	}
	return s
}

// steps returns the transient and measured step counts.
func (c *Config) steps() (transient, measured int64) {
	return int64(c.Run.TransientMs/c.Network.DtMs + 0.5), int64(c.Run.DurationMs/c.Network.DtMs + 0.5)
}
