package branching

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/progress"
)

// Model names a fit function for r_k against lag time x = k·dt.
type Model string

const (
	// Exp is r = |A| e^{−x/τ}; parameters (τ, A).
	Exp Model = "exp"
	// ExpOffset is r = |A| e^{−x/τ} + O; parameters (τ, A, O). The default.
	ExpOffset Model = "exp_offset"
	// Complex is |A| e^{−x/τ} + B e^{−(x/τ_osc)^γ} cos(2πνx) + C e^{−(x/τ_gs)²} + O;
	// parameters (τ, A, O, τ_osc, B, γ, ν, τ_gs, C), bounded as in mrestimator.
	Complex Model = "complex"
	// TwoTimescales is r = |A1| e^{−x/τ1} + |A2| e^{−x/τ2}; parameters
	// (tau1, A1, tau2, A2) with A1, A2 ≥ 0 and component 1 the one with the
	// larger amplitude, whose τ1 is the reported τ (criticality.md §3.2).
	// Starts and bounds are derived from the data; see twotimescales.go.
	TwoTimescales Model = "two_timescales"
	// Linear is r = A x + O; parameters (A, O). It has no τ (τ, m are NaN).
	Linear Model = "linear"
)

// modelSpec is a fit function with mrestimator's start vectors and bounds.
type modelSpec struct {
	name   Model
	names  []string
	f      func(x float64, p []float64) float64
	grad   func(x float64, p []float64, g []float64) // nil: finite differences
	starts [][]float64
	lower  []float64 // nil: unbounded
	upper  []float64
	hasTau bool
	// prepare, if non-nil, sets data-dependent bounds (and starts, when
	// none were given) from the lag times xs and coefficients ys before
	// fitting; an error means the data cannot be fitted by the model.
	prepare func(s *modelSpec, xs, ys []float64, dt float64) error
	// canon, if non-nil, maps a fitted parameter vector in place to its
	// canonical form (e.g. ordering of interchangeable components).
	canon func(p []float64)
	// flags, if non-nil, adds model-specific caveats to the generic ones.
	flags func(s *modelSpec, r *FitResult, xs []float64) []string
}

