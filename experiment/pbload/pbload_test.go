package pbload

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/report"
)

// config of a finite-K network as in R10/R13/R14 of pereira-brunel.md:
// N = 20 000, K = 250.
func finiteK(a float64, alphas []float64, seeds int, durMs float64) *Config {
	c := Defaults()
	c.Rule.A = a
	c.Load.Alphas, c.Load.Seeds, c.Load.DurationMs = alphas, seeds, durMs
	c.Load.Theory, c.Load.TheoryFiniteK = false, false
	return c
}

func meanSD(x []float64) (float64, float64) {
	var s, s2 float64
	for _, v := range x {
		s += v
	}
	m := s / float64(len(x))
	for _, v := range x {
		s2 += (v - m) * (v - m)
	}
	return m, math.Sqrt(s2 / float64(len(x)))
}

// R10/R13 (simulation part): fixed-point retrieval at the inferred A,
// α = 0.12, N = 20 000, K = 250, r(0) = φ(4ξ¹). The spec's single run gave
// m₁ = 0.929 and mean rate 6.85 Hz. The overlap varies between network
// realisations much more than the spec's ±0.02 assumes. Measured spread:
// an independent numpy/scipy implementation (bench/ratenet/pb_reference.py,
// seeds 1–7) gave 0.929, 0.946, 0.937, 0.962, 0.985, 0.972, 0.924 and
// engram (`engram run` of pb-load, seed 5, 8 realisations) 0.943, 0.924,
// 0.938, 1.005, 0.950, 0.999, 0.927, 0.906: means 0.951 and 0.949, pooled
// SD 0.028. We test the mean of 4 realisations against the pooled mean
// 0.950 with 3 SE (3·0.028/√4 = 0.042; the band contains the spec's
// 0.929) and each realisation against mean ± 2.5 SD.
func TestR10R13FixedPointRetrieval(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation test (~15 s); skipped with -short")
	}
	const refMean, sd = 0.950, 0.028
	const band = 3 * sd / 2
	c := finiteK(ratefn.MedianA, []float64{0.12}, 4, 300)
	pts, err := Simulate(context.Background(), c, 11, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	var m, rate []float64
	for _, p := range pts {
		m = append(m, p.MAtMeasure)
		rate = append(rate, p.MeanRateHz)
		if math.Abs(p.MAtMeasure-refMean) > 2.5*sd {
			t.Errorf("realisation %d: m₁ = %.4f outside %.3f ± %.3f", p.Seed, p.MAtMeasure, refMean, 2.5*sd)
		}
		if p.TemporalSDHz > 0.05 {
			t.Errorf("realisation %d: rates still fluctuate (%.3f Hz): not a fixed point", p.Seed, p.TemporalSDHz)
		}
	}
	mm, _ := meanSD(m)
	if math.Abs(mm-refMean) > band {
		t.Errorf("mean m₁ over realisations %.4f, reference %.3f ± %.3f (values %v)", mm, refMean, band, m)
	}
	// mean rate: MFT 6.69 Hz, spec simulation 6.85 Hz, reference runs
	// 6.22–6.66 Hz; accept 6.0–7.2.
	if mr, _ := meanSD(rate); mr < 6.0 || mr > 7.2 {
		t.Errorf("mean rate %.3f Hz outside [6.0, 7.2]", mr)
	}
}

