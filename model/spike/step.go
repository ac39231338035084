package spike

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Step advances the network by one dt, running the entries of its
// schedule (Net.Schedule) in order:
//
//	input      schedules and external events (step currents, given input
//	           spikes, spike sources); traces: add last step's spikes and
//	           decay; arrivals: spikes emitted D steps ago reach their
//	           synapses and their weights (read now, before this step's
//	           plasticity) enter the synaptic input; Poisson drive
//	integrate  V and synaptic state over dt with the arrivals, threshold,
//	           reset (parallel over neurons)
//	deliver    this step's spikes enter the spike history (delay lines)
//	plasticity event-driven rules: arrivals and postsynaptic spikes of this
//	           step, with every trace at its value before this step's
//	           events (parallel over postsynaptic ranges)
//	periodic   periodic operators (every T steps)
//	record     monitors (AddTask)
//	check      NaN/Inf, runaway rate
//
// Within the integrate phase each neuron, in order: propagates V exactly
// over dt with the synaptic state at the start of the step (delta: then
// adds the arriving jumps); decays the synaptic state and adds the
// arrivals to it; adds white noise; tests the threshold. So a spike
// emitted in step m with delay D steps acts at the end of step m + D,
// exactly D·dt after its spike time (m + 1)·dt; a spike's weight is its
// value after the plasticity of step m + D − 1.
//
// Step is allocation-free. It returns an error from a checker (non-finite
// state or weight, runaway rate) or a task, naming the population or
// projection and the time.
func (n *Net) Step() error {
	for si := range n.stages {
		st := &n.stages[si]
		if st.parallel {
			any := false
			for i, e := range st.entries {
				d := e.skip == nil || !e.skip()
				st.due[i] = d
				any = any || d
			}
			if any {
				n.pool.Run(st.run)
			}
			continue
		}
		for _, e := range st.entries {
			if err := e.ser(n.step); err != nil {
				n.step++
				return err
			}
		}
	}
	n.step++
	return nil
}

// Run calls Step steps times; after each step it calls after (if non-nil),
// which may stop the run by returning an error.
func (n *Net) Run(steps int64, after func() error) error {
	for s := int64(0); s < steps; s++ {
		if err := n.Step(); err != nil {
			return err
		}
		if after != nil {
			if err := after(); err != nil {
				return err
			}
		}
	}
	return nil
}

// external runs the serial part of the input phase: step currents, the
// rate levels of Poisson drives, given input spikes, and the spikes of
// spike-source populations.
func (n *Net) external() {
	for _, tr := range n.traces {
		tr.prepare(n.step, n.dt)
	}
	t := float64(n.step) * n.dt
	for _, p := range n.pops {
		if p.src != nil {
			slot := n.histSlot(p, n.step)
			p.hist[slot] = p.src.emit(n.step, p.hist[slot][:0])
			continue
		}
		b := p.baseBias
		for _, c := range p.steps {
			if t >= c.StartMs && t < c.StopMs {
				b += c.AmpMV
			}
		}
		p.stepBias = float32(b)
		for _, d := range p.drives {
			d.cur = d.cdfs[d.sched.at(n.step)]
		}
		for p.evPos < len(p.ev) && p.ev[p.evPos].step <= n.step {
			e := p.ev[p.evPos]
			if e.step == n.step {
				if e.inh {
					p.inI[e.id] += e.w
				} else {
					p.inE[e.id] += e.w
				}
			}
			p.evPos++
		}
	}
}

func (n *Net) histSlot(p *pop, s int64) int { return int(s % int64(n.histLen)) }

// advanceTraces adds last step's spikes to every trace (and rescales it
// when due), for worker k's range of each population; the factors of the
// step were set by external.
func (n *Net) advanceTraces(k int) {
	w := n.workers
	for _, t := range n.traces {
		lo, hi := k*t.pop.n/w, (k+1)*t.pop.n/w
		t.advance(n, n.step, lo, hi)
	}
}

// arrivals adds the weights of the spikes that arrive in this step (emitted
// DelaySteps ago) into the synaptic input of worker k's postsynaptic
// range. Each input entry receives its contributions in the same order
// (projection, then presynaptic id) for every worker count.
func (n *Net) arrivals(k int) {
	w := n.workers
	for _, pr := range n.projs {
		if pr.source {
			continue
		}
		s := n.step - int64(pr.DelaySteps)
		if s < 0 {
			continue
		}
		pre, post := n.pops[pr.Pre], n.pops[pr.Post]
		spk := pre.hist[s%int64(n.histLen)]
		if len(spk) == 0 {
			continue
		}
		in := post.inE
		if pr.inh {
			in = post.inI
		}
		lo, hi := int32(k*post.n/w), int32((k+1)*post.n/w)
		split := w > 1
		if pr.stp != nil { // every spike transmits its release u·x times the weight
			eff := pr.stp.eff
			for m, j := range spk {
				c := eff[m]
				if pr.subtract {
					c = -c
				}
				a, b := colSpan(pr, j, lo, hi, split)
				if pr.W == nil {
					scatterConst(in, pr.PostIdx[a:b], float32(c*pr.WConst))
				} else {
					if pr.lazy != nil {
						pr.lazy.settleColumn(j, a, b)
					}
					scatterScaledGo(in, pr.PostIdx[a:b], pr.W[a:b], c)
				}
			}
			continue
		}
		if pr.W == nil {
			c := pr.WConst
			if pr.subtract {
				c = -c
			}
			for _, j := range spk {
				a, b := colSpan(pr, j, lo, hi, split)
				scatterConst(in, pr.PostIdx[a:b], c)
			}
			continue
		}
		for _, j := range spk {
			a, b := colSpan(pr, j, lo, hi, split)
			if pr.lazy != nil {
				pr.lazy.settleColumn(j, a, b) // the delivered weights include the pending LTP
			}
			scatterAdd(in, pr.PostIdx[a:b], pr.W[a:b], pr.subtract)
		}
	}
}

