//go:build long

package spiking

// Long tests of the memory models' baselines (stdp-memory.md §6 SM-6, SM-7;
// issue 14). They simulate minutes of biological time, so they run only
// with the build tag: go test -tags long -run 'SM6|SM7' -v ./experiment/spiking/
// (about 10 minutes on 2 cores). The values they measured are written next to
// each check.

import (
	"math"
	"testing"

	"github.com/engramsim/engram/model/spike"
)

// runLong runs c with two workers and returns its summary's population
// rate and mean CV of ISI, and the final mean weight of projection proj.
func runLong(t *testing.T, c *Config, pop, proj string) (rate, cv, wFinal float64) {
	t.Helper()
	c.Record.Spikes = "all"
	f, sum := runPopStats(t, c, 2, pop)
	rate, cv = f("rate_hz"), f("cv_isi")
	wFinal = math.NaN()
	if ws, ok := sum["weights"].(map[string]any); ok {
		if w, ok := ws[proj].(map[string]any); ok {
			wFinal, _ = w["mean_final"].(float64)
		}
	}
	return rate, cv, wFinal
}

// SM-7: the lkd2014 baseline (plasticity off, 1 s warm-up + 10 s) is
// asynchronous irregular: mean E rate in 1–10 Hz, mean ISI CV > 0.7
// (spec: [design]), for three seeds. Measured (seeds 1, 2, 3; this build):
// E 1.63, 1.64, 1.62 Hz; CV 0.77, 0.77, 0.77 — the published LKD network
// fires at a few Hz with CV ≈ 1 once its assemblies form; before them it is
// quieter and less irregular (Brian2 2.5.1 at the same constants: 1.61 Hz,
// bench/spiking/brian_lkd.py).
func TestSM7LKDBaselineAI(t *testing.T) {
	for _, seed := range []string{"1", "2", "3"} {
		c, err := loadExample(t, spike.PresetLKD2014, "network.seed="+seed, "run.transient_ms=1000", "run.duration_ms=10000")
		if err != nil {
			t.Fatal(err)
		}
		for i := range c.Projection { // every rule off: the baseline before plasticity
			for k := range c.Projection[i].Plasticity {
				c.Projection[i].Plasticity[k].Off = true
			}
		}
		rate, cv, _ := runLong(t, c, "E", "")
		t.Logf("seed %s: E rate %.3f Hz, mean CV ISI %.3f", seed, rate, cv)
		if !(rate >= 1 && rate <= 10) || !(cv > 0.7) {
			t.Errorf("seed %s: E rate %.3g Hz (want 1–10), CV %.3g (want > 0.7): not asynchronous irregular", seed, rate, cv)
		}
	}
}

// SM-6: with E→E plasticity off, inhibitory plasticity drives the E rate
// to its fixed point: LKD's Vogels rule to ρ0 = 3 Hz, ZAG's globally gated
// rule to κ = 4 Hz (±15 %, [design]).
//
// LKD as published cannot reach it from its baseline: the I→E lower bound
// equals the initial weight (48.7 pF), the baseline E rate (1.6 Hz) is
// below ρ0, so the rule can only push the weights onto that floor and the
// rate stays at the baseline. The test checks exactly that (rate within
// 15 % of the static baseline, mean I→E weight within 1 % of the floor),
// then lowers the floor to 0 and checks the fixed point ρ0, over the last
// 10 s of 60 s. Measured (this build, seed 1): floor: E 1.619 Hz, mean
// I→E weight 3.2629 (floor 3.2467, +0.5 %); floor 0: E 2.800 Hz (−6.7 %).
func TestSM6LKDInhibitoryFixedPoint(t *testing.T) {
	const tol = 0.15 // [design] stdp-memory.md §6 SM-6
	c, err := loadExample(t, spike.PresetLKD2014, "run.transient_ms=50000", "run.duration_ms=10000")
	if err != nil {
		t.Fatal(err)
	}
	floor := c.Projection[2].Plasticity[0].WMin
	rate, _, w := runLong(t, c, "E", "I→E")
	t.Logf("LKD, I→E floor %.4g: E rate %.3f Hz, mean I→E weight %.5g", floor, rate, w)
	if math.Abs(rate-1.63)/1.63 > tol || math.Abs(w-floor)/floor > 0.01 {
		t.Errorf("LKD with its floor: E rate %.3g Hz (baseline 1.63), mean I→E weight %.5g (floor %.5g)", rate, w, floor)
	}
	c, _ = loadExample(t, spike.PresetLKD2014, "run.transient_ms=50000", "run.duration_ms=10000")
	c.Projection[2].Plasticity[0].WMin = 0
	rate, _, _ = runLong(t, c, "E", "")
	t.Logf("LKD, I→E floor 0: E rate %.3f Hz (ρ0 = 3)", rate)
	if math.Abs(rate-3)/3 > tol {
		t.Errorf("LKD without the I→E floor: E rate %.3g Hz, want 3 ± %g %%", rate, 100*tol)
	}
}

// SM-6 for ZAG: the spec's 60 s are too short for ZAG's GlobalPF. Its drift
// is η_g(ν̄ − κ)/κ times the traces (η_g = 2e-5): a 120 s run of
// examples/zag2015.toml measured the E rate in 10-s bins as 9.55, 8.85,
// 8.02, 7.31, 6.85, 6.52, 6.29, 6.11, 5.94, 5.80, 5.71, 5.62 Hz and the mean
// I→E weight rising 0.150 → 0.186 at 2e-4 per s (the rule's prediction at
// 6 Hz: 1.9e-4 per s), a relaxation time of ≈ 150 s near the end. So the
// check runs 800 s and measures the last 20 s. Measured (this build, seed
// 1): at 380–400 s E 4.592 Hz (+14.8 %, I→E 0.2073); at 780–800 s E 4.251
// Hz (+6.3 %, mean I→E weight 0.2181), still approaching κ.
func TestSM6ZAGGlobalFixedPoint(t *testing.T) {
	const tol = 0.15 // [design] stdp-memory.md §6 SM-6
	c, err := loadExample(t, spike.PresetZAG2015, "run.transient_ms=780000", "run.duration_ms=20000")
	if err != nil {
		t.Fatal(err)
	}
	rate, _, w := runLong(t, c, "E", "I→E")
	t.Logf("ZAG: E rate %.3f Hz (κ = 4), mean I→E weight %.4g", rate, w)
	if math.Abs(rate-4)/4 > tol {
		t.Errorf("ZAG: E population rate %.3g Hz, want 4 ± %g %%", rate, 100*tol)
	}
}
