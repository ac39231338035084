package analyze

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/engramsim/engram/analysis/activityio"
	"github.com/engramsim/engram/analysis/avalanche"
	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/analysis/powerlaw"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
)

// readActivity opens path (once), checks the memory reading it needs against the
// budget from its header or size alone, and then reads it. Spike binning
// and sparse long tables are limited to the cells the budget leaves.
//
// When the layout gives the shape (arrays), ahead, if not nil, is called
// with it before the data are read, so that the analysis's own estimate can
// refuse the input unread too.
func readActivity(f *ActivityInput, mem *memCheck, path string, ahead func(trials, bins int) error) (*activityio.Activity, error) {
	o, err := f.Options()
	if err != nil {
		return nil, err
	}
	in, err := activityio.Open(path, o)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	lay := in.Layout()
	if err := mem.check(lay.ReadBytes, "reading "+layoutString(lay)); err != nil {
		return nil, err
	}
	if ahead != nil && lay.Trials > 0 && lay.Bins > 0 && lay.Trials <= math.MaxInt32 && lay.Bins <= math.MaxInt {
		if err := ahead(int(lay.Trials), int(lay.Bins)); err != nil {
			return nil, err
		}
	}
	in.SetMaxCells(mem.cellsLeft(lay.ReadBytes))
	return in.Read()
}

// layoutString describes a layout for messages: "4 trials × 500000 bins"
// (arrays) or "up to 1.2e+07 values (text, 24 MiB)".
func layoutString(l activityio.Layout) string {
	if l.Trials > 0 && l.Bins > 0 {
		return fmt.Sprintf("%s, %d trials × %d bins", l.Kind, l.Trials, l.Bins)
	}
	if l.Exact {
		return fmt.Sprintf("%s, %d values", l.Kind, l.Values)
	}
	return fmt.Sprintf("%s, up to %d values", l.Kind, l.Values)
}

// ---- memory -------------------------------------------------------------

// Memory estimates of analyze bound the peak resident memory of
// the process:
//
//	estimate = analyzeBaseBytes + gcFactor · (largest live heap)
//
// The live heap is what the input and the analysis hold at their peak:
// activityio's Layout.ReadBytes while reading (known from the header or the
// file size before any data are read), then the counts plus the analysis's
// own arrays (branching.AnalyzeBytes, the avalanche and power-law constants
// below) once the shape is known. gcFactor = 2 because with GOGC=100 the Go
// runtime lets the heap grow to twice what was live after its last
// collection before it collects again, and freed pages stay resident for a
// while. Both estimates are checked against --mem-budget before the work
// they cover; TestAnalyzeMemoryEstimate measures peak RSS against them.
const (
	// analyzeBaseBytes covers the binary, the runtime, and with a run
	// directory the fonts, figures (at most figMaxPoints points per
	// series) and report: measured 15 MiB with --no-run-dir and 25 MiB
	// with a run directory on a 2 × 2000 input.
	analyzeBaseBytes = 48 << 20
	gcFactor         = 2
	// powerlawBytesPerValue bounds a continuous power-law fit with its x_min
	// scan and the four comparisons, per value, and
	// powerlawDiscreteBytesPerValue a discrete one (runtime.MemStats
	// TotalAlloc with the collector off, so garbage included: 326–363 and
	// 38–105 B per value measured for 10⁴–10⁵ values). A goodness-of-fit
	// bootstrap holds one synthetic set and its fit at a time on top.
	powerlawBytesPerValue         = 512
	powerlawDiscreteBytesPerValue = 160
	// avalancheBytes bounds, per avalanche, extraction (24 B, allocated
	// once), sizes and durations (16 B), the two power-law fits (discrete
	// or continuous), ⟨S⟩(D) (≤ 48 B measured, TotalAlloc with the
	// collector off) and the tables written (40 B).
	avalancheFixedBytes = 24 + 16 + 48 + 40
)

// avalancheBytes is the per-avalanche bound (see avalancheFixedBytes).
func avalancheBytes(continuous bool) int64 {
	if continuous {
		return avalancheFixedBytes + 2*powerlawBytesPerValue
	}
	return avalancheFixedBytes + 2*powerlawDiscreteBytesPerValue
}

// memCheck accumulates the live-heap estimate of one analyze command and
// checks it against the budget.
type memCheck struct {
	name, file string
	budget     int64 // ≤ 0: none
	live       int64 // largest live heap estimated so far
}

// estimate is the peak-RSS estimate for everything checked so far.
func (m *memCheck) estimate() int64 { return analyzeBaseBytes + gcFactor*m.live }

// check adds a stage with the given live heap; detail says what it is.
func (m *memCheck) check(live int64, detail string) error {
	m.live = max(m.live, live)
	env := experiment.Env{MemBudget: m.budget}
	return env.CheckMemory(m.estimate(), fmt.Sprintf("analyze %s of %s (%s)", m.name, m.file, detail))
}

// cellsLeft is the number of count cells (8 bytes) the budget leaves after
// reading readBytes (0: no budget, no limit). Spike binning and sparse long
// tables may not create more.
func (m *memCheck) cellsLeft(readBytes int64) int64 {
	if m.budget <= 0 {
		return 0
	}
	return max(((m.budget-analyzeBaseBytes)/gcFactor-readBytes)/8, 1)
}

// countsBytes is the memory trials × bins counts hold.
func countsBytes(trials, bins int) int64 { return int64(trials) * (8*int64(bins) + 24) }

// activityBytes is the memory the counts of act hold.
func activityBytes(act *activityio.Activity) int64 { return countsBytes(act.Trials(), act.Bins()) }

// Run is a computed analysis waiting to be printed and written.
type Run struct {
	name     string         // e.g. "analyze-branching"
	file     string         // input path
	seed     uint64         // seed recorded in provenance (0 if none is used)
	headline map[string]any // issue-6 keys, top level of the JSON
	summary  map[string]any // everything else (settings, uncertainties, warnings)
	warnings []string
	// memEstimate is the peak-memory estimate checked against the budget.
	memEstimate int64
	// write adds figures, tables and report sections to env.
	write func(env *experiment.Env) error
}

// Complete logs the warnings and merges them, the memory estimate and
// the headline into the summary.
func (r *Run) Complete(logf func(string, ...any)) {
	for _, w := range r.warnings {
		logf("warning: %s", w)
	}
	if len(r.warnings) > 0 {
		r.summary["warnings"] = r.warnings
	}
	r.summary["mem_estimate_bytes"] = r.memEstimate
	for k, v := range r.headline {
		r.summary[k] = v
	}
}