// scatterAddGo is scatterAdd's portable loop.
func scatterAddGo(in []float32, idx []int32, w []float32, sub bool) {
	w = w[:len(idx)]
	if sub {
		for m, q := range idx {
			in[q] -= w[m]
		}
		return
	}
	for m, q := range idx {
		in[q] += w[m]
	}
}

// scatterConstGo is scatterConst's portable loop.
func scatterConstGo(in []float32, idx []int32, c float32) {
	for _, q := range idx {
		in[q] += c
	}
}

// drive adds the Poisson drive of worker k's range.
func (n *Net) drive(k int) {
	w := n.workers
	for _, p := range n.pops {
		if len(p.drives) == 0 {
			continue
		}
		lo, hi := k*p.n/w, (k+1)*p.n/w
		for _, d := range p.drives {
			if d.exc {
				d.draw(lo, hi, p.inE)
			} else {
				d.draw(lo, hi, p.inI)
			}
		}
	}
}

// deliver gathers the workers' spikes of this step into each neuron
// population's history slot (spike sources wrote theirs in the input
// phase).
func (n *Net) deliver() {
	for _, p := range n.pops {
		slot := n.histSlot(p, n.step)
		if p.src != nil {
			p.spiked = p.hist[slot]
			continue
		}
		h := p.hist[slot][:0]
		v := p.spikedV[:0]
		for k, s := range p.spk {
			h = append(h, s...)
			v = append(v, p.spkV[k]...)
		}
		p.hist[slot] = h
		p.spiked, p.spikedV = h, v
	}
}

// postRange is worker k's postsynaptic range of pr.
func (n *Net) postRange(pr *Projection, k int) (int32, int32) {
	w := n.workers
	return int32(k * pr.NPost / w), int32((k + 1) * pr.NPost / w)
}

func (n *Net) newPlastCtx(pr *Projection) *plastCtx {
	return &plastCtx{pr: pr, active: make([]bool, len(pr.rules)), on: make([]bool, len(pr.rules)), due: make([]bool, len(pr.rules))}
}

// preparePlasticity sets this step's arrivals, postsynaptic spikes and
// active rules of c; it reports whether there is anything to do.
func (n *Net) preparePlasticity(c *plastCtx) bool {
	pr := c.pr
	c.step = n.step
	c.pre, c.post = nil, nil
	if s := n.step - int64(pr.DelaySteps-pr.DendriticSteps); s >= 0 {
		c.pre = n.pops[pr.Pre].hist[s%int64(n.histLen)]
	}
	if s := n.step - int64(pr.DendriticSteps); s >= 0 {
		c.post = n.pops[pr.Post].hist[s%int64(n.histLen)]
	}
	c.postNow = n.pops[pr.Post].hist[n.step%int64(n.histLen)]
	t := float64(n.step+1) * n.dt
	any, cont := false, false
	for r, ru := range pr.rules {
		c.on[r] = ruleOn(ru.spec(), t)
		c.active[r] = c.on[r] || ru.observes()
		ru.prestep(c)
		any = any || c.active[r]
		cont = cont || (c.active[r] && ru.continuous())
	}
	return any && (cont || len(c.pre) > 0 || len(c.post) > 0)
}

// plasticity applies the active rules of c's projection to worker k's
// postsynaptic range, in rule order.
func (n *Net) plasticity(c *plastCtx, k int) {
	lo, hi := n.postRange(c.pr, k)
	split := n.workers > 1
	for r, ru := range c.pr.rules {
		if c.active[r] {
			ru.events(c, lo, hi, split)
		}
	}
}

func (n *Net) update(k int) {
	w := n.workers
	for _, p := range n.pops {
		if p.src != nil {
			continue
		}
		lo, hi := k*p.n/w, (k+1)*p.n/w
		if n.step%n.flushEvery == 0 {
			p.flushTiny(lo, hi)
		}
		p.spkV[k] = p.spkV[k][:0]
		if p.fastCOBA() && !n.forceGeneric {
			p.spk[k] = p.updateCOBA(k, lo, hi, p.spk[k][:0])
		} else if p.fastCOBAN() && !n.forceGeneric {
			p.spk[k] = p.updateCOBAN(k, lo, hi, p.spk[k][:0])
		} else if p.fastExp() && !n.forceGeneric {
			p.spk[k] = p.updateExp(k, lo, hi, p.spk[k][:0])
		} else if p.fastRise() && !n.forceGeneric {
			p.spk[k] = p.updateRise(k, lo, hi, p.spk[k][:0])
		} else if p.fastAIF() && !n.forceGeneric {
			p.spk[k] = p.updateAIF(k, lo, hi, p.spk[k][:0])
		} else {
			p.spk[k] = p.updateGeneric(k, lo, hi, p.spk[k][:0])
		}
	}
}

func (p *pop) fastCOBA() bool {
	return p.np.Synapse == COBA && p.np.Model == LIF && p.clamp && p.rnd == nil && p.gn == nil && p.th == nil && !p.extended()
}

// extended reports the conductance features only updateGeneric handles:
// rise times and adaptation conductances.
func (p *pop) extended() bool { return p.ger != nil || p.gir != nil || p.ga1 != nil || p.ga2 != nil }

