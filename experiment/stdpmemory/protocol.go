package stdpmemory

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/rng"
)

// trial is one recall trial: a cue of a fraction of an assembly's
// members, then the delay over which the overlaps are averaged.
type trial struct {
	Assembly int
	Fraction float64
	Rep      int
	Input    string // the cue's Poisson input
	CueMs    float64
	DelayMs  [2]float64 // [start, end)
}

// weightSample is a time at which the assembly weight statistics are taken.
type weightSample struct {
	TMs   float64
	Label string
}

// protocol is the network with the whole protocol laid out as input
// schedules and plasticity windows (plain data for spike.Build).
type protocol struct {
	phases  []phaseWin
	pat     assembly.Patterns
	groups  []string
	spec    spike.Spec
	trials  []trial
	samples []weightSample
	// zag is the zag2015 part (nil for the LKD presets)
	zag *zagProto
}

// ePop and iPop are the names of the excitatory and inhibitory
// populations of the LKD presets.
const (
	ePop = "E"
	iPop = "I"
)

// build lays out the protocol from phase index first on, starting at t0 ms.
func (c *Config) build(first int, t0 float64) (*protocol, error) {
	s, err := c.baseSpec()
	if err != nil {
		return nil, err
	}
	pat, err := c.patterns()
	if err != nil {
		return nil, err
	}
	phases, err := c.layout(first, t0)
	if err != nil {
		return nil, err
	}
	p := &protocol{phases: phases, pat: pat}
	if c.isZag() {
		return c.buildZag(p, s, phases)
	}
	var extW, extWI float64
	var nE, nI int
	for _, in := range s.Poisson {
		switch in.Target {
		case ePop:
			extW = in.Weight
			nE++
		case iPop:
			extWI = in.Weight
			nI++
		}
	}
	// imprinting, cues and resets reuse the weight of the one external
	// Poisson drive of E (and of I)
	if nE != 1 || !(extW > 0) {
		return nil, fmt.Errorf("network.preset = %q: %d Poisson inputs onto %s (weight %v); the protocol drives assemblies with the weight of exactly one external input", c.Network.Preset, nE, ePop, extW)
	}
	if (c.Phases.Imprint.ResetMs > 0 || c.Phases.Recall.ResetMs > 0) && (nI != 1 || !(extWI > 0)) {
		return nil, fmt.Errorf("network.preset = %q: %d Poisson inputs onto %s (weight %v); a reset uses the weight of exactly one external input", c.Network.Preset, nI, iPop, extWI)
	}
	for k, m := range pat.Members {
		g := fmt.Sprintf("%s%d", c.Patterns.Name, k)
		p.groups = append(p.groups, g)
		s.Groups = append(s.Groups, spike.GroupSpec{Name: g, Population: ePop, IDs: m})
	}
	var resets []spike.Segment // the non-selective resets of imprinting and recall, in time order
	win := map[string]phaseWin{}
	for _, ph := range phases {
		win[ph.Name] = ph
	}
	// imprinting: one input per assembly, presented by a shuffled block protocol
	if ph, ok := win[PhaseImprint]; ok && c.Phases.Imprint.Blocks > 0 && ph.EndMs > ph.StartMs {
		im := c.Phases.Imprint
		var names []string
		for _, g := range p.groups {
			name := "imprint " + g
			names = append(names, name)
			s.Poisson = append(s.Poisson, spike.PoissonSpec{Name: name, Target: ePop, Group: g, NSources: 1, Weight: extW, Sign: "exc"})
		}
		b := spike.Blocks{Name: "imprint", Inputs: names, StartMs: ph.StartMs, OnMs: im.OnMs, OffMs: im.OffMs, Blocks: im.Blocks,
			RateHz: im.RateHz, Shuffle: len(names) > 1}
		if err := s.ApplyBlocks([]spike.Blocks{b}); err != nil {
			return nil, fmt.Errorf("phases.imprint: %w", err)
		}
		if im.ResetMs > 0 && im.ResetRateHz > 0 { // right after every presentation, as laid out by ApplyBlocks
			for _, segs := range b.Segments(s.Seed) {
				for _, sg := range segs {
					resets = append(resets, spike.Segment{StartMs: sg.StopMs, StopMs: sg.StopMs + im.ResetMs, RateHz: im.ResetRateHz})
				}
			}
			slices.SortFunc(resets, func(x, y spike.Segment) int { return cmp.Compare(x.StartMs, y.StartMs) })
		}
		block := float64(len(names)) * (im.OnMs + im.OffMs)
		for k := 1; k <= im.Blocks; k++ {
			p.samples = append(p.samples, weightSample{ph.StartMs + float64(k)*block, fmt.Sprintf("imprint block %d", k)})
		}
	}
	// recall: one input per trial, in a shuffled order
	if ph, ok := win[PhaseRecall]; ok && c.Phases.Recall.Trials > 0 && ph.EndMs > ph.StartMs {
		rc := c.Phases.Recall
		p.trials = c.recallTrials(p.groups, ph.StartMs)
		for i := range p.trials {
			tr := &p.trials[i]
			t := tr.CueMs
			frac := tr.Fraction
			if frac == 1 {
				frac = 0 // the whole group
			}
			s.Poisson = append(s.Poisson, spike.PoissonSpec{Name: tr.Input, Target: ePop, Group: p.groups[tr.Assembly], Fraction: frac,
				NSources: 1, Weight: extW, Sign: "exc", Schedule: []spike.Segment{{StartMs: t, StopMs: t + rc.CueMs, RateHz: rc.RateHz}}})
			if rc.ResetMs > 0 && rc.ResetRateHz > 0 {
				a := t + rc.CueMs + rc.DelayMs
				resets = append(resets, spike.Segment{StartMs: a, StopMs: a + rc.ResetMs, RateHz: rc.ResetRateHz})
			}
		}
	}
	if len(resets) > 0 {
		s.Poisson = append(s.Poisson, spike.PoissonSpec{Name: "reset", Target: iPop, NSources: 1, Weight: extWI, Sign: "exc", Schedule: resets})
	}
	return c.finish(p, s, phases)
}

