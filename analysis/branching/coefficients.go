package branching

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/engramsim/engram/progress"
)

// Method selects how the correlation coefficients r_k are pooled over trials.
type Method string

const (
	// TrialSeparated ("ts") computes r_k per trial with window means taken
	// separately over the shifted windows and averages over trials. Biased
	// low when trials are short compared with τ.
	TrialSeparated Method = "ts"
	// StationaryMean ("sm") pools over trials around the trial-averaged
	// window means; unbiased for short trials if activity is stationary
	// across trials.
	StationaryMean Method = "sm"
)

// DefaultCoefficientSeed is mrestimator's bootstrap seed in coefficients().
const DefaultCoefficientSeed = 5330

// Errors returned for degenerate input. Use errors.Is to test for them.
var (
	ErrNoData       = errors.New("branching: no data (zero trials or empty trials)")
	ErrRagged       = errors.New("branching: trials have different lengths")
	ErrTooShort     = errors.New("branching: trials too short for the requested steps k")
	ErrConstant     = errors.New("branching: activity is constant (zero variance), coefficients undefined")
	ErrTooFewTrials = errors.New("branching: bootstrap needs at least 2 trials")
	ErrNonFinite    = errors.New("branching: data contain NaN or Inf")
)

// CoefficientOptions configures Coefficients. The zero value (or nil) gives
// the documented defaults.
type CoefficientOptions struct {
	// Method is TrialSeparated or StationaryMean. Empty means TrialSeparated
	// (mrestimator's coefficients() default).
	Method Method
	// Steps lists the lags k (in bins, each ≥ 1) explicitly. If nil, the
	// lags KMin, KMin+KStep, …, ≤ KMax are used.
	Steps []int
	// KMin is the first lag (default 1).
	KMin int
	// KMax is the last lag (default ⌊L/10⌋, silently capped at L/2).
	KMax int
	// KStep is the lag stride (default 1).
	KStep int
	// KnownMean, if non-nil, replaces every mean by this value (events/bin).
	KnownMean *float64
	// NumBoot is the number of trial-bootstrap replicas. 0 means none;
	// bootstrapping requires ≥ 2 trials.
	NumBoot int
	// Seed seeds the bootstrap when Rand is nil; 0 means 5330
	// (mrestimator). The stream is rand.NewPCG(Seed, 0).
	Seed uint64
	// Rand, if non-nil, is used for the bootstrap instead of Seed.
	Rand *rand.Rand
	// Dt is the bin width in DtUnit (default 1).
	Dt float64
	// DtUnit names the unit of Dt (default "ms").
	DtUnit string
	// Progress, if non-nil, receives (trials processed + replicas done, total).
	Progress progress.Reporter
}

// CoefficientResult holds the lagged regression coefficients r_k and how they
// were obtained (mirrors mrestimator's CoefficientResult).
type CoefficientResult struct {
	// Steps are the lags k in bins; Coefficients[i] = r_{Steps[i]}.
	Steps        []int
	Coefficients []float64
	// StdErr[i] is the SD of r_k over bootstrap replicas (population SD,
	// as numpy.std); nil without bootstrap.
	StdErr []float64
	// TrialCoefficients[j][i] is r_k of trial j alone (method ts only).
	TrialCoefficients [][]float64
	// Bootstrap[b][i] is replica b's r_k; nil without bootstrap.
	Bootstrap [][]float64
	// TrialMeans[j] is the mean activity of trial j (events/bin).
	TrialMeans []float64

	Method    Method
	KnownMean *float64
	NumBoot   int
	Seed      uint64 // bootstrap seed (0 when an external Rand was used)
	Trials    int
	Length    int // bins per trial
	Dt        float64
	DtUnit    string
}

// trialStats are the per-trial, per-lag moments from which every estimate
// (and every bootstrap replica) is computed in O(steps).
type trialStats struct {
	mx, my, xy, xx []float64 // window means, ⟨xy⟩, ⟨x²⟩, all centred by c
}

func resolveSteps(o *CoefficientOptions, length int) ([]int, error) {
	kmin, kmax, kstep, err := stepRange(o, length)
	if err != nil {
		return nil, err
	}
	if o.Steps != nil {
		return append([]int(nil), o.Steps...), nil
	}
	out := make([]int, 0, (kmax-kmin)/kstep+1)
	for k := kmin; k <= kmax; k += kstep {
		out = append(out, k)
	}
	return out, nil
}

