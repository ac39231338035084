package eprop

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Glorot-uniform readout (TensorFlow's default, spec §9): every weight in
// [−l, l]·g, l = √(6/(n_rec + n_out)), and the sample variance matches the
// uniform's l²/3 (l including g). For U(−l, l), Var(w²)/E[w²]² = 9/5 − 1,
// so with n = 10 000 weights the variance's relative standard error is
// √(0.8/n) ≈ 0.9 %; tolerance 5 %.
func TestInitOutGlorot(t *testing.T) {
	const relTol = 0.05
	p := Defaults()
	p.NRec, p.NOut = 1000, 10
	n, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	const g = 2.0
	n.InitOutGlorot(rand.New(rand.NewPCG(3, 4)), g)
	l := g * math.Sqrt(6.0/1010)
	s2, mx := 0.0, 0.0
	for _, w := range n.WOut {
		s2 += w * w
		mx = math.Max(mx, math.Abs(w))
	}
	v := s2 / float64(len(n.WOut))
	if mx > l || mx < 0.99*l {
		t.Errorf("max |w| = %.4f, want in [0.99, 1]·l = %.4f", mx, l)
	}
	if want := l * l / 3; math.Abs(v/want-1) > relTol {
		t.Errorf("variance %.5f, want l²/3 = %.5f (±%.0f %%)", v, want, 100*relTol)
	}
}

// The forward pass of convention P with a T readout is the evidence
// tutorial's EligALIF cell and exp_convolve readout (IGITUGraz models.py),
// transcribed literally here: b ← ρb + z_local; v ← αv + W_in x + W_rec z
// − v_th z; z = [(v − v_th − βb)/v_th > 0] unless r > 0;
// r ← clip(r + n_ref z − 1, 0, n_ref); ẑ ← κẑ + (1−κ)z; y = W_out ẑ.
// Spikes, voltages, thresholds and readouts must agree exactly (same
// operations; tolerance only for summation order).
func TestForwardMatchesEligALIF(t *testing.T) {
	const tol = 1e-12
	p := Params{NIn: 5, NRec: 8, NOut: 2, NALIF: 4, Convention: ConvP, Readout: ConvT, DtMs: 1,
		TauMMs: 20, TauAMs: 200, TauOutMs: 15, VTh: 0.6, Beta: 0.05, GammaPD: 0.3, NRef: 5}
	n, err := NewNet(p)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(9, 10))
	n.InitGaussian(r, 3, 1, 1)
	const T = 400
	x := FrozenBernoulli(r, T, p.NIn, 80, 1)
	rec := NewRecord(p, T)
	if err := n.Simulate(x, T, rec); err != nil {
		t.Fatal(err)
	}
	N, alpha, rho, kappa := p.NRec, math.Exp(-1/p.TauMMs), math.Exp(-1/p.TauAMs), math.Exp(-1/p.TauOutMs)
	v, b, z, zl, ref, zf := make([]float64, N), make([]float64, N), make([]float64, N), make([]float64, N), make([]float64, N), make([]float64, N)
	spikes, alifSpikes := 0, 0
	for tt := 0; tt < T; tt++ {
		nz, nv := make([]float64, N), make([]float64, N)
		for j := 0; j < N; j++ {
			b[j] = rho*b[j] + zl[j]
			in := 0.0
			for i := 0; i < p.NIn; i++ {
				in += x[tt*p.NIn+i] * n.WIn[i*N+j]
			}
			for i := 0; i < N; i++ {
				if i != j {
					in += z[i] * n.WRec[i*N+j]
				}
			}
			nv[j] = alpha*v[j] + in - p.VTh*z[j]
			A := p.VTh + n.Beta[j]*b[j]
			if ref[j] <= 0 && (nv[j]-A)/p.VTh > 0 {
				nz[j] = 1
			}
			ref[j] = math.Min(math.Max(ref[j]+float64(p.NRef)*nz[j]-1, 0), float64(p.NRef))
			if math.Abs(rec.V[tt*N+j]-nv[j]) > tol || math.Abs(rec.A[tt*N+j]-A) > tol || rec.Z[tt*N+j] != nz[j] {
				t.Fatalf("t = %d, neuron %d: engram v %.15g A %.15g z %g, EligALIF v %.15g A %.15g z %g", tt, j, rec.V[tt*N+j], rec.A[tt*N+j], rec.Z[tt*N+j], nv[j], A, nz[j])
			}
			spikes += int(nz[j])
			if n.Beta[j] > 0 {
				alifSpikes += int(nz[j])
			}
		}
		copy(v, nv)
		copy(z, nz)
		copy(zl, nz)
		for j := range zf {
			zf[j] = kappa*zf[j] + (1-kappa)*z[j]
		}
		for k := 0; k < p.NOut; k++ {
			y := 0.0
			for j := 0; j < N; j++ {
				y += zf[j] * n.WOut[j*p.NOut+k]
			}
			if math.Abs(rec.Y[tt*p.NOut+k]-y) > tol {
				t.Fatalf("t = %d, readout %d: engram %.15g, exp_convolve %.15g", tt, k, rec.Y[tt*p.NOut+k], y)
			}
		}
	}
	if spikes < 50 || alifSpikes < 5 { // measured: 110 (10 ALIF; after their first spike A ≠ v_th)
		t.Fatalf("only %d spikes (%d ALIF): the comparison exercises too little", spikes, alifSpikes)
	}
	t.Logf("%d spikes (%d ALIF) in %d steps", spikes, alifSpikes, T)
}
