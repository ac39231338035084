package infer

import (
	"math"
	"slices"
	"sort"
)

// normQuantile is Φ_G⁻¹(p), the standard normal quantile.
func normQuantile(p float64) float64 { return -math.Sqrt2 * math.Erfcinv(2*p) }

// normCDF is Φ_G(x).
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// quantileSorted is the empirical quantile of sorted x at probability p with
// Hazen plotting positions: the i-th order statistic (1-based) sits at
// p_i = (i − ½)/n and quantiles in between are linearly interpolated. Beyond
// the first/last plotting position the extreme order statistic is returned.
// The result is a continuous, non-decreasing function of p.
func quantileSorted(x []float64, p float64) float64 {
	n := len(x)
	t := p*float64(n) + 0.5 // 1-based position
	if t <= 1 {
		return x[0]
	}
	if t >= float64(n) {
		return x[n-1]
	}
	j := int(t)
	fr := t - float64(j)
	return x[j-1] + fr*(x[j]-x[j-1])
}

// cdfSorted inverts quantileSorted: it returns the probability p at which
// the interpolated quantile function equals r (the midpoint of a run of tied
// values), and ok=false when r lies outside [x_(1), x_(n)].
func cdfSorted(x []float64, r float64) (p float64, ok bool) {
	n := len(x)
	if r < x[0] || r > x[n-1] {
		return math.NaN(), false
	}
	lo := sort.SearchFloat64s(x, r)
	hi := lo
	for hi < n && x[hi] == r {
		hi++
	}
	var pos float64 // 0-based fractional order-statistic position
	if hi > lo {
		pos = 0.5 * float64(lo+hi-1)
	} else {
		pos = float64(lo-1) + (r-x[lo-1])/(x[lo]-x[lo-1])
	}
	return (pos + 0.5) / float64(n), true
}

