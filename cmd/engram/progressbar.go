package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// bar adapts progress.Reporter to stderr. On a terminal it is a progress
// bar with ETA that shows nothing during the first 2 s (short operations
// stay silent). When stderr is not a terminal (a batch log) it prints a
// plain line every --progress-every (default 30 s) and one when the run
// ends: label, percentage, elapsed time and ETA. --quiet or
// --progress-every 0 silences it.
type bar struct {
	mu      sync.Mutex
	label   string
	start   time.Time
	enabled bool
	pb      *progressbar.ProgressBar
	// plain mode (not a terminal)
	plain bool
	w     io.Writer
	every time.Duration
	last  time.Time
	// the latest progress and whether a line showed it
	done, total int64
	shown       bool
}

func (a *app) newBar(label string) *bar {
	tty := term.IsTerminal(int(os.Stderr.Fd()))
	b := &bar{label: label, start: time.Now(), enabled: !a.quiet && tty}
	if !a.quiet && !tty && a.progressEvery > 0 {
		b.plain, b.w, b.every, b.last = true, a.stderr, a.progressEvery, b.start
	}
	return b
}

func (b *bar) Progress(done, total int64) {
	if b.plain {
		b.plainLine(done, total)
		return
	}
	if !b.enabled {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pb == nil {
		if time.Since(b.start) < 2*time.Second {
			return
		}
		b.pb = progressbar.NewOptions64(total, progressbar.OptionSetWriter(os.Stderr), progressbar.OptionSetDescription(b.label),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	if b.pb.GetMax64() != total {
		b.pb.ChangeMax64(total)
	}
	_ = b.pb.Set64(done)
}

// plainLine prints one progress line when b.every has passed since the
// last one.
func (b *bar) plainLine(done, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done, b.total, b.shown = done, total, false
	now := time.Now()
	if now.Sub(b.last) < b.every || total <= 0 {
		return
	}
	b.writeLine(now, done, total)
}

// writeLine prints the progress line of (done, total) at now.
func (b *bar) writeLine(now time.Time, done, total int64) {
	b.last, b.shown = now, true
	el := now.Sub(b.start)
	frac := float64(done) / float64(total)
	eta := "?"
	if frac > 0 {
		eta = (time.Duration(float64(el)/frac) - el).Round(time.Second).String()
	}
	fmt.Fprintf(b.w, "engram %s: %5.1f%% (%d/%d), elapsed %s, ETA %s\n", b.label, 100*frac, done, total, el.Round(time.Second), eta)
}

func (b *bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pb != nil {
		_ = b.pb.Finish()
	}
	// a batch log always gets the run's last state, however short the run
	if b.plain && b.total > 0 && !b.shown {
		b.writeLine(time.Now(), b.done, b.total)
	}
}
