package eprop

import (
	"fmt"
	"math"
)

// A Loss evaluates itself on a batch of forward passes and adds its
// partial derivatives to each record's DY (∂E/∂y^t) and DZ (the direct
// ∂E/∂z^t, for losses on the spikes themselves). The same derivatives feed
// BPTT (exact) and e-prop, so a loss is written once.
type Loss interface {
	// Name is a short label for tables.
	Name() string
	// Check returns an error when the loss cannot be used with the network
	// or the batch (missing target, wrong shape).
	Check(p *Params, recs []*Record) error
	// Eval returns the loss and adds its derivatives to recs.
	Eval(recs []*Record) float64
}

// Regression is E = Coef · ½ Σ_{t,k} (y_k^t − y*_k^t)², averaged over the
// batch (spec §3; the pattern-generation loss with Coef = 1).
type Regression struct {
	// Target is y* (T×NOut, time-major), shared by every trial unless
	// Targets is set.
	Target []float64
	// Targets, if set, gives one target per trial.
	Targets [][]float64
	// Coef is the loss weight (0 means 1).
	Coef float64
}

func coef(c float64) float64 {
	if c == 0 {
		return 1
	}
	return c
}

// Name implements Loss.
func (l *Regression) Name() string { return "regression" }

func (l *Regression) target(b int) []float64 {
	if l.Targets != nil {
		return l.Targets[b]
	}
	return l.Target
}

// Check implements Loss.
func (l *Regression) Check(p *Params, recs []*Record) error {
	if l.Target == nil && l.Targets == nil {
		return fmt.Errorf("eprop: regression loss without a target")
	}
	if l.Targets != nil && len(l.Targets) != len(recs) {
		return fmt.Errorf("eprop: regression loss has %d targets for a batch of %d", len(l.Targets), len(recs))
	}
	for b, r := range recs {
		if len(l.target(b)) != r.T*p.NOut {
			return fmt.Errorf("eprop: regression target of trial %d has %d values, want T·n_out = %d", b, len(l.target(b)), r.T*p.NOut)
		}
	}
	return nil
}

// Eval implements Loss.
func (l *Regression) Eval(recs []*Record) float64 {
	c := coef(l.Coef) / float64(len(recs))
	E := 0.0
	for b, r := range recs {
		y := l.target(b)
		for i, v := range r.Y {
			d := v - y[i]
			E += 0.5 * c * d * d
			r.DY[i] += c * d
		}
	}
	return E
}

// Classification is the cross entropy E = −Coef Σ_{t∈window} Σ_k π*_k
// log softmax_k(y^t), averaged over the batch and over the window's steps
// (the evidence-accumulation tutorial, spec §3).
type Classification struct {
	// Labels is the class of each trial (0..NOut−1).
	Labels []int
	// Start is the first step of the loss window (0-based); the window
	// ends with the trial.
	Start int
	// Coef is the loss weight (0 means 1).
	Coef float64
	pi   []float64
}

// Name implements Loss.
func (l *Classification) Name() string { return "classification" }

// Check implements Loss.
func (l *Classification) Check(p *Params, recs []*Record) error {
	if len(l.Labels) != len(recs) {
		return fmt.Errorf("eprop: classification loss has %d labels for a batch of %d (a loss without its target)", len(l.Labels), len(recs))
	}
	for b, y := range l.Labels {
		if y < 0 || y >= p.NOut {
			return fmt.Errorf("eprop: label %d of trial %d is outside 0..n_out−1 = %d", y, b, p.NOut-1)
		}
	}
	for _, r := range recs {
		if l.Start < 0 || l.Start >= r.T {
			return fmt.Errorf("eprop: classification window start %d outside the trial's %d steps", l.Start, r.T)
		}
	}
	return nil
}

