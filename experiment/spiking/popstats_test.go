package spiking

import (
	"context"
	"testing"

	"github.com/engramsim/engram/experiment"
)

// runPopStats runs c with the given number of workers and returns an
// accessor of population pop's summary numbers (0 where a value is
// missing or not a number) and the whole summary.
func runPopStats(t *testing.T, c *Config, workers int, pop string) (func(key string) float64, experiment.Summary) {
	t.Helper()
	env := newEnv(t)
	env.Workers = workers
	sum, err := RunExperiment(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := sum["populations"].(map[string]any)[pop].(map[string]any)
	return func(key string) float64 { v, _ := ps[key].(float64); return v }, sum
}
