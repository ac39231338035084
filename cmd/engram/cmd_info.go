package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/experiment/analyze"
)

// Information and correlation analyses: analyze mi, entropy,
// corr, ising. They follow the other analyze subcommands: inputs are
// regular files opened once, the memory needed is checked against
// --mem-budget before reading (from the header or size) and before
// computing, nothing is written for bad input, and --json prints the
// headline keys at the top level.

const infoInputHelp = `

Input: .npy arrays — samples × dims floats for continuous estimators (1-D = one dimension), 1-D integers ≥ 0
for discrete ones (shuffle: Y is samples × units integers); with --replicates the first axis indexes
independent data sets (discrete: 2-D replicates × samples; continuous: 3-D replicates × samples × dims).
Or one delimited text table with --columns x,y (header names or 1-based indices; entropy: --columns x).
Inputs must be regular files. Errors name the file: mismatched sample counts, NaN/Inf, constant columns
(singular covariance), k ≥ N, negative or non-integer labels for discrete estimators.`

func (a *app) analyzeMICmd(noRunDir *bool) *cobra.Command {
	cfg := analyze.DefaultMI()
	f, in := &cfg.MI, &cfg.Input
	cmd := &cobra.Command{
		Use:   "mi <X> [Y]",
		Short: "Mutual information I(X;Y) by a discrete or continuous estimator, with bias correction and uncertainty",
		Long: `Mutual information I(X;Y) (analysis/info). Continuous estimators: gaussian (covariance plug-in),
gaussian-wishart (each log-det Wishart-corrected), gaussian-copula (rank-normalised, Wishart-corrected), ksg1,
ksg2 (Kraskov et al. 2004, max norm, k neighbours, columns scaled to unit SD, tie-breaking noise seeded by
--seed). Discrete estimators (integer labels): plugin, miller-madow, panzeri-treves (X = stimulus; relevant
bins counted by --pt-bins: the whole alphabet, the occupied bins or Panzeri & Treves' Bayesian count), quadratic-extrapolation, nsb, shuffle (X = stimulus, Y = samples × units).
JSON keys: mi_nats, mi_bits, mi_stderr_bits, bias_correction_bits (plug-in minus corrected), estimator, n;
with --replicates the headline is the mean over replicates (stderr = SD/√n) and replicates.mean_bits,
replicates.sd_bits, replicates.n.` + infoInputHelp,
		Args: cobra.RangeArgs(1, 2),
	}
	fs := cmd.Flags()
	fs.StringVar(&f.Estimator, "estimator", f.Estimator, "estimator: "+strings.Join(append(slices.Clone(analyze.ContinuousEstimators[:5]), analyze.DiscreteEstimators...), ", "))
	fs.StringVar(&in.Columns, "columns", in.Columns, "with one text file: the X and Y columns, e.g. x,y (names or 1-based indices)")
	fs.IntVar(&f.K, "k", f.K, "neighbours of the KSG estimators (k < N)")
	fs.IntVar(&f.Bins, "bins", f.Bins, "discrete: alphabet size of X (0: largest label + 1)")
	fs.IntVar(&f.BinsY, "bins-y", f.BinsY, "discrete: alphabet size of Y (0: largest label + 1)")
	fs.BoolVar(&in.Replicates, "replicates", in.Replicates, "the first axis of each array indexes independent data sets")
	fs.Float64Var(&f.Noise, "noise", f.Noise, "KSG tie-breaking noise, relative to each column's SD (negative: none)")
	fs.StringVar(&f.PTBins, "pt-bins", f.PTBins, "panzeri-treves: relevant bins counted as alphabet, occupied or bayes")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		in.X, in.Y = args[0], ""
		if len(args) > 1 {
			in.Y = args[1]
		}
		if cmd.Flags().Changed("seed") || a.root.PersistentFlags().Changed("seed") {
			f.Seed = a.seed
		}
		r, err := analyze.ComputeInfo(a.analyzeEnv(), "mi", *in, *f)
		if err != nil {
			return err
		}
		return a.finish(cmd.Context(), *noRunDir, r, commandLine(cmd, args))
	}
	return cmd
}

func (a *app) analyzeEntropyCmd(noRunDir *bool) *cobra.Command {
	cfg := analyze.DefaultEntropy()
	f, in := &cfg.Entropy, &cfg.Input
	cmd := &cobra.Command{
		Use:   "entropy <X>",
		Short: "Entropy H(X) by a discrete or continuous estimator, with bias correction and uncertainty",
		Long: `Entropy H(X) (analysis/info). Discrete (integer labels; --bins gives the alphabet size, needed by nsb when
labels may be unobserved): plugin, miller-madow, quadratic-extrapolation, nsb (posterior SD). Continuous:
gaussian, gaussian-wishart (differential entropy of the fitted Gaussian), kl (Kozachenko–Leonenko, k
neighbours). Differential entropies depend on the units of X: never compare them across units.
JSON keys: h_nats, h_bits, h_stderr_bits, bias_correction_bits, estimator, n (and replicates.* as for mi).` + infoInputHelp,
		Args: cobra.ExactArgs(1),
	}
	fs := cmd.Flags()
	fs.StringVar(&f.Estimator, "estimator", f.Estimator, "estimator: plugin, miller-madow, quadratic-extrapolation, nsb, gaussian, gaussian-wishart, kl")
	fs.StringVar(&in.Columns, "columns", in.Columns, "with a text file: the column of X (name or 1-based index)")
	fs.IntVar(&f.K, "k", f.K, "neighbours of the kl estimator (k < N)")
	fs.IntVar(&f.Bins, "bins", f.Bins, "discrete: alphabet size (0: largest label + 1)")
	fs.BoolVar(&in.Replicates, "replicates", in.Replicates, "the first axis indexes independent data sets")
	fs.Float64Var(&f.Noise, "noise", f.Noise, "kl tie-breaking noise, relative to each column's SD (negative: none)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		in.X = args[0]
		if cmd.Flags().Changed("seed") || a.root.PersistentFlags().Changed("seed") {
			f.Seed = a.seed
		}
		r, err := analyze.ComputeEntropy(a.analyzeEnv(), cfg)
		if err != nil {
			return err
		}
		return a.finish(cmd.Context(), *noRunDir, r, commandLine(cmd, args))
	}
	return cmd
}

