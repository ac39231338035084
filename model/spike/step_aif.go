package spike

// fastAIF: deterministic conductance LIF neurons with spike-triggered
// adaptation conductances and no rise times, optionally with an NMDA
// low-pass and a threshold jump (Auryn's AIF/AIF2, ZAG 2015's E cells).
func (p *pop) fastAIF() bool {
	return p.np.Synapse == COBA && p.np.Model == LIF && p.rnd == nil && !p.bridge && p.a == nil && p.w == nil &&
		p.ger == nil && p.gir == nil && (p.ga1 != nil || p.ga2 != nil)
}

// updateAIF is updateGeneric specialised for fastAIF populations: the
// same expressions in the same order (the same bits; tested against
// updateGeneric) without the per-neuron tests of absent features.
func (p *pop) updateAIF(k, lo, hi int, spk []int32) []int32 {
	n := hi - lo
	if !useAVX2 || p.nRef != 0 || p.eE != 0 || p.gn == nil || p.th == nil || p.ga1 == nil || p.ga2 != nil {
		return p.aifScalar(k, lo, 0, n, spk)
	}
	// AVX2: chunks of 8 without a spike or x ≥ ½, the rest neuron by neuron
	a, cE, cI, _, kI := p.cobaCoefs()
	cEa, cN, _, _ := p.nmdaCoefs(cE)
	kv := &p.kvec[k]
	kv.fill(a, cEa, cN, cI, float32(a*(p.el+p.stepBias)), kI, 0.5, 1.0/12, 1, p.vth, p.decE, p.decI, p.mulN, p.decTh, p.midA1, p.eI, p.decA1)
	v, ge, gi, gn, th, ga := p.v[lo:hi], p.ge[lo:hi], p.gi[lo:hi], p.gn[lo:hi], p.th[lo:hi], p.ga1[lo:hi]
	re, ri := p.inE[lo:hi], p.inI[lo:hi]
	for i := 0; i < n; {
		if m := (n - i) &^ 7; m > 0 {
			i += aifRunAVX(&v[i], &ge[i], &gi[i], &gn[i], &th[i], &ga[i], &re[i], &ri[i], m, &kv.k)
		}
		end := min(i+8, n)
		spk = p.aifScalar(k, lo, i, end, spk)
		i = end
	}
	clear(re)
	clear(ri)
	return spk
}

// aifScalar is updateAIF's per-neuron update for the local neurons
// [from, to) of worker k's range (starting at lo).
func (p *pop) aifScalar(k, lo, from, to int, spk []int32) []int32 {
	hi := lo + to
	re, ri := p.inE[lo:hi], p.inI[lo:hi]
	v := p.v[lo:hi]
	n := len(v)
	re, ri = re[:n], ri[:n]
	ge, gi, ref := p.ge[lo:hi][:n], p.gi[lo:hi][:n], p.ref[lo:hi][:n]
	var gn, th, ga1, ga2 []float32
	if p.gn != nil {
		gn = p.gn[lo:hi][:n]
	}
	if p.th != nil {
		th = p.th[lo:hi][:n]
	}
	if p.ga1 != nil {
		ga1 = p.ga1[lo:hi][:n]
	}
	if p.ga2 != nil {
		ga2 = p.ga2[lo:hi][:n]
	}
	I := p.stepBias
	el, vr, nRef, vth, clamp := p.el, p.vreset, p.nRef, p.vth, p.clamp
	ca, cE, cI, kE, kI := p.cobaCoefs()
	b := float32(ca * (el + I))
	var cEa, cN, kEa, kN float32
	if gn != nil {
		cEa, cN, kEa, kN = p.nmdaCoefs(cE)
	}
	eI, midA1, midA2, decA1, decA2, jA1, jA2 := p.eI, p.midA1, p.midA2, p.decA1, p.decA2, p.jA1, p.jA2
	decE, decI, mulN, decTh, thJump := p.decE, p.decI, p.mulN, p.decTh, p.thJump
	for i := from; i < to; i++ {
		inE, inI := re[i], ri[i]
		re[i], ri[i] = 0, 0
		vi := v[i]
		refr := ref[i] > 0
		if refr {
			ref[i]--
		}
		held := refr && clamp
		e, g := ge[i], gi[i]
		var A float32
		if ga1 != nil {
			A = float32(ga1[i] * midA1)
		}
		if ga2 != nil {
			A += float32(ga2[i] * midA2)
		}
		if held {
			vi = vr
		} else {
			var x, y float32
			if gn != nil {
				nm := gn[i]
				x = ca + float32(e*cEa) + float32(nm*cN) + float32(g*cI)
				y = b + float32(e*kEa) + float32(nm*kN) + float32(g*kI)
			} else {
				x, y = cobaCoef(e, g, ca, cE, cI, b, kE, kI)
			}
			aca := float32(A * ca)
			x += aca
			y += float32(aca * eI)
			if x < 0.5 { // cobaStep, written out (the compiler does not inline it)
				q := 1 + float32(x*(0.5+float32(x*(1.0/12))))
				vi += (y - float32(x*vi)) / q
			} else {
				vi = cobaBig(vi, x, y)
			}
		}
		if gn != nil {
			nm := gn[i]
			gn[i] = nm + float32((e-nm)*mulN)
		}
		ge[i] = float32(e*decE) + inE
		gi[i] = float32(g*decI) + inI
		if ga1 != nil {
			ga1[i] *= decA1
		}
		if ga2 != nil {
			ga2[i] *= decA2
		}
		theta := vth
		if th != nil {
			d := float32(th[i] * decTh)
			th[i] = d
			theta += d
		}
		if !refr && vi >= theta {
			spk = append(spk, int32(lo+i))
			p.spkV[k] = append(p.spkV[k], vi)
			if clamp {
				vi = vr
			} else {
				vi -= theta - vr
			}
			ref[i] = nRef
			if th != nil {
				th[i] = thJump
			}
			if ga1 != nil {
				ga1[i] += jA1
			}
			if ga2 != nil {
				ga2[i] += jA2
			}
		}
		v[i] = vi
	}
	return spk
}
