package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/term"
)

// A batch log (stderr not a terminal) gets a plain progress line every
// --progress-every and always one at the end, so that a run shorter than
// the interval still leaves its state in the log (ci/slurm checks the task
// logs for them).
func TestPlainProgressLines(t *testing.T) {
	if term.IsTerminal(int(os.Stderr.Fd())) {
		t.Skip("stderr is a terminal: the progress bar is not plain")
	}
	var buf bytes.Buffer
	a := &app{stderr: &buf, progressEvery: time.Hour}
	b := a.newBar("spiking")
	b.Progress(5, 10)
	b.Progress(7, 10)
	b.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "engram spiking:  70.0% (7/10)") {
		t.Errorf("short run: want one final line at 70 %%, got %q", buf.String())
	}
	buf.Reset()
	a.progressEvery = time.Nanosecond
	b = a.newBar("spiking")
	b.Progress(10, 10)
	b.Finish()
	if n := strings.Count(buf.String(), "\n"); n != 1 {
		t.Errorf("a line already showed the last state: want 1 line, got %d: %q", n, buf.String())
	}
	buf.Reset()
	a.quiet = true
	b = a.newBar("spiking")
	b.Progress(3, 10)
	b.Finish()
	if buf.Len() != 0 {
		t.Errorf("--quiet printed %q", buf.String())
	}
}
