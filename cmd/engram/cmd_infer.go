package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/inferloop"
	"github.com/engramsim/engram/infer"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
)

// inferCommands returns the `infer` command.
func (a *app) inferCommands() []*cobra.Command { return []*cobra.Command{a.inferCmd()} }

// inferExperiments returns the inference experiments (closed loop).
func inferExperiments() []experiment.Def { return []experiment.Def{inferloop.Def()} }

// inferFlags are the flags of `engram infer`.
type inferFlags struct {
	bootstrap   int
	level       float64
	maxGrid     int
	deltaH      string
	transferFit string
	weights     string
	figures     int
	synthetic   string
	n           int
	neurons     int
	noiseSD     float64
}

const inferLong = `Infer each neuron's transfer function φ (logistic: r_max_hz, beta, h0) and the
postsynaptic factor f of its learning rule (C, q_f, beta_f_per_hz, x_f_hz; q_g and
A derived) from its responses to novel and to familiar stimuli (Lim et al. 2015;
method and assumptions: go doc github.com/engramsim/engram/infer).

Input (a file, or a directory whose .csv/.tsv/.npz/.npy files are all read):
  CSV/TSV with a header: neuron,condition,rate_hz (many neurons) or rate_hz,condition
      (one neuron named after the file); condition is novel or familiar.
  .npz with arrays "novel" and "familiar": 1-D = one neuron (named after the file),
      2-D = neurons × stimuli (row k is neuron <file>_<k>; both arrays need the same
      number of rows). NaN marks a missing value, so ragged data can be NaN-padded.
  .npy of shape (2, S) (row 0 novel, row 1 familiar: one neuron) or (M, 2, S)
      (M neurons <file>_<k>); NaN = missing.
  Every neuron needs at least 20 finite, non-negative rates per condition.
Without data: --synthetic median|itc1…itc14|itc draws --n novel and --n familiar
responses per neuron from a known truth (itc = one neuron per ITC fit) and reports
the recovery errors; the generated data are written to rec/synthetic.csv.

Run directory: res/params.tsv (one row per neuron, every parameter with ci_lo/ci_hi),
res/params.json (the --json neurons list), res/rule_preset_<id>.toml ([transfer] and
[rule] sections of pb-dms: append to a pb-dms config that has no such tables of its
own, or use the --set line in its header), figs/ (rate histograms, φ, Δh vs r,
population x_f), report.html. --json prints {"neurons": [...], "method", "run_dir",
"report", "summary", ...}.`

func (a *app) inferCmd() *cobra.Command {
	f := &inferFlags{}
	cmd := &cobra.Command{
		Use:   "infer [file|dir]",
		Short: "Infer transfer function and learning rule from novel vs familiar response distributions (Lim et al. 2015)",
		Long:  inferLong,
		Example: `  engram infer rates.csv --bootstrap 500
  engram infer data/ --json
  engram infer --synthetic median --n 1000`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runInfer(cmd, f, args)
		},
	}
	fs := cmd.Flags()
	fs.IntVar(&f.bootstrap, "bootstrap", 200, "bootstrap replicates per neuron (0 = no CIs)")
	fs.Float64Var(&f.level, "level", 0.95, "two-sided confidence level of the percentile intervals")
	fs.IntVar(&f.maxGrid, "max-grid", 400, "maximum number of quantile levels used by the fits")
	fs.StringVar(&f.deltaH, "delta-h", "logistic", "familiar-input estimator: logistic (fitted φ⁻¹) or empirical (literal quantile formula)")
	fs.StringVar(&f.transferFit, "transfer-fit", "inverse", "φ fit criterion: inverse (in input units) or rate (in Hz)")
	fs.StringVar(&f.weights, "weights", "uniform", "weights of the Δh fit: uniform or inverse-variance")
	fs.IntVar(&f.figures, "figures", 20, "draw per-neuron figures for the first N neurons")
	fs.StringVar(&f.synthetic, "synthetic", "", "no data: draw synthetic responses from preset median, itc1…itc14, or itc (all 14)")
	fs.IntVar(&f.n, "n", 1000, "--synthetic: responses per condition and neuron")
	fs.IntVar(&f.neurons, "neurons", 1, "--synthetic: neurons per preset (independent draws)")
	fs.Float64Var(&f.noiseSD, "noise-sd", 0, "--synthetic: multiplicative measurement noise SD (r·(1+σε), clipped at 0)")
	return cmd
}

// Bounds of the infer flags: far above any useful value (the defaults are
// 200 replicates and 400 levels), low enough that counts cannot overflow
// the memory estimate.
const (
	maxBootstrap = 1_000_000
	maxInferGrid = 1_000_000
)