// fastCOBAN: the Auryn-type conductance neuron (NMDA low-pass and/or a
// threshold jump, no absolute refractoriness, E_e = 0), deterministic.
func (p *pop) fastCOBAN() bool {
	return p.np.Synapse == COBA && p.np.Model == LIF && p.rnd == nil && (p.gn != nil || p.th != nil) &&
		p.nRef == 0 && p.eE == 0 && !p.extended()
}

func (p *pop) fastExp() bool {
	return p.np.Synapse == Exp && p.np.Model == LIF && p.clamp && p.rnd == nil && p.th == nil
}

// updateExp is the specialised kernel for deterministic current-based
// exponential LIF neurons with reset by value (the CUBA benchmark), for the
// neurons [lo, hi) of worker k; it computes exactly what updateGeneric
// computes for them, in the two passes of updateCOBA (expRun, then the
// refractory list).
func (p *pop) updateExp(k, lo, hi int, spk []int32) []int32 {
	v := p.v[lo:hi]
	n := len(v)
	re := p.inE[lo:hi][:n]
	ri := p.inI[lo:hi][:n]
	ge, gi, ref := p.ge[lo:hi][:n], p.gi[lo:hi][:n], p.ref[lo:hi][:n]
	lst := p.refList(k, ref)
	c := expK{vinf: p.el + p.stepBias, vth: p.vth, p11: p.p11, pE: p.pE, pI: p.pI, decE: p.decE, decI: p.decI}
	s0 := len(spk)
	for i := 0; i < n; i++ {
		var vi float32
		i, vi = expRun(i, v, ge, gi, re, ri, &c)
		if i < n {
			if ref[i] <= 0 {
				spk = append(spk, int32(lo+i))
				p.spkV[k] = append(p.spkV[k], vi)
				vi = p.vreset
				ref[i] = p.nRef
			}
			v[i] = vi // refractory neurons are clamped below
		}
	}
	p.refl[k] = p.clampRefractory(lst, v, ref, lo, spk[s0:])
	clear(re)
	clear(ri)
	return spk
}

// expK are the constants of expRun.
type expK struct {
	vinf, vth, p11, pE, pI, decE, decI float32
}

// expRun is the inner loop of updateExp's first pass from neuron i: V over
// the step (exact propagator) and the synaptic currents' decay plus
// arrivals. It returns the index of the first neuron with V ≥ θ (its
// currents are updated, its V is not) and that V, or len(v).
func expRun(i int, v, ge, gi, re, ri []float32, c *expK) (int, float32) {
	v = v[i:]
	n := len(v)
	ge, gi, re, ri = ge[i:][:n], gi[i:][:n], re[i:][:n], ri[i:][:n]
	vinf, vth, p11, pE, pI, decE, decI := c.vinf, c.vth, c.p11, c.pE, c.pI, c.decE, c.decI
	for j := range v {
		e, g := ge[j], gi[j]
		vi := vinf + float32((v[j]-vinf)*p11) + float32(e*pE) + float32(g*pI)
		ge[j] = float32(e*decE) + re[j]
		gi[j] = float32(g*decI) + ri[j]
		if vi >= vth {
			return i + j, vi
		}
		v[j] = vi
	}
	return i + n, 0
}

// clampRefractory is the second pass of updateCOBA and updateExp: the
// neurons of lst (local indices of the neurons with ref > 0 at the start
// of the step) get V ← V_reset and their counter decremented; lst is
// compacted to those still refractory, and the neurons that spiked in this
// step (spiked: population ids; lo is the offset of the range) are
// appended.
func (p *pop) clampRefractory(lst []int32, v []float32, ref []int32, lo int, spiked []int32) []int32 {
	vr := p.vreset
	m := 0
	for _, j := range lst {
		r := ref[j] - 1
		ref[j] = r
		v[j] = vr
		lst[m] = j
		if r > 0 {
			m++
		}
	}
	lst = lst[:m]
	if p.nRef > 0 {
		for _, j := range spiked {
			lst = append(lst, j-int32(lo))
		}
	}
	return lst
}

// cobaStep advances V over one step of τ_m dV/dt = num − G·V with num and
// G frozen (exponential Euler, exact for constant conductances). The
// kernels pass the conductances at the middle of the step, g·e^{−dt/(2τ_s)},
// which makes the scheme second order in dt (exponential midpoint rule):
// V' = V∞ + (V − V∞)e^{−x}, V∞ = num/G, x = G·dt/τ_m. The arguments are
// x and y = x·V∞ = (dt/τ_m)·num, which cobaCoef produces directly from the
// start-of-step conductances with one multiply-add per term. For x < 0.5
// e^{−x} is replaced by its (2,2) Padé approximant P(x)/Q(x),
// P = 1 − x/2 + x²/12, Q = 1 + x/2 + x²/12, whose relative error is below
// x⁵/720 ≤ 4.4e-5 (a V error below 1 µV per step for |V − V∞| ≤ 20 mV, far
// below the O(dt²) error of freezing the conductances); since Q − P = x the
// update is the single division V' = V + (y − x·V)/Q. Larger x (G > 100 at
// dt/τ_m = 0.005) uses cobaBig.
func cobaStep(v, x, y float32) float32 {
	if x < 0.5 {
		q := 1 + float32(x*(0.5+float32(x*(1.0/12))))
		return v + (y-float32(x*v))/q
	}
	return cobaBig(v, x, y)
}

