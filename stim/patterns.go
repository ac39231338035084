package stim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/rng"
)

// PatternSpec describes the distribution of stored pattern currents.
type PatternSpec struct {
	// N is the number of neurons, P the number of patterns.
	N, P int
	// Mean is the mean current of every neuron (dimensionless; 0 in PB).
	Mean float64
	// Rank is the number of shared factors across neurons (0 = iid).
	Rank int
	// SharedVar is the fraction s ∈ [0,1) of each neuron's variance carried by
	// the shared factors (ignored when Rank = 0).
	SharedVar float64
	// PatternCorr is the correlation ρ ∈ [0,1) between any two patterns at
	// the same neuron (0 = independent patterns).
	PatternCorr float64
}

// Validate rejects impossible specs.
func (s PatternSpec) Validate() error {
	switch {
	case s.N <= 0:
		return fmt.Errorf("patterns: n = %d must be > 0", s.N)
	case s.P < 0:
		return fmt.Errorf("patterns: p = %d must be ≥ 0", s.P)
	case math.IsNaN(s.Mean) || math.IsInf(s.Mean, 0):
		return fmt.Errorf("patterns: mean = %v is not finite", s.Mean)
	case s.Rank < 0 || s.Rank > s.N:
		return fmt.Errorf("patterns: rank = %d outside [0, n]", s.Rank)
	case !(s.SharedVar >= 0 && s.SharedVar < 1):
		return fmt.Errorf("patterns: shared_var = %v outside [0, 1)", s.SharedVar)
	case !(s.PatternCorr >= 0 && s.PatternCorr < 1):
		return fmt.Errorf("patterns: pattern_corr = %v outside [0, 1)", s.PatternCorr)
	}
	return nil
}

// Patterns holds P pattern current vectors of length N, row-major.
type Patterns struct {
	N, P int
	Data []float32
}

// Row returns pattern μ's currents (aliasing Data).
func (p *Patterns) Row(mu int) []float32 { return p.Data[mu*p.N : (mu+1)*p.N : (mu+1)*p.N] }

// Gaussian draws patterns according to spec; see the package doc for the
// streams used. The result does not depend on workers.
func Gaussian(spec PatternSpec, seed uint64, workers int) (*Patterns, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	n, p := spec.N, spec.P
	out := &Patterns{N: n, P: p, Data: make([]float32, n*p)}
	var load []float64 // N × Rank
	if spec.Rank > 0 && spec.SharedVar > 0 {
		load = make([]float64, n*spec.Rank)
		par.For(n, workers, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				r := rng.New(seed, rng.Patterns, 1<<40, uint64(i))
				row := load[i*spec.Rank : (i+1)*spec.Rank]
				var nn float64
				for k := range row {
					row[k] = r.NormFloat64()
					nn += row[k] * row[k]
				}
				nn = math.Sqrt(nn)
				for k := range row {
					row[k] /= nn
				}
			}
		})
	}
	var proto []float64
	if spec.PatternCorr > 0 {
		proto = make([]float64, n)
		r := rng.New(seed, rng.Patterns, 1<<41)
		for i := range proto {
			proto[i] = r.NormFloat64()
		}
	}
	sqS, sqE := math.Sqrt(spec.SharedVar), math.Sqrt(1-spec.SharedVar)
	if load == nil {
		sqS, sqE = 0, 1
	}
	sqR, sqZ := math.Sqrt(spec.PatternCorr), math.Sqrt(1-spec.PatternCorr)
	par.For(p, workers, func(lo, hi int) {
		y := make([]float64, spec.Rank)
		for mu := lo; mu < hi; mu++ {
			r := rng.New(seed, rng.Patterns, uint64(mu))
			fillPattern(out.Row(mu), r, y, load, proto, spec.Mean, sqS, sqE, sqR, sqZ)
		}
	})
	return out, nil
}

func fillPattern(dst []float32, r *rand.Rand, y, load, proto []float64, mean, sqS, sqE, sqR, sqZ float64) {
	if load != nil {
		for k := range y {
			y[k] = r.NormFloat64()
		}
	}
	rank := len(y)
	for i := range dst {
		z := sqE * r.NormFloat64()
		if load != nil {
			var s float64
			l := load[i*rank : (i+1)*rank]
			for k, v := range l {
				s += v * y[k]
			}
			z += sqS * s
		}
		if proto != nil {
			z = sqR*proto[i] + sqZ*z
		}
		dst[i] = float32(mean + z)
	}
}

// Novel draws a fresh iid N(0,1) current vector (a "novel stimulus") from
// the stream rng.New(seed, rng.Stimulus, key).
func Novel(dst []float32, seed, key uint64) {
	r := rng.New(seed, rng.Stimulus, key)
	for i := range dst {
		dst[i] = float32(r.NormFloat64())
	}
}

// Cue builds a degraded version of a stored pattern: a fraction keep of the
// neurons (chosen at random) receive the pattern current, the rest receive
// fresh N(0,1) currents, and additive Gaussian noise of SD noiseSD is added
// to all; then the whole vector is scaled by gain. keep = 1, noiseSD = 0 and
// gain = 1 returns the pattern itself.
func Cue(dst, pattern []float32, keep, noiseSD, gain float64, seed, key uint64) error {
	if len(dst) != len(pattern) {
		return fmt.Errorf("stim: cue length %d ≠ pattern length %d", len(dst), len(pattern))
	}
	if !(keep >= 0 && keep <= 1) {
		return fmt.Errorf("stim: cue keep fraction %v outside [0,1]", keep)
	}
	if !(noiseSD >= 0) {
		return fmt.Errorf("stim: cue noise SD %v must be ≥ 0", noiseSD)
	}
	r := rng.New(seed, rng.Stimulus, key, 1)
	for i, v := range pattern {
		x := float64(v)
		if keep < 1 && r.Float64() >= keep {
			x = r.NormFloat64()
		}
		if noiseSD > 0 {
			x += noiseSD * r.NormFloat64()
		}
		dst[i] = float32(gain * x)
	}
	return nil
}
