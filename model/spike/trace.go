package spike

import (
	"fmt"
	"math"
)

// trace is a per-neuron spike trace of one population, as seen at
// synapses DelaySteps after the spikes: τ dx/dt = −x, x += 1 at each
// (delayed) spike, or x = 1 for a nearest-spike trace. Rules with the same
// population, τ, delay, kind and initial value share one trace.
//
// Timing: during the plasticity phase of step a (time t_a = (a + 1)·dt)
// the trace's value is X_a = x0·e^{−t_a/τ} + Σ_e e^{−(t_a − t_e)/τ} over
// its events e < a (an event of step e, at t_e = (e + 1)·dt, is a spike of
// step e − delay), i.e. its value just before the events of step a
// (t − ε); x0 is the initial value.
//
// Representation: the decay is not applied to every neuron at every step.
// Each neuron holds the scaled sum S = X·e^{(t − T_B)/τ} relative to a
// base time T_B = b·dt, so an event of step e adds e^{(t_e − T_B)/τ} (a
// nearest-spike event sets S to it), and the value is X_a = S·F_a with one
// factor F_a = e^{−(t_a − T_B)/τ} per trace and step, which rules fold into
// their amplitudes. When (t_a − T_B)/τ exceeds rescaleAt the sums are
// multiplied by e^{−(t_a − T_B)/τ} and the base moves to t_a, so S stays
// below e^{rescaleAt} times the event count. The cost per step is the
// events, not the population size.
type trace struct {
	pop     *pop
	tauMs   float64
	delay   int
	nearest bool
	init    float64
	x       []float64 // S, the scaled sums
	base    int64     // b: T_B = b·dt
	f       float64   // F_a of the step being computed
	g       float64   // the increment of this step's events, e^{(t_e − T_B)/τ}
	rescale float64   // ≠ 0: multiply every S by it in this step's advance (base moved)
}

// rescaleAt bounds (t − T_B)/τ of a trace: e^500 ≈ 1.4e217 leaves room for
// 10^90 events before float64 overflows.
const rescaleAt = 500

func (t *trace) String() string {
	kind := "all-to-all"
	if t.nearest {
		kind = "nearest"
	}
	s := fmt.Sprintf("%s τ = %g ms (%s", t.pop.name, t.tauMs, kind)
	if t.delay > 0 {
		s += fmt.Sprintf(", %d-step delay", t.delay)
	}
	return s + ")"
}

// traceFor returns the trace of p with the given time constant, delay
// (steps), kind and initial value, creating it on first use.
func (n *Net) traceFor(p *pop, tauMs float64, delay int, nearest bool, init float64) *trace {
	for _, t := range p.traces {
		if t.tauMs == tauMs && t.delay == delay && t.nearest == nearest && t.init == init {
			return t
		}
	}
	t := &trace{pop: p, tauMs: tauMs, delay: delay, nearest: nearest, init: init, x: make([]float64, p.n)}
	for i := range t.x {
		t.x[i] = init
	}
	p.traces = append(p.traces, t)
	n.traces = append(n.traces, t)
	return t
}

// prepare sets the factors of step a (serially, before the parallel
// advance): the read factor F_a, the increment of the events of step a − 1,
// and a rescale when the base has fallen rescaleAt time constants behind.
func (t *trace) prepare(a int64, dt float64) {
	t.rescale = 0
	if u := float64(a+1-t.base) * dt / t.tauMs; u > rescaleAt {
		t.rescale = math.Exp(-float64(a-t.base) * dt / t.tauMs)
		t.base = a
	}
	t.g = math.Exp(float64(a-t.base) * dt / t.tauMs) // events of step a − 1: t_e = a·dt
	t.f = math.Exp(-float64(a+1-t.base) * dt / t.tauMs)
}

// value returns X_a of neuron i (during step a, after prepare).
func (t *trace) value(i int) float64 { return t.x[i] * t.f }

// advance rescales (when due) and adds the events of step a − 1 (spikes of
// step a − 1 − delay, from the population's history) for neurons [lo, hi);
// it runs in the input phase of step a.
func (t *trace) advance(n *Net, a int64, lo, hi int) {
	if t.rescale != 0 {
		r := t.rescale
		x := t.x[lo:hi]
		for i := range x {
			x[i] *= r
		}
	}
	s := a - 1 - int64(t.delay)
	if s < 0 {
		return
	}
	ids := t.pop.hist[s%int64(n.histLen)]
	if len(ids) == 0 {
		return
	}
	g := t.g
	for _, i := range ids[lowerBound(ids, int32(lo)):] {
		if int(i) >= hi {
			break
		}
		if t.nearest {
			t.x[i] = g
		} else {
			t.x[i] += g
		}
	}
}
