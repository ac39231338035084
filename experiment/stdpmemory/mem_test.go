package stdpmemory

import (
	"context"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/memlimit"
)

// TestEstimateBoundsPeakRSS: the estimate bounds the peak resident memory
// of a fresh process running the short protocol (lkd-demo, 1250 neurons,
// 1.25 M synapses, every phase, checkpoints and weight snapshots), and of
// one with the controls and resets.
func TestEstimateBoundsPeakRSS(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
	}{
		{"short", func(*Config) {}},
		{"controls", func(c *Config) {
			c.Network.Preset = "lkd-bistable"
			c.Patterns.Disjoint = true
			c.Phases.Imprint.ResetMs, c.Phases.Imprint.ResetRateHz = 100, 20000
			c.Phases.Recall.GapMs, c.Phases.Recall.ResetMs, c.Phases.Recall.ResetRateHz = 200, 100, 20000
			c.Control = Control{Kind: ControlShuffle, AtPhase: PhaseRecall, ResetInhibition: true}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := short()
			tc.edit(c)
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			memlimit.CheckEstimate(t, c.EstimateBytes(), func(env *experiment.Env) error {
				_, err := RunExperiment(context.Background(), c, env)
				return err
			})
		})
	}
}
