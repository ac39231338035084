package powerlaw

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// Distribution names a candidate tail distribution.
type Distribution string

const (
	PowerLaw             Distribution = "power_law"
	TruncatedPowerLaw    Distribution = "truncated_power_law"
	Exponential          Distribution = "exponential"
	Lognormal            Distribution = "lognormal"
	StretchedExponential Distribution = "stretched_exponential"
)

// Alternatives lists the distributions Compare accepts.
func Alternatives() []Distribution {
	return []Distribution{TruncatedPowerLaw, Exponential, Lognormal, StretchedExponential}
}

// AltFit is a maximum-likelihood fit of a distribution on the same tail
// x ≥ XMin as a power-law Result.
//
// Continuous densities (x ≥ x_min):
//
//	truncated_power_law  C x^{−α} e^{−λx}, C = λ^{1−α}/Γ(1−α, λ x_min)
//	exponential          λ e^{−λ(x−x_min)}
//	lognormal            N(ln x; μ, σ)/x, renormalised to x ≥ x_min
//	stretched_exponential β λ^β x^{β−1} e^{(λ x_min)^β − (λx)^β}
//
// Discrete versions: truncated power law x^{−α}e^{−λx}/Σ_{k≥x_min} k^{−α}e^{−λk};
// the others are the continuous survival function S discretised as
// p(x) = (S(x) − S(x+1))/S(x_min) (geometric for the exponential).
//
// Parameters are found by Nelder–Mead on (μ, ln σ), (ln λ, ln β) and
// (α, ln λ) from several starts (closed form for the exponential). The
// stretched exponential is restricted to 1e-8 ≤ λ·x_min ≤ 1e8 and
// 1e-3 ≤ β ≤ 20: without bounds its MLE can run into the β → 0, λ → ∞ limit
// in which it becomes a power law itself. The lognormal is unbounded, so μ
// may be very negative (the power-law limit of a lognormal tail).
type AltFit struct {
	Distribution Distribution
	ParamNames   []string
	Params       []float64
	// LogLikelihood is Σ ln p(x_i) over the tail.
	LogLikelihood float64
	XMin          float64
	Discrete      bool
	NTail         int
	Converged     bool

	logpdf func(x float64) float64
}

// LogPDF returns ln p(x) of the fitted distribution (x ≥ XMin).
func (a *AltFit) LogPDF(x float64) float64 { return a.logpdf(x) }

// family builds the log-likelihood of a parameterisation θ (unconstrained).
type family struct {
	names  []string
	starts [][]float64
	decode func(theta []float64) []float64
	// logpdfFor returns ln p(·) for natural parameters p, or nil if invalid.
	logpdfFor func(p []float64) func(x float64) float64
}

// FitAlternative fits dist by maximum likelihood to the tail of r.
func FitAlternative(r *Result, dist Distribution) (*AltFit, error) {
	if r == nil || len(r.tail) < 2 {
		return nil, fmt.Errorf("%w: alternative fit needs a power-law Result with a tail", ErrTooFew)
	}
	tail, xmin, disc := r.tail, r.XMin, r.Discrete
	n := float64(len(tail))
	out := &AltFit{Distribution: dist, XMin: xmin, Discrete: disc, NTail: len(tail)}
	if dist == PowerLaw {
		rr := *r
		out.ParamNames, out.Params = []string{"alpha"}, []float64{r.Alpha}
		out.logpdf = func(x float64) float64 { return rr.logPDFs([]float64{x})[0] }
		out.LogLikelihood = sumSlice(r.logPDFs(tail))
		out.Converged = true
		return out, nil
	}
	if dist == Exponential {
		// Closed-form MLE.
		mu := 0.0
		for _, v := range tail {
			mu += v - xmin
		}
		mu /= n
		if mu <= 0 {
			return nil, ErrNoVariation
		}
		var lam float64
		var f func(float64) float64
		if disc {
			lam = math.Log1p(1 / mu)
			c := math.Log(-math.Expm1(-lam))
			f = func(x float64) float64 { return c - lam*(x-xmin) }
		} else {
			lam = 1 / mu
			c := math.Log(lam)
			f = func(x float64) float64 { return c - lam*(x-xmin) }
		}
		out.ParamNames, out.Params, out.logpdf, out.Converged = []string{"lambda"}, []float64{lam}, f, true
		out.LogLikelihood = sumLL(tail, f)
		return out, nil
	}
	fam, err := familyFor(dist, r)
	if err != nil {
		return nil, err
	}
	negLL := func(theta []float64) float64 {
		f := fam.logpdfFor(fam.decode(theta))
		if f == nil {
			return math.Inf(1)
		}
		ll := sumLL(tail, f)
		if math.IsNaN(ll) {
			return math.Inf(1)
		}
		return -ll
	}
	bestF := math.Inf(1)
	var bestTheta []float64
	for _, s := range fam.starts {
		if math.IsInf(negLL(s), 1) {
			continue
		}
		res, err := optimize.Minimize(optimize.Problem{Func: negLL}, s, &optimize.Settings{MajorIterations: 1000}, &optimize.NelderMead{})
		if res == nil {
			continue
		}
		_ = err // a non-nil error with a result means an iteration limit; keep the best point
		if res.F < bestF {
			bestF, bestTheta = res.F, res.X
		}
	}
	if bestTheta == nil {
		out.Params = []float64{math.NaN(), math.NaN()}
		out.ParamNames = fam.names
		out.LogLikelihood = math.NaN()
		out.logpdf = func(float64) float64 { return math.NaN() }
		return out, nil
	}
	p := fam.decode(bestTheta)
	out.ParamNames, out.Params, out.Converged = fam.names, p, true
	out.logpdf = fam.logpdfFor(p)
	out.LogLikelihood = -bestF
	return out, nil
}