// fastTanh is tanh(x) = 1 − 2/(e^{2x} + 1), accurate to a few ulp for
// |x| ≥ 0.01 and to ~1e-16 absolute elsewhere; about 3× faster than math.Tanh.
func fastTanh(x float64) float64 {
	if x > 20 {
		return 1
	}
	if x < -20 {
		return -1
	}
	return 1 - 2/(math.Exp(2*x)+1)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// nelderMeadBox minimises fn over the box [lo, hi] (2-D) from x0 with the
// standard Nelder–Mead coefficients; every trial point is projected onto the
// box. step is the initial simplex size per coordinate. Deterministic.
func nelderMeadBox(fn func(x [2]float64) float64, x0, step, lo, hi [2]float64, maxIter int) ([2]float64, float64) {
	proj := func(x [2]float64) [2]float64 {
		for i := range x {
			x[i] = clamp(x[i], lo[i], hi[i])
		}
		return x
	}
	var s [3][2]float64
	var f [3]float64
	s[0] = proj(x0)
	s[1], s[2] = s[0], s[0]
	for i := 0; i < 2; i++ {
		v := s[0][i] + step[i]
		if v > hi[i] {
			v = s[0][i] - step[i]
		}
		s[i+1][i] = v
		s[i+1] = proj(s[i+1])
	}
	for i := range s {
		f[i] = fn(s[i])
	}
	for it := 0; it < maxIter; it++ {
		// order
		for i := 1; i < 3; i++ {
			for j := i; j > 0 && f[j] < f[j-1]; j-- {
				f[j], f[j-1] = f[j-1], f[j]
				s[j], s[j-1] = s[j-1], s[j]
			}
		}
		size := 0.0
		for i := 1; i < 3; i++ {
			for k := 0; k < 2; k++ {
				size = math.Max(size, math.Abs(s[i][k]-s[0][k])/step[k])
			}
		}
		if size < 1e-7 || math.Abs(f[2]-f[0]) <= 1e-14*(math.Abs(f[0])+1e-300) && size < 1e-4 {
			break
		}
		var c [2]float64
		for k := 0; k < 2; k++ {
			c[k] = 0.5 * (s[0][k] + s[1][k])
		}
		pt := func(a float64) [2]float64 {
			return proj([2]float64{c[0] + a*(s[2][0]-c[0]), c[1] + a*(s[2][1]-c[1])})
		}
		xr := pt(-1)
		fr := fn(xr)
		switch {
		case fr < f[0]:
			xe := pt(-2)
			if fe := fn(xe); fe < fr {
				s[2], f[2] = xe, fe
			} else {
				s[2], f[2] = xr, fr
			}
		case fr < f[1]:
			s[2], f[2] = xr, fr
		default:
			var xc [2]float64
			if fr < f[2] {
				xc = pt(-0.5)
			} else {
				xc = pt(0.5)
			}
			if fc := fn(xc); fc < math.Min(fr, f[2]) {
				s[2], f[2] = xc, fc
			} else {
				for i := 1; i < 3; i++ {
					for k := 0; k < 2; k++ {
						s[i][k] = s[0][k] + 0.5*(s[i][k]-s[0][k])
					}
					f[i] = fn(s[i])
				}
			}
		}
	}
	best := 0
	for i := 1; i < 3; i++ {
		if f[i] < f[best] {
			best = i
		}
	}
	return s[best], f[best]
}

// gridThenNM evaluates fn on an nx×ny grid over the box, then refines the
// best grid point with nelderMeadBox.
func gridThenNM(fn func(x [2]float64) float64, lo, hi [2]float64, nx, ny int, starts ...[2]float64) ([2]float64, float64) {
	best, fb := [2]float64{lo[0], lo[1]}, math.Inf(1)
	for _, x := range starts {
		if v := fn(x); v < fb {
			best, fb = x, v
		}
	}
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			x := [2]float64{lo[0] + (hi[0]-lo[0])*float64(i)/float64(nx-1), lo[1] + (hi[1]-lo[1])*float64(j)/float64(ny-1)}
			if v := fn(x); v < fb {
				best, fb = x, v
			}
		}
	}
	step := [2]float64{(hi[0] - lo[0]) / float64(nx-1), (hi[1] - lo[1]) / float64(ny-1)}
	return nelderMeadBox(fn, best, step, lo, hi, 500)
}

// logisticFit is the bounded least-squares fit of r_k ≈ r_max/(1+e^{−β(h_k−h0)}).
type logisticFit struct {
	RMaxHz, Beta, H0 float64
	RMSEHz           float64
}

// fitLogistic fits the logistic φ to quantile pairs (h_k, r_k) by bounded
// least squares in rate space. r_max enters linearly and is profiled out
// (clamped to its bounds); (ln β, h0) are found by a grid search followed by
// Nelder–Mead in the box.
func fitLogistic(h, r []float64, b Bounds) logisticFit {
	n := len(h)
	s := make([]float64, n)
	solve := func(x [2]float64) (rmax, sse float64) {
		beta, h0 := math.Exp(x[0]), x[1]
		var sr, ss float64
		for k := range h {
			s[k] = 1 / (1 + math.Exp(-beta*(h[k]-h0)))
			sr += s[k] * r[k]
			ss += s[k] * s[k]
		}
		rmax = b.RMaxHz[1]
		if ss > 0 {
			rmax = clamp(sr/ss, b.RMaxHz[0], b.RMaxHz[1])
		}
		for k := range h {
			d := r[k] - rmax*s[k]
			sse += d * d
		}
		return rmax, sse
	}
	obj := func(x [2]float64) float64 { _, e := solve(x); return e }
	lo := [2]float64{math.Log(b.Beta[0]), b.H0[0]}
	hi := [2]float64{math.Log(b.Beta[1]), b.H0[1]}
	x, _ := gridThenNM(obj, lo, hi, 14, 21)
	rmax, sse := solve(x)
	return logisticFit{RMaxHz: rmax, Beta: math.Exp(x[0]), H0: x[1], RMSEHz: math.Sqrt(sse / float64(n))}
}

