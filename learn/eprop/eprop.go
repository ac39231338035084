package eprop

import (
	"fmt"
	"math/rand/v2"
)

// FeedbackKind selects the matrix B that broadcasts the readout error to
// the recurrent neurons (spec §5).
type FeedbackKind int

const (
	// Symmetric uses B_jk = W^out_kj (current value, every step).
	Symmetric FeedbackKind = iota
	// Random uses a fixed random B.
	Random
	// Adaptive starts from a random B and applies to it the update applied
	// to W^out, plus weight decay (paper).
	Adaptive
)

// ParseFeedback reads "symmetric", "random" or "adaptive".
func ParseFeedback(s string) (FeedbackKind, error) {
	switch s {
	case "symmetric":
		return Symmetric, nil
	case "random":
		return Random, nil
	case "adaptive":
		return Adaptive, nil
	}
	return 0, fmt.Errorf("eprop: feedback %q: want symmetric, random or adaptive", s)
}

// String names the kind.
func (f FeedbackKind) String() string {
	return [...]string{"symmetric", "random", "adaptive"}[f]
}

// Feedback is the e-prop feedback matrix.
type Feedback struct {
	Kind FeedbackKind
	// B is n_rec × n_out (B[j·NOut + k] = B_jk, the layout of WOut);
	// unused for Symmetric.
	B []float64
	// Decay is the adaptive feedback's weight decay per update (≥ 0).
	Decay float64
}

// NewFeedback returns feedback of the given kind; random and adaptive B are
// drawn N(0,1)·scale (the pattern-generation tutorial uses scale 1/√n_rec,
// the evidence-accumulation tutorial 1).
func NewFeedback(kind FeedbackKind, p Params, r *rand.Rand, scale float64) *Feedback {
	f := &Feedback{Kind: kind}
	if kind != Symmetric {
		f.B = make([]float64, p.NRec*p.NOut)
		for i := range f.B {
			f.B[i] = scale * r.NormFloat64()
		}
	}
	return f
}

// matrix returns the B to use with net (W^out for Symmetric).
func (f *Feedback) matrix(n *Net) []float64 {
	if f == nil || f.Kind == Symmetric {
		return n.WOut
	}
	return f.B
}

// Workspace holds the buffers of the e-prop gradient; reuse one across
// iterations to keep training allocation-free.
type Workspace struct {
	q, lam, dy, w []float64
}

func (ws *Workspace) size(N, NO int) {
	ws.q, ws.lam, ws.w = grow(ws.q, N), grow(ws.lam, N), grow(ws.w, N)
	ws.dy = grow(ws.dy, NO)
}

