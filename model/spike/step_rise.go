package spike

import "math"

// fastRise: deterministic conductance neurons with differences of
// exponentials on both channels and reset by value, LIF (optionally with a
// threshold jump) or AdEx (optionally with the adaptive soft threshold):
// the E and I cells of LKD 2014.
func (p *pop) fastRise() bool {
	return p.np.Synapse == COBA && (p.np.Model == LIF || p.np.Model == AdEx) && p.clamp && p.rnd == nil && !p.bridge &&
		p.gn == nil && p.a == nil && p.ga1 == nil && p.ga2 == nil && p.ger != nil && p.gir != nil
}

// updateRise is updateGeneric specialised for fastRise populations: the
// same expressions in the same order (so the same bits; tested against
// updateGeneric), without the per-neuron tests of the features these
// populations lack.
func (p *pop) updateRise(k, lo, hi int, spk []int32) []int32 {
	re, ri := p.inE[lo:hi], p.inI[lo:hi]
	v, ge, gi, ger, gir, ref := p.v[lo:hi], p.ge[lo:hi], p.gi[lo:hi], p.ger[lo:hi], p.gir[lo:hi], p.ref[lo:hi]
	n := len(v)
	re, ri, ge, gi, ger, gir, ref = re[:n], ri[:n], ge[:n], gi[:n], ger[:n], gir[:n], ref[:n]
	var th, w []float32
	if p.th != nil {
		th = p.th[lo:hi][:n]
	}
	adex := p.w != nil
	if adex {
		w = p.w[lo:hi][:n]
	}
	var kv *[riseKLen][8]float32
	if useAVX2 {
		kv = &p.riseK[k]
		p.fillRiseK(kv)
	}
	for c := 0; c < n; {
		end := n
		if kv != nil {
			c = p.riseChunks(c, v, ge, gi, ger, gir, re, ri, ref, th, w, kv)
			end = min(c+8, n)
		}
		spk = p.riseScalar(k, lo, c, end, spk)
		c = end
	}
	return spk
}

// riseScalar is updateRise's per-neuron update for the local neurons
// [from, to) of worker k's range (starting at lo).
func (p *pop) riseScalar(k, lo, from, to int, spk []int32) []int32 {
	re, ri := p.inE[lo:], p.inI[lo:]
	v, ge, gi, ger, gir, ref := p.v[lo:], p.ge[lo:], p.gi[lo:], p.ger[lo:], p.gir[lo:], p.ref[lo:]
	var th, w []float32
	if p.th != nil {
		th = p.th[lo:]
	}
	adex := p.w != nil
	if adex {
		w = p.w[lo:]
	}
	bias := p.stepBias
	el, vr, nRef, vth := p.el, p.vreset, p.nRef, p.vth
	ca, _, _, _, _ := p.cobaCoefs()
	midE, midI, midRE, midRI := p.midE, p.midI, p.midRE, p.midRI
	decE, decI, decRE, decRI, nrmE, nrmI := p.decE, p.decI, p.decRE, p.decRI, p.nrmE, p.nrmI
	eE, eI := p.eE, p.eI
	vT0, invDT, dTh, adA, adB, decW := p.vT, p.invDT, p.dTh, p.adA, p.adB, p.decW
	decTh, thJump := p.decTh, p.thJump
	for i := from; i < to; i++ {
		inE, inI := re[i], ri[i]
		re[i], ri[i] = 0, 0
		I := bias
		vi := v[i]
		v0 := vi
		if adex {
			vT := vT0
			if th != nil {
				vT += th[i]
			}
			x := float32((vi - vT) * invDT)
			if x > 20 {
				x = 20
			}
			// expFast(x), written out (the compiler does not inline it)
			t := max(float32(x*1.4426950408889634), -127)
			kk := int32(t+128.5) - 128
			f := float32((t - float32(kk)) * 0.6931471805599453)
			a := float32(f * (1.0 / 720))
			a = float32(f * (1.0/120 + a))
			a = float32(f * (1.0/24 + a))
			a = float32(f * (1.0/6 + a))
			a = float32(f * (0.5 + a))
			a = float32(f * (1 + a))
			ex := (1 + a) * math.Float32frombits(uint32(kk+127)<<23)
			I += float32(dTh*ex) - w[i]
		}
		refr := ref[i] > 0
		if refr {
			ref[i]--
		}
		e, g := ge[i], gi[i]
		em, gm := float32(e*midE), float32(g*midI)
		em -= float32(ger[i] * midRE)
		gm -= float32(gir[i] * midRI)
		if refr { // clamped (reset by value)
			vi = vr
		} else {
			x := ca + float32(em*ca) + float32(gm*ca)
			y := float32(ca*(el+I)) + float32(em*ca*eE) + float32(gm*ca*eI)
			if x < 0.5 { // cobaStep, written out
				q := 1 + float32(x*(0.5+float32(x*(1.0/12))))
				vi += (y - float32(x*vi)) / q
			} else {
				vi = cobaBig(vi, x, y)
			}
		}
		ge[i] = float32(e*decE) + float32(inE*nrmE)
		gi[i] = float32(g*decI) + float32(inI*nrmI)
		ger[i] = float32(ger[i]*decRE) + float32(inE*nrmE)
		gir[i] = float32(gir[i]*decRI) + float32(inI*nrmI)
		theta := vth
		if th != nil {
			d := float32(th[i] * decTh)
			th[i] = d
			if !adex {
				theta += d
			}
		}
		if adex {
			wi := w[i]
			winf := float32(adA * (v0 - el))
			w[i] = winf + float32((wi-winf)*decW)
		}
		if !refr && vi >= theta {
			spk = append(spk, int32(lo+i))
			p.spkV[k] = append(p.spkV[k], vi)
			vi = vr
			ref[i] = nRef
			if th != nil {
				th[i] = thJump
			}
			if adex {
				w[i] += adB
			}
		}
		v[i] = vi
	}
	return spk
}

