package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/capacity"
	"github.com/engramsim/engram/experiment/homeostasis"
	"github.com/engramsim/engram/experiment/mft"
	"github.com/engramsim/engram/experiment/pbload"
	"github.com/engramsim/engram/experiment/pbnet"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/runner"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/meanfield"
)

// theoryConfig holds the keys `capacity` and `mft` accept through --set:
// the [transfer] and [rule] sections of the rate-memory experiments.
type theoryConfig struct {
	Transfer pbnet.Transfer `toml:"transfer"`
	Rule     pbnet.Rule     `toml:"rule"`
}

// DocSources implements config.Documented: pbnet's section docs.
func (c *theoryConfig) DocSources() []config.DocSource { return (&pbnet.Sections{}).DocSources() }

func (c *theoryConfig) sections() *pbnet.Sections {
	s := pbnet.DefaultSections(1, 1, 0)
	s.Transfer, s.Rule = c.Transfer, c.Rule
	return &s
}

// theoryInputs resolves defaults (median preset, or --preset) + --set into φ and the rule.
func (a *app) theoryInputs(preset string) (*theoryConfig, ratefn.Transfer, ratefn.Rule, error) {
	d := pbnet.DefaultSections(1, 1, 0)
	cfg := &theoryConfig{Transfer: d.Transfer, Rule: d.Rule}
	if preset != "" && preset != "median" {
		tf, r, err := ratefn.Preset(preset)
		if err != nil {
			return nil, tf, r, fmt.Errorf("--preset: %v", err)
		}
		cfg.Transfer = pbnet.Transfer{Kind: "sigmoid", RMaxHz: tf.RMaxHz, Beta: tf.Beta, H0: tf.H0, Q: 1}
		cfg.Rule = pbnet.Rule{A: r.A, QF: r.F.Q, BetaFPerHz: r.F.BetaPerHz, XFHz: r.F.XHz}
	}
	if _, err := config.Load("", nil, cfg, a.sets); err != nil {
		return nil, ratefn.Transfer{}, ratefn.Rule{}, err
	}
	s := cfg.sections()
	// the [network] defaults of DefaultSections(1, 1, 0) are valid: what
	// Validate reports is a [transfer], [rule] or --set key, by name
	if err := s.Validate(); err != nil {
		return nil, ratefn.Transfer{}, ratefn.Rule{}, err
	}
	tf, err := s.TransferFn()
	if err != nil {
		return nil, tf, ratefn.Rule{}, err
	}
	return cfg, tf, s.RuleFn(), nil
}

// maxSweepPoints bounds --n and --alphas: each point is a mean-field
// solve (milliseconds to a second), so 10⁴ points are hours.
const maxSweepPoints = 10000

func mfOptions(grid string, finiteK int, c float64, workers int) (*meanfield.Options, error) {
	switch {
	case finiteK < 0:
		return nil, fmt.Errorf("--finite-k %d: want 0 (K → ∞) or an in-degree K ≥ 1", finiteK)
	case !(c >= 0 && c < 1):
		return nil, fmt.Errorf("--c %v: want a connection probability in [0, 1)", c)
	}
	o := &meanfield.Options{Workers: workers, FiniteK: finiteK, C: c}
	switch grid {
	case "accurate", "":
		o.Grid = meanfield.AccurateGrid
	case "original":
		o.Grid = meanfield.OriginalGrid
	default:
		return nil, fmt.Errorf("--grid %q: want accurate or original", grid)
	}
	return o, nil
}

func (a *app) theoryCommands() []*cobra.Command {
	return []*cobra.Command{a.capacityCmd(), a.mftCmd()}
}

// theoryExperiments returns the MFT/simulation experiments.
func theoryExperiments() []experiment.Def {
	return []experiment.Def{pbload.Def(), homeostasis.Def(), capacity.Def(), mft.Def()}
}