func specFor(m Model) (*modelSpec, error) {
	switch m {
	case Exp:
		return &modelSpec{
			name: Exp, names: []string{"tau", "A"}, hasTau: true,
			f: func(x float64, p []float64) float64 { return math.Abs(p[1]) * math.Exp(-x/p[0]) },
			grad: func(x float64, p []float64, g []float64) {
				e := math.Exp(-x / p[0])
				g[0] = math.Abs(p[1]) * e * x / (p[0] * p[0])
				g[1] = sign(p[1]) * e
			},
			starts: [][]float64{{20, 1}, {200, 1}, {-20, 1}, {-200, 1}, {-1, 1}},
		}, nil
	case ExpOffset:
		return &modelSpec{
			name: ExpOffset, names: []string{"tau", "A", "O"}, hasTau: true,
			f: func(x float64, p []float64) float64 { return math.Abs(p[1])*math.Exp(-x/p[0]) + p[2] },
			grad: func(x float64, p []float64, g []float64) {
				e := math.Exp(-x / p[0])
				g[0] = math.Abs(p[1]) * e * x / (p[0] * p[0])
				g[1] = sign(p[1]) * e
				g[2] = 1
			},
			starts: [][]float64{{20, 1, 0}, {200, 1, 0}, {-20, 1, 0}, {-50, 1, 0}, {-1, 1, 0}},
		}, nil
	case Complex:
		return &modelSpec{
			name:   Complex,
			names:  []string{"tau", "A", "O", "tau_osc", "B", "gamma", "nu", "tau_gs", "C"},
			hasTau: true,
			f: func(x float64, p []float64) float64 {
				return math.Abs(p[1])*math.Exp(-x/p[0]) +
					p[4]*math.Exp(-math.Pow(x/p[3], p[5]))*math.Cos(2*math.Pi*p[6]*x) +
					p[8]*math.Exp(-(x/p[7])*(x/p[7])) + p[2]
			},
			// Start vectors and bounds of mrestimator's complex model
			// (time-like values assume dt in ms), criticality.md §3.2.
			starts: [][]float64{
				{10, 0.1, 0, 300, 0.03, 1.0, 1. / 200, 10, 0.03},
				{400, 0.1, 0, 200, 0.03, 2.5, 1. / 250, 25, 0.03},
				{20, 0.1, 0.03, 100, 0.03, 1.5, 1. / 50, 10, 0.03},
				{300, 0.1, 0.03, 100, 0.03, 1.5, 1. / 50, 10, 0.03},
				{20, 0.03, 0.01, 100, 0.03, 1.0, 1. / 150, 5, 0.03},
				{20, 0.03, 0.01, 100, 0.03, 1.0, 1. / 150, 5, 0.03},
				{10, 0.05, 0.03, 300, 0.03, 1.5, 1. / 100, 5, 0.1},
				{300, 0.05, 0.03, 300, 0.03, 1.5, 1. / 100, 10, 0.1},
				{56, 0.029, 0.010, 116, 0.010, 2.0, 1. / 466, 5, 0.03},
				{56, 0.029, 0.010, 116, 0.010, 2.0, 1. / 466, 5, 0.03},
				{56, 0.029, 0.010, 116, 0.010, 2.0, 1. / 466, 5, 0.03},
				{19, 0.078, 0.044, 107, 0.017, 1.0, 1. / 478, 5, 0.1},
				{19, 0.078, 0.044, 107, 0.017, 1.0, 1. / 478, 5, 0.1},
				{10, 0.029, 0.045, 300, 0.067, 2.0, 1. / 127, 10, 0.03},
				{210, 0.029, 0.012, 50, 0.03, 1.0, 1. / 150, 10, 0.1},
				{210, 0.029, 0.012, 50, 0.03, 1.0, 1. / 150, 10, 0.1},
				{210, 0.029, 0.012, 50, 0.03, 1.0, 1. / 150, 10, 0.03},
				{210, 0.029, 0.012, 50, 0.03, 1.0, 1. / 150, 10, 0.03},
				{310, 0.029, 0.002, 50, 0.08, 1.0, 1. / 34, 5, 0.03},
				{310, 0.029, 0.002, 50, 0.08, 1.0, 1. / 34, 5, 0.03},
				{310, 0.029, 0.002, 50, 0.08, 1.0, 1. / 64, 5, 0.03},
				{310, 0.029, 0.002, 50, 0.08, 1.0, 1. / 64, 5, 0.03},
			},
			lower: []float64{5, 0, -1, 5, -5, 1. / 3, 0.002, 0, -5},
			upper: []float64{5000, 1, 1, 5000, 5, 3, 0.05, 30, 5},
		}, nil
	case TwoTimescales:
		return twoTimescalesSpec(), nil
	case Linear:
		return &modelSpec{
			name: Linear, names: []string{"A", "O"},
			f: func(x float64, p []float64) float64 { return p[0]*x + p[1] },
			grad: func(x float64, p []float64, g []float64) {
				g[0] = x
				g[1] = 1
			},
			starts: [][]float64{{1, 0}},
		}, nil
	}
	return nil, fmt.Errorf("branching: unknown fit model %q (want exp, exp_offset, complex, two_timescales or linear)", m)
}

func sign(x float64) float64 {
	if x < 0 {
		return -1
	}
	return 1
}

// DefaultQuantiles are mrestimator's bootstrap quantiles.
func DefaultQuantiles() []float64 { return []float64{0.125, 0.25, 0.4, 0.5, 0.6, 0.75, 0.875} }

// FitOptions configures Fit. nil means defaults.
type FitOptions struct {
	// Model is the fit function (default ExpOffset).
	Model Model
	// Starts overrides the model's start vectors (each of the model's length).
	Starts [][]float64
	// KMin and KMax restrict the fit to coefficients with KMin ≤ k ≤ KMax
	// (0 = no restriction).
	KMin, KMax int
	// MaxFev is the evaluation budget per start; 0 means 100·(n_par+1).
	// If no start converges, all starts are retried with 10000.
	MaxFev int
	// NumBoot is the number of coefficient bootstrap replicas to refit for
	// the uncertainty of τ and m̂. 0 means all replicas stored in the
	// CoefficientResult; negative means none (asymptotic errors only).
	NumBoot int
	// Quantiles of the bootstrap τ and m̂ to report (default DefaultQuantiles).
	Quantiles []float64
	// Progress, if non-nil, receives (replicas fitted, NumBoot).
	Progress progress.Reporter
}

