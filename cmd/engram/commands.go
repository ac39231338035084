package main

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbdms"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/rundir"
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
	return append([]*cobra.Command{a.demoCmd(), a.runCmd(), a.describeCmd(), a.versionCmd()}, a.extraCommands()...)
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

// resolve decodes a config file (or an experiment name with defaults)
// with the --set and --seed overrides and validates it.
func (a *app) resolve(cmd *cobra.Command, file string, data []byte) (experiment.Def, experiment.Config, error) {
	reg := registry()
	name, err := config.ExperimentName(file, data)
	if err != nil {
		return experiment.Def{}, nil, err
	}
	if name == "" {
		return experiment.Def{}, nil, fmt.Errorf("%s: missing top-level key experiment = \"…\" (known experiments: %s)", file, strings.Join(reg.Names(), ", "))
	}
	def, err := reg.Get(name)
	if err != nil {
		return experiment.Def{}, nil, fmt.Errorf("%s: %v", file, err)
	}
	cfg := def.NewConfig()
	if a.preset != "" {
		pa, ok := cfg.(interface{ ApplyPreset(string) error })
		if !ok {
			return def, nil, fmt.Errorf("--preset: experiment %s has no parameter presets", def.Name)
		}
		if err := pa.ApplyPreset(a.preset); err != nil {
			return def, nil, fmt.Errorf("--preset: %v", err)
		}
	}
	sets := a.sets
	if a.ruleFrom != "" {
		if _, ok := cfg.(interface{ ApplyPreset(string) error }); !ok {
			return def, nil, fmt.Errorf("--rule-from: experiment %s has no rate-memory parameters", def.Name)
		}
		rs, err := ruleFromSets(a.ruleFrom)
		if err != nil {
			return def, nil, fmt.Errorf("--rule-from: %v", err)
		}
		sets = append(rs, a.sets...)
	}
	if _, err := config.Load(file, data, cfg, sets); err != nil {
		return def, nil, err
	}
	if a.fromCheckpoint != "" {
		fc, ok := cfg.(interface{ SetFromCheckpoint(string) })
		if !ok {
			return def, nil, fmt.Errorf("--from-checkpoint: experiment %s cannot start from a checkpoint", def.Name)
		}
		fc.SetFromCheckpoint(a.fromCheckpoint)
	}
	if cmd.Flags().Changed("seed") {
		cfg.SetSeed(a.seed)
	}
	if err := cfg.Validate(); err != nil {
		return def, nil, fmt.Errorf("%s: %v", file, err)
	}
	return def, cfg, nil
}

// budget returns --mem-budget in bytes (0: no limit), as checkFlags
// validated it before the command ran.
func (a *app) budget() int64 { return a.budgetBytes }

func (a *app) runConfig(ctx context.Context, file string, data []byte) error {
	cmd := a.root
	def, cfg, err := a.resolve(cmd, file, data)
	if err != nil {
		return err
	}
	var need int64
	if def.EstimateBytes != nil {
		need = def.EstimateBytes(cfg)
	}
	return a.withRunDir(ctx, RunSpec{Name: def.Name, Seed: cfg.SeedValue(), ConfigTOML: config.Format(cfg, def.Name), MemEstimate: need, Label: file},
		func(env *experiment.Env) (experiment.Summary, error) { return def.Run(ctx, cfg, env) })
}

// RunSpec describes a run for withRunDir.
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
	// ExtraJSON, if set, is called after a successful run; its keys are
	// merged into the top level of the --json object (for commands whose
	// documented output has top-level keys, e.g. capacity's alpha_c).
	ExtraJSON func() map[string]any
}

