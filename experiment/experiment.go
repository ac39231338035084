// Package experiment defines how named experiments plug into engram.
//
// An experiment is a plain Go function over a typed config: it receives a
// run environment (run directory, seed, workers, progress, memory budget and
// the report being built), writes arrays, tables and figures into the run
// directory, adds sections to the report and returns a JSON-able summary.
// The CLI owns everything around it: config decoding and overrides, the run
// directory's life cycle, provenance, the --json output and the final
// report file.
//
// Experiments register in a Registry (held by the CLI, no globals):
//
//	reg := experiment.NewRegistry()
//	reg.Add(pbdms.Def(pbdms.PaperDefaults))
//	def, err := reg.Get("pb-dms")
//	cfg := def.NewConfig() // defaults; config.Load fills it, cfg.Validate checks it
//
// (ExampleRegistry runs it.) A package defines its Def with Typed, which
// keeps the conversion from Config to its own config type in one place:
//
//	func Def() experiment.Def {
//		return experiment.Typed("spiking", "…", Defaults, RunExperiment, (*Config).EstimateBytes)
//	}
//
// Optional capabilities of a config (Presetter, Deriver, Scheduler) are
// interfaces the CLI looks for. The run life cycle around Run (resolving
// the config, the run directory, res/summary.json, provenance) is package
// runner.
package experiment

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"

	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/report"
)

// Env is what a running experiment may use.
type Env struct {
	// Dir is the run directory; it exists and holds rec/, res/, figs/.
	Dir string
	// Seed is the master seed of the run (config network.seed or --seed).
	Seed uint64
	// Workers is the goroutine count for parallel kernels (≥ 1).
	Workers int
	// Progress receives progress updates (may be nil).
	Progress progress.Reporter
	// MemBudget is the largest allowed estimated memory in bytes (≤ 0: no limit).
	MemBudget int64
	// Log receives human-readable messages (stderr in the CLI; never stdout).
	Log io.Writer
	// Report is the run's report; experiments add their sections to it.
	Report *report.Report
}

// Path joins elements under the run directory and creates the parent
// directory of the result.
func (e *Env) Path(elem ...string) string {
	p := filepath.Join(append([]string{e.Dir}, elem...)...)
	_ = os.MkdirAll(filepath.Dir(p), 0o755)
	return p
}

// Logf writes a message to Log if set.
func (e *Env) Logf(format string, args ...any) {
	if e.Log != nil {
		fmt.Fprintf(e.Log, format+"\n", args...)
	}
}

// CheckMemory returns an error when need exceeds the budget; what says what
// the memory is for and is part of the message.
func (e *Env) CheckMemory(need int64, what string) error {
	if need < 0 { // an estimate that overflowed (SaturateBytes prevents it)
		return fmt.Errorf("%s: the memory estimate overflowed: the run is far larger than any machine", what)
	}
	if e.MemBudget > 0 && need > e.MemBudget {
		return fmt.Errorf("%s needs an estimated %s of memory, above the budget of %s (raise --mem-budget or shrink the run)",
			what, FormatBytes(need), FormatBytes(e.MemBudget))
	}
	return nil
}

// SaturateBytes converts an estimate computed in float64 (so that no
// product of counts can overflow) to bytes, saturating at math.MaxInt64;
// NaN gives MaxInt64 too (an estimate that cannot be made is refused).
func SaturateBytes(b float64) int64 {
	switch {
	case !(b < math.MaxInt64):
		return math.MaxInt64
	case b < 0:
		return 0
	}
	return int64(b)
}

// FormatBytes prints a byte count with a binary unit.
func FormatBytes(b int64) string {
	const k = 1024
	switch {
	case b >= k*k*k:
		return fmt.Sprintf("%.2f GiB", float64(b)/(k*k*k))
	case b >= k*k:
		return fmt.Sprintf("%.1f MiB", float64(b)/(k*k))
	case b >= k:
		return fmt.Sprintf("%.1f KiB", float64(b)/k)
	}
	return fmt.Sprintf("%d B", b)
}

// Summary is the JSON-able result of a run (nested maps, numbers, strings).
type Summary = map[string]any

