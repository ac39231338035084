package spike

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/engramsim/engram/rng"
)

// rule is a plasticity mechanism bound to one projection. The engine calls
// events in the plasticity phase of every step in which the rule is
// active and calls periodic every periodSteps steps, both per worker over
// the postsynaptic range [lo, hi): each worker updates only the synapses
// onto its own postsynaptic neurons, so results do not depend on the
// worker count. New mechanisms (voltage-gated LTP, normalisation,
// consolidation, heterosynaptic terms) implement the same interface.
type rule interface {
	// spec returns the resolved rule configuration.
	spec() *RuleSpec
	// events applies this step's presynaptic arrivals (c.pre) and
	// postsynaptic spikes (c.post) to the synapses onto [lo, hi); split is
	// true when [lo, hi) is not the whole postsynaptic population.
	events(c *plastCtx, lo, hi int32, split bool)
	// continuous reports a rule that acts in every step, not only on
	// spikes (vstdp: voltage-gated LTP and the voltage filters).
	continuous() bool
	// prestep runs serially at the start of the rule's plasticity entry in
	// every step, active or not, before any events (global state such as
	// a population-rate estimate).
	prestep(c *plastCtx)
	// observes reports a rule whose events only observe (count spikes):
	// the engine calls its events in every step, active or not, so that a
	// period's count is the whole period's even when a window opens
	// mid-period.
	observes() bool
	// periodSteps is the period of periodic in steps (0: none); periods
	// end at t = m·period.
	periodSteps() int64
	// periodic runs the rule's periodic operator on [lo, hi) at the end of
	// every period; apply is false when the rule is inactive at that time
	// (the operator then only resets what it counts).
	periodic(c *plastCtx, lo, hi int32, apply bool)
	// state returns the rule's dynamic state for checkpoints (counters
	// and random streams; may be empty) and restore loads it.
	state() ruleState
	restore(ruleState) error
}

// ruleState is a rule's dynamic state in a checkpoint.
type ruleState struct {
	Counts []int32
	PCG    [][]byte
	Floats []float64
	F32    []float32
}

// plastCtx is what a projection's rules see in one step.
type plastCtx struct {
	pr   *Projection
	step int64
	pre  []int32 // presynaptic neurons whose spikes arrive at the synapses in this step
	post []int32 // postsynaptic neurons whose spikes reach the synapses in this step
	// active[r] says whether rule r's events run in this step: it acts
	// (on[r]) or observes.
	active []bool
	// on[r] says whether rule r acts in this step (its windows, not off).
	on []bool
	// postNow are the postsynaptic population's spikes of this step (no delay).
	postNow []int32
	due     []bool // periodic operator due in this step
}

// colSpan returns the positions of pre neuron j's synapses onto [lo, hi).
func colSpan(pr *Projection, j int32, lo, hi int32, split bool) (int64, int64) {
	a, b := pr.ColPtr[j], pr.ColPtr[j+1]
	if split && b > a {
		posts := pr.PostIdx[a:b]
		return a + int64(lowerBound(posts, lo)), a + int64(lowerBound(posts, hi))
	}
	return a, b
}

// postSpan returns the part of the ascending list ids in [lo, hi).
func postSpan(ids []int32, lo, hi int32, split bool) []int32 {
	if split && len(ids) > 0 {
		return ids[lowerBound(ids, lo):lowerBound(ids, hi)]
	}
	return ids
}

type ruleBase struct {
	rs     *RuleSpec
	wl, wh float64
	idx    int // the rule's index in its projection (plastCtx.on)
}

func (b *ruleBase) spec() *RuleSpec                        { return b.rs }
func (b *ruleBase) periodSteps() int64                     { return 0 }
func (b *ruleBase) periodic(*plastCtx, int32, int32, bool) {}
func (b *ruleBase) observes() bool                         { return false }
func (b *ruleBase) continuous() bool                       { return false }
func (b *ruleBase) prestep(*plastCtx)                      {}
func (b *ruleBase) state() ruleState                       { return ruleState{} }
func (b *ruleBase) restore(s ruleState) error              { return nil }
func newBase(rs *RuleSpec) ruleBase                        { return ruleBase{rs: rs, wl: rs.WMin, wh: rs.WMax} }
func (b *ruleBase) clip(w float64) float32                 { return float32(clampW(w, b.wl, b.wh)) }
func (b *ruleBase) describeBounds() (float64, float64)     { return b.wl, b.wh }

