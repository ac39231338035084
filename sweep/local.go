package sweep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// LocalOptions configure RunLocal.
type LocalOptions struct {
	// Parallel is the number of points run at once (≥ 1).
	Parallel int
	// Command returns the program and arguments that run one point (the
	// CLI gives `engram sweep point DIR --index I …`).
	Command func(pt Point) (string, []string)
	// Log receives one line per started and finished point (nil: none).
	Log io.Writer
	// Grace is how long a point may take to stop after SIGTERM when ctx
	// is cancelled before it is killed (0: 30 s).
	Grace time.Duration
}

// Outcome counts what a run of a sweep did.
type Outcome struct {
	Total, Skipped, Done int
	// Failed are the points that ran and did not complete, with the last
	// line of their log.
	Failed []string
}

// Err is nil when every point is complete.
func (o Outcome) Err(dir string) error {
	if len(o.Failed) == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d points failed (rerun with --resume to retry them; logs in %s):\n  %s", len(o.Failed), o.Total, filepath.Join(dir, LogDir), strings.Join(o.Failed, "\n  "))
}

// RunLocal runs the pending points of plan in dir, opt.Parallel at a time,
// each as a child process whose output goes to logs/<id>.log. Cancelling
// ctx sends SIGTERM to the running points (a spiking run checkpoints) and
// waits for them; finished points are never redone.
func RunLocal(ctx context.Context, dir string, plan *Plan, opt LocalOptions) (Outcome, error) {
	pending := Pending(dir, plan)
	out := Outcome{Total: len(plan.Points), Skipped: len(plan.Points) - len(pending)}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	if out.Skipped > 0 {
		logf("engram sweep: %d of %d points already complete in %s", out.Skipped, out.Total, dir)
	}
	if err := os.MkdirAll(filepath.Join(dir, LogDir), 0o755); err != nil {
		return out, err
	}
	grace := opt.Grace
	if grace == 0 {
		grace = 30 * time.Second
	}
	var mu sync.Mutex
	var startErr error
	jobs := make(chan Point)
	var wg sync.WaitGroup
	start := time.Now()
	for range max(1, opt.Parallel) {
		wg.Go(func() {
			for pt := range jobs {
				t0 := time.Now()
				err := runPoint(ctx, dir, pt, opt.Command, grace)
				mu.Lock()
				switch {
				case err != nil && errors.Is(err, errStart):
					startErr = err
				case Complete(dir, pt):
					out.Done++
					logf("engram sweep: %s done (%s) in %.1f s [%d/%d, elapsed %s]", pt.ID, pt.Describe(), time.Since(t0).Seconds(),
						out.Done+out.Skipped, out.Total, time.Since(start).Round(time.Second))
				case ctx.Err() != nil:
				default:
					why := lastLine(filepath.Join(dir, LogDir, pt.ID+".log"))
					out.Failed = append(out.Failed, fmt.Sprintf("%s (%s): %s", pt.ID, pt.Describe(), why))
					logf("engram sweep: %s FAILED (%s): %s", pt.ID, pt.Describe(), why)
				}
				mu.Unlock()
			}
		})
	}
feed:
	for _, pt := range pending {
		mu.Lock()
		stop := startErr != nil
		mu.Unlock()
		if stop {
			break
		}
		select {
		case jobs <- pt:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if startErr != nil {
		return out, startErr
	}
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("sweep interrupted (%d of %d points complete; continue with --resume): %w", out.Done+out.Skipped, out.Total, err)
	}
	return out, nil
}

var errStart = errors.New("cannot start a point")

func runPoint(ctx context.Context, dir string, pt Point, command func(Point) (string, []string), grace time.Duration) error {
	prog, args := command(pt)
	logPath := filepath.Join(dir, LogDir, pt.ID+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = grace
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%w %s: the engram binary %s: %v", errStart, pt.ID, prog, err)
	}
	return cmd.Wait()
}

// lastLine returns the last non-empty line of a log ("" if none).
func lastLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || lines[len(lines)-1] == "" {
		return "no output (see " + path + ")"
	}
	return strings.TrimSpace(lines[len(lines)-1])
}