// recallTrials lays out the recall trials from startMs: every assembly ×
// cue fraction × repetition in an order shuffled by the stream "recall
// order", each a cue of cue_ms, a delay of delay_ms and a gap of gap_ms,
// with its input named "cue <group> c=<fraction> #<rep>".
func (c *Config) recallTrials(groups []string, startMs float64) []trial {
	rc := c.Phases.Recall
	var trials []trial
	for k := range groups {
		for _, f := range rc.Fractions {
			for r := 0; r < rc.Trials; r++ {
				trials = append(trials, trial{Assembly: k, Fraction: f, Rep: r})
			}
		}
	}
	rng.New(c.Network.Seed, rng.Stimulus, rng.NameKey("recall order")).Shuffle(len(trials), func(i, j int) {
		trials[i], trials[j] = trials[j], trials[i]
	})
	t := startMs
	for i := range trials {
		tr := &trials[i]
		tr.Input = fmt.Sprintf("cue %s c=%s #%d", groups[tr.Assembly], FractionKey(tr.Fraction), tr.Rep)
		tr.CueMs = t
		tr.DelayMs = [2]float64{t + rc.CueMs, t + rc.CueMs + rc.DelayMs}
		t += rc.CueMs + rc.DelayMs + rc.GapMs
	}
	return trials
}

// endMs is the end of the protocol.
func (p *protocol) endMs() float64 { return p.phases[len(p.phases)-1].EndMs }

// finish lays out the plasticity windows and the weight samples of p
// (every preset) and validates the network.
func (c *Config) finish(p *protocol, s spike.Spec, phases []phaseWin) (*protocol, error) {
	// plasticity: each rule acts in the phases that list it. A rule acts
	// in the steps whose end time lies in a window, a phase [a, b) holds
	// the steps that start in it: the windows are shifted by half a step,
	// [a + dt/2, b + dt/2), so that a rule acts in exactly the phase's
	// steps whatever the rounding of the times.
	h := s.DtMs / 2
	for i := range s.Projections {
		pr := &s.Projections[i]
		for j := range pr.Plasticity {
			r := &pr.Plasticity[j]
			r.Active, r.Off = nil, false
			for _, ph := range phases {
				if ph.EndMs > ph.StartMs && slices.Contains(ph.Plasticity, r.Rule) {
					if n := len(r.Active); n > 0 && r.Active[n-1][1] == ph.StartMs+h {
						r.Active[n-1][1] = ph.EndMs + h
					} else {
						r.Active = append(r.Active, [2]float64{ph.StartMs + h, ph.EndMs + h})
					}
				}
			}
			if len(r.Active) == 0 {
				r.Off = true // built (checkpoints restore its state) but never acting
			}
		}
	}
	// weight samples: every weight_every_ms during spontaneous plastic
	// phases, and at the end of every phase
	for _, ph := range phases {
		if ph.Name == PhaseSettle || ph.Name == PhaseConsolidate {
			for t := ph.StartMs + c.Record.WeightEveryMs; t < ph.EndMs-1e-9; t += c.Record.WeightEveryMs {
				p.samples = append(p.samples, weightSample{t, ph.Name})
			}
		}
		p.samples = append(p.samples, weightSample{ph.EndMs, "end of " + ph.Name})
	}
	p.samples = append(p.samples, weightSample{phases[0].StartMs, "start"})
	slices.SortStableFunc(p.samples, func(a, b weightSample) int {
		switch {
		case a.TMs < b.TMs:
			return -1
		case a.TMs > b.TMs:
			return 1
		}
		return 0
	})
	// one sample per time (the phase end wins over a block end at the same time)
	var ws []weightSample
	for _, x := range p.samples {
		if n := len(ws); n > 0 && math.Abs(ws[n-1].TMs-x.TMs) < 1e-9 {
			if len(x.Label) > 3 && x.Label[:3] == "end" {
				ws[n-1] = x
			}
			continue
		}
		ws = append(ws, x)
	}
	p.samples = ws
	p.spec = s
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := s.CheckTimes(phases[len(phases)-1].EndMs); err != nil {
		return nil, err
	}
	return p, nil
}