// WriteTo writes the figures, tables and report sections into the run
// directory and returns the summary.
func (r *Run) WriteTo(env *experiment.Env) (experiment.Summary, error) {
	if err := r.write(env); err != nil {
		return nil, err
	}
	if len(r.warnings) > 0 {
		env.Report.Section("Warnings")
		env.Report.Paragraph(strings.Join(r.warnings, "\n\n"))
	}
	return experiment.Summary(r.summary), nil
}

// analyzeDef is the experiment form of an analysis: compute on the
// config, then write into the run directory.
//
// input returns the key and value of the input file (checked first: the
// defaults have none, for engram describe).
func analyzeDef[C experiment.Config](name, doc string, newConfig func() C, input func(C) (string, string), compute func(*Env, C) (*Run, error)) experiment.Def {
	return experiment.Typed(name, doc, newConfig, func(_ context.Context, c C, env *experiment.Env) (experiment.Summary, error) {
		if err := NeedFile(input(c)); err != nil {
			return nil, err
		}
		ae := &Env{budget: env.MemBudget, logf: env.Logf,
			progress: func(string) (progress.Reporter, func()) { return env.Progress, func() {} }}
		r, err := compute(ae, c)
		if err != nil {
			return nil, err
		}
		r.Complete(env.Logf)
		return r.WriteTo(env)
	}, nil)
}

// Experiments are the analyze subcommands as experiments.
func Experiments() []experiment.Def {
	return []experiment.Def{
		analyzeDef("analyze-branching", "Branching ratio m of recorded activity by multistep regression (engram analyze branching)", DefaultBranching,
			func(c *BranchingConfig) (string, string) { return "input.file", c.Input.File },
			func(ae *Env, c *BranchingConfig) (*Run, error) {
				return ComputeBranching(ae, c.Input, c.MR, false, 0)
			}),
		analyzeDef("analyze-timescale", "Autocorrelation time of recorded activity: MR fit and integrated τ (engram analyze timescale)", DefaultTimescale,
			func(c *TimescaleConfig) (string, string) { return "input.file", c.Input.File },
			func(ae *Env, c *TimescaleConfig) (*Run, error) {
				return ComputeBranching(ae, c.Input, c.MR, true, c.TauInt.WindowC)
			}),
		analyzeDef("analyze-avalanches", "Avalanche size/duration power laws and ⟨S⟩(D) scaling of recorded activity (engram analyze avalanches)", DefaultAvalanches,
			func(c *AvalanchesConfig) (string, string) { return "input.file", c.Input.File }, ComputeAvalanches),
		analyzeDef("analyze-mi", "Mutual information I(X;Y) by a discrete or continuous estimator (engram analyze mi)", DefaultMI,
			func(c *MIConfig) (string, string) { return "input.x", c.Input.X },
			func(ae *Env, c *MIConfig) (*Run, error) {
				return ComputeInfo(ae, "mi", c.Input, c.MI)
			}),
		analyzeDef("analyze-entropy", "Entropy H(X) by a discrete or continuous estimator (engram analyze entropy)", DefaultEntropy,
			func(c *EntropyConfig) (string, string) { return "input.x", c.Input.X }, ComputeEntropy),
		analyzeDef("analyze-corr", "Pairwise count correlations, P(K), cumulants and CuBIC of per-neuron activity (engram analyze corr)", DefaultCorr,
			func(c *CorrConfig) (string, string) { return "input.file", c.Input.File }, ComputeCorr),
		analyzeDef("analyze-ising", "Pairwise maximum-entropy (Ising) model of binary words (engram analyze ising)", DefaultIsing,
			func(c *IsingConfig) (string, string) { return "input.file", c.Input.File }, ComputeIsing),
		analyzeDef("analyze-powerlaw", "Power-law fit of a list of values with comparisons and goodness of fit (engram analyze powerlaw)", DefaultPowerlaw,
			func(c *PowerlawConfig) (string, string) { return "input.file", c.Input.File }, ComputePowerlaw),
	}
}

// Env is what an analysis takes from its caller: the memory budget
// (≤ 0: none), a progress reporter for the computation and a log.
type Env struct {
	budget   int64
	progress func(label string) (progress.Reporter, func())
	logf     func(format string, args ...any)
}

// memCheck starts the memory estimate of analysis name of file.
func (e *Env) memCheck(name, file string) *memCheck {
	return &memCheck{name: name, file: file, budget: e.budget}
}

