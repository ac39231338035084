package meanfield

import (
	"errors"
	"math"
)

// residual evaluates R(q) = T(q) − q and R′(q) for the overlap map T at a
// fixed noise variance.
type residual func(q float64) (r, dr float64)

// rootTol is the relative tolerance on q of the upper-root solver.
const rootTol = 1e-12

// errNoConv reports an iteration cap reached in a root or extremum search.
var errNoConv = errors.New("meanfield: iteration cap reached")

// upperRoot returns the largest root of R with R′ < 0 there (the stable
// retrieval solution of q = T(q), the one fixed-point iteration from a large
// q converges to), starting the search at q0 > 0. The structure used is that
// of the overlap equation: R(0) = 0, R < 0 just above 0, then possibly a
// hump with R > 0 between the unstable middle root and the stable upper
// root, and R < 0 for large q because T is bounded. found is false when no
// such root exists at or above qFloor (the hump maximum is ≤ 0, or the
// iterates fall below qFloor).
func upperRoot(R residual, q0, qFloor float64) (q float64, found bool, err error) {
	const maxIter = 300
	q = q0
	r, dr := R(q)
	if math.IsNaN(r) || math.IsNaN(dr) {
		return q, false, errors.New("meanfield: NaN in the overlap equation")
	}
	// Bracket [lo, hi] with R(lo) > 0 > R(hi), filled in below.
	var lo, hi float64
	bracketed := false
	switch {
	case r == 0 && dr < 0:
		return q, q >= qFloor, nil
	case r > 0:
		// Below the upper root: climb until R < 0.
		lo = q
		for it := 0; ; it++ {
			if it == maxIter {
				return q, false, errNoConv
			}
			var qn float64
			if dr < 0 {
				qn = q - 2*r/dr // deliberately overshoot to bracket quickly
			} else {
				qn = q + 2*r + 0.5*q
			}
			rn, drn := R(qn)
			if rn < 0 {
				hi, bracketed = qn, true
				break
			}
			lo, q, r, dr = qn, qn, rn, drn
		}
	default:
		// r ≤ 0. If R′ ≥ 0 we are left of the hump (or there is none):
		// look upward for a point right of the hump first.
		if dr >= 0 {
			qa := q
			moved := false
			for k := 0; k < 8; k++ {
				qa = 2*qa + 1
				ra, dra := R(qa)
				if ra > 0 {
					// The upper root lies above qa: restart from there.
					return upperRoot(R, qa, qFloor)
				}
				if dra < 0 {
					q, r, dr, moved = qa, ra, dra, true
					break
				}
			}
			if !moved {
				return q, false, nil
			}
		}
		// Descend from the right by Newton; on a concave R this is monotone.
		// prevStep detects the linear convergence of a double root (fold).
		prevStep := math.Inf(1)
		for it := 0; ; it++ {
			if it == maxIter {
				return q, false, errNoConv
			}
			step := -r / dr // < 0
			if math.Abs(step) <= rootTol*(1+math.Abs(q)) {
				return q, q >= qFloor, nil
			}
			if math.Abs(step) > 0.4*math.Abs(prevStep) {
				step *= 2 // near a double root: jump past it to decide
			}
			prevStep = step
			qn := q + step
			if qn < 0.5*q {
				qn = 0.5 * q
			}
			rn, drn := R(qn)
			if rn > 0 {
				lo, hi, bracketed = qn, q, true
				break
			}
			if drn >= 0 {
				// Passed the hump maximum without R > 0: locate the maximum
				// in [qn, q] and test its sign.
				qm, rm, err := humpMax(R, qn, q)
				if err != nil {
					return q, false, err
				}
				if rm <= 0 {
					return qm, false, nil
				}
				lo, hi, bracketed = qm, q, true
				break
			}
			q, r, dr = qn, rn, drn
			if q < qFloor {
				return q, false, nil
			}
		}
	}
	if !bracketed {
		return q, false, errNoConv
	}
	q, err = bracketRoot(R, lo, hi)
	return q, err == nil && q >= qFloor, err
}

// bracketRoot solves R(q) = 0 on [lo, hi] with R(lo) > 0 > R(hi) by Newton
// steps safeguarded by bisection.
func bracketRoot(R residual, lo, hi float64) (float64, error) {
	q := 0.5 * (lo + hi)
	for it := 0; it < 200; it++ {
		r, dr := R(q)
		if r > 0 {
			lo = q
		} else {
			hi = q
		}
		qn := q - r/dr
		if dr == 0 || !(qn > lo && qn < hi) {
			qn = 0.5 * (lo + hi)
		}
		if math.Abs(qn-q) <= rootTol*(1+math.Abs(q)) || hi-lo <= rootTol*(1+math.Abs(q)) {
			return qn, nil
		}
		q = qn
	}
	return q, errNoConv
}

