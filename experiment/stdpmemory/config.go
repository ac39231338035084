package stdpmemory

import (
	"embed"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment/spiking"
	"github.com/engramsim/engram/model/spike"
)

// docFiles is the source of the config structs: their field comments are
// the docs `engram describe` prints.
//
//go:embed config.go zag.go
var docFiles embed.FS

// DocSources implements config.Documented.
func (c *Config) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}}
}

// Network is the [network] section.
type Network struct {
	// Preset names the plastic E/I network: "lkd-demo" (1000 E + 250 I at
	// the paper's in-degrees), "lkd-bistable" (lkd-demo without adaptation
	// and with E→E weights bounded at 2 J_EE: it holds delay activity),
	// "lkd2014" (4000 E + 1000 I, paper scale), "zag2015" (4096 E + 1024 I
	// with 4096 input channels; patterns are sets of input channels, see
	// [zag]), or the path of a "spiking" experiment config (ending in .toml,
	// relative to the working directory, e.g. a modified
	// examples/lkd-demo.toml) whose network — populations E and I, an E→E
	// projection, the plastic rules and the external Poisson inputs onto E
	// (and I, for the resets) — is used; its [run], [record] and [check]
	// sections and its seed are ignored (network.seed sets the seed).
	Preset string `toml:"preset"`
	// Seed is the master seed of connectivity, patterns, cues and noise.
	Seed uint64 `toml:"seed"`
}

// Patterns is the [patterns] section: the assemblies (stdp-memory.md §3.3).
type Patterns struct {
	// Name keys the assemblies' random streams (assemblies are groups
	// <name>0, <name>1, … of the E population).
	Name string `toml:"name"`
	// Count is the number of assemblies P (1 ≤ P ≤ N_E).
	Count int `toml:"count"`
	// F is the membership probability of each E neuron in each assembly
	// (overlapping) or the fraction of E neurons per block (disjoint), in
	// (0, 1] (LKD: 0.05 paper, 0.1 demo).
	F float64 `toml:"f"`
	// Disjoint draws disjoint blocks of round(f·N_E) neurons instead of
	// independent (overlapping) memberships.
	Disjoint bool `toml:"disjoint"`
}

// Phase is a phase of spontaneous activity.
type Phase struct {
	// StartMs is the start of the phase in ms; −1 (the default) means
	// right after the previous phase. A start before the previous phase's
	// end (an overlap) or after it (a gap) is an error.
	StartMs float64 `toml:"start_ms" unit:"ms"`
	// DurationMs is the length of the phase in ms (0 skips it).
	DurationMs float64 `toml:"duration_ms" unit:"ms"`
	// Plasticity lists the rules acting during the phase, by rule name
	// among the preset's (LKD: "vstdp", "normalize", "istdp"; zag2015:
	// "p10", on input→E and E→E, and "global_istdp"); empty: none.
	Plasticity []string `toml:"plasticity"`
}

// Imprint is the [phases.imprint] section: assemblies presented in
// shuffled blocks, never the same one twice in a row.
type Imprint struct {
	// StartMs is the start of the phase in ms (−1: after the previous phase).
	StartMs float64 `toml:"start_ms" unit:"ms"`
	// DurationMs is the length of the phase in ms; 0 means exactly the
	// presentations (blocks · P · (on_ms + off_ms)); a value shorter than
	// that is an error, a longer one adds spontaneous activity at the end.
	DurationMs float64 `toml:"duration_ms" unit:"ms"`
	// Plasticity lists the rules acting during the phase.
	Plasticity []string `toml:"plasticity"`
	// Blocks is the number of blocks; each presents every assembly once
	// (spec: 20 paper, 10 demo; 0 skips the phase).
	Blocks int `toml:"blocks"`
	// OnMs is the duration of one presentation in ms (1000).
	OnMs float64 `toml:"on_ms" unit:"ms"`
	// OffMs is the interval after each presentation in ms (3000).
	OffMs float64 `toml:"off_ms" unit:"ms"`
	// RateHz is the extra external Poisson rate onto the members during a
	// presentation, in Hz, on top of the baseline drive (LKD: 8000 on 4500).
	RateHz float64 `toml:"rate_hz" unit:"Hz"`
	// ResetMs is the length of a non-selective reset right after each
	// presentation, in ms (0: none; at most off_ms): extra Poisson drive
	// onto the I population, as in recall, so that an assembly that has
	// become bistable does not stay on through the interval and keep
	// potentiating itself (imprinting then controls how far R grows).
	ResetMs float64 `toml:"reset_ms" unit:"ms"`
	// ResetRateHz is the extra Poisson rate onto every I neuron during an
	// imprinting reset, in Hz.
	ResetRateHz float64 `toml:"reset_rate_hz" unit:"Hz"`
}

