package main

import (
	"context"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/analyze"
	"github.com/engramsim/engram/progress"
)

// analyzeCommands returns the `analyze` command tree: branching
// ratio, timescale, avalanches and power-law fits of recorded activity.
//
// Each subcommand opens its input once (analysis/activityio; regular files
// only), checks the memory estimate against --mem-budget from the header or
// size before reading and again with the exact shape before computing (see
// experiment/analyze), computes everything before touching the disk (so bad input
// leaves nothing behind), then writes
// a run directory with figures (each with its TSV), tables in res/ and
// report.html. Under --json it prints one object whose top-level keys are
// the headline numbers, plus run_dir, report, experiment and
// summary (all settings and uncertainties). --no-run-dir prints the same
// object without run_dir/report and writes nothing.
func (a *app) analyzeCommands() []*cobra.Command {
	var noRunDir bool
	root := &cobra.Command{
		Use:   "analyze",
		Short: "Analyses of recorded activity: branching ratio, timescale, avalanches, power laws, information, correlations",
		Long: `Criticality analyses of recorded activity (counts, rasters or spike times; see 'engram analyze branching --help' for input formats).
Each subcommand writes a run directory (figures with TSV data, tables in res/, report.html) unless --no-run-dir is given.`,
	}
	root.PersistentFlags().BoolVar(&noRunDir, "no-run-dir", false, "print the result only; write no run directory (for scripts)")
	root.AddCommand(a.analyzeBranchingCmd(&noRunDir, false), a.analyzeBranchingCmd(&noRunDir, true),
		a.analyzeAvalanchesCmd(&noRunDir), a.analyzePowerlawCmd(&noRunDir),
		a.analyzeMICmd(&noRunDir), a.analyzeEntropyCmd(&noRunDir), a.analyzeCorrCmd(&noRunDir), a.analyzeIsingCmd(&noRunDir))
	return []*cobra.Command{root}
}

const inputHelp = `

Input (--input auto|counts|raster|spikes; auto detects spike files, otherwise counts):
  counts  .npy 1-D (one trial) or 2-D (trials × bins); .npz member --array;
          text (.csv/.tsv/.txt): one column per trial (optional header; with
          --trials rows one row per trial), or long format with header
          trial,bin,count (absent pairs count 0); counts must be ≥ 0
  raster  .npy/.npz 2-D neurons × bins or 3-D trials × neurons × bins;
          text: one row per neuron, one column per bin; summed over neurons
  spikes  text neuron,time (ms) (header names: time|time_ms|t|t_ms and
          neuron|neuron_id|id|sender|unit); .npz with times (ms) and ids;
          engram recordings rec/spikes.npy (or the run directory itself),
          dt_ms and duration_ms read from config.resolved.toml (or --dt-ms);
          binned with --bin-ms W or --bin mean-iei
For counts and rasters --bin-ms only records the bin width (then τ is also reported in ms).
Inputs must be regular files (not pipes or devices). The memory needed is estimated from the header (arrays)
or size (text) and checked against --mem-budget before the data are read, and again before the analysis.`

// addInputFlags binds the [input] keys of f to the input flags.
func addInputFlags(fs *pflag.FlagSet, f *analyze.ActivityInput) {
	if f.Kind == "" {
		f.Kind = "auto"
	}
	fs.StringVar(&f.Kind, "input", f.Kind, "what the file holds: auto, counts, raster or spikes")
	fs.StringVar(&f.Array, "array", f.Array, "member of an .npz file holding counts or a raster")
	fs.StringVar(&f.Trials, "trials", f.Trials, "layout of a wide text table of counts: columns (one column per trial; default) or rows (one row per trial)")
	fs.Float64Var(&f.BinMs, "bin-ms", f.BinMs, "bin width in ms: binning width for spike times; recorded width for counts/rasters (0 = unknown)")
	fs.StringVar(&f.Bin, "bin", f.Bin, "\"mean-iei\": bin spike times by the mean inter-event interval (Beggs & Plenz)")
	fs.Float64Var(&f.DtMs, "dt-ms", f.DtMs, "integration step of an engram spike recording (default: from its config.resolved.toml)")
}

