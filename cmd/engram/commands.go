package main

import (
	"context"
	_ "embed"
	"fmt"
	"runtime"
	"sort"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbdms"
	"github.com/engramsim/engram/rundir"
	"github.com/engramsim/engram/runner"
)

//go:embed demo.toml
var demoConfig []byte

// registry returns every experiment the CLI can run.
func registry() *experiment.Registry {
	r := experiment.NewRegistry()
	r.Add(pbdms.Def(pbdms.PaperDefaults))
	for _, d := range extraExperiments() {
		r.Add(d)
	}
	return r
}

func (a *app) commands() []*cobra.Command {
	return append([]*cobra.Command{a.demoCmd(), a.runCmd(), a.describeCmd(), a.sweepCmd(), a.versionCmd()}, a.extraCommands()...)
}

func (a *app) presetFlag(c *cobra.Command) *cobra.Command {
	c.Flags().StringVar(&a.preset, "preset", "", "rate-memory parameter set applied before the file and --set: median or itc1 … itc14 (the 14 ITC fits)")
	c.Flags().StringVar(&a.ruleFrom, "rule-from", "", "φ and learning rule inferred by `engram infer`: its params.json or run directory, with #ID to pick a neuron (applied after the file, before --set)")
	return c
}

func (a *app) demoCmd() *cobra.Command {
	return a.presetFlag(&cobra.Command{
		Use:   "demo",
		Short: "Run the rate attractor-memory demo (embedded config, about a minute on 2 cores) and write its report",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runConfig(cmd.Context(), "demo (embedded)", demoConfig)
		},
	})
}

func (a *app) runCmd() *cobra.Command {
	c := a.presetFlag(&cobra.Command{
		Use:   "run <experiment.toml>",
		Short: "Run the experiment a config file describes (its top-level key `experiment` names it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := config.ReadFile(args[0])
			if err != nil {
				return err
			}
			return a.runConfig(cmd.Context(), args[0], data)
		},
	})
	c.Flags().StringVar(&a.fromCheckpoint, "from-checkpoint", "", "start from a checkpoint of an earlier run of the same network (stdp-memory: e.g. <run>/rec/checkpoint_consolidate.gob, running its run.from_phase, default recall; applied after --set)")
	return c
}

// resolveOptions are the overrides the flags give: --preset,
// --rule-from, --set and --seed.
func (a *app) resolveOptions(cmd *cobra.Command, file string, data []byte) (runner.ResolveOptions, error) {
	opt := runner.ResolveOptions{Preset: a.preset, Sets: a.sets, FromCheckpoint: a.fromCheckpoint}
	if cmd.Flags().Changed("seed") {
		opt.Seed = &a.seed
	}
	if a.ruleFrom != "" {
		if name, err := config.ExperimentName(file, data); err == nil {
			if def, err := registry().Get(name); err == nil {
				if _, ok := def.NewConfig().(runner.Presetter); !ok {
					return opt, fmt.Errorf("--rule-from: experiment %s has no rate-memory parameters", def.Name)
				}
			}
		}
		rs, err := ruleFromSets(a.ruleFrom)
		if err != nil {
			return opt, fmt.Errorf("--rule-from: %v", err)
		}
		opt.PreSets = rs
	}
	return opt, nil
}

// resolve decodes a config file (or an experiment name with defaults)
// with the flags' overrides and validates it.
func (a *app) resolve(cmd *cobra.Command, file string, data []byte) (experiment.Def, experiment.Config, error) {
	opt, err := a.resolveOptions(cmd, file, data)
	if err != nil {
		return experiment.Def{}, nil, err
	}
	return runner.Resolve(registry(), file, data, opt)
}

// budget returns --mem-budget in bytes (0: no limit), as checkFlags
// validated it before the command ran.
func (a *app) budget() int64 { return a.budgetBytes }

func (a *app) runConfig(ctx context.Context, file string, data []byte) error {
	opt, err := a.resolveOptions(a.root, file, data)
	if err != nil {
		return err
	}
	return a.runResolved(ctx, file, data, opt, a.out)
}

// runResolved runs the experiment of a config file with the overrides opt
// into the run directory out ("" = a fresh default name under runs/).
func (a *app) runResolved(ctx context.Context, file string, data []byte, opt runner.ResolveOptions, out string) error {
	def, cfg, err := runner.Resolve(registry(), file, data, opt)
	if err != nil {
		return err
	}
	spec := runner.SpecFor(def, cfg, file)
	return a.withRunDir(ctx, RunSpec{Name: spec.Name, Seed: spec.Seed, ConfigTOML: spec.ConfigTOML, MemEstimate: spec.MemEstimate, Label: file, Out: out},
		func(env *experiment.Env) (experiment.Summary, error) { return def.Run(ctx, cfg, env) })
}

