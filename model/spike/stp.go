package spike

import "math"

// stpState is the Tsodyks–Markram state of a projection's presynaptic
// neurons (STPParams) and the releases of the spikes arriving in the
// current step.
type stpState struct {
	p    STPParams
	dt   float64
	x, u []float32
	last []int64   // step of each neuron's last arrival (−1: none)
	eff  []float32 // u·x released by the k-th arriving spike of this step
}

func newSTP(p STPParams, n int, dt float64) *stpState {
	s := &stpState{p: p, dt: dt, x: make([]float32, n), u: make([]float32, n), last: make([]int64, n)}
	for j := range s.x {
		s.x[j], s.u[j], s.last[j] = 1, float32(p.U), -1
	}
	return s
}

// release computes the releases of the spikes spk arriving in step a and
// updates their neurons' x and u: relaxation since the last arrival
// (exact), then release and depletion/facilitation in the configured order.
func (s *stpState) release(a int64, spk []int32) {
	s.eff = s.eff[:0]
	U := s.p.U
	for _, j := range spk {
		x, u := float64(s.x[j]), float64(s.u[j])
		if l := s.last[j]; l >= 0 {
			h := float64(a-l) * s.dt
			x = 1 - float64((1-x)*math.Exp(-h/s.p.TauDMs))
			u = U + float64((u-U)*math.Exp(-h/s.p.TauFMs))
		}
		var e float64
		if s.p.FacilitateFirst {
			u += float64(U * (1 - u))
			e = u * x
			x -= e
		} else {
			e = u * x
			x -= e
			u += float64(U * (1 - u))
		}
		s.x[j], s.u[j], s.last[j] = float32(x), float32(u), a
		s.eff = append(s.eff, float32(e))
	}
}

// stp runs the short-term plasticity of every projection that has it for
// the spikes arriving in this step (serially: a handful of spikes).
func (n *Net) stp() {
	for _, pr := range n.projs {
		if pr.stp == nil {
			continue
		}
		s := n.step - int64(pr.DelaySteps)
		if s < 0 {
			pr.stp.eff = pr.stp.eff[:0]
			continue
		}
		pr.stp.release(n.step, n.pops[pr.Pre].hist[s%int64(n.histLen)])
	}
}

// scatterScaledGo adds c·w[m] to in[idx[m]] (c < 0 subtracts).
func scatterScaledGo(in []float32, idx []int32, w []float32, c float32) {
	w = w[:len(idx)]
	for m, q := range idx {
		in[q] += float32(c * w[m])
	}
}