// ComputeBranching estimates the branching ratio (and with timescale the
// integrated autocorrelation time with Sokal's window constant window) of
// the activity in in.File.
func ComputeBranching(ae *Env, in ActivityInput, f MRSettings, timescale bool, window float64) (*Run, error) {
	file := in.File
	method := branching.Method(f.Method)
	if method != branching.StationaryMean && method != branching.TrialSeparated {
		return nil, fmt.Errorf("--method %q: want ts or sm", f.Method)
	}
	models, err := ParseModels(f.Fit)
	if err != nil {
		return nil, err
	}
	if f.KMin < 0 || f.KMax < 0 || f.KStep < 0 {
		return nil, fmt.Errorf("--kmin, --kmax and --kstep must be ≥ 0")
	}
	if timescale && !(window > 0) {
		return nil, fmt.Errorf("--window %v must be positive", window)
	}
	name := "branching"
	if timescale {
		name = "timescale"
	}
	mem := ae.memCheck(name, file)
	o := &branching.Options{Method: method, Models: models, KMin: f.KMin, KMax: f.KMax, KStep: f.KStep, Dt: 1, DtUnit: "bins"}
	switch {
	case f.Bootstrap == 0:
		o.NumBoot = -1
	case f.Bootstrap > 0:
		o.NumBoot = f.Bootstrap
	}
	// With the shape in the header, the analysis is checked before reading;
	// lags that do not fit are reported after reading, with the input's
	// description.
	ahead := func(trials, bins int) error {
		live, detail, err := branchingLive(trials, bins, o, timescale)
		if err != nil {
			return nil
		}
		return mem.check(live, detail)
	}
	act, err := readActivity(&in, mem, file, ahead)
	if err != nil {
		return nil, err
	}
	o.Seed = f.Seed
	if act.BinMs > 0 {
		o.Dt, o.DtUnit = act.BinMs, "ms"
	}
	if act.Hint != "" {
		ae.logf("note: %s: %s", file, act.Hint)
	}
	live, detail, err := branchingLive(act.Trials(), act.Bins(), o, timescale)
	if err != nil {
		return nil, branchingError(file, act, f, err)
	}
	if err := mem.check(live, detail); err != nil {
		return nil, err
	}
	rep, done := ae.progress("branching")
	o.Progress = rep
	res, err := branching.Analyze(act.Counts, o)
	done()
	if err != nil {
		return nil, branchingError(file, act, f, err)
	}
	r := &Run{name: "analyze-branching", file: file, seed: res.Seed, warnings: res.Warnings, memEstimate: mem.estimate()}
	if timescale {
		r.name = "analyze-timescale"
	}
	r.summary = map[string]any{
		"input": act.Source, "trials": act.Trials(), "bins": act.Bins(), "bin_ms": nanIfZero(act.BinMs),
		"m_mr": res.M, "tau_stderr_bins": res.TauStdErr / res.Dt, "uncertainty_method": res.UncertaintyMethod,
		"m_conventional_stderr": res.MConventionalStdErr, "k_step": res.KStep, "num_boot": res.NumBoot, "seed": res.Seed,
		"settings": in.Settings(), "fits": fitSummaries(res),
	}
	if res.Naive != nil {
		r.summary["naive_nonempty_fraction"] = res.Naive.NonEmptyFraction
	}
	var tint *branching.IntegratedTau
	if timescale {
		tint, err = branching.Integrated(act.Counts, method, res.KMax, window)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if !tint.Converged {
			r.warnings = append(r.warnings, fmt.Sprintf("integrated autocorrelation: window not reached within k ≤ %d (raise --kmax); tau_int is a lower bound", res.KMax))
		}
		r.headline = map[string]any{
			"tau_bins": res.TauBins, "tau_stderr_bins": res.TauStdErr / res.Dt, "m": res.M, "fit": string(res.FitModel),
			"method": string(res.Method), "k_min": res.KMin, "k_max": res.KMax,
			"tau_int_bins": tint.Tau, "tau_int_window": tint.Window,
		}
		if act.BinMs > 0 {
			r.headline["tau_ms"] = res.Tau
			r.headline["tau_int_ms"] = tint.Tau * act.BinMs
		}
		r.summary["tau_int_converged"] = tint.Converged
		r.summary["window_c"] = window
	} else {
		r.headline = map[string]any{
			"m": res.M, "m_stderr": res.MStdErr, "tau_bins": res.TauBins, "m_conventional": res.MConventional,
			"m_naive": res.MNaive, "fit": string(res.FitModel), "method": string(res.Method), "k_min": res.KMin, "k_max": res.KMax,
		}
		if act.BinMs > 0 {
			r.headline["tau_ms"] = res.Tau
		}
	}
	r.write = func(env *experiment.Env) error { return writeBranching(env, act, res, tint) }
	return r, nil
}

// branchingLive bounds the live heap of the analysis of the counts read,
// with the figures and tables written; detail describes it for messages.
func branchingLive(t, l int, o *branching.Options, timescale bool) (int64, string, error) {
	co := &branching.CoefficientOptions{Steps: o.Steps, KMin: o.KMin, KMax: o.KMax, KStep: o.KStep}
	ns, kmax, err := branching.StepCount(l, co)
	if err != nil {
		return 0, "", err
	}
	live, err := branching.AnalyzeBytes(t, l, o)
	if err != nil {
		return 0, "", err
	}
	s, models := int64(ns), int64(len(o.Models))
	// The counts, and the coefficient table written with its index.
	live += countsBytes(t, l) + (4+models)*8*s + 64*s
	if timescale { // τ_int recomputes r_k for every k up to k_max
		cb, err := branching.CoefficientsBytes(t, l, &branching.CoefficientOptions{KMin: 1, KMax: kmax})
		if err != nil {
			return 0, "", err
		}
		live += cb + 3*8*int64(kmax)
	}
	return live, fmt.Sprintf("%d trials × %d bins, %d lags", t, l, ns), nil
}

// branchingError adds the file and the relevant flag to a library error.
func branchingError(file string, act *activityio.Activity, f MRSettings, err error) error {
	switch {
	case errors.Is(err, branching.ErrTooShort) && act.Hint != "":
		return fmt.Errorf("%s: %w (read as %d trials of %d bins: %s)", file, err, act.Trials(), act.Bins(), act.Hint)
	case errors.Is(err, branching.ErrTooShort):
		return fmt.Errorf("%s: %w (trials of %d bins; --kmin %d, --kmax %d (mr.k_min, mr.k_max), 0 = default; need 1 ≤ kmin ≤ kmax ≤ L−2, default kmax ⌊L/10⌋)", file, err, act.Bins(), f.KMin, f.KMax)
	case errors.Is(err, branching.ErrTooFewTrials):
		return fmt.Errorf("%s: %w (the file holds %d trial; use --bootstrap 0 or give several trials)", file, err, act.Trials())
	case errors.Is(err, branching.ErrConstant):
		return fmt.Errorf("%s: %w (%d trials × %d bins)", file, err, act.Trials(), act.Bins())
	}
	return fmt.Errorf("%s: %w", file, err)
}

func nanIfZero(v float64) float64 {
	if v == 0 {
		return math.NaN()
	}
	return v
}

func fitSummaries(res *branching.Result) map[string]any {
	out := map[string]any{}
	for _, ft := range res.Fits {
		params := map[string]any{}
		for i, n := range ft.ParamNames {
			params[n] = ft.Params[i]
		}
		out[string(ft.Model)] = map[string]any{
			"m": ft.M, "m_stderr": ft.MStdErr, "tau_bins": ft.Tau / res.Dt, "tau_stderr_bins": ft.TauStdErr / res.Dt,
			"ssr": ft.SSR, "adj_r_squared": ft.AdjRSquared, "converged": ft.Converged, "params": params,
		}
	}
	return out
}

