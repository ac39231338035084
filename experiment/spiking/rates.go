package spiking

import (
	"math"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/store"
)

// maxRatePlotPoints caps the points per population of the population-rate
// figure: rate bins are merged in groups so that the figure of a long run,
// and the memory held for it, stay small. rec/rates_hz.npy keeps every bin.
const maxRatePlotPoints = 2000

// writerBufBytes is the buffer of one streaming .npy writer (store's
// AtomicFile buffer), counted by the memory estimate.
const writerBufBytes = 64 << 10

// rateRec streams the population rates to rec/rates_hz.npy as each bin
// closes (float32, shape (bins, populations), in Hz: spikes in the bin /
// population size / bin width; the last bin may be shorter and is
// normalised by its own width). It keeps only the current bin, a coarse
// copy for the figure (≤ maxRatePlotPoints points) and running moments for
// the CV of the population rate.
type rateRec struct {
	w        *store.NPYWriter
	n        []float64 // population sizes
	binSteps int64
	steps    int64 // measured steps
	dt       float64
	cnt      []int64 // spikes in the current bin
	row      []float32

	group     int64   // rate bins per plot point
	plotCnt   []int64 // spikes in the current plot point
	plotStart int64   // first step of the current plot point
	xs        []float64
	ys        [][]float64

	s1, s2 []float64 // sum and sum of squares of full-width bin rates
	nFull  int
}

// rateBins returns the number of rate bins of a measured period.
func rateBins(steps, binSteps int64) int64 { return (steps + binSteps - 1) / binSteps }

func newRateRec(path string, pops []spike.PopInfo, binSteps, steps int64, dt float64) (*rateRec, error) {
	w, err := store.NewNPYWriter(path, store.Float32, len(pops))
	if err != nil {
		return nil, err
	}
	np := len(pops)
	r := &rateRec{w: w, binSteps: binSteps, steps: steps, dt: dt, n: make([]float64, np), cnt: make([]int64, np),
		row: make([]float32, np), plotCnt: make([]int64, np), ys: make([][]float64, np), s1: make([]float64, np), s2: make([]float64, np)}
	for k, p := range pops {
		r.n[k] = float64(p.N)
	}
	r.group = max(1, (rateBins(steps, binSteps)+maxRatePlotPoints-1)/maxRatePlotPoints)
	return r, nil
}

// add counts nSpikes spikes of population k in the current step.
func (r *rateRec) add(k, nSpikes int) {
	r.cnt[k] += int64(nSpikes)
	r.plotCnt[k] += int64(nSpikes)
}

// endStep closes the bin (and plot point) that ends with measured step m
// (0-based), writing its row.
func (r *rateRec) endStep(m int64) error {
	end := m + 1
	if end%r.binSteps != 0 && end != r.steps {
		return nil
	}
	width := end - (end-1)/r.binSteps*r.binSteps // steps in this bin
	sec := float64(width) * r.dt / 1000
	full := width == r.binSteps
	for k := range r.cnt {
		v := float64(r.cnt[k]) / r.n[k] / sec
		r.row[k] = float32(v)
		if full {
			r.s1[k] += v
			r.s2[k] += v * v
		}
		r.cnt[k] = 0
	}
	if full {
		r.nFull++
	}
	if err := r.w.WriteFloat32(r.row); err != nil {
		return err
	}
	if bin := (end - 1) / r.binSteps; (bin+1)%r.group == 0 || end == r.steps {
		ps := float64(end-r.plotStart) * r.dt
		r.xs = append(r.xs, float64(r.plotStart)*r.dt+ps/2)
		for k := range r.plotCnt {
			r.ys[k] = append(r.ys[k], float64(r.plotCnt[k])/r.n[k]/(ps/1000))
			r.plotCnt[k] = 0
		}
		r.plotStart = end
	}
	return nil
}

// cv returns the CV (SD/mean) of population k's rate over the full-width
// bins: a synchrony measure, ≈ 1/√(N·ν·bin) for independent Poisson
// neurons (NaN with < 2 bins or no spikes).
func (r *rateRec) cv(k int) float64 {
	n := float64(r.nFull)
	if n < 2 {
		return math.NaN()
	}
	m := r.s1[k] / n
	if m == 0 {
		return math.NaN()
	}
	v := (r.s2[k] - n*m*m) / (n - 1)
	return math.Sqrt(math.Max(v, 0)) / m
}

// series returns the figure's curves (one per population).
func (r *rateRec) series(pops []spike.PopInfo) []plot.Series {
	var out []plot.Series
	for k, p := range pops {
		out = append(out, plot.Series{Name: p.Name, X: r.xs, Y: r.ys[k], Color: k})
	}
	return out
}

// binMs is the time span of one figure point in ms.
func (r *rateRec) plotBinMs() float64 { return float64(r.group*r.binSteps) * r.dt }

func (r *rateRec) close() error { return r.w.Close() }
func (r *rateRec) abort()       { r.w.Abort() }

// rateRecBytes estimates the memory of a rateRec without its writer
// buffer: the figure points and the per-population accumulators.
func rateRecBytes(steps, binSteps int64, nPops int) int64 {
	pts := min(rateBins(steps, binSteps), maxRatePlotPoints)
	return 8*pts*int64(nPops+1) + 64*int64(nPops)
}