// Recall is the [phases.recall] section: cues of a random fraction of an
// assembly's members, then a delay without cue.
type Recall struct {
	// StartMs is the start of the phase in ms (−1: after the previous phase).
	StartMs float64 `toml:"start_ms" unit:"ms"`
	// DurationMs is the length of the phase in ms (0: exactly the trials;
	// shorter than the trials is an error).
	DurationMs float64 `toml:"duration_ms" unit:"ms"`
	// Plasticity lists the rules acting during recall (default none:
	// recall tests the stored matrix).
	Plasticity []string `toml:"plasticity"`
	// Fractions are the cue fractions c, each in (0, 1]: each cue drives
	// every member of the assembly independently with probability c
	// (spec: 0.1, 0.25, 0.5).
	Fractions []float64 `toml:"fractions"`
	// Trials is the number of trials per assembly and fraction (spec: 5;
	// 0 skips the phase).
	Trials int `toml:"trials"`
	// CueMs is the duration of a cue in ms (ZAG: 500).
	CueMs float64 `toml:"cue_ms" unit:"ms"`
	// DelayMs is the recorded delay after the cue in ms (2000): the
	// success criterion averages the overlaps over it.
	DelayMs float64 `toml:"delay_ms" unit:"ms"`
	// GapMs is the spontaneous activity after the delay, before the next
	// trial, in ms (2000).
	GapMs float64 `toml:"gap_ms" unit:"ms"`
	// RateHz is the extra Poisson rate onto the cued neurons in Hz (the
	// imprinting drive, 8000).
	RateHz float64 `toml:"rate_hz" unit:"Hz"`
	// SuccessM is the threshold of the delay-averaged overlap of the cued
	// assembly for a successful trial (0.3).
	SuccessM float64 `toml:"success_m"`
	// Margin is by how much the cued assembly's averaged overlap must
	// exceed every other assembly's (0.2).
	Margin float64 `toml:"margin"`
	// LooseM is Pereira & Brunel's looser criterion m > loose_m, reported
	// too (0.2).
	LooseM float64 `toml:"loose_m"`
	// ResetMs is the length of a non-selective reset at the start of each
	// gap, in ms (0: none): extra Poisson drive onto the I population that
	// silences the E neurons and ends whatever state the delay held, so
	// that every trial starts from the background (a bistable network
	// otherwise carries one trial's attractor into the next).
	ResetMs float64 `toml:"reset_ms" unit:"ms"`
	// ResetRateHz is the extra Poisson rate onto every I neuron during a
	// reset, in Hz (through the I population's external weight).
	ResetRateHz float64 `toml:"reset_rate_hz" unit:"Hz"`
}

// Phases is the [phases] section: the protocol in order (stdp-memory.md §3.2).
type Phases struct {
	// Warmup: plasticity off; the E rate must end in [check.warmup_min_hz, check.warmup_max_hz].
	Warmup Phase `toml:"warmup"`
	// Settle: homeostatic settling, iSTDP on, E→E plasticity off.
	Settle Phase `toml:"settle"`
	// Imprint: the assemblies presented in shuffled blocks.
	Imprint Imprint `toml:"imprint"`
	// Consolidate: spontaneous activity with all plasticity on.
	Consolidate Phase `toml:"consolidate"`
	// Recall: partial cues and delays.
	Recall Recall `toml:"recall"`
}

// Run is the [run] section.
type Run struct {
	// Checkpoints writes the network state at the end of every phase to
	// rec/checkpoint_<phase>.gob.
	Checkpoints bool `toml:"checkpoints"`
	// FromCheckpoint is a checkpoint of a run of the same network (preset,
	// seed, patterns) to start from (e.g. a previous run's
	// rec/checkpoint_consolidate.gob); empty: start afresh.
	FromCheckpoint string `toml:"from_checkpoint"`
	// FromPhase is the first phase run after from_checkpoint ("settle",
	// "imprint", "consolidate" or "recall", default "recall"); it starts
	// at the checkpoint's time and the phases before it are skipped.
	FromPhase string `toml:"from_phase"`
}