func writeBranching(env *experiment.Env, act *activityio.Activity, res *branching.Result, tint *branching.IntegratedTau) error {
	unit := "bins"
	if act.BinMs > 0 {
		unit = "ms"
	}
	coef := res.Coefficients
	lag := func(steps []int) []float64 {
		x := make([]float64, len(steps))
		for i, k := range steps {
			x[i] = float64(k) * res.Dt
		}
		return x
	}
	x := lag(coef.Steps)
	series := []plot.Series{{Name: "r_k (" + string(res.Method) + ")", X: x, Y: coef.Coefficients, YErr: coef.StdErr, Points: true, Color: plot.AutoColor}}
	var resid []plot.Series
	cols := [][]float64{floatSteps(coef.Steps), x, coef.Coefficients, orNaN(coef.StdErr, len(x))}
	header := []string{"k", "lag_" + unit, "r_k", "r_k_stderr"}
	for _, ft := range res.Fits {
		fx := lag(ft.Steps)
		series = append(series, plot.Series{Name: fmt.Sprintf("%s: m = %.4g", ft.Model, ft.M), X: fx, Y: ft.Fitted, Color: plot.AutoColor})
		rr := make([]float64, len(ft.Fitted))
		for i := range rr {
			rr[i] = ft.Data[i] - ft.Fitted[i]
		}
		resid = append(resid, plot.Series{Name: string(ft.Model), X: fx, Y: rr, Points: true, Color: plot.AutoColor})
		col := make([]float64, len(x))
		for i := range col {
			col[i] = math.NaN()
		}
		pos := map[int]int{}
		for i, k := range coef.Steps {
			pos[k] = i
		}
		for i, k := range ft.Steps {
			if j, ok := pos[k]; ok {
				col[j] = ft.Fitted[i]
			}
		}
		cols = append(cols, col)
		header = append(header, "fitted_"+string(ft.Model))
	}
	if err := store.WriteTSV(env.Path("res", "coefficients.tsv"), header, cols...); err != nil {
		return err
	}
	if err := drawLines(env.Path("figs", "coefficients"), plot.LineSpec{Title: "MR coefficients r_k and fits", XLabel: "lag k·Δt (" + unit + ")", YLabel: "r_k", Series: series, Legend: true}); err != nil {
		return err
	}
	if err := drawLines(env.Path("figs", "residuals"), plot.LineSpec{Title: "fit residuals r_k − fit", XLabel: "lag k·Δt (" + unit + ")", YLabel: "residual", Series: resid, Legend: true}); err != nil {
		return err
	}
	rows := [][]string{}
	for _, ft := range res.Fits {
		rows = append(rows, []string{string(ft.Model), formatNum(ft.M), formatNum(ft.MStdErr), formatNum(ft.Tau / res.Dt), formatNum(ft.TauStdErr / res.Dt), formatNum(ft.Tau), formatNum(ft.SSR), formatNum(ft.AdjRSquared), fmt.Sprint(ft.Converged), ft.UncertaintyMethod, paramString(ft)})
	}
	fitHeader := []string{"model", "m", "m_stderr", "tau_bins", "tau_stderr_bins", "tau_" + unit, "ssr", "adj_r_squared", "converged", "uncertainty", "params"}
	if err := writeTextTSV(env.Path("res", "fits.tsv"), fitHeader, rows); err != nil {
		return err
	}
	r := env.Report
	r.Section("Input")
	r.Paragraph(act.Source)
	r.Section("Branching ratio (multistep regression)")
	r.KeyValues("headline estimate ("+string(res.FitModel)+" fit, "+string(res.Method)+" coefficients)", []report.KV{
		{Key: "m", Value: fmt.Sprintf("%.5g ± %.2g", res.M, res.MStdErr)},
		{Key: "τ", Value: fmt.Sprintf("%.4g ± %.2g", res.TauBins, res.TauStdErr/res.Dt), Unit: "bins"},
		{Key: "m conventional (r₁)", Value: fmt.Sprintf("%.4g ± %.2g", res.MConventional, res.MConventionalStdErr)},
		{Key: "m naive (biased)", Value: fmt.Sprintf("%.4g", res.MNaive)},
		{Key: "k range", Value: fmt.Sprintf("%d..%d", res.KMin, res.KMax)},
		{Key: "uncertainty", Value: res.UncertaintyMethod},
	})
	r.Table("fits (res/fits.tsv)", fitHeader, rows)
	if err := r.Figure(env.Path("figs", "coefficients.png"), "r_k with bootstrap errors and the fitted models (data: figs/coefficients.tsv, res/coefficients.tsv)"); err != nil {
		return err
	}
	if err := r.Figure(env.Path("figs", "residuals.png"), "residuals of each fit (data: figs/residuals.tsv)"); err != nil {
		return err
	}
	if tint != nil {
		xt := make([]float64, len(tint.Steps))
		for i, k := range tint.Steps {
			xt[i] = float64(k)
		}
		line := []plot.Series{{Name: "½ + Σ r_j (j ≤ k)", X: xt, Y: tint.Running}}
		if err := drawLines(env.Path("figs", "integrated_tau"), plot.LineSpec{Title: "integrated autocorrelation time", XLabel: "window k (bins)", YLabel: "τ_int(k) (bins)", Series: line, VLines: []float64{float64(tint.Window)}, Legend: true}); err != nil {
			return err
		}
		r.Section("Integrated autocorrelation time")
		r.KeyValues("Sokal window", []report.KV{{Key: "τ_int", Value: formatNum(tint.Tau), Unit: "bins"}, {Key: "window K", Value: fmt.Sprint(tint.Window), Unit: "bins"}, {Key: "window reached", Value: fmt.Sprint(tint.Converged)}})
		if err := r.Figure(env.Path("figs", "integrated_tau.png"), "running integrated autocorrelation time; dashed line: chosen window (data: figs/integrated_tau.tsv)"); err != nil {
			return err
		}
	}
	return nil
}

func paramString(ft *branching.FitResult) string {
	var s []string
	for i, n := range ft.ParamNames {
		s = append(s, fmt.Sprintf("%s=%.5g", n, ft.Params[i]))
	}
	return strings.Join(s, " ")
}

func floatSteps(s []int) []float64 {
	out := make([]float64, len(s))
	for i, v := range s {
		out[i] = float64(v)
	}
	return out
}

func orNaN(v []float64, n int) []float64 {
	if len(v) == n {
		return v
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = math.NaN()
	}
	return out
}

// formatNum formats a number for report tables (store.FormatFloat: the
// shortest exact decimal, nan, inf).
func formatNum(v float64) string { return store.FormatFloat(v) }

