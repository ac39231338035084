// Package progress defines how long-running library operations report
// progress without printing anything themselves.
//
// Library code accepts a Reporter (nil means "report nothing") and calls
// Progress(done, total) from time to time; the CLI attaches a terminal bar.
// Reporters must be safe for concurrent use because parallel kernels may
// report from several goroutines.
package progress

// Reporter receives progress updates. done and total are in the same
// (operation-defined) unit, e.g. integration steps or sweep points.
type Reporter interface {
	Progress(done, total int64)
}

// Report calls r.Progress if r is non-nil.
func Report(r Reporter, done, total int64) {
	if r != nil {
		r.Progress(done, total)
	}
}