// cobaBig is cobaStep for x ≥ 0.5: V∞ + (V − V∞)e^{−x} with V∞ = y/x. It
// is kept out of line so that the rare case does not crowd the registers
// of the callers.
//
//go:noinline
func cobaBig(v, x, y float32) float32 {
	vinf := y / x
	return vinf + float32((v-vinf)*expNegFast(x))
}

// cobaCoefs returns the per-step constants of cobaCoef: with a = dt/τ_m and
// the mid-step factors m_e, m_i, cE = a·m_e, cI = a·m_i, kE = cE·E_e and
// kI = cI·E_i. They are computed at the start of every kernel call (not at
// Build) so that changes of midE or midI (tests) take effect.
func (p *pop) cobaCoefs() (a, cE, cI, kE, kI float32) {
	a = p.dtTau
	cE, cI = float32(a*p.midE), float32(a*p.midI)
	return a, cE, cI, cE * p.eE, cI * p.eI
}

// riseE returns the rise part of neuron i's excitatory conductance (0 without a rise time).
func (p *pop) riseE(i int) float32 {
	if p.ger == nil {
		return 0
	}
	return p.ger[i]
}

// nmdaCoefs returns, for an NMDA population with fraction f, the factors
// of the AMPA and NMDA conductances in x and y of cobaStep: cEa = (1 − f)·cE,
// cN = f·dt/τ_m, kEa = cEa·E_e, kN = cN·E_e.
func (p *pop) nmdaCoefs(cE float32) (cEa, cN, kEa, kN float32) {
	cEa, cN = float32((1-p.fN)*cE), float32(p.fN*p.dtTau)
	return cEa, cN, cEa * p.eE, cN * p.eE
}

// cobaCoef returns x and y of cobaStep for the start-of-step conductances
// e, g and drive b = (dt/τ_m)·(E_L + I): x = a + e·cE + g·cI and
// y = b + e·kE + g·kI.
func cobaCoef(e, g, a, cE, cI, b, kE, kI float32) (x, y float32) {
	return a + float32(e*cE) + float32(g*cI), b + float32(e*kE) + float32(g*kI)
}

// flushTiny sets |x| < 1e-20 to zero in the synaptic and adaptation state
// of neurons [lo, hi). Decaying states of silent neurons would otherwise
// enter the float32 subnormal range (< 1.2e-38), where x86 arithmetic is
// 10–100× slower; Step calls it every flushEvery steps, fewer than the
// steps any state needs to decay from 1e-20 to 1e-38.
func (p *pop) flushTiny(lo, hi int) {
	for _, x := range [9][]float32{p.ge, p.gi, p.a, p.gn, p.th, p.ger, p.gir, p.ga1, p.ga2} {
		if x == nil {
			continue
		}
		for i := lo; i < hi; i++ {
			if v := x[i]; v < 1e-20 && v > -1e-20 {
				x[i] = 0
			}
		}
	}
}

// expNegFast returns e^{−x} for x ≥ 0 in float32 without calls (so that it
// inlines into the kernels): 2^{−x·log₂e} split into an integer power of
// two, built from the exponent bits, and 2^f = e^{f ln 2}, |f| ≤ 1/2, from a
// degree-6 Taylor polynomial (truncation error < 1.2e-7). The relative error
// is below 1e-5 for x < 80 (tested); results below 2^−126 flush to 0.
func expNegFast(x float32) float32 {
	t := float32(-x * 1.4426950408889634)
	t = max(t, -127) // 2^−127 → the zero bit pattern: flush to 0
	k := int32(t - 0.5)
	f := float32((t - float32(k)) * 0.6931471805599453)
	p := 1 + float32(f*(1+float32(f*(0.5+float32(f*(1.0/6+float32(f*(1.0/24+float32(f*(1.0/120+float32(f*(1.0/720))))))))))))
	return p * math.Float32frombits(uint32(k+127)<<23)
}

// expFast returns e^x in float32 for x ≤ 88 without calls: 2^{x·log₂e}
// split into the nearest integer power of two, built from the exponent
// bits, and 2^f = e^{f ln 2}, |f| ≤ 1/2, from a degree-6 Taylor polynomial
// (truncation error < 1.2e-7). The relative error is below
// 3e-7 + 1e-7·|x| (the float32 rounding of x·log₂e; tested on [−87, 20]);
// results below 2^−126 flush to 0. The AdEx
// exponential term uses it (x ≤ 20 there).
func expFast(x float32) float32 {
	t := float32(x * 1.4426950408889634)
	t = max(t, -127) // 2^−127 → the zero bit pattern: flush to 0
	k := int32(t+128.5) - 128
	f := float32((t - float32(k)) * 0.6931471805599453)
	p := 1 + float32(f*(1+float32(f*(0.5+float32(f*(1.0/6+float32(f*(1.0/24+float32(f*(1.0/120+float32(f*(1.0/720))))))))))))
	return p * math.Float32frombits(uint32(k+127)<<23)
}

