package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/rundir"
)

// ResolveOptions are the overrides Resolve applies on top of the file.
type ResolveOptions struct {
	// Preset is a named parameter set applied to the defaults before the
	// file ("" = none); the config must implement Presetter.
	Preset string
	// PreSets are key=value overrides applied before Sets (e.g. those
	// derived from --rule-from).
	PreSets []string
	// Sets are the --set key=value overrides, applied in order.
	Sets []string
	// Seed, if non-nil, overrides the config's master seed.
	Seed *uint64
	// FromCheckpoint starts the run from a checkpoint of an earlier run
	// ("" = none; applied after Sets); the config must implement
	// CheckpointStarter.
	FromCheckpoint string
}

// CheckpointStarter configs can start from a checkpoint of an earlier run
// (engram run --from-checkpoint FILE).
type CheckpointStarter interface {
	SetFromCheckpoint(path string)
}

// Presetter is experiment.Presetter (configs with named parameter presets).
type Presetter = experiment.Presetter

// Resolve decodes a config file (data is its contents; file names it in
// errors) for the experiment its top-level key `experiment` names, with
// the overrides of opt, and validates it.
func Resolve(reg *experiment.Registry, file string, data []byte, opt ResolveOptions) (experiment.Def, experiment.Config, error) {
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
	if opt.Preset != "" {
		pa, ok := cfg.(Presetter)
		if !ok {
			return def, nil, fmt.Errorf("--preset: experiment %s has no parameter presets", def.Name)
		}
		if err := pa.ApplyPreset(opt.Preset); err != nil {
			return def, nil, fmt.Errorf("--preset: %v", err)
		}
	}
	sets := append(append([]string(nil), opt.PreSets...), opt.Sets...)
	if _, err := config.Load(file, data, cfg, sets); err != nil {
		return def, nil, err
	}
	if opt.FromCheckpoint != "" {
		fc, ok := cfg.(CheckpointStarter)
		if !ok {
			return def, nil, fmt.Errorf("--from-checkpoint: experiment %s cannot start from a checkpoint", def.Name)
		}
		fc.SetFromCheckpoint(opt.FromCheckpoint)
	}
	if opt.Seed != nil {
		cfg.SetSeed(*opt.Seed)
	}
	if err := cfg.Validate(); err != nil {
		return def, nil, fmt.Errorf("%s: %v", file, err)
	}
	return def, cfg, nil
}

// Spec describes a run for Execute.
type Spec struct {
	// Name is the experiment or command name (also the default directory prefix).
	Name string
	// Seed is the master seed recorded in provenance and the summary.
	Seed uint64
	// ConfigTOML is written as config.resolved.toml and shown in the report.
	ConfigTOML string
	// MemEstimate is the estimated peak memory in bytes (checked against
	// Options.MemBudget).
	MemEstimate int64
	// Label names the input (file) in messages.
	Label string
}

// SpecFor is the Spec of an experiment run from a resolved config.
func SpecFor(def experiment.Def, cfg experiment.Config, label string) Spec {
	var need int64
	if def.EstimateBytes != nil {
		need = def.EstimateBytes(cfg)
	}
	return Spec{Name: def.Name, Seed: cfg.SeedValue(), ConfigTOML: config.Format(cfg, def.Name), MemEstimate: need, Label: label}
}

// Options say where and how a run executes.
type Options struct {
	// Out is the run directory to create; "" picks a fresh name under
	// Parent.
	Out string
	// Parent is where default run directories go ("" = "runs").
	Parent string
	// Workers is the goroutine count given to the experiment (≥ 1).
	Workers int
	// MemBudget is the largest allowed estimated memory in bytes (≤ 0: none).
	MemBudget int64
	// Log receives messages (nil: none).
	Log io.Writer
	// Progress receives the experiment's progress (nil: none).
	Progress progress.Reporter
	// Now is the clock for default names (nil: time.Now).
	Now func() time.Time
}

// Result is what a successful run produced.
type Result struct {
	// Dir is the committed run directory.
	Dir string
	// Report is the path of its report.html.
	Report string
	// File is the content of res/summary.json.
	File *SummaryFile
	// Summary is the experiment's summary as returned (plus wall_s).
	Summary experiment.Summary
	// Provenance is what provenance.json holds.
	Provenance *rundir.Provenance
}

// InterruptedSuffix is appended to the run directory of a run stopped by
// its context that saved a resumable state (experiment.Interrupted): the
// state lives in <run dir>.interrupted, the run directory itself stays free.
const InterruptedSuffix = ".interrupted"

// StatusInterrupted is the provenance status of such a run.
const StatusInterrupted = "interrupted"

// StatusFailed is the provenance status of a failed run whose directory is
// kept (experiment.KeepResults).
const StatusFailed = "failed"

type interruptedError struct {
	msg string
	err error
}

func (e *interruptedError) Error() string { return e.msg }
func (e *interruptedError) Unwrap() error { return e.err }

// SummaryPath is where a run directory keeps its summary file.
const SummaryPath = "res/summary.json"

// DefaultName is the default run directory name of a run started at t:
// <name>-<YYYYmmdd-HHMMSS>-s<seed> (CreateUnique adds a random suffix).
func DefaultName(name string, seed uint64, t time.Time) string {
	return fmt.Sprintf("%s-%s-s%d", name, t.Format("20060102-150405"), seed)
}

