package config

import (
	"fmt"
	"math"
)

// MaxSteps is the most time steps a run may take in total (2³⁰ ≈ 1.07·10⁹:
// 6 days of simulated time at dt = 0.5 ms, more than a week of wall time
// for the smallest rate network). Beyond it a duration is a typo (inf,
// 1e300), not an experiment, and step counts would soon overflow.
const MaxSteps = 1 << 30

// Steps returns the number of time steps, round(ms/dtMs), of the duration
// ms read from the config key key, or an error naming the key when ms is
// not a finite number ≥ 0, when a positive ms gives no step at all, or when
// the count is below minSteps or above maxSteps (MaxSteps unless the caller
// has a tighter bound). dtMs must already be validated (finite, > 0).
//
//	n, err := config.Steps("load.duration_ms", l.DurationMs, dt, 1, config.MaxSteps)
//
// It is the one check of durations for every experiment: a duration of inf
// or 1e300 otherwise overflows to a negative count, and 1e-9 ms silently
// simulates nothing.
func Steps(key string, ms, dtMs float64, minSteps, maxSteps int64) (int64, error) {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return 0, fmt.Errorf("%s = %v is not a finite number", key, ms)
	}
	if ms < 0 {
		return 0, fmt.Errorf("%s = %v must be ≥ 0", key, ms)
	}
	n := math.Round(ms / dtMs)
	switch {
	case n > float64(maxSteps):
		return 0, fmt.Errorf("%s = %v ms is %.4g steps of dt = %v ms, more than the %d a run may take", key, ms, n, dtMs, maxSteps)
	case ms > 0 && n == 0:
		return 0, fmt.Errorf("%s = %v ms is shorter than half a step (dt = %v ms): it would simulate nothing", key, ms, dtMs)
	case n < float64(minSteps):
		if ms == 0 {
			return 0, fmt.Errorf("%s = 0 must be > 0 (at least %d step(s) of dt = %v ms)", key, minSteps, dtMs)
		}
		return 0, fmt.Errorf("%s = %v ms is %v step(s) of dt = %v ms, fewer than %d", key, ms, n, dtMs, minSteps)
	}
	return int64(n), nil
}

// TotalSteps returns an error when a run's total step count (e.g. trials ×
// conditions × steps per trial, computed by the caller in float64 so that
// it cannot overflow) exceeds MaxSteps; what describes the product.
func TotalSteps(what string, total float64) error {
	if !(total <= MaxSteps) {
		return fmt.Errorf("%s: %.4g time steps in total, more than the %d a run may take", what, total, MaxSteps)
	}
	return nil
}