// attachRules binds the plasticity rules of projection i to pr, creating
// the traces they need. Presynaptic traces see spikes after the axonal
// delay (DelaySteps − DendriticSteps), postsynaptic ones after the
// dendritic delay.
func (n *Net) attachRules(s *Spec, i int, pr *Projection) error {
	ps := &s.Projections[i]
	pre, post := n.pops[pr.Pre], n.pops[pr.Post]
	dax, dden := pr.DelaySteps-pr.DendriticSteps, pr.DendriticSteps
	tpre := func(tau float64, nearest bool) *trace { return n.traceFor(pre, tau, dax, nearest, 0) }
	tpost := func(tau float64, nearest bool) *trace { return n.traceFor(post, tau, dden, nearest, 0) }
	for k := range ps.Plasticity {
		rs := &ps.Plasticity[k]
		b := newBase(rs)
		b.idx = k
		var r rule
		switch rs.Rule {
		case RulePair:
			p := rs.Pair
			r = &pairRule{ruleBase: b, aP: p.APlus, aM: p.AMinus, x: tpre(p.TauPlusMs, p.Nearest), y: tpost(p.TauMinusMs, p.Nearest)}
		case RuleGutig:
			p := rs.Gutig
			r = &gutigRule{ruleBase: b, lam: p.Lambda, alpha: p.Alpha, mu: p.Mu, x: tpre(p.TauMs, false), y: tpost(p.TauMs, false)}
		case RuleVanRossum:
			p := rs.VanRossum
			r = &vanRossumRule{ruleBase: b, cp: p.CP, cd: p.CD, x: tpre(p.TauPlusMs, false), y: tpost(p.TauMinusMs, false)}
		case RuleTriplet:
			p := rs.Triplet
			t := &tripletRule{ruleBase: b, a2p: p.A2Plus, a3p: p.A3Plus, a2m: p.A2Minus, a3m: p.A3Minus,
				r1: tpre(p.TauPlusMs, p.Nearest), o1: tpost(p.TauMinusMs, p.Nearest), o2: tpost(p.TauYMs, p.Nearest)}
			if p.A3Minus != 0 {
				t.r2 = tpre(p.TauXMs, p.Nearest)
			}
			if p.TauHomMs > 0 {
				t.hom = n.traceFor(post, p.TauHomMs, dden, false, p.KappaHz*p.TauHomMs/1000)
				// A2−(i) = A3+ τ+ τ_y ν̄²/(τ− κ), ν̄ = 1000·hom/τ_hom Hz, times in s.
				nuPer := 1000 / p.TauHomMs
				t.homC = p.A3Plus * (p.TauPlusMs / 1000) * (p.TauYMs / 1000) / ((p.TauMinusMs / 1000) * p.KappaHz) * nuPer * nuPer
			}
			r = t
		case RuleISTDP:
			p := rs.ISTDP
			x := tpre(p.TauMs, false)
			r = &istdpRule{ruleBase: b, eta: p.Eta, alpha: 2 * p.Rho0Hz * p.TauMs / 1000, x: x, y: tpost(p.TauMs, false)}
		case RuleHomeostasis:
			p := rs.Homeostasis
			h := &homeoRule{ruleBase: b, lam: p.Lambda, period: max(1, int64(math.Round(p.PeriodMs/n.dt))), sd: p.NoiseSD}
			h.target = p.RateHz * float64(h.period) * n.dt / 1000
			h.cnt = make([]int32, post.n)
			if p.QuantBits > 0 {
				h.step = (h.wh - h.wl) / float64(int64(1)<<p.QuantBits-1)
			}
			if h.sd > 0 || h.step > 0 {
				h.pcg = make([]rand.PCG, post.n)
				h.rnd = make([]rand.Rand, post.n)
				for j := range h.pcg {
					h.pcg[j] = *rng.Source(n.seed, rng.Plastic, pr.key, nameKey(rs.Rule), uint64(j)) // keyed by the rule's name, not its position
					h.rnd[j] = *rand.New(&h.pcg[j])
				}
			}
			r = h
		case RuleScaling:
			p := rs.Scaling
			sc := &scalingRule{ruleBase: b, lam: p.Lambda, rate: p.RateHz, period: max(1, int64(math.Round(p.PeriodMs/n.dt)))}
			sc.perCount = 1000 / (float64(sc.period) * n.dt)
			sc.cnt = make([]int32, post.n)
			r = sc
		default:
			mr, ok, err := n.attachMemoryRule(rs, b, pr, pre, post, tpre, tpost)
			if err != nil {
				return fmt.Errorf("projection[%d] (%s).plasticity[%d]: %w", i, pr.Name, k, err)
			}
			if !ok {
				return fmt.Errorf("projection[%d] (%s).plasticity[%d]: rule %q is not implemented", i, pr.Name, k, rs.Rule)
			}
			r = mr
		}
		pr.rules = append(pr.rules, r)
	}
	if len(pr.rules) > 0 {
		// Initial weights outside the bounds are clipped into them.
		for _, r := range pr.rules {
			b := r.spec()
			for q, w := range pr.W {
				pr.W[q] = float32(clampW(float64(w), b.WMin, b.WMax))
			}
		}
		linkMemoryRules(pr)
	}
	return nil
}

