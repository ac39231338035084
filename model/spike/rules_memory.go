package spike

import (
	"fmt"
	"math"
)

// vstdpRule is the voltage-based rule of LKD 2014 (VSTDPParams).
//
// LTP is applied lazily. In a step where post neuron i is above θ_LTP
// every input of i gains c_i·x_j = c_i·F·S_j (x_j = S_j·F is the
// presynaptic trace in its scaled-sum form), so over the steps in which
// S_j does not change the increments of synapse (j, i) sum to
// S_j·(K_i(t₂) − K_i(t₁)) with the per-neuron running sum K_i = Σ c_i·F.
// The rule keeps K_i and, per synapse, the K_i at which the synapse was
// last brought up to date (klast); the pending increment is applied (and
// clipped at w_max, exact because every LTP increment is ≥ 0) when the
// synapse is read or its S_j changes: at the delivery of a presynaptic
// spike (input phase), at its arrival at the synapse (plasticity phase,
// together with the LTD of that arrival), in a normalisation pass, before
// the trace x rescales (all synapses, and K restarts from 0), and by
// Projection.Weight/EffectiveWeights for monitors (without changing the
// state). So a step above θ_LTP costs O(1) per postsynaptic neuron instead
// of a pass over its ≈ 800 inputs scattered through the pre-major weight
// array. The result equals the eager rule up to float64 rounding of the
// grouped increments (TestMemoryRulesNaiveReference).
type vstdpRule struct {
	ruleBase
	pr         *Projection
	post       *pop
	aLTD, cLTP float64 // A_LTD; dt·A_LTP/τ_x (the trace jumps by 1, the rule's by 1/τ_x)
	thD, thP   float64
	dt, tauX   float64
	dm, dp     float32   // e^{−dt/τ₋}, e^{−dt/τ₊}
	um, up     []float32 // the filters ū₋, ū₊ of every postsynaptic neuron
	x          *trace    // presynaptic trace (jump 1)
	k, dk      []float64 // per post: K_i and this step's increment of it
	klast      []float64 // per synapse position: K_i when last brought up to date
	restart    int64     // K restarts from 0 every restart steps (kRestartTaus·τ_x)
	norm       *normRule // the projection's normalisation, whose passes also restart K (nil: none)
	track      []float64 // row sums of a normalisation rule to keep (nil: none): stored weights + pending LTP
	y          []float64 // with track: Y_i = Σ_j S_j over the inputs of i (the pending LTP of row i grows by dK_i·Y_i)
}

// kRestartTaus is how often (in τ_x) the lazy LTP's running sums restart:
// within that window their terms differ by at most e^{kRestartTaus} ≈ 3·10³,
// so every one keeps 12 significant digits in K; a restart costs one pass
// over the synapses (every 120 ms for LKD's τ_x = 15 ms). While a
// normalisation of the same projection runs at least as often, its passes
// restart K and the rule's own restarts are skipped (K then spans at most
// two restart periods: 9 digits).
const kRestartTaus = 8

// normRestarts reports whether the projection's normalisation is on at
// step and restarts K at least every r.restart steps.
func (r *vstdpRule) normRestarts(step int64) bool {
	return r.norm != nil && r.norm.period <= r.restart && ruleOn(r.norm.spec(), float64(step+1)*r.dt)
}

func (r *vstdpRule) observes() bool   { return true } // the filters run when the rule is inactive
func (r *vstdpRule) continuous() bool { return true } // LTP and the filters act in every step

func (r *vstdpRule) setTrack(sum []float64) {
	r.track = sum
	r.y = make([]float64, r.post.n)
	pr := r.pr
	for j := 0; j < pr.NPre; j++ {
		for q := pr.ColPtr[j]; q < pr.ColPtr[j+1]; q++ {
			r.y[pr.PostIdx[q]] += r.x.x[j]
		}
	}
}

