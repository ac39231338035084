package eprop

import (
	"fmt"
	"math"
)

// Record holds one trial's forward pass and the loss derivatives, struct
// of arrays, time-major: entry t·N + j is step t+1 of neuron j (steps are
// 1..T in the spec, 0..T−1 here). A Record is reused across iterations;
// Simulate does not allocate once the Record has the right size.
type Record struct {
	T, NIn, NRec, NOut int
	// X is the input (T×NIn), not owned: Simulate reads it.
	X []float64
	// V is the membrane potential before the reset (the v_j^t compared with
	// the threshold), A the threshold v_th + β a, Z the spikes (0/1, or the
	// logistic value), Psi the pseudo-derivative (0 while refractory).
	V, A, Z, Psi []float64
	// Y is the readout (T×NOut).
	Y []float64
	// DY is ∂E/∂y^t and DZ the direct ∂E/∂z^t (regularisers) of the summed
	// loss; losses add to them (ResetGrad zeroes both).
	DY, DZ []float64

	a, v, zprev, in []float64 // per-neuron state
	cnt             []int32
	// input events of the last Simulate: step t's nonzero inputs are
	// evIdx[evPtr[t]:evPtr[t+1]] with values evVal (reused by the
	// gradients, so X is scanned once per trial)
	evPtr []int32
	evIdx []int32
	evVal []float64
}

// NewRecord allocates a record for T steps of networks shaped like p.
func NewRecord(p Params, T int) *Record {
	r := &Record{}
	r.resize(p, T)
	return r
}

func grow(x []float64, n int) []float64 {
	if cap(x) < n {
		return make([]float64, n)
	}
	return x[:n]
}

func (r *Record) resize(p Params, T int) {
	N := p.NRec
	r.T, r.NIn, r.NRec, r.NOut = T, p.NIn, N, p.NOut
	r.V, r.A, r.Z, r.Psi = grow(r.V, T*N), grow(r.A, T*N), grow(r.Z, T*N), grow(r.Psi, T*N)
	r.DZ = grow(r.DZ, T*N)
	r.Y, r.DY = grow(r.Y, T*p.NOut), grow(r.DY, T*p.NOut)
	r.a, r.v, r.zprev, r.in = grow(r.a, N), grow(r.v, N), grow(r.zprev, N), grow(r.in, N)
	if cap(r.cnt) < N {
		r.cnt = make([]int32, N)
	}
	r.cnt = r.cnt[:N]
}

// ResetGrad zeroes DY and DZ.
func (r *Record) ResetGrad() {
	clear(r.DY)
	clear(r.DZ)
}

