package infer

import (
	"math"

	"github.com/engramsim/engram/ratefn"
)

// gaussNodes is a composite 8-point Gauss–Legendre rule on [−12, 12] with
// 1200 panels — the base grid of ratefn.GaussExpect without its adaptive
// refinement — with the N(0,1) density folded into the weights. Fixed nodes
// keep the bootstrap cheap; against the adaptive rule they agree to ≈1e-14
// for β_f ≤ 5/Hz and to 1.4e-10 (q_g) / 2.2e-9 Hz (E[gφ]) at the fit's upper
// bound β_f = 10/Hz (TestCentreFastMatchesRatefn checks the 14 ITC fits).
type gaussNodes struct{ x, w []float64 }

func newGaussNodes() gaussNodes {
	nodes := [8]float64{-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
		0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363}
	wts := [8]float64{0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
		0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763}
	const panels, half = 1200, 12.0
	const pw = 2 * half / panels
	g := gaussNodes{x: make([]float64, 0, panels*8), w: make([]float64, 0, panels*8)}
	norm := 1 / math.Sqrt(2*math.Pi)
	for p := range panels {
		mid := -half + (float64(p)+0.5)*pw
		for k := range 8 {
			x := mid + 0.5*pw*nodes[k]
			g.x = append(g.x, x)
			g.w = append(g.w, wts[k]*0.5*pw*norm*math.Exp(-0.5*x*x))
		}
	}
	return g
}

// centreFast returns q_g (E[g(φ(ξ))] = 0 with x_g = x_f, β_g = β_f) and
// E[g(φ)φ] in one pass over the quadrature nodes. It equals
// ratefn.Rule.Centre (checked in TestCentreFastMatchesRatefn) but evaluates
// φ and tanh once per node instead of seven times, which matters in the
// bootstrap. ok is false where Centre would fail (q_g ∉ [0,1], E[g²] ≈ 0).
func (g gaussNodes) centreFast(tf ratefn.Transfer, betaF, xF float64) (qg, egphi float64, ok bool) {
	var et, ep, etp, et2 float64
	for i, x := range g.x {
		p := tf.Rate(x)
		t := math.Tanh(betaF * (p - xF))
		w := g.w[i]
		et += w * t
		ep += w * p
		etp += w * t * p
		et2 += w * t * t
	}
	qg = 0.5 * (1 - et)
	// g = ½(2q_g − 1 + t) = ½(t − E[t]); E[g²] = ¼ Var(t).
	eg2 := 0.25 * (et2 - et*et)
	egphi = 0.5*(2*qg-1)*ep + 0.5*etp
	ok = qg >= 0 && qg <= 1 && eg2 >= 1e-12 && !math.IsNaN(qg)
	return qg, egphi, ok
}