// finish prints the result (--no-run-dir) or writes the run directory.
func (a *app) finish(ctx context.Context, noRunDir bool, r *analyze.Run, args []string) error {
	r.Complete(a.logf)
	if noRunDir {
		if a.jsonOut {
			out := map[string]any{"experiment": r.Name(), "summary": r.Summary()}
			for k, v := range r.Headline() {
				out[k] = v
			}
			return a.emit(out)
		}
		a.printSummary(r.Headline(), "")
		return nil
	}
	extra := make(map[string]any, len(r.Headline()))
	for k, v := range r.Headline() {
		extra[k] = v
	}
	return a.withRunDir(ctx, RunSpec{Name: r.Name(), Seed: r.Seed(), Label: r.File(), MemEstimate: r.MemEstimate(), ExtraJSON: func() map[string]any { return extra }},
		func(env *experiment.Env) (experiment.Summary, error) {
			cmdline := "engram " + strings.Join(args, " ")
			if err := os.WriteFile(env.Path("command.txt"), []byte(cmdline+"\n"), 0o644); err != nil {
				return nil, err
			}
			env.Report.Section("Command")
			env.Report.Pre("command line (rerun it from the same working directory)", cmdline)
			return r.WriteTo(env)
		})
}

// commandLine reconstructs the command line (subcommand, flags that were
// set, arguments) for command.txt and the report.
func commandLine(cmd *cobra.Command, args []string) []string {
	out := strings.Fields(cmd.CommandPath())[1:]
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if f.Name == "out" {
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				out = append(out, "--"+f.Name+"="+v)
			}
			return
		}
		out = append(out, "--"+f.Name+"="+f.Value.String())
	})
	return append(out, args...)
}

// progressFor returns a progress bar for the computation (withRunDir
// attaches its own for the writing phase) and its Finish.
func (a *app) progressFor(label string) (progress.Reporter, func()) {
	b := a.newBar(label)
	return b, b.Finish
}

// analyzeEnv is the CLI's: --mem-budget, a progress bar, stderr.
func (a *app) analyzeEnv() *analyze.Env {
	return analyze.NewEnv(a.budget(), a.progressFor, a.logf)
}

// ---- branching / timescale ----------------------------------------------