// stepRange validates the lags of o for trials of the given length and
// returns their range: KMin..KMax by KStep with the defaults applied, or for
// explicit Steps their count as kstep = 0 (kmin = number of steps, kmax =
// the largest). It allocates nothing, so memory bounds can use it.
func stepRange(o *CoefficientOptions, length int) (kmin, kmax, kstep int, err error) {
	if o.Steps != nil {
		if len(o.Steps) == 0 {
			return 0, 0, 0, fmt.Errorf("branching: empty Steps")
		}
		for _, k := range o.Steps {
			if k < 1 {
				return 0, 0, 0, fmt.Errorf("branching: step k = %d must be ≥ 1", k)
			}
			if k > length-2 {
				return 0, 0, 0, fmt.Errorf("%w: k = %d with trial length %d (need k ≤ L−2)", ErrTooShort, k, length)
			}
			kmax = max(kmax, k)
		}
		return len(o.Steps), kmax, 0, nil
	}
	kmin, kmax, kstep = o.KMin, o.KMax, o.KStep
	if kmin == 0 {
		kmin = 1
	}
	if kstep == 0 {
		kstep = 1
	}
	if kmin < 1 || kstep < 1 {
		return 0, 0, 0, fmt.Errorf("branching: KMin = %d and KStep = %d must be ≥ 1", kmin, kstep)
	}
	if kmax == 0 {
		kmax = min(length/10, length/2)
	}
	if kmax > length-2 {
		return 0, 0, 0, fmt.Errorf("%w: KMax = %d with trial length %d (need k ≤ L−2)", ErrTooShort, kmax, length)
	}
	if kmax < kmin {
		return 0, 0, 0, fmt.Errorf("%w: no lag in [%d, %d] for trial length %d", ErrTooShort, kmin, kmax, length)
	}
	return kmin, kmax, kstep, nil
}

// stepCount returns the number of lags and the largest lag of o.
func stepCount(o *CoefficientOptions, length int) (n, kmax int, err error) {
	kmin, kmax, kstep, err := stepRange(o, length)
	if err != nil {
		return 0, 0, err
	}
	if kstep == 0 {
		return kmin, kmax, nil
	}
	n = (kmax-kmin)/kstep + 1
	return n, kmin + (n-1)*kstep, nil
}

func checkData(data [][]float64) (trials, length int, err error) {
	if len(data) == 0 || len(data[0]) == 0 {
		return 0, 0, ErrNoData
	}
	length = len(data[0])
	for i, tr := range data {
		if len(tr) != length {
			return 0, 0, fmt.Errorf("%w: trial 0 has %d bins, trial %d has %d", ErrRagged, length, i, len(tr))
		}
		for t, v := range tr {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("%w: trial %d bin %d", ErrNonFinite, i, t)
			}
		}
	}
	return len(data), length, nil
}

