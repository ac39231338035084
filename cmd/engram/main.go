// Command engram is the command-line interface of the engram toolkit.
//
//	engram demo                       # fast rate-memory demo with report
//	engram run examples/pb-dms.toml   # any experiment config
//	engram describe examples/pb-dms.toml --set rule.A=10.65
//	engram version --json
//
// Every command accepts --json (one JSON object on stdout; logs and
// progress go to stderr).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/rundir"
	"github.com/engramsim/engram/runner"
)

// app holds the global flags and the experiment registry.
type app struct {
	jsonOut   bool
	quiet     bool
	workers   int
	seed      uint64
	out       string
	sets      []string
	memBudget string
	// budgetBytes is --mem-budget in bytes (0: no limit), set by checkFlags.
	budgetBytes int64
	preset      string
	ruleFrom    string
	// fromCheckpoint is run's --from-checkpoint.
	fromCheckpoint string
	cpuProf        string
	// progressEvery is the interval of plain progress lines when stderr
	// is not a terminal (0: none).
	progressEvery time.Duration
	stopProf      func()
	stdout        io.Writer
	stderr        io.Writer
	root          *cobra.Command
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := newApp(os.Stdout, os.Stderr)
	os.Exit(a.execute(ctx, os.Args[1:]))
}

func newApp(stdout, stderr io.Writer) *app {
	a := &app{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "engram",
		Short:         "Associative memory in recurrent neural networks: simulation, theory and analysis",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	pf := root.PersistentFlags()
	pf.BoolVar(&a.jsonOut, "json", false, "print one JSON object on stdout (logs and progress go to stderr)")
	pf.BoolVar(&a.quiet, "quiet", false, "no progress bar or log messages")
	pf.IntVar(&a.workers, "workers", 0, "goroutines for parallel kernels (0 = all cores, or SLURM_CPUS_PER_TASK inside a Slurm job); results do not depend on it")
	pf.Uint64Var(&a.seed, "seed", 0, "override the config's master seed")
	pf.StringVar(&a.out, "out", "", "run directory to create (default runs/<experiment>-<time>-s<seed>-<random>)")
	pf.StringArrayVar(&a.sets, "set", nil, "override a config key, e.g. --set rule.A=10.65 (repeatable)")
	pf.StringVar(&a.memBudget, "mem-budget", "80%", "refuse runs whose estimated memory exceeds this: a size (16GiB, 500MB), a share of the memory available (80% of RAM, the cgroup limit or the Slurm job's allocation, whichever is least) or none")
	pf.DurationVar(&a.progressEvery, "progress-every", 30*time.Second, "when stderr is not a terminal (a batch log), print a plain progress line this often (0 = never)")
	pf.StringVar(&a.cpuProf, "cpuprofile", "", "write a Go CPU profile of the command to this file (read with go tool pprof)")
	root.SetOut(stdout)
	root.SetErr(stderr)
	for _, c := range a.commands() {
		root.AddCommand(c)
	}
	a.root = root
	return a
}

// execute runs the CLI and returns the exit code.
func (a *app) execute(ctx context.Context, args []string) int {
	a.root.SetArgs(args)
	a.root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if err := a.checkFlags(); err != nil {
			return err
		}
		if a.cpuProf == "" {
			return nil
		}
		f, err := os.Create(a.cpuProf)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			os.Remove(a.cpuProf)
			return fmt.Errorf("--cpuprofile %s: %w", a.cpuProf, err)
		}
		a.stopProf = func() {
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				fmt.Fprintf(a.stderr, "engram: --cpuprofile %s: %v\n", a.cpuProf, err)
			}
		}
		return nil
	}
	defer func() { // also on a panic, so the profile is complete
		if a.stopProf != nil {
			a.stopProf()
			a.stopProf = nil
		}
	}()
	if err := a.root.ExecuteContext(ctx); err != nil {
		if a.jsonOut {
			_ = json.NewEncoder(a.stdout).Encode(map[string]string{"error": err.Error()})
		}
		fmt.Fprintf(a.stderr, "engram: %v\n", err)
		if errors.Is(err, context.Canceled) {
			return 130
		}
		return 1
	}
	return 0
}

// maxWorkers is the largest --workers accepted: results never depend on
// the worker count, and far beyond the cores the per-step fan-out only
// costs (a pb-dms run of N = 3000 took 1.1 s with 2 workers, 1.3 s with
// 256, 6.8 s with 4096 and 26 s with 16384 on 2 cores).
func maxWorkers() int { return max(256, 4*runtime.NumCPU()) }

// checkFlags validates the global flags before any command runs and
// resolves --workers 0 to every core, so that every command sees a count
// in [1, maxWorkers()], and --mem-budget to bytes.
func (a *app) checkFlags() error {
	switch {
	case a.workers < 0 || a.workers > maxWorkers():
		return fmt.Errorf("--workers %d: want 0 (every core) or a count from 1 to %d", a.workers, maxWorkers())
	case a.workers == 0:
		a.workers = runtime.GOMAXPROCS(0)
		if n := rundir.JobCPUs(os.Getenv); n > 0 { // inside a Slurm job: its allocation, not the node
			a.workers = min(n, maxWorkers())
		}
	}
	b, err := parseBudget(a.memBudget)
	if err != nil {
		return fmt.Errorf("--mem-budget: %v", err)
	}
	a.budgetBytes = b
	return nil
}

// parseBudget reads --mem-budget: a byte size (rundir.ParseBytes) or
// "none" for no limit (returned as 0).
func parseBudget(s string) (int64, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return 0, nil
	}
	return rundir.ParseBytes(s)
}

// emit prints v as indented JSON when --json is set.
func (a *app) emit(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(runner.Sanitize(v))
}

// logf writes a log line to stderr unless --quiet.
func (a *app) logf(format string, args ...any) {
	if !a.quiet {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}