// settle brings synapse q (pre j, post i) up to date to K_i − back (back:
// the part of K_i not to apply yet) and returns its weight.
func (r *vstdpRule) settle(q int64, i int32, sj, back float64) float32 {
	old := r.pr.W[q]
	kb := r.k[i] - back
	pend := sj * (kb - r.klast[q])
	r.klast[q] = kb // also when S_j = 0: the steps until now are accounted for
	if pend == 0 {
		return old
	}
	nw := float32(math.Min(r.wh, float64(old)+pend))
	r.pr.W[q] = nw
	if r.track != nil {
		r.track[i] += (float64(nw) - float64(old)) - pend
	}
	return nw
}

// settleColumn brings the synapses [a, b) of presynaptic neuron j up to
// date (the delivery of j's spike reads them).
func (r *vstdpRule) settleColumn(j int32, a, b int64) {
	sj := r.x.x[j]
	post := r.pr.PostIdx
	for q := a; q < b; q++ {
		r.settle(q, post[q], sj, 0)
	}
}

// settleAll brings every synapse onto [lo, hi) up to date and restarts K
// from 0 there (before a rescale of the trace, whose scaled sums would
// no longer match K's units).
func (r *vstdpRule) settleAll(lo, hi int32, split bool) {
	pr := r.pr
	for j := 0; j < pr.NPre; j++ {
		a, b := colSpan(pr, int32(j), lo, hi, split)
		sj := r.x.x[j]
		for q := a; q < b; q++ {
			r.settle(q, pr.PostIdx[q], sj, 0)
			r.klast[q] = 0
		}
	}
	clear(r.k[lo:hi])
}

// pendingWeight returns the weight of synapse q (pre j) with its pending
// LTP applied, without changing the state.
func (r *vstdpRule) pendingWeight(q int64, j int) float32 {
	w := r.pr.W[q]
	pend := r.x.x[j] * (r.k[r.pr.PostIdx[q]] - r.klast[q])
	if pend == 0 {
		return w
	}
	return float32(math.Min(r.wh, float64(w)+pend))
}

func (r *vstdpRule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post := pr.W, pr.PostIdx
	v := r.post.v
	x := r.x
	if x.rescale != 0 && r.y != nil { // the scaled sums were multiplied by it in this step's input phase
		for i := lo; i < hi; i++ {
			r.y[i] *= x.rescale
		}
	}
	on := c.on[r.idx]
	// LTP of this step: K_i += c_i·F for the neurons above θ_LTP
	clear(r.dk[lo:hi])
	if on {
		for i := lo; i < hi; i++ {
			vi := float64(v[i])
			if !(vi > r.thP) {
				continue
			}
			u := float64(r.up[i]) - r.thD
			if u <= 0 {
				continue
			}
			d := r.cLTP * (vi - r.thP) * u * x.f
			r.k[i] += d
			r.dk[i] = d
			if r.track != nil {
				r.track[i] += float64(d * r.y[i])
			}
		}
	}
	// arrivals: pending LTP up to the last step, LTD, then this step's LTP
	if len(c.pre) > 0 {
		// the trace will add these arrivals with e^{(t − T_B)/τ} of the next step
		// (relative to the current base: a rescale then multiplies Y too)
		g := math.Exp(float64(c.step+1-x.base) * r.dt / r.tauX)
		for _, j := range c.pre {
			a, b := colSpan(pr, j, lo, hi, split)
			sj := x.x[j]
			for q := a; q < b; q++ {
				i := post[q]
				w := float64(r.settle(q, i, sj, r.dk[i]))
				old := w
				if on {
					if d := float64(r.um[i]) - r.thD; d > 0 {
						w = math.Max(r.wl, w-float64(r.aLTD*d))
					}
					if dk := r.dk[i]; dk != 0 {
						w = math.Min(r.wh, w+float64(sj*dk))
					}
				}
				nw := float32(w)
				W[q] = nw
				r.klast[q] = r.k[i]
				if r.track != nil {
					// the step's LTP of this synapse was counted as dK_i·S_j in the row sum
					r.track[i] += (float64(nw) - old) - float64(sj*r.dk[i])
					r.y[i] += g
				}
			}
		}
	}
	// before the trace rescales (next step), and every kRestartTaus·τ_x,
	// bring every synapse up to date and restart K: its terms carry
	// e^{−(t − T_B)/τ_x}, so without restarts the newest would fall below
	// the float64 resolution of the oldest after ≈ 35 τ_x and be lost
	if u := float64(c.step+2-x.base) * r.dt / r.tauX; u > rescaleAt || (c.step+1)%r.restart == 0 && !r.normRestarts(c.step) {
		r.settleAll(lo, hi, split)
	}
	// the filters advance with this step's V (held over the step)
	dm, dp := r.dm, r.dp
	for i := lo; i < hi; i++ {
		vi := v[i]
		r.um[i] = vi + float32((r.um[i]-vi)*dm)
		r.up[i] = vi + float32((r.up[i]-vi)*dp)
	}
}