// Record is the [record] section.
type Record struct {
	// BinMs is the bin of the rates behind the overlaps m_k(t) and ρ_k(t),
	// in ms (50).
	BinMs float64 `toml:"bin_ms" unit:"ms"`
	// WeightEveryMs is the sampling period of the assembly weight
	// statistics during settling and consolidation in ms (they are also
	// taken at the end of every imprinting block and every phase).
	WeightEveryMs float64 `toml:"weight_every_ms" unit:"ms"`
	// WeightSnapshots writes the E→E weights at the end of every phase to
	// rec/weights_E-E_<phase>.npz (scipy CSR, row = presynaptic neuron).
	WeightSnapshots bool `toml:"weight_snapshots"`
}

// Check is the [check] section.
type Check struct {
	// MaxRateHz is the runaway threshold on a population rate in Hz over
	// window_ms: the run stops and names the phase.
	MaxRateHz float64 `toml:"max_rate_hz" unit:"Hz"`
	// WindowMs is the rate checker's window in ms.
	WindowMs float64 `toml:"window_ms" unit:"ms"`
	// WarmupMinHz is the lowest acceptable mean E rate over the warm-up in Hz (0.5).
	WarmupMinHz float64 `toml:"warmup_min_hz" unit:"Hz"`
	// WarmupMaxHz is the highest acceptable mean E rate over the warm-up in Hz (20).
	WarmupMaxHz float64 `toml:"warmup_max_hz" unit:"Hz"`
}

// Control is the [control] section: a control transformation of the E→E
// matrix at the start of a phase (stdp-memory.md §3.5), e.g. of the trained
// matrix before recall, or of the untrained one for the Amit–Brunel
// baseline (a run with imprint.blocks = 0).
type Control struct {
	// Kind is "" (none), "shuffle" (permute the E→E weights within each
	// synapse class: within an assembly, between assemblies, from an
	// assembly, onto an assembly, rest — the class means and weight
	// distributions stay, the synapse-level structure goes), "shuffle-all"
	// (permute all E→E weights: the weight distribution stays, the
	// assemblies go, R ≈ 1; SM-9's shuffled control) or "impose"
	// (Amit–Brunel: synapses within an assembly get ratio·J0, every other
	// the rate-conserving J₋·J0, J0 the current mean E→E weight).
	Kind string `toml:"kind"`
	// Ratio is J₊ of kind "impose" (> 0; 1 gives the uniform matrix).
	Ratio float64 `toml:"ratio"`
	// AtPhase is the phase at whose start the control acts ("settle",
	// "imprint", "consolidate" or "recall", default "recall").
	AtPhase string `toml:"at_phase"`
	// ResetInhibition also sets every I→E weight back to the preset's
	// initial value at that moment (undoing iSTDP's changes), to separate
	// the stored E→E structure from the learnt inhibition.
	ResetInhibition bool `toml:"reset_inhibition"`
}

// Config is the "stdp-memory" experiment configuration.
type Config struct {
	// Network: the plastic network.
	Network Network `toml:"network"`
	// Patterns: the assemblies.
	Patterns Patterns `toml:"patterns"`
	// Phases: the protocol.
	Phases Phases `toml:"phases"`
	// Run: checkpoints.
	Run Run `toml:"run"`
	// Record: bins and weight sampling.
	Record Record `toml:"record"`
	// Check: run-time checks.
	Check Check `toml:"check"`
	// Control: a control transformation of the weights (none by default).
	Control Control `toml:"control"`
	// Zag: the zag2015 preset's patterns, assemblies, rate checker and ablations.
	Zag Zag `toml:"zag"`
}

var allLKD = []string{spike.RuleVSTDP, spike.RuleNormalize, spike.RuleISTDP}

