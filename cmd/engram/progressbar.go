package main

import (
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// bar adapts progress.Reporter to a terminal progress bar with ETA on
// stderr. It shows nothing during the first 2 s (short operations stay
// silent), and nothing at all when stderr is not a terminal or --quiet.
type bar struct {
	mu      sync.Mutex
	label   string
	start   time.Time
	enabled bool
	pb      *progressbar.ProgressBar
}

func (a *app) newBar(label string) *bar {
	return &bar{label: label, start: time.Now(), enabled: !a.quiet && term.IsTerminal(int(os.Stderr.Fd()))}
}

func (b *bar) Progress(done, total int64) {
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

func (b *bar) Finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pb != nil {
		_ = b.pb.Finish()
	}
}
