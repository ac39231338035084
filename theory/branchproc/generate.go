package branchproc

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/engramsim/engram/progress"
)

// Driven describes the driven Poisson branching process
// A_{t+1} ~ Poisson(M·A_t + h), h = Mean·(1 − M), observed through binomial
// subsampling with probability Subsample. The zero value is not runnable;
// start from DefaultDriven.
type Driven struct {
	// M is the branching ratio, 0 ≤ M < 1 (typical 0.9–0.999).
	M float64
	// Mean is the desired stationary mean a of A_t, events per step (> 0).
	Mean float64
	// Length is the number of recorded steps per trial (≥ 1).
	Length int
	// Trials is the number of independent trials (≥ 1).
	Trials int
	// Subsample is the probability p that an event is observed, (0, 1].
	// Zero means 1 (full sampling).
	Subsample float64
	// Thermalize is the number of unrecorded steps started from A = Mean.
	// Zero means mrestimator's max(100, 0.05·Length); negative means none.
	Thermalize int
	// Progress, if non-nil, receives (trials done, Trials).
	Progress progress.Reporter
}

// DefaultDriven returns m = 0.9, a = 100, 10 trials × 10⁴ steps, p = 1.
func DefaultDriven() Driven {
	return Driven{M: 0.9, Mean: 100, Length: 10000, Trials: 10, Subsample: 1}
}

// Validate rejects impossible parameter values.
func (d Driven) Validate() error {
	switch {
	case !(d.M >= 0 && d.M < 1):
		return fmt.Errorf("branchproc: Driven.M = %v outside [0, 1) (use Simulate for m ≥ 1)", d.M)
	case !(d.Mean > 0) || math.IsInf(d.Mean, 0):
		return fmt.Errorf("branchproc: Driven.Mean = %v must be positive and finite", d.Mean)
	case d.Length < 1:
		return fmt.Errorf("branchproc: Driven.Length = %d must be ≥ 1", d.Length)
	case d.Trials < 1:
		return fmt.Errorf("branchproc: Driven.Trials = %d must be ≥ 1", d.Trials)
	case d.Subsample < 0 || d.Subsample > 1 || math.IsNaN(d.Subsample):
		return fmt.Errorf("branchproc: Driven.Subsample = %v outside (0, 1]", d.Subsample)
	}
	return nil
}

// Drive returns h = Mean·(1 − M).
func (d Driven) Drive() float64 { return d.Mean * (1 - d.M) }

func (d Driven) thermalSteps() int {
	switch {
	case d.Thermalize < 0:
		return 0
	case d.Thermalize > 0:
		return d.Thermalize
	}
	return max(100, int(0.05*float64(d.Length)))
}

// SimulateDriven runs d.Trials independent trials of the driven process and
// returns the full activity A (trials × Length) and the subsampled activity
// a ~ Binomial(A, p) (a separate copy of A when p = 1).
func SimulateDriven(rng *rand.Rand, d Driven) (full, observed [][]float64, err error) {
	if rng == nil {
		panic("branchproc: nil *rand.Rand")
	}
	if err := d.Validate(); err != nil {
		return nil, nil, err
	}
	p := d.Subsample
	if p == 0 {
		p = 1
	}
	h := d.Drive()
	pois := distuv.Poisson{Src: rng}
	bin := distuv.Binomial{P: p, Src: rng}
	full = make([][]float64, d.Trials)
	observed = make([][]float64, d.Trials)
	for tr := range full {
		a := d.Mean
		for range d.thermalSteps() {
			a = poisson(&pois, d.M*a+h)
		}
		row := make([]float64, d.Length)
		for t := range row {
			a = poisson(&pois, d.M*a+h)
			row[t] = a
		}
		full[tr] = row
		obs := make([]float64, d.Length)
		if p == 1 {
			copy(obs, row)
		} else {
			for t, v := range row {
				obs[t] = binomial(&bin, v)
			}
		}
		observed[tr] = obs
		progress.Report(d.Progress, int64(tr+1), int64(d.Trials))
	}
	return full, observed, nil
}

// Simulate runs one trial of A_{t+1} ~ Poisson(m·A_t + h) from A_0 = a0 for
// the given number of steps and returns A_0 … A_{steps−1}. Unlike
// SimulateDriven it accepts any m ≥ 0, including supercritical m > 1.
func Simulate(rng *rand.Rand, m, h, a0 float64, steps int) ([]float64, error) {
	if rng == nil {
		panic("branchproc: nil *rand.Rand")
	}
	if !(m >= 0) || !(h >= 0) || !(a0 >= 0) || steps < 1 {
		return nil, fmt.Errorf("branchproc: Simulate needs m ≥ 0, h ≥ 0, a0 ≥ 0, steps ≥ 1 (got %v, %v, %v, %d)", m, h, a0, steps)
	}
	pois := distuv.Poisson{Src: rng}
	out := make([]float64, steps)
	a := math.Round(a0)
	for t := range out {
		out[t] = a
		a = poisson(&pois, m*a+h)
	}
	return out, nil
}

// Subsample returns a copy of counts thinned binomially with probability p.
func Subsample(rng *rand.Rand, counts []float64, p float64) ([]float64, error) {
	if rng == nil {
		panic("branchproc: nil *rand.Rand")
	}
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("branchproc: Subsample p = %v outside [0, 1]", p)
	}
	bin := distuv.Binomial{P: p, Src: rng}
	out := make([]float64, len(counts))
	for i, v := range counts {
		if v < 0 || v != math.Trunc(v) {
			return nil, fmt.Errorf("branchproc: Subsample count[%d] = %v is not a non-negative integer", i, v)
		}
		out[i] = binomial(&bin, v)
	}
	return out, nil
}

