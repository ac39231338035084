package stdpmemory

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
)

// zagShort is a protocol of a few biological seconds on zag2015: 2
// patterns, 2 blocks of 300 ms presentations, 50 % cues.
func zagShort() *Config {
	c := short()
	c.Network.Preset = spike.PresetZAG2015
	c.Phases.Settle.Plasticity = []string{spike.RuleGlobalISTDP}
	c.Phases.Imprint.Plasticity = []string{spike.RuleP10, spike.RuleGlobalISTDP}
	c.Phases.Consolidate.Plasticity = []string{spike.RuleP10, spike.RuleGlobalISTDP}
	c.Phases.Imprint.RateHz, c.Phases.Recall.RateHz = 25, 25
	c.Phases.Recall.Fractions = []float64{0.5}
	return c
}

func TestZagValidateErrors(t *testing.T) {
	for _, x := range []struct {
		edit func(c *Config)
		want string
	}{
		{func(c *Config) { c.Network.Preset, c.Zag.Ablate = spike.PresetLKDDemo, []string{"istdp"} }, `ablations apply to network.preset = "zag2015" only`},
		{func(c *Config) { c.Zag.Ablate = []string{"stdp"} }, `zag.ablate[0] = "stdp"`},
		{func(c *Config) { c.Zag.Ablate = []string{"istdp", "istdp"} }, "listed twice"},
		{func(c *Config) { c.Phases.Imprint.RateHz = 8000 }, "phases.imprint.rate_hz = 8000: on zag2015 it is the extra rate of each pattern channel"},
		{func(c *Config) { c.Phases.Recall.RateHz = 8000 }, "phases.recall.rate_hz = 8000"},
		{func(c *Config) { c.Zag.AssemblyBlocks = 3 }, "zag.assembly_blocks = 3 must be in [0, phases.imprint.blocks = 2]"},
		{func(c *Config) { c.Zag.Shape = "square" }, `zag.shape = "square"`},
		{func(c *Config) { c.Zag.AssemblySD = math.NaN() }, "zag.assembly_sd"},
		{func(c *Config) { c.Zag.MaxERateHz = 0 }, "zag: max_e_rate_hz = 0"},
		{func(c *Config) { c.Phases.Imprint.Blocks = 0 }, "at least one block"},
		{func(c *Config) { c.Run.FromCheckpoint = "x.gob" }, `run.from_phase = "recall": on zag2015`},
		{func(c *Config) { c.Patterns.F = 1e-5 }, "an empty pattern"},
		{func(c *Config) { c.Patterns.Count, c.Patterns.F, c.Patterns.Disjoint = 12, 0.1, true }, "could not place 12 disjoint discs"},
		{func(c *Config) { c.Phases.Settle.Plasticity = []string{"istdp"} }, `phases.settle.plasticity[0] = "istdp"`},
	} {
		c := zagShort()
		x.edit(c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), x.want) {
			t.Errorf("error %v, want one containing %q", err, x.want)
		}
	}
	if err := zagShort().Validate(); err != nil {
		t.Errorf("zagShort: %v", err)
	}
}

// TestZagDiscPatterns: a disc pattern holds the channels within
// r = √(f·N/π) of its centre on the 64 × 64 torus — as many as the disc's
// area f·N up to the lattice-point error of the circle (Gauss circle
// problem: |count − πr²| is O(r); at r = 11.4 the bound 4r is generous);
// disjoint discs share no channel and are separated by more than 2r
// (checked naively: no two members of different patterns closer than 1).
func TestZagDiscPatterns(t *testing.T) {
	c := zagShort()
	c.Patterns.Count, c.Patterns.F, c.Patterns.Disjoint = 3, 0.1, true
	pat, err := c.zagPatterns()
	if err != nil {
		t.Fatal(err)
	}
	r := math.Sqrt(0.1 * 4096 / math.Pi)
	for k, m := range pat.Members {
		if d := math.Abs(float64(len(m)) - 409.6); d > 4*r {
			t.Errorf("pattern %d: %d channels, area 409.6 (tolerance %.1f)", k, len(m), 4*r)
		}
	}
	torus := func(a, b int32) float64 {
		dx, dy := math.Abs(float64(a%64-b%64)), math.Abs(float64(a/64-b/64))
		return math.Hypot(math.Min(dx, 64-dx), math.Min(dy, 64-dy))
	}
	for k := range pat.Members {
		for l := k + 1; l < len(pat.Members); l++ {
			for _, a := range pat.Members[k] {
				for _, b := range pat.Members[l] {
					if torus(a, b) < 1 {
						t.Fatalf("disjoint discs %d and %d share channel %d/%d", k, l, a, b)
					}
				}
			}
		}
	}
	// any two channels of a pattern are at most the diameter 2r apart on the torus
	for k, m := range pat.Members {
		for _, a := range m {
			for _, b := range m {
				if torus(a, b) > 2*r+1e-9 {
					t.Fatalf("pattern %d: channels %d and %d are %.2f apart, more than the diameter %.2f", k, a, b, torus(a, b), 2*r)
				}
			}
		}
	}
}