// writeTextTSV writes a table of strings (header line, tab-separated) atomically.
func writeTextTSV(path string, header []string, rows [][]string) error {
	f, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	fmt.Fprintln(f.W, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(f.W, strings.Join(r, "\t"))
	}
	return f.Commit()
}

// ComputeAvalanches extracts and fits the avalanches of the activity in
// cfg.Input.File.
func ComputeAvalanches(ae *Env, cfg *AvalanchesConfig) (*Run, error) {
	f, in, file := &cfg.Avalanches, &cfg.Input, cfg.Input.File
	if f.Threshold < 0 || math.IsNaN(f.Threshold) {
		return nil, fmt.Errorf("--threshold %v must be ≥ 0", f.Threshold)
	}
	if f.GammaMinCount < 1 {
		return nil, fmt.Errorf("--gamma-min-count %d must be ≥ 1", f.GammaMinCount)
	}
	for _, k := range f.Rebin {
		if k < 1 {
			return nil, fmt.Errorf("--rebin %d: factors must be ≥ 1", k)
		}
	}
	mem := ae.memCheck("avalanches", file)
	act, err := readActivity(in, mem, file, nil) // counts are ≥ 0 (activityio checks)
	if err != nil {
		return nil, err
	}
	nav, err := avalanche.Count(act.Counts, f.Threshold)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	// Rebinned copies are analysed one after another: the largest (the
	// smallest factor) bounds them; each has at most as many avalanches.
	// (Merging bins never splits a run, so a rebinned series has at most
	// one avalanche more per trial than there are avalanches.)
	per := avalancheBytes(f.Continuous)
	live := activityBytes(act) + per*int64(nav)
	if len(f.Rebin) > 0 {
		live += activityBytes(act)/int64(slices.Min(f.Rebin)) + per*int64(nav+act.Trials()) + 256*int64(len(f.Rebin))
	}
	if err := mem.check(live, fmt.Sprintf("%d trials × %d bins, %d avalanches", act.Trials(), act.Bins(), nav)); err != nil {
		return nil, err
	}
	av, err := avalanche.ExtractTrials(act.Counts, f.Threshold)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(av) == 0 {
		return nil, fmt.Errorf("%s: no avalanches (no bounded run of bins with count > %v in %d trials × %d bins)", file, f.Threshold, act.Trials(), act.Bins())
	}
	sizes, durs := avalanche.SizesDurations(av)
	o := &avalanche.Options{Continuous: f.Continuous, SizeXMin: f.SizeXMin, DurationXMin: f.DurationXMin,
		GammaDMin: f.GammaDMin, GammaDMax: f.GammaDMax, GammaMinCount: f.GammaMinCount, BinWidth: 1, BinUnit: "bins"}
	if act.BinMs > 0 {
		o.BinWidth, o.BinUnit = act.BinMs, "ms"
	}
	rep, done := ae.progress("avalanches")
	o.Progress = rep
	res, err := avalanche.Analyze(sizes, durs, o)
	done()
	if errors.Is(err, powerlaw.ErrInvalidData) && !f.Continuous {
		return nil, fmt.Errorf("%s: %d avalanches: %w (sizes are not integers: use --continuous for non-integer activity)", file, len(av), err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %d avalanches: %w", file, len(av), err)
	}
	curve, err := avalanche.MeanSizeByDuration(sizes, durs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	byBin := avalanche.ExponentsByBinWidth(act.Counts, f.Threshold, f.Rebin, o)
	r := &Run{name: "analyze-avalanches", file: file, warnings: res.Warnings, memEstimate: mem.estimate()}
	r.headline = map[string]any{
		"n_avalanches": res.NAvalanches, "size_alpha": res.SizeAlpha, "duration_alpha": res.DurationAlpha,
		"gamma_fit": res.GammaFit, "gamma_predicted": res.GammaPredicted,
	}
	r.summary = map[string]any{
		"input": act.Source, "trials": act.Trials(), "bins": act.Bins(), "bin_ms": nanIfZero(act.BinMs), "threshold": f.Threshold,
		"size_alpha_stderr": res.SizeAlphaStdErr, "size_xmin": res.Size.XMin, "size_n_tail": res.Size.NTail, "size_ks_distance": res.Size.KS,
		"duration_alpha_stderr": res.DurationAlphaStdErr, "duration_xmin": res.Duration.XMin, "duration_n_tail": res.Duration.NTail,
		"duration_ks_distance": res.Duration.KS, "gamma_fit_stderr": res.GammaFitStdErr, "gamma_predicted_stderr": res.GammaPredictedStdErr,
		"discrete": !f.Continuous, "settings": in.Settings(),
	}
	if len(byBin) > 0 {
		rows := make([]any, len(byBin))
		for i, b := range byBin {
			rows[i] = binWidthSummary(b)
		}
		r.summary["by_bin_width"] = rows
	}
	r.write = func(env *experiment.Env) error {
		if err := writeAvalanches(env, act, av, res, curve, f.Threshold); err != nil {
			return err
		}
		return writeByBinWidth(env, byBin, res)
	}
	return r, nil
}

func writeAvalanches(env *experiment.Env, act *activityio.Activity, av []avalanche.Avalanche, res *avalanche.Result, curve []avalanche.DurationMean, threshold float64) error {
	start, size, dur := make([]float64, len(av)), make([]float64, len(av)), make([]float64, len(av))
	for i, v := range av {
		start[i], size[i], dur[i] = float64(v.Start), v.Size, float64(v.Duration)
	}
	if err := store.WriteTSV(env.Path("res", "avalanches.tsv"), []string{"start_bin", "size", "duration_bins"}, start, size, dur); err != nil {
		return err
	}
	cd, cs, cn := make([]float64, len(curve)), make([]float64, len(curve)), make([]float64, len(curve))
	for i, c := range curve {
		cd[i], cs[i], cn[i] = c.Duration, c.MeanSize, float64(c.Count)
	}
	if err := store.WriteTSV(env.Path("res", "mean_size_by_duration.tsv"), []string{"duration_bins", "mean_size", "count"}, cd, cs, cn); err != nil {
		return err
	}
	rows := [][]string{
		{"size", formatNum(res.SizeAlpha), formatNum(res.SizeAlphaStdErr), formatNum(res.Size.XMin), fmt.Sprint(res.Size.NTail), formatNum(res.Size.KS), res.Size.Method},
		{"duration", formatNum(res.DurationAlpha), formatNum(res.DurationAlphaStdErr), formatNum(res.Duration.XMin), fmt.Sprint(res.Duration.NTail), formatNum(res.Duration.KS), res.Duration.Method},
	}
	header := []string{"quantity", "alpha", "alpha_stderr", "xmin", "n_tail", "ks_distance", "method"}
	if err := writeTextTSV(env.Path("res", "exponents.tsv"), header, rows); err != nil {
		return err
	}
	sizes, durs := avalanche.SizesDurations(av)
	for _, c := range []struct {
		name, label string
		data        []float64
		fit         *powerlaw.Result
	}{{"size_ccdf", "size S (events)", sizes, res.Size}, {"duration_ccdf", "duration D (bins)", durs, res.Duration}} {
		if err := drawLines(env.Path("figs", c.name), ccdfSpec("CCDF of avalanche "+strings.Fields(c.label)[0], c.label, c.data, c.fit)); err != nil {
			return err
		}
	}
	series := []plot.Series{{Name: "<S>(D)", X: cd, Y: cs, Points: true, Color: 0}}
	if sc := res.Scaling; sc != nil && len(sc.Curve) > 0 {
		lo, hi := sc.Curve[0].Duration, sc.Curve[len(sc.Curve)-1].Duration
		xs := []float64{lo, hi}
		series = append(series, plot.Series{Name: fmt.Sprintf("fit γ = %.3g", sc.Gamma), X: xs, Y: []float64{math.Exp(sc.Intercept) * math.Pow(lo, sc.Gamma), math.Exp(sc.Intercept) * math.Pow(hi, sc.Gamma)}, Color: 1})
		if !math.IsNaN(res.GammaPredicted) {
			mid := math.Sqrt(lo * hi) // anchor the prediction on the fit at the geometric centre
			c := math.Exp(sc.Intercept) * math.Pow(mid, sc.Gamma)
			series = append(series, plot.Series{Name: fmt.Sprintf("predicted γ = %.3g", res.GammaPredicted), X: xs,
				Y: []float64{c * math.Pow(lo/mid, res.GammaPredicted), c * math.Pow(hi/mid, res.GammaPredicted)}, Dashed: true, Color: 2})
		}
	}
	if err := drawLines(env.Path("figs", "mean_size_by_duration"), plot.LineSpec{Title: "mean avalanche size by duration", XLabel: "duration D (bins)", YLabel: "mean size <S>(D)", Series: series, LogX: true, LogY: true, Legend: true}); err != nil {
		return err
	}
	r := env.Report
	r.Section("Input")
	r.Paragraph(act.Source + fmt.Sprintf("; threshold %v; %d avalanches (runs touching a trial's ends dropped).", threshold, len(av)))
	r.Section("Avalanche exponents")
	r.KeyValues(fmt.Sprintf("bin width %g %s", res.BinWidth, res.BinUnit), []report.KV{
		{Key: "α_S (sizes)", Value: fmt.Sprintf("%.4g ± %.2g", res.SizeAlpha, res.SizeAlphaStdErr)},
		{Key: "α_D (durations)", Value: fmt.Sprintf("%.4g ± %.2g", res.DurationAlpha, res.DurationAlphaStdErr)},
		{Key: "γ fit (⟨S⟩ ∝ D^γ)", Value: fmt.Sprintf("%.4g ± %.2g", res.GammaFit, res.GammaFitStdErr)},
		{Key: "γ predicted (α_D−1)/(α_S−1)", Value: fmt.Sprintf("%.4g ± %.2g", res.GammaPredicted, res.GammaPredictedStdErr)},
	})
	r.Table("power-law fits (res/exponents.tsv)", header, rows)
	for _, fig := range []struct{ name, cap string }{
		{"size_ccdf", "CCDF of sizes with the fitted power law on the tail (data: figs/size_ccdf.tsv)"},
		{"duration_ccdf", "CCDF of durations with the fitted power law (data: figs/duration_ccdf.tsv)"},
		{"mean_size_by_duration", "⟨S⟩(D) with the fitted and predicted scaling (data: figs/mean_size_by_duration.tsv, res/mean_size_by_duration.tsv)"},
	} {
		if err := r.Figure(env.Path("figs", fig.name+".png"), fig.cap); err != nil {
			return err
		}
	}
	return nil
}

func binWidthSummary(b avalanche.BinWidthResult) map[string]any {
	m := map[string]any{"factor": b.Factor, "bin_width": b.BinWidth}
	if b.Err != nil {
		m["error"] = b.Err.Error()
		return m
	}
	m["n_avalanches"], m["size_alpha"], m["duration_alpha"] = b.Result.NAvalanches, b.Result.SizeAlpha, b.Result.DurationAlpha
	m["gamma_fit"], m["gamma_predicted"] = b.Result.GammaFit, b.Result.GammaPredicted
	return m
}

func writeByBinWidth(env *experiment.Env, rows []avalanche.BinWidthResult, res *avalanche.Result) error {
	if len(rows) == 0 {
		return nil
	}
	header := []string{"factor", "bin_width_" + res.BinUnit, "n_avalanches", "size_alpha", "size_alpha_stderr", "duration_alpha", "duration_alpha_stderr", "gamma_fit", "gamma_predicted", "error"}
	var table [][]string
	names := []string{"α_S", "α_D", "γ fit", "γ predicted"}
	series := make([]plot.Series, len(names))
	for i := range series {
		series[i] = plot.Series{Name: names[i], Color: i, Points: true}
	}
	for _, b := range rows {
		if b.Err != nil {
			table = append(table, []string{fmt.Sprint(b.Factor), formatNum(b.BinWidth), "", "", "", "", "", "", "", b.Err.Error()})
			continue
		}
		r := b.Result
		table = append(table, []string{fmt.Sprint(b.Factor), formatNum(b.BinWidth), fmt.Sprint(r.NAvalanches), formatNum(r.SizeAlpha), formatNum(r.SizeAlphaStdErr),
			formatNum(r.DurationAlpha), formatNum(r.DurationAlphaStdErr), formatNum(r.GammaFit), formatNum(r.GammaPredicted), ""})
		for i, v := range []float64{r.SizeAlpha, r.DurationAlpha, r.GammaFit, r.GammaPredicted} {
			series[i].X, series[i].Y = append(series[i].X, b.BinWidth), append(series[i].Y, v)
		}
	}
	if err := writeTextTSV(env.Path("res", "exponents_by_bin_width.tsv"), header, table); err != nil {
		return err
	}
	if err := drawLines(env.Path("figs", "exponents_by_bin_width"), plot.LineSpec{Title: "exponents by bin width", XLabel: "bin width (" + res.BinUnit + ")",
		YLabel: "exponent", Series: series, LogX: true, Legend: true}); err != nil {
		return err
	}
	env.Report.Section("Bin-width dependence")
	env.Report.Table("exponents at multiples of the bin width (res/exponents_by_bin_width.tsv)", header, table)
	return env.Report.Figure(env.Path("figs", "exponents_by_bin_width.png"), "exponents by bin width (data: figs/exponents_by_bin_width.tsv)")
}

// ccdfSpec plots the empirical P(X ≥ x) of data and the fitted law on its
// tail, scaled by the tail fraction.
func ccdfSpec(title, xlabel string, data []float64, fit *powerlaw.Result) plot.LineSpec {
	ux, uy := powerlaw.EmpiricalCCDF(data)
	fx, fy := fit.TailCCDF(ux, len(data))
	return plot.LineSpec{Title: title, XLabel: xlabel, YLabel: "P(X ≥ x)", LogX: true, LogY: true, Legend: true,
		Series: []plot.Series{{Name: "data", X: ux, Y: uy, Points: true, Color: 0},
			{Name: fmt.Sprintf("power law α = %.3g, x_min = %.4g", fit.Alpha, fit.XMin), X: fx, Y: fy, Dashed: true, Color: 1}}}
}

// ComputePowerlaw fits a power law to the values in cfg.Input.File.
func ComputePowerlaw(ae *Env, cfg *PowerlawConfig) (*Run, error) {
	f, file := &cfg.Powerlaw, cfg.Input.File
	if !(f.Scale > 0) || math.IsInf(f.Scale, 0) {
		return nil, fmt.Errorf("--scale %v must be positive and finite", f.Scale)
	}
	if f.XMin < 0 || f.SigmaThreshold < 0 || f.GOF < 0 {
		return nil, fmt.Errorf("--xmin, --sigma-threshold and --gof must be ≥ 0")
	}
	mem := ae.memCheck("powerlaw", file)
	in, err := activityio.OpenValues(file, &activityio.ValuesOptions{Array: cfg.Input.Array, Column: cfg.Input.Column, Positive: true})
	if err != nil {
		return nil, err
	}
	defer in.Close()
	lay := in.Layout()
	if err := mem.check(lay.ReadBytes, layoutString(lay)); err != nil {
		return nil, err
	}
	vals, err := in.Read()
	if err != nil {
		return nil, err
	}

	integer := true
	for i := range vals {
		vals[i] *= f.Scale
		if vals[i] != math.Trunc(vals[i]) {
			integer = false
		}
	}
	discrete := integer
	switch {
	case f.Discrete && !integer:
		return nil, fmt.Errorf("%s: --discrete needs integer values ≥ 1 (after --scale %g); use --continuous", file, f.Scale)
	case f.Discrete:
		discrete = true
	case f.Continuous:
		discrete = false
	}
	// The values, the fit and comparisons, one goodness-of-fit set at a
	// time, and the sorted copy and unique values of the CCDF figure.
	per := int64(powerlawBytesPerValue)
	if discrete {
		per = powerlawDiscreteBytesPerValue
	}
	live := int64(len(vals)) * (8 + per + 24)
	if f.GOF > 0 {
		live += int64(len(vals)) * per
	}
	if err := mem.check(live, fmt.Sprintf("%d values", len(vals))); err != nil {
		return nil, err
	}
	rep, done := ae.progress("powerlaw")
	defer done()
	o := &powerlaw.Options{Discrete: discrete, XMin: f.XMin, DiscreteApprox: f.Approx, SigmaThreshold: f.SigmaThreshold, Progress: rep}
	res, err := powerlaw.Fit(vals, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %d values: %w", file, len(vals), err)
	}
	r := &Run{name: "analyze-powerlaw", file: file, memEstimate: mem.estimate()}
	r.headline = map[string]any{"alpha": res.Alpha, "alpha_stderr": res.AlphaStdErr, "xmin": res.XMin, "ks_distance": res.KS, "n_tail": res.NTail}
	r.summary = map[string]any{"n": res.N, "discrete": discrete, "scale": f.Scale, "method": res.Method, "xmin_method": res.XMinMethod,
		"log_likelihood": res.LogLikelihood, "xmin_candidates": res.Candidates}
	var comps []*powerlaw.Comparison
	if f.Compare {
		cm := map[string]any{}
		detail := map[string]any{}
		for _, alt := range powerlaw.Alternatives() {
			c, err := powerlaw.Compare(res, alt)
			if err != nil {
				r.warnings = append(r.warnings, fmt.Sprintf("comparison with %s failed: %v", alt, err))
				cm[string(alt)] = map[string]any{"R": math.NaN(), "p": math.NaN()}
				continue
			}
			comps = append(comps, c)
			cm[string(alt)] = map[string]any{"R": c.R, "p": c.P}
			params := map[string]any{}
			if c.Alt != nil {
				for i, n := range c.Alt.ParamNames {
					params[n] = c.Alt.Params[i]
				}
			}
			detail[string(alt)] = map[string]any{"normalized_R": c.NormalizedR, "nested": c.Nested, "favoured": c.Favoured, "method": c.Method, "params": params}
		}
		r.headline["comparisons"] = cm
		r.summary["comparison_details"] = detail
	}
	var gof *powerlaw.GOFResult
	if f.GOF > 0 {
		seed := f.Seed
		r.seed = seed
		gof, err = powerlaw.GoodnessOfFit(vals, res, &powerlaw.Options{Discrete: discrete, XMin: f.XMin, DiscreteApprox: f.Approx, SigmaThreshold: f.SigmaThreshold},
			&powerlaw.GOFOptions{NumSynthetic: f.GOF, Seed: seed, Progress: rep})
		if err != nil {
			return nil, fmt.Errorf("%s: goodness of fit: %w", file, err)
		}
		r.headline["gof_p"] = gof.P
		r.summary["gof"] = map[string]any{"p": gof.P, "plausible": gof.Plausible, "num_synthetic": gof.NumSynthetic, "failed": gof.Failed, "seed": gof.Seed, "method": gof.Method}
	}
	r.write = func(env *experiment.Env) error { return writePowerlaw(env, file, vals, res, comps, gof) }
	return r, nil
}

func writePowerlaw(env *experiment.Env, file string, vals []float64, res *powerlaw.Result, comps []*powerlaw.Comparison, gof *powerlaw.GOFResult) error {
	fitHeader := []string{"alpha", "alpha_stderr", "xmin", "n_tail", "n", "ks_distance", "log_likelihood", "discrete", "method", "xmin_method"}
	fitRow := [][]string{{formatNum(res.Alpha), formatNum(res.AlphaStdErr), formatNum(res.XMin), fmt.Sprint(res.NTail), fmt.Sprint(res.N), formatNum(res.KS), formatNum(res.LogLikelihood), fmt.Sprint(res.Discrete), res.Method, res.XMinMethod}}
	if err := writeTextTSV(env.Path("res", "fit.tsv"), fitHeader, fitRow); err != nil {
		return err
	}
	if err := drawLines(env.Path("figs", "ccdf"), ccdfSpec("CCDF and fitted power law", "x", vals, res)); err != nil {
		return err
	}
	r := env.Report
	r.Section("Power-law fit")
	r.Paragraph(fmt.Sprintf("%s: %d values.", file, len(vals)))
	r.Table("fit (res/fit.tsv)", fitHeader, fitRow)
	if err := r.Figure(env.Path("figs", "ccdf.png"), "empirical P(X ≥ x) and the fitted power law on the tail, scaled by the tail fraction (data: figs/ccdf.tsv)"); err != nil {
		return err
	}
	if len(comps) > 0 {
		header := []string{"alternative", "R", "normalized_R", "p", "nested", "favoured", "params"}
		var rows [][]string
		for _, c := range comps {
			var ps []string
			if c.Alt != nil {
				for i, n := range c.Alt.ParamNames {
					ps = append(ps, fmt.Sprintf("%s=%.5g", n, c.Alt.Params[i]))
				}
			}
			rows = append(rows, []string{string(c.Alternative), formatNum(c.R), formatNum(c.NormalizedR), formatNum(c.P), fmt.Sprint(c.Nested), c.Favoured, strings.Join(ps, " ")})
		}
		if err := writeTextTSV(env.Path("res", "comparisons.tsv"), header, rows); err != nil {
			return err
		}
		r.Section("Model comparison")
		r.Paragraph("R = Σ ln p_powerlaw − ln p_alt over the tail; R > 0 favours the power law; trust the sign only when p < 0.1.")
		r.Table("log-likelihood ratio tests (res/comparisons.tsv)", header, rows)
	}
	if gof != nil {
		r.Section("Goodness of fit")
		r.KeyValues(gof.Method, []report.KV{{Key: "p", Value: formatNum(gof.P)}, {Key: "plausible (p > 0.1)", Value: fmt.Sprint(gof.Plausible)},
			{Key: "synthetic sets", Value: fmt.Sprint(gof.NumSynthetic)}, {Key: "failed refits", Value: fmt.Sprint(gof.Failed)}, {Key: "seed", Value: fmt.Sprint(gof.Seed)}})
	}
	return nil
}

// figMaxPoints bounds the points drawn per series. gonum/plot needs about
// 160 B and 0.1 ms per point and series (drawing the 50 000 lags of a
// 4 × 500 000-bin input took 13 s and 41 MB), and a figure cannot show more;
// every value is in the res/*.tsv tables, the figure's TSV holds the points
// drawn.
const figMaxPoints = 2000

// drawLines draws spec with every series thinned to figMaxPoints points:
// evenly spaced in x (logarithmically for LogX), first and last kept.
func drawLines(path string, spec plot.LineSpec) error {
	spec.Series = slices.Clone(spec.Series)
	for i := range spec.Series {
		spec.Series[i] = thinSeries(spec.Series[i], spec.LogX, figMaxPoints)
	}
	_, err := plot.Lines(path, spec)
	return err
}

// thinSeries keeps at most maxPoints points of s: the first point in each
// of maxPoints−1 equal cells of x (of ln x when logX and x > 0), and the last point.
// Series not sorted by x are subsampled evenly by index.
func thinSeries(s plot.Series, logX bool, maxPoints int) plot.Series {
	n := len(s.X)
	if n <= maxPoints || maxPoints < 3 {
		return s
	}
	pos := func(x float64) float64 { return x }
	if logX && s.X[0] > 0 {
		pos = math.Log
	}
	byX := sort.Float64sAreSorted(s.X) && pos(s.X[n-1]) > pos(s.X[0])
	lo, hi := pos(s.X[0]), pos(s.X[n-1])
	cells := maxPoints - 1
	keep := make([]int, 0, maxPoints)
	last := -1
	for i := 0; i < n; i++ {
		g := i * (cells - 1) / (n - 1)
		if byX {
			g = int(float64(cells-1) * (pos(s.X[i]) - lo) / (hi - lo))
		}
		if g > last || i == n-1 {
			keep = append(keep, i)
			last = max(last, g)
		}
	}
	pick := func(v []float64) []float64 {
		if v == nil {
			return nil
		}
		out := make([]float64, len(keep))
		for j, i := range keep {
			out[j] = v[i]
		}
		return out
	}
	s.X, s.Y, s.YErr = pick(s.X), pick(s.Y), pick(s.YErr)
	return s
}

// NewEnv is the Env of a caller with the given memory budget (≤ 0: none),
// progress reporters and log.
func NewEnv(budget int64, progress func(label string) (progress.Reporter, func()), logf func(format string, args ...any)) *Env {
	return &Env{budget: budget, progress: progress, logf: logf}
}

// Name is the experiment's name, e.g. "analyze-branching".
func (r *Run) Name() string { return r.name }

// File is the input path.
func (r *Run) File() string { return r.file }

// Seed is the seed recorded in provenance (0 if none is used).
func (r *Run) Seed() uint64 { return r.seed }

// Headline is the headline numbers (the top level of the JSON).
func (r *Run) Headline() map[string]any { return r.headline }

// Summary is everything else (settings, uncertainties, warnings).
func (r *Run) Summary() map[string]any { return r.summary }

// MemEstimate is the peak-memory estimate checked against the budget.
func (r *Run) MemEstimate() int64 { return r.memEstimate }