// humpMax finds the maximum of R on [a, b] given R′(a) ≥ 0 ≥ R′(b), by the
// Illinois variant of regula falsi on R′.
func humpMax(R residual, a, b float64) (qm, rm float64, err error) {
	ra, da := R(a)
	rb, db := R(b)
	if da <= 0 {
		return a, ra, nil
	}
	if db >= 0 {
		return b, rb, nil
	}
	side := 0
	for it := 0; it < 100; it++ {
		c := (a*db - b*da) / (db - da)
		rc, dc := R(c)
		if rc > 0 {
			return c, rc, nil // a positive point is all the caller needs
		}
		if math.Abs(b-a) <= 1e-10*(1+math.Abs(c)) || dc == 0 {
			return c, rc, nil
		}
		illinoisUpdate(&a, &da, &b, &db, &side, c, dc, dc > 0)
	}
	return 0.5 * (a + b), math.Max(ra, rb), errNoConv
}

// branchPoint is one solved point of the retrieval branch.
type branchPoint struct {
	U     float64 // continuation variable (Δ, or log10 Δ for the step limit)
	Delta float64
	Q     float64
	Alpha float64
}

// branchSolver solves the branch at one Δ from a warm start.
type branchSolver func(delta, qWarm float64) (q, alpha float64, found bool, err error)

// traceSpec configures a continuation along the retrieval branch.
type traceSpec struct {
	U0, Step0, MaxStep, UMax, UTol float64
	// RelStep, if > 0, lets the step grow to RelStep·|U| when that exceeds
	// MaxStep.
	RelStep float64
	Delta   func(u float64) float64
	Q0      float64
	// Hump, if set, returns the maximum over q of R(q) on the hump below
	// the branch point qAbove (the position qh and height M); used to locate
	// folds quickly.
	Hump func(delta, qAbove float64) (qh, M float64, err error)
	// Stop, if set, ends the trace after the first point for which it
	// returns true.
	Stop func(p branchPoint) bool
}

// traceResult is a continuation: the solved points in order of U, and how
// the trace ended.
type traceResult struct {
	Pts []branchPoint
	// Folded: the branch was lost between the last point and the last
	// point + UTol (the fold, or q dropping below the loss threshold).
	Folded bool
	// Stopped: Stop returned true. ReachedMax: U reached UMax on the branch.
	Stopped, ReachedMax bool
	Evals               int
}

// trace follows the branch from U0 with step doubling (up to MaxStep) and
// step halving after a loss, until the loss point is resolved to UTol.
func trace(solve branchSolver, s traceSpec) (traceResult, error) {
	var tr traceResult
	q, alpha, found, err := solve(s.Delta(s.U0), s.Q0)
	if err != nil {
		return tr, err
	}
	if !found {
		tr.Folded = true
		return tr, nil
	}
	p := branchPoint{U: s.U0, Delta: s.Delta(s.U0), Q: q, Alpha: alpha}
	tr.Pts = append(tr.Pts, p)
	if s.Stop != nil && s.Stop(p) {
		tr.Stopped = true
		return tr, nil
	}
	h := s.Step0
	for it := 0; it < 100000; it++ {
		last := tr.Pts[len(tr.Pts)-1]
		if last.U >= s.UMax {
			tr.ReachedMax = true
			return tr, nil
		}
		u := math.Min(last.U+h, s.UMax)
		d := s.Delta(u)
		q, alpha, found, err := solve(d, last.Q)
		if err != nil && !errors.Is(err, errNoConv) {
			return tr, err
		}
		if found && err == nil {
			p := branchPoint{U: u, Delta: d, Q: q, Alpha: alpha}
			tr.Pts = append(tr.Pts, p)
			if s.Stop != nil && s.Stop(p) {
				tr.Stopped = true
				return tr, nil
			}
			hmax := math.Max(s.MaxStep, s.RelStep*math.Abs(u))
			h = math.Min(2*h, hmax)
			continue
		}
		if u-last.U <= s.UTol {
			tr.Folded = true
			return tr, nil
		}
		if s.Hump != nil {
			// If the hump of R is below 0 at u the branch ended at a fold:
			// locate it by regula falsi on the hump height M(u) instead of
			// halving the step (M is smooth and crosses 0 at the fold).
			if p, ok := foldPoint(solve, s, last, u); ok {
				tr.Pts = append(tr.Pts, p)
				tr.Folded = true
				return tr, nil
			}
		}
		h = 0.5 * (u - last.U)
	}
	return tr, errNoConv
}

