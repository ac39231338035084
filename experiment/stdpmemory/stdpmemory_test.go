package stdpmemory

import (
	"context"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// short is a protocol of a few biological seconds on lkd-demo: 2
// assemblies, one block of 300 ms presentations, recall of full cues.
func short() *Config {
	c := Defaults()
	c.Patterns.Count = 2
	c.Phases.Warmup.DurationMs = 200
	c.Phases.Settle.DurationMs = 200
	c.Phases.Imprint.Blocks, c.Phases.Imprint.OnMs, c.Phases.Imprint.OffMs = 2, 300, 200
	c.Phases.Consolidate.DurationMs = 200
	c.Phases.Recall.Fractions, c.Phases.Recall.Trials = []float64{1}, 1
	c.Phases.Recall.CueMs, c.Phases.Recall.DelayMs, c.Phases.Recall.GapMs = 200, 400, 100
	c.Check.WarmupMinHz = 0 // 200 ms of warm-up is too short for a rate bound
	return c
}

func TestValidateErrors(t *testing.T) {
	for _, x := range []struct {
		edit func(c *Config)
		want string
	}{
		{func(c *Config) { c.Phases.Recall.Fractions = []float64{0.25, 0} }, "phases.recall.fractions[1] = 0: a cue fraction must be in (0, 1]"},
		{func(c *Config) { c.Phases.Recall.Fractions = []float64{1.5} }, "must be in (0, 1]"},
		{func(c *Config) { c.Phases.Recall.Fractions = []float64{0.5, 0.5} }, "listed twice"},
		{func(c *Config) { c.Patterns.Count = 1001 }, "more assemblies than neurons"},
		{func(c *Config) { c.Patterns.F = 1e-6 }, "empty assembly"},
		{func(c *Config) { c.Patterns.F, c.Patterns.Disjoint = 0.3, true }, "need 3000 neurons"},
		{func(c *Config) { c.Phases.Imprint.StartMs = 30000 }, "phases.imprint.start_ms = 30000 overlaps phases.settle, which ends at 61000 ms"},
		{func(c *Config) { c.Phases.Consolidate.StartMs = 1e7 }, "leaves a gap"},
		{func(c *Config) { c.Phases.Imprint.DurationMs = 1000 }, "run past the end of the phase"},
		{func(c *Config) { c.Phases.Recall.DurationMs = 1000 }, "run past the end of the phase"},
		{func(c *Config) { c.Phases.Settle.Plasticity = []string{"pair"} }, `phases.settle.plasticity[0] = "pair"`},
		{func(c *Config) { c.Network.Preset = "zag" }, `network.preset = "zag"`},
		{func(c *Config) { c.Run.FromCheckpoint, c.Run.FromPhase = "x.gob", "warmup" }, "run.from_phase"},
		{func(c *Config) { c.Phases.Imprint.OnMs = 0 }, "phases.imprint.on_ms"},
		{func(c *Config) { c.Patterns.Count, c.Phases.Imprint.Blocks = 1, 2 }, "twice in a row"},
		{func(c *Config) { c.Record.BinMs = 0.01 }, "record.bin_ms"},
		{func(c *Config) { c.Control.Kind = "bogus" }, `control.kind = "bogus"`},
		{func(c *Config) { c.Control.Kind = ControlImpose }, "control.ratio = 0 must be finite and > 0"},
		{func(c *Config) { c.Control.Kind, c.Control.AtPhase = ControlShuffle, "warmup" }, `control.at_phase = "warmup"`},
		{func(c *Config) { c.Phases.Recall.ResetMs = 3000 }, "phases.recall.reset_ms = 3000 is longer than the gap"},
		{func(c *Config) { c.Phases.Recall.ResetRateHz = math.Inf(1) }, "phases.recall.reset_rate_hz"},
		{func(c *Config) { c.Network.Preset = "no/such/net.toml" }, `network.preset = "no/such/net.toml"`},
		{func(c *Config) { c.Phases.Recall.ResetMs = 100 }, "a reset needs both"},
		{func(c *Config) { c.Phases.Imprint.ResetRateHz = 100 }, "phases.imprint: reset_ms = 0 and reset_rate_hz = 100"},
		{func(c *Config) {
			c.Run.FromCheckpoint, c.Run.FromPhase, c.Control.Kind, c.Control.AtPhase = "x.gob", "recall", ControlShuffle, "consolidate"
		}, "would never act"},
	} {
		c := Defaults()
		x.edit(c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), x.want) {
			t.Errorf("error %v, want one containing %q", err, x.want)
		}
	}
	if err := Defaults().Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestLayout: the default phases are consecutive with the spec's
// durations (1 s, 60 s, 10 blocks × 10 × 4 s, 1 h, 10 × 3 × 5 × 4.5 s),
// each rule acts exactly in the phases that list it, and the imprinting
// presents every assembly once per block, never twice in a row.
func TestLayout(t *testing.T) {
	c := Defaults()
	p, err := c.build(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 1000, 61000, 461000, 4061000, 4736000}
	for i, ph := range p.phases {
		if ph.StartMs != want[i] || ph.EndMs != want[i+1] || ph.Name != phaseOrder[i] {
			t.Errorf("phase %d: %s [%v, %v), want %s [%v, %v)", i, ph.Name, ph.StartMs, ph.EndMs, phaseOrder[i], want[i], want[i+1])
		}
	}
	for _, pr := range p.spec.Projections {
		for _, r := range pr.Plasticity {
			// vstdp, normalize: imprint + consolidate; the windows are
			// shifted by dt/2 (a rule acts in the steps whose end time lies
			// in them: exactly the steps that start in the phases)
			w := [][2]float64{{61000.05, 4061000.05}}
			if r.Rule == spike.RuleISTDP {
				w = [][2]float64{{1000.05, 4061000.05}}
			}
			if r.Off || !slices.Equal(r.Active, w) {
				t.Errorf("%s %s: active %v (off %v), want %v", pr.DisplayName(), r.Rule, r.Active, r.Off, w)
			}
		}
	}
	type pres struct {
		t float64
		a string
	}
	var order []pres
	count := map[string]int{}
	for _, in := range p.spec.Poisson {
		if strings.HasPrefix(in.Name, "imprint ") {
			for _, s := range in.Schedule {
				order = append(order, pres{s.StartMs, in.Group})
				count[in.Group]++
				if s.RateHz != 8000 || s.StopMs-s.StartMs != 1000 {
					t.Errorf("%s: segment %+v", in.Name, s)
				}
			}
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].t < order[j].t })
	if len(order) != 100 || len(count) != 10 {
		t.Fatalf("%d presentations of %d assemblies, want 100 of 10", len(order), len(count))
	}
	for i := range order {
		if order[i].t != 61000+4000*float64(i) {
			t.Fatalf("presentation %d at %v ms", i, order[i].t)
		}
		if i > 0 && order[i].a == order[i-1].a {
			t.Errorf("assembly %s presented twice in a row at %v ms", order[i].a, order[i].t)
		}
	}
	for g, n := range count {
		if n != 10 {
			t.Errorf("%s presented %d times, want 10", g, n)
		}
	}
	if len(p.trials) != 150 {
		t.Errorf("%d recall trials, want 150", len(p.trials))
	}
}

