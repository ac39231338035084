// Package recall measures retrieval in rate networks from plain slices: the
// overlaps q_μ and normalised overlaps m_μ of Pereira & Brunel (2018,
// shared/specs/pereira-brunel.md §1.8), M = ⟨r²⟩, retrieval success, and
// the temporal variability that separates fixed-point from chaotic states.
//
//	q_μ(t) = (1/N) Σ_j g(φ(ξ_j^μ)) r_j(t)
//	m_μ(t) = q_μ(t) / (√E[g²] · SD_j r(t))      (SD with ddof = 0)
//
// E[g²] is the Gaussian integral (ratefn.Stats.EG2), not the sample value.
// Because E[g] = 0, m_μ is close to the Pearson correlation of the rates
// with g(φ(ξ^μ)) — not with φ(ξ^μ).
//
// It imports no simulator: rates and factors are passed in.
package recall

import (
	"math"

	"github.com/engramsim/engram/par"
)

// Overlaps holds the overlap state of one time point.
type Overlaps struct {
	// Q and M have one entry per pattern.
	Q, M []float64
	// MeanRate and SDRate are over neurons (Hz; SD with ddof = 0).
	MeanRate, SDRate float64
	// R2 is M(t) = (1/N) Σ_j r_j² (Hz²).
	R2 float64
}

// NewOverlaps allocates for p patterns.
func NewOverlaps(p int) *Overlaps { return &Overlaps{Q: make([]float64, p), M: make([]float64, p)} }

// Compute fills o from rates r and the pattern-major factor matrix gpat
// (p × N, gpat[μ*N+j] = g(φ(ξ_j^μ))). It parallelises over patterns; every
// dot product is summed in a fixed order, so the result does not depend on
// workers.
func (o *Overlaps) Compute(r []float32, gpat []float32, eg2 float64, workers int) {
	n := len(r)
	p := len(o.Q)
	var s, s2 float64
	for _, v := range r {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	o.MeanRate = s / float64(n)
	o.R2 = s2 / float64(n)
	o.SDRate = math.Sqrt(math.Max(0, o.R2-o.MeanRate*o.MeanRate))
	norm := math.Sqrt(eg2) * o.SDRate
	par.For(p, workers, func(lo, hi int) {
		for mu := lo; mu < hi; mu++ {
			g := gpat[mu*n : (mu+1)*n : (mu+1)*n]
			var acc float64
			// blocks of 256 in float32, accumulated in float64
			for b := 0; b < n; b += 256 {
				e := min(b+256, n)
				var a0, a1 float32
				k := b
				for ; k+2 <= e; k += 2 {
					a0 += g[k] * r[k]
					a1 += g[k+1] * r[k+1]
				}
				if k < e {
					a0 += g[k] * r[k]
				}
				acc += float64(a0 + a1)
			}
			o.Q[mu] = acc / float64(n)
			if norm > 0 {
				o.M[mu] = o.Q[mu] / norm
			} else {
				o.M[mu] = math.NaN()
			}
		}
	})
}

// MaxAbsOther returns the largest |m_k| over k ≠ except (except < 0: all).
func MaxAbsOther(m []float64, except int) float64 {
	var best float64
	for k, v := range m {
		if k != except && math.Abs(v) > best {
			best = math.Abs(v)
		}
	}
	return best
}

// MeanRate is the population mean of r, accumulated in float64.
func MeanRate(r []float32) float64 {
	var s float64
	for _, v := range r {
		s += float64(v)
	}
	return s / float64(len(r))
}

// Retrieved reports whether m exceeds the success threshold (0.2 in the
// original code).
func Retrieved(m, threshold float64) bool { return m > threshold }

// Welford accumulates per-neuron temporal mean and variance of a rate
// vector over time, to measure temporal fluctuations of a state (zero at a
// fixed point, positive in a chaotic one).
type Welford struct {
	n        int64
	mean, m2 []float64
}

// NewWelford allocates for n neurons.
func NewWelford(n int) *Welford { return &Welford{mean: make([]float64, n), m2: make([]float64, n)} }

// Add includes one time sample.
func (w *Welford) Add(r []float32) {
	w.n++
	inv := 1 / float64(w.n)
	for i, v := range r {
		x := float64(v)
		d := x - w.mean[i]
		w.mean[i] += d * inv
		w.m2[i] += d * (x - w.mean[i])
	}
}

// Samples returns the number of samples added.
func (w *Welford) Samples() int64 { return w.n }

// MeanTemporalSD returns the temporal SD of each neuron's rate, averaged over
// neurons (Hz; population SD over time with ddof = 0).
func (w *Welford) MeanTemporalSD() float64 {
	if w.n == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range w.m2 {
		s += math.Sqrt(math.Max(0, v/float64(w.n)))
	}
	return s / float64(len(w.m2))
}

// Autocorrelation returns the normalised autocorrelation of a series at
// lags 0..maxLag (mean removed, biased estimator; 1 at lag 0). A constant
// series gives NaN at every lag.
func Autocorrelation(x []float64, maxLag int) []float64 {
	n := len(x)
	if maxLag >= n {
		maxLag = n - 1
	}
	if maxLag < 0 {
		return nil
	}
	var mean float64
	for _, v := range x {
		mean += v
	}
	mean /= float64(n)
	out := make([]float64, maxLag+1)
	var c0 float64
	for _, v := range x {
		c0 += (v - mean) * (v - mean)
	}
	for lag := 0; lag <= maxLag; lag++ {
		var c float64
		for t := 0; t+lag < n; t++ {
			c += (x[t] - mean) * (x[t+lag] - mean)
		}
		if c0 == 0 {
			out[lag] = math.NaN()
		} else {
			out[lag] = c / c0
		}
	}
	return out
}
