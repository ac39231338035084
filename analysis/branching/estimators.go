package branching

import (
	"fmt"
	"math"
)

// TauFromM converts a branching ratio to the autocorrelation time
// τ = −dt/ln m (unit of dt). τ is +Inf at m = 1, negative for m > 1 and NaN
// for m ≤ 0.
func TauFromM(m, dt float64) float64 {
	if !(m > 0) {
		return math.NaN()
	}
	return -dt / math.Log(m)
}

// MFromTau converts an autocorrelation time to m = exp(−dt/τ).
func MFromTau(tau, dt float64) float64 { return math.Exp(-dt / tau) }

// ConventionalResult is the conventional (k = 1 regression) estimate.
type ConventionalResult struct {
	// M is the pooled OLS slope of a_{t+1} on a_t (= r₁). Under
	// subsampling it converges to b·m, not m.
	M float64
	// StdErr is the OLS standard error of the slope (assumes independent
	// residuals).
	StdErr float64
	Method string
	Pairs  int // number of (a_t, a_{t+1}) pairs
	Trials int
}

// Conventional returns the OLS slope of a_{t+1} on a_t, pooled over trials
// (criticality.md §3.1): Σ(a_t − ā)(a_{t+1} − ā′)/Σ(a_t − ā)², with ā and ā′
// the pooled means of the regressor and response windows.
func Conventional(data [][]float64) (*ConventionalResult, error) {
	trials, length, err := checkData(data)
	if err != nil {
		return nil, err
	}
	if length < 3 {
		return nil, fmt.Errorf("%w: conventional estimator needs ≥ 3 bins per trial, got %d", ErrTooShort, length)
	}
	// Scaled by a power of two to |value| ≤ 1 (exact; slope and its error
	// are scale-invariant) so the sums of squares cannot overflow.
	scale, _ := scaleOf(data, nil)
	var mx, my float64
	n := 0
	for _, tr := range data {
		for t := 0; t+1 < length; t++ {
			mx += tr[t] * scale
			my += tr[t+1] * scale
			n++
		}
	}
	mx /= float64(n)
	my /= float64(n)
	var sxy, sxx, syy float64
	for _, tr := range data {
		for t := 0; t+1 < length; t++ {
			dx, dy := tr[t]*scale-mx, tr[t+1]*scale-my
			sxy += dx * dy
			sxx += dx * dx
			syy += dy * dy
		}
	}
	if sxx == 0 {
		return nil, ErrConstant
	}
	slope := sxy / sxx
	res := math.Max(syy-slope*sxy, 0)
	se := math.NaN()
	if n > 2 {
		se = math.Sqrt(res / float64(n-2) / sxx)
	}
	return &ConventionalResult{M: slope, StdErr: se, Method: "conventional (pooled OLS, k = 1)", Pairs: n, Trials: trials}, nil
}

// NaiveOptions configures Naive. The zero value gives the defaults of the
// earlier research code (lag 0, window 1 bin).
type NaiveOptions struct {
	// Lag is the gap in bins between the reference bin and the window.
	Lag int
	// Window is the number of bins summed after the gap (default 1).
	Window int
}

// NaiveResult is the naive ratio estimate.
type NaiveResult struct {
	// Sigma is mean over trials and t of Σ_{j=1..Window} A(t+Lag+j)/A(t),
	// with x/0 (including 0/0) counted as 0.
	Sigma float64
	// StdErr is SD/√n of the ratios (ignores their autocorrelation).
	StdErr float64
	// NonEmptyFraction is the fraction of reference bins with A(t) > 0;
	// the estimator tracks it (and so the rate), not the branching ratio.
	NonEmptyFraction float64
	Lag, Window      int
	Ratios           int // number of ratios averaged
	Method           string
}

// Naive returns the naive ratio estimator of the earlier research code
// (criticality.md §2). It is biased: empty bins count as ratio 0 (so it
// tracks the rate), E[A′/A] has a Jensen bias, and subsampling biases it
// further. For independent Poisson neurons (true m = 0) it approaches 1 as
// the population count grows. It is provided to reproduce old numbers only;
// use the MR estimator (Analyze) for the branching ratio.
func Naive(data [][]float64, opts *NaiveOptions) (*NaiveResult, error) {
	var o NaiveOptions
	if opts != nil {
		o = *opts
	}
	if o.Window == 0 {
		o.Window = 1
	}
	if o.Lag < 0 || o.Window < 1 {
		return nil, fmt.Errorf("branching: naive Lag = %d must be ≥ 0 and Window = %d ≥ 1", o.Lag, o.Window)
	}
	_, length, err := checkData(data)
	if err != nil {
		return nil, err
	}
	last := length - o.Lag - o.Window // t < last
	if last < 1 {
		return nil, fmt.Errorf("%w: naive estimator with lag %d, window %d needs > %d bins", ErrTooShort, o.Lag, o.Window, o.Lag+o.Window)
	}
	var s, s2 float64
	n, nonEmpty := 0, 0
	for _, tr := range data {
		for t := range last {
			ratio := 0.0
			if tr[t] != 0 {
				nonEmpty++
				w := 0.0
				for j := 1; j <= o.Window; j++ {
					w += tr[t+o.Lag+j]
				}
				ratio = w / tr[t]
			}
			s += ratio
			s2 += ratio * ratio
			n++
		}
	}
	mean := s / float64(n)
	se := math.NaN()
	if n > 1 {
		se = math.Sqrt(math.Max(s2/float64(n)-mean*mean, 0) / float64(n-1))
	}
	return &NaiveResult{
		Sigma: mean, StdErr: se, NonEmptyFraction: float64(nonEmpty) / float64(n),
		Lag: o.Lag, Window: o.Window, Ratios: n,
		Method: "naive ratio mean A(t+lag+1..t+lag+window)/A(t), x/0 := 0 (biased)",
	}, nil
}