// Eval implements Loss.
func (l *Classification) Eval(recs []*Record) float64 {
	E := 0.0
	for b, r := range recs {
		NO := r.NOut
		l.pi = grow(l.pi, NO)
		c := coef(l.Coef) / float64(len(recs)*(r.T-l.Start))
		for t := l.Start; t < r.T; t++ {
			y := r.Y[t*NO : (t+1)*NO]
			m := y[0]
			for _, v := range y {
				m = math.Max(m, v)
			}
			s := 0.0
			for k, v := range y {
				l.pi[k] = math.Exp(v - m)
				s += l.pi[k]
			}
			for k := range y {
				l.pi[k] /= s
				tgt := 0.0
				if k == l.Labels[b] {
					tgt = 1
					E -= c * math.Log(l.pi[k])
				}
				r.DY[t*NO+k] += c * (l.pi[k] - tgt)
			}
		}
	}
	return E
}

// Predict returns the class with the largest readout averaged over steps
// start..T−1 of rec (the tutorial's decision).
func Predict(rec *Record, start int) int {
	best, arg := math.Inf(-1), 0
	for k := 0; k < rec.NOut; k++ {
		s := 0.0
		for t := start; t < rec.T; t++ {
			s += rec.Y[t*rec.NOut+k]
		}
		if s > best {
			best, arg = s, k
		}
	}
	return arg
}

// RateMode selects how the per-neuron rate regulariser estimates f_j.
type RateMode int

const (
	// RateBatch uses f_j = Σ_{b,t} z_j^t / (n_batch T Δt) (the tutorials).
	RateBatch RateMode = iota
	// RateEMA uses NEST's running estimate f^t = κ_reg f^{t−1} +
	// (1 − κ_reg) z^t/Δt carried across trials and iterations, and the
	// learning signal c (f_j^t − f*)/(n_batch T Δt) at each step: an online
	// approximation, not the gradient of a fixed function.
	RateEMA
)

// NeuronRate is the per-neuron firing-rate regulariser
// E = Coef·h·Σ_j (f_j − f*)² with h = ½ if Half (pattern generation,
// c = 300) or 1 (evidence accumulation, c = 1); rates in spikes per ms
// (spec §6 and §8's L1).
type NeuronRate struct {
	// TargetHz is f* in Hz (≥ 0).
	TargetHz float64
	// Coef is c_reg (> 0).
	Coef float64
	// Half selects the ½ of the pattern-generation tutorial.
	Half bool
	// Mode is RateBatch (default) or RateEMA.
	Mode RateMode
	// KappaEMA is κ_reg of RateEMA (NEST: 0.97).
	KappaEMA float64
	// DtMs is the time step in ms (set by Check from the network).
	DtMs float64
	// EMA is RateEMA's running rate per neuron (spikes per ms); it is
	// state: checkpoint it.
	EMA []float64
	f   []float64
}

// Name implements Loss.
func (l *NeuronRate) Name() string { return "neuron_rate" }

// Check implements Loss.
func (l *NeuronRate) Check(p *Params, recs []*Record) error {
	if !(l.TargetHz >= 0) || !finite(l.TargetHz) {
		return fmt.Errorf("eprop: neuron rate loss: target_hz = %v must be finite and ≥ 0 (a loss without its target)", l.TargetHz)
	}
	if !(l.Coef > 0) || !finite(l.Coef) {
		return fmt.Errorf("eprop: neuron rate loss: coef = %v must be positive and finite", l.Coef)
	}
	if l.Mode == RateEMA && !(l.KappaEMA > 0 && l.KappaEMA < 1) {
		return fmt.Errorf("eprop: neuron rate loss: kappa_ema = %v must be in (0, 1)", l.KappaEMA)
	}
	l.DtMs = p.DtMs
	return nil
}

// Rates returns the per-neuron rates in spikes per ms over the batch.
func Rates(dst []float64, recs []*Record, dtMs float64) []float64 {
	N := recs[0].NRec
	dst = grow(dst, N)
	clear(dst)
	steps := 0
	for _, r := range recs {
		for t := 0; t < r.T; t++ {
			for j, z := range r.Z[t*N : (t+1)*N] {
				dst[j] += z
			}
		}
		steps += r.T
	}
	for j := range dst {
		dst[j] /= float64(steps) * dtMs
	}
	return dst
}