func sumLL(tail []float64, f func(float64) float64) float64 {
	s := 0.0
	for _, v := range tail {
		s += f(v)
	}
	return s
}

func familyFor(dist Distribution, r *Result) (*family, error) {
	tail, xmin, disc := r.tail, r.XMin, r.Discrete
	n := float64(len(tail))
	var ml, ml2, mx float64
	for _, v := range tail {
		l := math.Log(v)
		ml += l
		ml2 += l * l
		mx += v
	}
	ml /= n
	mx /= n
	sl := math.Sqrt(math.Max(ml2/n-ml*ml, 1e-6))
	switch dist {
	case Lognormal:
		return &family{
			names:  []string{"mu", "sigma"},
			starts: [][]float64{{ml, math.Log(sl)}, {math.Log(xmin), math.Log(2 * sl)}, {ml - 2*sl, math.Log(sl)}},
			decode: func(t []float64) []float64 { return []float64{t[0], math.Exp(t[1])} },
			logpdfFor: func(p []float64) func(float64) float64 {
				mu, sig := p[0], p[1]
				if !(sig > 0) || math.IsInf(sig, 0) {
					return nil
				}
				lnS := func(x float64) float64 { return lnNormalSurvival((math.Log(x) - mu) / sig) }
				lsx := lnS(xmin)
				if math.IsInf(lsx, -1) {
					return nil
				}
				if disc {
					return func(x float64) float64 { return logDiffExp(lnS(x), lnS(x+1)) - lsx }
				}
				c := -math.Log(sig) - 0.5*math.Log(2*math.Pi) - lsx
				return func(x float64) float64 {
					z := (math.Log(x) - mu) / sig
					return c - math.Log(x) - z*z/2
				}
			},
		}, nil
	case StretchedExponential:
		return &family{
			names:  []string{"lambda", "beta"},
			starts: [][]float64{{-math.Log(mx), math.Log(0.5)}, {-math.Log(mx), 0}, {-math.Log(xmin), math.Log(0.2)}},
			decode: func(t []float64) []float64 { return []float64{math.Exp(t[0]), math.Exp(t[1])} },
			logpdfFor: func(p []float64) func(float64) float64 {
				lam, beta := p[0], p[1]
				// Bounds (documented on AltFit): 1e-8 ≤ λ·x_min ≤ 1e8 and
				// 1e-3 ≤ β ≤ 20 keep the fit away from the degenerate
				// β → 0, λ → ∞ limit in which it mimics a power law.
				if !(lam*xmin >= 1e-8 && lam*xmin <= 1e8) || !(beta >= 1e-3 && beta <= 20) {
					return nil
				}
				s0 := math.Pow(lam*xmin, beta)
				if disc {
					return func(x float64) float64 {
						return logDiffExp(-math.Pow(lam*x, beta), -math.Pow(lam*(x+1), beta)) + s0
					}
				}
				c := math.Log(beta) + beta*math.Log(lam) + s0
				return func(x float64) float64 { return c + (beta-1)*math.Log(x) - math.Pow(lam*x, beta) }
			},
		}, nil
	case TruncatedPowerLaw:
		a0 := r.Alpha
		return &family{
			names: []string{"alpha", "lambda"},
			starts: [][]float64{
				{a0, math.Log(1e-3 / xmin)}, {a0, math.Log(1e-6 / xmin)}, {a0 - 0.2, math.Log(0.1 / mx)},
				{a0, math.Log(1 / mx)},
			},
			decode: func(t []float64) []float64 { return []float64{t[0], math.Exp(t[1])} },
			logpdfFor: func(p []float64) func(float64) float64 {
				a, lam := p[0], p[1]
				if !(lam > 0) || math.IsInf(lam, 0) || math.IsNaN(a) {
					return nil
				}
				var lnZ float64
				if disc {
					lnZ = lnTruncatedZeta(a, lam, xmin)
				} else {
					lnZ = lnUpperGamma(1-a, lam*xmin) - (1-a)*math.Log(lam)
				}
				if math.IsNaN(lnZ) || math.IsInf(lnZ, 0) {
					return nil
				}
				return func(x float64) float64 { return -a*math.Log(x) - lam*x - lnZ }
			},
		}, nil
	}
	return nil, fmt.Errorf("powerlaw: unknown distribution %q", dist)
}