func (a *app) analyzeBranchingCmd(noRunDir *bool, timescale bool) *cobra.Command {
	f := analyze.DefaultTimescale() // analyze branching uses its input and mr
	cmd := &cobra.Command{
		Use:   "branching <file>",
		Short: "Branching ratio m by multistep regression (MR), with the conventional and naive estimators",
		Long: `Branching ratio m̂ = exp(−Δt/τ̂) by multistep regression (Wilting & Priesemann 2018): r_k for k = kmin..kmax,
fitted by the --fit models (the first is the headline). The conventional estimator r₁ (biased to b·m under
subsampling) and the naive ratio (biased; it tracks the rate) are reported next to it.
JSON keys: m, m_stderr, tau_bins, tau_ms (with --bin-ms or binned spikes), m_conventional, m_naive, fit, method, k_min, k_max.` + inputHelp,
	}
	if timescale {
		cmd.Use = "timescale <file>"
		cmd.Short = "Autocorrelation time: τ from the MR fit and the integrated autocorrelation time"
		cmd.Long = `Autocorrelation time of population activity, two ways:
  tau (MR fit)  τ̂ of the exponential fit of r_k (as 'analyze branching'); unbiased under subsampling
  tau_int       ½ + Σ_{k=1..K} r_k with Sokal's self-consistent window K ≥ c·tau_int (c = --window, default 5).
                For r_k = m^k it equals (1+m)/(2(1−m)) ≈ τ; under subsampling r_k = b·m^k, so it is scaled
                down by b — compare it with the fit to see subsampling.
JSON keys: tau_bins, tau_stderr_bins, tau_ms, tau_int_bins, tau_int_ms, tau_int_window, m, fit, method, k_min, k_max.` + inputHelp
	}
	cmd.Args = cobra.ExactArgs(1)
	fs := cmd.Flags()
	addInputFlags(fs, &f.Input)
	fs.StringVar(&f.MR.Method, "method", f.MR.Method, "MR coefficients: sm (stationary mean, pooled; default) or ts (trial-separated)")
	fs.StringVar(&f.MR.Fit, "fit", f.MR.Fit, "fit models, comma-separated (exp, exp_offset, complex, two_timescales: τ of the larger-|A| component); the first is the headline estimate")
	fs.IntVar(&f.MR.KMin, "kmin", f.MR.KMin, "smallest lag k in bins (default 1)")
	fs.IntVar(&f.MR.KMax, "kmax", f.MR.KMax, "largest lag k in bins (default ⌊L/10⌋, capped at L/2; choose 5–10 τ)")
	fs.IntVar(&f.MR.KStep, "kstep", f.MR.KStep, "lag stride (default 1)")
	fs.IntVar(&f.MR.Bootstrap, "bootstrap", f.MR.Bootstrap, "trial-bootstrap replicas for the uncertainties (-1: 100 with ≥ 2 trials, none with one; 0: none); --seed seeds it (default 5330)")
	if timescale {
		fs.Float64Var(&f.TauInt.WindowC, "window", f.TauInt.WindowC, "Sokal window constant c for the integrated autocorrelation time")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		f.Input.File = args[0]
		if cmd.Flags().Changed("seed") || a.root.PersistentFlags().Changed("seed") {
			f.MR.Seed = a.seed
		}
		r, err := analyze.ComputeBranching(a.analyzeEnv(), f.Input, f.MR, timescale, f.TauInt.WindowC)
		if err != nil {
			return err
		}
		return a.finish(cmd.Context(), *noRunDir, r, commandLine(cmd, args))
	}
	return cmd
}

// ---- avalanches ---------------------------------------------------------

func (a *app) analyzeAvalanchesCmd(noRunDir *bool) *cobra.Command {
	cfg := analyze.DefaultAvalanches()
	f := &cfg.Avalanches
	cmd := &cobra.Command{
		Use:   "avalanches <file>",
		Short: "Avalanche size/duration power laws, ⟨S⟩(D) ∝ D^γ and the crackling-noise prediction",
		Long: `Avalanches are maximal runs of bins with count > --threshold bounded by sub-threshold bins (runs touching
either end of a trial are dropped). Sizes and durations (in bins) are fitted by discrete power-law MLE with
x_min by KS scan (analysis/powerlaw); γ is the OLS slope of ln⟨S⟩ on ln D and γ_pred = (α_D − 1)/(α_S − 1).
Exponents depend on the bin width under subsampling and drive: report it (--bin-ms).
JSON keys: n_avalanches, size_alpha, duration_alpha, gamma_fit, gamma_predicted.` + inputHelp,
		Args: cobra.ExactArgs(1),
	}
	fs := cmd.Flags()
	addInputFlags(fs, &cfg.Input)
	fs.Float64Var(&f.Threshold, "threshold", f.Threshold, "a bin is active when its count exceeds this (0: non-empty bins)")
	fs.BoolVar(&f.Continuous, "continuous", f.Continuous, "fit continuous power laws (default discrete, for integer sizes)")
	fs.Float64Var(&f.SizeXMin, "size-xmin", f.SizeXMin, "fix x_min of the size fit (0: KS scan)")
	fs.Float64Var(&f.DurationXMin, "duration-xmin", f.DurationXMin, "fix x_min of the duration fit (0: KS scan)")
	fs.Float64Var(&f.GammaDMin, "gamma-dmin", f.GammaDMin, "smallest duration in the ⟨S⟩(D) fit (0: the duration fit's x_min)")
	fs.Float64Var(&f.GammaDMax, "gamma-dmax", f.GammaDMax, "largest duration in the ⟨S⟩(D) fit (0: no limit)")
	fs.IntVar(&f.GammaMinCount, "gamma-min-count", f.GammaMinCount, "minimum avalanches per duration in the ⟨S⟩(D) fit")
	fs.IntSliceVar(&f.Rebin, "rebin", f.Rebin, "also analyse at these multiples of the bin width, e.g. 2,4,8 (bin-size dependence of the exponents)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg.Input.File = args[0]
		r, err := analyze.ComputeAvalanches(a.analyzeEnv(), cfg)
		if err != nil {
			return err
		}
		return a.finish(cmd.Context(), *noRunDir, r, commandLine(cmd, args))
	}
	return cmd
}

