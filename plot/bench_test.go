package plot

import (
	"github.com/engramsim/engram/internal/cpubench"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// Benchmarks at the sizes of the figures of `engram run examples/coba.toml`
// (experiment/spiking: 3200 E + 800 I neurons, 2 s at 0.1 ms, 152 593
// spikes after the transient, population rates in 1 ms bins, 2000 bins per
// population) and of the pb-dms demo (30 overlaps and 20 rate traces of
// 400–600 samples, rate histograms of 10⁵ neurons).

// noisyRate is a population rate in Hz: Poisson counts of n neurons at
// about 15 Hz in 1 ms bins, as in the coba run's population_rate figure.
func noisyRate(r *rand.Rand, bins, n int) ([]float64, []float64) {
	x, y := make([]float64, bins), make([]float64, bins)
	lam := float64(n) * 15e-3
	for k := range x {
		x[k] = float64(k) + 0.5
		// normal approximation of Poisson(lam) counts
		y[k] = math.Max(0, lam+math.Sqrt(lam)*r.NormFloat64()) / float64(n) * 1e3
	}
	return x, y
}

func BenchmarkLinesCobaRates(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	xe, ye := noisyRate(r, 2000, 3200)
	xi, yi := noisyRate(r, 2000, 800)
	spec := LineSpec{Title: "Population rates", XLabel: "time (ms)", YLabel: "rate (Hz)", Legend: true,
		Series: []Series{{Name: "E", X: xe, Y: ye}, {Name: "I", X: xi, Y: yi}}}
	base := filepath.Join(b.TempDir(), "rates")
	b.ResetTimer()
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := Lines(base, spec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLinesOverlaps(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 3))
	const ns, p = 600, 30
	x := make([]float64, ns)
	for k := range x {
		x[k] = 5 * float64(k)
	}
	var series []Series
	for mu := 0; mu < p; mu++ {
		y := make([]float64, ns)
		for k := range y {
			y[k] = 0.1*r.NormFloat64()*math.Exp(-x[k]/200) + 0.05*float64(mu%3)
		}
		series = append(series, Series{X: x, Y: y, Color: Background})
	}
	series[0].Name = "other patterns"
	spec := LineSpec{Title: "Overlaps", XLabel: "time (ms)", YLabel: "m", Series: series, VLines: []float64{500, 1000}, Legend: true}
	base := filepath.Join(b.TempDir(), "overlaps")
	b.ResetTimer()
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := Lines(base, spec); err != nil {
			b.Fatal(err)
		}
	}
}

// cobaSpikes draws spikes of 4000 neurons at ≈ 21 Hz over 1800 ms (the
// coba run's 152 593 spikes after its 200 ms transient).
func cobaSpikes() ([]float64, []int32) {
	r := rand.New(rand.NewPCG(1, 4))
	const n, spikes, t0, t1 = 4000, 152593, 200.0, 2000.0
	times, ids := make([]float64, spikes), make([]int32, spikes)
	for k := range times {
		times[k] = t0 + (t1-t0)*float64(k)/spikes
		ids[k] = int32(r.IntN(n))
	}
	return times, ids
}

func BenchmarkRasterCoba(b *testing.B) {
	times, ids := cobaSpikes()
	spec := RasterSpec{Title: "Spike raster", XLabel: "time (ms)", YLabel: "neuron", NIDs: 4000}
	base := filepath.Join(b.TempDir(), "raster")
	b.ResetTimer()
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := Raster(base, times, ids, spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRasterDots is the dot mode at its largest: DefaultMaxDots spikes.
func BenchmarkRasterDots(b *testing.B) {
	times, ids := cobaSpikes()
	times, ids = times[:DefaultMaxDots], ids[:DefaultMaxDots]
	spec := RasterSpec{Title: "Spike raster", XLabel: "time (ms)", YLabel: "neuron", NIDs: 4000}
	base := filepath.Join(b.TempDir(), "raster")
	b.ResetTimer()
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := Raster(base, times, ids, spec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHistogramCoba(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 5))
	e, i := make([]float64, 3200), make([]float64, 800)
	for k := range e {
		e[k] = math.Exp(2.5 + 0.6*r.NormFloat64())
	}
	for k := range i {
		i[k] = math.Exp(3 + 0.5*r.NormFloat64())
	}
	spec := HistSpec{Title: "Single-neuron rates", XLabel: "rate (Hz)", YLabel: "neurons", Series: []HistSeries{{Name: "E", Values: e}, {Name: "I", Values: i}}}
	base := filepath.Join(b.TempDir(), "hist")
	b.ResetTimer()
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := Histogram(base, spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHistogramRates is the pb-dms demo's rate histogram: two
// conditions of 10⁵ rates, 80 bins, log counts.
func BenchmarkHistogramRates(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 6))
	a, c := make([]float64, 100000), make([]float64, 100000)
	for k := range a {
		a[k] = 76 / (1 + math.Exp(-0.8*(r.NormFloat64()-2.5)))
		c[k] = 76 / (1 + math.Exp(-0.8*(1.2*r.NormFloat64()-2.4)))
	}
	spec := HistSpec{Title: "Rates", XLabel: "rate (Hz)", YLabel: "fraction", Bins: 80, Density: true, LogY: true,
		Series: []HistSeries{{Name: "familiar", Values: a}, {Name: "novel", Values: c}}}
	base := filepath.Join(b.TempDir(), "hist")
	b.ResetTimer()
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := Histogram(base, spec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCobaFigures is the figure set of `engram run examples/coba.toml`
// (experiment/spiking.drawFigures): raster, population rates, rate and CV
// histograms.
func BenchmarkCobaFigures(b *testing.B) {
	times, ids := cobaSpikes()
	r := rand.New(rand.NewPCG(1, 7))
	xe, ye := noisyRate(r, 2000, 3200)
	xi, yi := noisyRate(r, 2000, 800)
	rates := LineSpec{Title: "Population rates", XLabel: "time (ms)", YLabel: "rate (Hz)", Legend: true,
		Series: []Series{{Name: "E", X: xe, Y: ye}, {Name: "I", X: xi, Y: yi}}}
	e, i := make([]float64, 3200), make([]float64, 800)
	ce, ci := make([]float64, 3200), make([]float64, 800)
	for k := range e {
		e[k], ce[k] = math.Exp(2.5+0.6*r.NormFloat64()), 0.9+0.1*r.NormFloat64()
	}
	for k := range i {
		i[k], ci[k] = math.Exp(3+0.5*r.NormFloat64()), 0.9+0.1*r.NormFloat64()
	}
	dir := b.TempDir()
	b.ResetTimer()
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := Raster(filepath.Join(dir, "raster"), times, ids, RasterSpec{Title: "Spike raster", XLabel: "time (ms)", YLabel: "neuron", NIDs: 4000}); err != nil {
			b.Fatal(err)
		}
		if _, err := Lines(filepath.Join(dir, "rates"), rates); err != nil {
			b.Fatal(err)
		}
		if _, err := Histogram(filepath.Join(dir, "rate_hist"), HistSpec{Title: "Single-neuron rates", XLabel: "rate (Hz)", YLabel: "neurons",
			Series: []HistSeries{{Name: "E", Values: e}, {Name: "I", Values: i}}}); err != nil {
			b.Fatal(err)
		}
		if _, err := Histogram(filepath.Join(dir, "cv_hist"), HistSpec{Title: "CV of ISI", XLabel: "CV of ISI", YLabel: "neurons",
			Series: []HistSeries{{Name: "E", Values: ce}, {Name: "I", Values: ci}}}); err != nil {
			b.Fatal(err)
		}
	}
}
