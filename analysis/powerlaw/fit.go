package powerlaw

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/progress"
)

// Errors for unusable input; test with errors.Is.
var (
	ErrTooFew      = errors.New("powerlaw: too few data points in the tail")
	ErrInvalidData = errors.New("powerlaw: data must be positive and finite (integers ≥ 1 when discrete)")
	ErrNoVariation = errors.New("powerlaw: all tail values are equal to x_min, α is undefined")
)

// Options configures Fit. nil means a continuous fit with x_min chosen by
// the KS scan.
type Options struct {
	// Discrete fits the discrete power law p(x) = x^{−α}/ζ(α, x_min) on
	// integer data; otherwise the continuous law (α−1)/x_min (x/x_min)^{−α}.
	Discrete bool
	// XMin fixes x_min (> 0); zero means choose it by minimising the KS
	// distance over the unique data values (Clauset et al. 2009).
	XMin float64
	// XMinCandidates, if non-nil, restricts the scan to these values.
	XMinCandidates []float64
	// DiscreteApprox uses α ≈ 1 + n/Σ ln(x/(x_min − ½)) instead of the exact
	// discrete MLE (good for x_min ≳ 6; much faster).
	DiscreteApprox bool
	// SigmaThreshold, if > 0, skips x_min candidates whose α standard error
	// exceeds it (powerlaw's sigma_threshold).
	SigmaThreshold float64
	// MinTail is the smallest tail size considered in the scan (default 10).
	MinTail int
	// Progress, if non-nil, receives (candidates scanned, total).
	Progress progress.Reporter
}

// Result is a power-law fit of a data tail x ≥ XMin.
type Result struct {
	// Alpha is the MLE exponent, AlphaStdErr its standard error
	// ((α−1)/√n for continuous data; observed Fisher information for the
	// exact discrete MLE).
	Alpha, AlphaStdErr float64
	// XMin is the lower cut-off; NTail the number of points x ≥ XMin; N the
	// total number of points.
	XMin     float64
	NTail, N int
	// KS is the Kolmogorov–Smirnov distance between the tail's empirical
	// CDF and the fitted law.
	KS float64
	// LogLikelihood is Σ ln p(x_i) over the tail.
	LogLikelihood float64
	Discrete      bool
	// Method describes the α estimator; XMinMethod how x_min was chosen.
	Method     string
	XMinMethod string
	// Candidates is the number of x_min values scanned (1 if fixed).
	Candidates int

	tail []float64 // sorted tail, for comparisons and bootstrap
	body []float64 // values below x_min
}

// Tail returns a copy of the sorted tail values x ≥ XMin.
func (r *Result) Tail() []float64 { return slices.Clone(r.tail) }

// Fit fits a power law to the tail of data (criticality.md §5.3).
func Fit(data []float64, opts *Options) (*Result, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MinTail == 0 {
		o.MinTail = 10
	}
	x, err := cleanSorted(data, o.Discrete)
	if err != nil {
		return nil, err
	}
	if o.XMin > 0 {
		r, err := fitFixed(x, o.XMin, &o)
		if err != nil {
			return nil, err
		}
		r.XMinMethod = "fixed"
		r.Candidates = 1
		return r, nil
	}
	cands := o.XMinCandidates
	if cands == nil {
		cands = uniqueSorted(x)
		if len(cands) > 1 {
			cands = cands[:len(cands)-1] // the largest value leaves no tail
		}
	}
	var best *Result
	bound := math.Inf(1)
	pre := newPrecomp(x)
	for i, xm := range cands {
		if i%64 == 0 {
			progress.Report(o.Progress, int64(i+1), int64(len(cands)))
		}
		r, err := fitFixedPre(x, pre, xm, &o, bound)
		if err != nil {
			continue
		}
		if r.NTail < o.MinTail {
			break // tails only shrink as x_min grows
		}
		if o.SigmaThreshold > 0 && r.AlphaStdErr > o.SigmaThreshold {
			continue
		}
		if r.KS < bound {
			best = r
			bound = r.KS
		}
	}
	progress.Report(o.Progress, int64(len(cands)), int64(len(cands)))
	if best == nil {
		return nil, fmt.Errorf("%w: no x_min candidate leaves a tail of ≥ %d points with a finite fit", ErrTooFew, o.MinTail)
	}
	best.LogLikelihood = sumSlice(best.logPDFs(best.tail))
	best.XMinMethod = "KS scan (minimum Kolmogorov–Smirnov distance)"
	best.Candidates = len(cands)
	return best, nil
}

