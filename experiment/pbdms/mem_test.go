package pbdms

import (
	"context"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
)

// The memory estimate bounds the peak resident memory of a run (VmHWM of
// a fresh process running Run and rendering the report; see
// memlimit.CheckEstimate), with every option that allocates: Lyapunov
// twin, RK2, several trials, weights and patterns written. Before
// issue 13 every measured run peaked above its estimate (N = 50 000:
// 204 MiB estimated, 236–283 MiB measured).
func TestEstimateBoundsPeakRSS(t *testing.T) {
	small := func() *Config {
		c := PaperDefaults()
		c.Network.N, c.Network.C, c.Network.P = 3000, 0.05, 10
		c.Protocol.BackgroundMs, c.Protocol.PresentationMs, c.Protocol.DelayMs = 200, 100, 300
		c.Protocol.Trials, c.Protocol.Lyapunov = 2, true
		c.Record.SaveWeights, c.Record.SavePatterns = true, true
		return c
	}
	for _, tc := range []struct {
		name  string
		slow  bool
		build func() *Config
	}{
		{"small_euler", false, small},
		{"small_rk2", false, func() *Config { c := small(); c.Dynamics.Integrator = "rk2"; return c }},
		// the case: the paper's network, a shortened protocol
		{"paper_N50000", true, func() *Config {
			c := PaperDefaults()
			c.Protocol.BackgroundMs, c.Protocol.PresentationMs, c.Protocol.DelayMs = 200, 100, 200
			c.Protocol.Lyapunov, c.Record.SaveWeights = true, true
			return c
		}},
		{"demo_N100000", true, func() *Config {
			c := DemoDefaults()
			c.Protocol.BackgroundMs, c.Protocol.PresentationMs, c.Protocol.DelayMs = 100, 100, 100
			return c
		}},
		{"trials_p140", true, func() *Config {
			c := PaperDefaults()
			c.Network.N, c.Network.C, c.Network.P = 20000, 0.0125, 140
			c.Protocol.BackgroundMs, c.Protocol.PresentationMs, c.Protocol.DelayMs = 100, 100, 300
			c.Protocol.Trials, c.Record.Neurons = 4, 1000
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.slow && testing.Short() {
				t.Skip("builds a large network; skipped with -short")
			}
			c := tc.build()
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