// FitResult is an MR fit of r_k: the estimate, its uncertainty, and settings.
type FitResult struct {
	Model      Model
	ParamNames []string
	// Params are the best-fit parameters (popt); ParamStdErr their asymptotic
	// standard errors from s²(JᵀJ)⁻¹ (optimistic: the r_k are correlated).
	Params      []float64
	ParamStdErr []float64

	// Tau is the autocorrelation time in DtUnit; M = exp(−Dt/Tau).
	Tau, M float64
	// TauStdErr and MStdErr are the bootstrap SDs when replicas were
	// fitted, otherwise the asymptotic errors; see UncertaintyMethod.
	TauStdErr, MStdErr float64
	UncertaintyMethod  string
	// NumBootFitted is the number of replicas whose refit converged.
	NumBootFitted int
	Quantiles     []float64
	TauQuantiles  []float64
	MQuantiles    []float64

	// SSR is the sum of squared residuals; RSquared and AdjRSquared are
	// 1 − SSR/SST and 1 − (1−R²)(n−1)/(n−1−n_par).
	SSR, RSquared, AdjRSquared float64

	// Steps are the lags (bins) used; Data and Fitted the coefficients and
	// the model at those lags, for plotting.
	Steps  []int
	Data   []float64
	Fitted []float64

	Method     Method // coefficient method of the input
	Dt         float64
	DtUnit     string
	Converged  bool
	StartIndex int // index of the winning start vector (−1 if none)
	NumFev     int // evaluations used by the winning start
	// Flags lists caveats (e.g. "tau below one bin"); empty when clean.
	Flags []string
}

// Evaluate returns the fitted model at lag time x (in DtUnit).
func (r *FitResult) Evaluate(x float64) float64 {
	s, err := specFor(r.Model)
	if err != nil || r.Params == nil {
		return math.NaN()
	}
	return s.f(x, r.Params)
}