// Eval implements Loss.
func (l *NeuronRate) Eval(recs []*Record) float64 {
	h := 1.0
	if l.Half {
		h = 0.5
	}
	fs := l.TargetHz / 1000
	l.f = Rates(l.f, recs, l.DtMs)
	N := recs[0].NRec
	steps := 0
	for _, r := range recs {
		steps += r.T
	}
	norm := 1 / (float64(steps) * l.DtMs)
	E := 0.0
	for _, f := range l.f {
		E += h * l.Coef * (f - fs) * (f - fs)
	}
	if l.Mode == RateBatch {
		for _, r := range recs {
			for t := 0; t < r.T; t++ {
				dz := r.DZ[t*N : (t+1)*N]
				for j := range dz {
					dz[j] += 2 * h * l.Coef * (l.f[j] - fs) * norm
				}
			}
		}
		return E
	}
	if len(l.EMA) != N {
		l.EMA = make([]float64, N)
		for j := range l.EMA {
			l.EMA[j] = fs
		}
	}
	k := l.KappaEMA
	for _, r := range recs {
		for t := 0; t < r.T; t++ {
			dz, z := r.DZ[t*N:(t+1)*N], r.Z[t*N:(t+1)*N]
			for j := range dz {
				l.EMA[j] = k*l.EMA[j] + (1-k)*z[j]/l.DtMs
				dz[j] += 2 * h * l.Coef * (l.EMA[j] - fs) * norm
			}
		}
	}
	return E
}

// PopRate is the per-bin population-rate loss E = Coef·½ Σ_t (r^t − r̂)²,
// r^t = ⟨z_j^t⟩_{batch,units}/Δt in spikes per ms (§8's L2, the slides'
// α Σ_t (r(t) − r̂)² up to the ½).
type PopRate struct {
	// TargetHz is r̂ in Hz (≥ 0).
	TargetHz float64
	// Coef is the loss weight (> 0).
	Coef float64
	// DtMs is set by Check.
	DtMs float64
	r    []float64
}

// Name implements Loss.
func (l *PopRate) Name() string { return "pop_rate" }

// Check implements Loss.
func (l *PopRate) Check(p *Params, recs []*Record) error {
	if !(l.TargetHz >= 0) || !finite(l.TargetHz) {
		return fmt.Errorf("eprop: population rate loss: target_hz = %v must be finite and ≥ 0 (a loss without its target)", l.TargetHz)
	}
	if !(l.Coef > 0) || !finite(l.Coef) {
		return fmt.Errorf("eprop: population rate loss: coef = %v must be positive and finite", l.Coef)
	}
	for _, r := range recs {
		if r.T != recs[0].T {
			return fmt.Errorf("eprop: population rate loss needs trials of equal length")
		}
	}
	l.DtMs = p.DtMs
	return nil
}

// Eval implements Loss.
func (l *PopRate) Eval(recs []*Record) float64 {
	T, N, B := recs[0].T, recs[0].NRec, len(recs)
	l.r = grow(l.r, T)
	clear(l.r)
	for _, r := range recs {
		for t := 0; t < T; t++ {
			for _, z := range r.Z[t*N : (t+1)*N] {
				l.r[t] += z
			}
		}
	}
	fs := l.TargetHz / 1000
	norm := 1 / (float64(B*N) * l.DtMs)
	E := 0.0
	for t := range l.r {
		l.r[t] *= norm
		d := l.r[t] - fs
		E += 0.5 * l.Coef * d * d
	}
	for _, r := range recs {
		for t := 0; t < T; t++ {
			g := l.Coef * (l.r[t] - fs) * norm
			for j := range r.DZ[t*N : (t+1)*N] {
				r.DZ[t*N+j] += g
			}
		}
	}
	return E
}