// RunSpec describes a run for withRunDir: runner.Spec plus what the CLI
// prints.
type RunSpec struct {
	// Name is the experiment or command name (also the default directory prefix).
	Name string
	// Seed is the master seed recorded in provenance.
	Seed uint64
	// ConfigTOML is written as config.resolved.toml and shown in the report.
	ConfigTOML string
	// MemEstimate is the estimated peak memory (checked against --mem-budget).
	MemEstimate int64
	// Label names the input (file) in messages.
	Label string
	// Out is the run directory ("" = --out, or a default name).
	Out string
	// ExtraJSON, if set, is called after a successful run; its keys are
	// merged into the top level of the --json object (for commands whose
	// documented output has top-level keys, e.g. capacity's alpha_c).
	ExtraJSON func() map[string]any
}

// withRunDir runs fn through runner.Execute (run directory, provenance,
// res/summary.json, report) and prints the result: under --json the
// object of res/summary.json plus run_dir and report (and ExtraJSON's
// keys), else the summary's scalars as key = value lines.
func (a *app) withRunDir(ctx context.Context, spec RunSpec, fn func(env *experiment.Env) (experiment.Summary, error)) error {
	b := a.newBar(spec.Name)
	out := spec.Out
	if out == "" {
		out = a.out
	}
	opt := runner.Options{Out: out, Workers: a.workers, MemBudget: a.budget(), Progress: b}
	if !a.quiet {
		opt.Log = a.stderr
	}
	res, err := runner.Execute(ctx, runner.Spec{Name: spec.Name, Seed: spec.Seed, ConfigTOML: spec.ConfigTOML, MemEstimate: spec.MemEstimate, Label: spec.Label}, opt, fn)
	b.Finish()
	if err != nil {
		return err
	}
	if a.jsonOut {
		f := res.File
		obj := map[string]any{"experiment": f.Experiment, "seed": f.Seed, "status": f.Status, "metrics": f.Metrics, "summary": f.Summary,
			"run_dir": res.Dir, "report": res.Report}
		if spec.ExtraJSON != nil {
			for k, v := range spec.ExtraJSON() {
				obj[k] = v
			}
		}
		return a.emit(obj)
	}
	a.printSummary(res.Summary, "")
	fmt.Fprintf(a.stdout, "run directory: %s\nreport: %s\n", res.Dir, res.Report)
	return nil
}

// printSummary prints scalar summary entries as key = value lines.
func (a *app) printSummary(sum map[string]any, prefix string) {
	keys := make([]string, 0, len(sum))
	for k := range sum {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := sum[k].(type) {
		case map[string]any:
			a.printSummary(v, prefix+k+".")
		case []float64:
		case float64:
			fmt.Fprintf(a.stdout, "%s%s = %.4g\n", prefix, k, v)
		default:
			fmt.Fprintf(a.stdout, "%s%s = %v\n", prefix, k, v)
		}
	}
}

func (a *app) describeCmd() *cobra.Command {
	return a.presetFlag(&cobra.Command{
		Use:   "describe [experiment.toml | experiment-name | demo]",
		Short: "Print the fully resolved config (defaults, file, --set) with units; without argument, list experiments",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg := registry()
			if len(args) == 0 {
				if a.jsonOut {
					return a.emit(map[string]any{"experiments": reg.Names()})
				}
				width := 0
				for _, n := range reg.Names() {
					width = max(width, len(n))
				}
				for _, n := range reg.Names() {
					d, _ := reg.Get(n)
					fmt.Fprintf(a.stdout, "%-*s  %s\n", width, n, d.Doc)
				}
				return nil
			}
			file, data := args[0], []byte(nil)
			switch _, err := reg.Get(args[0]); {
			case args[0] == "demo":
				file, data = "demo (embedded)", demoConfig
			case err == nil:
				data = []byte(fmt.Sprintf("experiment = %q\n", args[0]))
			default:
				var rerr error
				if data, rerr = config.ReadFile(args[0]); rerr != nil {
					return rerr
				}
			}
			def, cfg, err := a.resolve(cmd, file, data)
			if err != nil {
				return err
			}
			var need int64
			if def.EstimateBytes != nil {
				need = def.EstimateBytes(cfg)
			}
			text := config.Format(cfg, def.Name)
			if a.jsonOut {
				return a.emit(map[string]any{"experiment": def.Name, "config_toml": text, "mem_estimate_bytes": need})
			}
			fmt.Fprintf(a.stdout, "# %s — %s\n# estimated memory: %s\n%s", def.Name, def.Doc, experiment.FormatBytes(need), text)
			if d, ok := cfg.(experiment.Deriver); ok && d.Derived() != "" {
				fmt.Fprintf(a.stdout, "\n# derived parameters:\n%s", d.Derived())
			}
			if s, ok := cfg.(experiment.Scheduler); ok {
				fmt.Fprintf(a.stdout, "\n# per-step schedule:\n%s", s.Schedule())
			}
			return nil
		},
	})
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print engram's version, VCS revision and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rev, mod := rundir.VCS()
			v := map[string]any{"version": rundir.Version, "revision": rev, "modified": mod, "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH}
			if a.jsonOut {
				return a.emit(v)
			}
			fmt.Fprintf(a.stdout, "engram %s (revision %s, modified %v) %s %s/%s\n", rundir.Version, rev, mod, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