// ruleFit is the bounded least-squares fit of Δh(r) = C·½[2q_f − 1 + tanh(β_f(r − x_f))].
type ruleFit struct {
	C, QF, BetaFPerHz, XFHz float64
	RMSE                    float64
}

// fitRule fits Δh_k at novel rates r_k. Writing the model as a + b·t_k with
// t_k = tanh(β_f(r_k − x_f)), b = C/2 and a = C(2q_f − 1)/2, the amplitude
// pair (a, b) is linear and is solved exactly under the bounds
// 0 ≤ b ≤ C_max/2, −b ≤ a ≤ b (i.e. 0 ≤ q_f ≤ 1) for each (β_f, x_f);
// (ln β_f, x_f) are found by grid search then Nelder–Mead in the box.
func fitRule(r, d, w []float64, b Bounds, xfMax float64, start *ruleFit) ruleFit {
	n := len(r)
	if w == nil {
		w = make([]float64, n)
		for k := range w {
			w[k] = 1
		}
	}
	t := make([]float64, n)
	bmax := b.C[1] / 2
	var sw, sd, sdd float64
	for k := range d {
		sw += w[k]
		sd += w[k] * d[k]
		sdd += w[k] * d[k] * d[k]
	}
	solve := func(x [2]float64) (float64, float64, float64) {
		beta, xf := math.Exp(x[0]), x[1]
		var st, stt, sdt float64
		for k := range r {
			t[k] = fastTanh(beta * (r[k] - xf))
			wt := w[k] * t[k]
			st += wt
			stt += wt * t[k]
			sdt += wt * d[k]
		}
		nn := sw
		sseOf := func(a, bb float64) float64 {
			// Σw(d − a − b t)² expanded in the sufficient statistics.
			return sdd + nn*a*a + bb*bb*stt - 2*a*sd - 2*bb*sdt + 2*a*bb*st
		}
		var ra, rb float64
		best := math.Inf(1)
		try := func(a, bb float64) {
			if bb < 0 || bb > bmax || a < -bb-1e-12 || a > bb+1e-12 {
				return
			}
			if e := sseOf(a, bb); e < best {
				best, ra, rb = e, a, bb
			}
		}
		// interior (unconstrained) solution
		det := nn*stt - st*st
		if det > 1e-12*nn*nn {
			try((sd*stt-st*sdt)/det, (nn*sdt-st*sd)/det)
		}
		// edge a = b: d ≈ b(1 + t)
		if den := nn + 2*st + stt; den > 0 {
			v := clamp((sd+sdt)/den, 0, bmax)
			try(v, v)
		}
		// edge a = −b: d ≈ b(t − 1)
		if den := stt - 2*st + nn; den > 0 {
			v := clamp((sdt-sd)/den, 0, bmax)
			try(-v, v)
		}
		// edge b = b_max
		try(clamp((sd-bmax*st)/nn, -bmax, bmax), bmax)
		try(0, 0)
		return ra, rb, math.Max(best, 0)
	}
	obj := func(x [2]float64) float64 { _, _, e := solve(x); return e }
	lo := [2]float64{math.Log(b.BetaFPerHz[0]), b.XFHz[0]}
	hi := [2]float64{math.Log(b.BetaFPerHz[1]), xfMax}
	if hi[1] <= lo[1] {
		hi[1] = lo[1] + 1
	}
	var starts [][2]float64
	nx, ny := 17, 31
	if start != nil {
		// Bootstrap replicate: coarser grid plus the full-data estimate.
		starts = append(starts, [2]float64{clamp(math.Log(start.BetaFPerHz), lo[0], hi[0]), clamp(start.XFHz, lo[1], hi[1])})
		nx, ny = 7, 11
	}
	x, _ := gridThenNM(obj, lo, hi, nx, ny, starts...)
	a, bb, sse := solve(x)
	out := ruleFit{C: 2 * bb, BetaFPerHz: math.Exp(x[0]), XFHz: x[1], RMSE: math.Sqrt(sse / sw)}
	if bb > 0 {
		out.QF = clamp(0.5*(a/bb+1), 0, 1)
	} else {
		out.QF = 0.5
	}
	return out
}