// Defaults is the spec's full protocol on lkd-demo (stdp-memory.md §3.2):
// 1 s warm-up, 60 s settling with iSTDP, 10 blocks of the 10 assemblies
// (f = 0.1; +8 kHz for 1 s, 3 s apart: 400 s), 1 h consolidation, recall
// from 10, 25 and 50 % cues (5 trials each, 0.5 s cue, 2 s delay, 2 s
// gap: 675 s) with plasticity off.
func Defaults() *Config {
	return &Config{
		Network:  Network{Preset: spike.PresetLKDDemo, Seed: 1},
		Patterns: Patterns{Name: "A", Count: 10, F: 0.1},
		Phases: Phases{
			Warmup:      Phase{StartMs: -1, DurationMs: 1000, Plasticity: []string{}},
			Settle:      Phase{StartMs: -1, DurationMs: 60000, Plasticity: []string{spike.RuleISTDP}},
			Imprint:     Imprint{StartMs: -1, Plasticity: slices.Clone(allLKD), Blocks: 10, OnMs: 1000, OffMs: 3000, RateHz: 8000},
			Consolidate: Phase{StartMs: -1, DurationMs: 3600e3, Plasticity: slices.Clone(allLKD)},
			Recall: Recall{StartMs: -1, Plasticity: []string{}, Fractions: []float64{0.1, 0.25, 0.5}, Trials: 5,
				CueMs: 500, DelayMs: 2000, GapMs: 2000, RateHz: 8000, SuccessM: 0.3, Margin: 0.2, LooseM: 0.2},
		},
		Run:     Run{Checkpoints: true, FromPhase: "recall"},
		Record:  Record{BinMs: 50, WeightEveryMs: 10000, WeightSnapshots: true},
		Check:   Check{MaxRateHz: 100, WindowMs: 100, WarmupMinHz: 0.5, WarmupMaxHz: 20},
		Control: Control{AtPhase: PhaseRecall},
		Zag:     zagDefaults(),
	}
}

// SeedValue implements experiment.Config.
func (c *Config) SeedValue() uint64 { return c.Network.Seed }

// SetSeed implements experiment.Config.
func (c *Config) SetSeed(s uint64) { c.Network.Seed = s }

// SetFromCheckpoint sets run.from_checkpoint (the CLI's --from-checkpoint).
func (c *Config) SetFromCheckpoint(path string) { c.Run.FromCheckpoint = path }

// Phase names, in protocol order.
const (
	PhaseWarmup      = "warmup"
	PhaseSettle      = "settle"
	PhaseImprint     = "imprint"
	PhaseConsolidate = "consolidate"
	PhaseRecall      = "recall"
)

var phaseOrder = []string{PhaseWarmup, PhaseSettle, PhaseImprint, PhaseConsolidate, PhaseRecall}

// FractionKey is how a cue fraction names its entries in the summary:
// the shortest decimal that reads back as the value (0.25 → "0.25").
func FractionKey(c float64) string { return strconv.FormatFloat(c, 'g', -1, 64) }

// baseSpec is the preset's network without the protocol.
func (c *Config) baseSpec() (spike.Spec, error) {
	var s spike.Spec
	switch c.Network.Preset {
	case spike.PresetLKDDemo:
		s = spike.LKDDemoSpec()
	case spike.PresetLKDBistable:
		s = spike.LKDBistableSpec()
	case spike.PresetLKD2014:
		s, _ = spike.Preset(spike.PresetLKD2014)
	case spike.PresetZAG2015:
		s = c.zagSpec()
	default:
		if !strings.HasSuffix(c.Network.Preset, ".toml") {
			return s, fmt.Errorf("network.preset = %q: known presets are %q, %q, %q and %q, or the path of a spiking config (.toml)", c.Network.Preset,
				spike.PresetLKDDemo, spike.PresetLKDBistable, spike.PresetLKD2014, spike.PresetZAG2015)
		}
		var err error
		if s, err = networkFile(c.Network.Preset); err != nil {
			return s, fmt.Errorf("network.preset = %q: %w", c.Network.Preset, err)
		}
	}
	s.Seed = c.Network.Seed
	return s, nil
}

// nE is the E population's size of the preset.
func (c *Config) nE() int {
	s, err := c.baseSpec()
	if err != nil {
		return 0
	}
	return s.Populations[s.PopIndex("E")].N
}

