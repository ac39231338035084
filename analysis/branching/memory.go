package branching

// Memory bounds, so that callers (engram analyze) can refuse an analysis
// that would not fit before running it. They count the bytes allocated and
// live at the peak of the computation, not the input counts, and assume
// float64 (8 bytes), int (8 bytes) and slice headers (24 bytes). The Go
// allocator rounds each allocation up to a size class (at most 12.5 %
// more) or, above 32 KiB, to whole 8 KiB pages; allocated adds that.

// allocated is the heap taken by objects totalling b bytes.
func allocated(b int64) int64 { return b + b/8 + 8<<10 }

// CoefficientsBytes is an upper bound on the memory Coefficients allocates
// for trials × length counts with options o (nil: defaults); it returns the
// error Coefficients would return for lags that cannot be resolved.
func CoefficientsBytes(trials, length int, opts *CoefficientOptions) (int64, error) {
	var o CoefficientOptions
	if opts != nil {
		o = *opts
	}
	ns, kmax, err := stepCount(&o, length)
	if err != nil {
		return 0, err
	}
	s, t := int64(ns), int64(trials)
	b := 8*t + // trial means
		t*(4*8*s+4*24) + // per-trial moments mx, my, xy, xx
		(2*s+1)*3*8 + 2*8*s + // marks, prefix sums at the marks, their indices
		8*s*4 + // steps, coefficients, standard errors, one bootstrap replica in flight
		8*t*s + 24*t + // trial-separated coefficients (method ts)
		int64(o.NumBoot)*(8*s+24) + 8*t + // bootstrap replicas and resampled indices
		4<<10 // the result and option structs
	if ns > 48 {
		b += lagPlanBytes(length, kmax) + 8*int64(kmax+1)
	}
	return allocated(b), nil
}

// fitBytesPerLag bounds a fit's memory per coefficient: x, y, steps, the
// fitted curve and the selected indices (kept), residuals and the Jacobian
// of up to 9 parameters (Levenberg–Marquardt, transient), one bootstrap
// replica: 24 float64s.
const fitBytesPerLag = 24 * 8

// AnalyzeBytes is an upper bound on the memory Analyze allocates for
// trials × length counts with options o (nil: defaults): the coefficients
// with their bootstrap replicas, the FFT plan, and one set of fit arrays per
// model (fits run one after another but their results are kept).
func AnalyzeBytes(trials, length int, opts *Options) (int64, error) {
	o := Defaults()
	if opts != nil {
		o.Steps, o.KMin, o.KMax, o.KStep, o.NumBoot = opts.Steps, opts.KMin, opts.KMax, opts.KStep, opts.NumBoot
		if len(opts.Models) > 0 {
			o.Models = opts.Models
		}
	}
	numBoot := o.NumBoot
	switch {
	case numBoot == 0 && trials >= 2:
		numBoot = 100
	case numBoot < 0:
		numBoot = 0
	}
	co := &CoefficientOptions{Steps: o.Steps, KMin: o.KMin, KMax: o.KMax, KStep: o.KStep, NumBoot: numBoot}
	b, err := CoefficientsBytes(trials, length, co)
	if err != nil {
		return 0, err
	}
	ns, _, _ := stepCount(co, length)
	return b + allocated(int64(len(o.Models))*fitBytesPerLag*int64(ns)+64<<10), nil
}

// StepCount returns the number of lags and the largest lag that
// Coefficients uses for trials of the given length with options o (nil:
// defaults), without allocating them, or Coefficients' error for lags that
// do not fit.
func StepCount(length int, opts *CoefficientOptions) (n, kmax int, err error) {
	var o CoefficientOptions
	if opts != nil {
		o = *opts
	}
	return stepCount(&o, length)
}
