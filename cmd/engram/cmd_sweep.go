package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/engramsim/engram/rundir"
	"github.com/engramsim/engram/runner"
	"github.com/engramsim/engram/sweep"
)

// sweepFlags are the flags of `engram sweep`.
type sweepFlags struct {
	local  int
	slurm  bool
	resume bool
	engram string
	// Slurm resources (override the sweep file's [slurm])
	cpus       int
	mem, time  string
	partition  string
	maxRunning int
	noFollow   bool
	poll       time.Duration
}

func (a *app) sweepCmd() *cobra.Command {
	var f sweepFlags
	c := &cobra.Command{
		Use:   "sweep <sweep.toml>",
		Short: "Run an experiment over a grid, list, zip or random design of config values, locally or as a Slurm job array, resumable, with one table",
		Long: `Run the points of a sweep file (see package sweep's doc for the format) into
--out DIR (default sweeps/<file>-<time>): one run directory per point under
DIR/points, then DIR/points.tsv and DIR/report.html as "engram sweep collect
DIR" writes them. --local N runs N points at a time on this machine,
splitting the cores (--workers, default all) between them; --slurm submits
a job array instead (resources from the file's [slurm] or the flags),
follows it and collects. --resume continues a sweep in DIR, skipping the
points whose run directory is complete.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return a.runSweep(cmd, args[0], f) },
	}
	fl := c.Flags()
	fl.IntVar(&f.local, "local", 1, "points run at once on this machine")
	fl.BoolVar(&f.slurm, "slurm", false, "submit the points as a Slurm job array (sbatch), follow it and collect")
	fl.BoolVar(&f.resume, "resume", false, "continue the sweep in --out DIR: run only the points that are not complete")
	fl.StringVar(&f.engram, "engram", "", "the engram binary the points run (default: this one; on Slurm it must exist on every node)")
	fl.IntVar(&f.cpus, "cpus-per-task", 0, "Slurm: CPUs of each array task (default: the file's slurm.cpus_per_task, else 1)")
	fl.StringVar(&f.mem, "mem", "", "Slurm: --mem of each array task (default: the file's slurm.mem)")
	fl.StringVar(&f.time, "time", "", "Slurm: --time of each array task (default: the file's slurm.time)")
	fl.StringVar(&f.partition, "partition", "", "Slurm: --partition (default: the file's slurm.partition)")
	fl.IntVar(&f.maxRunning, "max-running", 0, "Slurm: at most this many array tasks at once (default: the file's slurm.max_running, 0 = no cap)")
	fl.BoolVar(&f.noFollow, "no-follow", false, "Slurm: submit and return (then: engram sweep collect DIR)")
	fl.DurationVar(&f.poll, "poll", 5*time.Second, "Slurm: how often to poll squeue while following")
	c.AddCommand(a.sweepCollectCmd(), a.sweepPointCmd())
	return c
}

func (a *app) sweepCollectCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "collect <sweep-dir>",
		Short: "Build DIR/points.tsv (one row per point: id, run_dir, swept values, every metric) and, for 1-D/2-D grids, plots in DIR/report.html",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := sweep.Collect(args[0])
			if err != nil {
				return err
			}
			return a.printCollected(args[0], t)
		},
	}
}

func (a *app) printCollected(dir string, t *sweep.Table) error {
	table := filepath.Join(dir, sweep.TableFile)
	rep := filepath.Join(dir, sweep.ReportFile)
	if a.jsonOut {
		return a.emit(map[string]any{"sweep_dir": dir, "table": table, "report": rep, "points": len(t.Rows), "complete": t.Complete, "missing": t.Missing, "metrics": t.Metrics})
	}
	fmt.Fprintf(a.stdout, "%d of %d points complete\ntable: %s\nreport: %s\n", t.Complete, len(t.Rows), table, rep)
	if len(t.Missing) > 0 {
		fmt.Fprintf(a.stdout, "missing: %s\n", strings.Join(t.Missing, " "))
	}
	return nil
}

// sweepPointCmd runs one point of a sweep directory (what --local's
// processes and Slurm's array tasks execute).
func (a *app) sweepPointCmd() *cobra.Command {
	var index int
	c := &cobra.Command{
		Use:    "point <sweep-dir> --index I",
		Short:  "Run point I of a sweep directory into DIR/points/<id> (what each local process and Slurm array task runs)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			plan, err := sweep.ReadManifest(dir)
			if err != nil {
				return err
			}
			if index < 0 || index >= len(plan.Points) {
				return fmt.Errorf("sweep point: --index %d: %s has points 0 to %d", index, dir, len(plan.Points)-1)
			}
			pt := plan.Points[index]
			if sweep.Complete(dir, pt) {
				a.logf("engram sweep: point %s (%s) is already complete", pt.ID, pt.Describe())
				return nil
			}
			base := filepath.Join(dir, sweep.BaseFile)
			data, err := os.ReadFile(base)
			if err != nil {
				return err
			}
			a.logf("engram sweep: point %s (%s)", pt.ID, pt.Describe())
			return a.runResolved(cmd.Context(), base, data, runner.ResolveOptions{Sets: pt.Sets, Seed: pt.Seed}, filepath.Join(dir, pt.RunDir()))
		},
	}
	c.Flags().IntVar(&index, "index", -1, "the point's index (Slurm: $SLURM_ARRAY_TASK_ID)")
	return c
}

func (a *app) runSweep(cmd *cobra.Command, file string, f sweepFlags) error {
	if len(a.sets) > 0 || cmd.Flags().Changed("seed") {
		return fmt.Errorf("sweep: --set and --seed do not apply to a sweep; use the sweep file's [set], repeats and seed")
	}
	if f.local < 1 {
		return fmt.Errorf("--local %d: want the number of points run at once (≥ 1)", f.local)
	}
	plan, err := sweep.Parse(file, registry())
	if err != nil {
		return err
	}
	dir := a.out
	if dir == "" {
		if f.resume {
			return fmt.Errorf("--resume needs --out DIR, the sweep directory to continue")
		}
		stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		dir = filepath.Join("sweeps", fmt.Sprintf("%s-%s", stem, time.Now().Format("20060102-150405")))
	}
	exe := f.engram
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("sweep: cannot find this engram binary (give --engram PATH): %v", err)
		}
	}
	if abs, err := filepath.Abs(exe); err == nil {
		exe = abs
	}
	if st, err := os.Stat(exe); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("sweep: the engram binary %s is missing or not executable (give --engram PATH)", exe)
	}
	if err := sweep.Init(dir, plan, f.resume); err != nil {
		return err
	}
	a.logf("engram sweep: %d points of %s in %s", len(plan.Points), plan.Experiment, dir)
	if f.slurm {
		return a.runSlurm(cmd.Context(), dir, plan, exe, f)
	}
	workers := a.workers
	if !cmd.Root().PersistentFlags().Changed("workers") {
		workers = runtime.GOMAXPROCS(0)
		if n := rundir.JobCPUs(os.Getenv); n > 0 {
			workers = n
		}
	}
	per := max(1, workers/f.local)
	budget := "none"
	if b := a.budget(); b > 0 {
		budget = strconv.FormatInt(b/int64(f.local), 10)
	}
	opt := sweep.LocalOptions{Parallel: f.local, Log: a.stderr,
		Command: func(pt sweep.Point) (string, []string) {
			return exe, []string{"sweep", "point", dir, "--index", strconv.Itoa(pt.Index), "--workers", strconv.Itoa(per),
				"--mem-budget", budget, "--progress-every", a.progressEvery.String()}
		}}
	if a.quiet {
		opt.Log = nil
	}
	a.logf("engram sweep: %d at a time, %d workers each", f.local, per)
	out, runErr := sweep.RunLocal(cmd.Context(), dir, plan, opt)
	if runErr != nil && out.Done == 0 && out.Skipped == 0 {
		return runErr
	}
	t, err := sweep.Collect(dir)
	if err != nil {
		return err
	}
	if err := a.printCollected(dir, t); err != nil {
		return err
	}
	if runErr != nil {
		return runErr
	}
	return out.Err(dir)
}

// runSlurm submits the sweep as a Slurm job array, follows it (unless
// --no-follow) and collects.
func (a *app) runSlurm(ctx context.Context, dir string, plan *sweep.Plan, exe string, f sweepFlags) error {
	res := plan.Slurm
	if f.cpus > 0 {
		res.CPUsPerTask = f.cpus
	}
	if f.mem != "" {
		res.Mem = f.mem
	}
	if f.time != "" {
		res.Time = f.time
	}
	if f.partition != "" {
		res.Partition = f.partition
	}
	if f.maxRunning > 0 {
		res.MaxRunning = f.maxRunning
	}
	opt := sweep.SlurmOptions{Slurm: res, Engram: exe, Follow: !f.noFollow, Poll: f.poll, Log: a.stderr,
		Args: []string{"--progress-every", a.progressEvery.String()}}
	if a.quiet {
		opt.Log = nil
	}
	job, out, err := sweep.RunSlurm(ctx, dir, plan, opt)
	if err != nil {
		return err
	}
	if f.noFollow {
		if a.jsonOut {
			return a.emit(map[string]any{"sweep_dir": dir, "job_id": job})
		}
		fmt.Fprintf(a.stdout, "job %s submitted; when it is done: engram sweep collect %s\n", job, dir)
		return nil
	}
	t, err := sweep.Collect(dir)
	if err != nil {
		return err
	}
	if err := a.printCollected(dir, t); err != nil {
		return err
	}
	return out.Err(dir)
}
