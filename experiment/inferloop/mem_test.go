package inferloop

import (
	"context"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
)

// The memory estimate bounds the peak resident memory of a run (VmHWM of a
// fresh process, memlimit.CheckEstimate): network, presentations,
// inference with bootstrap, figures.
func TestEstimateBoundsPeakRSS(t *testing.T) {
	for _, tc := range []struct {
		name              string
		slow              bool
		n                 int
		c                 float64
		p, neurons, boots int
	}{
		{"small", false, 3000, 0.05, 20, 10, 20},
		{"defaults", true, 20000, 0.0125, 40, 30, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && testing.Short() {
				t.Skip("builds a large network and bootstraps 30 neurons; skipped with -short")
			}
			c := Defaults()
			c.Network.N, c.Network.C, c.Network.P = tc.n, tc.c, tc.p
			c.Inference.Neurons, c.Inference.Bootstrap = tc.neurons, tc.boots
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			memlimit.CheckEstimate(t, c.EstimateBytes(), func(env *experiment.Env) error {
				_, err := Run(context.Background(), c, env)
				return err
			})
		})
	}
}