// fitLogisticInverse fits the inverse relation z_k ≈ φ⁻¹(r_k) =
// h0 + (1/β) ln(r_k/(r_max − r_k)) by least squares in input units. For a
// fixed r_max the model is linear in (h0, 1/β); r_max ∈ (max r_k, bound] is
// found by golden-section search on ln(r_max − max r_k). Points with r_k ≤ 0
// are dropped (their input is −∞).
func fitLogisticInverse(z, r []float64, b Bounds) (logisticFit, bool) {
	var zz, rr []float64
	for k := range r {
		if r[k] > 0 {
			zz, rr = append(zz, z[k]), append(rr, r[k])
		}
	}
	n := len(rr)
	if n < 5 {
		return logisticFit{}, false
	}
	rtop := slices.Max(rr)
	solve := func(rmax float64) (h0, invb, sse float64) {
		var sl, sll, sz, slz float64
		for k := range rr {
			l := math.Log(rr[k] / (rmax - rr[k]))
			sl += l
			sll += l * l
			sz += zz[k]
			slz += l * zz[k]
		}
		nn := float64(n)
		det := nn*sll - sl*sl
		if !(det > 1e-12*nn*nn) {
			return math.NaN(), math.NaN(), math.Inf(1) // all rates equal
		}
		invb = (nn*slz - sl*sz) / det
		h0 = (sz - invb*sl) / nn
		// clamp β to bounds, then refit h0
		bb := clamp(1/invb, b.Beta[0], b.Beta[1])
		if invb <= 0 {
			bb = b.Beta[1]
		}
		invb = 1 / bb
		h0 = clamp((sz-invb*sl)/nn, b.H0[0], b.H0[1])
		for k := range rr {
			d := zz[k] - h0 - invb*math.Log(rr[k]/(rmax-rr[k]))
			sse += d * d
		}
		return h0, invb, sse
	}
	lo := math.Max(rtop, b.RMaxHz[0])
	hi := b.RMaxHz[1]
	if hi <= lo {
		hi = lo * 1.0001
	}
	// golden section on s = ln(r_max − lo) ∈ [ln(1e-6·lo), ln(hi − lo)]
	f := func(s float64) float64 { _, _, e := solve(lo + math.Exp(s)); return e }
	a, c := math.Log(1e-6*lo+1e-12), math.Log(hi-lo)
	// coarse scan for a bracket, then golden section.
	const m = 40
	bi, bv := 0, math.Inf(1)
	for i := 0; i <= m; i++ {
		if v := f(a + (c-a)*float64(i)/m); v < bv {
			bi, bv = i, v
		}
	}
	x0, x1 := a+(c-a)*float64(max(bi-1, 0))/m, a+(c-a)*float64(min(bi+1, m))/m
	g := (math.Sqrt(5) - 1) / 2
	p, q := x1-g*(x1-x0), x0+g*(x1-x0)
	fp, fq := f(p), f(q)
	for it := 0; it < 60 && x1-x0 > 1e-9; it++ {
		if fp < fq {
			x1, q, fq = q, p, fp
			p = x1 - g*(x1-x0)
			fp = f(p)
		} else {
			x0, p, fp = p, q, fq
			q = x0 + g*(x1-x0)
			fq = f(q)
		}
	}
	rmax := lo + math.Exp(0.5*(x0+x1))
	h0, invb, sse := solve(rmax)
	if math.IsNaN(h0) || math.IsInf(sse, 0) {
		return logisticFit{}, false
	}
	return logisticFit{RMaxHz: rmax, Beta: 1 / invb, H0: h0, RMSEHz: math.Sqrt(sse / float64(n))}, true
}