// rowAddGo is rowAdd's portable loop.
func rowAddGo(w []float32, pos, pre []int32, x []float64, c, lo, hi float64) {
	pre = pre[:len(pos)]
	for e, q := range pos {
		w[q] = float32(clampW(float64(w[q])+float64(x[pre[e]]*c), lo, hi))
	}
}

// pairRule is pair-based additive STDP.
type pairRule struct {
	ruleBase
	aP, aM float64
	x, y   *trace // pre (τ+), post (τ−)
}

func (r *pairRule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post, y, x := pr.W, pr.PostIdx, r.y.x, r.x.x
	aM, aP := r.aM*r.y.f, r.aP*r.x.f // amplitudes × the traces' factors (trace values = S·F)
	for _, j := range c.pre {
		a, b := colSpan(pr, j, lo, hi, split)
		for q := a; q < b; q++ {
			W[q] = r.clip(float64(W[q]) - float64(aM*y[post[q]]))
		}
	}
	for _, i := range postSpan(c.post, lo, hi, split) {
		a, b := pr.rowPtr[i], pr.rowPtr[i+1]
		rowAdd(W, pr.rowPos[a:b], pr.rowPre[a:b], x, aP, r.wl, r.wh)
	}
}

// gutigRule is weight-dependent STDP (Gütig et al. 2003) with u = w/w_max.
type gutigRule struct {
	ruleBase
	lam, alpha, mu float64
	x, y           *trace
}

// pow returns u^μ for u clamped to [0, 1]: a weight stored as float32 can
// exceed w_max by a rounding (w_max = 0.1 is float32 0.10000000149), and
// (1 − u)^μ of a negative base is NaN for fractional μ.
func (r *gutigRule) pow(u float64) float64 {
	u = max(0, min(1, u))
	switch r.mu {
	case 0:
		return 1
	case 1:
		return u
	}
	return math.Pow(u, r.mu)
}

func (r *gutigRule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post, y, x := pr.W, pr.PostIdx, r.y.x, r.x.x
	wm := r.wh
	dep, pot := r.lam*r.alpha*r.y.f, r.lam*r.x.f
	for _, j := range c.pre {
		a, b := colSpan(pr, j, lo, hi, split)
		for q := a; q < b; q++ {
			u := float64(W[q]) / wm
			u -= float64(dep * r.pow(u) * y[post[q]])
			W[q] = r.clip(u * wm)
		}
	}
	for _, i := range postSpan(c.post, lo, hi, split) {
		for e := pr.rowPtr[i]; e < pr.rowPtr[i+1]; e++ {
			q := pr.rowPos[e]
			u := float64(W[q]) / wm
			u += float64(pot * r.pow(1-u) * x[pr.rowPre[e]])
			W[q] = r.clip(u * wm)
		}
	}
}

