// Package analyze holds the analyze experiments (analyze-branching,
// analyze-timescale, analyze-avalanches, analyze-powerlaw, analyze-mi,
// analyze-entropy, analyze-corr, analyze-ising): their configs hold the
// input file and the subcommand's settings, one key per flag, so that
// `engram run` and `engram sweep` take them (e.g. a sweep over mr.k_max).
// The subcommands of cmd/engram bind their flags to the same fields.
package analyze

import (
	"embed"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/engramsim/engram/analysis/activityio"
	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/config"
)

// analyzeDocFiles is the source of the analyze configs (config.DocSource).
//
//go:embed config.go
var analyzeDocFiles embed.FS

func analyzeDocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[ActivityInput]().PkgPath(), Files: analyzeDocFiles}}
}

// ActivityInput is the [input] section of the analyses of recorded
// activity (the flags --input, --array, --trials, --bin-ms, --bin, --dt-ms).
type ActivityInput struct {
	// File is the recorded activity: counts, a raster or spike times (see
	// engram analyze branching --help); a relative path is relative to the
	// working directory.
	File string `toml:"file"`
	// Kind is what the file holds: auto (spike files detected, otherwise
	// counts), counts, raster or spikes.
	Kind string `toml:"kind"`
	// Array is the member of an .npz file holding counts or a raster ("":
	// the only one).
	Array string `toml:"array"`
	// Trials is the layout of a wide text table of counts: columns (one
	// column per trial; "" is the same) or rows (one row per trial).
	Trials string `toml:"trials"`
	// BinMs is the bin width in ms: the binning width for spike times, the
	// recorded width for counts and rasters (0: unknown, τ in bins only).
	BinMs float64 `toml:"bin_ms" unit:"ms"`
	// Bin is "mean-iei" to bin spike times by the mean inter-event
	// interval (Beggs & Plenz), or "" (bin_ms).
	Bin string `toml:"bin"`
	// DtMs is the integration step of an engram spike recording in ms (0:
	// read from its config.resolved.toml).
	DtMs float64 `toml:"dt_ms" unit:"ms"`
}

// validate checks the section's keys (the file is opened by the run,
// NeedFile says when it is missing: describe shows the defaults without one).
func (f *ActivityInput) validate() error {
	switch {
	case f.BinMs < 0 || math.IsNaN(f.BinMs) || math.IsInf(f.BinMs, 0):
		return fmt.Errorf("input.bin_ms = %v must be a finite width ≥ 0 (0: unknown)", f.BinMs)
	case f.DtMs < 0 || math.IsNaN(f.DtMs) || math.IsInf(f.DtMs, 0):
		return fmt.Errorf("input.dt_ms = %v must be a finite step ≥ 0 (0: from the recording)", f.DtMs)
	}
	if _, err := activityio.ParseKind(f.Kind); err != nil {
		return fmt.Errorf("input.kind: %v", err)
	}
	if _, err := activityio.ParseTrials(f.Trials); err != nil {
		return fmt.Errorf("input.trials: %v", err)
	}
	if b := strings.ToLower(f.Bin); b != "" && b != "mean-iei" && b != "iei" {
		return fmt.Errorf("input.bin = %q: want mean-iei or \"\" (a width in input.bin_ms)", f.Bin)
	}
	return nil
}

// MRSettings is the [mr] section: multistep regression (the flags
// --method, --fit, --kmin, --kmax, --kstep, --bootstrap, --seed).
type MRSettings struct {
	// Method is how the coefficients r_k are estimated: sm (stationary
	// mean, pooled over trials) or ts (trial-separated).
	Method string `toml:"method"`
	// Fit lists the fitted models, comma-separated (exp, exp_offset,
	// complex, two_timescales); the first is the headline estimate.
	Fit string `toml:"fit"`
	// KMin is the smallest lag k in bins (0: 1).
	KMin int `toml:"k_min"`
	// KMax is the largest lag k in bins (0: ⌊L/10⌋ for trials of L bins,
	// capped at L/2; choose 5–10 τ).
	KMax int `toml:"k_max"`
	// KStep is the lag stride (0: 1).
	KStep int `toml:"k_step"`
	// Bootstrap is the number of trial-bootstrap replicas for the
	// uncertainties (-1: 100 with ≥ 2 trials, none with one; 0: none).
	Bootstrap int `toml:"bootstrap"`
	// Seed seeds the bootstrap (5330, branching.DefaultCoefficientSeed,
	// unless --seed or this key says otherwise).
	Seed uint64 `toml:"seed"`
}

