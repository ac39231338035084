package spike

import (
	"fmt"
	"math"
)

// vstdpRule is the voltage-based rule of LKD 2014 (VSTDPParams).
type vstdpRule struct {
	ruleBase
	post       *pop
	aLTD, cLTP float64 // A_LTD; dt·A_LTP/τ_x (the trace jumps by 1, the rule's by 1/τ_x)
	thD, thP   float64
	dm, dp     float32   // e^{−dt/τ₋}, e^{−dt/τ₊}
	um, up     []float32 // the filters ū₋, ū₊ of every postsynaptic neuron
	x          *trace    // presynaptic trace (jump 1)
	track      []float64 // row sums of a normalisation rule to keep (nil: none)
}

func (r *vstdpRule) observes() bool   { return true } // the filters run when the rule is inactive
func (r *vstdpRule) continuous() bool { return true } // LTP and the filters act in every step

func (r *vstdpRule) setTrack(sum []float64) { r.track = sum }

func (r *vstdpRule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post := pr.W, pr.PostIdx
	v := r.post.v
	if c.on[r.idx] {
		// LTD at the arrivals: w −= A_LTD [ū₋ − θ_LTD]₊
		for _, j := range c.pre {
			a, b := colSpan(pr, j, lo, hi, split)
			for q := a; q < b; q++ {
				i := post[q]
				d := float64(r.um[i]) - r.thD
				if d <= 0 {
					continue
				}
				old := W[q]
				nw := r.clip(float64(old) - float64(r.aLTD*d))
				W[q] = nw
				if r.track != nil {
					r.track[i] += float64(nw) - float64(old)
				}
			}
		}
		// LTP in every step with V > θ_LTP and ū₊ > θ_LTD
		xf := r.x.f
		for i := lo; i < hi; i++ {
			vi := float64(v[i])
			if !(vi > r.thP) {
				continue
			}
			u := float64(r.up[i]) - r.thD
			if u <= 0 {
				continue
			}
			cc := r.cLTP * (vi - r.thP) * u * xf
			a, b := pr.rowPtr[i], pr.rowPtr[i+1]
			if r.track == nil {
				rowAdd(W, pr.rowPos[a:b], pr.rowPre[a:b], r.x.x, cc, r.wl, r.wh)
				continue
			}
			r.track[i] += rowAddDelta(W, pr.rowPos[a:b], pr.rowPre[a:b], r.x.x, cc, r.wl, r.wh)
		}
	}
	// the filters advance with this step's V (held over the step)
	dm, dp := r.dm, r.dp
	for i := lo; i < hi; i++ {
		vi := v[i]
		r.um[i] = vi + float32((r.um[i]-vi)*dm)
		r.up[i] = vi + float32((r.up[i]-vi)*dp)
	}
}

// rowAddDelta is rowAddGo that also returns the sum of the weight changes
// (exact differences of the stored float32 values).
func rowAddDelta(w []float32, pos, pre []int32, x []float64, c, lo, hi float64) float64 {
	pre = pre[:len(pos)]
	d := 0.0
	for e, q := range pos {
		old := w[q]
		nw := float32(clampW(float64(old)+float64(x[pre[e]]*c), lo, hi))
		w[q] = nw
		d += float64(nw) - float64(old)
	}
	return d
}

func (r *vstdpRule) state() ruleState {
	return ruleState{F32: append(append([]float32(nil), r.um...), r.up...)}
}

func (r *vstdpRule) restore(s ruleState) error {
	if len(s.F32) != 2*len(r.um) {
		return fmt.Errorf("vstdp state of %d filter values, network %d", len(s.F32), 2*len(r.um))
	}
	copy(r.um, s.F32[:len(r.um)])
	copy(r.up, s.F32[len(r.um):])
	return nil
}

// tracker is a rule that can keep a normalisation's row sums up to date.
type tracker interface{ setTrack([]float64) }

