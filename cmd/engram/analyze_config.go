package main

import (
	"embed"
	"fmt"
	"math"
	"reflect"
	"strings"

	"github.com/engramsim/engram/analysis/activityio"
	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/config"
)

// The analyze subcommands as experiments (analyze-branching,
// analyze-timescale, analyze-avalanches, analyze-powerlaw): their configs
// hold the input file and the subcommand's settings, one key per flag, so
// that `engram run` and `engram sweep` take them (e.g. a sweep over
// mr.k_max). The subcommands bind their flags to the same fields.

// analyzeDocFiles is the source of the analyze configs (config.DocSource).
//
//go:embed analyze_config.go
var analyzeDocFiles embed.FS

func analyzeDocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[activityInput]().PkgPath(), Files: analyzeDocFiles}}
}

// activityInput is the [input] section of the analyses of recorded
// activity (the flags --input, --array, --trials, --bin-ms, --bin, --dt-ms).
type activityInput struct {
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
// needFile says when it is missing: describe shows the defaults without one).
func (f *activityInput) validate() error {
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

// mrSettings is the [mr] section: multistep regression (the flags
// --method, --fit, --kmin, --kmax, --kstep, --bootstrap, --seed).
type mrSettings struct {
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

func (m *mrSettings) validate() error {
	if m.Method != string(branching.StationaryMean) && m.Method != string(branching.TrialSeparated) {
		return fmt.Errorf("mr.method = %q: want sm or ts", m.Method)
	}
	if _, err := parseModels(m.Fit); err != nil {
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

// tauIntSettings is the [tau_int] section of analyze-timescale.
type tauIntSettings struct {
	// WindowC is Sokal's window constant c: the sum runs to the first
	// K ≥ c·τ_int (> 0; typical 5).
	WindowC float64 `toml:"window_c"`
}

// branchingConfig is the config of experiment analyze-branching (engram
// analyze branching).
type branchingConfig struct {
	// Input: the recorded activity.
	Input activityInput `toml:"input"`
	// MR: the multistep-regression estimate.
	MR mrSettings `toml:"mr"`
}

// timescaleConfig is the config of experiment analyze-timescale (engram
// analyze timescale).
type timescaleConfig struct {
	// Input: the recorded activity.
	Input activityInput `toml:"input"`
	// MR: the multistep-regression fit of τ.
	MR mrSettings `toml:"mr"`
	// TauInt: the integrated autocorrelation time.
	TauInt tauIntSettings `toml:"tau_int"`
}

func defaultMR() mrSettings {
	return mrSettings{Method: string(branching.StationaryMean), Fit: "exp_offset,exp", Bootstrap: -1, Seed: branching.DefaultCoefficientSeed}
}

func defaultBranching() *branchingConfig {
	return &branchingConfig{Input: activityInput{Kind: "auto"}, MR: defaultMR()}
}

func defaultTimescale() *timescaleConfig {
	return &timescaleConfig{Input: activityInput{Kind: "auto"}, MR: defaultMR(), TauInt: tauIntSettings{WindowC: 5}}
}

// Validate implements experiment.Config.
func (c *branchingConfig) Validate() error {
	if err := c.Input.validate(); err != nil {
		return err
	}
	return c.MR.validate()
}

// Validate implements experiment.Config.
func (c *timescaleConfig) Validate() error {
	if err := (&branchingConfig{Input: c.Input, MR: c.MR}).Validate(); err != nil {
		return err
	}
	if !(c.TauInt.WindowC > 0) || math.IsInf(c.TauInt.WindowC, 0) {
		return fmt.Errorf("tau_int.window_c = %v must be a finite number > 0", c.TauInt.WindowC)
	}
	return nil
}

// SeedValue implements experiment.Config: the bootstrap's seed.
func (c *branchingConfig) SeedValue() uint64 { return c.MR.Seed }

// SetSeed implements experiment.Config.
func (c *branchingConfig) SetSeed(s uint64) { c.MR.Seed = s }

// SeedValue implements experiment.Config: the bootstrap's seed.
func (c *timescaleConfig) SeedValue() uint64 { return c.MR.Seed }

// SetSeed implements experiment.Config.
func (c *timescaleConfig) SetSeed(s uint64) { c.MR.Seed = s }

// DocSources implements config.Documented.
func (c *branchingConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// DocSources implements config.Documented.
func (c *timescaleConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// avalancheSettings is the [avalanches] section (the flags of engram
// analyze avalanches).
type avalancheSettings struct {
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

// avalanchesConfig is the config of experiment analyze-avalanches.
type avalanchesConfig struct {
	// Input: the recorded activity.
	Input activityInput `toml:"input"`
	// Avalanches: extraction and fits.
	Avalanches avalancheSettings `toml:"avalanches"`
}

func defaultAvalanches() *avalanchesConfig {
	return &avalanchesConfig{Input: activityInput{Kind: "auto"}, Avalanches: avalancheSettings{GammaMinCount: 10}}
}

// Validate implements experiment.Config.
func (c *avalanchesConfig) Validate() error {
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
func (c *avalanchesConfig) SeedValue() uint64 { return 0 }

// SetSeed implements experiment.Config (a no-op).
func (c *avalanchesConfig) SetSeed(uint64) {}

// DocSources implements config.Documented.
func (c *avalanchesConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// valuesInput is the [input] section of analyze-powerlaw.
type valuesInput struct {
	// File holds the values: one per line (text), a 1-D .npy or an .npz
	// member; a relative path is relative to the working directory.
	File string `toml:"file"`
	// Array is the member of an .npz file ("": the only one).
	Array string `toml:"array"`
	// Column is the column of a text table: a header name or a 1-based
	// index ("": the only one).
	Column string `toml:"column"`
}

// powerlawSettings is the [powerlaw] section (the flags of engram analyze
// powerlaw).
type powerlawSettings struct {
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

// powerlawConfig is the config of experiment analyze-powerlaw.
type powerlawConfig struct {
	// Input: the values.
	Input valuesInput `toml:"input"`
	// Powerlaw: the fit.
	Powerlaw powerlawSettings `toml:"powerlaw"`
}

func defaultPowerlaw() *powerlawConfig {
	return &powerlawConfig{Powerlaw: powerlawSettings{Scale: 1, Seed: 1}}
}

// Validate implements experiment.Config.
func (c *powerlawConfig) Validate() error {
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
func (c *powerlawConfig) SeedValue() uint64 { return c.Powerlaw.Seed }

// SetSeed implements experiment.Config.
func (c *powerlawConfig) SetSeed(s uint64) { c.Powerlaw.Seed = s }

// DocSources implements config.Documented.
func (c *powerlawConfig) DocSources() []config.DocSource { return analyzeDocSources() }

// needFile is the error of an analysis run without input.file.
func needFile(file string) error {
	if file == "" {
		return fmt.Errorf("input.file is empty: give the path of the data to analyse")
	}
	return nil
}
