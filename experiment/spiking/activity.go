package spiking

import (
	"fmt"
	"github.com/engramsim/engram/analysis/avalanche"
	"math"
	"math/cmplx"
	"strings"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/store"
)

// minActivityBins is the fewest rate bins the activity statistics are
// computed from (MR fits lags up to a tenth of the series).
const minActivityBins = 100

// activityStats adds to each population's summary statistics of its
// population activity, read back from rec/rates_hz.npy (counts per
// rate_bin_ms bin = rate × N × bin; the last, shorter bin is dropped):
//
//   - pop_fano: Var/Mean of the population spike count per bin: ≈ 1 for
//     independent Poisson neurons (below 1 for regular ones), ≫ 1 when
//     neurons fire together;
//   - pop_fano_2dt … pop_fano_5dt: pop_fano of the counts summed over
//     2 … 5 consecutive bins (non-overlapping; the incomplete last group
//     dropped): for a Poisson-like process it stays ≈ 1, for activity
//     correlated over several bins it grows with the window;
//   - sync_chi: √(pop_fano/N), Golomb's (2007) synchrony χ of the binned
//     spike counts when each neuron's count variance is its mean (Poisson
//     bins): 0 for asynchronous firing, 1 when all neurons fire together;
//   - mr_m, mr_m_stderr: the branching ratio m̂ by multistep regression
//     (Wilting & Priesemann 2018; analysis/branching, exp_offset fit of
//     r_k = A m^k + O over k = 1 … L/10 bins, asymptotic error);
//   - mr_fit_r2: the adjusted R² of that fit (low when r_k oscillate: m̂
//     and τ̂ then do not describe the activity);
//   - osc_peak_hz, osc_power: the frequency of the largest peak above 5 Hz
//     of the population count's power spectrum (Welch: 256-bin Hann
//     segments, half overlap) and the fraction of the variance within
//     ±20 % of it: a population oscillation (Brunel 2000's SR and SI
//     states) shows as a peak holding much of the variance;
//   - tau_ac_ms: the autocorrelation time τ̂ = −bin/ln m̂ of that fit, in
//     ms; +Inf when m̂ ≥ 1 (the correlation does not decay over the fitted
//     lags, e.g. a sustained population oscillation).
//
// Values that cannot be computed (too few bins, no spikes, a failed fit)
// are NaN (null in the nested summary, "NaN" in the metrics).
func activityStats(path string, binMs float64, sizes []int, popSum map[string]any, names []string, avalanches bool) error {
	arr, err := store.ReadNPY(path)
	if err != nil {
		return err
	}
	if len(arr.Shape) != 2 {
		return nil
	}
	bins, cols := arr.Shape[0], arr.Shape[1]
	for k, name := range names {
		ps, ok := popSum[name].(map[string]any)
		if !ok || k >= cols {
			continue
		}
		nan := math.NaN()
		ps["pop_fano"], ps["sync_chi"], ps["mr_m"], ps["mr_m_stderr"], ps["tau_ac_ms"], ps["mr_fit_r2"] = nan, nan, nan, nan, nan, nan
		ps["osc_peak_hz"], ps["osc_power"] = nan, nan
		for f := 2; f <= 5; f++ {
			ps[fmt.Sprintf("pop_fano_%ddt", f)] = nan
		}
		n := bins - 1
		if n < minActivityBins {
			continue
		}
		counts := make([]float64, n)
		var s, s2 float64
		for b := range n {
			c := float64(arr.Data[b*cols+k]) * float64(sizes[k]) * binMs / 1000
			c = math.Round(c*1e3) / 1e3 // undo float32 rounding of integer counts
			counts[b] = c
			s += c
			s2 += c * c
		}
		mean := s / float64(n)
		if !(mean > 0) {
			continue
		}
		fano := (s2/float64(n) - mean*mean) * float64(n) / float64(n-1) / mean
		ps["pop_fano"], ps["sync_chi"] = fano, math.Sqrt(max(fano, 0)/float64(sizes[k]))
		for f := 2; f <= 5; f++ {
			ps[fmt.Sprintf("pop_fano_%ddt", f)] = fanoOfSums(counts, f)
		}
		ps["osc_peak_hz"], ps["osc_power"] = spectralPeak(counts, binMs)
		if avalanches {
			ps["avalanches"] = avalancheSummary(counts, binMs)
		}
		res, err := branching.Analyze([][]float64{counts}, &branching.Options{Dt: binMs, DtUnit: "ms", NumBoot: -1})
		if err != nil {
			continue
		}
		tau := res.Tau
		if res.M >= 1 {
			tau = math.Inf(1)
		}
		ps["mr_m"], ps["mr_m_stderr"], ps["tau_ac_ms"], ps["mr_fit_r2"] = res.M, res.MStdErr, tau, res.Fit.AdjRSquared
	}
	return nil
}