func (a *app) capacityCmd() *cobra.Command {
	var preset, sweep, grid string
	var from, to float64
	var n int
	var logScale, bug bool
	var coding, abar, dq float64
	var finiteK int
	var c float64
	cmd := &cobra.Command{
		Use:   "capacity",
		Short: "Storage capacity α_c of the rate memory from the static mean-field theory (single point or sweep)",
		Long: `capacity computes the largest load α = p/K at which a retrieval state exists in the
diluted mean-field theory of Pereira & Brunel (2018), both as the maximum of α along
the retrieval branch (alpha_c, physical) and by the original code's scan-stop rule
(alpha_c_scan). Parameters: the median ITC fit, changed with --preset itcK and
--set transfer.*/rule.* (the same keys as 'engram run'). --sweep beta_g|x_g|A scans
one parameter (from/to/n, --log for a log grid) in parallel and plots α_c.
--sweep coding|abar is the step-function limit of Supplementary Fig S7 (f, g
steps at a common threshold, r_max = 1): capacity vs coding level p at fixed
--abar, or vs the normalised amplitude Ā at fixed --coding, with --dq for
Δq = 1 − p − q_f (--bug reproduces the original code's missing factor m).
--finite-k K with --c (as for 'engram mft') adds the O(1/K) variance of the
retrieved pattern's own term: alpha_c is then the end of the finite-K retrieval
branch (its first maximum of α, or, when it has none, the crossover, flagged as
crossover in the JSON and in the TSV of res/).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, tf, rule, err := a.theoryInputs(preset)
			if err != nil {
				return err
			}
			opts, err := mfOptions(grid, finiteK, c, a.workers)
			if err != nil {
				return err
			}
			if sweep == "" || sweep == "none" {
				return a.capacityPoint(cmd.Context(), cfg, tf, rule, opts)
			}
			if sweep == "coding" || sweep == "abar" {
				if finiteK != 0 {
					return fmt.Errorf("--finite-k does not apply to the step-function limit (--sweep %s)", sweep)
				}
				return a.stepSweep(cmd.Context(), cfg, sweep, from, to, n, coding, abar, dq, bug)
			}
			return a.capacitySweep(cmd.Context(), cfg, tf, rule, opts, sweep, from, to, n, logScale)
		},
	}
	f := cmd.Flags()
	f.StringVar(&preset, "preset", "median", "parameter set: median or itc1 … itc14")
	f.StringVar(&sweep, "sweep", "", "sweep a parameter: beta_g (1/Hz), x_g (Hz) or A")
	f.Float64Var(&from, "from", math.NaN(), "sweep start (default: beta_g 0.01, x_g 10, A 1)")
	f.Float64Var(&to, "to", math.NaN(), "sweep end (default: beta_g 100, x_g 39.9, A 20)")
	f.IntVar(&n, "n", 200, "number of sweep points")
	f.BoolVar(&logScale, "log", false, "log-spaced sweep (default for beta_g)")
	f.StringVar(&grid, "grid", "accurate", "integration grid: accurate or original (the paper's 200×200 Riemann grid)")
	f.Float64Var(&coding, "coding", 1e-3, "step limit: coding level p for --sweep abar")
	f.Float64Var(&abar, "abar", 6.95, "step limit: normalised amplitude Ā for --sweep coding")
	f.Float64Var(&dq, "dq", 0, "step limit: Δq = 1 − p − q_f (0: f = g)")
	f.BoolVar(&bug, "bug", false, "step limit: reproduce the original code's missing-m bug (Δq ≠ 0)")
	f.IntVar(&finiteK, "finite-k", 0, "add the O(1/K) own-pattern variance for in-degree K (0 = K → ∞)")
	f.Float64Var(&c, "c", 0, "connection probability used with --finite-k")
	return cmd
}

// stepSweep is the S7 step-function limit: α_c vs coding level or vs Ā.
func (a *app) stepSweep(ctx context.Context, cfg *theoryConfig, sweep string, from, to float64, n int, coding, abar, dq float64, bug bool) error {
	lo, hi, label := 1e-3, 0.5, "coding level p"
	if sweep == "abar" {
		lo, hi, label = 1, 1000, "normalised amplitude Ā"
	}
	if !math.IsNaN(from) {
		lo = from
	}
	if !math.IsNaN(to) {
		hi = to
	}
	if n < 2 || n > maxSweepPoints || !(hi > lo) || !(lo > 0) || math.IsInf(hi, 0) {
		return fmt.Errorf("step sweep needs 2 ≤ --n ≤ %d and 0 < --from < --to, finite (got n=%d, from=%g, to=%g)", maxSweepPoints, n, lo, hi)
	}
	vals := meanfield.Logspace(math.Log10(lo), math.Log10(hi), n)
	var pts []meanfield.StepPoint
	return a.withRunDir(ctx, RunSpec{Name: "capacity-step-" + sweep, ConfigTOML: config.Format(cfg, ""), ExtraJSON: func() map[string]any {
		return map[string]any{"sweep": sweep, "points": runner.Sanitize(pts)}
	}}, func(env *experiment.Env) (experiment.Summary, error) {
		o := &meanfield.StepOptions{Workers: a.workers, Progress: env.Progress}
		var err error
		if sweep == "coding" {
			pts, err = meanfield.StepSweepP(abar, dq, vals, bug, o)
		} else {
			pts, err = meanfield.StepSweepABar(coding, dq, vals, bug, o)
		}
		if err != nil {
			return nil, err
		}
		x, ac, as := make([]float64, len(pts)), make([]float64, len(pts)), make([]float64, len(pts))
		best, failed := 0.0, 0
		for i, p := range pts {
			x[i], ac[i], as[i] = vals[i], p.AlphaC, p.AlphaCScan
			if p.Err != "" || !p.Converged {
				failed++
			}
			best = math.Max(best, p.AlphaC)
		}
		if err := store.WriteTSV(env.Path("res", "capacity_step.tsv"), []string{sweep, "alpha_c", "alpha_c_scan"}, x, ac, as); err != nil {
			return nil, err
		}
		base := env.Path("figs", "capacity_step_vs_"+sweep)
		if _, err := plot.Lines(base, plot.LineSpec{Title: "Step-limit capacity vs " + label, XLabel: label, YLabel: "α_c", LogX: true, Legend: true,
			Series: []plot.Series{{Name: "branch maximum", X: x, Y: ac, Color: 0}, {Name: "original scan rule", X: x, Y: as, Dashed: true, Color: 1}}}); err != nil {
			return nil, err
		}
		env.Report.Section("Step-function limit (Supplementary Fig S7)")
		env.Report.Paragraph(fmt.Sprintf("Ā = %g, p = %g, Δq = %g (bug-compatible: %v); maximum α_c = %.4f; %d points failed or did not converge.", abar, coding, dq, bug, best, failed))
		_ = env.Report.Figure(base+".png", "Capacity of the step-function rule (f, g steps at a common threshold).")
		return experiment.Summary{"points": len(pts), "max_alpha_c": best, "failed": failed}, nil
	})
}

func (a *app) capacityPoint(ctx context.Context, cfg *theoryConfig, tf ratefn.Transfer, rule ratefn.Rule, opts *meanfield.Options) error {
	var res meanfield.CapacityResult
	return a.withRunDir(ctx, RunSpec{Name: "capacity", ConfigTOML: config.Format(cfg, ""), ExtraJSON: func() map[string]any {
		return runner.Sanitize(res).(map[string]any)
	}}, func(env *experiment.Env) (experiment.Summary, error) {
		var sum experiment.Summary
		var err error
		res, sum, err = capacity.Point(env, tf, rule, opts)
		return sum, err
	})
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (a *app) capacitySweep(ctx context.Context, cfg *theoryConfig, tf ratefn.Transfer, rule ratefn.Rule, opts *meanfield.Options, sweep string, from, to float64, n int, logScale bool) error {
	type def struct {
		lo, hi float64
		log    bool
		label  string
		run    func([]float64) ([]meanfield.SweepPoint, error)
	}
	defs := map[string]def{
		"beta_g": {0.01, 100, true, "β_g (1/Hz)", func(v []float64) ([]meanfield.SweepPoint, error) { return meanfield.SweepBetaG(tf, rule, v, opts) }},
		"x_g":    {10, 39.9, false, "x_g (Hz)", func(v []float64) ([]meanfield.SweepPoint, error) { return meanfield.SweepXG(tf, rule, v, opts) }},
		"A":      {1, 20, false, "A", func(v []float64) ([]meanfield.SweepPoint, error) { return meanfield.SweepA(tf, rule, v, opts) }},
	}
	d, ok := defs[sweep]
	if !ok {
		return fmt.Errorf("--sweep %q: want beta_g, x_g, A, coding or abar", sweep)
	}
	if math.IsNaN(from) {
		from = d.lo
	}
	if math.IsNaN(to) {
		to = d.hi
	}
	if n < 2 || n > maxSweepPoints || !(to > from) || math.IsInf(from, 0) || math.IsInf(to, 0) {
		return fmt.Errorf("sweep needs 2 ≤ --n ≤ %d and finite --from < --to (got n=%d, from=%g, to=%g)", maxSweepPoints, n, from, to)
	}
	useLog := logScale || d.log
	if useLog && from <= 0 {
		return fmt.Errorf("a log sweep needs --from > 0")
	}
	vals := make([]float64, n)
	for i := range vals {
		t := float64(i) / float64(n-1)
		if useLog {
			vals[i] = from * math.Pow(to/from, t)
		} else {
			vals[i] = from + (to-from)*t
		}
	}
	var pts []meanfield.SweepPoint
	return a.withRunDir(ctx, RunSpec{Name: "capacity-" + strings.ReplaceAll(sweep, "_", ""), ConfigTOML: config.Format(cfg, ""), ExtraJSON: func() map[string]any {
		return map[string]any{"sweep": sweep, "points": runner.Sanitize(pts)}
	}}, func(env *experiment.Env) (experiment.Summary, error) {
		opts.Progress = env.Progress
		var err error
		if pts, err = d.run(vals); err != nil {
			return nil, err
		}
		x, ac, as, m, conv, xo := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		best, bestX, failed, crossovers, warned := 0.0, math.NaN(), 0, 0, 0
		for i, p := range pts {
			x[i], ac[i], as[i], m[i], conv[i], xo[i] = p.Param, p.AlphaC, p.AlphaCScan, p.MAtAlphaC, b2f(p.Converged), b2f(p.Crossover)
			if p.Err != "" || !p.Converged {
				failed++
			}
			if p.Crossover {
				crossovers++
			}
			if p.Warning != "" {
				warned++
			}
			if p.AlphaC > best {
				best, bestX = p.AlphaC, p.Param
			}
		}
		if err := store.WriteTSV(env.Path("res", "capacity_sweep.tsv"), []string{sweep, "alpha_c", "alpha_c_scan", "m_at_alpha_c", "converged", "crossover"}, x, ac, as, m, conv, xo); err != nil {
			return nil, err
		}
		if warned > 0 {
			a.logf("warning: %d sweep point(s) have α_c but not the end of the finite-K branch or the scan-rule α_c (0); see their \"warning\" in the JSON", warned)
		}
		base := env.Path("figs", "capacity_vs_"+sweep)
		if _, err := plot.Lines(base, plot.LineSpec{Title: "Storage capacity vs " + d.label, XLabel: d.label, YLabel: "α_c", LogX: useLog, Legend: true,
			Series: []plot.Series{{Name: "branch maximum", X: x, Y: ac, Color: 0}, {Name: "original scan-stop rule", X: x, Y: as, Dashed: true, Color: 1}}}); err != nil {
			return nil, err
		}
		env.Report.Section("Storage capacity sweep over " + d.label)
		para := fmt.Sprintf("%d points from %g to %g; maximum α_c = %.4f at %s = %.4g; %d points failed or did not converge.", n, from, to, best, sweep, bestX, failed)
		if opts.FiniteK > 0 {
			para += fmt.Sprintf(" Finite K = %d: at %d point(s) the branch has no maximum of α and α_c is the crossover (column crossover = 1 in res/capacity_sweep.tsv).", opts.FiniteK, crossovers)
		}
		if warned > 0 {
			para += fmt.Sprintf(" At %d point(s) the scan-rule α_c was not computed (0; see the points' warning).", warned)
		}
		env.Report.Paragraph(para)
		_ = env.Report.Figure(base+".png", "α_c from the static mean-field theory: maximum along the retrieval branch (solid) and the original code's scan-stop rule (dashed).")
		sum := experiment.Summary{"points": n, "max_alpha_c": best, "argmax": bestX, "failed": failed}
		if opts.FiniteK > 0 {
			sum["crossovers"] = crossovers
		}
		return sum, nil
	})
}

func (a *app) mftCmd() *cobra.Command {
	var preset, grid, alphas string
	var alpha float64
	var finiteK int
	var c float64
	cmd := &cobra.Command{
		Use:   "mft",
		Short: "Mean-field retrieval and background states at a load α (or the overlap curve m(α))",
		Long: `mft solves the static diluted mean-field theory at load α for the retrieval and the
background (q = 0) branches: overlap m, q, crosstalk variance Δ, mean rate, ⟨r²⟩ and
λ = αγ⟨φ′²⟩ (λ > 1: the fixed point is unstable, chaotic dynamics). With
--alphas lo:hi:step it traces the overlap curve m(α) and plots it. --finite-k K
with --c adds the O(1/K) variance of the retrieved pattern's own term.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if alphas != "" {
				cfg, tf, rule, err := a.theoryInputs(preset)
				if err != nil {
					return err
				}
				opts, err := mfOptions(grid, finiteK, c, a.workers)
				if err != nil {
					return err
				}
				return a.mftCurve(cmd.Context(), cfg, tf, rule, opts, alphas)
			}
			// one load: experiment "mft" with the flags as its [mft] keys
			if _, err := mfOptions(grid, finiteK, c, a.workers); err != nil {
				return err
			}
			if !(alpha > 0) || math.IsInf(alpha, 0) {
				return fmt.Errorf("--alpha = %v must be > 0", alpha)
			}
			cfg := mft.Defaults()
			if preset != "" && preset != "median" {
				if err := cfg.ApplyPreset(preset); err != nil {
					return fmt.Errorf("--preset: %v", err)
				}
			}
			cfg.MFT = mft.Solver{Alpha: alpha, Grid: grid, FiniteK: finiteK, C: c}
			if _, err := config.Load("", nil, cfg, a.sets); err != nil {
				return err
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			var res meanfield.Result
			return a.withRunDir(cmd.Context(), RunSpec{Name: "mft", ConfigTOML: config.Format(cfg, "mft"), ExtraJSON: func() map[string]any {
				return runner.Sanitize(res).(map[string]any)
			}}, func(env *experiment.Env) (experiment.Summary, error) {
				var sum experiment.Summary
				var err error
				res, sum, err = mft.Solve(cfg, env)
				return sum, err
			})
		},
	}
	f := cmd.Flags()
	f.Float64Var(&alpha, "alpha", 0.12, "load α = p/K")
	f.StringVar(&alphas, "alphas", "", "overlap curve: lo:hi:step (e.g. 0.005:0.32:0.005)")
	f.StringVar(&preset, "preset", "median", "parameter set: median or itc1 … itc14")
	f.StringVar(&grid, "grid", "accurate", "integration grid: accurate or original")
	f.IntVar(&finiteK, "finite-k", 0, "add the O(1/K) own-pattern variance for in-degree K (0 = K → ∞)")
	f.Float64Var(&c, "c", 0, "connection probability used with --finite-k")
	return cmd
}