// EProp adds to g the e-prop gradient of the loss whose partial
// derivatives are in each record's DY and DZ, with learning signal
// L_j^t = DZ_j^t + c_out Σ_k B_jk δy_k^t (δy the readout error
// reverse-filtered with κ, so that Σ_t L_j^t e_ji^t equals the spec's
// Σ_t L_j^t F_κ(e_ji)^t) and the closed-form eligibility traces of spec §4.
// The readout gets its exact gradient. The sums over t are evaluated in
// adjoint form: for each trial, one backward sweep over neurons computes
// w_j^t (the learning signal times ψ, folded through the ALIF trace
// ε^a's recursion) and its reverse α-filter W̃_j^t; then each presynaptic
// event (x_i^t ≠ 0 or z_i^{t−1} = 1) adds c·W̃^t to row i of the gradient.
// This is the same number as the online sum of traces (tests compare with
// Traces to 1e-12), costs O(T·N·n_out + events·N) and stores no
// per-synapse trace. The records must come from Net.Simulate (which also
// lists their input events).
func (n *Net) EProp(recs []*Record, fb *Feedback, g *Grad, ws *Workspace) {
	p := &n.P
	N, NO := p.NRec, p.NOut
	alpha, rho, kappa := p.Alpha(), p.Rho(), p.Kappa()
	cin, cout := p.InScale(), p.OutScale()
	B := fb.matrix(n)
	ws.size(N, NO)
	lam, dy, w := ws.lam, ws.dy, ws.w
	lif := p.NALIF == 0
	for _, rec := range recs {
		T := rec.T
		clear(lam)
		clear(dy)
		clear(w) // W̃^{t+1}
		for t := T - 1; t >= 0; t-- {
			for k := 0; k < NO; k++ {
				dy[k] = rec.DY[t*NO+k] + kappa*dy[k]
				g.BOut[k] += dy[k]
			}
			Z, Psi, DZ := rec.Z[t*N:(t+1)*N], rec.Psi[t*N:(t+1)*N], rec.DZ[t*N:(t+1)*N]
			// readout: exact gradient c_out Σ_t z_j^t δy_k^t
			for j, z := range Z {
				if z != 0 {
					gw := g.WOut[j*NO : (j+1)*NO]
					for k, d := range dy {
						gw[k] += cout * z * d
					}
				}
			}
			switch {
			case NO == 1 && lif: // the common case, branch-free
				cd := cout * dy[0]
				B, Psi, DZ := B[:N], Psi[:N], DZ[:N]
				for j := range w {
					w[j] = Psi[j]*(DZ[j]+cd*B[j]) + alpha*w[j]
				}
			default:
				for j := 0; j < N; j++ {
					L := DZ[j]
					bj := B[j*NO : (j+1)*NO]
					for k, d := range dy {
						L += cout * bj[k] * d
					}
					q := Psi[j] * L
					wt := q
					if beta := n.Beta[j]; beta != 0 {
						// λ^{t+1} is in lam; w^t = q^t + ψ^t λ^{t+1};
						// λ^t = −β q^t + (ρ − β ψ^t) λ^{t+1}
						wt += Psi[j] * lam[j]
						lam[j] = -beta*q + (rho-beta*Psi[j])*lam[j]
					}
					w[j] = wt + alpha*w[j] // W̃^t = w^t + α W̃^{t+1}
				}
			}
			for e := rec.evPtr[t]; e < rec.evPtr[t+1]; e++ {
				i := int(rec.evIdx[e])
				axpy(g.WIn[i*N:(i+1)*N], cin*rec.evVal[e], w)
			}
			if t > 0 {
				zp := rec.Z[(t-1)*N : t*N]
				for i, z := range zp {
					if z != 0 {
						axpy(g.WRec[i*N:(i+1)*N], cin*z, w)
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

// Traces returns the eligibility traces e_ji^t of spec §4 in closed form,
// forward in time: eIn[t][i·N + j] and eRec[t][i·N + j] (pre i, post j;
// recurrent diagonal zero). LIF: ε^t = αε^{t−1} + c·pre^t, e = ψ_j ε;
// ALIF: ε^a_t = ψ_j^{t−1} ε^v_{t−1} + (ρ − β_j ψ_j^{t−1}) ε^a_{t−1},
// e = ψ_j (ε^v − β_j ε^a). Memory O(T·(n_in + N)·N): a reference for tests
// and analysis of small networks (EProp computes the same sums without
// storing them).
func (n *Net) Traces(rec *Record) (eIn, eRec [][]float64) {
	p := &n.P
	N, NI, T := p.NRec, p.NIn, rec.T
	alpha, rho, cin := p.Alpha(), p.Rho(), p.InScale()
	evIn, eaIn := make([]float64, NI), make([]float64, NI*N)
	evRec, eaRec := make([]float64, N), make([]float64, N*N)
	prevPsi := make([]float64, N)
	prevEvIn, prevEvRec := make([]float64, NI), make([]float64, N)
	for t := 0; t < T; t++ {
		copy(prevEvIn, evIn)
		copy(prevEvRec, evRec)
		for i := 0; i < NI; i++ {
			evIn[i] = alpha*evIn[i] + cin*rec.X[t*NI+i]
		}
		for i := 0; i < N; i++ {
			z := 0.0
			if t > 0 {
				z = rec.Z[(t-1)*N+i]
			}
			evRec[i] = alpha*evRec[i] + cin*z
		}
		Psi := rec.Psi[t*N : (t+1)*N]
		ei, er := make([]float64, NI*N), make([]float64, N*N)
		for j := 0; j < N; j++ {
			b := n.Beta[j]
			for i := 0; i < NI; i++ {
				k := i*N + j
				if b != 0 {
					eaIn[k] = prevPsi[j]*prevEvIn[i] + (rho-b*prevPsi[j])*eaIn[k]
				}
				ei[k] = Psi[j] * (evIn[i] - b*eaIn[k])
			}
			for i := 0; i < N; i++ {
				k := i*N + j
				if b != 0 {
					eaRec[k] = prevPsi[j]*prevEvRec[i] + (rho-b*prevPsi[j])*eaRec[k]
				}
				if i != j {
					er[k] = Psi[j] * (evRec[i] - b*eaRec[k])
				}
			}
		}
		copy(prevPsi, Psi)
		eIn, eRec = append(eIn, ei), append(eRec, er)
	}
	return eIn, eRec
}