// options converts the flags into infer.Options.
func (f *inferFlags) options(seed uint64, workers int) (*infer.Options, error) {
	o := &infer.Options{Bootstrap: f.bootstrap, Seed: seed, Level: f.level, Workers: workers, MaxGrid: f.maxGrid}
	switch {
	case f.bootstrap < 0 || f.bootstrap > maxBootstrap:
		return nil, fmt.Errorf("--bootstrap = %d must be in [0, %d]", f.bootstrap, maxBootstrap)
	case f.bootstrap == 0:
		o.Bootstrap = -1
	}
	if !(f.level > 0 && f.level < 1) {
		return nil, fmt.Errorf("--level = %v must be in (0, 1)", f.level)
	}
	if f.maxGrid < 10 || f.maxGrid > maxInferGrid {
		return nil, fmt.Errorf("--max-grid = %d must be in [10, %d]", f.maxGrid, maxInferGrid)
	}
	switch f.deltaH {
	case "logistic":
	case "empirical":
		o.DeltaH = infer.DeltaHEmpirical
	default:
		return nil, fmt.Errorf("--delta-h = %q: want logistic or empirical", f.deltaH)
	}
	switch f.transferFit {
	case "inverse":
	case "rate":
		o.TransferFit = infer.TransferFitRate
	default:
		return nil, fmt.Errorf("--transfer-fit = %q: want inverse or rate", f.transferFit)
	}
	switch f.weights {
	case "uniform":
	case "inverse-variance":
		o.RuleWeights = infer.WeightInverseVariance
	default:
		return nil, fmt.Errorf("--weights = %q: want uniform or inverse-variance", f.weights)
	}
	if f.figures < 0 {
		return nil, fmt.Errorf("--figures = %d must be ≥ 0", f.figures)
	}
	return o, nil
}

// synthTruth is one synthetic neuron's ground truth.
type synthTruth struct {
	ID     string
	Preset string
	Params infer.Params
}

// synthesize draws the --synthetic data set, refusing before drawing a set
// whose estimated memory exceeds budget (bytes, ≤ 0: none).
func (f *inferFlags) synthesize(seed uint64, budget int64) (*infer.Dataset, []synthTruth, error) {
	var fits []ratefn.ITCFit
	var names []string
	switch p := f.synthetic; {
	case p == "itc":
		for k, ft := range ratefn.ITCFits() {
			fits, names = append(fits, ft), append(names, fmt.Sprintf("itc%d", k+1))
		}
	case p == "median":
		fits = []ratefn.ITCFit{{RMaxHz: ratefn.MedianRMaxHz, Beta: ratefn.MedianBeta, H0: ratefn.MedianH0, A: ratefn.MedianA,
			QF: ratefn.MedianQF, BetaFPerHz: ratefn.MedianBetaFPerHz, XF: ratefn.MedianXFHz}}
		names = []string{"median"}
	default:
		var k int
		if _, err := fmt.Sscanf(p, "itc%d", &k); err != nil || k < 1 || k > 14 || p != fmt.Sprintf("itc%d", k) {
			return nil, nil, fmt.Errorf("--synthetic = %q: want median, itc1 … itc14 or itc", p)
		}
		fits, names = []ratefn.ITCFit{ratefn.ITCFits()[k-1]}, []string{p}
	}
	if f.n < infer.MinSamplesPerCondition {
		return nil, nil, fmt.Errorf("--n = %d: need at least %d responses per condition", f.n, infer.MinSamplesPerCondition)
	}
	if f.neurons < 1 {
		return nil, nil, fmt.Errorf("--neurons = %d must be ≥ 1", f.neurons)
	}
	if !(f.noiseSD >= 0) || math.IsInf(f.noiseSD, 0) {
		return nil, nil, fmt.Errorf("--noise-sd = %v must be a finite number ≥ 0", f.noiseSD)
	}
	// as runInfer's estimate: 2 conditions × n responses × 8 B × 4 copies,
	// in float64 so that no count can overflow it
	if need := float64(len(fits)) * float64(f.neurons) * float64(f.n) * 2 * 8 * 4; budget > 0 && need > float64(budget) {
		return nil, nil, fmt.Errorf("--synthetic: %d neuron(s) × 2 × --n %d responses need an estimated %.3g GiB of memory, above the budget of %s (raise --mem-budget or lower --n/--neurons)",
			len(fits)*f.neurons, f.n, need/(1<<30), experiment.FormatBytes(budget))
	}
	ds := &infer.Dataset{Source: "synthetic:" + f.synthetic}
	var truths []synthTruth
	key := uint64(0)
	for i, ft := range fits {
		truth, err := infer.ParamsFromITC(ft)
		if err != nil {
			return nil, nil, fmt.Errorf("--synthetic %s: %v", names[i], err)
		}
		spec := infer.SynthSpecFromParams(truth)
		spec.NNovel, spec.NFamiliar = f.n, f.n
		if f.noiseSD > 0 {
			spec.Noise, spec.NoiseSD = infer.Multiplicative, f.noiseSD
		}
		for j := 0; j < f.neurons; j++ {
			id := names[i]
			if f.neurons > 1 {
				id = fmt.Sprintf("%s_%d", names[i], j)
			}
			nd, err := infer.Synthesize(id, spec, rng.New(seed, rng.Synthetic, key))
			key++
			if err != nil {
				return nil, nil, err
			}
			ds.Neurons = append(ds.Neurons, nd)
			truths = append(truths, synthTruth{ID: id, Preset: names[i], Params: truth})
		}
	}
	return ds, truths, nil
}

