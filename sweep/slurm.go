package sweep

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SlurmOptions configure RunSlurm.
type SlurmOptions struct {
	// Resources of each array task.
	Slurm Slurm
	// Engram is the absolute path of the engram binary every node runs.
	Engram string
	// Args are extra arguments of each point's engram command.
	Args []string
	// Follow waits for the job, logging progress, and judges the points
	// by their files when it ends; without it RunSlurm returns after
	// submitting.
	Follow bool
	// Poll is the squeue interval while following (0: 5 s).
	Poll time.Duration
	// Log receives the submission and progress lines (nil: none).
	Log io.Writer
	// Sbatch and Squeue are the programs (""= "sbatch", "squeue" on PATH).
	Sbatch, Squeue string
}

// ArraySpec writes indices as sbatch --array ranges: 0-3,7,9-10.
func ArraySpec(idx []int) string {
	idx = append([]int(nil), idx...)
	sort.Ints(idx)
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(idx[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i], idx[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Script is the sbatch script that runs points idx of the sweep in dir
// (an absolute path) as a job array, one task per point, task id = point
// index.
func Script(dir string, idx []int, opt SlurmOptions) string {
	s := opt.Slurm
	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	fmt.Fprintf(&b, "#SBATCH --job-name=engram-sweep-%s\n", filepath.Base(dir))
	arr := ArraySpec(idx)
	if s.MaxRunning > 0 {
		arr += fmt.Sprintf("%%%d", s.MaxRunning)
	}
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", arr)
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", max(1, s.CPUsPerTask))
	if s.Mem != "" {
		fmt.Fprintf(&b, "#SBATCH --mem=%s\n", s.Mem)
	}
	if s.Time != "" {
		fmt.Fprintf(&b, "#SBATCH --time=%s\n", s.Time)
	}
	if s.Partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", s.Partition)
	}
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(dir, LogDir, "slurm-%A_%a.log"))
	for _, e := range s.Extra {
		fmt.Fprintf(&b, "#SBATCH %s\n", e)
	}
	b.WriteString("# One point of an engram sweep per array task (task id = point index).\n")
	b.WriteString("# Workers come from SLURM_CPUS_PER_TASK, the memory budget from the job's\n")
	b.WriteString("# allocation; Slurm's SIGTERM at the time limit stops the run (a spiking run\n")
	b.WriteString("# with run.checkpoint writes a checkpoint); engram sweep --resume reruns\n")
	b.WriteString("# what is not complete.\n")
	fmt.Fprintf(&b, "ENGRAM=%s\n", shellQuote(opt.Engram))
	b.WriteString(`if [ ! -x "$ENGRAM" ]; then
  echo "engram sweep: the engram binary $ENGRAM is missing or not executable on node $(hostname)" >&2
  exit 127
fi
`)
	args := append([]string{"sweep", "point", dir, "--index"}, opt.Args...)
	var q []string
	for i, a := range args {
		q = append(q, shellQuote(a))
		if i == 3 {
			q = append(q, `"$SLURM_ARRAY_TASK_ID"`)
		}
	}
	fmt.Fprintf(&b, "exec \"$ENGRAM\" %s\n", strings.Join(q, " "))
	return b.String()
}

// RunSlurm submits the pending points of plan in dir as one job array and,
// with opt.Follow, follows it until no task is left and judges the points
// by their files. It returns the job id.
func RunSlurm(ctx context.Context, dir string, plan *Plan, opt SlurmOptions) (string, Outcome, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", Outcome{}, err
	}
	pending := Pending(abs, plan)
	out := Outcome{Total: len(plan.Points), Skipped: len(plan.Points) - len(pending)}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	if len(pending) == 0 {
		logf("engram sweep: all %d points are complete", out.Total)
		return "", out, nil
	}
	var idx []int
	for _, pt := range pending {
		idx = append(idx, pt.Index)
	}
	sdir := filepath.Join(abs, "slurm")
	if err := os.MkdirAll(sdir, 0o755); err != nil {
		return "", out, err
	}
	ents, _ := os.ReadDir(sdir)
	script := filepath.Join(sdir, fmt.Sprintf("submit-%d.sbatch", len(ents)+1))
	if err := os.WriteFile(script, []byte(Script(abs, idx, opt)), 0o755); err != nil {
		return "", out, err
	}
	sbatch := opt.Sbatch
	if sbatch == "" {
		sbatch = "sbatch"
	}
	var so, se bytes.Buffer
	cmd := exec.CommandContext(ctx, sbatch, "--parsable", script)
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		return "", out, fmt.Errorf("sweep: submitting %s with %s failed: %v: %s", script, sbatch, err, strings.TrimSpace(se.String()))
	}
	job, _, _ := strings.Cut(strings.TrimSpace(so.String()), ";")
	if _, err := strconv.Atoi(job); err != nil {
		return "", out, fmt.Errorf("sweep: %s printed %q, not a job id", sbatch, so.String())
	}
	logf("engram sweep: submitted job array %s (%d tasks: %s) from %s; task logs in %s", job, len(idx), ArraySpec(idx), script, filepath.Join(abs, LogDir))
	if !opt.Follow {
		return job, out, nil
	}
	squeue := opt.Squeue
	if squeue == "" {
		squeue = "squeue"
	}
	poll := opt.Poll
	if poll == 0 {
		poll = 5 * time.Second
	}
	start, lastMsg, lastLine := time.Now(), time.Time{}, ""
	for {
		states, err := queueStates(ctx, squeue, job)
		if err != nil {
			return job, out, err
		}
		if len(states) == 0 {
			break
		}
		done := 0
		for _, pt := range pending {
			if Complete(abs, pt) {
				done++
			}
		}
		line := fmt.Sprintf("engram sweep: job %s: %s; %d of %d points complete", job, formatStates(states), done+out.Skipped, out.Total)
		if line != lastLine || time.Since(lastMsg) >= 30*time.Second {
			logf("%s (elapsed %s)", line, time.Since(start).Round(time.Second))
			lastLine, lastMsg = line, time.Now()
		}
		select {
		case <-ctx.Done():
			return job, out, fmt.Errorf("stopped following job %s, which keeps running (then: engram sweep collect %s, or --resume): %w", job, dir, ctx.Err())
		case <-time.After(poll):
		}
	}
	for _, pt := range pending {
		if Complete(abs, pt) {
			out.Done++
			continue
		}
		why := lastLine2(filepath.Join(abs, LogDir, fmt.Sprintf("slurm-%s_%d.log", job, pt.Index)))
		out.Failed = append(out.Failed, fmt.Sprintf("%s (%s): %s", pt.ID, pt.Describe(), why))
	}
	logf("engram sweep: job %s finished: %d points ran, %d failed, %d were complete before", job, out.Done, len(out.Failed), out.Skipped)
	return job, out, nil
}

func lastLine2(path string) string {
	if _, err := os.Stat(path); err != nil {
		return "the task left no log " + path + " (it never started, or was cancelled)"
	}
	return lastLine(path)
}

// queueStates returns the states of the job's array tasks still in the
// queue (squeue -r: one line per task).
func queueStates(ctx context.Context, squeue, job string) (map[string]int, error) {
	var so, se bytes.Buffer
	cmd := exec.CommandContext(ctx, squeue, "-h", "-r", "-j", job, "-o", "%T")
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil {
		if strings.Contains(se.String(), "Invalid job id") { // gone from the queue
			return nil, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("sweep: %s -j %s: %v: %s", squeue, job, err, strings.TrimSpace(se.String()))
	}
	st := map[string]int{}
	for _, l := range strings.Fields(so.String()) {
		st[l]++
	}
	return st, nil
}

func formatStates(st map[string]int) string {
	keys := make([]string, 0, len(st))
	for k := range st {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s []string
	for _, k := range keys {
		s = append(s, fmt.Sprintf("%d %s", st[k], strings.ToLower(k)))
	}
	return strings.Join(s, ", ")
}