func (r *vstdpRule) state() ruleState {
	f := append(append([]float64(nil), r.k...), r.klast...)
	if r.y != nil {
		f = append(f, r.y...)
	}
	return ruleState{F32: append(append([]float32(nil), r.um...), r.up...), Floats: f}
}

func (r *vstdpRule) restore(s ruleState) error {
	n := len(r.k) + len(r.klast) + len(r.y)
	if len(s.F32) != 2*len(r.um) || len(s.Floats) != n {
		return fmt.Errorf("vstdp state of %d filter and %d LTP values, network %d and %d", len(s.F32), len(s.Floats), 2*len(r.um), n)
	}
	copy(r.um, s.F32[:len(r.um)])
	copy(r.up, s.F32[len(r.um):])
	copy(r.k, s.Floats)
	copy(r.klast, s.Floats[len(r.k):])
	copy(r.y, s.Floats[len(r.k)+len(r.klast):])
	return nil
}

// tracker is a rule that can keep a normalisation's row sums up to date.
type tracker interface{ setTrack([]float64) }

// normRule is additive row-sum normalisation (NormalizeParams).
type normRule struct {
	ruleBase
	period  int64
	nPost   int
	target  []float64  // S_i
	sum     []float64  // Σ_j w_ij (kept by the other rules when tracked)
	n       []int32    // synapses per row
	pp      []normPost // per post during a pass: excess, carried rounding (error diffusion), row sum, K
	tracked bool
	lazy    *vstdpRule // the projection's lazy LTP, settled by the pass (nil: none)
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
	// per-post state of the pass in one record (one cache line holds
	// two): the excess per synapse, the carried rounding, the row sum and
	// the lazy LTP's K_i
	pp := r.pp
	var k []float64
	if r.lazy != nil {
		k = r.lazy.k
	}
	for i := lo; i < hi; i++ {
		x := normPost{sum: r.sum[i]}
		if r.n[i] > 0 {
			x.ex = (r.sum[i] - r.target[i]) / float64(r.n[i])
		}
		if k != nil {
			x.k = k[i]
		}
		pp[i] = x
	}
	W, post := pr.W, pr.PostIdx
	lz := r.lazy
	wl, wh := r.wl, r.wh
	for j := 0; j < pr.NPre; j++ {
		a, b := colSpan(pr, int32(j), lo, hi, split)
		if lz == nil {
			for q := a; q < b; q++ {
				x := &pp[post[q]]
				old := W[q]
				w := float64(old) - x.ex + x.carry
				cw := clampW(w, wl, wh)
				nw := float32(cw)
				x.carry = 0
				if cw == w {
					x.carry = w - float64(nw)
				}
				W[q] = nw
				x.sum += float64(nw) - float64(old)
			}
			continue
		}
		sj := lz.x.x[j]
		kl := lz.klast[a:b]
		for m, q := 0, a; q < b; m, q = m+1, q+1 {
			x := &pp[post[q]]
			old := W[q]
			base := float64(old)
			// the pending LTP, counted in the tracked row sum: it leaves
			// the sum here and re-enters as part of the stored change
			pend := float64(sj * (x.k - kl[m]))
			base += pend
			if base > wh {
				base = wh
			}
			x.sum -= pend
			kl[m] = 0
			w := base - x.ex + x.carry
			cw := clampW(w, wl, wh)
			nw := float32(cw)
			x.carry = 0
			if cw == w {
				x.carry = w - float64(nw)
			}
			W[q] = nw
			x.sum += float64(nw) - float64(old)
		}
	}
	for i := lo; i < hi; i++ {
		r.sum[i] = pp[i].sum
	}
	if lz != nil {
		clear(lz.k[lo:hi]) // every synapse onto [lo, hi) is up to date: K restarts from 0
	}
}

