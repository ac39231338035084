package pbload

import (
	"context"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
)

// The memory estimate bounds the peak resident memory of a run (VmHWM of a
// fresh process, memlimit.CheckEstimate): several loads and realisations,
// each a fresh network, with the mean-field curves.
func TestEstimateBoundsPeakRSS(t *testing.T) {
	for _, tc := range []struct {
		name          string
		slow          bool
		n             int
		c             float64
		alphas        []float64
		seeds         int
		theory, rk2   bool
		durationMs    float64
		measureFromMs float64
	}{
		{"small", false, 3000, 0.05, []float64{0.04, 0.2}, 2, true, false, 100, 50},
		{"small_rk2", false, 3000, 0.05, []float64{0.1}, 1, false, true, 100, 50},
		{"N20000_p140", true, 20000, 0.0125, []float64{0.2, 0.56}, 2, false, false, 100, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && testing.Short() {
				t.Skip("builds large networks; skipped with -short")
			}
			c := Defaults()
			c.Network.N, c.Network.C = tc.n, tc.c
			c.Load.Alphas, c.Load.Seeds = tc.alphas, tc.seeds
			c.Load.Theory, c.Load.TheoryFiniteK = tc.theory, false
			c.Load.DurationMs, c.Load.MeasureMs, c.Load.AverageFromMs = tc.durationMs, tc.measureFromMs, tc.measureFromMs
			if tc.rk2 {
				c.Dynamics.Integrator = "rk2"
			}
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