// vanRossumRule: additive LTP, multiplicative LTD.
type vanRossumRule struct {
	ruleBase
	cp, cd float64
	x, y   *trace
}

func (r *vanRossumRule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post, y, x := pr.W, pr.PostIdx, r.y.x, r.x.x
	cd, cp := r.cd*r.y.f, r.cp*r.x.f
	for _, j := range c.pre {
		a, b := colSpan(pr, j, lo, hi, split)
		for q := a; q < b; q++ {
			w := float64(W[q])
			W[q] = r.clip(w - float64(cd*w*y[post[q]]))
		}
	}
	for _, i := range postSpan(c.post, lo, hi, split) {
		a, b := pr.rowPtr[i], pr.rowPtr[i+1]
		rowAdd(W, pr.rowPos[a:b], pr.rowPre[a:b], x, cp, r.wl, r.wh)
	}
}

// tripletRule is triplet STDP with an optional sliding threshold.
type tripletRule struct {
	ruleBase
	a2p, a3p, a2m, a3m float64
	r1, r2, o1, o2     *trace
	hom                *trace // nil: fixed A2−
	homC               float64
}

func (r *tripletRule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post := pr.W, pr.PostIdx
	o1 := r.o1.x
	f1 := r.o1.f
	if len(c.pre) > 0 {
		var r2, hom []float64
		var f2, cH, fh float64
		if r.r2 != nil {
			r2, f2 = r.r2.x, r.a3m*r.r2.f
		}
		if r.hom != nil {
			hom = r.hom.x
			// o1·A2−(i) = S_o1·(F_o1·homC)·(S_h·F_h)²: the trace factors are
			// never multiplied together (each can be as small as e^{−500},
			// their product underflows to 0)
			cH, fh = f1*r.homC, r.hom.f
		}
		for _, j := range c.pre {
			a, b := colSpan(pr, j, lo, hi, split)
			if a == b {
				continue
			}
			d3 := 0.0
			if r2 != nil {
				d3 = f2 * r2[j]
			}
			if hom == nil {
				d := f1 * (r.a2m + d3)
				for q := a; q < b; q++ {
					W[q] = r.clip(float64(W[q]) - float64(o1[post[q]]*d))
				}
			} else {
				dd := f1 * d3
				for q := a; q < b; q++ {
					i := post[q]
					h := hom[i] * fh
					W[q] = r.clip(float64(W[q]) - float64(o1[i]*(float64(float64(cH*h)*h)+dd)))
				}
			}
		}
	}
	if ps := postSpan(c.post, lo, hi, split); len(ps) > 0 {
		r1, o2 := r.r1.x, r.o2.x
		fr, f3 := r.r1.f, r.a3p*r.o2.f
		for _, i := range ps {
			p := fr * (r.a2p + float64(f3*o2[i]))
			a, b := pr.rowPtr[i], pr.rowPtr[i+1]
			rowAdd(W, pr.rowPos[a:b], pr.rowPre[a:b], r1, p, r.wl, r.wh)
		}
	}
}

// istdpRule is the inhibitory STDP rule of Vogels et al. 2011.
type istdpRule struct {
	ruleBase
	eta, alpha float64
	x, y       *trace // pre, post (same τ)
}

func (r *istdpRule) events(c *plastCtx, lo, hi int32, split bool) {
	pr := c.pr
	W, post, y, x := pr.W, pr.PostIdx, r.y.x, r.x.x
	ey, ea, ex := r.eta*r.y.f, r.eta*r.alpha, r.eta*r.x.f
	for _, j := range c.pre {
		a, b := colSpan(pr, j, lo, hi, split)
		for q := a; q < b; q++ {
			W[q] = r.clip(float64(W[q]) + (float64(ey*y[post[q]]) - ea))
		}
	}
	for _, i := range postSpan(c.post, lo, hi, split) {
		a, b := pr.rowPtr[i], pr.rowPtr[i+1]
		rowAdd(W, pr.rowPos[a:b], pr.rowPre[a:b], x, ex, r.wl, r.wh)
	}
}

