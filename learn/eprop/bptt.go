package eprop

// Grad holds a gradient (or an update) in the layout of Net's weights.
type Grad struct {
	WIn, WRec, WOut, BOut []float64
}

// NewGrad returns a zero gradient shaped like p's network.
func NewGrad(p Params) *Grad {
	return &Grad{WIn: make([]float64, p.NIn*p.NRec), WRec: make([]float64, p.NRec*p.NRec),
		WOut: make([]float64, p.NRec*p.NOut), BOut: make([]float64, p.NOut)}
}

// Zero clears g.
func (g *Grad) Zero() {
	clear(g.WIn)
	clear(g.WRec)
	clear(g.WOut)
	clear(g.BOut)
}

// Slices returns the parameter blocks in a fixed order (WIn, WRec, WOut,
// BOut), the order optimisers and checkpoints use.
func (g *Grad) Slices() [][]float64 { return [][]float64{g.WIn, g.WRec, g.WOut, g.BOut} }

// BPTTMode selects which paths BPTT follows.
type BPTTMode int

const (
	// Full is the exact gradient of the discrete dynamics (with the
	// pseudo-derivative for ∂z/∂v).
	Full BPTTMode = iota
	// CutZ stops the gradient through z^{t−1} in the recurrent input and
	// the reset term (the adaptation's own-spike path is kept): symmetric
	// e-prop equals this (spec §5, EP-2).
	CutZ
)

// BPTT adds to g the gradient of the loss whose partial derivatives are in
// each record's DY and DZ (float64 reference: exact backpropagation
// through the discrete dynamics, O(T·(N² + N·n_in)) per trial; meant for
// tests and small networks). If lz is non-nil, lz[b] (T×NRec) receives
// trial b's learning signal dE/dz^t excluding the path through the
// neuron's own adaptation a^{t+1} (the "total" dE/dz of eq. 1, spec §4).
func (n *Net) BPTT(recs []*Record, mode BPTTMode, g *Grad, lz [][]float64) {
	p := &n.P
	N, NI, NO := p.NRec, p.NIn, p.NOut
	alpha, rho, kappa := p.Alpha(), p.Rho(), p.Kappa()
	cin, cout, vth := p.InScale(), p.OutScale(), p.VTh
	dv1 := make([]float64, N) // δv^{t+1}
	da1 := make([]float64, N) // δa^{t+1}
	dy1 := make([]float64, NO)
	dz := make([]float64, N)
	for b, rec := range recs {
		T := rec.T
		clear(dv1)
		clear(da1)
		clear(dy1)
		for t := T - 1; t >= 0; t-- {
			// δy^t = ∂E/∂y^t + κ δy^{t+1}
			for k := 0; k < NO; k++ {
				dy1[k] = rec.DY[t*NO+k] + kappa*dy1[k]
				g.BOut[k] += dy1[k]
			}
			Z, Psi := rec.Z[t*N:(t+1)*N], rec.Psi[t*N:(t+1)*N]
			for j := 0; j < N; j++ {
				s := rec.DZ[t*N+j]
				for k := 0; k < NO; k++ {
					s += cout * n.WOut[j*NO+k] * dy1[k]
					g.WOut[j*NO+k] += cout * Z[j] * dy1[k]
				}
				if mode == Full && t+1 < T {
					for l := 0; l < N; l++ {
						s += cin * n.WRec[j*N+l] * dv1[l]
					}
					s -= vth * dv1[j]
				}
				if lz != nil {
					lz[b][t*N+j] = s
				}
				dz[j] = s + da1[j] // the own-spike path into a^{t+1}
			}
			for j := 0; j < N; j++ {
				dv := alpha*dv1[j] + Psi[j]*dz[j]
				da1[j] = rho*da1[j] - n.Beta[j]*Psi[j]*dz[j]
				dv1[j] = dv // now δv^t
			}
			// ∂v^t/∂W^in_ji = c x_i^t, ∂v^t/∂W^rec_ji = c z_i^{t−1}
			for i := 0; i < NI; i++ {
				if x := rec.X[t*NI+i]; x != 0 {
					axpy(g.WIn[i*N:(i+1)*N], cin*x, dv1)
				}
			}
			if t > 0 {
				for i := 0; i < N; i++ {
					if z := rec.Z[(t-1)*N+i]; z != 0 {
						axpy(g.WRec[i*N:(i+1)*N], cin*z, dv1)
					}
				}
			}
		}
	}
	for i := 0; i < N; i++ {
		g.WRec[i*N+i] = 0
	}
	if p.Readout != ConvP {
		clear(g.BOut)
	}
}