// normRule is additive row-sum normalisation (NormalizeParams).
type normRule struct {
	ruleBase
	period  int64
	nPost   int
	target  []float64 // S_i
	sum     []float64 // Σ_j w_ij (kept by the other rules when tracked)
	n       []int32   // synapses per row
	ex      []float64 // this period's excess per synapse
	carry   []float64 // rounding carried along a row (error diffusion)
	tracked bool
}

func (r *normRule) periodSteps() int64 { return r.period }

func (r *normRule) events(*plastCtx, int32, int32, bool) {}

// rowSums recomputes the row sums of [lo, hi) by a presynaptic-major pass.
func (r *normRule) rowSums(pr *Projection, lo, hi int32, split bool) {
	clear(r.sum[lo:hi])
	for j := 0; j < pr.NPre; j++ {
		a, b := colSpan(pr, int32(j), lo, hi, split)
		for q := a; q < b; q++ {
			r.sum[pr.PostIdx[q]] += float64(pr.W[q])
		}
	}
}

// periodic subtracts each row's excess from its synapses in
// presynaptic-major order (each row in ascending presynaptic order, for
// any worker count), carrying the float32 rounding of each weight to the
// next one of its row, and clips.
func (r *normRule) periodic(c *plastCtx, lo, hi int32, apply bool) {
	if !apply {
		return
	}
	pr := c.pr
	split := !(lo == 0 && int(hi) == r.nPost)
	if !r.tracked {
		r.rowSums(pr, lo, hi, split)
	}
	for i := lo; i < hi; i++ {
		r.carry[i] = 0
		if r.n[i] > 0 {
			r.ex[i] = (r.sum[i] - r.target[i]) / float64(r.n[i])
		}
	}
	W, post := pr.W, pr.PostIdx
	for j := 0; j < pr.NPre; j++ {
		a, b := colSpan(pr, int32(j), lo, hi, split)
		for q := a; q < b; q++ {
			i := post[q]
			old := W[q]
			w := float64(old) - r.ex[i] + r.carry[i]
			cw := clampW(w, r.wl, r.wh)
			nw := float32(cw)
			if cw == w {
				r.carry[i] = w - float64(nw)
			} else {
				r.carry[i] = 0
			}
			W[q] = nw
			r.sum[i] += float64(nw) - float64(old)
		}
	}
}

// residual returns max_i |Σ_j w_ij − S_i|/S_i over the rows (after the last
// normalisation: clipping and float32 rounding).
func (r *normRule) residual(pr *Projection) float64 {
	m := 0.0
	sums := make([]float64, r.nPost)
	for q, w := range pr.W {
		sums[pr.PostIdx[q]] += float64(w)
	}
	for i, s := range sums {
		if r.target[i] > 0 {
			m = math.Max(m, math.Abs(s-r.target[i])/r.target[i])
		}
	}
	return m
}

func (r *normRule) state() ruleState {
	return ruleState{Floats: append(append([]float64(nil), r.target...), r.sum...)}
}

func (r *normRule) restore(s ruleState) error {
	if len(s.Floats) != 2*r.nPost {
		return fmt.Errorf("normalize state of %d values, network %d", len(s.Floats), 2*r.nPost)
	}
	copy(r.target, s.Floats[:r.nPost])
	copy(r.sum, s.Floats[r.nPost:])
	return nil
}

// p10Rule is ZAG 2015's orchestrated rule (P10Params).
type p10Rule struct {
	ruleBase
	a3p, a2m, delta, beta float64
	zp, zm, zs            *trace
	wt                    []float32 // w̃ per synapse position
	period                int64     // consolidation period in steps (0: none)
	dc, pot, a, b, cc     float64   // Δt/τ_c, P, the fixed points a, b, c
}

func (r *p10Rule) periodSteps() int64 { return r.period }

