package spiking

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/engramsim/engram/model/spike/monitor"
	"github.com/engramsim/engram/store"
)

// TestRatesStreamed: rec/rates_hz.npy, streamed bin by bin, holds for
// every bin (the last one shorter: 100.35 ms in 1 ms bins gives 100 full
// bins and one of 0.4 ms after rounding to steps) the spike count of
// rec/spikes.npy divided by N and by the bin width, and pop_rate_cv is the
// CV of the full-width bins. The exact reference is the naive recount from
// the spike file (float32 rounding of the stored rates: 1e-6 relative).
func TestRatesStreamed(t *testing.T) {
	c := Defaults()
	c.Population[0].N = 50
	c.Input.MuMV = 20 // ≈ 27 Hz (spec §3: μ = 20, σ = 5 mV)
	c.Run.TransientMs, c.Run.DurationMs = 20, 100.35
	env := newEnv(t)
	sum, err := RunExperiment(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := store.ReadNPY(filepath.Join(env.Dir, "rec", "spikes.npy"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := store.ReadNPY(filepath.Join(env.Dir, "rec", "rates_hz.npy"))
	if err != nil {
		t.Fatal(err)
	}
	const steps, bin = 1004, 10 // 100.35 ms / 0.1 ms rounded; 1 ms bins
	if len(r.Shape) != 2 || r.Shape[0] != 101 || r.Shape[1] != 1 {
		t.Fatalf("rates_hz.npy shape %v, want [101 1]", r.Shape)
	}
	counts := make([]float64, 101)
	for k := 0; k < sp.Shape[0]; k++ {
		counts[int(sp.Data[2*k])/bin]++
	}
	var s1, s2 float64
	for b, n := range counts {
		width := float64(min(bin, steps-b*bin)) * 0.1 / 1000
		want := n / 50 / width
		if math.Abs(r.Data[b]-want) > 1e-6*want {
			t.Errorf("bin %d: streamed rate %v Hz, recount %v Hz", b, r.Data[b], want)
		}
		if b < 100 {
			s1, s2 = s1+want, s2+want*want
		}
	}
	m := s1 / 100
	cv := math.Sqrt((s2-100*m*m)/99) / m
	got := sum["populations"].(map[string]any)["LIF"].(map[string]any)["pop_rate_cv"].(float64)
	if math.Abs(got-cv) > 1e-9*cv {
		t.Errorf("pop_rate_cv %v, recount %v", got, cv)
	}
}

// TestEstimateRatesBounded: population rates are streamed, so the memory
// estimate does not grow with the run length beyond the figure's ≤ 2000
// points per population.
func TestEstimateRatesBounded(t *testing.T) {
	c, _ := PresetConfig("brunel-ai")
	c.Run.DurationMs = 1000
	short := c.EstimateBytes()
	c.Run.DurationMs = 1e7 // 10^7 one-millisecond bins
	long := c.EstimateBytes()
	if d := long - short; d < 0 || d > 8*monitor.MaxPlotPoints*3 {
		t.Errorf("estimate grows by %d B from 1 s to 10^4 s", d)
	}
}