// TestZagLayout: the imprinting is one rate input per pattern on the input
// population with every pattern presented once per block at +25 Hz, and
// each cue raises a subset of its pattern's channels for cue_ms, about c of
// them (binomial: within 5 SD).
func TestZagLayout(t *testing.T) {
	c := zagShort()
	c.Phases.Recall.Trials = 3
	p, err := c.build(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if p.zag == nil || p.pat.P() != 2 || len(p.pat.Members[0]) != 0 || p.pat.N != 4096 {
		t.Fatalf("placeholder assemblies: %d patterns over %d neurons", p.pat.P(), p.pat.N)
	}
	in := map[string][]int32{}
	for _, g := range p.spec.Groups {
		in[g.Name] = g.IDs
	}
	var imprint, cues int
	for _, r := range p.spec.Rates {
		if r.Target != zagInput {
			t.Errorf("rate input %q targets %q", r.Name, r.Target)
		}
		switch {
		case strings.HasPrefix(r.Name, "imprint "):
			imprint++
			if len(r.Schedule) != 2 {
				t.Errorf("%s: %d presentations, want 2", r.Name, len(r.Schedule))
			}
			for _, s := range r.Schedule {
				if s.RateHz != 25 || s.StopMs-s.StartMs != 300 {
					t.Errorf("%s: segment %+v", r.Name, s)
				}
			}
		case strings.HasPrefix(r.Name, "cue "):
			cues++
		}
	}
	if imprint != 2 || cues != 6 || len(p.trials) != 6 {
		t.Fatalf("%d imprint inputs, %d cues, %d trials; want 2, 6, 6", imprint, cues, len(p.trials))
	}
	for i, tr := range p.trials {
		pat := in[p.groups[tr.Assembly]]
		cued := p.zag.cues[i]
		n := float64(len(pat))
		if d := math.Abs(float64(len(cued)) - 0.5*n); d > 5*math.Sqrt(n*0.25) {
			t.Errorf("trial %d: %d of %d channels cued at c = 0.5", i, len(cued), len(pat))
		}
		member := map[int32]bool{}
		for _, j := range pat {
			member[j] = true
		}
		for _, j := range cued {
			if !member[j] {
				t.Fatalf("trial %d: cued channel %d is not in pattern %s", i, j, p.groups[tr.Assembly])
			}
		}
	}
}

// TestZagDefine: the post-hoc assemblies against a naive reference —
// members are exactly the neurons whose evoked rate exceeds mean + 2 SD
// (population SD) of their pattern's rates; an assembly nobody passes is
// an error naming the pattern.
func TestZagDefine(t *testing.T) {
	c := zagShort()
	const n = 50
	counts := make([]int64, 2*n)
	for i := range n {
		counts[i] = int64(i % 7) // pattern 0: a few neurons with 6 spikes
		counts[n+i] = int64(i * i % 11)
	}
	counts[3], counts[n+5] = 40, 30 // outliers
	m := &zagEvoked{z: &zagProto{}, counts: counts, onMs: []float64{2000, 500}}
	p := &protocol{groups: []string{"A0", "A1"}}
	if err := m.define(c, p); err != nil {
		t.Fatal(err)
	}
	for k, on := range []float64{2000, 500} {
		r := make([]float64, n)
		var mean, v float64
		for i := range r {
			r[i] = float64(counts[k*n+i]) * 1000 / on
			mean += r[i] / n
		}
		for _, x := range r {
			v += (x - mean) * (x - mean) / n
		}
		var want []int32
		for i, x := range r {
			if x > mean+2*math.Sqrt(v) {
				want = append(want, int32(i))
			}
		}
		if got := p.pat.Members[k]; len(want) == 0 || !equal32(got, want) {
			t.Errorf("pattern %d: members %v, want %v", k, got, want)
		}
	}
	if p.pat.N != n || p.pat.F != float64(len(p.pat.Members[0])+len(p.pat.Members[1]))/(2*n) {
		t.Errorf("patterns over %d neurons with f = %v", p.pat.N, p.pat.F)
	}
	flat := make([]int64, 2*n)
	m = &zagEvoked{z: &zagProto{}, counts: flat, onMs: []float64{1000, 1000}}
	if err := m.define(c, p); err == nil || !strings.Contains(err.Error(), "assembly of pattern A0 is empty") {
		t.Errorf("flat rates: error %v", err)
	}
}

func equal32(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestZagRateChecker: ZAG's 20 Hz rule, here at 1 Hz, stops the run in the
// warm-up (the network starts at ≈ 9.5 Hz, model/spike SM-6 notes) and
// the error names the phase and the checker.
func TestZagRateChecker(t *testing.T) {
	c := zagShort()
	c.Zag.MaxERateHz = 1
	env := &experiment.Env{Dir: t.TempDir(), Workers: 1}
	_, err := RunExperiment(context.Background(), c, env)
	var keep *experiment.KeepResults
	if !errors.As(err, &keep) || !strings.Contains(err.Error(), "phase warmup") || !strings.Contains(err.Error(), "zag.max_e_rate_hz = 1 Hz") {
		t.Errorf("error %v, want a KeepResults naming phase warmup and zag.max_e_rate_hz", err)
	}
}

// TestZagShortRun runs the whole protocol for a few biological seconds:
// the assemblies are defined at the end of imprinting and are not empty,
// the overlaps before that are NaN and finite after, the recall trials
// are evaluated on them, and the summary carries the zag block.
func TestZagShortRun(t *testing.T) {
	if testing.Short() {
		t.Skip("≈ 5 s of the 4096-neuron network")
	}
	c := zagShort()
	env := &experiment.Env{Dir: t.TempDir(), Workers: 1}
	sum, err := RunExperiment(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	z, ok := sum["zag"].(map[string]any)
	if !ok {
		t.Fatalf("summary has no zag block: %v", sum)
	}
	sizes := z["assembly_sizes"].([]int)
	for k, s := range sizes {
		if s == 0 {
			t.Errorf("assembly %d is empty", k)
		}
	}
	rec := sum["recall"].(map[string]any)
	if m, ok := rec["m_cued"].(map[string]any)["0.5"].(float64); !ok || math.IsNaN(m) {
		t.Errorf("m_cued at c = 0.5: %v", rec["m_cued"])
	}
}

// TestZagAblations: each ablation changes exactly its parameter on both
// P10 projections (input→E and E→E, as the code's flags do) or removes the
// global iSTDP from every phase (its rule is then built but off).
func TestZagAblations(t *testing.T) {
	def := spike.P10Defaults()
	for _, a := range ablations {
		c := zagShort()
		c.Zag.Ablate = []string{a}
		p, err := c.build(0, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, pr := range p.spec.Projections {
			for _, r := range pr.Plasticity {
				switch r.Rule {
				case spike.RuleP10:
					n++
					want := def
					switch a {
					case AblateHeterosynaptic:
						want.Beta = 0
					case AblateTransmitter:
						want.Delta = 0
					case AblateConsolidation:
						want.ConsolidationPeriodMs = 0
					}
					if *r.P10 != want {
						t.Errorf("%s: %s p10 = %+v, want %+v", a, pr.DisplayName(), *r.P10, want)
					}
				case spike.RuleGlobalISTDP:
					if off := a == AblateISTDP; r.Off != off {
						t.Errorf("%s: global_istdp off = %v, want %v (active %v)", a, r.Off, off, r.Active)
					}
				}
			}
		}
		if n != 2 {
			t.Errorf("%s: %d p10 rules, want 2 (input→E, E→E)", a, n)
		}
	}
}