func (r *p10Rule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post := pr.W, pr.PostIdx
	zm, fm := r.zm.x, r.zm.f
	if len(c.pre) > 0 {
		dm := r.a2m * fm
		for _, j := range c.pre {
			a, b := colSpan(pr, j, lo, hi, split)
			for q := a; q < b; q++ {
				W[q] = r.clip(float64(W[q]) + (r.delta - float64(dm*zm[post[q]])))
			}
		}
	}
	if ps := postSpan(c.post, lo, hi, split); len(ps) > 0 {
		zs, zp := r.zs.x, r.zp.x
		fp := r.zp.f
		for _, i := range ps {
			z := zm[i] * fm // the postsynaptic trace before this spike's increment
			h := r.beta * z * z * z
			ls := r.a3p * (zs[i] * r.zs.f) * fp
			for e := pr.rowPtr[i]; e < pr.rowPtr[i+1]; e++ {
				q := pr.rowPos[e]
				w := float64(W[q])
				W[q] = r.clip(w + (float64(ls*zp[pr.rowPre[e]]) - float64(h*(w-float64(r.wt[q])))))
			}
		}
	}
}

// periodic is the consolidation step of w̃ for the synapses onto [lo, hi).
func (r *p10Rule) periodic(c *plastCtx, lo, hi int32, apply bool) {
	if !apply {
		return
	}
	pr := c.pr
	split := !(lo == 0 && int(hi) == pr.NPost)
	for j := 0; j < pr.NPre; j++ {
		a, b := colSpan(pr, int32(j), lo, hi, split)
		for q := a; q < b; q++ {
			s := float64(r.wt[q])
			d := (float64(pr.W[q]) - s) + float64(r.pot*(r.a-s)*(r.b-s)*(r.cc-s))
			r.wt[q] = float32(s + float64(r.dc*d))
		}
	}
}

func (r *p10Rule) state() ruleState { return ruleState{F32: r.wt} }

func (r *p10Rule) restore(s ruleState) error {
	if len(s.F32) != len(r.wt) {
		return fmt.Errorf("p10 state of %d reference weights, network %d", len(s.F32), len(r.wt))
	}
	copy(r.wt, s.F32)
	return nil
}

// globalISTDPRule is ZAG 2015's globally gated iSTDP (GlobalISTDPParams).
type globalISTDPRule struct {
	ruleBase
	eta, kappa float64
	dec, inc   float64 // e^{−dt/τ_hom}; 1/(N τ_hom) in Hz per spike
	nu         float64 // ν̄, Hz
	m          float64 // this step's M
	zE, zI     *trace
}

// prestep fixes this step's modulation from ν̄ and then advances ν̄ with
// the postsynaptic population's spikes of this step.
func (r *globalISTDPRule) prestep(c *plastCtx) {
	r.m = r.eta * (r.nu - r.kappa) / r.kappa
	r.nu = float64(r.nu*r.dec) + float64(r.inc*float64(len(c.postNow)))
}

func (r *globalISTDPRule) events(c *plastCtx, lo, hi int32, split bool) {
	if r.m == 0 {
		return
	}
	pr := c.pr
	W, post := pr.W, pr.PostIdx
	m := r.m
	if len(c.pre) > 0 {
		ze, fe := r.zE.x, m*r.zE.f
		for _, j := range c.pre {
			a, b := colSpan(pr, j, lo, hi, split)
			for q := a; q < b; q++ {
				W[q] = r.clip(float64(W[q]) + (float64(fe*ze[post[q]]) + m))
			}
		}
	}
	for _, i := range postSpan(c.post, lo, hi, split) {
		a, b := pr.rowPtr[i], pr.rowPtr[i+1]
		rowAdd(W, pr.rowPos[a:b], pr.rowPre[a:b], r.zI.x, m*r.zI.f, r.wl, r.wh)
	}
}

func (r *globalISTDPRule) state() ruleState { return ruleState{Floats: []float64{r.nu}} }

func (r *globalISTDPRule) restore(s ruleState) error {
	if len(s.Floats) != 1 {
		return fmt.Errorf("global_istdp state of %d values, want 1", len(s.Floats))
	}
	r.nu = s.Floats[0]
	return nil
}

