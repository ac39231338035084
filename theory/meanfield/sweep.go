package meanfield

import (
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
	Converged  bool    `json:"converged"`
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
		c, err := Capacity(tf, r, &o)
		out[i] = SweepPoint{Param: values[i], AlphaC: c.AlphaC, AlphaCScan: c.AlphaCScan, MAtAlphaC: c.MAtAlphaC,
			Converged: c.Converged && err == nil}
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
// in parallel and deterministically. Points that fail carry
// Converged = false; their errors are joined into the returned error.
func OverlapCurve(tf ratefn.Transfer, rule ratefn.Rule, alphas []float64, opts *Options) ([]Result, error) {
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
		t, err := s.traceK(false)
		if err == nil {
			_, err = s.retrievalEnd(t)
		}
		if err != nil {
			return nil, fmt.Errorf("meanfield: overlap curve: %w", err)
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
			return nil, fmt.Errorf("meanfield: overlap curve: %w", err)
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
