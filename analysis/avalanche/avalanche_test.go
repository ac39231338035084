package avalanche

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/engramsim/engram/analysis/powerlaw"
	"github.com/engramsim/engram/theory/branchproc"
)

// criticalAvalanches simulates n single-seed avalanches at m = 1 with
// S capped at 10⁶ and returns sizes and durations with capped runs excluded
// (criticality.md AV-3..AV-5).
func criticalAvalanches(t testing.TB, n int, seed uint64) (sizes, durations []float64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 5))
	av, err := branchproc.SimulateAvalanches(rng, 1, n, &branchproc.AvalancheOptions{MaxSize: 1000000})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range av {
		if a.Capped {
			continue
		}
		sizes = append(sizes, float64(a.Size))
		durations = append(durations, float64(a.Duration))
	}
	return sizes, durations
}

// TestCriticalExponents covers AV-3, AV-4 and AV-5 (criticality.md §5.4)
// on 2·10⁵ simulated avalanches at m = 1.
func TestCriticalExponents(t *testing.T) {
	sizes, durations := criticalAvalanches(t, 200000, 1)
	for _, xmin := range []float64{5, 10, 20} {
		// AV-3: discrete MLE of α_S at fixed x_min, |α̂ − 1.5| < 0.03
		// (measured 1.505, 1.509, 1.513).
		s, err := powerlaw.Fit(sizes, &powerlaw.Options{Discrete: true, XMin: xmin})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.Alpha-1.5) >= 0.03 {
			t.Errorf("AV-3: α_S(x_min=%v) = %.4f, want 1.5 ± 0.03", xmin, s.Alpha)
		}
		// AV-4: α_D, 1.8 < α̂ < 2.1 for x_min ≥ 10 (measured 1.86, 1.92,
		// 1.96: slow finite-size convergence).
		d, err := powerlaw.Fit(durations, &powerlaw.Options{Discrete: true, XMin: xmin})
		if err != nil {
			t.Fatal(err)
		}
		if xmin >= 10 && !(d.Alpha > 1.8 && d.Alpha < 2.1) {
			t.Errorf("AV-4: α_D(x_min=%v) = %.4f, want in (1.8, 2.1)", xmin, d.Alpha)
		}
		t.Logf("x_min = %2.0f: α_S = %.4f ± %.4f, α_D = %.4f ± %.4f", xmin, s.Alpha, s.AlphaStdErr, d.Alpha, d.AlphaStdErr)
	}
	// AV-5: slope of ln⟨S⟩ vs ln D for D ∈ [10, 200] in [1.8, 2.1]
	// (measured 1.89).
	sc, err := ScalingExponent(sizes, durations, 10, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("AV-5: γ = %.3f ± %.3f over %d durations", sc.Gamma, sc.StdErr, sc.Points)
	if sc.Gamma < 1.8 || sc.Gamma > 2.1 {
		t.Errorf("AV-5: γ = %.3f, want in [1.8, 2.1]", sc.Gamma)
	}
	// Full pipeline with fixed x_min = 10: the crackling-noise prediction
	// (α_D − 1)/(α_S − 1) is ≈ 2 within the α_D finite-size bias
	// ((1.92 − 1)/(0.509) ≈ 1.8).
	res, err := Analyze(sizes, durations, &Options{SizeXMin: 10, DurationXMin: 10, GammaDMax: 200})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Analyze: n = %d, α_S %.3f, α_D %.3f, γ fit %.3f, γ predicted %.3f ± %.3f", res.NAvalanches, res.SizeAlpha, res.DurationAlpha, res.GammaFit, res.GammaPredicted, res.GammaPredictedStdErr)
	if res.GammaPredicted < 1.6 || res.GammaPredicted > 2.2 {
		t.Errorf("γ predicted = %.3f, want ≈ 2 (1.6–2.2 given α_D's bias)", res.GammaPredicted)
	}
}