// IndependentCounts returns the population count of n independent Bernoulli
// neurons firing with probability rate per step (Binomial(n, rate) per step):
// a process with true branching ratio 0 at any rate. It is the null model on
// which the naive ratio estimator is biased (criticality.md §2).
func IndependentCounts(rng *rand.Rand, n int, rate float64, steps int) ([]float64, error) {
	if rng == nil {
		panic("branchproc: nil *rand.Rand")
	}
	if n < 0 || !(rate >= 0 && rate <= 1) || steps < 1 {
		return nil, fmt.Errorf("branchproc: IndependentCounts needs n ≥ 0, rate in [0,1], steps ≥ 1")
	}
	bin := distuv.Binomial{N: float64(n), P: rate, Src: rng}
	out := make([]float64, steps)
	for i := range out {
		if n == 0 || rate == 0 {
			continue
		}
		out[i] = bin.Rand()
	}
	return out, nil
}

func poisson(p *distuv.Poisson, lambda float64) float64 {
	if lambda <= 0 {
		return 0
	}
	p.Lambda = lambda
	return p.Rand()
}

func binomial(b *distuv.Binomial, n float64) float64 {
	if n <= 0 || b.P == 0 {
		return 0
	}
	if b.P == 1 {
		return n
	}
	b.N = n
	return b.Rand()
}

// Avalanche is one avalanche of the undriven process.
type Avalanche struct {
	// Size is the total number of events, the seed included.
	Size int
	// Duration is the number of generations (steps) with at least one event.
	Duration int
	// Capped reports that the run was stopped because Size reached the cap;
	// Size and Duration are then lower bounds and should be excluded from fits.
	Capped bool
}

// AvalancheOptions configures SimulateAvalanches. nil means defaults.
type AvalancheOptions struct {
	// MaxSize stops an avalanche once its size reaches this many events and
	// flags it Capped. Zero means 10⁶.
	MaxSize int
	// Progress, if non-nil, receives (avalanches done, n).
	Progress progress.Reporter
}

// ErrNoAvalanches is returned when zero avalanches are requested.
var ErrNoAvalanches = errors.New("branchproc: number of avalanches must be ≥ 1")

// SimulateAvalanches runs n independent avalanches of the undriven process
// (h = 0) with Poisson(m) offspring, each seeded with a single event
// (A_0 = 1). Generation t+1 has Poisson(m·A_t) events.
func SimulateAvalanches(rng *rand.Rand, m float64, n int, opts *AvalancheOptions) ([]Avalanche, error) {
	if rng == nil {
		panic("branchproc: nil *rand.Rand")
	}
	if n < 1 {
		return nil, ErrNoAvalanches
	}
	if !(m >= 0) || math.IsInf(m, 0) {
		return nil, fmt.Errorf("branchproc: SimulateAvalanches m = %v must be ≥ 0", m)
	}
	maxSize := 1000000
	var rep progress.Reporter
	if opts != nil {
		if opts.MaxSize > 0 {
			maxSize = opts.MaxSize
		}
		rep = opts.Progress
	}
	pois := distuv.Poisson{Src: rng}
	out := make([]Avalanche, n)
	for i := range out {
		a, size, dur := 1.0, 1, 1
		capped := false
		for {
			a = poisson(&pois, m*a)
			if a == 0 {
				break
			}
			dur++
			size += int(a)
			if size >= maxSize {
				capped = true
				break
			}
		}
		out[i] = Avalanche{Size: size, Duration: dur, Capped: capped}
		if rep != nil && (i+1)%1024 == 0 || i == n-1 {
			progress.Report(rep, int64(i+1), int64(n))
		}
	}
	return out, nil
}

// AvalancheSeries concatenates n single-seed avalanches of the undriven
// process into one activity series, each followed by gap ≥ 1 empty steps
// and preceded by one empty step, so that every avalanche is a maximal run
// of non-empty bins. Capped avalanches (size ≥ MaxSize) are omitted from the
// series and from the returned list, which describes the avalanches in order.
func AvalancheSeries(rng *rand.Rand, m float64, n, gap int, opts *AvalancheOptions) ([]float64, []Avalanche, error) {
	if rng == nil {
		panic("branchproc: nil *rand.Rand")
	}
	if n < 1 {
		return nil, nil, ErrNoAvalanches
	}
	if gap < 1 || !(m >= 0) {
		return nil, nil, fmt.Errorf("branchproc: AvalancheSeries needs gap ≥ 1 and m ≥ 0 (got %d, %v)", gap, m)
	}
	maxSize := 1000000
	if opts != nil && opts.MaxSize > 0 {
		maxSize = opts.MaxSize
	}
	pois := distuv.Poisson{Src: rng}
	series := []float64{0}
	var list []Avalanche
	var prof []float64
	for i := range n {
		prof = append(prof[:0], 1)
		size := 1
		capped := false
		for a := 1.0; ; {
			a = poisson(&pois, m*a)
			if a == 0 {
				break
			}
			prof = append(prof, a)
			size += int(a)
			if size >= maxSize {
				capped = true
				break
			}
		}
		if !capped {
			series = append(series, prof...)
			for range gap {
				series = append(series, 0)
			}
			list = append(list, Avalanche{Size: size, Duration: len(prof)})
		}
		if opts != nil && opts.Progress != nil && ((i+1)%1024 == 0 || i == n-1) {
			opts.Progress.Progress(int64(i+1), int64(n))
		}
	}
	return series, list, nil
}