// Coefficients computes the multistep-regression coefficients r_k of
// data[trial][bin] (criticality.md §3.2). Lagged cross-products are computed
// by a segmented power-of-two FFT (gonum dsp/fourier; see lagfft.go) when
// more than 48 lags are requested, so 10 trials × 10⁵ bins with k ≤ 2500
// take well under a second and any series length is supported up to
// k_max = 2^25; the FFT's work memory is O(k_max).
func Coefficients(data [][]float64, opts *CoefficientOptions) (*CoefficientResult, error) {
	var o CoefficientOptions
	if opts != nil {
		o = *opts
	}
	if o.Method == "" {
		o.Method = TrialSeparated
	}
	if o.Method != TrialSeparated && o.Method != StationaryMean {
		return nil, fmt.Errorf("branching: unknown method %q (want ts or sm)", o.Method)
	}
	if o.Dt == 0 {
		o.Dt = 1
	}
	if !(o.Dt > 0) {
		return nil, fmt.Errorf("branching: Dt = %v must be positive", o.Dt)
	}
	if o.DtUnit == "" {
		o.DtUnit = "ms"
	}
	if o.NumBoot < 0 {
		return nil, fmt.Errorf("branching: NumBoot = %d must be ≥ 0", o.NumBoot)
	}
	trials, length, err := checkData(data)
	if err != nil {
		return nil, err
	}
	steps, err := resolveSteps(&o, length)
	if err != nil {
		return nil, err
	}
	if o.NumBoot > 0 && trials < 2 {
		return nil, fmt.Errorf("%w (got %d trial, NumBoot = %d)", ErrTooFewTrials, trials, o.NumBoot)
	}

	// Scale by a power of two so that every |value| ≤ 1: r_k is invariant to
	// scale, a power of two is exact (results are bit-identical for data that
	// did not overflow), and sums of L squared deviations are then ≤ 4L. A
	// constant series with one bin of 1e308 used to overflow (x − c)² to +Inf
	// and every r_k became NaN, reported as ErrConstant.
	scale, constant := scaleOf(data, o.KnownMean)
	if constant {
		return nil, ErrConstant
	}
	// Centre everything by one constant: every r_k formula is invariant to a
	// common shift, and centring keeps the raw moments well conditioned.
	var c float64
	means := make([]float64, trials)
	for i, tr := range data {
		s := 0.0
		for _, v := range tr {
			s += v * scale
		}
		means[i] = s / float64(length)
		c += means[i]
	}
	c /= float64(trials)
	if o.KnownMean != nil {
		c = *o.KnownMean * scale
	}
	for i := range means {
		means[i] /= scale // back to events/bin (exact: a power of two)
	}

	total := int64(trials + o.NumBoot)
	stats := make([]trialStats, trials)
	kmax := 0
	for _, k := range steps {
		kmax = max(kmax, k)
	}
	useFFT := len(steps) > 48
	var plan *lagPlan
	var acf []float64
	if useFFT {
		if plan, err = newLagPlan(length, kmax); err != nil {
			return nil, err
		}
		acf = make([]float64, kmax+1)
	}
	// Prefix sums of x = v·scale − c and of x² are needed only at the window
	// ends k, L−k and L: one pass per trial records the running sums at
	// those marks (O(L) time, O(steps) memory; no centred copy of the trial).
	marks := make([]int, 0, 2*len(steps)+1)
	for _, k := range steps {
		marks = append(marks, length-k, k)
	}
	marks = append(marks, length)
	slices.Sort(marks)
	marks = slices.Compact(marks)
	at := func(n int) int { i, _ := slices.BinarySearch(marks, n); return i }
	iK, iLK := make([]int, len(steps)), make([]int, len(steps))
	for s, k := range steps {
		iK[s], iLK[s] = at(k), at(length-k)
	}
	iL := at(length)
	p1, p2 := make([]float64, len(marks)), make([]float64, len(marks))
	for i, tr := range data {
		var s1, s2 float64
		m := 0
		for t := 0; ; t++ {
			for m < len(marks) && marks[m] == t {
				p1[m], p2[m] = s1, s2
				m++
			}
			if t == length {
				break
			}
			x := tr[t]*scale - c
			s1 += x
			s2 += x * x
		}
		st := trialStats{
			mx: make([]float64, len(steps)), my: make([]float64, len(steps)),
			xy: make([]float64, len(steps)), xx: make([]float64, len(steps)),
		}
		if useFFT {
			plan.products(acf, tr, scale, c)
		}
		for s, k := range steps {
			n := float64(length - k)
			var sxy float64
			if useFFT {
				sxy = acf[k]
			} else {
				for t := 0; t < length-k; t++ {
					sxy += (tr[t]*scale - c) * (tr[t+k]*scale - c)
				}
			}
			st.mx[s] = p1[iLK[s]] / n
			st.my[s] = (p1[iL] - p1[iK[s]]) / n
			st.xy[s] = sxy / n
			st.xx[s] = p2[iLK[s]] / n
		}
		stats[i] = st
		progress.Report(o.Progress, int64(i+1), total)
	}

	res := &CoefficientResult{
		Steps:      steps,
		TrialMeans: means,
		Method:     o.Method,
		KnownMean:  o.KnownMean,
		NumBoot:    o.NumBoot,
		Trials:     trials,
		Length:     length,
		Dt:         o.Dt,
		DtUnit:     o.DtUnit,
	}
	known := o.KnownMean != nil
	all := make([]int, trials)
	for i := range all {
		all[i] = i
	}
	if o.Method == TrialSeparated {
		res.TrialCoefficients = make([][]float64, trials)
		for i := range stats {
			res.TrialCoefficients[i] = tsTrial(&stats[i], known)
		}
	}
	res.Coefficients = pooled(o.Method, stats, res.TrialCoefficients, all, known)
	finite := false
	for _, r := range res.Coefficients {
		if !math.IsNaN(r) {
			finite = true
			break
		}
	}
	if !finite {
		return nil, ErrConstant
	}

	if o.NumBoot > 0 {
		rng := o.Rand
		if rng == nil {
			seed := o.Seed
			if seed == 0 {
				seed = DefaultCoefficientSeed
			}
			res.Seed = seed
			rng = rand.New(rand.NewPCG(seed, 0))
		}
		res.Bootstrap = make([][]float64, o.NumBoot)
		idx := make([]int, trials)
		for b := range res.Bootstrap {
			for j := range idx {
				idx[j] = rng.IntN(trials)
			}
			res.Bootstrap[b] = pooled(o.Method, stats, res.TrialCoefficients, idx, known)
			progress.Report(o.Progress, int64(trials+b+1), total)
		}
		res.StdErr = make([]float64, len(steps))
		for s := range steps {
			var m, m2 float64
			var n int
			for _, rep := range res.Bootstrap {
				if v := rep[s]; !math.IsNaN(v) {
					m += v
					m2 += v * v
					n++
				}
			}
			if n == 0 {
				res.StdErr[s] = math.NaN()
				continue
			}
			m /= float64(n)
			res.StdErr[s] = math.Sqrt(math.Max(m2/float64(n)-m*m, 0))
		}
	}
	return res, nil
}