// writeSyntheticCSV writes the generated data in the neuron,condition,rate_hz layout.
func writeSyntheticCSV(path string, ds *infer.Dataset) error {
	var b strings.Builder
	b.WriteString("neuron,condition,rate_hz\n")
	for _, nd := range ds.Neurons {
		for _, c := range []struct {
			cond string
			v    []float64
		}{{infer.CondNovel, nd.Novel}, {infer.CondFamiliar, nd.Familiar}} {
			for _, v := range c.v {
				fmt.Fprintf(&b, "%s,%s,%s\n", nd.ID, c.cond, strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// writeSyntheticErrors writes res/truth.tsv: per neuron and parameter the
// truth, the estimate, the relative error and whether the CI covers it.
func writeSyntheticErrors(path string, truths []synthTruth, res []infer.NeuronResult) (map[string]any, error) {
	w, err := store.NewTSVWriter(path, []string{"id", "preset", "param", "truth", "recovered", "rel_err", "ci_lo", "ci_hi", "ci_covers_truth", "at_bound"})
	if err != nil {
		return nil, err
	}
	rel := map[string][]float64{}
	for i, r := range res {
		errs := infer.CompareParams(truths[i].Params, r.Params())
		for k, e := range inferloop.Estimates(r) {
			pe := errs[k]
			cov := e.Lo <= pe.Truth && pe.Truth <= e.Hi
			if err := w.Row(r.ID, truths[i].Preset, pe.Name, pe.Truth, pe.Recovered, pe.RelErr, e.Lo, e.Hi, cov, e.AtBound); err != nil {
				w.Abort()
				return nil, err
			}
			rel[pe.Name] = append(rel[pe.Name], pe.RelErr)
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for n, v := range rel {
		sort.Float64s(v)
		out[n] = v[len(v)/2]
	}
	return out, nil
}

func (a *app) runInfer(cmd *cobra.Command, f *inferFlags, args []string) error {
	seed := uint64(1)
	if cmd.Flags().Changed("seed") {
		seed = a.seed
	}
	opts, err := f.options(seed, a.workers)
	if err != nil {
		return err
	}
	var ds *infer.Dataset
	var truths []synthTruth
	label := ""
	switch {
	case f.synthetic != "" && len(args) > 0:
		return fmt.Errorf("give either a data file/directory or --synthetic, not both")
	case f.synthetic != "":
		if ds, truths, err = f.synthesize(seed, a.budget()); err != nil {
			return err
		}
		label = "synthetic " + f.synthetic
	case len(args) == 1:
		if ds, err = infer.ReadInput(args[0]); err != nil {
			return err
		}
		label = args[0]
	default:
		return fmt.Errorf("infer: need a data file or directory (or --synthetic median to try it without data); see engram infer --help")
	}
	var need int64
	for _, nd := range ds.Neurons {
		need += int64(len(nd.Novel)+len(nd.Familiar)) * 8 * 4
	}
	need += int64(len(ds.Neurons)) * int64(f.bootstrap+1) * 2048
	var res []infer.NeuronResult
	extra := map[string]any{}
	cmdline := "engram " + strings.Join(commandLine(cmd, args), " ")
	return a.withRunDir(cmd.Context(), RunSpec{Name: "infer", Seed: seed, MemEstimate: need, Label: label, ExtraJSON: func() map[string]any { return extra }},
		func(env *experiment.Env) (experiment.Summary, error) {
			opts.Workers = env.Workers
			opts.Progress = env.Progress
			if err := os.WriteFile(env.Path("command.txt"), []byte(cmdline+"\n"), 0o644); err != nil {
				return nil, err
			}
			if truths != nil {
				if err := writeSyntheticCSV(env.Path("rec", "synthetic.csv"), ds); err != nil {
					return nil, err
				}
			}
			a.logf("infer: %d neuron(s) from %s, %d bootstrap replicates", len(ds.Neurons), label, f.bootstrap)
			var err error
			if res, err = infer.InferAllContext(cmd.Context(), ds, opts); err != nil {
				return nil, err
			}
			rep := env.Report
			rep.Section("Command")
			rep.Pre("command line", cmdline)
			rep.Section("Inference of φ and of the learning rule (Lim et al. 2015)")
			rep.Paragraph(fmt.Sprintf("Data: %s — %d neuron(s). Method: %s. Assumptions (package infer): Gaussian novel input h ~ N(0,1) (so h, h0 and C are in SDs of a neuron's novel input), the same φ after learning, Δh = C·f(r^N) (one pattern; feedback and crosstalk neglected), rank preservation between novel and familiar quantiles. g is assumed to have f's shape; q_g solves E[g] = 0; A = C/E[g(φ̂)φ̂] is an [inferred] conversion.",
				label, len(ds.Neurons), infer.Method))
			presets, err := inferloop.WriteOutputs(env.Dir, ds.Neurons, res, label, f.figures, rep)
			if err != nil {
				return nil, err
			}
			b, err := json.MarshalIndent(infer.NewReport(res), "", "  ")
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(env.Path("res", "params.json"), append(b, '\n'), 0o644); err != nil {
				return nil, err
			}
			sb, err := json.MarshalIndent(map[string]any{"source": label, "settings": res[0].Settings, "command": cmdline}, "", "  ")
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(env.Path("res", "settings.json"), append(sb, '\n'), 0o644); err != nil {
				return nil, err
			}
			a.logf("%-16s %9s %7s %7s %7s %7s %9s %7s", "neuron", "r_max_hz", "beta", "h0", "C", "q_f", "x_f_hz", "q_g")
			for _, r := range res {
				p := r.Params()
				a.logf("%-16s %9.4g %7.4g %7.4g %7.4g %7.4g %9.4g %7.4g", r.ID, p.RMaxHz, p.Beta, p.H0, p.C, p.QF, p.XFHz, p.QG)
			}
			nWarn, nRank := 0, 0
			for _, r := range res {
				nWarn += len(r.Warnings)
				if r.Rank.Violated {
					nRank++
				}
				for _, w := range r.Warnings {
					a.logf("warning: neuron %s: %s", r.ID, w)
				}
			}
			sum := experiment.Summary{"source": label, "n_neurons": len(res), "bootstrap": f.bootstrap, "level": f.level,
				"warnings": nWarn, "rank_preservation_flags": nRank, "params_tsv": filepath.Join("res", "params.tsv"),
				"rule_presets": len(presets)}
			if len(res) == 1 {
				p := res[0].Params()
				sum["beta"], sum["r_max_hz"], sum["h0"], sum["x_f_hz"], sum["q_f"] = p.Beta, p.RMaxHz, p.H0, p.XFHz, p.QF
			}
			if truths != nil {
				med, err := writeSyntheticErrors(env.Path("res", "truth.tsv"), truths, res)
				if err != nil {
					return nil, err
				}
				sum["median_rel_err"] = med
				var tj []map[string]any
				for _, t := range truths {
					tj = append(tj, map[string]any{"id": t.ID, "preset": t.Preset, "r_max_hz": t.Params.RMaxHz, "beta": t.Params.Beta, "h0": t.Params.H0,
						"C": t.Params.C, "A": t.Params.A, "q_f": t.Params.QF, "beta_f_per_hz": t.Params.BetaFPerHz, "x_f_hz": t.Params.XFHz, "q_g": t.Params.QG})
				}
				extra["truth"] = tj
				rep.Section("Synthetic ground truth")
				rep.Paragraph(fmt.Sprintf("Data drawn with infer.Synthesize from %s (h ~ N(0,1), r^N = φ(h), r^F = φ(h + C f(r^N)), %d responses per condition, multiplicative noise SD %g); generated data in rec/synthetic.csv, per-parameter errors in res/truth.tsv.",
					f.synthetic, f.n, f.noiseSD))
				var rows [][]string
				for i, r := range res {
					for _, e := range infer.CompareParams(truths[i].Params, r.Params()) {
						rows = append(rows, []string{r.ID, e.Name, fmt.Sprintf("%.4g", e.Truth), fmt.Sprintf("%.4g", e.Recovered), fmt.Sprintf("%+.3f", e.RelErr)})
					}
				}
				rep.Table("Truth vs recovered (relative error; absolute where the truth is 0)", []string{"neuron", "param", "truth", "recovered", "rel err"}, rows)
			}
			extra["neurons"] = res
			extra["method"] = infer.Method
			return sum, nil
		})
}