// Variance is the slides' loss on the variance of the global rate, made
// exact (spec §6): per trial r^t = Σ_j z_j^t/(NΔt) (spikes per ms),
// μ = (1/T)Σ_t r^t, σ = (1/T)Σ_t (r^t − μ)², and
// E = Beta(σ − σ_r)² + MeanCoef Σ_t (r^t − r̂)², averaged over the batch.
// Its exact learning signal is the same for every neuron:
// ∂E/∂z_j^t = 4Beta(σ − σ_r)(r^t − μ)/(TNΔt) + 2MeanCoef(r^t − r̂)/(NΔt).
//
// Note (criticality.md §2): for branching dynamics Var/E = 1/(1 − m²), so
// a small variance target means a small m, not m → 1.
type Variance struct {
	// Beta is the variance term's weight β (> 0).
	Beta float64
	// TargetVar is σ_r in (spikes per ms)² (≥ 0). For a target variance
	// V of the per-step population count use V/(NΔt)².
	TargetVar float64
	// MeanCoef is the weight α of the mean-rate term (≥ 0; 0 disables it).
	MeanCoef float64
	// MeanTargetHz is r̂ of the mean-rate term, in Hz.
	MeanTargetHz float64
	// DtMs is set by Check.
	DtMs float64
	r    []float64
}

// Name implements Loss.
func (l *Variance) Name() string { return "variance" }

// Check implements Loss.
func (l *Variance) Check(p *Params, recs []*Record) error {
	switch {
	case !(l.Beta > 0) || !finite(l.Beta):
		return fmt.Errorf("eprop: variance loss: beta = %v must be positive and finite", l.Beta)
	case !(l.TargetVar >= 0) || !finite(l.TargetVar):
		return fmt.Errorf("eprop: variance loss: target variance = %v must be finite and ≥ 0 (a loss without its target)", l.TargetVar)
	case !(l.MeanCoef >= 0) || !finite(l.MeanCoef):
		return fmt.Errorf("eprop: variance loss: mean_coef = %v must be finite and ≥ 0", l.MeanCoef)
	case l.MeanCoef > 0 && (!(l.MeanTargetHz >= 0) || !finite(l.MeanTargetHz)):
		return fmt.Errorf("eprop: variance loss: mean_target_hz = %v must be finite and ≥ 0", l.MeanTargetHz)
	}
	l.DtMs = p.DtMs
	return nil
}

// PopRateOf fills dst with the per-step population rate of rec in spikes
// per ms.
func PopRateOf(dst []float64, rec *Record, dtMs float64) []float64 {
	N := rec.NRec
	dst = grow(dst, rec.T)
	for t := range dst {
		s := 0.0
		for _, z := range rec.Z[t*N : (t+1)*N] {
			s += z
		}
		dst[t] = s / (float64(N) * dtMs)
	}
	return dst
}

// Eval implements Loss.
func (l *Variance) Eval(recs []*Record) float64 {
	E := 0.0
	c := 1 / float64(len(recs))
	rh := l.MeanTargetHz / 1000
	for _, rec := range recs {
		T, N := rec.T, rec.NRec
		l.r = PopRateOf(l.r, rec, l.DtMs)
		mu := 0.0
		for _, v := range l.r {
			mu += v
		}
		mu /= float64(T)
		sig := 0.0
		for _, v := range l.r {
			sig += (v - mu) * (v - mu)
		}
		sig /= float64(T)
		E += c * l.Beta * (sig - l.TargetVar) * (sig - l.TargetVar)
		gv := c * 4 * l.Beta * (sig - l.TargetVar) / (float64(T*N) * l.DtMs)
		gm := c * 2 * l.MeanCoef / (float64(N) * l.DtMs)
		for t, v := range l.r {
			if l.MeanCoef > 0 {
				E += c * l.MeanCoef * (v - rh) * (v - rh)
			}
			g := gv*(v-mu) + gm*(v-rh)
			dz := rec.DZ[t*N : (t+1)*N]
			for j := range dz {
				dz[j] += g
			}
		}
	}
	return E
}