// naiveExtract is a deliberately literal reference for Extract.
func naiveExtract(c []float64) []Avalanche {
	var out []Avalanche
	for i := 1; i < len(c); i++ {
		if c[i] > 0 && c[i-1] == 0 {
			j := i
			s := 0.0
			for j < len(c) && c[j] > 0 {
				s += c[j]
				j++
			}
			if j < len(c) {
				out = append(out, Avalanche{Start: i, Duration: j - i, Size: s})
			}
		}
	}
	return out
}

func TestExtract(t *testing.T) {
	counts := []float64{2, 0, 1, 3, 0, 0, 5, 0, 1, 1, 1, 0, 4}
	got, err := Extract(counts, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Avalanche{{2, 2, 4}, {6, 1, 5}, {8, 3, 3}}
	if !slices.Equal(got, want) {
		t.Errorf("Extract = %v, want %v (edge runs dropped)", got, want)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	_, obs, _ := branchproc.SimulateDriven(rng, branchproc.Driven{M: 0.9, Mean: 0.3, Length: 20000, Trials: 1, Subsample: 1})
	got, _ = Extract(obs[0], 0)
	if ref := naiveExtract(obs[0]); !slices.Equal(got, ref) {
		t.Errorf("Extract differs from the naive reference: %d vs %d avalanches", len(got), len(ref))
	}
	// Threshold: bins with count ≤ 1 are inactive.
	got, _ = Extract([]float64{0, 2, 1, 3, 0}, 1)
	if !slices.Equal(got, []Avalanche{{1, 1, 2}, {3, 1, 3}}) {
		t.Errorf("thresholded Extract = %v", got)
	}
	if _, err := Extract([]float64{0, math.NaN(), 0}, 0); err == nil {
		t.Error("NaN count: want error")
	}
}

func TestBinning(t *testing.T) {
	times := []float64{0.5, 1.2, 1.7, 3.9, 4.0, 9.99}
	c, err := CountsFromSpikeTimes(times, 1, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 2, 0, 1, 1, 0, 0, 0, 0, 1}; !slices.Equal(c, want) {
		t.Errorf("counts = %v, want %v", c, want)
	}
	iei, _ := MeanInterEventInterval(times)
	if want := (9.99 - 0.5) / 5; math.Abs(iei-want) > 1e-15 {
		t.Errorf("mean IEI = %v, want %v", iei, want)
	}
	c, w, err := CountsByMeanIEI(times)
	if err != nil || w != iei || sum(c) != float64(len(times)) {
		t.Errorf("CountsByMeanIEI: %v %v %v (sum %v)", c, w, err, sum(c))
	}
	if _, err := MeanInterEventInterval([]float64{1}); err == nil {
		t.Error("one event: want error")
	}
	p, err := PopulationCountsBool([][]bool{{true, false, true}, {true, true, false}})
	if err != nil || !slices.Equal(p, []float64{2, 1, 1}) {
		t.Errorf("PopulationCountsBool = %v, %v", p, err)
	}
	r, _ := Rebin([]float64{1, 2, 3, 4, 5}, 2)
	if !slices.Equal(r, []float64{3, 7}) {
		t.Errorf("Rebin = %v", r)
	}
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

func TestPredictedGamma(t *testing.T) {
	g, se := PredictedGamma(1.5, 0, 2, 0)
	if g != 2 || se != 0 {
		t.Errorf("γ(1.5, 2) = %v ± %v, want 2 ± 0", g, se)
	}
	if g != branchproc.CracklingGamma(1.5, 2) {
		t.Error("PredictedGamma and branchproc.CracklingGamma disagree")
	}
}

// TestSeriesRoundTripAndCollapse: avalanches written into one series by
// branchproc.AvalancheSeries are recovered exactly by Extract, and the shape
// collapse at m = 1 gives γ ≈ 2 (mean field; finite D pulls it slightly
// below, like the ⟨S⟩(D) slope of AV-5, measured 1.89 there).
func TestSeriesRoundTripAndCollapse(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	series, list, err := branchproc.AvalancheSeries(rng, 1, 50000, 2, &branchproc.AvalancheOptions{MaxSize: 100000})
	if err != nil {
		t.Fatal(err)
	}
	av, err := Extract(series, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(av) != len(list) {
		t.Fatalf("extracted %d avalanches, generated %d", len(av), len(list))
	}
	for i := range av {
		if av[i].Size != float64(list[i].Size) || av[i].Duration != list[i].Duration {
			t.Fatalf("avalanche %d: extracted (%v, %d), generated (%d, %d)", i, av[i].Size, av[i].Duration, list[i].Size, list[i].Duration)
		}
	}
	c, err := ShapeCollapse(series, av, &CollapseOptions{DMin: 10, DMax: 60, MinCount: 50})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("shape collapse: γ = %.3f (cost %.4f) over %d durations", c.Gamma, c.Cost, len(c.Durations))
	if c.Gamma < 1.7 || c.Gamma > 2.2 {
		t.Errorf("shape-collapse γ = %.3f, want ≈ 2 (1.7–2.2)", c.Gamma)
	}
	rows := ExponentsByBinWidth([][]float64{series}, 0, []int{1, 2, 1 << 30}, &Options{SizeXMin: 10, DurationXMin: 5})
	for _, r := range rows[:2] {
		if r.Err != nil {
			t.Errorf("factor %d: %v", r.Factor, r.Err)
			continue
		}
		t.Logf("bin ×%d: n = %d α_S = %.3f α_D = %.3f", r.Factor, r.Result.NAvalanches, r.Result.SizeAlpha, r.Result.DurationAlpha)
	}
	// factor 1 is the series itself; merging bins merges avalanches
	if rows[0].Err != nil || rows[0].Result.NAvalanches != len(av) || rows[0].BinWidth != 1 || rows[1].BinWidth != 2 ||
		rows[1].Err != nil || rows[1].Result.NAvalanches >= len(av) {
		t.Errorf("by bin width: %+v %+v (extracted %d)", rows[0], rows[1], len(av))
	}
	if rows[2].Err == nil {
		t.Error("a factor longer than the series gave no error")
	}
}

// TestCountsFromSpikeTimesHugeRange: a range of 10³⁰⁰ bins is an error, not
// an int overflow (negative length panic) or an allocation attempt.
func TestCountsFromSpikeTimesHugeRange(t *testing.T) {
	if _, err := CountsFromSpikeTimes([]float64{0, 1e300}, 1, 0, 1e300); err == nil {
		t.Error("1e300 bins accepted")
	}
	if c, err := CountsFromSpikeTimes([]float64{0, 2.5}, 1, 0, 3); err != nil || len(c) != 3 || c[0] != 1 || c[2] != 1 {
		t.Errorf("3 bins: %v %v", c, err)
	}
}

// TestCountMatchesExtract: Count (used to bound memory before extracting)
// is len(ExtractTrials) on random series with edges active and inactive,
// and ExtractTrials allocates the result once (TotalAlloc ≤ 24 bytes per
// avalanche plus the slice header).
func TestCountMatchesExtract(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for rep := range 200 {
		trials := make([][]float64, 1+rep%3)
		for i := range trials {
			trials[i] = make([]float64, rng.IntN(40))
			for j := range trials[i] {
				if rng.Float64() < 0.5 {
					trials[i][j] = float64(rng.IntN(3))
				}
			}
		}
		thr := float64(rep % 2)
		n, err := Count(trials, thr)
		if err != nil {
			t.Fatal(err)
		}
		av, err := ExtractTrials(trials, thr)
		if err != nil || n != len(av) {
			t.Fatalf("rep %d: Count %d, ExtractTrials %d (%v): %v", rep, n, len(av), err, trials)
		}
		// the reference: per-trial Extract, concatenated
		var want []Avalanche
		for _, tr := range trials {
			a, _ := Extract(tr, thr)
			want = append(want, a...)
		}
		if !slices.Equal(av, want) {
			t.Fatalf("rep %d: ExtractTrials %v, Extract %v", rep, av, want)
		}
	}
}