func tsTrial(st *trialStats, known bool) []float64 {
	r := make([]float64, len(st.xy))
	for s := range r {
		var cov, v float64
		if known {
			cov, v = st.xy[s], st.xx[s]
		} else {
			cov = st.xy[s] - st.mx[s]*st.my[s]
			v = st.xx[s] - st.mx[s]*st.mx[s]
		}
		if v <= 0 {
			r[s] = math.NaN()
			continue
		}
		r[s] = cov / v
	}
	return r
}

// pooled combines the trials listed in idx (with repetition) into r_k.
func pooled(method Method, stats []trialStats, trialR [][]float64, idx []int, known bool) []float64 {
	ns := len(stats[0].xy)
	out := make([]float64, ns)
	fn := float64(len(idx))
	for s := range out {
		if method == TrialSeparated {
			// Trials with zero variance (NaN) are skipped, as numpy.nanmean.
			sum, n := 0.0, 0
			for _, i := range idx {
				if v := trialR[i][s]; !math.IsNaN(v) {
					sum += v
					n++
				}
			}
			out[s] = math.NaN()
			if n > 0 {
				out[s] = sum / float64(n)
			}
			continue
		}
		var mbx, mby float64
		if !known {
			for _, i := range idx {
				mbx += stats[i].mx[s]
				mby += stats[i].my[s]
			}
			mbx /= fn
			mby /= fn
		}
		var num, den float64
		for _, i := range idx {
			st := &stats[i]
			num += st.xy[s] - st.my[s]*mbx - st.mx[s]*mby
			den += st.xx[s] - 2*st.mx[s]*mbx + mbx*mbx
		}
		num = num/fn + mbx*mby
		den /= fn
		if den <= 0 {
			out[s] = math.NaN()
			continue
		}
		out[s] = num / den
	}
	return out
}

// scaleOf returns the power of two 2^−e with max|v| = f·2^e, f ∈ [½, 1),
// over data and the known mean (1 for all-zero data), and whether the data
// are one value repeated with no known mean (every r_k is then undefined).
func scaleOf(data [][]float64, knownMean *float64) (scale float64, constant bool) {
	big := 0.0
	first := data[0][0]
	constant = knownMean == nil
	for _, tr := range data {
		for _, v := range tr {
			big = max(big, math.Abs(v))
			if v != first {
				constant = false
			}
		}
	}
	if knownMean != nil {
		big = max(big, math.Abs(*knownMean))
	}
	if big == 0 || math.IsInf(big, 0) || math.IsNaN(big) {
		return 1, constant
	}
	_, e := math.Frexp(big)
	return math.Ldexp(1, -e), constant
}