func cleanSorted(data []float64, discrete bool) ([]float64, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: empty data", ErrTooFew)
	}
	x := slices.Clone(data)
	for i, v := range x {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: value %v at index %d", ErrInvalidData, v, i)
		}
		if discrete && v != math.Trunc(v) {
			return nil, fmt.Errorf("%w: non-integer %v at index %d in discrete data", ErrInvalidData, v, i)
		}
	}
	slices.Sort(x)
	return x, nil
}

func uniqueSorted(x []float64) []float64 {
	var u []float64
	for i, v := range x {
		if i == 0 || v != x[i-1] {
			u = append(u, v)
		}
	}
	return u
}

// precomp holds ln x and suffix sums of ln x of the sorted data.
type precomp struct {
	logs   []float64
	suffix []float64 // suffix[i] = Σ_{j ≥ i} ln x_j
}

func newPrecomp(x []float64) *precomp {
	p := &precomp{logs: make([]float64, len(x)), suffix: make([]float64, len(x)+1)}
	for i, v := range x {
		p.logs[i] = math.Log(v)
	}
	for i := len(x) - 1; i >= 0; i-- {
		p.suffix[i] = p.suffix[i+1] + p.logs[i]
	}
	return p
}

// fitFixed fits α on the tail x ≥ xmin of sorted x.
func fitFixed(x []float64, xmin float64, o *Options) (*Result, error) {
	r, err := fitFixedPre(x, newPrecomp(x), xmin, o, math.Inf(1))
	if err != nil {
		return nil, err
	}
	r.LogLikelihood = sumSlice(r.logPDFs(r.tail))
	return r, nil
}

// fitFixedPre fits α on the tail; the KS distance is computed exactly when
// it is below bound, otherwise any value ≥ bound may be returned (the scan
// only needs to know that the candidate loses).
func fitFixedPre(x []float64, pre *precomp, xmin float64, o *Options, bound float64) (*Result, error) {
	i0, _ := slices.BinarySearch(x, xmin)
	tail := x[i0:]
	n := len(tail)
	if n < 2 {
		return nil, fmt.Errorf("%w: %d points ≥ x_min = %v", ErrTooFew, n, xmin)
	}
	sumLog := pre.suffix[i0]
	nf := float64(n)
	r := &Result{XMin: xmin, NTail: n, N: len(x), Discrete: o.Discrete, tail: tail, body: x[:i0]}
	if !o.Discrete {
		s := sumLog - nf*math.Log(xmin)
		if s <= 0 {
			return nil, ErrNoVariation
		}
		r.Alpha = 1 + nf/s
		r.AlphaStdErr = (r.Alpha - 1) / math.Sqrt(nf)
		r.Method = "continuous MLE α = 1 + n/Σ ln(x/x_min)"
	} else {
		if xmin < 1 || xmin != math.Trunc(xmin) {
			return nil, fmt.Errorf("%w: discrete x_min = %v must be an integer ≥ 1", ErrInvalidData, xmin)
		}
		if xmin <= 0.5 {
			return nil, ErrInvalidData
		}
		s := sumLog - nf*math.Log(xmin-0.5)
		if s <= 0 || tail[len(tail)-1] == xmin {
			return nil, ErrNoVariation
		}
		approx := 1 + nf/s
		if o.DiscreteApprox {
			r.Alpha = approx
			r.AlphaStdErr = (approx - 1) / math.Sqrt(nf)
			r.Method = "discrete approximation α ≈ 1 + n/Σ ln(x/(x_min − ½))"
		} else {
			ll := func(a float64) float64 { return -nf*lnHurwitzZeta(a, xmin) - a*sumLog }
			a := maximize1D(ll, 1+1e-9, math.Max(approx*2, 6), approx)
			r.Alpha = a
			// Observed Fisher information by central differences.
			h := 1e-4
			d2 := (ll(a+h) - 2*ll(a) + ll(a-h)) / (h * h)
			r.AlphaStdErr = math.NaN()
			if d2 < 0 {
				r.AlphaStdErr = 1 / math.Sqrt(-d2)
			}
			r.Method = "discrete exact MLE (Hurwitz ζ)"
		}
	}
	if r.Discrete {
		r.KS = ksOf(tail, true, r.CDF, bound)
	} else {
		// Continuous fast path: F(x) = 1 − exp((1−α)(ln x − ln x_min)).
		lxm := math.Log(xmin)
		a1 := 1 - r.Alpha
		logs := pre.logs[i0:]
		d := 0.0
		nf := float64(n)
		for i := range tail {
			f := -math.Expm1(a1 * (logs[i] - lxm))
			d = math.Max(d, math.Max(float64(i+1)/nf-f, f-float64(i)/nf))
			if d > bound {
				break
			}
		}
		r.KS = d
	}
	return r, nil
}

