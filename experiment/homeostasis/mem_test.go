package homeostasis

import (
	"context"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
)

// The memory estimate bounds the peak resident memory of a run (VmHWM of a
// fresh process, memlimit.CheckEstimate): runs on every worker at once,
// with and without the MR subsample.
func TestEstimateBoundsPeakRSS(t *testing.T) {
	for _, tc := range []struct {
		name       string
		slow       bool
		n, k       int
		subsample  float64
		dev, meas  int
		drives     []float64
		seeds, mrT int
	}{
		{"small", false, 1000, 100, 0.1, 2000, 4000, []float64{0.3, 0.1}, 2, 10},
		{"no_mr", false, 2000, 50, 0, 1000, 3000, []float64{0.3}, 3, 10},
		{"dense_N20000", true, 20000, 500, 0.1, 1000, 5000, []float64{0.3}, 2, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && testing.Short() {
				t.Skip("builds large networks; skipped with -short")
			}
			c := Defaults()
			c.Network.N, c.Network.K = tc.n, tc.k
			c.Sweep = Sweep{HOverRStar: tc.drives, Seeds: tc.seeds, Develop: tc.dev, Measure: tc.meas, AverageLast: tc.dev / 4,
				SubsampleFrac: tc.subsample, MRTrials: tc.mrT}
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
