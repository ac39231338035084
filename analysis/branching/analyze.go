package branching

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/engramsim/engram/progress"
)

// Options configures Analyze. nil or the zero value gives the documented
// defaults; Defaults returns them explicitly.
type Options struct {
	// Method of the MR coefficients (default StationaryMean; use
	// TrialSeparated when trials are not stationary with respect to
	// each other — criticality.md §4.1 advises sm for L/τ < ~200).
	Method Method
	// Models to fit; the first is the primary estimate (default
	// [ExpOffset, Exp]).
	Models []Model
	// Steps, KMin, KMax, KStep choose the lags as in CoefficientOptions
	// (default k = 1..⌊L/10⌋).
	Steps             []int
	KMin, KMax, KStep int
	// Dt is the bin width in DtUnit (default 1 "ms").
	Dt     float64
	DtUnit string
	// NumBoot is the number of trial-bootstrap replicas for the coefficient
	// and fit uncertainties. 0 means 100 when there are ≥ 2 trials and none
	// (asymptotic fit errors, with a warning) for a single trial; negative
	// disables bootstrapping. An explicit positive value with one trial is
	// an error.
	NumBoot int
	// Seed seeds the bootstrap (0 means 5330); Rand overrides it.
	Seed uint64
	Rand *rand.Rand
	// KnownMean, if non-nil, replaces every mean by this value.
	KnownMean *float64
	// Naive configures the (biased) naive ratio reported for comparison.
	Naive NaiveOptions
	// Progress, if non-nil, receives coarse progress (stages done, total).
	Progress progress.Reporter
}

// Defaults returns the options Analyze uses for nil.
func Defaults() Options {
	return Options{Method: StationaryMean, Models: []Model{ExpOffset, Exp}, Dt: 1, DtUnit: "ms", Seed: DefaultCoefficientSeed}
}

// Result is the outcome of Analyze: headline numbers first, then the full
// intermediate results for plotting and reporting.
type Result struct {
	// M and MStdErr are the primary MR estimate m̂ = exp(−Dt/τ̂) and its
	// uncertainty (UncertaintyMethod says how it was obtained).
	M, MStdErr float64
	// Tau and TauStdErr are τ̂ in DtUnit; TauBins = Tau/Dt.
	Tau, TauStdErr, TauBins float64
	UncertaintyMethod       string
	// MConventional (± MConventionalStdErr) is r₁ by pooled OLS, biased to
	// b·m under subsampling; MNaive is the naive ratio (biased, see Naive).
	MConventional, MConventionalStdErr float64
	MNaive                             float64

	FitModel          Model
	Method            Method
	KMin, KMax, KStep int // KStep = 0 when explicit irregular Steps were given
	Dt                float64
	DtUnit            string
	Trials, Length    int
	NumBoot           int
	Seed              uint64

	Coefficients *CoefficientResult
	Fit          *FitResult   // primary fit (= Fits[0])
	Fits         []*FitResult // one per requested model
	Conventional *ConventionalResult
	Naive        *NaiveResult
	// Warnings collects caveats from the fits and the input.
	Warnings []string
}

// Analyze estimates the branching ratio of population activity
// counts[trial][bin] by multistep regression, and reports the conventional
// and naive estimators next to it.
func Analyze(counts [][]float64, opts *Options) (*Result, error) {
	o := Defaults()
	if opts != nil {
		u := *opts
		if u.Method != "" {
			o.Method = u.Method
		}
		if len(u.Models) > 0 {
			o.Models = u.Models
		}
		o.Steps, o.KMin, o.KMax, o.KStep = u.Steps, u.KMin, u.KMax, u.KStep
		if u.Dt != 0 {
			o.Dt = u.Dt
		}
		if u.DtUnit != "" {
			o.DtUnit = u.DtUnit
		}
		o.NumBoot = u.NumBoot
		if u.Seed != 0 {
			o.Seed = u.Seed
		}
		o.Rand, o.KnownMean, o.Naive, o.Progress = u.Rand, u.KnownMean, u.Naive, u.Progress
	}
	trials, length, err := checkData(counts)
	if err != nil {
		return nil, err
	}
	var warnings []string
	numBoot := o.NumBoot
	switch {
	case numBoot == 0 && trials >= 2:
		numBoot = 100
	case numBoot == 0:
		warnings = append(warnings, "single trial: no bootstrap, uncertainties are asymptotic (optimistic)")
	case numBoot < 0:
		numBoot = 0
	}
	total := int64(len(o.Models) + 2)
	coef, err := Coefficients(counts, &CoefficientOptions{
		Method: o.Method, Steps: o.Steps, KMin: o.KMin, KMax: o.KMax, KStep: o.KStep,
		KnownMean: o.KnownMean, NumBoot: numBoot, Seed: o.Seed, Rand: o.Rand,
		Dt: o.Dt, DtUnit: o.DtUnit,
	})
	if err != nil {
		return nil, err
	}
	progress.Report(o.Progress, 1, total)
	res := &Result{
		Method: o.Method, Dt: coef.Dt, DtUnit: coef.DtUnit, Trials: trials, Length: length,
		NumBoot: numBoot, Seed: coef.Seed, Coefficients: coef, FitModel: o.Models[0],
	}
	res.KMin, res.KMax = coef.Steps[0], coef.Steps[len(coef.Steps)-1]
	res.KStep = regularStride(coef.Steps)
	for i, m := range o.Models {
		f, err := Fit(coef, &FitOptions{Model: m})
		if err != nil {
			return nil, fmt.Errorf("branching: fit %s: %w", m, err)
		}
		res.Fits = append(res.Fits, f)
		for _, fl := range f.Flags {
			warnings = append(warnings, string(m)+": "+fl)
		}
		progress.Report(o.Progress, int64(i+2), total)
	}
	res.Fit = res.Fits[0]
	res.M, res.MStdErr = res.Fit.M, res.Fit.MStdErr
	res.Tau, res.TauStdErr = res.Fit.Tau, res.Fit.TauStdErr
	res.TauBins = res.Tau / res.Dt
	res.UncertaintyMethod = res.Fit.UncertaintyMethod

	res.MConventional, res.MConventionalStdErr = math.NaN(), math.NaN()
	if c, err := Conventional(counts); err == nil {
		res.Conventional = c
		res.MConventional, res.MConventionalStdErr = c.M, c.StdErr
	} else if !errors.Is(err, ErrTooShort) {
		return nil, err
	}
	res.MNaive = math.NaN()
	if nv, err := Naive(counts, &o.Naive); err == nil {
		res.Naive = nv
		res.MNaive = nv.Sigma
	}
	progress.Report(o.Progress, total, total)
	res.Warnings = warnings
	return res, nil
}

func regularStride(steps []int) int {
	if len(steps) < 2 {
		return 1
	}
	d := steps[1] - steps[0]
	for i := 2; i < len(steps); i++ {
		if steps[i]-steps[i-1] != d {
			return 0
		}
	}
	return d
}