// Simulate runs the network on input x (T×NIn, time-major) from the zero
// state (v = a = z = 0), filling rec (resized if needed). It implements
// spec §1: a^t = ρa^{t−1} + z^{t−1}; A^t = v_th + βa^t;
// v^t = αv^{t−1} + c(W^rec z^{t−1} + W^in x^t) − v_th z^{t−1} (c = 1 in P,
// 1−α in T); z^t = H(v^t − A^t) unless refractory; and the readout
// y^t = κy^{t−1} + c_out W^out z^t (+ b in P). Inputs that are 0 are
// skipped (spike inputs cost per spike).
func (n *Net) Simulate(x []float64, T int, rec *Record) error {
	p := &n.P
	if T < 1 || len(x) != T*p.NIn {
		return fmt.Errorf("eprop: input has %d values, want T·n_in = %d·%d", len(x), T, p.NIn)
	}
	rec.resize(*p, T)
	rec.X = x
	N, NO := p.NRec, p.NOut
	alpha, rho, kappa := p.Alpha(), p.Rho(), p.Kappa()
	cin, cout := p.InScale(), p.OutScale()
	vth, gam := p.VTh, p.GammaPD
	nref := int32(p.nref())
	smooth := p.Spike == Logistic
	s := p.SmoothWidth * vth
	bias := p.Readout == ConvP
	a, v, zp, in, cnt := rec.a, rec.v, rec.zprev, rec.in, rec.cnt
	clear(a)
	clear(v)
	clear(zp)
	clear(cnt)
	var yprev []float64
	if cap(rec.evPtr) < T+1 {
		rec.evPtr = make([]int32, T+1)
	}
	rec.evPtr = rec.evPtr[:T+1]
	rec.evIdx, rec.evVal = rec.evIdx[:0], rec.evVal[:0]
	for t := 0; t < T; t++ {
		clear(in)
		xt := x[t*p.NIn : (t+1)*p.NIn]
		rec.evPtr[t] = int32(len(rec.evIdx))
		for i, xi := range xt {
			if xi != 0 {
				rec.evIdx, rec.evVal = append(rec.evIdx, int32(i)), append(rec.evVal, xi)
				axpy(in, xi, n.WIn[i*N:(i+1)*N])
			}
		}
		rec.evPtr[t+1] = int32(len(rec.evIdx))
		for i, zi := range zp {
			if zi != 0 {
				axpy(in, zi, n.WRec[i*N:(i+1)*N])
			}
		}
		V, A, Z, Psi := rec.V[t*N:(t+1)*N], rec.A[t*N:(t+1)*N], rec.Z[t*N:(t+1)*N], rec.Psi[t*N:(t+1)*N]
		if smooth {
			n.stepSmooth(V, A, Z, Psi, a, v, zp, in, alpha, rho, cin, vth, s)
		} else {
			n.stepSpike(V, A, Z, Psi, a, v, zp, in, cnt, alpha, rho, cin, vth, gam, nref)
		}
		copy(zp, Z)
		Y := rec.Y[t*NO : (t+1)*NO]
		for k := range Y {
			y := 0.0
			if yprev != nil {
				y = kappa * yprev[k]
			}
			if bias {
				y += n.BOut[k]
			}
			Y[k] = y
		}
		for j, zj := range Z {
			if zj != 0 {
				w := n.WOut[j*NO : (j+1)*NO]
				for k := range Y {
					Y[k] += cout * zj * w[k]
				}
			}
		}
		yprev = Y
	}
	return nil
}

// stepSpike is one step of the Heaviside neurons (spec §1, §2).
func (n *Net) stepSpike(V, A, Z, Psi, a, v, zp, in []float64, cnt []int32, alpha, rho, cin, vth, gam float64, nref int32) {
	N := len(V)
	A, Z, Psi, a, v, zp, in, cnt = A[:N], Z[:N], Psi[:N], a[:N], v[:N], zp[:N], in[:N], cnt[:N]
	beta := n.Beta[:N]
	invV, h := 1/vth, gam/vth
	for j := range V {
		th := vth
		if b := beta[j]; b != 0 {
			a[j] = rho*a[j] + zp[j]
			th += b * a[j]
		}
		vj := alpha*v[j] + cin*in[j] - vth*zp[j]
		v[j], V[j], A[j] = vj, vj, th
		// branch-free: the spike and the in-window test are unpredictable
		free := b2f(cnt[j] == 0)
		z := free * b2f(vj >= th)
		psi := free * h * max(1-math.Abs(vj-th)*invV, 0)
		if nref > 1 {
			c := cnt[j] + nref*int32(z) - 1
			cnt[j] = min(max(c, 0), nref)
		}
		Z[j], Psi[j] = z, psi
	}
}

// stepSmooth is one step of the logistic (smooth) neurons.
func (n *Net) stepSmooth(V, A, Z, Psi, a, v, zp, in []float64, alpha, rho, cin, vth, s float64) {
	for j := range V {
		th := vth
		if b := n.Beta[j]; b != 0 {
			a[j] = rho*a[j] + zp[j]
			th += b * a[j]
		}
		vj := alpha*v[j] + cin*in[j] - vth*zp[j]
		v[j], V[j], A[j] = vj, vj, th
		z := 1 / (1 + math.Exp(-(vj-th)/s))
		Z[j], Psi[j] = z, z*(1-z)/s
	}
}

// b2f is 1 for true and 0 for false (compiled to SETcc, no branch).
func b2f(b bool) float64 {
	var i uint8
	if b {
		i = 1
	}
	return float64(i)
}