// ---- power law ----------------------------------------------------------

func (a *app) analyzePowerlawCmd(noRunDir *bool) *cobra.Command {
	cfg := analyze.DefaultPowerlaw()
	f := &cfg.Powerlaw
	cmd := &cobra.Command{
		Use:   "powerlaw <file>",
		Short: "Fit a power law to a list of values (Clauset et al. 2009), with model comparison and goodness of fit",
		Long: `Power-law fit of a list of values: one value per line (text; --column picks a column of a table), a 1-D .npy,
or an .npz member (--array). Values are multiplied by --scale first. Discrete (exact MLE with the Hurwitz ζ)
when --discrete, or by default when every value is an integer ≥ 1; continuous otherwise or with --continuous.
x_min minimises the KS distance unless --xmin fixes it.
--compare tests the power law against the truncated power law, exponential, lognormal and stretched
exponential by log-likelihood ratio (R > 0 favours the power law; trust the sign only when p < 0.1).
--gof N runs the semi-parametric bootstrap with N synthetic sets (p > 0.1: plausible; seeded by --seed).
JSON keys: alpha, alpha_stderr, xmin, ks_distance, n_tail, and with --compare comparisons.<model> = {R, p};
with --gof also gof_p.`,
		Args: cobra.ExactArgs(1),
	}
	fs := cmd.Flags()
	fs.BoolVar(&f.Discrete, "discrete", f.Discrete, "fit the discrete power law (integer data)")
	fs.BoolVar(&f.Continuous, "continuous", f.Continuous, "fit the continuous power law")
	fs.BoolVar(&f.Approx, "approx", f.Approx, "discrete: use the fast approximate MLE α ≈ 1 + n/Σ ln(x/(x_min − ½))")
	fs.Float64Var(&f.Scale, "scale", f.Scale, "multiply every value by this before fitting (e.g. 1e-3)")
	fs.Float64Var(&f.XMin, "xmin", f.XMin, "fix x_min (in scaled units; 0: KS scan)")
	fs.Float64Var(&f.SigmaThreshold, "sigma-threshold", f.SigmaThreshold, "skip x_min candidates whose α standard error exceeds this (0: off)")
	fs.BoolVar(&f.Compare, "compare", f.Compare, "compare with the alternative distributions by log-likelihood ratio")
	fs.IntVar(&f.GOF, "gof", f.GOF, "goodness of fit: number of bootstrap synthetic sets (0: skip; 2500 gives p to ±0.01)")
	fs.StringVar(&cfg.Input.Array, "array", cfg.Input.Array, "member of an .npz file")
	fs.StringVar(&cfg.Input.Column, "column", cfg.Input.Column, "column of a text table (header name or 1-based index)")
	cmd.MarkFlagsMutuallyExclusive("discrete", "continuous")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg.Input.File = args[0]
		if cmd.Flags().Changed("seed") || a.root.PersistentFlags().Changed("seed") {
			f.Seed = a.seed
		}
		r, err := analyze.ComputePowerlaw(a.analyzeEnv(), cfg)
		if err != nil {
			return err
		}
		return a.finish(cmd.Context(), *noRunDir, r, commandLine(cmd, args))
	}
	return cmd
}
