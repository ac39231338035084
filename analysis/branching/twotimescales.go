package branching

import (
	"fmt"
	"math"
)

// The two_timescales model r = |A1| e^{−x/τ1} + |A2| e^{−x/τ2}.
//
// criticality.md §3.2 gives only the formula and the reporting rule
// (τ̂ = the timescale of the component with the larger |A|). It specifies no
// start vectors and no bounds, and mrestimator has no such model to copy, so
// the following are our choice:
//
//   - Bounds, from the fitted lags x = k·dt: τ1, τ2 ∈ [dt, 10·x_max]. A
//     component faster than one bin is not a measurable correlation (the
//     same limit as the "tau below one bin" flag), and one slower than ten
//     times the longest fitted lag varies by < 10 % over the fit range, i.e.
//     is an offset. A1, A2 ∈ [0, A_max], A_max = max(1, 2·max_k |r_k|):
//     at least 1, the bound mrestimator's complex model puts on A (r_k of
//     a stationary process is a correlation), and at least twice the
//     largest |r_k| so that coefficients on another scale (e.g. FitArrays
//     of unnormalised data) stay representable. The model uses |A|, so the
//     lower bound 0 loses nothing; it also rules out the cancelling pairs
//     (A1 ≈ −A2, τ1 ≈ τ2) that make the unconstrained problem ill-posed.
//   - Starts: an exp fit (its five mrestimator starts) of the same data gives
//     (τ0, A0), a single-timescale compromise between the two components.
//     Around it we place pairs τ_fast < τ_slow with ratios
//     ρ = τ_slow/τ_fast ∈ {3, 10, 30, 100} in three positions each — centred
//     (τ0/√ρ, τ0·√ρ), τ0 as the fast one (τ0, ρ·τ0) and τ0 as the slow one
//     (τ0/ρ, τ0) — with A0/2 each: 12 starts, clamped to the bounds. If the
//     exp fit fails or leaves the bounds, τ0 = √(dt·10·x_max) and A0 = |r| at
//     the first fitted lag. FitOptions.Starts replaces the 12 starts (the
//     bounds still apply).
//
// After every fit the components are put in canonical order: amplitudes as
// |A| and component 1 the one with the larger amplitude (ties: the faster
// one), so Params[0] is the reported τ and the bootstrap refits report the
// same quantity. Near-equal amplitudes make that choice fragile; a flag says
// so.
func twoTimescalesSpec() *modelSpec {
	return &modelSpec{
		name:   TwoTimescales,
		names:  []string{"tau1", "A1", "tau2", "A2"},
		hasTau: true,
		f: func(x float64, p []float64) float64 {
			return math.Abs(p[1])*math.Exp(-x/p[0]) + math.Abs(p[3])*math.Exp(-x/p[2])
		},
		grad: func(x float64, p []float64, g []float64) {
			e1 := math.Exp(-x / p[0])
			e2 := math.Exp(-x / p[2])
			g[0] = math.Abs(p[1]) * e1 * x / (p[0] * p[0])
			g[1] = sign(p[1]) * e1
			g[2] = math.Abs(p[3]) * e2 * x / (p[2] * p[2])
			g[3] = sign(p[3]) * e2
		},
		prepare: prepareTwoTimescales,
		canon:   canonTwoTimescales,
		flags:   flagsTwoTimescales,
	}
}

// twoTimescalesRatios are the τ_slow/τ_fast ratios of the start grid.
var twoTimescalesRatios = []float64{3, 10, 30, 100}

