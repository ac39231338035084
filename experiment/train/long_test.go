package train

import (
	"context"
	"math"
	"os"
	"testing"

	"github.com/engramsim/engram/config"
)

func loadExample(t *testing.T, name string, set ...string) *Config {
	t.Helper()
	f := "../../examples/" + name
	data, err := config.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	if _, err := config.Load(f, data, c, set); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	return c
}

// The talk's target-rate task on the L2/3 preset (issue 18 "done means"):
// the population-mean rate reaches 20 Hz within 10 % from an almost
// silent start; the silent fraction is reported (measured: 0.99 → 0).
// Long (≈ 10 s): skipped with -short.
func TestTargetRateReachesTarget(t *testing.T) {
	if testing.Short() {
		t.Skip("200 iterations of a 100-neuron network, batch 10")
	}
	c := loadExample(t, "eprop-target-rate.toml")
	res, err := Fit(context.Background(), c, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rate %.2f → %.2f Hz, silent %.2f → %.2f, Var/E %.2f, m̂ %.3f", res.Initial.RateHz, res.Final.RateHz, res.Initial.Silent, res.Final.Silent, res.Final.VarOverMean, res.Final.MHat)
	if math.Abs(res.Final.RateHz-20) > 2 {
		t.Errorf("final rate %.2f Hz, not within 10 %% of 20 Hz", res.Final.RateHz)
	}
	if res.Initial.RateHz > 5 {
		t.Errorf("initial rate %.2f Hz: the task should start far below the target", res.Initial.RateHz)
	}
}

// The variance loss moves the variance of the population count towards
// its target: asking for Fano factor 6 gives a larger measured Var/E than
// asking for 1.5, at rates held near 20 Hz (measured: 5.5 vs 3.7 at
// 20.4 and 17.9 Hz). Long (≈ 30–60 s): ENGRAM_LONG=1 only.
func TestVarianceLossOrdersFano(t *testing.T) {
	if testing.Short() || os.Getenv("ENGRAM_LONG") != "1" {
		t.Skip("set ENGRAM_LONG=1 (2 × 200 iterations)")
	}
	var vm [2]float64
	for i, f := range []string{"1.5", "6.0"} {
		c := loadExample(t, "eprop-variance.toml", "loss.var_target_fano="+f)
		res, err := Fit(context.Background(), c, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		vm[i] = res.Final.VarOverMean
		t.Logf("target Fano %s: rate %.2f Hz, Var %.3f, Var/E %.3f, m̂ %.3f → 1/(1−m̂²) = %.3f", f, res.Final.RateHz, res.Final.Var, res.Final.VarOverMean, res.Final.MHat, 1/(1-res.Final.MHat*res.Final.MHat))
		if res.Final.RateHz < 12 || res.Final.RateHz > 28 {
			t.Errorf("target Fano %s: rate %.2f Hz not held near 20 Hz", f, res.Final.RateHz)
		}
	}
	if !(vm[1] > vm[0]) {
		t.Errorf("Var/E %.3f (target 6) not above %.3f (target 1.5)", vm[1], vm[0])
	}
}

// EP-8 (eprop.md §9/§10): e-prop with random feedback on the evidence
// task, the tutorial's defaults and its early-stopping protocol (validation
// on a fresh batch every 10 iterations; a validation error < 0.07 confirmed
// by the mean over 8 further batches) stops within 2000 iterations. The
// IGITUGraz README reports 200–500 iterations (batch 32); measured with
// examples/eprop-evidence.toml (seed 1): stop at iteration 410, confirming
// error 0.063 (seeds 1–6: 330–1480, all < 2000; see that file). Long
// (≈ 1 min measured; up to ≈ 10 min if it never stops): ENGRAM_LONG=1 only.
func TestEvidenceEP8(t *testing.T) {
	if testing.Short() || os.Getenv("ENGRAM_LONG") != "1" {
		t.Skip("set ENGRAM_LONG=1 (up to 2000 iterations of batch 32, 2250 steps)")
	}
	c := loadExample(t, "eprop-evidence.toml")
	if c.Train.StopError != 0.07 || c.Train.Iterations != 2000 || c.Train.ValidateEvery != 10 || c.Train.StopBatches != 8 {
		t.Fatalf("the example no longer has EP-8's protocol: %+v", c.Train)
	}
	res, err := Fit(context.Background(), c, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	last := res.VCurve[len(res.VCurve)-1]
	t.Logf("stop at %d (last validation %+v), final accuracy %.3f, rate %.1f Hz", res.StopIteration, last, res.Final.Accuracy, res.Final.RateHz)
	if res.StopIteration < 0 {
		t.Errorf("EP-8: validation error < 0.07 not confirmed within %d iterations", c.Train.Iterations)
	}
}