// updateCOBA is the specialised kernel for deterministic conductance-based
// LIF neurons with reset by value (the Vogels–Abbott benchmark), for the
// neurons [lo, hi) of worker k. It computes exactly what updateGeneric
// computes for such a population, in two passes:
//
//  1. every neuron: V over the step (as if not refractory), conductance
//     decay plus arrivals. The inner loop touches only v, ge, gi and the
//     ring slot, makes no calls and leaves it only for the rare neurons
//     with x ≥ 0.5 or V ≥ θ, which cobaSlow finishes (threshold, reset,
//     refractory counter, spike record);
//  2. the refractory neurons only (p.refl[k], those with ref > 0 at the
//     start of the step): V ← V_reset, counter decremented, and the list
//     compacted; the neurons that spiked in pass 1 are appended.
//
// So the per-neuron loop carries no refractory branch, whose outcome is
// unpredictable in a network (≈ 9 % of the COBA neurons are refractory),
// and does not read or write ref. Refractory neurons are integrated in
// pass 1 like the others and overwritten in pass 2, which gives the same
// state as clamping them in pass 1.
func (p *pop) updateCOBA(k, lo, hi int, spk []int32) []int32 {
	v := p.v[lo:hi]
	n := len(v)
	re := p.inE[lo:hi][:n]
	ri := p.inI[lo:hi][:n]
	ge, gi, ref := p.ge[lo:hi][:n], p.gi[lo:hi][:n], p.ref[lo:hi][:n]
	lst := p.refList(k, ref)
	var c cobaK
	c.a, c.cE, c.cI, c.kE, c.kI = p.cobaCoefs()
	c.b = float32(c.a * (p.el + p.stepBias))
	c.vth, c.decE, c.decI = p.vth, p.decE, p.decI
	c.half, c.twelfth, c.one = 0.5, 1.0/12, 1
	run := cobaRun
	if c.kE == 0 {
		run = cobaRun0
	}
	s0 := len(spk)
	simd := c.kE == 0 && useAVX2
	if simd {
		p.kvec[k].fill(c.a, c.cE, c.cI, c.b, c.kI, c.half, c.twelfth, c.one, c.vth, c.decE, c.decI)
	}
	for i := 0; i < n; {
		end := n
		if simd {
			// whole chunks of 8 in AVX2 while none needs cobaSlow; the
			// chunk where it stopped (and the tail) in Go, bit for bit the same
			i = cobaRun0Chunks(i, v, ge, gi, re, ri, &p.kvec[k].k)
			end = min(i+8, n)
		}
		for j := i; j < end; j++ {
			var x, y float32
			j, x, y = run(j, v[:end], ge[:end], gi[:end], re[:end], ri[:end], &c)
			if j < end {
				spk = p.cobaSlow(k, j, lo, v, ref, x, y, spk)
			}
		}
		i = end
	}
	p.refl[k] = p.clampRefractory(lst, v, ref, lo, spk[s0:])
	clear(re)
	clear(ri)
	return spk
}

// cobaKLen is the number of constant rows of the AVX2 kernels.
const cobaKLen = 17

// kvec holds a kernel's constants, each repeated 8 times (one AVX2
// register), per worker.
type kvec struct{ k [cobaKLen][8]float32 }

func (kv *kvec) fill(vals ...float32) {
	for r, x := range vals {
		for l := range kv.k[r] {
			kv.k[r][l] = x
		}
	}
}

// updateCOBAN is the specialised kernel of fastCOBAN populations for the
// neurons [lo, hi) of worker k: what updateGeneric computes for them, with
// the state arrays gn and th present (a missing NMDA conductance or
// threshold jump uses zero arrays: f = 0, jump 0), in AVX2 chunks where
// available.
func (p *pop) updateCOBAN(k, lo, hi int, spk []int32) []int32 {
	v := p.v[lo:hi]
	n := len(v)
	re, ri := p.inE[lo:hi][:n], p.inI[lo:hi][:n]
	ge, gi := p.ge[lo:hi][:n], p.gi[lo:hi][:n]
	gn, th := p.gn, p.th
	if gn == nil { // no NMDA: a zero stand-in (f = 0, mulN = 0 keep it 0)
		gn = p.gnZero
	}
	if th == nil { // no threshold jump: zeros (decTh = 0, jump 0)
		th = p.thZero
	}
	gn, th = gn[lo:hi][:n], th[lo:hi][:n]
	a, cE, cI, _, kI := p.cobaCoefs()
	cEa, cN, _, _ := p.nmdaCoefs(cE)
	c := cobaNK{a: a, cEa: cEa, cN: cN, cI: cI, b: a * (p.el + p.stepBias), kI: kI, half: 0.5, twelfth: 1.0 / 12, one: 1,
		vth: p.vth, decE: p.decE, decI: p.decI, mulN: p.mulN, decTh: p.decTh}
	simd := useAVX2
	if simd {
		p.kvec[k].fill(c.a, c.cEa, c.cN, c.cI, c.b, c.kI, c.half, c.twelfth, c.one, c.vth, c.decE, c.decI, c.mulN, c.decTh)
	}
	for i := 0; i < n; {
		end := n
		if simd {
			i = cobaRunNChunks(i, v, ge, gi, gn, th, re, ri, &p.kvec[k].k)
			end = min(i+8, n)
		}
		for j := i; j < end; j++ {
			j = cobaRunN(j, v[:end], ge[:end], gi[:end], gn[:end], th[:end], re[:end], ri[:end], &c)
			if j < end {
				spk = p.cobaSlowN(k, j, lo, v, ge, gi, gn, th, re, ri, &c, spk)
			}
		}
		i = end
	}
	clear(re)
	clear(ri)
	return spk
}

// cobaNK are the constants of cobaRunN.
type cobaNK struct {
	a, cEa, cN, cI, b, kI, half, twelfth, one, vth, decE, decI, mulN, decTh float32
}