// Fit fits r_k of coef against x = k·dt with the chosen model, keeping the
// start vector with the smallest SSR (criticality.md §3.2). An unconverged
// fit returns a result with NaN estimates and Converged = false, not an
// error; errors are reserved for unusable input.
func Fit(coef *CoefficientResult, opts *FitOptions) (*FitResult, error) {
	if coef == nil {
		panic("branching: Fit with nil CoefficientResult")
	}
	var o FitOptions
	if opts != nil {
		o = *opts
	}
	if o.Model == "" {
		o.Model = ExpOffset
	}
	spec, err := specFor(o.Model)
	if err != nil {
		return nil, err
	}
	if o.Starts != nil {
		for i, s := range o.Starts {
			if len(s) != len(spec.names) {
				return nil, fmt.Errorf("branching: start %d has %d values, model %s needs %d", i, len(s), o.Model, len(spec.names))
			}
		}
		spec.starts = o.Starts
	}
	if o.Quantiles == nil {
		o.Quantiles = DefaultQuantiles()
	}
	dt := coef.Dt
	if dt == 0 {
		dt = 1
	}
	var sel []int
	for i, k := range coef.Steps {
		if (o.KMin > 0 && k < o.KMin) || (o.KMax > 0 && k > o.KMax) || math.IsNaN(coef.Coefficients[i]) {
			continue
		}
		sel = append(sel, i)
	}
	npar := len(spec.names)
	if len(sel) < npar+1 {
		return nil, fmt.Errorf("%w: %d finite coefficients in the fit range, model %s needs ≥ %d", ErrTooShort, len(sel), o.Model, npar+1)
	}
	xs := make([]float64, len(sel))
	ys := make([]float64, len(sel))
	steps := make([]int, len(sel))
	for j, i := range sel {
		steps[j] = coef.Steps[i]
		xs[j] = float64(coef.Steps[i]) * dt
		ys[j] = coef.Coefficients[i]
	}
	if spec.prepare != nil {
		if err := spec.prepare(spec, xs, ys, dt); err != nil {
			return nil, err
		}
	}
	res := &FitResult{
		Model: o.Model, ParamNames: spec.names, Steps: steps, Data: ys,
		Method: coef.Method, Dt: dt, DtUnit: coef.DtUnit, StartIndex: -1,
		Quantiles: o.Quantiles,
	}
	maxfev := o.MaxFev
	if maxfev == 0 {
		maxfev = 100 * (npar + 1)
	}
	best := bestFit(spec, xs, ys, spec.starts, maxfev)
	if best.idx < 0 {
		best = bestFit(spec, xs, ys, spec.starts, 10000)
	}
	nan := func() {
		res.Tau, res.M, res.TauStdErr, res.MStdErr = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		res.SSR, res.RSquared, res.AdjRSquared = math.NaN(), math.NaN(), math.NaN()
	}
	if best.idx < 0 {
		nan()
		res.Flags = append(res.Flags, "no start vector converged")
		return res, nil
	}
	res.Converged = true
	res.StartIndex = best.idx
	res.NumFev = best.nfev
	res.Params = best.p
	res.SSR = best.ssr
	res.Fitted = make([]float64, len(xs))
	for j, x := range xs {
		res.Fitted[j] = spec.f(x, best.p)
	}
	n := float64(len(ys))
	ybar := 0.0
	for _, y := range ys {
		ybar += y
	}
	ybar /= n
	sst := 0.0
	for _, y := range ys {
		sst += (y - ybar) * (y - ybar)
	}
	res.RSquared = 1 - best.ssr/sst
	res.AdjRSquared = math.NaN()
	if dof := n - 1 - float64(npar); dof > 0 {
		res.AdjRSquared = 1 - (1-res.RSquared)*(n-1)/dof
	}
	res.ParamStdErr = paramStdErr(spec, xs, best.p, best.ssr)
	if spec.hasTau {
		res.Tau = best.p[0]
		res.M = math.Exp(-dt / res.Tau)
		res.TauStdErr = res.ParamStdErr[0]
		res.MStdErr = res.M * dt / (res.Tau * res.Tau) * res.TauStdErr
		res.UncertaintyMethod = "asymptotic (s²(JᵀJ)⁻¹, ignores correlation between r_k)"
	} else {
		res.Tau, res.M, res.TauStdErr, res.MStdErr = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		res.UncertaintyMethod = "none (model has no timescale)"
	}

	nb := len(coef.Bootstrap)
	if o.NumBoot > 0 {
		nb = min(nb, o.NumBoot)
	} else if o.NumBoot < 0 {
		nb = 0
	}
	if spec.hasTau && nb > 0 {
		taus := make([]float64, 0, nb)
		ms := make([]float64, 0, nb)
		yb := make([]float64, len(sel))
		starts := append([][]float64{best.p}, spec.starts...)
		for b := range nb {
			for j, i := range sel {
				yb[j] = coef.Bootstrap[b][i]
			}
			if slices.ContainsFunc(yb, math.IsNaN) {
				continue
			}
			fb := bestFit(spec, xs, yb, starts[:1], maxfev)
			if fb.idx < 0 {
				fb = bestFit(spec, xs, yb, starts, maxfev)
			}
			if fb.idx >= 0 {
				taus = append(taus, fb.p[0])
				ms = append(ms, math.Exp(-dt/fb.p[0]))
			}
			progress.Report(o.Progress, int64(b+1), int64(nb))
		}
		res.NumBootFitted = len(taus)
		if len(taus) >= 2 {
			res.TauStdErr = sd(taus)
			res.MStdErr = sd(ms)
			res.UncertaintyMethod = fmt.Sprintf("bootstrap (%d of %d coefficient replicas refitted)", len(taus), nb)
			res.TauQuantiles = quantiles(taus, o.Quantiles)
			res.MQuantiles = quantiles(ms, o.Quantiles)
		}
	}
	res.Flags = fitFlags(spec, res, xs)
	return res, nil
}

// FitArrays fits coefficients given as plain slices (lags in bins, r_k) with
// bin width dt; a convenience around Fit for data from other tools.
func FitArrays(steps []int, coefficients []float64, dt float64, opts *FitOptions) (*FitResult, error) {
	if len(steps) != len(coefficients) {
		return nil, fmt.Errorf("branching: %d steps but %d coefficients", len(steps), len(coefficients))
	}
	if dt == 0 {
		dt = 1
	}
	return Fit(&CoefficientResult{Steps: steps, Coefficients: coefficients, Dt: dt, DtUnit: "ms", Method: "given"}, opts)
}