func (m *MRSettings) validate() error {
	if m.Method != string(branching.StationaryMean) && m.Method != string(branching.TrialSeparated) {
		return fmt.Errorf("mr.method = %q: want sm or ts", m.Method)
	}
	if _, err := ParseModels(m.Fit); err != nil {
		return fmt.Errorf("mr.fit = %q: %v", m.Fit, strings.TrimPrefix(err.Error(), "--fit: "))
	}
	if m.KMin < 0 || m.KMax < 0 || m.KStep < 0 {
		return fmt.Errorf("mr.k_min = %d, mr.k_max = %d, mr.k_step = %d: each must be ≥ 0 (0: default)", m.KMin, m.KMax, m.KStep)
	}
	if m.Bootstrap < -1 {
		return fmt.Errorf("mr.bootstrap = %d: want -1 (automatic), 0 (none) or a replica count", m.Bootstrap)
	}
	return nil
}

// TauIntSettings is the [tau_int] section of analyze-timescale.
type TauIntSettings struct {
	// WindowC is Sokal's window constant c: the sum runs to the first
	// K ≥ c·τ_int (> 0; typical 5).
	WindowC float64 `toml:"window_c"`
}

// BranchingConfig is the config of experiment analyze-branching (engram
// analyze branching).
type BranchingConfig struct {
	// Input: the recorded activity.
	Input ActivityInput `toml:"input"`
	// MR: the multistep-regression estimate.
	MR MRSettings `toml:"mr"`
}

// TimescaleConfig is the config of experiment analyze-timescale (engram
// analyze timescale).
type TimescaleConfig struct {
	// Input: the recorded activity.
	Input ActivityInput `toml:"input"`
	// MR: the multistep-regression fit of τ.
	MR MRSettings `toml:"mr"`
	// TauInt: the integrated autocorrelation time.
	TauInt TauIntSettings `toml:"tau_int"`
}

// DefaultMR is the default [mr] section (sm, exp_offset,exp, automatic bootstrap, branching.DefaultCoefficientSeed).
func DefaultMR() MRSettings {
	return MRSettings{Method: string(branching.StationaryMean), Fit: "exp_offset,exp", Bootstrap: -1, Seed: branching.DefaultCoefficientSeed}
}

// DefaultBranching is the default config of analyze-branching.
func DefaultBranching() *BranchingConfig {
	return &BranchingConfig{Input: ActivityInput{Kind: "auto"}, MR: DefaultMR()}
}

// DefaultTimescale is the default config of analyze-timescale.
func DefaultTimescale() *TimescaleConfig {
	return &TimescaleConfig{Input: ActivityInput{Kind: "auto"}, MR: DefaultMR(), TauInt: TauIntSettings{WindowC: 5}}
}

// Validate implements experiment.Config.
func (c *BranchingConfig) Validate() error {
	if err := c.Input.validate(); err != nil {
		return err
	}
	return c.MR.validate()
}

// Validate implements experiment.Config.
func (c *TimescaleConfig) Validate() error {
	if err := (&BranchingConfig{Input: c.Input, MR: c.MR}).Validate(); err != nil {
		return err
	}
	if !(c.TauInt.WindowC > 0) || math.IsInf(c.TauInt.WindowC, 0) {
		return fmt.Errorf("tau_int.window_c = %v must be a finite number > 0", c.TauInt.WindowC)
	}
	return nil
}

// SeedValue implements experiment.Config: the bootstrap's seed.
func (c *BranchingConfig) SeedValue() uint64 { return c.MR.Seed }

// SetSeed implements experiment.Config.
func (c *BranchingConfig) SetSeed(s uint64) { c.MR.Seed = s }