func prepareTwoTimescales(s *modelSpec, xs, ys []float64, dt float64) error {
	xmin, xmax := math.Inf(1), math.Inf(-1)
	rmax := 0.0
	for i, x := range xs {
		xmin = math.Min(xmin, x)
		xmax = math.Max(xmax, x)
		if math.IsInf(ys[i], 0) {
			return fmt.Errorf("%w: coefficient r_%g is infinite", ErrNonFinite, x/dt)
		}
		rmax = math.Max(rmax, math.Abs(ys[i]))
	}
	if !(dt > 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("branching: two_timescales needs a positive finite bin width, got dt = %v", dt)
	}
	if !(xmin > 0) {
		return fmt.Errorf("branching: two_timescales needs positive lags k ≥ 1, got k = %g", xmin/dt)
	}
	tauLo, tauHi := dt, 10*xmax
	aMax := math.Max(1, 2*rmax)
	s.lower = []float64{tauLo, 0, tauLo, 0}
	s.upper = []float64{tauHi, aMax, tauHi, aMax}
	if s.starts != nil {
		return nil
	}

	tau0, a0 := math.NaN(), math.NaN()
	if e, err := specFor(Exp); err == nil {
		fe := bestFit(e, xs, ys, e.starts, 300)
		if fe.idx >= 0 {
			tau0, a0 = fe.p[0], math.Abs(fe.p[1])
		}
	}
	if !(tau0 >= tauLo && tau0 <= tauHi) || !(a0 > 0) {
		tau0 = math.Sqrt(tauLo * tauHi)
		first := 0
		for i, x := range xs {
			if x < xs[first] {
				first = i
			}
		}
		a0 = math.Abs(ys[first])
	}
	a0 = math.Min(math.Max(a0, 1e-3), aMax)
	for _, rho := range twoTimescalesRatios {
		sq := math.Sqrt(rho)
		for _, pair := range [][2]float64{{tau0 / sq, tau0 * sq}, {tau0, tau0 * rho}, {tau0 / rho, tau0}} {
			p := []float64{pair[0], a0 / 2, pair[1], a0 / 2}
			clampTo(s, p)
			s.starts = append(s.starts, p)
		}
	}
	return nil
}

// canonTwoTimescales folds the signs of the amplitudes and puts the
// component with the larger |A| (ties: the smaller τ) first.
func canonTwoTimescales(p []float64) {
	p[1], p[3] = math.Abs(p[1]), math.Abs(p[3])
	if p[3] > p[1] || (p[3] == p[1] && p[2] < p[0]) {
		p[0], p[1], p[2], p[3] = p[2], p[3], p[0], p[1]
	}
}

// flagsTwoTimescales names the caveats specific to two components: the
// minor component not resolved, components not separated, a timescale at
// a bound, a fragile choice of the reported component, and a slow
// timescale beyond the fit range.
func flagsTwoTimescales(s *modelSpec, r *FitResult, xs []float64) []string {
	var flags []string
	tau1, a1, tau2, a2 := r.Params[0], r.Params[1], r.Params[2], r.Params[3]
	xmin, xmax := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		xmin = math.Min(xmin, x)
		xmax = math.Max(xmax, x)
	}
	rms := math.Sqrt(r.SSR / float64(len(xs)))
	if c := a2 * math.Exp(-xmin/tau2); c < 1e-3 || c < 3*rms {
		flags = append(flags, "second component below 3× residual RMS at the first lag: data consistent with one timescale")
	} else if math.Max(tau1, tau2) < 1.5*math.Min(tau1, tau2) {
		flags = append(flags, "timescales within a factor 1.5: components not separated")
	}
	if a2 > 0.9*a1 {
		flags = append(flags, "amplitudes within 10 %: which τ is reported (larger |A|) is fragile")
	}
	for i, tau := range []float64{tau1, tau2} {
		switch {
		case tau <= s.lower[2*i]*(1+1e-6):
			flags = append(flags, fmt.Sprintf("tau%d at its lower bound (one bin)", i+1))
		case tau >= s.upper[2*i]*(1-1e-6):
			flags = append(flags, fmt.Sprintf("tau%d at its upper bound (10× the largest lag): acts as an offset", i+1))
		}
	}
	if tau2 > xmax && tau1 <= xmax {
		flags = append(flags, "tau2 exceeds the fit range: increase KMax (aim for 5–10 τ2)")
	}
	return flags
}