func fitFlags(spec *modelSpec, r *FitResult, xs []float64) []string {
	var flags []string
	if !spec.hasTau {
		return nil
	}
	switch {
	case r.Tau < 0:
		flags = append(flags, "negative tau: m > 1 (growing activity)")
	case r.Tau < r.Dt:
		flags = append(flags, "tau below one bin: no measurable correlation (m ≈ 0)")
	}
	rms := math.Sqrt(r.SSR / float64(len(xs)))
	if a := math.Abs(r.Params[1]); a < 1e-3 || a < 3*rms {
		flags = append(flags, "amplitude |A| below 3× residual RMS: coefficients are ≈ noise")
	}
	if r.AdjRSquared < 0.5 {
		flags = append(flags, fmt.Sprintf("poor fit: adjusted R² = %.2f", r.AdjRSquared))
	}
	if r.Tau > 0 && r.Tau > xs[len(xs)-1] {
		flags = append(flags, "tau exceeds the fit range: increase KMax (aim for 5–10 τ)")
	}
	if spec.flags != nil {
		flags = append(flags, spec.flags(spec, r, xs)...)
	}
	return flags
}

type fitOut struct {
	p    []float64
	ssr  float64
	nfev int
	idx  int
}

func bestFit(spec *modelSpec, xs, ys []float64, starts [][]float64, maxfev int) fitOut {
	best := fitOut{idx: -1, ssr: math.Inf(1)}
	for i, s := range starts {
		p, ssr, nfev, ok := levmar(spec, xs, ys, s, maxfev)
		if ok && spec.canon != nil {
			spec.canon(p)
		}
		if ok && ssr < best.ssr {
			best = fitOut{p: p, ssr: ssr, nfev: nfev, idx: i}
		}
	}
	return best
}

func ssrOf(spec *modelSpec, xs, ys, p, r []float64) float64 {
	s := 0.0
	for i, x := range xs {
		r[i] = spec.f(x, p) - ys[i]
		s += r[i] * r[i]
	}
	if math.IsNaN(s) {
		return math.Inf(1)
	}
	return s
}

func clampTo(spec *modelSpec, p []float64) {
	if spec.lower == nil {
		return
	}
	for i := range p {
		p[i] = math.Min(math.Max(p[i], spec.lower[i]), spec.upper[i])
	}
}

// jacobian fills J (row-major len(xs)×np).
func jacobian(spec *modelSpec, xs, p, J, f0 []float64) int {
	np := len(p)
	if spec.grad != nil {
		for i, x := range xs {
			spec.grad(x, p, J[i*np:(i+1)*np])
		}
		return 1
	}
	q := slices.Clone(p)
	for j := range p {
		h := 1.4901161193847656e-08 * math.Max(math.Abs(p[j]), 1e-3)
		if spec.upper != nil && p[j]+h > spec.upper[j] {
			h = -h
		}
		q[j] = p[j] + h
		for i, x := range xs {
			J[i*np+j] = (spec.f(x, q) - f0[i]) / h
		}
		q[j] = p[j]
	}
	return np
}

// levmar is a bounded (clamped) Levenberg–Marquardt least-squares solver.
// It reports convergence when the relative SSR reduction or the relative
// step falls below 1e-8 (scipy's defaults), or the gradient vanishes, within maxfev
// evaluations (Jacobians by finite differences count n_par evaluations).
func levmar(spec *modelSpec, xs, ys, p0 []float64, maxfev int) ([]float64, float64, int, bool) {
	const (
		ftol = 1e-8 // scipy's curve_fit defaults
		xtol = 1e-8
	)
	np := len(p0)
	n := len(xs)
	p := slices.Clone(p0)
	clampTo(spec, p)
	r := make([]float64, n)
	rn := make([]float64, n)
	f0 := make([]float64, n)
	J := make([]float64, n*np)
	A := make([]float64, np*np)
	M := make([]float64, np*np)
	g := make([]float64, np)
	delta := make([]float64, np)
	pn := make([]float64, np)
	ssr := ssrOf(spec, xs, ys, p, r)
	nfev := 1
	if math.IsInf(ssr, 1) {
		return nil, math.NaN(), nfev, false
	}
	lambda := 1e-3
	for nfev < maxfev {
		if ssr == 0 {
			return p, ssr, nfev, true
		}
		for i := range xs {
			f0[i] = r[i] + ys[i]
		}
		nfev += jacobian(spec, xs, p, J, f0)
		clear(A)
		clear(g)
		for i := range n {
			row := J[i*np : (i+1)*np]
			for a := range np {
				g[a] += row[a] * r[i]
				for b := a; b < np; b++ {
					A[a*np+b] += row[a] * row[b]
				}
			}
		}
		gmax := 0.0
		for a := range np {
			for b := 0; b < a; b++ {
				A[a*np+b] = A[b*np+a]
			}
			gmax = math.Max(gmax, math.Abs(g[a])*math.Sqrt(math.Max(A[a*np+a], 0)))
		}
		if gmax <= 1e-14*ssr {
			return p, ssr, nfev, true
		}
		improved := false
		for nfev < maxfev {
			copy(M, A)
			for a := range np {
				d := math.Max(A[a*np+a], 1e-12)
				M[a*np+a] += lambda * d
				delta[a] = -g[a]
			}
			if !solveInPlace(M, delta, np) {
				lambda *= 10
				if lambda > 1e20 {
					return p, ssr, nfev, true
				}
				continue
			}
			for a := range np {
				pn[a] = p[a] + delta[a]
			}
			clampTo(spec, pn)
			ssrn := ssrOf(spec, xs, ys, pn, rn)
			nfev++
			if ssrn < ssr {
				red := (ssr - ssrn) / ssr
				stepN, pN := 0.0, 0.0
				for a := range np {
					stepN += (pn[a] - p[a]) * (pn[a] - p[a])
					pN += p[a] * p[a]
				}
				copy(p, pn)
				copy(r, rn)
				ssr = ssrn
				lambda = math.Max(lambda/10, 1e-12)
				if red < ftol || math.Sqrt(stepN) < xtol*(math.Sqrt(pN)+xtol) {
					return p, ssr, nfev, true
				}
				improved = true
				break
			}
			lambda *= 10
			if lambda > 1e20 {
				// No descent direction left: a (possibly flat) minimum.
				return p, ssr, nfev, true
			}
		}
		if !improved {
			break
		}
	}
	return p, ssr, nfev, false
}

