package avalanche

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/analysis/powerlaw"
	"github.com/engramsim/engram/progress"
)

// Options configures Analyze. nil means defaults.
type Options struct {
	// Continuous fits continuous power laws; the default (false) uses the
	// discrete MLE, appropriate for integer sizes and durations in bins.
	Continuous bool
	// SizeXMin and DurationXMin fix x_min (0: KS scan).
	SizeXMin, DurationXMin float64
	// GammaDMin and GammaDMax bound the ⟨S⟩(D) fit (defaults: the duration
	// fit's x_min and no upper limit); GammaMinCount is the minimum number of
	// avalanches per duration used (default 10).
	GammaDMin, GammaDMax float64
	GammaMinCount        int
	// BinWidth and BinUnit are reported with the exponents (exponents
	// depend on the bin width under subsampling and drive).
	BinWidth float64
	BinUnit  string
	// Progress, if non-nil, receives (stages done, 3).
	Progress progress.Reporter
}

// Result summarises an avalanche analysis.
type Result struct {
	NAvalanches int
	// SizeAlpha and DurationAlpha (± StdErr) are the power-law exponents of
	// P(S) and P(D); Size and Duration hold the full fits.
	SizeAlpha, SizeAlphaStdErr         float64
	DurationAlpha, DurationAlphaStdErr float64
	Size, Duration                     *powerlaw.Result
	// GammaFit is the fitted ⟨S⟩(D) exponent; GammaPredicted the
	// crackling-noise prediction (α_D − 1)/(α_S − 1) with propagated error.
	GammaFit, GammaFitStdErr             float64
	GammaPredicted, GammaPredictedStdErr float64
	Scaling                              *ScalingResult
	BinWidth                             float64
	BinUnit                              string
	Warnings                             []string
}

// Analyze fits power laws to avalanche sizes and durations, fits ⟨S⟩(D) ~ D^γ
// and compares γ with the crackling-noise relation. sizes[i] and
// durations[i] belong to the same avalanche.
func Analyze(sizes, durations []float64, opts *Options) (*Result, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if len(sizes) != len(durations) {
		return nil, fmt.Errorf("avalanche: %d sizes but %d durations", len(sizes), len(durations))
	}
	if len(sizes) == 0 {
		return nil, fmt.Errorf("avalanche: no avalanches")
	}
	if o.GammaMinCount == 0 {
		o.GammaMinCount = 10
	}
	if o.BinWidth == 0 {
		o.BinWidth = 1
	}
	if o.BinUnit == "" {
		o.BinUnit = "bins"
	}
	res := &Result{NAvalanches: len(sizes), BinWidth: o.BinWidth, BinUnit: o.BinUnit}
	s, err := powerlaw.Fit(sizes, &powerlaw.Options{Discrete: !o.Continuous, XMin: o.SizeXMin})
	if err != nil {
		return nil, fmt.Errorf("avalanche: size fit: %w", err)
	}
	progress.Report(o.Progress, 1, 3)
	d, err := powerlaw.Fit(durations, &powerlaw.Options{Discrete: !o.Continuous, XMin: o.DurationXMin})
	if err != nil {
		return nil, fmt.Errorf("avalanche: duration fit: %w", err)
	}
	progress.Report(o.Progress, 2, 3)
	res.Size, res.Duration = s, d
	res.SizeAlpha, res.SizeAlphaStdErr = s.Alpha, s.AlphaStdErr
	res.DurationAlpha, res.DurationAlphaStdErr = d.Alpha, d.AlphaStdErr
	res.GammaPredicted, res.GammaPredictedStdErr = PredictedGamma(s.Alpha, s.AlphaStdErr, d.Alpha, d.AlphaStdErr)
	dmin := o.GammaDMin
	if dmin == 0 {
		dmin = d.XMin
	}
	sc, err := ScalingExponent(sizes, durations, dmin, o.GammaDMax, o.GammaMinCount)
	res.Scaling = sc
	res.GammaFit, res.GammaFitStdErr = math.NaN(), math.NaN()
	if err != nil {
		res.Warnings = append(res.Warnings, "⟨S⟩(D) fit: "+err.Error())
	} else {
		res.GammaFit, res.GammaFitStdErr = sc.Gamma, sc.StdErr
	}
	if s.NTail < 100 || d.NTail < 100 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("small tails (sizes %d, durations %d): exponents are uncertain", s.NTail, d.NTail))
	}
	progress.Report(o.Progress, 3, 3)
	return res, nil
}

// AnalyzeCounts extracts avalanches from population counts (Extract with
// threshold) and analyses them.
func AnalyzeCounts(counts []float64, threshold float64, opts *Options) (*Result, []Avalanche, error) {
	av, err := Extract(counts, threshold)
	if err != nil {
		return nil, nil, err
	}
	s, d := SizesDurations(av)
	r, err := Analyze(s, d, opts)
	return r, av, err
}