// normPost is the per-neuron state of a normalisation pass.
type normPost struct{ ex, carry, sum, k float64 }

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
	wt                    []float32 // w̃ per synapse, in the post-side index's order (entry e of PostIndex), read sequentially at post spikes
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
			a, b := pr.rowPtr[i], pr.rowPtr[i+1]
			p10Row(W, pr.rowPos[a:b], pr.rowPre[a:b], r.wt[a:b], zp, ls, h, r.wl, r.wh)
		}
	}
}

// periodic is the consolidation step of w̃ for the synapses onto [lo, hi).
func (r *p10Rule) periodic(c *plastCtx, lo, hi int32, apply bool) {
	if !apply {
		return
	}
	pr := c.pr
	for i := lo; i < hi; i++ {
		for e := pr.rowPtr[i]; e < pr.rowPtr[i+1]; e++ {
			s := float64(r.wt[e])
			d := (float64(pr.W[pr.rowPos[e]]) - s) + float64(r.pot*(r.a-s)*(r.b-s)*(r.cc-s))
			r.wt[e] = float32(s + float64(r.dc*d))
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
		v := &vstdpRule{ruleBase: b, pr: pr, post: post, aLTD: p.ALTD, cLTP: dt * p.ALTP / p.TauXMs, thD: p.ThetaLTDMV, thP: p.ThetaLTPMV,
			dt: dt, tauX: p.TauXMs, dm: float32(math.Exp(-dt / p.TauMinusMs)), dp: float32(math.Exp(-dt / p.TauPlusMs)), x: tpre(p.TauXMs, false)}
		v.um, v.up = make([]float32, post.n), make([]float32, post.n)
		v.k, v.dk, v.klast = make([]float64, post.n), make([]float64, post.n), make([]float64, pr.NNZ())
		v.restart = max(1, int64(math.Round(kRestartTaus*p.TauXMs/dt)))
		if pr.lazy == nil {
			pr.lazy = v
		}
		for i := range v.um {
			v.um[i], v.up[i] = post.el, post.el
		}
		return v, true, nil
	case RuleNormalize:
		p := rs.Normalize
		nr := &normRule{ruleBase: b, period: max(1, int64(math.Round(p.PeriodMs/dt))), nPost: post.n}
		nr.target, nr.sum, nr.pp = make([]float64, post.n), make([]float64, post.n), make([]normPost, post.n)
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
			x.lazy = pr.lazy
			if x.lazy != nil {
				x.lazy.norm = x
			}
		case *p10Rule:
			p := x.rs.Resolved().P10
			for e := range x.wt {
				if p.ConsolidateInitial {
					x.wt[e] = pr.W[pr.rowPos[e]]
				} else {
					x.wt[e] = float32(p.WA)
				}
			}
		}
	}
}

// p10RowGo is p10Row's portable loop.
func p10RowGo(w []float32, pos, pre []int32, wt []float32, z []float64, ls, h, lo, hi float64) {
	pre, wt = pre[:len(pos)], wt[:len(pos)]
	for e, q := range pos {
		x := float64(w[q])
		w[q] = float32(clampW(x+(float64(ls*z[pre[e]])-float64(h*(x-float64(wt[e])))), lo, hi))
	}
}