// R14 (chaotic-retrieval reference run): A = 10.65, α = 0.56, N = 20 000,
// K = 250, r(0) = φ(4ξ¹): time-averaged m₁ = 0.506 (±0.1 as the spec
// allows), single-neuron rates fluctuate (temporal SD 4.1 Hz averaged over
// neurons; zero in every fixed-point run). α = 0.56 is close to the edge of
// chaotic retrieval at K = 250 (R9: lost from α ≈ 0.64), and some network
// realisations lose the memory: an engram run with seed 3 decayed to
// m ≈ 0.02, while engram seed 7 (m ≈ 0.49) and numpy seeds 1, 2 (0.52, 0.52
// averaged over 0.25–1.25 s) kept it. With the realisations keyed by the
// load's value (LoadKey), seeds 1–4 and 7 gave time-averaged m₁ of
// 0.481 0.546 0.577 | 0.553 0.455 0.606 | 0.540 0.476 0.010 |
// 0.309 0.267 0.632 | 0.008 0.013 0.074: 10 of 15 realisations kept the
// memory (seed 7 lost all three). So we simulate 3 realisations of seed 1
// and require that at least 2 keep retrieval (time-averaged m₁ > 0.3) and
// that those match R14.
func TestR14ChaoticRetrieval(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation test (~40 s); skipped with -short")
	}
	c := finiteK(3*ratefn.MedianA, []float64{0.56}, 3, 1400)
	pts, err := Simulate(context.Background(), c, 1, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, p := range pts {
		t.Logf("realisation %d: m avg %.3f (SD in time %.3f), rate temporal SD %.2f Hz, mean rate %.2f Hz", p.Seed, p.MAvg, p.MSD, p.TemporalSDHz, p.MeanRateHz)
		if p.MAvg < 0.3 {
			continue
		}
		kept++
		if math.Abs(p.MAvg-0.506) > 0.1 {
			t.Errorf("realisation %d: time-averaged m₁ = %.3f, want 0.506 ± 0.1", p.Seed, p.MAvg)
		}
		if p.TemporalSDHz < 1 {
			t.Errorf("realisation %d: temporal SD of rates %.3f Hz: expected chaotic fluctuations (≈4 Hz)", p.Seed, p.TemporalSDHz)
		}
		if p.MSD <= 0.001 {
			t.Errorf("realisation %d: m₁ does not fluctuate in time (SD %.4f)", p.Seed, p.MSD)
		}
	}
	if kept < 2 {
		t.Errorf("only %d of 3 realisations kept chaotic retrieval at α = 0.56", kept)
	}
}

func TestAggregateAndValidate(t *testing.T) {
	a := Aggregate([]Point{{Alpha: 0.2, MAtMeasure: 0.8, MAvg: 0.7}, {Alpha: 0.1, MAtMeasure: 0.9, MAvg: 0.9}, {Alpha: 0.2, MAtMeasure: 0.6, MAvg: 0.5}})
	if len(a) != 2 || a[0].Alpha != 0.1 || math.Abs(a[1].MMeasure-0.7) > 1e-12 || math.Abs(a[1].MMeasureSD-0.1) > 1e-12 || a[1].N != 2 {
		t.Errorf("aggregate %+v", a)
	}
	c := Defaults()
	c.Load.Alphas = []float64{0.001}
	if err := c.Validate(); err == nil {
		t.Error("alpha giving p = 0 accepted")
	}
	c = Defaults()
	c.Load.MeasureMs = 5000
	if err := c.Validate(); err == nil {
		t.Error("measure_ms > duration accepted")
	}
}

// A points.tsv written by Run reads back into the same points (re-analysis
// of a finished sweep without re-simulating).
func TestReadPointsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	c := finiteK(ratefn.MedianA, []float64{0.1}, 1, 20)
	c.Network.N, c.Network.C = 1000, 0.1
	env := &experiment.Env{Dir: dir, Seed: 1, Workers: 1, Report: report.New("t")}
	if _, err := Run(context.Background(), c, env); err != nil {
		t.Fatal(err)
	}
	pts, err := ReadPoints(filepath.Join(dir, "res", "points.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 1 || pts[0].P != 10 || pts[0].Alpha != 0.1 {
		t.Fatalf("read back %+v", pts)
	}
	c.Load.PointsFile = filepath.Join(dir, "res", "points.tsv")
	env2 := &experiment.Env{Dir: t.TempDir(), Seed: 1, Workers: 1, Report: report.New("t")}
	sum, err := Run(context.Background(), c, env2)
	if err != nil {
		t.Fatal(err)
	}
	if m := sum["m_at_measure"].([]float64); math.Abs(m[0]-pts[0].MAtMeasure) > 1e-12 {
		t.Errorf("re-analysis gives %v, points say %v", m[0], pts[0].MAtMeasure)
	}
	if _, err := ReadPoints(filepath.Join(dir, "res", "summary.tsv")); err == nil {
		t.Error("summary.tsv accepted as points")
	}
}