// Branching is a loss on the branching ratio of the population count
// n_t = Σ_j z_j^t: E = Coef(m₁ − Target)², with m₁ = Ĉ(1)/Ĉ(0) the lag-1
// regression slope (the k = 1 coefficient of the multistep-regression
// estimator, which is m for a fully observed branching process;
// criticality.md §2). The MR estimator's exponential fit is not
// differentiable, so the loss uses m₁ and its exact gradient; report m̂
// from analysis/branching next to it. Per trial, averaged over the batch:
// Ĉ(0) = (1/T)Σ_t (n_t − μ)², Ĉ(1) = (1/(T−1))Σ_{t<T−1} (n_t − μ)(n_{t+1} − μ).
type Branching struct {
	// Target is the wanted m (in (−1, 1)).
	Target float64
	// Coef is the loss weight (> 0).
	Coef float64
	n    []float64
}

// Name implements Loss.
func (l *Branching) Name() string { return "branching" }

// Check implements Loss.
func (l *Branching) Check(p *Params, recs []*Record) error {
	if !(l.Target > -1 && l.Target < 1) {
		return fmt.Errorf("eprop: branching loss: target m = %v must be in (−1, 1) (a loss without its target)", l.Target)
	}
	if !(l.Coef > 0) || !finite(l.Coef) {
		return fmt.Errorf("eprop: branching loss: coef = %v must be positive and finite", l.Coef)
	}
	for _, r := range recs {
		if r.T < 3 {
			return fmt.Errorf("eprop: branching loss needs trials of ≥ 3 steps")
		}
	}
	return nil
}

// LagOneSlope returns m₁ = Ĉ(1)/Ĉ(0) of the counts n (NaN when constant).
func LagOneSlope(n []float64) float64 {
	T := len(n)
	mu := 0.0
	for _, v := range n {
		mu += v
	}
	mu /= float64(T)
	c0, c1 := 0.0, 0.0
	for t, v := range n {
		c0 += (v - mu) * (v - mu)
		if t+1 < T {
			c1 += (v - mu) * (n[t+1] - mu)
		}
	}
	return (c1 / float64(T-1)) / (c0 / float64(T))
}

// Eval implements Loss. A trial with a constant count contributes neither
// loss nor gradient (m₁ undefined).
func (l *Branching) Eval(recs []*Record) float64 {
	E := 0.0
	c := 1 / float64(len(recs))
	for _, rec := range recs {
		T, N := rec.T, rec.NRec
		l.n = PopRateOf(l.n, rec, 1)
		for t := range l.n {
			l.n[t] *= float64(N)
		}
		mu := 0.0
		for _, v := range l.n {
			mu += v
		}
		mu /= float64(T)
		c0, c1 := 0.0, 0.0
		for t, v := range l.n {
			c0 += (v - mu) * (v - mu)
			if t+1 < T {
				c1 += (v - mu) * (l.n[t+1] - mu)
			}
		}
		if c0 == 0 {
			continue
		}
		C0, C1 := c0/float64(T), c1/float64(T-1)
		m := C1 / C0
		E += c * l.Coef * (m - l.Target) * (m - l.Target)
		g := c * 2 * l.Coef * (m - l.Target)
		// ∂C0/∂n_t = (2/T)(n_t − μ) (the μ terms sum to zero);
		// ∂C1/∂n_t = (1/(T−1))[(n_{t−1} − μ) + (n_{t+1} − μ) − (1/T)(s_first + s_last)]
		// with s = Σ of the deviations that multiply n_t's neighbours.
		sPrev := 0.0 // Σ_{t<T−1} (n_{t+1} − μ) = −(n_0 − μ)
		sNext := 0.0 // Σ_{t<T−1} (n_t − μ) = −(n_{T−1} − μ)
		sPrev = -(l.n[0] - mu)
		sNext = -(l.n[T-1] - mu)
		for t := range l.n {
			d1 := -(sPrev + sNext) / float64(T)
			if t+1 < T {
				d1 += l.n[t+1] - mu
			}
			if t > 0 {
				d1 += l.n[t-1] - mu
			}
			d1 /= float64(T - 1)
			d0 := 2 * (l.n[t] - mu) / float64(T)
			gt := g * (d1/C0 - C1*d0/(C0*C0))
			dz := rec.DZ[t*N : (t+1)*N]
			for j := range dz {
				dz[j] += gt
			}
		}
	}
	return E
}