// The rows of the constants table of the AVX2 rise kernels.
const (
	riseKca = iota
	riseKmidE
	riseKmidI
	riseKmidRE
	riseKmidRI
	riseKeE
	riseKeI
	riseKhalf
	riseKtwelfth
	riseKone
	riseKvth
	riseKc1 // ca·(E_L + I_bias) (LIF)
	riseKdecE
	riseKdecI
	riseKdecRE
	riseKdecRI
	riseKnrmE
	riseKnrmI
	riseKel
	riseKbias
	riseKvT
	riseKinvDT
	riseKtwenty
	riseKlog2e
	riseKm127
	riseK128h
	riseKln2
	riseKc720
	riseKc120
	riseKc24
	riseKc6
	riseKdTh
	riseKadA
	riseKdecW
	riseKdecTh
	riseKi127 // int32 127
	riseKi128 // int32 128
	riseKLen
)

// fillRiseK sets the constants of the AVX2 rise kernels (every row 8
// copies; the same float32 values the scalar code uses).
func (p *pop) fillRiseK(k *[riseKLen][8]float32) {
	ca, _, _, _, _ := p.cobaCoefs()
	set := func(r int, x float32) {
		for l := range k[r] {
			k[r][l] = x
		}
	}
	set(riseKca, ca)
	set(riseKmidE, p.midE)
	set(riseKmidI, p.midI)
	set(riseKmidRE, p.midRE)
	set(riseKmidRI, p.midRI)
	set(riseKeE, p.eE)
	set(riseKeI, p.eI)
	set(riseKhalf, 0.5)
	set(riseKtwelfth, 1.0/12)
	set(riseKone, 1)
	set(riseKvth, p.vth)
	set(riseKc1, float32(ca*(p.el+p.stepBias)))
	set(riseKdecE, p.decE)
	set(riseKdecI, p.decI)
	set(riseKdecRE, p.decRE)
	set(riseKdecRI, p.decRI)
	set(riseKnrmE, p.nrmE)
	set(riseKnrmI, p.nrmI)
	set(riseKel, p.el)
	set(riseKbias, p.stepBias)
	set(riseKvT, p.vT)
	set(riseKinvDT, p.invDT)
	set(riseKtwenty, 20)
	set(riseKlog2e, 1.4426950408889634)
	set(riseKm127, -127)
	set(riseK128h, 128.5)
	set(riseKln2, 0.6931471805599453)
	set(riseKc720, 1.0/720)
	set(riseKc120, 1.0/120)
	set(riseKc24, 1.0/24)
	set(riseKc6, 1.0/6)
	set(riseKdTh, p.dTh)
	set(riseKadA, p.adA)
	set(riseKdecW, p.decW)
	set(riseKdecTh, p.decTh)
	set(riseKi127, math.Float32frombits(127))
	set(riseKi128, math.Float32frombits(128))
}