// SeedValue implements experiment.Config: the bootstrap's seed.
func (c *TimescaleConfig) SeedValue() uint64 { return c.MR.Seed }

// SetSeed implements experiment.Config.
func (c *TimescaleConfig) SetSeed(s uint64) { c.MR.Seed = s }

// DocSources implements config.Documented.
func (c *BranchingConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// DocSources implements config.Documented.
func (c *TimescaleConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// AvalancheSettings is the [avalanches] section (the flags of engram
// analyze avalanches).
type AvalancheSettings struct {
	// Threshold is the count a bin must exceed to be active (0: non-empty
	// bins), ≥ 0.
	Threshold float64 `toml:"threshold"`
	// Continuous fits continuous power laws (false: discrete, for integer
	// sizes).
	Continuous bool `toml:"continuous"`
	// SizeXMin fixes x_min of the size fit (0: KS scan).
	SizeXMin float64 `toml:"size_xmin"`
	// DurationXMin fixes x_min of the duration fit in bins (0: KS scan).
	DurationXMin float64 `toml:"duration_xmin"`
	// GammaDMin is the smallest duration in the ⟨S⟩(D) fit (0: the
	// duration fit's x_min).
	GammaDMin float64 `toml:"gamma_dmin"`
	// GammaDMax is the largest duration in the ⟨S⟩(D) fit (0: no limit).
	GammaDMax float64 `toml:"gamma_dmax"`
	// GammaMinCount is the minimum number of avalanches per duration in
	// the ⟨S⟩(D) fit, ≥ 1.
	GammaMinCount int `toml:"gamma_min_count"`
	// Rebin lists multiples of the bin width at which the exponents are
	// also estimated (e.g. [2, 4, 8]; []: none).
	Rebin []int `toml:"rebin"`
}

// AvalanchesConfig is the config of experiment analyze-avalanches.
type AvalanchesConfig struct {
	// Input: the recorded activity.
	Input ActivityInput `toml:"input"`
	// Avalanches: extraction and fits.
	Avalanches AvalancheSettings `toml:"avalanches"`
}

// DefaultAvalanches is the default config of analyze-avalanches.
func DefaultAvalanches() *AvalanchesConfig {
	return &AvalanchesConfig{Input: ActivityInput{Kind: "auto"}, Avalanches: AvalancheSettings{GammaMinCount: 10}}
}

// Validate implements experiment.Config.
func (c *AvalanchesConfig) Validate() error {
	if err := c.Input.validate(); err != nil {
		return err
	}
	a := c.Avalanches
	switch {
	case a.Threshold < 0 || math.IsNaN(a.Threshold):
		return fmt.Errorf("avalanches.threshold = %v must be ≥ 0", a.Threshold)
	case a.GammaMinCount < 1:
		return fmt.Errorf("avalanches.gamma_min_count = %d must be ≥ 1", a.GammaMinCount)
	}
	for i, k := range a.Rebin {
		if k < 1 {
			return fmt.Errorf("avalanches.rebin[%d] = %d: factors must be ≥ 1", i, k)
		}
	}
	return nil
}

// SeedValue implements experiment.Config: the analysis draws no random
// numbers (0).
func (c *AvalanchesConfig) SeedValue() uint64 { return 0 }

// SetSeed implements experiment.Config (a no-op).
func (c *AvalanchesConfig) SetSeed(uint64) {}

// DocSources implements config.Documented.
func (c *AvalanchesConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// ValuesInput is the [input] section of analyze-powerlaw.
type ValuesInput struct {
	// File holds the values: one per line (text), a 1-D .npy or an .npz
	// member; a relative path is relative to the working directory.
	File string `toml:"file"`
	// Array is the member of an .npz file ("": the only one).
	Array string `toml:"array"`
	// Column is the column of a text table: a header name or a 1-based
	// index ("": the only one).
	Column string `toml:"column"`
}

// PowerlawSettings is the [powerlaw] section (the flags of engram analyze
// powerlaw).
type PowerlawSettings struct {
	// Discrete fits the discrete power law (integer data ≥ 1); with
	// neither discrete nor continuous the data decide.
	Discrete bool `toml:"discrete"`
	// Continuous fits the continuous power law.
	Continuous bool `toml:"continuous"`
	// Approx uses the fast approximate discrete MLE
	// α ≈ 1 + n/Σ ln(x/(x_min − ½)).
	Approx bool `toml:"approx"`
	// Scale multiplies every value before fitting (> 0, e.g. 1e-3).
	Scale float64 `toml:"scale"`
	// XMin fixes x_min in scaled units (0: KS scan).
	XMin float64 `toml:"xmin"`
	// SigmaThreshold skips x_min candidates whose α standard error exceeds
	// it (0: off).
	SigmaThreshold float64 `toml:"sigma_threshold"`
	// Compare compares the power law with the alternative distributions by
	// log-likelihood ratio.
	Compare bool `toml:"compare"`
	// GOF is the number of bootstrap synthetic sets of the goodness of fit
	// (0: skip; 2500 gives p to ±0.01).
	GOF int `toml:"gof"`
	// Seed seeds the goodness-of-fit bootstrap.
	Seed uint64 `toml:"seed"`
}

// PowerlawConfig is the config of experiment analyze-powerlaw.
type PowerlawConfig struct {
	// Input: the values.
	Input ValuesInput `toml:"input"`
	// Powerlaw: the fit.
	Powerlaw PowerlawSettings `toml:"powerlaw"`
}

// DefaultPowerlaw is the default config of analyze-powerlaw.
func DefaultPowerlaw() *PowerlawConfig {
	return &PowerlawConfig{Powerlaw: PowerlawSettings{Scale: 1, Seed: 1}}
}

// Validate implements experiment.Config.
func (c *PowerlawConfig) Validate() error {
	p := c.Powerlaw
	switch {
	case p.Discrete && p.Continuous:
		return fmt.Errorf("powerlaw.discrete and powerlaw.continuous are both true: choose one (or neither: the data decide)")
	case !(p.Scale > 0) || math.IsInf(p.Scale, 0):
		return fmt.Errorf("powerlaw.scale = %v must be positive and finite", p.Scale)
	case p.XMin < 0 || math.IsNaN(p.XMin):
		return fmt.Errorf("powerlaw.xmin = %v must be ≥ 0", p.XMin)
	case p.SigmaThreshold < 0 || math.IsNaN(p.SigmaThreshold):
		return fmt.Errorf("powerlaw.sigma_threshold = %v must be ≥ 0", p.SigmaThreshold)
	case p.GOF < 0:
		return fmt.Errorf("powerlaw.gof = %d must be ≥ 0", p.GOF)
	}
	return nil
}

// SeedValue implements experiment.Config: the goodness-of-fit seed.
func (c *PowerlawConfig) SeedValue() uint64 { return c.Powerlaw.Seed }

// SetSeed implements experiment.Config.
func (c *PowerlawConfig) SetSeed(s uint64) { c.Powerlaw.Seed = s }

// DocSources implements config.Documented.
func (c *PowerlawConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// NeedFile is the error of an analysis run without its input file (key
// names it).
func NeedFile(key, file string) error {
	if file == "" {
		return fmt.Errorf("%s is empty: give the path of the data to analyse", key)
	}
	return nil
}

// CorrSettings is the [corr] section (the flags of engram analyze corr).
type CorrSettings struct {
	// Alpha is CuBIC's significance level, in (0, 1].
	Alpha float64 `toml:"alpha"`
	// MaxOrder is the largest correlation order CuBIC tests (ξ_max), ≥ 1.
	MaxOrder int `toml:"max_order"`
}

// CorrConfig is the config of experiment analyze-corr.
type CorrConfig struct {
	// Input: the per-neuron activity (spike times binned at bin_ms, or a
	// raster).
	Input ActivityInput `toml:"input"`
	// Corr: the CuBIC test.
	Corr CorrSettings `toml:"corr"`
}

// DefaultCorr is the default config of analyze-corr.
func DefaultCorr() *CorrConfig {
	return &CorrConfig{Input: ActivityInput{Kind: "auto"}, Corr: CorrSettings{Alpha: 0.05, MaxOrder: 100}}
}

// Validate implements experiment.Config.
func (c *CorrConfig) Validate() error {
	if err := c.Input.validate(); err != nil {
		return err
	}
	switch {
	case !(c.Corr.Alpha > 0 && c.Corr.Alpha <= 1):
		return fmt.Errorf("corr.alpha = %v must be in (0, 1]", c.Corr.Alpha)
	case c.Corr.MaxOrder < 1:
		return fmt.Errorf("corr.max_order = %d must be ≥ 1", c.Corr.MaxOrder)
	}
	return nil
}

// SeedValue implements experiment.Config: no random numbers (0).
func (c *CorrConfig) SeedValue() uint64 { return 0 }

// SetSeed implements experiment.Config (a no-op).
func (c *CorrConfig) SetSeed(uint64) {}

// DocSources implements config.Documented.
func (c *CorrConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// IsingSettings is the [ising] section (the flags of engram analyze ising).
type IsingSettings struct {
	// Units are the neurons fitted, e.g. [0, 1, 2] ([]: all).
	Units []int `toml:"units"`
	// Penalty is the L2 penalty on parameters without a finite ML value
	// (exact fits; 0: 1e-3) or on every J (pseudo-likelihood; 0: 1e-4), ≥ 0.
	Penalty float64 `toml:"penalty"`
	// PseudoLikelihood fits by pseudo-likelihood also for ≤ 20 units
	// (beyond 20 it always does).
	PseudoLikelihood bool `toml:"pseudo_likelihood"`
}

// IsingConfig is the config of experiment analyze-ising.
type IsingConfig struct {
	// Input: the per-neuron activity (counts clipped to binary words).
	Input ActivityInput `toml:"input"`
	// Ising: the fit.
	Ising IsingSettings `toml:"ising"`
}

// DefaultIsing is the default config of analyze-ising.
func DefaultIsing() *IsingConfig { return &IsingConfig{Input: ActivityInput{Kind: "auto"}} }

// Validate implements experiment.Config.
func (c *IsingConfig) Validate() error {
	if err := c.Input.validate(); err != nil {
		return err
	}
	if c.Ising.Penalty < 0 || math.IsNaN(c.Ising.Penalty) {
		return fmt.Errorf("ising.penalty = %v must be ≥ 0", c.Ising.Penalty)
	}
	seen := map[int]bool{}
	for i, u := range c.Ising.Units {
		if u < 0 {
			return fmt.Errorf("ising.units[%d] = %d must be a neuron index ≥ 0", i, u)
		}
		if seen[u] {
			return fmt.Errorf("ising.units lists %d twice", u)
		}
		seen[u] = true
	}
	return nil
}

// SeedValue implements experiment.Config: no random numbers (0).
func (c *IsingConfig) SeedValue() uint64 { return 0 }

// SetSeed implements experiment.Config (a no-op).
func (c *IsingConfig) SetSeed(uint64) {}

// DocSources implements config.Documented.
func (c *IsingConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// InfoInput is the [input] section of analyze-mi.
type InfoInput struct {
	// X is the first variable: an .npy array (samples × dims floats for
	// continuous estimators, 1-D integers ≥ 0 for discrete ones), or one
	// delimited text table with columns; a relative path is relative to
	// the working directory.
	X string `toml:"x"`
	// Y is the second variable, an .npy array ("" when columns reads both
	// from the text table x).
	Y string `toml:"y"`
	// Columns names the X and Y columns of the text table x, e.g. "x,y"
	// (header names or 1-based indices; "": .npy arrays).
	Columns string `toml:"columns"`
	// Replicates says the first axis of each array indexes independent
	// data sets.
	Replicates bool `toml:"replicates"`
}

// InfoSettings is the [mi] section (the flags of engram analyze mi).
type InfoSettings struct {
	// Estimator is gaussian, gaussian-wishart, gaussian-copula, ksg1,
	// ksg2 (continuous), plugin, miller-madow, panzeri-treves,
	// quadratic-extrapolation, nsb or shuffle (discrete).
	Estimator string `toml:"estimator"`
	// K is the number of neighbours of the KSG estimators (k < N), ≥ 1.
	K int `toml:"k"`
	// Bins is the alphabet size of X of the discrete estimators (0:
	// largest label + 1).
	Bins int `toml:"bins"`
	// BinsY is the alphabet size of Y (0: largest label + 1).
	BinsY int `toml:"bins_y"`
	// Noise is the KSG tie-breaking noise relative to each column's SD
	// (negative: none).
	Noise float64 `toml:"noise"`
	// PTBins is how panzeri-treves counts the relevant bins: alphabet,
	// occupied or bayes.
	PTBins string `toml:"pt_bins"`
	// Seed seeds the tie-breaking noise and shuffles (replicate k uses
	// seed + k).
	Seed uint64 `toml:"seed"`
}

// MIConfig is the config of experiment analyze-mi.
type MIConfig struct {
	// Input: the two variables.
	Input InfoInput `toml:"input"`
	// MI: the estimator.
	MI InfoSettings `toml:"mi"`
}

// DefaultMI is the default config of analyze-mi.
func DefaultMI() *MIConfig {
	return &MIConfig{MI: InfoSettings{Estimator: "ksg1", K: 4, Noise: 1e-8, PTBins: "alphabet", Seed: 1}}
}

func (f *InfoSettings) validate(section string) error {
	switch {
	case f.K < 1:
		return fmt.Errorf("%s.k = %d must be ≥ 1", section, f.K)
	case f.Bins < 0:
		return fmt.Errorf("%s.bins = %d must be ≥ 0", section, f.Bins)
	case f.BinsY < 0:
		return fmt.Errorf("%s.bins_y = %d must be ≥ 0", section, f.BinsY)
	case math.IsNaN(f.Noise) || math.IsInf(f.Noise, 0):
		return fmt.Errorf("%s.noise = %v must be finite", section, f.Noise)
	}
	est := strings.ToLower(f.Estimator)
	if !slices.Contains(ContinuousEstimators, est) && !slices.Contains(DiscreteEstimators, est) {
		return fmt.Errorf("%s.estimator = %q: unknown (want %s)", section, f.Estimator, strings.Join(append(slices.Clone(ContinuousEstimators), DiscreteEstimators...), ", "))
	}
	return nil
}

// Validate implements experiment.Config.
func (c *MIConfig) Validate() error {
	if err := c.MI.validate("mi"); err != nil {
		return err
	}
	if strings.ToLower(c.MI.Estimator) == "kl" {
		return fmt.Errorf("mi.estimator = \"kl\" estimates entropy; for information use ksg1 or ksg2")
	}
	if p := c.MI.PTBins; p != "alphabet" && p != "occupied" && p != "bayes" {
		return fmt.Errorf("mi.pt_bins = %q: want alphabet, occupied or bayes", p)
	}
	return nil
}

// SeedValue implements experiment.Config.
func (c *MIConfig) SeedValue() uint64 { return c.MI.Seed }

// SetSeed implements experiment.Config.
func (c *MIConfig) SetSeed(s uint64) { c.MI.Seed = s }

// DocSources implements config.Documented.
func (c *MIConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// EntropyInput is the [input] section of analyze-entropy.
type EntropyInput struct {
	// X is the variable: an .npy array (integers ≥ 0 for discrete
	// estimators, samples × dims floats for continuous ones) or a
	// delimited text table with columns; a relative path is relative to
	// the working directory.
	X string `toml:"x"`
	// Columns names the column of X in the text table x (header name or
	// 1-based index; "": an .npy array).
	Columns string `toml:"columns"`
	// Replicates says the first axis of the array indexes independent
	// data sets.
	Replicates bool `toml:"replicates"`
}

// EntropySettings is the [entropy] section (the flags of engram analyze
// entropy).
type EntropySettings struct {
	// Estimator is plugin, miller-madow, quadratic-extrapolation, nsb
	// (discrete), gaussian, gaussian-wishart or kl (continuous).
	Estimator string `toml:"estimator"`
	// K is the number of neighbours of the kl estimator (k < N), ≥ 1.
	K int `toml:"k"`
	// Bins is the alphabet size of the discrete estimators (0: largest
	// label + 1).
	Bins int `toml:"bins"`
	// Noise is the kl tie-breaking noise relative to each column's SD
	// (negative: none).
	Noise float64 `toml:"noise"`
	// Seed seeds the tie-breaking noise (replicate k uses seed + k).
	Seed uint64 `toml:"seed"`
}

// EntropyConfig is the config of experiment analyze-entropy.
type EntropyConfig struct {
	// Input: the variable.
	Input EntropyInput `toml:"input"`
	// Entropy: the estimator.
	Entropy EntropySettings `toml:"entropy"`
}

// DefaultEntropy is the default config of analyze-entropy.
func DefaultEntropy() *EntropyConfig {
	return &EntropyConfig{Entropy: EntropySettings{Estimator: "miller-madow", K: 4, Noise: 1e-8, Seed: 1}}
}

// General is the estimator settings as the mi/entropy computation takes them.
func (e *EntropySettings) General() InfoSettings {
	return InfoSettings{Estimator: e.Estimator, K: e.K, Bins: e.Bins, Noise: e.Noise, PTBins: "alphabet", Seed: e.Seed}
}

// Validate implements experiment.Config.
func (c *EntropyConfig) Validate() error {
	g := c.Entropy.General()
	if err := g.validate("entropy"); err != nil {
		return err
	}
	if est := strings.ToLower(g.Estimator); slices.Contains([]string{"panzeri-treves", "shuffle", "ksg1", "ksg2", "gaussian-copula"}, est) {
		return fmt.Errorf("entropy.estimator = %q estimates information, not entropy (want plugin, miller-madow, quadratic-extrapolation, nsb, gaussian, gaussian-wishart, kl)", g.Estimator)
	}
	return nil
}

// SeedValue implements experiment.Config.
func (c *EntropyConfig) SeedValue() uint64 { return c.Entropy.Seed }

// SetSeed implements experiment.Config.
func (c *EntropyConfig) SetSeed(s uint64) { c.Entropy.Seed = s }

// DocSources implements config.Documented.
func (c *EntropyConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// Options converts the flags.
func (f *ActivityInput) Options() (*activityio.Options, error) {
	kind, err := activityio.ParseKind(f.Kind)
	if err != nil {
		return nil, fmt.Errorf("--input: %v", err)
	}
	trials, err := activityio.ParseTrials(f.Trials)
	if err != nil {
		return nil, fmt.Errorf("--trials: %v", err)
	}
	o := &activityio.Options{Kind: kind, Array: f.Array, Trials: trials, BinMs: f.BinMs, DtMs: f.DtMs}
	switch strings.ToLower(f.Bin) {
	case "":
	case "mean-iei", "iei":
		o.BinMeanIEI = true
	default:
		return nil, fmt.Errorf("--bin %q: want mean-iei (or give a width with --bin-ms)", f.Bin)
	}
	return o, nil
}

// Settings returns the input flags as report/summary rows.
func (f *ActivityInput) Settings() map[string]any {
	return map[string]any{"input": f.Kind, "array": f.Array, "trials": f.Trials, "bin": f.Bin, "bin_ms": f.BinMs, "dt_ms": f.DtMs}
}

// ParseModels parses --fit.
func ParseModels(s string) ([]branching.Model, error) {
	var ms []branching.Model
	for _, f := range strings.Split(s, ",") {
		switch m := branching.Model(strings.TrimSpace(f)); m {
		case branching.Exp, branching.ExpOffset, branching.Complex, branching.TwoTimescales:
			if slices.Contains(ms, m) {
				return nil, fmt.Errorf("--fit: model %q listed twice", m)
			}
			ms = append(ms, m)
		default:
			return nil, fmt.Errorf("--fit: unknown model %q (want exp, exp_offset, complex, two_timescales)", f)
		}
	}
	return ms, nil
}

// DiscreteEstimators and ContinuousEstimators are the estimator kinds of
// mi/entropy.
var (
	DiscreteEstimators   = []string{"plugin", "miller-madow", "panzeri-treves", "quadratic-extrapolation", "shuffle", "nsb"}
	ContinuousEstimators = []string{"gaussian", "gaussian-wishart", "gaussian-copula", "ksg1", "ksg2", "kl"}
)
