package config

import (
	"math"
	"strings"
	"testing"
)

func TestSteps(t *testing.T) {
	ok := []struct {
		ms, dt   float64
		min, max int64
		want     int64
	}{
		{1400, 0.5, 1, MaxSteps, 2800}, {0, 0.5, 0, MaxSteps, 0}, {0.3, 0.5, 1, MaxSteps, 1}, // round(0.6) = 1
		{0.7, 0.5, 1, MaxSteps, 1}, {1, 0.5, 2, 2, 2}, {float64(MaxSteps) / 2, 0.5, 1, MaxSteps, MaxSteps},
	}
	for _, c := range ok {
		if n, err := Steps("k", c.ms, c.dt, c.min, c.max); err != nil || n != c.want {
			t.Errorf("Steps(%v, dt %v) = %d, %v; want %d", c.ms, c.dt, n, err, c.want)
		}
	}
	bad := []struct {
		ms, dt   float64
		min, max int64
		want     string
	}{
		{math.Inf(1), 0.5, 1, MaxSteps, "load.duration_ms = +Inf is not a finite number"},
		{math.NaN(), 0.5, 1, MaxSteps, "load.duration_ms = NaN is not a finite number"},
		{1e300, 0.5, 1, MaxSteps, "load.duration_ms = 1e+300 ms is 2e+300 steps of dt = 0.5 ms, more than the 1073741824"},
		{float64(MaxSteps)/2 + 0.5, 0.5, 1, MaxSteps, "1.074e+09 steps"},
		{1e-9, 0.5, 0, MaxSteps, "load.duration_ms = 1e-09 ms is shorter than half a step (dt = 0.5 ms)"},
		{0.2, 0.5, 1, MaxSteps, "shorter than half a step"},
		{0, 0.5, 1, MaxSteps, "load.duration_ms = 0 must be > 0"},
		{-1, 0.5, 0, MaxSteps, "load.duration_ms = -1 must be ≥ 0"},
		{math.Inf(-1), 0.5, 0, MaxSteps, "-Inf is not a finite number"},
		{1, 0.5, 3, MaxSteps, "load.duration_ms = 1 ms is 2 step(s) of dt = 0.5 ms, fewer than 3"},
		{3, 0.5, 1, 5, "is 6 steps of dt = 0.5 ms, more than the 5"},
	}
	for _, c := range bad {
		if n, err := Steps("load.duration_ms", c.ms, c.dt, c.min, c.max); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Steps(%v, dt %v) = %d, %v; want error %q", c.ms, c.dt, n, err, c.want)
		}
	}
	if err := TotalSteps("x", MaxSteps); err != nil {
		t.Error(err)
	}
	for _, v := range []float64{MaxSteps + 1, math.Inf(1), math.NaN()} {
		if err := TotalSteps("pb-load: 3 loads × 2 seeds", v); err == nil || !strings.Contains(err.Error(), "pb-load: 3 loads × 2 seeds") {
			t.Errorf("TotalSteps(%v): %v", v, err)
		}
	}
}