// Execute runs fn inside a new run directory: it checks the memory
// budget, reserves the directory (nothing is left behind on failure),
// writes config.resolved.toml, provenance.json, res/summary.json and
// report.html around fn and commits the directory.
func Execute(ctx context.Context, spec Spec, opt Options, fn func(env *experiment.Env) (experiment.Summary, error)) (*Result, error) {
	env := &experiment.Env{Seed: spec.Seed, Workers: max(1, opt.Workers), MemBudget: opt.MemBudget, Log: opt.Log, Progress: opt.Progress}
	what := spec.Name
	if spec.Label != "" {
		what += " (" + spec.Label + ")"
	}
	if err := env.CheckMemory(spec.MemEstimate, what); err != nil {
		return nil, err
	}
	// the run directory is reserved now, before anything is computed: a
	// second run to the same target fails here, not after simulating
	var dir *rundir.Dir
	var err error
	if opt.Out == "" {
		parent, now := opt.Parent, opt.Now
		if parent == "" {
			parent = "runs"
		}
		if now == nil {
			now = time.Now
		}
		dir, err = rundir.CreateUnique(parent, DefaultName(spec.Name, spec.Seed, now()))
	} else {
		dir, err = rundir.Create(opt.Out)
	}
	if err != nil {
		return nil, err
	}
	for _, n := range dir.Notes {
		env.Logf("engram: %s", n)
	}
	ok := false
	defer func() {
		if !ok {
			dir.Discard()
		}
	}()
	if spec.ConfigTOML != "" {
		if err := os.WriteFile(filepath.Join(dir.Path, "config.resolved.toml"), []byte(spec.ConfigTOML), 0o644); err != nil {
			return nil, err
		}
	}
	prov := rundir.NewProvenance(spec.Name, spec.Seed, env.Workers)
	prov.MemEstimate = spec.MemEstimate
	prov.MemBudget = opt.MemBudget
	rep := report.New(fmt.Sprintf("engram %s — %s", spec.Name, filepath.Base(dir.Final)))
	env.Dir, env.Report = dir.Path, rep
	env.Logf("engram %s: running %s (seed %d, %d workers, estimated memory %s)", rundir.Version, spec.Name, spec.Seed, env.Workers, experiment.FormatBytes(spec.MemEstimate))
	sum, err := fn(env)
	var intr *experiment.Interrupted
	if errors.As(err, &intr) {
		// keep the saved state where a rerun (or a user) finds it
		prov.Finish(StatusInterrupted)
		_ = prov.Write(filepath.Join(dir.Path, "provenance.json"))
		kept, kerr := dir.KeepAs(InterruptedSuffix)
		if kerr != nil {
			return nil, fmt.Errorf("%s: %w (%v)", spec.Name, err, kerr)
		}
		state := filepath.Join(kept, intr.State)
		msg := fmt.Sprintf("%s: %v", spec.Name, err)
		msg = strings.Replace(msg, intr.State, state, 1)
		if intr.Resume != "" {
			msg += "; continue the dynamics with --set " + fmt.Sprintf(intr.Resume, state)
		}
		return nil, &interruptedError{msg: msg, err: err}
	}
	if keep := (*experiment.KeepResults)(nil); errors.As(err, &keep) {
		// a failed run whose results so far are kept (e.g. the checkpoints
		// of the phases that completed)
		prov.Finish(StatusFailed)
		if werr := prov.Write(filepath.Join(dir.Path, "provenance.json")); werr != nil {
			return nil, fmt.Errorf("%s: %w", spec.Name, err)
		}
		if cerr := dir.Commit(); cerr != nil {
			return nil, fmt.Errorf("%s: %w (the run directory could not be kept: %v)", spec.Name, err, cerr)
		}
		ok = true
		return nil, fmt.Errorf("%s: %w; the results of the run so far are kept in %s", spec.Name, err, dir.Final)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", spec.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	prov.Finish(StatusOK)
	if sum == nil {
		sum = experiment.Summary{}
	}
	sum["wall_s"] = prov.WallS
	if err := prov.Write(filepath.Join(dir.Path, "provenance.json")); err != nil {
		return nil, err
	}
	file := NewSummaryFile(spec.Name, spec.Seed, StatusOK, sum)
	if err := os.MkdirAll(filepath.Join(dir.Path, "res"), 0o755); err != nil {
		return nil, err
	}
	if err := file.Write(filepath.Join(dir.Path, SummaryPath)); err != nil {
		return nil, err
	}
	if spec.ConfigTOML != "" {
		rep.Section("Configuration")
		rep.Pre("config.resolved.toml (rerun with: engram run config.resolved.toml)", spec.ConfigTOML)
	}
	rep.Section("Provenance")
	kv := []report.KV{
		{Key: "engram", Value: rundir.Version + " " + prov.Revision}, {Key: "Go", Value: prov.GoVersion},
		{Key: "host", Value: prov.Host}, {Key: "seed", Value: fmt.Sprint(prov.Seed)}, {Key: "workers", Value: fmt.Sprint(prov.Workers)},
		{Key: "wall time", Value: fmt.Sprintf("%.2f", prov.WallS), Unit: "s"}, {Key: "CPU time", Value: fmt.Sprintf("%.2f", prov.CPUS), Unit: "s"},
		{Key: "peak RSS", Value: fmt.Sprintf("%.0f", prov.PeakRSSMiB), Unit: "MiB"},
	}
	if prov.Slurm != nil {
		kv = append(kv, report.KV{Key: "Slurm job", Value: prov.Slurm.String()})
	}
	rep.KeyValues("", kv)
	if err := rep.WriteFile(filepath.Join(dir.Path, "report.html")); err != nil {
		return nil, err
	}
	if err := dir.Commit(); err != nil {
		return nil, err
	}
	ok = true
	return &Result{Dir: dir.Final, Report: filepath.Join(dir.Final, "report.html"), File: file, Summary: sum, Provenance: prov}, nil
}
