package meanfield

import (
	"errors"
	"fmt"
	"math"

	"github.com/engramsim/engram/ratefn"
)

// SweepPoint is one point of a capacity sweep.
type SweepPoint struct {
	// Param is the swept value (β_g in 1/Hz, x_g in Hz, A, …).
	Param float64 `json:"param"`
	// AlphaC (branch maximum), AlphaCScan (original scan-stop rule) and
	// MAtAlphaC as in CapacityResult.
	AlphaC     float64 `json:"alpha_c"`
	AlphaCScan float64 `json:"alpha_c_scan"`
	MAtAlphaC  float64 `json:"m_at_alpha_c"`
	// Crossover and Warning (FiniteK only) as in CapacityResult: AlphaC is
	// the crossover (the finite-K curve has no maximum of α), and why the
	// fields beyond α_c (AlphaCScan) were not computed.
	Crossover bool   `json:"crossover,omitempty"`
	Warning   string `json:"warning,omitempty"`
	Converged bool   `json:"converged"`
	// Err is the error text of a failed point (e.g. a g that cannot be
	// centred), empty otherwise.
	Err string `json:"error,omitempty"`
}

// CapacitySweep computes Capacity for rule modified by set(&rule, v) for
// every v in values, in parallel on Options.Workers goroutines; each point
// is independent and written by index, so the output does not depend on the
// worker count. A failing point is returned with Converged = false and its
// error text; the call itself fails only on invalid options.
func CapacitySweep(tf ratefn.Transfer, rule ratefn.Rule, values []float64, set func(r *ratefn.Rule, v float64), opts *Options) ([]SweepPoint, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	out := make([]SweepPoint, len(values))
	parallel(len(values), o.Workers, o.Progress, func(i int) {
		r := rule
		set(&r, values[i])
		// The caller's options, not the resolved o: resolving turns
		// ScanAuto into ScanLiteral on the original grid, which Capacity
		// refuses with FiniteK, where ScanAuto means ScanFold.
		c, err := Capacity(tf, r, opts)
		out[i] = SweepPoint{Param: values[i], AlphaC: c.AlphaC, AlphaCScan: c.AlphaCScan, MAtAlphaC: c.MAtAlphaC,
			Crossover: c.Crossover, Warning: c.Warning, Converged: c.Converged && err == nil}
		if err != nil {
			out[i].Err = err.Error()
		}
	})
	return out, nil
}

// SweepBetaG is α_c vs β_g (Fig 4B; spec R5), other parameters from rule.
func SweepBetaG(tf ratefn.Transfer, rule ratefn.Rule, betaG []float64, opts *Options) ([]SweepPoint, error) {
	return CapacitySweep(tf, rule, betaG, func(r *ratefn.Rule, v float64) { r.G.BetaPerHz = v }, opts)
}

// SweepXG is α_c vs x_g in Hz (Fig 4C; spec R6).
func SweepXG(tf ratefn.Transfer, rule ratefn.Rule, xG []float64, opts *Options) ([]SweepPoint, error) {
	return CapacitySweep(tf, rule, xG, func(r *ratefn.Rule, v float64) { r.G.XHz = v }, opts)
}

// SweepA is α_c vs the amplitude A.
func SweepA(tf ratefn.Transfer, rule ratefn.Rule, a []float64, opts *Options) ([]SweepPoint, error) {
	return CapacitySweep(tf, rule, a, func(r *ratefn.Rule, v float64) { r.A = v }, opts)
}

// OverlapCurve solves the static MFT at every α (the Fig 6C line; spec R7),
// in parallel and deterministically. Only invalid input returns no points:
// otherwise there is one Result per α, and points that fail carry
// Converged = false, the error naming the first of them. If the retrieval
// branch (with FiniteK, the finite-K curve) cannot be traced, every point
// carries its background state with no retrieval state and
// Converged = false, and the error is the trace failure.
func OverlapCurve(tf ratefn.Transfer, rule ratefn.Rule, alphas []float64, opts *Options) ([]Result, error) {
	return overlapCurve(tf, rule, alphas, opts, nil)
}

// overlapCurve is OverlapCurve; tweak, if non-nil, adjusts the tracing
// solver (tests).
func overlapCurve(tf ratefn.Transfer, rule ratefn.Rule, alphas []float64, opts *Options, tweak func(*solver)) ([]Result, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	for _, a := range alphas {
		if !(a > 0) || math.IsInf(a, 0) {
			return nil, fmt.Errorf("meanfield: α = %v must be a finite number > 0", a)
		}
	}
	out := make([]Result, len(alphas))
	errs := make([]error, len(alphas))
	if o.FiniteK > 0 {
		// Trace the finite-K curve once, locate the end of its retrieval
		// part, then invert α(q) at every α.
		s, err := newSolver(tf, rule, &o)
		if err != nil {
			return nil, err
		}
		if tweak != nil {
			tweak(s)
		}
		t, err := s.traceK(false)
		if err == nil {
			_, err = s.retrievalEnd(t)
		}
		if err != nil {
			return backgroundOnly(s, alphas, fmt.Errorf("meanfield: overlap curve: %w", err))
		}
		parallel(len(alphas), o.Workers, o.Progress, func(i int) {
			sc := &solver{m: s.m, o: s.o}
			out[i], errs[i] = sc.solveOnCurveK(alphas[i], t)
		})
	} else {
		// Trace the branch once, then invert α(Δ) at every α.
		s, err := newSolver(tf, rule, &o)
		if err != nil {
			return nil, err
		}
		tr, err := s.traceBranch(0, nil)
		if err != nil {
			return backgroundOnly(s, alphas, fmt.Errorf("meanfield: overlap curve: %w", err))
		}
		var pk branchPeak
		s.peak(0, tr, &pk)
		parallel(len(alphas), o.Workers, o.Progress, func(i int) {
			sc := &solver{m: s.m, o: s.o}
			out[i], errs[i] = sc.solveOnBranch(alphas[i], tr, &pk)
		})
	}
	for i, e := range errs {
		if e != nil {
			return out, fmt.Errorf("meanfield: overlap curve at α = %v: %w", alphas[i], e)
		}
	}
	return out, nil
}

// backgroundOnly is OverlapCurve after the retrieval branch could not be
// traced (traceErr): every point carries its background state, no
// retrieval state (Exists = false, repeating the background) and
// Converged = false. The error is traceErr, joined with the first
// background failure if any.
func backgroundOnly(s *solver, alphas []float64, traceErr error) ([]Result, error) {
	out := make([]Result, len(alphas))
	errs := make([]error, len(alphas))
	parallel(len(alphas), s.o.Workers, s.o.Progress, func(i int) {
		sc := &solver{m: s.m, o: s.o}
		res := Result{Alpha: alphas[i], Gamma: s.m.stats.Gamma, EG2: s.m.stats.EG2, Settings: s.o.settings(s.m)}
		bg, err := sc.background(alphas[i])
		out[i], errs[i] = sc.assemble(res, bg, State{Converged: false}, err, nil)
	})
	for i, e := range errs {
		if e != nil {
			return out, errors.Join(traceErr, fmt.Errorf("meanfield: overlap curve at α = %v: %w", alphas[i], e))
		}
	}
	return out, traceErr
}

// Logspace returns n values 10^(lo + k(hi−lo)/(n−1)), k = 0…n−1 (the β_g grid
// of Fig 4B is Logspace(−2, 2, 200)).
func Logspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for k := range out {
		if n == 1 {
			out[k] = math.Pow(10, lo)
			continue
		}
		out[k] = math.Pow(10, lo+float64(k)*(hi-lo)/float64(n-1))
	}
	return out
}
