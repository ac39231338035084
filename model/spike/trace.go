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
// Timing: during the plasticity phase of step a the trace holds
// Σ_e e^{−(a − s_e)dt/τ} over its events s_e < a (an event of step s is a
// spike of step s − delay), i.e. its value just before the events of step
// a (t − ε). The input phase of step a + 1 adds the events of step a and
// decays by one step: x ← e^{−dt/τ}(x + n_a).
type trace struct {
	pop     *pop
	tauMs   float64
	delay   int
	nearest bool
	init    float64
	dec     float64
	x       []float64
}

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
	t := &trace{pop: p, tauMs: tauMs, delay: delay, nearest: nearest, init: init, dec: math.Exp(-n.dt / tauMs),
		x: make([]float64, p.n)}
	for i := range t.x {
		t.x[i] = init
	}
	p.traces = append(p.traces, t)
	n.traces = append(n.traces, t)
	return t
}

// advance adds the events of step a−1 (spikes of step a−1−delay, from
// the population's history) and decays the values of neurons [lo, hi) by
// one step; it runs in the input phase of step a.
func (t *trace) advance(n *Net, a int64, lo, hi int) {
	x := t.x[lo:hi]
	s := a - 1 - int64(t.delay)
	if s >= 0 {
		ids := t.pop.hist[s%int64(n.histLen)]
		if len(ids) > 0 {
			i0 := lowerBound(ids, int32(lo))
			for _, i := range ids[i0:] {
				if int(i) >= hi {
					break
				}
				if t.nearest {
					t.x[i] = 1
				} else {
					t.x[i]++
				}
			}
		}
	}
	scaleFlush(x, t.dec)
}

// scaleFlushGo is x ← d·x with values below 1e-30 set to 0 (no
// subnormals; 1e-30 of one jump is below every use of a trace); the AVX2
// kernel computes the same bits.
func scaleFlushGo(x []float64, d float64) {
	for i := range x {
		v := x[i] * d
		if v < 1e-30 {
			v = 0
		}
		x[i] = v
	}
}