func run(t *testing.T, c *Config) experiment.Summary {
	t.Helper()
	env := &experiment.Env{Dir: t.TempDir(), Workers: 1}
	sum, err := RunExperiment(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	sum["_dir"] = env.Dir
	return sum
}

// TestShortRun runs a few seconds of the protocol: imprinting raises R
// above 1 (uniform initial weights give exactly 1), the evoked state of a
// full cue overlaps strongly with the cued assembly, and the summary has
// the keys of issue 15.
func TestShortRun(t *testing.T) {
	sum := run(t, short())
	bp := sum["weight_ratio_by_phase"].(map[string]any)
	if r := bp[PhaseSettle].(float64); r != 1 {
		t.Errorf("R after settling (no E→E plasticity) = %v, want exactly 1", r)
	}
	// measured 1.13 (seed 1); a potentiation of the imprinted assemblies
	// well above the float32 noise of the class means
	t.Logf("R = %v, m during full cues %v", sum["weight_ratio"], sum["recall"].(map[string]any)["m_cue_period"])
	if r := sum["weight_ratio"].(float64); !(r > 1.02) {
		t.Errorf("R after imprinting %v, want > 1.02", r)
	}
	rec := sum["recall"].(map[string]any)
	// the evoked overlap of a full cue: measured 0.924 here (0.93 in a
	// 70-s run); the cue drives the members far above the ≈ 1 Hz rest
	if m := rec["m_cue_period"].(map[string]any)["1"].(float64); !(m > 0.6) {
		t.Errorf("m during a full cue %v, want > 0.6", m)
	}
	for _, k := range []string{"success", "m_cued", "spurious"} {
		if _, ok := rec[k].(map[string]any)["1"]; !ok {
			t.Errorf("recall.%s has no entry \"1\"", k)
		}
	}
	rates := sum["rates"].(map[string]any)
	for _, k := range []string{"E_hz", "I_hz"} {
		if v, ok := rates[k].(float64); !ok || !(v > 0) {
			t.Errorf("rates.%s = %v", k, rates[k])
		}
	}
	// recall from the consolidated checkpoint: the same weights (R
	// identical), recall at the checkpoint's time, other fractions
	c := short()
	c.Run.FromCheckpoint = sum["_dir"].(string) + "/rec/checkpoint_consolidate.gob"
	c.Phases.Recall.Fractions = []float64{0.5}
	re := run(t, c)
	if re["weight_ratio"] != sum["weight_ratio"] {
		t.Errorf("R from the checkpoint %v, after training %v", re["weight_ratio"], sum["weight_ratio"])
	}
	ph := re["phases"].([]any)
	if len(ph) != 1 || ph[0].(map[string]any)["start_ms"] != 2600.0 {
		t.Errorf("resumed phases %v, want recall from 2600 ms (0.2 + 0.2 + 2 + 0.2 s)", ph)
	}
	if _, ok := re["recall"].(map[string]any)["success"].(map[string]any)["0.5"]; !ok {
		t.Error("resumed recall has no fraction 0.5")
	}
	// a checkpoint of another network (other patterns) is refused
	c.Patterns.Name = "B"
	env := &experiment.Env{Dir: t.TempDir(), Workers: 1}
	if _, err := RunExperiment(context.Background(), c, env); err == nil || !strings.Contains(err.Error(), "another network") {
		t.Errorf("checkpoint of other patterns: %v", err)
	}
}

// TestRateCheckerNamesPhase: a runaway bound below the network's rate
// stops the run with an error naming the phase.
func TestRateCheckerNamesPhase(t *testing.T) {
	c := short()
	c.Check.MaxRateHz = 0.001
	env := &experiment.Env{Dir: t.TempDir(), Workers: 1}
	_, err := RunExperiment(context.Background(), c, env)
	if err == nil || !strings.Contains(err.Error(), "phase warmup") {
		t.Errorf("error %v, want one naming phase warmup", err)
	}
}

func TestFractionKey(t *testing.T) {
	for f, want := range map[float64]string{0.25: "0.25", 0.1: "0.1", 1: "1", 0.5: "0.5"} {
		if FractionKey(f) != want {
			t.Errorf("FractionKey(%v) = %q", f, FractionKey(f))
		}
	}
}

// readTSV reads a header + rows TSV into maps (test helper).
func readTSV(path string) ([]map[string]string, error) {
	h, rows, err := store.ReadTSVRecords(path)
	if err != nil {
		return nil, err
	}
	var out []map[string]string
	for _, r := range rows {
		m := map[string]string{}
		for i, k := range h {
			if i < len(r) {
				m[k] = r[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func parse(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestWeightRatioTable: res/weight_ratio.tsv starts at R = 1 (uniform
// weights), has a row per imprinting block, and its last row before
// recall is the summary's weight_ratio.
func TestWeightRatioTable(t *testing.T) {
	sum := run(t, short())
	rows, err := readTSV(sum["_dir"].(string) + "/res/weight_ratio.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if rows[0]["label"] != "start" || parse(t, rows[0]["R"]) != 1 {
		t.Errorf("first row %v, want the start with R = 1", rows[0])
	}
	var blocks int
	var beforeRecall float64
	for _, r := range rows {
		if strings.HasPrefix(r["label"], "imprint block") || r["label"] == "end of imprint" {
			blocks++
		}
		if r["label"] == "end of consolidate" {
			beforeRecall = parse(t, r["R"])
		}
	}
	if blocks != 2 {
		t.Errorf("%d block rows, want 2", blocks)
	}
	if beforeRecall != sum["weight_ratio"].(float64) {
		t.Errorf("R at the end of consolidation %v, summary %v", beforeRecall, sum["weight_ratio"])
	}
}

// TestControls: "impose" at the start of recall replaces the trained E→E
// matrix by the Amit–Brunel structure (within-assembly mean exactly
// J₊·J0, J0 the trained mean, reported in the summary), "shuffle" keeps
// the class structure (R of disjoint assemblies within 2 % of the trained
// R, far from the R = 1 of "shuffle-all"), reset_inhibition restores the
// preset's I→E weight; a reset pulse in the gaps is laid out as an input.
func TestControls(t *testing.T) {
	base := short()
	base.Patterns.Disjoint = true
	base.Phases.Recall.GapMs, base.Phases.Recall.ResetMs, base.Phases.Recall.ResetRateHz = 200, 100, 10000
	trained := run(t, base)

	c := short()
	*c = *base
	c.Control = Control{Kind: ControlImpose, Ratio: 2.5, AtPhase: PhaseRecall, ResetInhibition: true}
	im := run(t, c)
	ctl := im["control"].(map[string]any)
	j0, jm := ctl["j0"].(float64), ctl["j_minus"].(float64)
	w := im["weights"].(map[string]any)
	// float32 storage of 2.5·J0: relative rounding ≤ 2^-24
	if got := w["within"].(float64); math.Abs(got-2.5*j0) > 1e-6*j0 {
		t.Errorf("within-assembly mean %v after imposing, want 2.5·J0 = %v", got, 2.5*j0)
	}
	if got := w["in"].(float64); math.Abs(got-jm*j0) > 1e-6*j0 { // every synapse from outside k onto k has J₋
		t.Errorf("rest→assembly mean %v after imposing, want J₋·J0 = %v", got, jm*j0)
	}
	if want := 1 - 0.1*(2.5-1)/0.9; math.Abs(jm-want) > 1e-12 {
		t.Errorf("J₋ = %v, want Brunel–Wang's %v", jm, want)
	}
	if ie := w["ie_sum_members"].(float64) / w["ie_sum_rest"].(float64); math.Abs(ie-1) > 0.05 {
		// equal weights: the summed I→E input differs only by the in-degrees
		t.Errorf("I→E onto members / onto the rest = %v after reset_inhibition, want ≈ 1", ie)
	}
	if before, after := ctl["ie_mean_before"].(float64), ctl["ie_mean_after"].(float64); !(after > 0) || before < after {
		t.Errorf("I→E mean %v → %v: iSTDP only raises I→E above the preset's value (its lower bound)", before, after)
	}

	c.Control = Control{Kind: ControlShuffle, AtPhase: PhaseRecall}
	sh := run(t, c)
	rt, rs := trained["weight_ratio"].(float64), sh["weight_ratio"].(float64)
	t.Logf("R trained %v, within-class shuffle %v, imposed %v", rt, rs, im["weight_ratio"])
	if sh["control"].(map[string]any)["moved"].(float64) < 0.9 {
		t.Errorf("the within-class shuffle moved a fraction %v of the weights", sh["control"].(map[string]any)["moved"])
	}
	if math.Abs(rs-rt) > 0.02*rt || !(rt > 1.02) {
		t.Errorf("R after a within-class shuffle %v, trained %v: want equal within 2 %%", rs, rt)
	}
	c.Control = Control{Kind: ControlShuffleAll, AtPhase: PhaseRecall}
	sa := run(t, c)
	// a full permutation destroys the assemblies: R = 1 up to the sampling
	// noise of the class means (≈ 10⁴ within-synapses per assembly)
	if ra := sa["weight_ratio"].(float64); math.Abs(ra-1) > 0.02 {
		t.Errorf("R after shuffling all E→E weights %v, want ≈ 1", ra)
	}
	p, err := base.build(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var resets []spike.Segment
	for _, in := range p.spec.Poisson {
		if in.Name == "reset" {
			resets = in.Schedule
		}
	}
	if len(resets) != len(p.trials) {
		t.Fatalf("%d reset segments for %d trials", len(resets), len(p.trials))
	}
	for i, tr := range p.trials {
		if r := resets[i]; r.StartMs != tr.DelayMs[1] || r.StopMs != tr.DelayMs[1]+100 || r.RateHz != 10000 {
			t.Errorf("trial %d: reset %+v, want [%v, %v) at 10 kHz", i, r, tr.DelayMs[1], tr.DelayMs[1]+100)
		}
	}
}

// TestImprintResets: with phases.imprint.reset_ms every presentation is
// followed at once by a reset of that length, and no reset starts elsewhere
// in the imprinting phase.
func TestImprintResets(t *testing.T) {
	c := short()
	c.Phases.Imprint.ResetMs, c.Phases.Imprint.ResetRateHz = 100, 20000
	p, err := c.build(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	ends := map[float64]bool{}
	n := 0
	var resets []spike.Segment
	for _, in := range p.spec.Poisson {
		if strings.HasPrefix(in.Name, "imprint ") {
			for _, sg := range in.Schedule {
				ends[sg.StopMs] = true
				n++
			}
		}
		if in.Name == "reset" {
			resets = in.Schedule
		}
	}
	if n != c.Phases.Imprint.Blocks*c.Patterns.Count || len(resets) != n {
		t.Fatalf("%d presentations, %d resets, want %d of each", n, len(resets), c.Phases.Imprint.Blocks*c.Patterns.Count)
	}
	for i, r := range resets {
		if !ends[r.StartMs] || r.StopMs != r.StartMs+100 || r.RateHz != 20000 || (i > 0 && r.StartMs <= resets[i-1].StartMs) {
			t.Errorf("reset %d %+v: not a 100-ms reset at the end of a presentation, in time order", i, r)
		}
	}
}