// fanoOfSums is Var/Mean (unbiased variance) of the sums of x over
// consecutive non-overlapping groups of f values (NaN with fewer than 2
// groups or a zero mean).
func fanoOfSums(x []float64, f int) float64 {
	g := len(x) / f
	if g < 2 {
		return math.NaN()
	}
	var s, s2 float64
	for i := range g {
		var v float64
		for _, c := range x[i*f : (i+1)*f] {
			v += c
		}
		s += v
		s2 += v * v
	}
	mean := s / float64(g)
	if !(mean > 0) {
		return math.NaN()
	}
	return (s2/float64(g) - mean*mean) * float64(g) / float64(g-1) / mean
}

// welchSegment is the segment length (bins) of spectralPeak.
const welchSegment = 256

// spectralPeak returns the frequency (Hz) of the largest peak above 5 Hz
// of the Welch power spectrum of x (bins of binMs) and the fraction of the
// spectrum's power (DC excluded) within ±20 % of that frequency. NaN when
// x is shorter than one segment or constant.
func spectralPeak(x []float64, binMs float64) (peakHz, frac float64) {
	n := welchSegment
	if len(x) < n {
		return math.NaN(), math.NaN()
	}
	fft := fourier.NewFFT(n)
	win := make([]float64, n)
	for i := range win {
		win[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n))
	}
	psd := make([]float64, n/2+1)
	seg := make([]float64, n)
	var coef []complex128
	for start := 0; start+n <= len(x); start += n / 2 {
		var mean float64
		for _, v := range x[start : start+n] {
			mean += v
		}
		mean /= float64(n)
		for i := range seg {
			seg[i] = (x[start+i] - mean) * win[i]
		}
		coef = fft.Coefficients(coef, seg)
		for k, c := range coef {
			a := cmplx.Abs(c)
			psd[k] += a * a
		}
	}
	df := 1000 / (binMs * float64(n)) // Hz per frequency bin
	best, total := 0, 0.0
	for k := 1; k < len(psd); k++ {
		total += psd[k]
		if float64(k)*df >= 5 && (best == 0 || psd[k] > psd[best]) {
			best = k
		}
	}
	if best == 0 || !(total > 0) {
		return math.NaN(), math.NaN()
	}
	peakHz = float64(best) * df
	var in float64
	for k := 1; k < len(psd); k++ {
		if f := float64(k) * df; f >= 0.8*peakHz && f <= 1.2*peakHz {
			in += psd[k]
		}
	}
	return peakHz, in / total
}

// avalancheSummary is the record.avalanches entry of a population: the
// avalanches of its counts (threshold 0) and their exponents; the
// exponents are NaN and "error" says why when there are too few.
func avalancheSummary(counts []float64, binMs float64) map[string]any {
	nan := math.NaN()
	out := map[string]any{"n": 0, "bin_ms": binMs, "size_alpha": nan, "size_alpha_stderr": nan, "size_xmin": nan,
		"duration_alpha": nan, "duration_alpha_stderr": nan, "duration_xmin": nan, "gamma_fit": nan, "gamma_fit_stderr": nan,
		"gamma_predicted": nan, "gamma_predicted_stderr": nan, "empty_bin_fraction": nan}
	empty := 0
	for _, c := range counts {
		if c == 0 {
			empty++
		}
	}
	out["empty_bin_fraction"] = float64(empty) / float64(len(counts))
	av, err := avalanche.Extract(counts, 0)
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	out["n"] = len(av)
	s, d := avalanche.SizesDurations(av)
	res, err := avalanche.Analyze(s, d, &avalanche.Options{BinWidth: binMs, BinUnit: "ms"})
	if err != nil {
		out["error"] = err.Error()
		return out
	}
	out["size_alpha"], out["size_alpha_stderr"], out["size_xmin"] = jsonNum(res.SizeAlpha), jsonNum(res.SizeAlphaStdErr), jsonNum(res.Size.XMin)
	out["duration_alpha"], out["duration_alpha_stderr"], out["duration_xmin"] = jsonNum(res.DurationAlpha), jsonNum(res.DurationAlphaStdErr), jsonNum(res.Duration.XMin)
	out["gamma_fit"], out["gamma_fit_stderr"] = jsonNum(res.GammaFit), jsonNum(res.GammaFitStdErr)
	out["gamma_predicted"], out["gamma_predicted_stderr"] = jsonNum(res.GammaPredicted), jsonNum(res.GammaPredictedStdErr)
	if len(res.Warnings) > 0 {
		out["warnings"] = strings.Join(res.Warnings, "; ")
	}
	return out
}
