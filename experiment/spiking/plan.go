package spiking

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/model/spike/monitor"
)

// recordItem is one monitor the run attaches, in the order the run attaches
// them (the record phase of the schedule).
type recordItem struct {
	name, detail string
}

// weightProjections are the projections whose weights the run monitors.
func (c *Config) weightProjections() []string {
	if len(c.Record.WeightProjections) > 0 {
		return c.Record.WeightProjections
	}
	var out []string
	for i := range c.Projection {
		if len(c.Projection[i].Plasticity) > 0 {
			out = append(out, c.Projection[i].DisplayName())
		}
	}
	return out
}

// weightSteps returns the snapshot steps (weights_at_ms, and the final
// step) and the statistics steps (record.weight_stats evenly spaced
// times; the start is recorded when the monitor is created).
func (c *Config) weightSteps() (snaps, stats []int64) {
	tr, m := c.steps()
	total := tr + m
	for _, t := range c.Record.WeightsAtMs {
		snaps = append(snaps, max(0, int64(t/c.Network.DtMs+0.5)-1))
	}
	snaps = append(snaps, total-1)
	slices.Sort(snaps)
	snaps = slices.Compact(snaps)
	k := int64(c.Record.WeightStats - 1)
	for i := int64(1); i <= k; i++ {
		stats = append(stats, max(0, total*i/k-1))
	}
	stats = slices.Compact(stats)
	return snaps, stats
}

// recordPlan lists the monitors of a run of c (what `describe` prints in
// the record phase; RunExperiment attaches exactly these, in this order).
func (c *Config) recordPlan() []recordItem {
	tr, m := c.steps()
	var out []recordItem
	out = append(out, recordItem{"statistics", fmt.Sprintf("per-neuron counts, ISI moments, %g ms Fano windows after the transient", c.Record.FanoWindowMs)})
	if c.Record.Spikes == "all" {
		sel := "every neuron"
		if c.Record.SpikeNeurons > 0 {
			sel = fmt.Sprintf("the first %d neurons of each population", c.Record.SpikeNeurons)
		}
		out = append(out, recordItem{"spikes → rec/spikes.npy", fmt.Sprintf("%s, after the transient (step − %d)", sel, tr)})
	}
	if len(c.Record.StateVars) > 0 && c.Record.StateNeurons > 0 {
		out = append(out, recordItem{"state variables → rec/", fmt.Sprintf("%v of the first %d neurons per population every %d steps", c.Record.StateVars, c.Record.StateNeurons, c.Record.StateEverySteps)})
	}
	cols := len(c.Population) + len(c.Record.GroupRates)
	out = append(out, recordItem{"rates → rec/rates_hz.npy", fmt.Sprintf("%d columns (populations, then groups %v), %g ms bins over %d steps", cols, c.Record.GroupRates, c.Record.RateBinMs, m)})
	if ps := c.weightProjections(); len(ps) > 0 {
		snaps, stats := c.weightSteps()
		out = append(out, recordItem{"weights", fmt.Sprintf("%s: snapshots at the start and after steps %v; statistics at %d times, groups %v", strings.Join(ps, ", "), snaps, len(stats)+1, c.Record.WeightGroups)})
	}
	return out
}

// Schedule returns the per-step schedule of the network this config
// builds, as `engram describe` prints it: the engine's list
// (spike.Schedule, the list Step iterates) with this run's monitors at the
// record phase.
func (c *Config) Schedule() string {
	s := c.Spec()
	es := spike.Schedule(&s, 1, c.checks())
	var out []spike.Entry
	for _, e := range es {
		if e.Phase == spike.PhaseCheck {
			for _, r := range c.recordPlan() {
				out = append(out, spike.Entry{Phase: spike.PhaseRecord, Name: r.name, Detail: r.detail, EverySteps: 1})
			}
		}
		out = append(out, e)
	}
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(spike.FormatSchedule(c.Network.DtMs, out), "\n"), "\n") {
		b.WriteString("# " + l + "\n")
	}
	return b.String()
}

func (c *Config) checks() spike.Checks {
	return spike.Checks{Disable: c.Check.Disable, MaxRateHz: c.Check.MaxRateHz, WindowMs: c.Check.WindowMs}
}

// writerBufBytes is the buffer of one streaming writer.
const writerBufBytes = 64 << 10

// EstimateBytes is the estimated peak memory: the network (model/spike's
// model), the statistics accumulators (56 B per neuron), and the monitors
// (model/spike/monitor's estimates: streaming writers, the raster buffer,
// the rate figure copy, weight statistics). Recordings are streamed to
// rec/ as they are made, so their size on disk does not count.
func (c *Config) EstimateBytes() int64 {
	s := c.Spec()
	var n int64
	for _, p := range c.Population {
		n += int64(p.N)
	}
	_, steps := c.steps()
	binSteps := max(int64(c.Record.RateBinMs/c.Network.DtMs+0.5), 1)
	b := s.EstimateBytes() + 56*n
	if c.Record.Spikes == "all" {
		b += monitor.SpikesBytes(c.Record.RasterMaxSpikes, int(n))
	}
	if c.Record.StateNeurons > 0 && len(c.Record.StateVars) > 0 {
		b += monitor.StateBytes(len(c.Record.StateVars)*len(c.Population), c.Record.StateNeurons)
	}
	var groupN int64
	for _, g := range c.Record.GroupRates {
		if k := s.GroupIndex(g); k >= 0 {
			groupN += int64(s.Populations[s.PopIndex(s.Groups[k].Population)].N)
		}
	}
	b += monitor.RatesBytes(steps, binSteps, len(c.Population)+len(c.Record.GroupRates), groupN)
	if ps := c.weightProjections(); len(ps) > 0 {
		var maxSyn float64
		for _, p := range ps {
			if k := s.ProjIndex(p); k >= 0 {
				maxSyn = math.Max(maxSyn, s.ExpectedSynapses(k))
			}
		}
		_, stats := c.weightSteps()
		b += monitor.WeightsBytes(int64(maxSyn), len(c.Record.WeightGroups), n, len(ps)*(len(stats)+1), c.Record.WeightHistBins)
	}
	return b
}
