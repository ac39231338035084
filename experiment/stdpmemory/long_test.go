//go:build long

package stdpmemory

// Long tests of the protocol on lkd-demo (stdp-memory.md §6 SM-8, SM-9).
// They simulate minutes to an hour of biological time, so they run only
// with the build tag:
//
//	go test -tags long -run SM8 -v ./experiment/stdpmemory/   (≈ 2 CPU-min)
//	go test -tags long -run SM9 -v ./experiment/stdpmemory/   (≈ 30 CPU-min)
//
// The values they measured are written next to each check; the full
// documented run is results/stdp-memory.md.

import (
	"context"
	"testing"

	"github.com/engramsim/engram/experiment"
)

func runLong(t *testing.T, c *Config) (experiment.Summary, string) {
	t.Helper()
	env := &experiment.Env{Dir: t.TempDir(), Workers: 2}
	sum, err := RunExperiment(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	return sum, env.Dir
}

// ratios reads R per weight sample from res/weight_ratio.tsv.
func ratios(t *testing.T, dir string) (labels []string, r []float64) {
	t.Helper()
	rows, err := readTSV(dir + "/res/weight_ratio.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		labels = append(labels, row["label"])
		r = append(r, parse(t, row["R"]))
	}
	return labels, r
}

// TestSM8Imprinting: the spec's demo imprinting (10 assemblies, f = 0.1,
// 10 shuffled blocks of +8 kHz for 1 s every 4 s, after 1 s warm-up and
// 60 s of settling): R rises over the blocks and exceeds 1.5.
//
// Measured (seed 1, the full run of results/stdp-memory, identical up to
// the end of imprinting): R = 1.774, 3.535, 4.210, 4.217, 4.198, 4.210,
// 4.206, 4.219, 4.240, 4.256. R > 1.5 holds; the strict rise does NOT (R
// saturates after block 3 and falls by 0.5 % at block 5), so this test
// fails as the spec states SM-8 — kept strict, not loosened.
func TestSM8Imprinting(t *testing.T) {
	c := Defaults()
	c.Phases.Consolidate.DurationMs, c.Phases.Recall.Trials = 0, 0
	sum, dir := runLong(t, c)
	labels, r := ratios(t, dir)
	var blocks []float64
	for i, l := range labels {
		if len(l) > 7 && l[:7] == "imprint" || l == "end of imprint" {
			blocks = append(blocks, r[i])
		}
	}
	t.Logf("R after each block: %v", blocks)
	if len(blocks) != 10 {
		t.Fatalf("%d block samples, want 10", len(blocks))
	}
	for i := 1; i < len(blocks); i++ {
		if !(blocks[i] > blocks[i-1]) {
			t.Errorf("R fell from %v to %v at block %d", blocks[i-1], blocks[i], i+1)
		}
	}
	if R := sum["weight_ratio"].(float64); !(R > 1.5) {
		t.Errorf("R after imprinting %v, want > 1.5 (SM-8)", R)
	}
}

// TestSM9Maintenance: 1 h of spontaneous activity with all plasticity
// after the imprinting of SM-8: R stays above 0.8 × its post-imprinting
// value (LKD's "stabilizes rather than erases", [src-abstract]).
//
// Measured (seed 1, results/stdp-memory full run): 4.256 after
// imprinting, 4.595 after 1 h (ratio 1.08): passes.
func TestSM9Maintenance(t *testing.T) {
	c := Defaults()
	c.Phases.Recall.Trials = 0
	sum, _ := runLong(t, c)
	bp := sum["weight_ratio_by_phase"].(map[string]any)
	ri, rc := bp[PhaseImprint].(float64), bp[PhaseConsolidate].(float64)
	t.Logf("R after imprinting %v, after 1 h %v (ratio %v)", ri, rc, rc/ri)
	if !(rc > 0.8*ri) {
		t.Errorf("R after 1 h %v ≤ 0.8 × %v (SM-9)", rc, ri)
	}
}