// cobaRunN is the inner loop of updateCOBAN from neuron i: it returns the
// first neuron that needs cobaSlowN (x ≥ ½ or V ≥ θ + θ_d), left
// untouched, or len(v).
func cobaRunN(i int, v, ge, gi, gn, th, re, ri []float32, c *cobaNK) int {
	v = v[i:]
	n := len(v)
	ge, gi, gn, th, re, ri = ge[i:][:n], gi[i:][:n], gn[i:][:n], th[i:][:n], re[i:][:n], ri[i:][:n]
	a, cEa, cN, cI, b, kI := c.a, c.cEa, c.cN, c.cI, c.b, c.kI
	half, twelfth, one, vth := c.half, c.twelfth, c.one, c.vth
	for j := range v {
		e, nm, g := ge[j], gn[j], gi[j]
		x := a + float32(e*cEa) + float32(nm*cN) + float32(g*cI)
		y := b + float32(g*kI)
		if x >= half {
			return i + j
		}
		vi := v[j]
		vi += (y - float32(x*vi)) / (one + float32(x*(half+float32(x*twelfth))))
		t := float32(th[j] * c.decTh)
		if vi >= vth+t {
			return i + j
		}
		v[j], th[j] = vi, t
		gn[j] = nm + float32((e-nm)*c.mulN)
		ge[j] = float32(e*c.decE) + re[j]
		gi[j] = float32(g*c.decI) + ri[j]
	}
	return i + n
}

// cobaSlowN finishes neuron i of updateCOBAN as updateGeneric does: V over
// the step (cobaStep, also for x ≥ ½), the conductances, the dynamic
// threshold, and the spike with reset and threshold jump.
func (p *pop) cobaSlowN(k, i, lo int, v, ge, gi, gn, th, re, ri []float32, c *cobaNK, spk []int32) []int32 {
	e, nm, g := ge[i], gn[i], gi[i]
	x := c.a + float32(e*c.cEa) + float32(nm*c.cN) + float32(g*c.cI)
	y := c.b + float32(g*c.kI)
	vi := cobaStep(v[i], x, y)
	gn[i] = nm + float32((e-nm)*c.mulN)
	ge[i] = float32(e*c.decE) + re[i]
	gi[i] = float32(g*c.decI) + ri[i]
	t := float32(th[i] * c.decTh)
	th[i] = t
	if vi >= c.vth+t {
		spk = append(spk, int32(lo+i))
		p.spkV[k] = append(p.spkV[k], vi)
		vi = p.vreset
		th[i] = p.thJump
	}
	v[i] = vi
	return spk
}

// cobaK are the constants of cobaRun. The literals 0.5, 1/12 and 1 are
// passed as values too: the compiler reloads a literal from memory at every
// use but keeps a variable in a register (the loop is limited by memory
// operations as much as by arithmetic).
type cobaK struct {
	a, cE, cI, b, kE, kI, vth, decE, decI float32
	half, twelfth, one                    float32 // 0.5, 1/12, 1
}

// cobaRun is the inner loop of updateCOBA's pass 1 from neuron i:
// conductance decay and arrivals, and V over the step. It returns the
// index of the first neuron whose V it leaves to cobaSlow (x ≥ 0.5 or
// V ≥ θ; its conductances are already updated, its V is not), with that
// neuron's x and y, or len(v). It is a separate function, and every
// constant is a local copy, so that the loop runs from registers.
func cobaRun(i int, v, ge, gi, re, ri []float32, c *cobaK) (int, float32, float32) {
	v = v[i:]
	n := len(v)
	ge, gi, re, ri = ge[i:][:n], gi[i:][:n], re[i:][:n], ri[i:][:n]
	a, cE, cI, b, kE, kI := c.a, c.cE, c.cI, c.b, c.kE, c.kI
	vth, decE, decI := c.vth, c.decE, c.decI
	half, twelfth, one := c.half, c.twelfth, c.one
	for j := range v {
		e0, g0 := ge[j], gi[j]
		x, y := cobaCoef(e0, g0, a, cE, cI, b, kE, kI)
		ge[j] = float32(e0*decE) + re[j]
		gi[j] = float32(g0*decI) + ri[j]
		if x >= half {
			return i + j, x, y
		}
		vi := v[j]
		vi += (y - float32(x*vi)) / (one + float32(x*(half+float32(x*twelfth))))
		if vi >= vth {
			return i + j, x, y
		}
		v[j] = vi
	}
	return i + n, 0, 0
}

// cobaRun0 is cobaRun for kE = 0 (E_e = 0, the usual case): it drops the
// term e0·kE of y, saving a multiply-add per neuron. The result is the
// same bit for bit (up to the sign of a zero y when b = −0): b + e0·0 = b
// for finite e0, and a non-finite e0 makes x non-finite, so that V is NaN
// or the neuron goes to cobaSlow in both.
func cobaRun0(i int, v, ge, gi, re, ri []float32, c *cobaK) (int, float32, float32) {
	v = v[i:]
	n := len(v)
	ge, gi, re, ri = ge[i:][:n], gi[i:][:n], re[i:][:n], ri[i:][:n]
	a, cE, cI, b, kI := c.a, c.cE, c.cI, c.b, c.kI
	vth, decE, decI := c.vth, c.decE, c.decI
	half, twelfth, one := c.half, c.twelfth, c.one
	for j := range v {
		e0, g0 := ge[j], gi[j]
		y := b + float32(g0*kI)
		x := a + float32(e0*cE) + float32(g0*cI)
		ge[j] = float32(e0*decE) + re[j]
		gi[j] = float32(g0*decI) + ri[j]
		if x >= half {
			return i + j, x, y
		}
		vi := v[j]
		vi += (y - float32(x*vi)) / (one + float32(x*(half+float32(x*twelfth))))
		if vi >= vth {
			return i + j, x, y
		}
		v[j] = vi
	}
	return i + n, 0, 0
}