// solveInPlace solves M x = b (M n×n row-major, destroyed) by Gaussian
// elimination with partial pivoting; b is overwritten by x.
func solveInPlace(M, b []float64, n int) bool {
	for c := range n {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(M[r*n+c]) > math.Abs(M[piv*n+c]) {
				piv = r
			}
		}
		if M[piv*n+c] == 0 || math.IsNaN(M[piv*n+c]) {
			return false
		}
		if piv != c {
			for k := range n {
				M[c*n+k], M[piv*n+k] = M[piv*n+k], M[c*n+k]
			}
			b[c], b[piv] = b[piv], b[c]
		}
		for r := c + 1; r < n; r++ {
			f := M[r*n+c] / M[c*n+c]
			for k := c; k < n; k++ {
				M[r*n+k] -= f * M[c*n+k]
			}
			b[r] -= f * b[c]
		}
	}
	for c := n - 1; c >= 0; c-- {
		s := b[c]
		for k := c + 1; k < n; k++ {
			s -= M[c*n+k] * b[k]
		}
		b[c] = s / M[c*n+c]
	}
	return true
}

// paramStdErr returns sqrt(diag(s²(JᵀJ)⁻¹)), s² = SSR/(n − n_par).
func paramStdErr(spec *modelSpec, xs, p []float64, ssr float64) []float64 {
	np := len(p)
	n := len(xs)
	out := make([]float64, np)
	if n <= np {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	f0 := make([]float64, n)
	for i, x := range xs {
		f0[i] = spec.f(x, p)
	}
	J := make([]float64, n*np)
	jacobian(spec, xs, p, J, f0)
	A := make([]float64, np*np)
	for i := range n {
		row := J[i*np : (i+1)*np]
		for a := range np {
			for b := range np {
				A[a*np+b] += row[a] * row[b]
			}
		}
	}
	s2 := ssr / float64(n-np)
	for j := range np {
		M := slices.Clone(A)
		e := make([]float64, np)
		e[j] = 1
		if !solveInPlace(M, e, np) || e[j] < 0 {
			out[j] = math.NaN()
			continue
		}
		out[j] = math.Sqrt(s2 * e[j])
	}
	return out
}

func sd(x []float64) float64 {
	m, m2 := 0.0, 0.0
	for _, v := range x {
		m += v
		m2 += v * v
	}
	n := float64(len(x))
	m /= n
	return math.Sqrt(math.Max(m2/n-m*m, 0))
}

// quantiles returns linear-interpolated quantiles (numpy's default rule).
func quantiles(x, qs []float64) []float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	out := make([]float64, len(qs))
	for i, q := range qs {
		pos := q * float64(len(s)-1)
		lo := int(math.Floor(pos))
		hi := min(lo+1, len(s)-1)
		out[i] = s[lo] + (pos-float64(lo))*(s[hi]-s[lo])
	}
	return out
}