// attachMemoryRule builds rule rs (one of the memory rules) for projection
// pr; ok is false if rs is not one of them.
func (n *Net) attachMemoryRule(rs *RuleSpec, b ruleBase, pr *Projection, pre, post *pop,
	tpre, tpost func(tau float64, nearest bool) *trace) (r rule, ok bool, err error) {
	dt := n.dt
	switch rs.Rule {
	case RuleVSTDP:
		p := rs.VSTDP
		v := &vstdpRule{ruleBase: b, post: post, aLTD: p.ALTD, cLTP: dt * p.ALTP / p.TauXMs, thD: p.ThetaLTDMV, thP: p.ThetaLTPMV,
			dm: float32(math.Exp(-dt / p.TauMinusMs)), dp: float32(math.Exp(-dt / p.TauPlusMs)), x: tpre(p.TauXMs, false)}
		v.um, v.up = make([]float32, post.n), make([]float32, post.n)
		for i := range v.um {
			v.um[i], v.up[i] = post.el, post.el
		}
		return v, true, nil
	case RuleNormalize:
		p := rs.Normalize
		nr := &normRule{ruleBase: b, period: max(1, int64(math.Round(p.PeriodMs/dt))), nPost: post.n}
		nr.target, nr.sum, nr.ex, nr.carry = make([]float64, post.n), make([]float64, post.n), make([]float64, post.n), make([]float64, post.n)
		nr.n = make([]int32, post.n)
		return nr, true, nil
	case RuleP10:
		p := rs.P10
		r := &p10Rule{ruleBase: b, a3p: p.A3Plus, a2m: p.A2Minus, delta: p.Delta, beta: p.Beta,
			zp: tpre(p.TauPlusMs, false), zm: tpost(p.TauMinusMs, false), zs: tpost(p.TauSlowMs, false),
			a: p.WA, cc: p.WC, b: (p.WA + p.WC) / 2}
		r.wt = make([]float32, pr.NNZ())
		if p.ConsolidationPeriodMs > 0 {
			r.period = max(1, int64(math.Round(p.ConsolidationPeriodMs/dt)))
			r.dc = float64(r.period) * dt / (1000 * p.TauConsolidationS)
			ps, err := p.potStrength()
			if err != nil {
				return nil, true, err
			}
			r.pot = ps
		}
		return r, true, nil
	case RuleGlobalISTDP:
		p := rs.GlobalISTDP
		return &globalISTDPRule{ruleBase: b, eta: p.Eta, kappa: p.KappaHz, dec: math.Exp(-dt / p.TauHomMs),
			inc: 1000 / (float64(post.n) * p.TauHomMs), nu: p.KappaHz, zE: tpost(p.TauMs, false), zI: tpre(p.TauMs, false)}, true, nil
	}
	return nil, false, nil
}

// linkMemoryRules finishes the memory rules of pr once all its rules exist
// and its initial weights are clipped: normalisation targets and row sums
// (kept incrementally when every other rule reports its changes), and the
// initial reference weights of p10.
func linkMemoryRules(pr *Projection) {
	for _, r := range pr.rules {
		switch x := r.(type) {
		case *normRule:
			for q, w := range pr.W {
				i := pr.PostIdx[q]
				x.sum[i] += float64(w)
				x.n[i]++
			}
			if t := x.rs.Resolved().Normalize.RowSum; t > 0 {
				for i := range x.target {
					x.target[i] = t
				}
			} else {
				copy(x.target, x.sum)
			}
			tracked := true
			for _, o := range pr.rules {
				if o == r {
					continue
				}
				if _, ok := o.(tracker); !ok {
					tracked = false
				}
			}
			if tracked {
				for _, o := range pr.rules {
					if t, ok := o.(tracker); ok && o != r {
						t.setTrack(x.sum)
					}
				}
			}
			x.tracked = tracked
		case *p10Rule:
			p := x.rs.Resolved().P10
			for q := range x.wt {
				if p.ConsolidateInitial {
					x.wt[q] = pr.W[q]
				} else {
					x.wt[q] = float32(p.WA)
				}
			}
		}
	}
}