// withRunDir runs fn inside a new run directory: it checks the memory
// budget, stages the directory (nothing is left behind on failure), writes
// config.resolved.toml, provenance.json and report.html around fn, commits
// the directory and prints the result (JSON with run_dir, report and
// summary under --json).
func (a *app) withRunDir(ctx context.Context, spec RunSpec, fn func(env *experiment.Env) (experiment.Summary, error)) error {
	env := &experiment.Env{Seed: spec.Seed, Workers: a.workers, MemBudget: a.budget()}
	what := spec.Name
	if spec.Label != "" {
		what += " (" + spec.Label + ")"
	}
	if err := env.CheckMemory(spec.MemEstimate, what); err != nil {
		return err
	}
	// the run directory is reserved now, before anything is computed: a
	// second run to the same --out fails here, not after simulating
	var dir *rundir.Dir
	var err error
	if a.out == "" {
		// time + random suffix: runs started in the same second (Slurm
		// array tasks, parallel analyze calls) get distinct directories
		dir, err = rundir.CreateUnique("runs", fmt.Sprintf("%s-%s-s%d", spec.Name, time.Now().Format("20060102-150405"), spec.Seed))
	} else {
		dir, err = rundir.Create(a.out)
	}
	if err != nil {
		return err
	}
	for _, n := range dir.Notes {
		a.logf("engram: %s", n)
	}
	ok := false
	defer func() {
		if !ok {
			dir.Discard()
		}
	}()
	if spec.ConfigTOML != "" {
		if err := os.WriteFile(filepath.Join(dir.Path, "config.resolved.toml"), []byte(spec.ConfigTOML), 0o644); err != nil {
			return err
		}
	}
	prov := rundir.NewProvenance(spec.Name, spec.Seed, env.Workers)
	prov.MemEstimate = spec.MemEstimate
	rep := report.New(fmt.Sprintf("engram %s — %s", spec.Name, filepath.Base(dir.Final)))
	env.Dir, env.Report = dir.Path, rep
	if !a.quiet {
		env.Log = a.stderr
	}
	b := a.newBar(spec.Name)
	env.Progress = b
	a.logf("engram %s: running %s (seed %d, %d workers, estimated memory %s)", rundir.Version, spec.Name, spec.Seed, env.Workers, experiment.FormatBytes(spec.MemEstimate))
	sum, err := fn(env)
	b.Finish()
	if keep := (*experiment.KeepResults)(nil); errors.As(err, &keep) {
		// a failed run whose results so far are kept (e.g. checkpoints)
		prov.Finish("failed")
		if werr := prov.Write(filepath.Join(dir.Path, "provenance.json")); werr != nil {
			return fmt.Errorf("%s: %w", spec.Name, err)
		}
		if cerr := dir.Commit(); cerr != nil {
			return fmt.Errorf("%s: %w", spec.Name, err)
		}
		ok = true
		return fmt.Errorf("%s: %w; the results of the run so far are kept in %s", spec.Name, err, dir.Final)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", spec.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	prov.Finish("ok")
	if sum == nil {
		sum = experiment.Summary{}
	}
	sum["wall_s"] = prov.WallS
	if err := prov.Write(filepath.Join(dir.Path, "provenance.json")); err != nil {
		return err
	}
	if spec.ConfigTOML != "" {
		rep.Section("Configuration")
		rep.Pre("config.resolved.toml (rerun with: engram run config.resolved.toml)", spec.ConfigTOML)
	}
	rep.Section("Provenance")
	rep.KeyValues("", []report.KV{
		{Key: "engram", Value: rundir.Version + " " + prov.Revision}, {Key: "Go", Value: prov.GoVersion},
		{Key: "host", Value: prov.Host}, {Key: "seed", Value: fmt.Sprint(prov.Seed)}, {Key: "workers", Value: fmt.Sprint(prov.Workers)},
		{Key: "wall time", Value: fmt.Sprintf("%.2f", prov.WallS), Unit: "s"}, {Key: "CPU time", Value: fmt.Sprintf("%.2f", prov.CPUS), Unit: "s"},
		{Key: "peak RSS", Value: fmt.Sprintf("%.0f", prov.PeakRSSMiB), Unit: "MiB"},
	})
	if err := rep.WriteFile(filepath.Join(dir.Path, "report.html")); err != nil {
		return err
	}
	if err := dir.Commit(); err != nil {
		return err
	}
	ok = true
	reportPath := filepath.Join(dir.Final, "report.html")
	if a.jsonOut {
		obj := map[string]any{"run_dir": dir.Final, "experiment": spec.Name, "report": reportPath, "summary": sum}
		if spec.ExtraJSON != nil {
			for k, v := range spec.ExtraJSON() {
				obj[k] = v
			}
		}
		return a.emit(obj)
	}
	a.printSummary(sum, "")
	fmt.Fprintf(a.stdout, "run directory: %s\nreport: %s\n", dir.Final, reportPath)
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
				for _, n := range reg.Names() {
					d, _ := reg.Get(n)
					fmt.Fprintf(a.stdout, "%-14s %s\n", n, d.Doc)
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
			if d, ok := cfg.(interface{ Derived() string }); ok && d.Derived() != "" {
				fmt.Fprintf(a.stdout, "\n# derived parameters:\n%s", d.Derived())
			}
			if s, ok := cfg.(interface{ Schedule() string }); ok {
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