// lnTruncatedZeta returns ln Σ_{k ≥ xmin} k^{−α} e^{−λk}: explicit terms up
// to K = xmin + 2000, then the Euler–Maclaurin tail ∫_K^∞ + f(K)/2 − f′(K)/12.
func lnTruncatedZeta(a, lam, xmin float64) float64 {
	const terms = 2000
	f := func(k float64) float64 { return math.Exp(-a*math.Log(k) - lam*k) }
	s := 0.0
	k := xmin
	for range terms {
		s += f(k)
		k++
	}
	fk := f(k)
	integral := math.Exp((a-1)*math.Log(lam) + lnUpperGamma(1-a, lam*k))
	s += integral + fk/2 + fk*(a/k+lam)/12
	return math.Log(s)
}

// Comparison is a log-likelihood-ratio test of the power law against an
// alternative on the same tail (criticality.md §5.3).
type Comparison struct {
	Alternative Distribution
	// R = Σ_i [ln p_powerlaw(x_i) − ln p_alt(x_i)]; R > 0 favours the power
	// law, R < 0 the alternative. Only trust the sign when P < 0.1.
	R float64
	// NormalizedR is R/(√n σ_ℓ) (Vuong); NaN for the nested test.
	NormalizedR float64
	// P is the significance of the sign of R: Vuong's erfc(|R|/√(2nσ_ℓ²))
	// for non-nested alternatives, 1 − χ²₁.cdf(2|R|) for the nested
	// truncated power law.
	P      float64
	Nested bool
	Method string
	// Favoured is "power_law", the alternative, or "" (undecided, P ≥ 0.1).
	Favoured string
	Alt      *AltFit
}

// Compare fits alt to the tail of r and tests it against the power law.
func Compare(r *Result, alt Distribution) (*Comparison, error) {
	a, err := FitAlternative(r, alt)
	if err != nil {
		return nil, err
	}
	if !a.Converged {
		return nil, fmt.Errorf("powerlaw: %s fit did not converge", alt)
	}
	l1 := r.logPDFs(r.tail)
	l2 := make([]float64, len(r.tail))
	for i, v := range r.tail {
		l2[i] = a.LogPDF(v)
	}
	nested := alt == TruncatedPowerLaw
	R, norm, p := LikelihoodRatio(l1, l2, nested)
	c := &Comparison{Alternative: alt, R: R, NormalizedR: norm, P: p, Nested: nested, Alt: a}
	if nested {
		c.Method = "nested likelihood ratio, p = 1 − χ²₁.cdf(2|R|)"
	} else {
		c.Method = "Vuong test, p = erfc(|R|/√(2nσ²))"
	}
	if p < 0.1 {
		if R > 0 {
			c.Favoured = string(PowerLaw)
		} else {
			c.Favoured = string(alt)
		}
	}
	return c, nil
}

// LikelihoodRatio returns R = Σ(l1 − l2), the normalised ratio R/(√n σ)
// and the p value of the sign of R (nested: 1 − χ²₁.cdf(2|R|); otherwise
// Vuong's erfc(|R|/√(2nσ²)), σ² the population variance of l1 − l2).
// −Inf log-likelihoods are replaced by ln(2^−1022) first, as in powerlaw.
func LikelihoodRatio(l1, l2 []float64, nested bool) (R, normalized, p float64) {
	if len(l1) != len(l2) {
		panic("powerlaw: LikelihoodRatio length mismatch")
	}
	floor := -1022 * math.Ln2
	n := float64(len(l1))
	d := make([]float64, len(l1))
	mean := 0.0
	for i := range l1 {
		a, b := math.Max(l1[i], floor), math.Max(l2[i], floor)
		d[i] = a - b
		R += d[i]
	}
	mean = R / n
	v := 0.0
	for _, x := range d {
		v += (x - mean) * (x - mean)
	}
	v /= n
	if nested {
		return R, math.NaN(), math.Erfc(math.Sqrt(math.Abs(R)))
	}
	if v == 0 {
		return R, math.NaN(), math.NaN()
	}
	return R, R / math.Sqrt(n*v), math.Erfc(math.Abs(R) / math.Sqrt(2*n*v))
}