// Config is implemented by every experiment's config struct (a pointer).
type Config interface {
	// Validate rejects impossible values with an error naming the key.
	Validate() error
	// SeedValue returns the config's master seed.
	SeedValue() uint64
	// SetSeed overrides the master seed (--seed).
	SetSeed(uint64)
}

// Def describes one experiment.
type Def struct {
	// Name is what the config's `experiment = "..."` key and the CLI use.
	Name string
	// Doc is a one-line description.
	Doc string
	// NewConfig returns a pointer to a config filled with defaults.
	NewConfig func() Config
	// EstimateBytes returns the run's estimated peak memory (may be nil).
	EstimateBytes func(Config) int64
	// Run executes the experiment.
	Run func(ctx context.Context, cfg Config, env *Env) (Summary, error)
}

// Registry maps experiment names to definitions.
type Registry struct{ defs map[string]Def }

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{defs: map[string]Def{}} }

// Add registers d; it panics on a duplicate name (a programming error).
func (r *Registry) Add(d Def) {
	if _, dup := r.defs[d.Name]; dup {
		panic("experiment: duplicate name " + d.Name)
	}
	r.defs[d.Name] = d
}

// Get returns the named experiment.
func (r *Registry) Get(name string) (Def, error) {
	d, ok := r.defs[name]
	if !ok {
		return Def{}, fmt.Errorf("unknown experiment %q (known: %v)", name, r.Names())
	}
	return d, nil
}

// Names lists registered names, sorted.
func (r *Registry) Names() []string {
	var n []string
	for k := range r.defs {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Interrupted is the error of an experiment stopped by its context (Ctrl-C,
// or SIGTERM at a batch job's wall-time limit) that saved a resumable
// state in its run directory. The run life cycle keeps such a directory
// (as <run dir>.interrupted) instead of discarding it.
type Interrupted struct {
	// Cause is the context's error.
	Cause error
	// AtMs and TotalMs say how far the run got (simulated ms).
	AtMs, TotalMs float64
	// State is the saved state's path relative to the run directory
	// (e.g. rec/checkpoint.gob).
	State string
	// Resume is the override that continues from it, with %s standing for
	// the state's path (e.g. "run.resume_from=%s").
	Resume string
}

func (e *Interrupted) Error() string {
	return fmt.Sprintf("interrupted at %.6g of %.6g ms (%v); the state is saved in %s", e.AtMs, e.TotalMs, e.Cause, e.State)
}

func (e *Interrupted) Unwrap() error { return e.Cause }

// Typed builds the Def of an experiment whose config type is C (a pointer
// to its config struct), so that no registrant converts experiment.Config
// by hand: newConfig returns defaults, run executes, estimate (may be nil)
// returns the estimated peak memory in bytes.
//
//	experiment.Typed("noisy-rate", "…", Defaults, Run, (*Config).EstimateBytes)
func Typed[C Config](name, doc string, newConfig func() C, run func(context.Context, C, *Env) (Summary, error), estimate func(C) int64) Def {
	d := Def{Name: name, Doc: doc,
		NewConfig: func() Config { return newConfig() },
		Run:       func(ctx context.Context, c Config, env *Env) (Summary, error) { return run(ctx, c.(C), env) },
	}
	if estimate != nil {
		d.EstimateBytes = func(c Config) int64 { return estimate(c.(C)) }
	}
	return d
}

// Optional capabilities of a config, found by the CLI with a type
// assertion (implement them on the config's pointer type):

// Presetter configs have named parameter sets (engram --preset NAME),
// applied to the defaults before the file.
type Presetter interface {
	ApplyPreset(name string) error
}

// Deriver configs print the values derived from their keys (engram
// describe, "# derived parameters").
type Deriver interface {
	Derived() string
}

// Scheduler configs print the per-step schedule their run executes
// (engram describe, "# per-step schedule").
type Scheduler interface {
	Schedule() string
}

// KeepResults wraps the error of a failed run whose run directory is
// worth keeping: the CLI commits the directory (provenance status
// "failed") and then reports the error, exit status 1. The stdp-memory
// experiment uses it when a checker stops a phase, so that the
// checkpoints of the completed phases survive.
type KeepResults struct{ Err error }

func (e *KeepResults) Error() string { return e.Err.Error() }

// Unwrap returns the wrapped error.
func (e *KeepResults) Unwrap() error { return e.Err }