// ---- corr ----------------------------------------------------------------

const perNeuronHelp = `

Input (--input spikes|raster): spike times with neuron ids (text neuron,time; .npz times and ids; engram
rec/spikes.npy or its run directory) binned at --bin-ms, or a raster (.npy/.npz 2-D neurons × bins or 3-D
trials × neurons × bins, trials concatenated; text: one row per neuron). Inputs must be regular files; the
neuron × bin matrix is bounded by --mem-budget.`

func (a *app) analyzeCorrCmd(noRunDir *bool) *cobra.Command {
	cfg := analyze.DefaultCorr()
	f := &cfg.Corr
	cmd := &cobra.Command{
		Use:   "corr <spikes|raster>",
		Short: "Pairwise count correlations, population count distribution P(K), cumulants and CuBIC",
		Long: `Correlations of binned per-neuron activity (analysis/corr): Pearson ρ of the counts over all pairs of
active neurons (mean, SD), P(K) of the binary population count with the independent (Poisson-binomial)
prediction, k-statistics k₁, k₂, k₃ of the population count, and CuBIC (Staude et al. 2010): ξ̂, the
first order whose H₀ "correlations of order ≤ ξ explain k₃" is not rejected at --alpha (a lower bound on the
order of correlation), with the p-values. ρ depends on the rates and the bin width: compare at matched
rates and bins.
JSON keys: rho_mean, rho_sd, pairs, neurons, bins, bin_ms, k1, k2, k3, cubic_xi_hat, cubic_p_values,
cubic_aborted (cubic_xi_hat is null when k₂ < k₁).` + perNeuronHelp,
		Args: cobra.ExactArgs(1),
	}
	fs := cmd.Flags()
	addInputFlags(fs, &cfg.Input)
	fs.Float64Var(&f.Alpha, "alpha", f.Alpha, "CuBIC significance level in (0, 1]")
	fs.IntVar(&f.MaxOrder, "max-order", f.MaxOrder, "CuBIC: largest order tested (ξ_max)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg.Input.File = args[0]
		r, err := analyze.ComputeCorr(a.analyzeEnv(), cfg)
		if err != nil {
			return err
		}
		return a.finish(cmd.Context(), *noRunDir, r, commandLine(cmd, args))
	}
	return cmd
}

// ---- ising ---------------------------------------------------------------

func (a *app) analyzeIsingCmd(noRunDir *bool) *cobra.Command {
	cfg := analyze.DefaultIsing()
	f := &cfg.Ising
	cmd := &cobra.Command{
		Use:   "ising <raster|spikes>",
		Short: "Pairwise maximum-entropy (Ising) model of binary words: I₂/I_N, KL, predicted P(K)",
		Long: `Fits P(s) ∝ exp(Σ h_i s_i + Σ J_ij s_i s_j) to the binary words (counts clipped to 0/1) of the chosen units
(analysis/corr): exact enumeration for ≤ 20 units, pseudo-likelihood beyond or with --pseudo-likelihood.
Reports (exact fits) the multi-information I_N = S₁ − S_N (S_N: plug-in entropy of the words, biased low when
the words are undersampled), I₂ = S₁ − S₂, the ratio I₂/I_N, KL(P_data‖P₂) and P(K) observed vs predicted.
JSON keys: units, samples, method, converged, i_n_bits, i_2_bits, ratio, kl_bits, s1_bits, s2_bits, sn_bits.` + perNeuronHelp,
		Args: cobra.ExactArgs(1),
	}
	fs := cmd.Flags()
	addInputFlags(fs, &cfg.Input)
	fs.IntSliceVar(&f.Units, "units", f.Units, "neurons to fit, e.g. 0,1,2 (default: all)")
	fs.Float64Var(&f.Penalty, "penalty", f.Penalty, "L2 penalty on parameters without a finite ML value (exact; default 1e-3) or on every J (pseudo-likelihood; default 1e-4)")
	fs.BoolVar(&f.PseudoLikelihood, "pseudo-likelihood", f.PseudoLikelihood, "use pseudo-likelihood also for ≤ 20 units")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg.Input.File = args[0]
		r, err := analyze.ComputeIsing(a.analyzeEnv(), cfg)
		if err != nil {
			return err
		}
		return a.finish(cmd.Context(), *noRunDir, r, commandLine(cmd, args))
	}
	return cmd
}