// patterns draws the assemblies.
func (c *Config) patterns() (assembly.Patterns, error) {
	if c.isZag() {
		return c.zagPatterns()
	}
	p := c.Patterns
	pat, err := assembly.Random(c.Network.Seed, p.Name, assembly.Options{P: p.Count, N: c.nE(), F: p.F, Disjoint: p.Disjoint})
	if err != nil {
		return pat, fmt.Errorf("patterns (count = %d, f = %v, disjoint = %v, %d E neurons): %w", p.Count, p.F, p.Disjoint, c.nE(), err)
	}
	return pat, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Validate checks every key; errors name it.
func (c *Config) Validate() error {
	base, err := c.baseSpec()
	if err != nil {
		return err
	}
	if c.Patterns.Name == "" {
		return fmt.Errorf("patterns.name is empty (it keys the assemblies' random streams)")
	}
	if _, err := c.patterns(); err != nil {
		return err
	}
	if err := c.validateZag(); err != nil {
		return err
	}
	rules := map[string]bool{}
	for _, pr := range base.Projections {
		for _, r := range pr.Plasticity {
			rules[r.Rule] = true
		}
	}
	nonneg := func(key string, v float64) error {
		if !finite(v) || v < 0 {
			return fmt.Errorf("%s = %v must be finite and ≥ 0", key, v)
		}
		return nil
	}
	phase := func(name string, start, dur float64, plast []string) error {
		key := "phases." + name
		if !finite(start) || (start < 0 && start != -1) {
			return fmt.Errorf("%s.start_ms = %v must be −1 (after the previous phase) or a time ≥ 0", key, start)
		}
		if err := nonneg(key+".duration_ms", dur); err != nil {
			return err
		}
		seen := map[string]bool{}
		for i, r := range plast {
			if !rules[r] {
				return fmt.Errorf("%s.plasticity[%d] = %q: the %s preset has the rules %v", key, i, r, c.Network.Preset, slices.Sorted(mapsKeys(rules)))
			}
			if seen[r] {
				return fmt.Errorf("%s.plasticity[%d] = %q is listed twice", key, i, r)
			}
			seen[r] = true
		}
		return nil
	}
	ph := &c.Phases
	for _, p := range []struct {
		name  string
		start float64
		dur   float64
		pl    []string
	}{
		{PhaseWarmup, ph.Warmup.StartMs, ph.Warmup.DurationMs, ph.Warmup.Plasticity},
		{PhaseSettle, ph.Settle.StartMs, ph.Settle.DurationMs, ph.Settle.Plasticity},
		{PhaseImprint, ph.Imprint.StartMs, ph.Imprint.DurationMs, ph.Imprint.Plasticity},
		{PhaseConsolidate, ph.Consolidate.StartMs, ph.Consolidate.DurationMs, ph.Consolidate.Plasticity},
		{PhaseRecall, ph.Recall.StartMs, ph.Recall.DurationMs, ph.Recall.Plasticity},
	} {
		if err := phase(p.name, p.start, p.dur, p.pl); err != nil {
			return err
		}
	}
	im := ph.Imprint
	switch {
	case im.Blocks < 0 || im.Blocks > 1_000_000:
		return fmt.Errorf("phases.imprint.blocks = %d must be in [0, 10^6]", im.Blocks)
	case im.Blocks > 0 && (!finite(im.OnMs) || !(im.OnMs > 0)):
		return fmt.Errorf("phases.imprint.on_ms = %v must be > 0", im.OnMs)
	case !finite(im.OffMs) || im.OffMs < 0:
		return fmt.Errorf("phases.imprint.off_ms = %v must be ≥ 0", im.OffMs)
	case !finite(im.RateHz) || im.RateHz < 0:
		return fmt.Errorf("phases.imprint.rate_hz = %v must be ≥ 0", im.RateHz)
	case !finite(im.ResetMs) || im.ResetMs < 0 || im.ResetMs > im.OffMs:
		return fmt.Errorf("phases.imprint.reset_ms = %v must be in [0, off_ms = %v]", im.ResetMs, im.OffMs)
	case !finite(im.ResetRateHz) || im.ResetRateHz < 0:
		return fmt.Errorf("phases.imprint.reset_rate_hz = %v must be finite and ≥ 0", im.ResetRateHz)
	case im.Blocks > 1 && c.Patterns.Count == 1:
		return fmt.Errorf("phases.imprint.blocks = %d with one assembly: shuffled blocks cannot avoid presenting it twice in a row", im.Blocks)
	}
	rc := ph.Recall
	if rc.Trials < 0 || rc.Trials > 100_000 {
		return fmt.Errorf("phases.recall.trials = %d must be in [0, 10^5]", rc.Trials)
	}
	if rc.Trials > 0 && len(rc.Fractions) == 0 {
		return fmt.Errorf("phases.recall.fractions is empty: name at least one cue fraction")
	}
	seenF := map[string]bool{}
	for i, f := range rc.Fractions {
		if !(f > 0 && f <= 1) {
			return fmt.Errorf("phases.recall.fractions[%d] = %v: a cue fraction must be in (0, 1]", i, f)
		}
		if seenF[FractionKey(f)] {
			return fmt.Errorf("phases.recall.fractions[%d] = %v is listed twice", i, f)
		}
		seenF[FractionKey(f)] = true
	}
	for _, x := range []struct {
		key string
		v   float64
	}{{"phases.recall.cue_ms", rc.CueMs}, {"phases.recall.delay_ms", rc.DelayMs}, {"phases.recall.gap_ms", rc.GapMs},
		{"phases.recall.rate_hz", rc.RateHz}, {"phases.recall.margin", rc.Margin}} {
		if err := nonneg(x.key, x.v); err != nil {
			return err
		}
	}
	if rc.Trials > 0 && !(rc.CueMs > 0 && rc.DelayMs > 0) {
		return fmt.Errorf("phases.recall: cue_ms = %v and delay_ms = %v must be > 0", rc.CueMs, rc.DelayMs)
	}
	if !finite(rc.SuccessM) || !finite(rc.LooseM) {
		return fmt.Errorf("phases.recall: success_m and loose_m must be finite")
	}
	if !finite(c.Record.BinMs) || !(c.Record.BinMs >= base.DtMs) {
		return fmt.Errorf("record.bin_ms = %v must be ≥ the time step %v ms", c.Record.BinMs, base.DtMs)
	}
	if !finite(c.Record.WeightEveryMs) || !(c.Record.WeightEveryMs > 0) {
		return fmt.Errorf("record.weight_every_ms = %v must be > 0", c.Record.WeightEveryMs)
	}
	if !finite(c.Check.MaxRateHz) || !(c.Check.MaxRateHz > 0) || !finite(c.Check.WindowMs) || !(c.Check.WindowMs > 0) {
		return fmt.Errorf("check: max_rate_hz = %v and window_ms = %v must be > 0", c.Check.MaxRateHz, c.Check.WindowMs)
	}
	if !finite(c.Check.WarmupMinHz) || !finite(c.Check.WarmupMaxHz) || c.Check.WarmupMinHz < 0 || c.Check.WarmupMaxHz < c.Check.WarmupMinHz {
		return fmt.Errorf("check: need 0 ≤ warmup_min_hz (%v) ≤ warmup_max_hz (%v)", c.Check.WarmupMinHz, c.Check.WarmupMaxHz)
	}
	if err := nonneg("phases.recall.reset_ms", rc.ResetMs); err != nil {
		return err
	}
	if err := nonneg("phases.recall.reset_rate_hz", rc.ResetRateHz); err != nil {
		return err
	}
	if rc.ResetMs > rc.GapMs {
		return fmt.Errorf("phases.recall.reset_ms = %v is longer than the gap (gap_ms = %v) it starts", rc.ResetMs, rc.GapMs)
	}
	if err := c.Control.validate(); err != nil {
		return err
	}
	for _, r := range []struct {
		key      string
		ms, rate float64
	}{{"phases.imprint", im.ResetMs, im.ResetRateHz}, {"phases.recall", rc.ResetMs, rc.ResetRateHz}} {
		if (r.ms > 0) != (r.rate > 0) {
			return fmt.Errorf("%s: reset_ms = %v and reset_rate_hz = %v: a reset needs both (or neither)", r.key, r.ms, r.rate)
		}
		if r.ms > 0 && c.isZag() {
			return fmt.Errorf("%s.reset_ms = %v: resets are not implemented for the %s preset", r.key, r.ms, c.Network.Preset)
		}
	}
	if c.Run.FromCheckpoint != "" && c.Control.active() && slices.Index(phaseOrder, c.Control.AtPhase) < slices.Index(phaseOrder, c.Run.FromPhase) {
		return fmt.Errorf("control.at_phase = %q comes before run.from_phase = %q: the control would never act", c.Control.AtPhase, c.Run.FromPhase)
	}
	if c.Run.FromCheckpoint != "" {
		k := slices.Index(phaseOrder, c.Run.FromPhase)
		if k < 1 {
			return fmt.Errorf("run.from_phase = %q must be one of %v", c.Run.FromPhase, phaseOrder[1:])
		}
	}
	if _, err := c.layout(0, 0); err != nil {
		return err
	}
	return nil
}

func mapsKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// phaseWin is one phase of the protocol as run: [StartMs, EndMs).
type phaseWin struct {
	Name           string
	StartMs, EndMs float64
	Plasticity     []string
}

// layout returns the phases from index first on, the first starting at t0
// ms (explicit start_ms values of the skipped phases are ignored, and of
// the first phase when it starts a resumed run). It checks that explicit
// starts neither overlap the previous phase nor leave a gap, and that the
// imprinting and recall contents fit their phases.
func (c *Config) layout(first int, t0 float64) ([]phaseWin, error) {
	ph := &c.Phases
	imp := float64(ph.Imprint.Blocks*c.Patterns.Count) * (ph.Imprint.OnMs + ph.Imprint.OffMs)
	rc := ph.Recall
	rec := float64(rc.Trials*len(rc.Fractions)*c.Patterns.Count) * (rc.CueMs + rc.DelayMs + rc.GapMs)
	durOf := func(key string, given, content float64) (float64, error) {
		if given == 0 {
			return content, nil
		}
		if given < content {
			return 0, fmt.Errorf("phases.%s: the presentations take %v ms and run past the end of the phase (duration_ms = %v)", key, content, given)
		}
		return given, nil
	}
	di, err := durOf(PhaseImprint, ph.Imprint.DurationMs, imp)
	if err != nil {
		return nil, err
	}
	dr, err := durOf(PhaseRecall, rc.DurationMs, rec)
	if err != nil {
		return nil, err
	}
	all := []struct {
		name       string
		start, dur float64
		pl         []string
	}{
		{PhaseWarmup, ph.Warmup.StartMs, ph.Warmup.DurationMs, ph.Warmup.Plasticity},
		{PhaseSettle, ph.Settle.StartMs, ph.Settle.DurationMs, ph.Settle.Plasticity},
		{PhaseImprint, ph.Imprint.StartMs, di, ph.Imprint.Plasticity},
		{PhaseConsolidate, ph.Consolidate.StartMs, ph.Consolidate.DurationMs, ph.Consolidate.Plasticity},
		{PhaseRecall, rc.StartMs, dr, rc.Plasticity},
	}
	var out []phaseWin
	t := t0
	prev := ""
	for i, p := range all {
		if i < first {
			continue
		}
		if p.start >= 0 && i > first {
			switch {
			case p.start < t-1e-9:
				return nil, fmt.Errorf("phases.%s.start_ms = %v overlaps phases.%s, which ends at %v ms", p.name, p.start, prev, t)
			case p.start > t+1e-9:
				return nil, fmt.Errorf("phases.%s.start_ms = %v leaves a gap after phases.%s, which ends at %v ms (phases are consecutive; set −1)", p.name, p.start, prev, t)
			}
		} else if p.start >= 0 && first == 0 && p.start != 0 {
			return nil, fmt.Errorf("phases.%s.start_ms = %v: the first phase starts at 0 ms", p.name, p.start)
		}
		out = append(out, phaseWin{Name: p.name, StartMs: t, EndMs: t + p.dur, Plasticity: p.pl})
		t += p.dur
		if p.dur > 0 {
			prev = p.name
		} else if prev == "" {
			prev = p.name
		}
	}
	if t/0.1 > 1e10 {
		return nil, fmt.Errorf("phases: the protocol lasts %v ms, above the limit of 10^10 steps", t)
	}
	if t <= t0 {
		return nil, fmt.Errorf("phases: every phase has zero duration: nothing to run")
	}
	return out, nil
}

// networkFile reads the network of a "spiking" experiment config file.
func networkFile(path string) (spike.Spec, error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return spike.Spec{}, err
	}
	sc := spiking.Defaults()
	name, err := config.Load(path, data, sc, nil)
	if err != nil {
		return spike.Spec{}, err
	}
	if name != "spiking" {
		return spike.Spec{}, fmt.Errorf("%s: experiment = %q, need a \"spiking\" config", path, name)
	}
	if err := sc.Validate(); err != nil {
		return spike.Spec{}, fmt.Errorf("%s: %w", path, err)
	}
	s := sc.Spec()
	for _, need := range []string{ePop, iPop} {
		if s.PopIndex(need) < 0 {
			return s, fmt.Errorf("%s: no population %q (the protocol drives assemblies of E and resets through I)", path, need)
		}
	}
	if s.ProjIndex("E→E") < 0 {
		return s, fmt.Errorf("%s: no projection E→E (the one that stores the assemblies)", path)
	}
	return s, nil
}