// cobaSlow finishes neuron i of updateCOBA's pass 1 (local index; lo is
// the offset of the range) from its x and y: V over the step, and the
// threshold test with reset and spike record.
func (p *pop) cobaSlow(k, i, lo int, v []float32, ref []int32, x, y float32, spk []int32) []int32 {
	vi := cobaStep(v[i], x, y)
	if ref[i] <= 0 && vi >= p.vth {
		spk = append(spk, int32(lo+i))
		p.spkV[k] = append(p.spkV[k], vi)
		vi = p.vreset
		ref[i] = p.nRef
	}
	v[i] = vi // refractory neurons are clamped in pass 2
	return spk
}

// refList returns worker k's list of refractory neurons (local indices
// into ref, which is that worker's range) for updateCOBA and updateExp,
// rebuilding it from ref after Build or Restore.
func (p *pop) refList(k int, ref []int32) []int32 {
	if p.refOK[k] {
		return p.refl[k]
	}
	lst := p.refl[k][:0]
	for j, r := range ref {
		if r > 0 {
			lst = append(lst, int32(j))
		}
	}
	p.refl[k] = lst
	p.refOK[k] = true
	return lst
}

func (p *pop) updateGeneric(k, lo, hi int, spk []int32) []int32 {
	re := p.inE
	ri := p.inI
	bias := p.stepBias
	el, vr, nRef := p.el, p.vreset, p.nRef
	ca, cE, cI, kE, kI := p.cobaCoefs()
	for i := lo; i < hi; i++ {
		inE, inI := re[i], ri[i]
		re[i], ri[i] = 0, 0
		var r *rand.Rand
		if p.rnd != nil {
			r = &p.rnd[i]
		}
		I := bias
		if p.ou != nil {
			x := p.ou[i]
			I += x
			p.ou[i] = p.ouMu + float32((x-p.ouMu)*p.ouDec) + float32(p.ouSD*float32(r.NormFloat64()))
		}
		v := p.v[i]
		v0 := v
		if p.w != nil { // AdEx: exponential term and adaptation frozen over the step
			vT := p.vT
			if p.th != nil { // adaptive soft threshold (EIF of LKD), at its start-of-step value
				vT += p.th[i]
			}
			x := float32((v - vT) * p.invDT)
			if x > 20 {
				x = 20
			}
			I += float32(p.dTh*expFast(x)) - p.w[i]
		}
		refr := p.ref[i] > 0
		if refr {
			p.ref[i]--
		}
		held := refr && p.clamp
		switch p.np.Synapse {
		case Delta:
			if held {
				v = vr
			} else {
				vinf := el + I
				v = vinf + float32((v-vinf)*p.p11) + inE + inI
			}
		case Exp:
			e, g := p.ge[i], p.gi[i]
			if held {
				v = vr
			} else {
				vinf := el + I
				v = vinf + float32((v-vinf)*p.p11) + float32(e*p.pE) + float32(g*p.pI)
			}
			p.ge[i] = float32(e*p.decE) + inE
			p.gi[i] = float32(g*p.decI) + inI
		case COBA:
			e, g := p.ge[i], p.gi[i]
			if p.ger != nil || p.gir != nil {
				// Mid-step conductances: differences of exponentials (decay
				// part minus rise part), adaptation conductances with the
				// inhibitory ones (reversal E_i), NMDA at the start of the step.
				em, gm := float32(e*p.midE), float32(g*p.midI)
				if p.ger != nil {
					em -= float32(p.ger[i] * p.midRE)
				}
				if p.gir != nil {
					gm -= float32(p.gir[i] * p.midRI)
				}
				if p.ga1 != nil {
					gm += float32(p.ga1[i] * p.midA1)
				}
				if p.ga2 != nil {
					gm += float32(p.ga2[i] * p.midA2)
				}
				if p.gn != nil {
					em = float32((1-p.fN)*em) + float32(p.fN*p.gn[i])
				}
				if held {
					v = vr
				} else {
					x := ca + float32(em*ca) + float32(gm*ca)
					y := float32(ca*(el+I)) + float32(em*ca*p.eE) + float32(gm*ca*p.eI)
					v = cobaStep(v, x, y)
				}
				if p.gn != nil {
					n := p.gn[i]
					p.gn[i] = n + float32((e-p.riseE(i)-n)*p.mulN)
				}
				p.ge[i] = float32(e*p.decE) + float32(inE*p.nrmE)
				p.gi[i] = float32(g*p.decI) + float32(inI*p.nrmI)
				if p.ger != nil {
					p.ger[i] = float32(p.ger[i]*p.decRE) + float32(inE*p.nrmE)
				}
				if p.gir != nil {
					p.gir[i] = float32(p.gir[i]*p.decRI) + float32(inI*p.nrmI)
				}
				if p.ga1 != nil {
					p.ga1[i] *= p.decA1
				}
				if p.ga2 != nil {
					p.ga2[i] *= p.decA2
				}
				break
			}
			// adaptation conductances (reversal E_i) at mid-step: A·dt/τ_m
			// joins x and A·dt/τ_m·E_i joins y
			var A float32
			hasA := p.ga1 != nil || p.ga2 != nil
			if p.ga1 != nil {
				A = float32(p.ga1[i] * p.midA1)
			}
			if p.ga2 != nil {
				A += float32(p.ga2[i] * p.midA2)
			}
			if held {
				v = vr
			} else if p.gn != nil {
				// AMPA at mid-step (as cobaCoef), NMDA at the start of the step
				cEa, cN, kEa, kN := p.nmdaCoefs(cE)
				n := p.gn[i]
				x := ca + float32(e*cEa) + float32(n*cN) + float32(g*cI)
				y := float32(ca*(el+I)) + float32(e*kEa) + float32(n*kN) + float32(g*kI)
				if hasA {
					aca := float32(A * ca)
					x += aca
					y += float32(aca * p.eI)
				}
				v = cobaStep(v, x, y)
			} else {
				x, y := cobaCoef(e, g, ca, cE, cI, float32(ca*(el+I)), kE, kI)
				if hasA {
					aca := float32(A * ca)
					x += aca
					y += float32(aca * p.eI)
				}
				v = cobaStep(v, x, y)
			}
			if p.gn != nil {
				n := p.gn[i]
				p.gn[i] = n + float32((e-n)*p.mulN)
			}
			p.ge[i] = float32(e*p.decE) + inE
			p.gi[i] = float32(g*p.decI) + inI
			if p.ga1 != nil {
				p.ga1[i] *= p.decA1
			}
			if p.ga2 != nil {
				p.ga2[i] *= p.decA2
			}
		}
		if !held && p.noiseSD > 0 {
			v += float32(p.noiseSD * float32(r.NormFloat64()))
		}
		theta := p.vth
		if p.th != nil {
			d := float32(p.th[i] * p.decTh)
			p.th[i] = d
			if p.w == nil { // AdEx: the jump acts on the soft threshold (above)
				theta += d
			}
		}
		if p.a != nil {
			a := float32(p.a[i] * p.decA)
			p.a[i] = a
			theta += float32(p.beta * a)
		}
		if p.w != nil {
			wi := p.w[i]
			winf := float32(p.adA * (v0 - el))
			p.w[i] = winf + float32((wi-winf)*p.decW)
		}
		spike := !refr && v >= theta
		if !spike && p.bridge && !refr {
			d0, d1 := float64(theta-v0), float64(theta-v)
			if d0 > 0 && d1 > 0 {
				if arg := 2 * d0 * d1 / p.bridgeVar; arg < p.bridgeTh && r.Float64() < math.Exp(-arg) {
					spike = true
				}
			}
		}
		if spike {
			spk = append(spk, int32(i))
			p.spkV[k] = append(p.spkV[k], v)
			if p.clamp {
				v = vr
			} else {
				v -= theta - vr
			}
			p.ref[i] = nRef
			if p.th != nil {
				p.th[i] = p.thJump
			}
			if p.ga1 != nil {
				p.ga1[i] += p.jA1
			}
			if p.ga2 != nil {
				p.ga2[i] += p.jA2
			}
			if p.a != nil {
				p.a[i]++
			}
			if p.w != nil {
				p.w[i] += p.adB
			}
		}
		p.v[i] = v
	}
	return spk
}