// homeoRule is additive rate homeostasis: every period, Δw = λ(n* − n_i)
// (+ noise) on every synapse onto post neuron i.
type homeoRule struct {
	ruleBase
	lam, target, sd float64
	step            float64 // quantisation step (0: none)
	period          int64
	cnt             []int32
	pcg             []rand.PCG
	rnd             []rand.Rand
}

func (r *homeoRule) periodSteps() int64 { return r.period }

func (r *homeoRule) events(c *plastCtx, lo, hi int32, split bool) {
	for _, i := range postSpan(c.post, lo, hi, split) {
		r.cnt[i]++
	}
}

func (r *homeoRule) observes() bool { return true }

func (r *homeoRule) periodic(c *plastCtx, lo, hi int32, apply bool) {
	if !apply {
		clear(r.cnt[lo:hi])
		return
	}
	pr := c.pr
	W := pr.W
	for i := lo; i < hi; i++ {
		d := r.lam * (r.target - float64(r.cnt[i]))
		r.cnt[i] = 0
		for e := pr.rowPtr[i]; e < pr.rowPtr[i+1]; e++ {
			q := pr.rowPos[e]
			v := float64(W[q]) + d
			if r.sd > 0 {
				v += float64(r.sd * r.rnd[i].NormFloat64())
			}
			if r.step > 0 {
				v = r.quantise(clampW(v, r.wl, r.wh), &r.rnd[i])
			}
			W[q] = r.clip(v)
		}
	}
}

// quantise rounds w (inside the bounds) to the grid wl + k·step, up with
// probability equal to the fractional part (stochastic rounding).
func (r *homeoRule) quantise(w float64, rnd *rand.Rand) float64 {
	x := (w - r.wl) / r.step
	k := math.Floor(x)
	if rnd.Float64() < x-k {
		k++
	}
	return r.wl + k*r.step
}

func (r *homeoRule) state() ruleState {
	s := ruleState{Counts: r.cnt}
	for i := range r.pcg {
		b, _ := r.pcg[i].MarshalBinary()
		s.PCG = append(s.PCG, b)
	}
	return s
}

func (r *homeoRule) restore(s ruleState) error {
	if len(s.Counts) != len(r.cnt) || len(s.PCG) != len(r.pcg) {
		return fmt.Errorf("homeostasis state of %d neurons (%d streams), network %d (%d)", len(s.Counts), len(s.PCG), len(r.cnt), len(r.pcg))
	}
	copy(r.cnt, s.Counts)
	for i := range r.pcg {
		if err := r.pcg[i].UnmarshalBinary(s.PCG[i]); err != nil {
			return err
		}
	}
	return nil
}

// scalingRule is multiplicative synaptic scaling.
type scalingRule struct {
	ruleBase
	lam, rate, perCount float64
	period              int64
	cnt                 []int32
}

func (r *scalingRule) periodSteps() int64 { return r.period }

func (r *scalingRule) events(c *plastCtx, lo, hi int32, split bool) {
	for _, i := range postSpan(c.post, lo, hi, split) {
		r.cnt[i]++
	}
}

func (r *scalingRule) observes() bool { return true }

func (r *scalingRule) periodic(c *plastCtx, lo, hi int32, apply bool) {
	if !apply {
		clear(r.cnt[lo:hi])
		return
	}
	pr := c.pr
	W := pr.W
	for i := lo; i < hi; i++ {
		f := 1 + float64(r.lam*(r.rate-float64(float64(r.cnt[i])*r.perCount)))
		r.cnt[i] = 0
		for e := pr.rowPtr[i]; e < pr.rowPtr[i+1]; e++ {
			q := pr.rowPos[e]
			W[q] = r.clip(float64(W[q]) * f)
		}
	}
}

func (r *scalingRule) state() ruleState { return ruleState{Counts: r.cnt} }

func (r *scalingRule) restore(s ruleState) error {
	if len(s.Counts) != len(r.cnt) {
		return fmt.Errorf("scaling state of %d neurons, network %d", len(s.Counts), len(r.cnt))
	}
	copy(r.cnt, s.Counts)
	return nil
}