func parseRange(s string) ([]float64, error) {
	bad := fmt.Errorf("--alphas %q: want lo:hi:step, finite numbers with 0 < lo ≤ hi, step > 0 and at most %d points", s, maxSweepPoints)
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return nil, bad
	}
	var x [3]float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, bad
		}
		x[i] = v
	}
	lo, hi, step := x[0], x[1], x[2]
	if !(step > 0) || !(hi >= lo) || !(lo > 0) || (hi-lo)/step+1 > maxSweepPoints {
		return nil, bad
	}
	var v []float64
	for k := 0; ; k++ {
		x := lo + float64(k)*step
		if x > hi+1e-12 {
			break
		}
		v = append(v, x)
	}
	return v, nil
}

func (a *app) mftCurve(ctx context.Context, cfg *theoryConfig, tf ratefn.Transfer, rule ratefn.Rule, opts *meanfield.Options, spec string) error {
	al, err := parseRange(spec)
	if err != nil {
		return err
	}
	return a.withRunDir(ctx, RunSpec{Name: "mft-curve", ConfigTOML: config.Format(cfg, "")}, func(env *experiment.Env) (experiment.Summary, error) {
		opts.Progress = env.Progress
		res, err := meanfield.OverlapCurve(tf, rule, al, opts)
		if err != nil && len(res) != len(al) {
			return nil, err
		}
		var warn string
		if err != nil {
			// keep the curve; points that did not converge are flagged
			var ok []meanfield.Result
			for _, r := range res {
				if r.Converged {
					ok = append(ok, r)
				}
			}
			if len(ok) == 0 {
				// e.g. the branch could not be traced: every point
				// carries only its background state
				return nil, err
			}
			warn = fmt.Sprintf("%d of %d points did not converge and are left out: %v", len(res)-len(ok), len(res), err)
			a.logf("warning: %s", warn)
			res = ok
		}
		sum, err := pbload.WriteMFTCurve(env, res, "mft_overlap_curve")
		if err == nil && warn != "" {
			sum["warning"] = warn
			env.Report.Paragraph("Warning: " + warn)
		}
		return sum, err
	})
}