func sumSlice(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

// logPDFs returns ln p(x_i) of the fitted power law for x_i ≥ XMin.
func (r *Result) logPDFs(x []float64) []float64 {
	out := make([]float64, len(x))
	if r.Discrete {
		lz := lnHurwitzZeta(r.Alpha, r.XMin)
		for i, v := range x {
			out[i] = -r.Alpha*math.Log(v) - lz
		}
		return out
	}
	c := math.Log((r.Alpha - 1) / r.XMin)
	for i, v := range x {
		out[i] = c - r.Alpha*math.Log(v/r.XMin)
	}
	return out
}

// CDF returns P(X ≤ x) of the fitted law (x ≥ XMin).
func (r *Result) CDF(x float64) float64 {
	if x < r.XMin {
		return 0
	}
	if r.Discrete {
		return 1 - math.Exp(lnHurwitzZeta(r.Alpha, math.Floor(x)+1)-lnHurwitzZeta(r.Alpha, r.XMin))
	}
	return 1 - math.Pow(x/r.XMin, 1-r.Alpha)
}

// ksOf returns max |F_emp − F_fit| over the sorted tail. Continuous: the
// two-sided sup at the order statistics. Discrete: at every unique value x,
// comparing P(X ≤ x) and P(X < x) = P(X ≤ x − 1).
// ksOf stops early once the distance exceeds bound.
func ksOf(tail []float64, discrete bool, cdf func(float64) float64, bound float64) float64 {
	n := float64(len(tail))
	d := 0.0
	if !discrete {
		for i, v := range tail {
			f := cdf(v)
			d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
			if d > bound {
				return d
			}
		}
		return d
	}
	below := 0
	for i := 0; i < len(tail); {
		v := tail[i]
		j := i
		for j < len(tail) && tail[j] == v {
			j++
		}
		fBelow := cdf(v - 1)
		d = math.Max(d, math.Abs(float64(below)/n-fBelow))
		d = math.Max(d, math.Abs(float64(j)/n-cdf(v)))
		if d > bound {
			return d
		}
		below = j
		i = j
	}
	return d
}

// maximize1D maximises a unimodal f on [lo, hi] by golden-section search
// (tolerance 1e-9 relative), expanding hi if the maximum sits on it.
func maximize1D(f func(float64) float64, lo, hi, guess float64) float64 {
	_ = guess
	for range 20 {
		if f(hi) < f(hi*0.999) {
			break
		}
		hi *= 2
	}
	const g = 0.6180339887498949
	a, b := lo, hi
	c := b - g*(b-a)
	d := a + g*(b-a)
	fc, fd := f(c), f(d)
	for b-a > 1e-10*(1+math.Abs(a)) {
		if fc > fd {
			b, d, fd = d, c, fc
			c = b - g*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + g*(b-a)
			fd = f(d)
		}
	}
	return (a + b) / 2
}