// foldPoint locates the fold between last (on the branch) and u (lost) as
// the zero of the hump height M(u), and returns the branch point at the
// largest u with M ≥ 0 found, within UTol of the fold. ok is false when the
// hump at u is still positive (the branch was lost for another reason, e.g.
// q < QLoss), so that the caller falls back to bisection.
func foldPoint(solve branchSolver, s traceSpec, last branchPoint, u float64) (branchPoint, bool) {
	_, mb, err := s.Hump(s.Delta(u), last.Q)
	if err != nil || mb >= 0 {
		return branchPoint{}, false
	}
	_, ma, err := s.Hump(s.Delta(last.U), last.Q)
	if err != nil || ma < 0 {
		return branchPoint{}, false
	}
	a, b := last.U, u
	side := 0
	for it := 0; it < 100 && b-a > s.UTol; it++ {
		c := (a*mb - b*ma) / (mb - ma)
		// Keep c strictly inside and force progress on the stagnant side.
		if !(c > a && c < b) {
			c = 0.5 * (a + b)
		}
		_, mc, err := s.Hump(s.Delta(c), last.Q)
		if err != nil {
			return branchPoint{}, false
		}
		illinoisUpdate(&a, &ma, &b, &mb, &side, c, mc, mc >= 0)
	}
	d := s.Delta(a)
	q, alpha, found, err := solve(d, last.Q)
	if !found || err != nil {
		return branchPoint{}, false
	}
	return branchPoint{U: a, Delta: d, Q: q, Alpha: alpha}, true
}

// residualHump returns the maximum of R on the hump below qAbove, where
// R′(qAbove) < 0: it walks down to a point with R′ > 0 and then solves
// R′ = 0 by the Illinois method. If no such point exists above qFloor the
// hump is absent and the value at qFloor is returned.
func residualHump(R residual, qAbove, qFloor float64) (qh, M float64, err error) {
	b := qAbove
	rb, db := R(b)
	for k := 0; db >= 0 && k < 20; k++ {
		b *= 1.5
		rb, db = R(b)
	}
	if db >= 0 {
		return b, rb, errNoConv
	}
	step := 0.05 * b
	a := b - step
	var ra, da float64
	for {
		if a < qFloor {
			a = qFloor
		}
		ra, da = R(a)
		if da > 0 || a == qFloor {
			break
		}
		b, rb, db = a, ra, da
		step *= 2
		a = b - step
	}
	if da <= 0 {
		return a, ra, nil
	}
	side := 0
	for it := 0; it < 100; it++ {
		c := (a*db - b*da) / (db - da)
		rc, dc := R(c)
		if math.Abs(b-a) <= 1e-11*(1+math.Abs(c)) || dc == 0 || it == 99 {
			return c, rc, nil
		}
		illinoisUpdate(&a, &da, &b, &db, &side, c, dc, dc > 0)
	}
	return 0.5 * (a + b), ra, errNoConv
}

// brentMax maximises f on [a, b] by Brent's method (golden section with
// parabolic interpolation), starting from the interior point x0, to
// absolute tolerance tol in x.
func brentMax(f func(float64) float64, a, b, x0, fx0, tol float64) (float64, float64) {
	const cgold = 0.3819660112501051
	x, w, v := x0, x0, x0
	fx := -fx0
	fw, fv := fx, fx
	g := func(t float64) float64 { return -f(t) }
	var d, e float64
	for it := 0; it < 100; it++ {
		xm := 0.5 * (a + b)
		tol1 := tol
		tol2 := 2 * tol1
		if math.Abs(x-xm) <= tol2-0.5*(b-a) {
			break
		}
		useGolden := true
		if math.Abs(e) > tol1 {
			r := (x - w) * (fx - fv)
			q := (x - v) * (fx - fw)
			p := (x-v)*q - (x-w)*r
			q = 2 * (q - r)
			if q > 0 {
				p = -p
			}
			q = math.Abs(q)
			etemp := e
			e = d
			if !(math.Abs(p) >= math.Abs(0.5*q*etemp) || p <= q*(a-x) || p >= q*(b-x)) {
				d = p / q
				u := x + d
				if u-a < tol2 || b-u < tol2 {
					d = math.Copysign(tol1, xm-x)
				}
				useGolden = false
			}
		}
		if useGolden {
			if x >= xm {
				e = a - x
			} else {
				e = b - x
			}
			d = cgold * e
		}
		u := x + d
		if math.Abs(d) < tol1 {
			u = x + math.Copysign(tol1, d)
		}
		fu := g(u)
		if fu <= fx {
			if u >= x {
				a = x
			} else {
				b = x
			}
			v, w, x = w, x, u
			fv, fw, fx = fw, fx, fu
		} else {
			if u < x {
				a = u
			} else {
				b = u
			}
			if fu <= fw || w == x {
				v, w = w, u
				fv, fw = fw, fu
			} else if fu <= fv || v == x || v == w {
				v, fv = u, fu
			}
		}
	}
	return x, -fx
}

// illinoisUpdate moves one end of the bracket [a, b] (values fa, fb of
// opposite sign) to c with value fc: a when toA, else b. When the same end
// moves twice in a row the other end's value is halved — the Illinois
// modification of regula falsi, which keeps the bracket shrinking from both
// sides. side remembers which end moved last (0 before the first move).
func illinoisUpdate(a, fa, b, fb *float64, side *int, c, fc float64, toA bool) {
	if toA {
		*a, *fa = c, fc
		if *side == 1 {
			*fb /= 2
		}
		*side = 1
		return
	}
	*b, *fb = c, fc
	if *side == -1 {
		*fa /= 2
	}
	*side = -1
}