func lowerBound(a []int32, x int32) int {
	lo, hi := 0, len(a)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if a[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// check runs the checkers at the end of the step being computed: a
// NaN/Inf scan of the neuron state every EverySteps steps together with a
// slice of the plastic weights (all of them once every WeightScanSteps
// steps), and the runaway-rate checker over windows of neuron populations.
func (n *Net) check() error {
	done := n.step + 1 // steps completed with this one
	t := float64(done) * n.dt
	if done%int64(n.checks.EverySteps) == 0 {
		for _, p := range n.pops {
			for vi, x := range [3][]float32{p.v, p.ge, p.gi} {
				for i, val := range x {
					// All exponent bits set: ±Inf or NaN.
					if math.Float32bits(val)&0x7f800000 == 0x7f800000 {
						name := [3]string{"v", "ge", "gi"}[vi]
						return fmt.Errorf("spike: population %q: non-finite %s = %v (neuron %d) at t = %.2f ms", p.name, name, val, i, t)
					}
				}
			}
		}
		scans := max(1, int64(n.checks.WeightScanSteps)/int64(n.checks.EverySteps))
		for _, pr := range n.projs {
			if !pr.Plastic() || len(pr.W) == 0 {
				continue
			}
			chunk := int((int64(len(pr.W)) + scans - 1) / scans)
			a := pr.chk
			b := min(a+chunk, len(pr.W))
			for q := a; q < b; q++ {
				if math.Float32bits(pr.W[q])&0x7f800000 == 0x7f800000 {
					j := sort32Search(pr.ColPtr, int64(q))
					return fmt.Errorf("spike: projection %q: non-finite weight %v (synapse %d→%d) found at t = %.2f ms (weights are scanned once every %d steps)",
						pr.Name, pr.W[q], j, pr.PostIdx[q], t, n.checks.WeightScanSteps)
				}
			}
			pr.chk = b
			if b >= len(pr.W) {
				pr.chk = 0
			}
		}
	}
	for _, p := range n.pops {
		p.winCount += int64(len(p.spiked))
	}
	if done%n.winStep == 0 {
		win := float64(n.winStep) * n.dt / 1000
		for _, p := range n.pops {
			rate := float64(p.winCount) / (float64(p.n) * win)
			p.winCount = 0
			if p.src == nil && n.checks.MaxRateHz > 0 && rate > n.checks.MaxRateHz {
				return fmt.Errorf("spike: population %q: runaway rate %.1f Hz above max_rate_hz = %v in the %.0f ms window ending at t = %.2f ms",
					p.name, rate, n.checks.MaxRateHz, win*1000, t)
			}
		}
	}
	return nil
}
