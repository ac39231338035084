package infer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/ratefn"
)

// DeltaHMethod selects how the familiar input h^F is obtained from a
// familiar rate in step 3 of the method.
type DeltaHMethod int

const (
	// DeltaHLogistic uses the fitted logistic: Δh(u) = φ̂⁻¹(r^F(u)) − φ̂⁻¹(r^N(u)).
	// It extrapolates to familiar rates above the largest novel rate (familiar
	// responses have the stronger maximum), which is where x_f lives. Default.
	DeltaHLogistic DeltaHMethod = iota
	// DeltaHEmpirical is the literal formula of the spec,
	// Δh(u) = Φ_G⁻¹(F_N(F_F⁻¹(u))) − Φ_G⁻¹(u), with the interpolated empirical
	// F_N; quantiles whose familiar rate lies outside the novel sample range
	// are dropped.
	DeltaHEmpirical
)

// String returns "logistic" or "empirical".
func (m DeltaHMethod) String() string {
	if m == DeltaHEmpirical {
		return "empirical"
	}
	return "logistic"
}

// TransferFitMethod selects the least-squares criterion of step 1.
type TransferFitMethod int

const (
	// TransferFitInverse fits the empirical inverse relation
	// Φ_G⁻¹(u_k) ≈ φ⁻¹(F_N⁻¹(u_k)) in input units (r_max > largest quantile;
	// zero-rate quantiles dropped). Default: over 30 synthetic replicates at
	// n = 1000 its SDs of r_max, β, h0 are 25–35 % smaller than TransferFitRate's.
	TransferFitInverse TransferFitMethod = iota
	// TransferFitRate fits F_N⁻¹(u_k) ≈ φ(Φ_G⁻¹(u_k)) in Hz (r_max profiled).
	// Used automatically when fewer than 5 quantiles are positive.
	TransferFitRate
)

// String returns "inverse" or "rate".
func (m TransferFitMethod) String() string {
	if m == TransferFitRate {
		return "rate"
	}
	return "inverse"
}

// RuleWeighting selects the least-squares weights of the step-4 fit.
type RuleWeighting int

const (
	// WeightUniform weights every quantile level equally (every stimulus
	// counts once). Default.
	WeightUniform RuleWeighting = iota
	// WeightInverseVariance weights level u by φ_G(z_u)²/(u(1−u)), the
	// inverse of the asymptotic variance of a N(0,1) quantile. It down-weights
	// the top quantiles that carry x_f; on 20 replicates × 15 truths it
	// identified 72 (vs 76 uniform) (set, parameter) pairs at n = 1000 and
	// 104 (vs 104) at n = 10000, so it is not the default.
	WeightInverseVariance
)

// String returns "uniform" or "inverse-variance".
func (w RuleWeighting) String() string {
	if w == WeightInverseVariance {
		return "inverse-variance"
	}
	return "uniform"
}

// Bounds are the box constraints of the two least-squares fits. A zero
// pair means "use the default" given in DefaultBounds.
type Bounds struct {
	RMaxHz     [2]float64 `json:"r_max_hz"`
	Beta       [2]float64 `json:"beta"`
	H0         [2]float64 `json:"h0"`
	C          [2]float64 `json:"C"`
	BetaFPerHz [2]float64 `json:"beta_f_per_hz"`
	// XFHz: the upper bound 0 means "the largest novel rate of the neuron".
	XFHz [2]float64 `json:"x_f_hz"`
}

// DefaultBounds returns the default fit bounds. r_max ≤ 200 Hz and h0 ≤ 5
// and x_f ≥ 0 reproduce the bounds the 14 P&B fits sit on (spec §1.4);
// the others are wide enough never to bind on the ITC ground truths.
func DefaultBounds() Bounds {
	return Bounds{
		RMaxHz:     [2]float64{1, 200},
		Beta:       [2]float64{0.05, 10},
		H0:         [2]float64{-5, 5},
		C:          [2]float64{0, 100},
		BetaFPerHz: [2]float64{0.005, 10},
		XFHz:       [2]float64{0, 0},
	}
}

func (b Bounds) withDefaults() Bounds {
	d := DefaultBounds()
	set := func(p *[2]float64, def [2]float64) {
		if *p == [2]float64{} {
			*p = def
		}
	}
	set(&b.RMaxHz, d.RMaxHz)
	set(&b.Beta, d.Beta)
	set(&b.H0, d.H0)
	set(&b.C, d.C)
	set(&b.BetaFPerHz, d.BetaFPerHz)
	return b
}

// Validate rejects empty or impossible boxes.
func (b Bounds) Validate() error {
	for _, p := range []struct {
		n   string
		v   [2]float64
		pos bool
	}{{"r_max_hz", b.RMaxHz, true}, {"beta", b.Beta, true}, {"h0", b.H0, false}, {"C", b.C, false}, {"beta_f_per_hz", b.BetaFPerHz, true}} {
		if !(p.v[0] < p.v[1]) || math.IsInf(p.v[0], 0) || math.IsInf(p.v[1], 0) {
			return fmt.Errorf("infer: bounds.%s = %v: want finite lo < hi", p.n, p.v)
		}
		if p.pos && p.v[0] <= 0 {
			return fmt.Errorf("infer: bounds.%s = %v: lower bound must be > 0", p.n, p.v)
		}
	}
	if b.C[0] < 0 {
		return fmt.Errorf("infer: bounds.C = %v: C must be ≥ 0", b.C)
	}
	if b.XFHz[1] != 0 && !(b.XFHz[0] < b.XFHz[1]) {
		return fmt.Errorf("infer: bounds.x_f_hz = %v: want lo < hi (or hi = 0 for auto)", b.XFHz)
	}
	return nil
}

// Options control Infer and InferAll. A nil *Options means all defaults;
// zero fields take the default named in their comment.
type Options struct {
	// Bootstrap is the number of bootstrap replicates (default 200; a
	// negative value disables the bootstrap, leaving CIs NaN).
	Bootstrap int
	// Seed keys the bootstrap streams: replicate b of neuron i uses
	// rand.NewPCG(Seed, i<<32|b), so results do not depend on Workers.
	Seed uint64
	// Level is the two-sided CI level (default 0.95).
	Level float64
	// Workers is the number of goroutines (default runtime.GOMAXPROCS(0)).
	Workers int
	// Progress, if non-nil, receives (done, total) in units of fits
	// (one point fit plus Bootstrap replicates per neuron).
	Progress progress.Reporter
	// MaxGrid caps the number of quantile levels u_k = (k−½)/K used by both
	// fits; K = min(n, MaxGrid) (default 400).
	MaxGrid int
	// TransferFit selects the step-1 criterion (default TransferFitInverse).
	TransferFit TransferFitMethod
	// DeltaH selects the familiar-input estimator (default DeltaHLogistic).
	DeltaH DeltaHMethod
	// RuleWeights selects the weights of the Δh fit (default WeightUniform).
	RuleWeights RuleWeighting
	// Bounds of the least-squares fits (zero pairs: DefaultBounds).
	Bounds Bounds
	// RankSlopeMin is the threshold on the smoothed slope dh^F/dh^N of the
	// empirical rank-matched map below which rank preservation is flagged
	// (default 0.3; see RankCheck).
	RankSlopeMin float64
	// RankWindowU is the width in quantile level u of the window over which
	// that slope is measured (default 0.05, widened to hold ≥ 25 samples).
	RankWindowU float64
}

// Settings is the resolved, serialisable form of Options recorded in every
// result.
type Settings struct {
	Bootstrap    int     `json:"bootstrap"`
	Seed         uint64  `json:"seed"`
	Level        float64 `json:"level"`
	MaxGrid      int     `json:"max_grid"`
	TransferFit  string  `json:"transfer_fit"`
	RuleWeights  string  `json:"rule_weights"`
	DeltaH       string  `json:"delta_h"`
	Bounds       Bounds  `json:"bounds"`
	RankSlopeMin float64 `json:"rank_slope_min"`
	RankWindowU  float64 `json:"rank_window_u"`
}

func (o *Options) resolve() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Bootstrap == 0 {
		r.Bootstrap = 200
	}
	if r.Bootstrap < 0 {
		r.Bootstrap = 0
	}
	if r.Level == 0 {
		r.Level = 0.95
	}
	if !(r.Level > 0 && r.Level < 1) {
		return r, fmt.Errorf("infer: Level = %v outside (0,1)", r.Level)
	}
	if r.Workers <= 0 {
		r.Workers = runtime.GOMAXPROCS(0)
	}
	if r.MaxGrid == 0 {
		r.MaxGrid = 400
	}
	if r.MaxGrid < 10 {
		return r, fmt.Errorf("infer: MaxGrid = %d < 10", r.MaxGrid)
	}
	if r.DeltaH != DeltaHLogistic && r.DeltaH != DeltaHEmpirical {
		return r, fmt.Errorf("infer: unknown DeltaH method %d", r.DeltaH)
	}
	if r.TransferFit != TransferFitInverse && r.TransferFit != TransferFitRate {
		return r, fmt.Errorf("infer: unknown TransferFit method %d", r.TransferFit)
	}
	if r.RuleWeights != WeightUniform && r.RuleWeights != WeightInverseVariance {
		return r, fmt.Errorf("infer: unknown RuleWeights %d", r.RuleWeights)
	}
	if r.RankSlopeMin == 0 {
		r.RankSlopeMin = 0.3
	}
	if r.RankWindowU == 0 {
		r.RankWindowU = 0.05
	}
	if !(r.RankWindowU > 0 && r.RankWindowU < 0.5) {
		return r, fmt.Errorf("infer: RankWindowU = %v outside (0, 0.5)", r.RankWindowU)
	}
	r.Bounds = r.Bounds.withDefaults()
	return r, r.Bounds.Validate()
}

func (o Options) settings(b Bounds) Settings {
	return Settings{Bootstrap: o.Bootstrap, Seed: o.Seed, Level: o.Level, MaxGrid: o.MaxGrid,
		TransferFit: o.TransferFit.String(), RuleWeights: o.RuleWeights.String(), DeltaH: o.DeltaH.String(), Bounds: b, RankSlopeMin: o.RankSlopeMin, RankWindowU: o.RankWindowU}
}

// Estimate is one fitted parameter: the point estimate on the full data,
// the bootstrap percentile interval at Settings.Level, the bootstrap SD, and
// whether the point estimate sits on a fit bound (then it is a bound, not a
// measurement, and its CI is one-sided in effect).
type Estimate struct {
	Value   float64 `json:"value"`
	Lo      float64 `json:"lo"`
	Hi      float64 `json:"hi"`
	SE      float64 `json:"se"`
	AtBound bool    `json:"at_bound"`
}

// TransferFit is the logistic φ(h) = r_max/(1+exp(−β(h−h0))).
type TransferFit struct {
	RMaxHz, Beta, H0 Estimate
	// RMSEHz is the RMS residual (Hz) of the fit to the quantile curve.
	RMSEHz float64
}

// RuleFit is Δh(r) = C f(r), f(r) = ½[2q_f − 1 + tanh(β_f(r − x_f))], and
// the derived presynaptic offset q_g and amplitude A.
type RuleFit struct {
	C, QF, BetaFPerHz, XFHz Estimate
	// QG solves E[g(φ̂(ξ))] = 0 for g = ½[2q_g − 1 + tanh(β_f(r − x_f))]
	// (x_g = x_f, β_g = β_f), via ratefn.Rule.Centre with the fitted φ̂.
	QG Estimate
	// A = C / E[g(φ̂)φ̂] [inferred conversion, spec §3 step 4].
	A Estimate
	// EGPhiHz is E[g(φ̂(ξ))φ̂(ξ)] at the point estimate (Hz).
	EGPhiHz float64
	// RMSE is the RMS residual of the Δh fit (units of h).
	RMSE float64
	// NPoints is the number of quantile levels used in the Δh fit.
	NPoints int
}

// RankCheck reports the test of the rank-preservation assumption.
// Under the model the map from novel to familiar input, T(h) = h + Δh(φ(h)),
// is increasing, and the rank-matched estimate T̃(z_u) = h^F(u) equals T.
// If T folds (is non-monotone), T̃ is the monotone rearrangement of T and its
// slope drops to 0 at the fold edges, where the familiar density piles up.
// Violated is set when the smallest slope of T̃ over windows of width
// WindowU in u (within u ∈ [0.02, 0.98]) falls below Threshold. The fitted
// model itself (C ≥ 0, β_f > 0) is always rank-preserving, so a violation
// means the data contradict the assumption, not the fit.
type RankCheck struct {
	MinSlope  float64 `json:"min_slope"`
	AtRateHz  float64 `json:"at_rate_hz"`
	Threshold float64 `json:"threshold"`
	WindowU   float64 `json:"window_u"`
	Violated  bool    `json:"violated"`
	// BootFraction is the fraction of bootstrap replicates that were flagged.
	BootFraction float64 `json:"boot_fraction"`
}

// Curve is a function sampled on a fixed grid X with the point estimate Y
// and a pointwise bootstrap percentile band [Lo, Hi].
type Curve struct {
	X, Y, Lo, Hi []float64
}

// Curves are the plotted functions of one neuron.
type Curves struct {
	// PhiLogistic is φ̂(h) on h ∈ [−3.5, 3.5] (71 points), Hz.
	PhiLogistic Curve
	// PhiEmpirical is the nonparametric φ = F_N⁻¹∘Φ_G on the same grid (Hz);
	// flat beyond the extreme plotting positions.
	PhiEmpirical Curve
	// DeltaHFit is Ĉ f̂(r) on r ∈ [0, max observed rate] (101 points).
	DeltaHFit Curve
	// DeltaHPointsRHz, DeltaHPoints are the rank-matched (r^N(u), Δh(u)) of
	// the full data, the points the rule is fitted to.
	DeltaHPointsRHz, DeltaHPoints []float64
}

// Bootstrap summarises the resampling.
type Bootstrap struct {
	Replicates int `json:"replicates"`
	// Failed counts replicates whose fit failed (excluded from CIs).
	Failed int `json:"failed"`
}

// NeuronResult is the inference for one neuron. Its JSON form is the
// `engram infer --json` neuron object (see MarshalJSON).
type NeuronResult struct {
	ID                string
	NNovel, NFamiliar int
	// TransferFit and RuleFit hold the estimates with CIs; the methods
	// Transfer and Rule return them as ratefn values for a network.
	TransferFit TransferFit
	RuleFit     RuleFit
	Rank        RankCheck
	Curves      Curves
	Boot        Bootstrap
	// MeanNovelHz, SDNovelHz summarise the novel rates (for PopulationSummary).
	MeanNovelHz, SDNovelHz float64
	// Method describes the estimator; Settings the resolved options.
	Method   string
	Settings Settings
	// Warnings lists non-fatal problems (bound hits, failed centring, rank
	// preservation flagged, failed replicates).
	Warnings []string
}

// Method is the text stored in NeuronResult.Method.
const Method = "Lim et al. 2015 quantile matching (spec §3): logistic φ by bounded least squares on Hazen-interpolated " +
	"novel quantiles vs Φ_G⁻¹(u); rank-matched Δh(u); f by bounded least squares with (C,q_f) profiled; " +
	"q_g from E[g(φ̂)]=0; A = C/E[g(φ̂)φ̂] [inferred]; percentile bootstrap resampling stimuli within each condition"

// Transfer returns the fitted φ as a ratefn.Transfer (point estimates).
func (r NeuronResult) Transfer() ratefn.Transfer {
	return ratefn.Transfer{Kind: ratefn.Sigmoid, RMaxHz: r.TransferFit.RMaxHz.Value, Beta: r.TransferFit.Beta.Value, H0: r.TransferFit.H0.Value}
}

// Rule returns the fitted rule as a ratefn.Rule with A, f = (q_f, β_f, x_f)
// and g = (q_g, β_g = β_f, x_g = x_f), already centred under Transfer().
func (r NeuronResult) Rule() ratefn.Rule {
	f := ratefn.StepSigmoid{Q: r.RuleFit.QF.Value, BetaPerHz: r.RuleFit.BetaFPerHz.Value, XHz: r.RuleFit.XFHz.Value}
	g := f
	g.Q = r.RuleFit.QG.Value
	return ratefn.Rule{A: r.RuleFit.A.Value, F: f, G: g}
}

// point is the estimate from one (resampled) data set.
type point struct {
	tf     logisticFit
	rf     ruleFit
	qg, a  float64
	egphi  float64
	cerr   error
	rank   RankCheck
	rN, dh []float64
	curves [3][]float64 // φ logistic, φ empirical, ΔhFit on the fixed grids
}

// vec returns the 9 scalar parameters in a fixed order (see paramNames).
func (p *point) vec() [9]float64 {
	return [9]float64{p.tf.RMaxHz, p.tf.Beta, p.tf.H0, p.rf.C, p.a, p.rf.QF, p.rf.BetaFPerHz, p.rf.XFHz, p.qg}
}

var errTooFewPoints = errors.New("too few valid quantile levels for the Δh fit")

// neuronSetup holds what is fixed per neuron across bootstrap replicates.
type neuronSetup struct {
	opt    Options
	bounds Bounds
	hGrid  []float64
	rGrid  []float64
	gauss  *gaussNodes
}

func newSetup(nd NeuronData, opt Options, g *gaussNodes) neuronSetup {
	b := opt.Bounds
	maxN, maxAll := slices.Max(nd.Novel), math.Max(slices.Max(nd.Novel), slices.Max(nd.Familiar))
	if b.XFHz[1] == 0 {
		b.XFHz[1] = math.Max(maxN, b.XFHz[0]+1)
	}
	s := neuronSetup{opt: opt, bounds: b, gauss: g}
	s.hGrid = make([]float64, 71)
	for i := range s.hGrid {
		s.hGrid[i] = -3.5 + 0.1*float64(i)
	}
	s.rGrid = make([]float64, 101)
	for i := range s.rGrid {
		s.rGrid[i] = maxAll * float64(i) / 100
	}
	return s
}

// fitPoint runs steps 1–4 on sorted samples. exact selects
// ratefn.Rule.Centre (point estimate) over the equivalent one-pass
// centreFast (bootstrap replicates).
func (s *neuronSetup) fitPoint(nov, fam []float64, exact bool, start *ruleFit) (point, error) {
	var p point
	o := s.opt
	// Step 1: transfer function from novel quantiles.
	kT := min(len(nov), o.MaxGrid)
	hq, rq := make([]float64, kT), make([]float64, kT)
	for k := range kT {
		u := (float64(k) + 0.5) / float64(kT)
		hq[k], rq[k] = normQuantile(u), quantileSorted(nov, u)
	}
	ok := false
	if o.TransferFit == TransferFitInverse {
		p.tf, ok = fitLogisticInverse(hq, rq, s.bounds)
	}
	if !ok {
		p.tf = fitLogistic(hq, rq, s.bounds)
	}
	p.tf.RMSEHz = rmsRate(hq, rq, p.tf)
	tf := ratefn.Transfer{Kind: ratefn.Sigmoid, RMaxHz: p.tf.RMaxHz, Beta: p.tf.Beta, H0: p.tf.H0}
	// Steps 2–3: rank matching.
	k := min(len(nov), len(fam), o.MaxGrid)
	z, hF := make([]float64, 0, k), make([]float64, 0, k)
	us := make([]float64, 0, k)
	p.rN, p.dh = make([]float64, 0, k), make([]float64, 0, k)
	for i := range k {
		u := (float64(i) + 0.5) / float64(k)
		rn, rf := quantileSorted(nov, u), quantileSorted(fam, u)
		var hn, hf float64
		if o.DeltaH == DeltaHEmpirical {
			pf, ok := cdfSorted(nov, rf)
			if !ok {
				continue
			}
			hn, hf = normQuantile(u), normQuantile(pf)
		} else {
			hn, hf = tf.Inverse(rn), tf.Inverse(rf)
		}
		if math.IsNaN(hn) || math.IsInf(hn, 0) || math.IsNaN(hf) || math.IsInf(hf, 0) {
			continue
		}
		us = append(us, u)
		z = append(z, normQuantile(u))
		hF = append(hF, hf)
		p.rN = append(p.rN, rn)
		p.dh = append(p.dh, hf-hn)
	}
	if len(p.dh) < 10 {
		return p, fmt.Errorf("%w: %d of %d usable", errTooFewPoints, len(p.dh), k)
	}
	// Step 4: fit of Δh(r) = C f(r).
	var w []float64
	if o.RuleWeights == WeightInverseVariance {
		// Var Δh(u) ∝ u(1−u)/φ_G(z_u)² for quantiles of N(0,1) inputs.
		w = make([]float64, len(us))
		for k, u := range us {
			g := math.Exp(-0.5*z[k]*z[k]) / math.Sqrt(2*math.Pi)
			w[k] = g * g / (u * (1 - u))
		}
	}
	p.rf = fitRule(p.rN, p.dh, w, s.bounds, s.bounds.XFHz[1], start)
	rule := ratefn.Rule{A: 1,
		F: ratefn.StepSigmoid{Q: p.rf.QF, BetaPerHz: p.rf.BetaFPerHz, XHz: p.rf.XFHz},
		G: ratefn.StepSigmoid{BetaPerHz: p.rf.BetaFPerHz, XHz: p.rf.XFHz}}
	if exact {
		st, err := rule.Centre(tf)
		if err != nil {
			p.cerr = err
			p.qg, p.a, p.egphi = math.NaN(), math.NaN(), math.NaN()
		} else {
			p.qg, p.egphi = st.Rule.G.Q, st.EGPhi
			p.a = p.rf.C / st.EGPhi
		}
	} else if qg, egphi, ok := s.gauss.centreFast(tf, p.rf.BetaFPerHz, p.rf.XFHz); ok {
		p.qg, p.egphi, p.a = qg, egphi, p.rf.C/egphi
	} else {
		p.qg, p.a, p.egphi = math.NaN(), math.NaN(), math.NaN()
	}
	p.rank = rankCheck(us, z, hF, p.rN, len(nov), len(fam), o)
	// Curves on fixed grids.
	c0, c1, c2 := make([]float64, len(s.hGrid)), make([]float64, len(s.hGrid)), make([]float64, len(s.rGrid))
	for i, h := range s.hGrid {
		c0[i] = tf.Rate(h)
		c1[i] = quantileSorted(nov, normCDF(h))
	}
	f := rule.F
	for i, r := range s.rGrid {
		c2[i] = p.rf.C * f.Eval(r)
	}
	p.curves = [3][]float64{c0, c1, c2}
	return p, nil
}

// rankCheck measures the smallest slope of the rank-matched map h^F(z_u)
// over windows of width w in u inside [0.02, 0.98].
func rankCheck(us, z, hF, rN []float64, nN, nF int, o Options) RankCheck {
	w := math.Max(o.RankWindowU, 25/float64(min(nN, nF)))
	rc := RankCheck{MinSlope: math.Inf(1), AtRateHz: math.NaN(), Threshold: o.RankSlopeMin, WindowU: w}
	j := 0
	for i := range us {
		if us[i] < 0.02 {
			continue
		}
		if j < i {
			j = i
		}
		for j < len(us) && us[j]-us[i] < w {
			j++
		}
		if j >= len(us) || us[j] > 0.98 {
			break
		}
		if dz := z[j] - z[i]; dz > 0 {
			if sl := (hF[j] - hF[i]) / dz; sl < rc.MinSlope {
				rc.MinSlope, rc.AtRateHz = sl, 0.5*(rN[i]+rN[j])
			}
		}
	}
	if math.IsInf(rc.MinSlope, 1) {
		rc.MinSlope = math.NaN()
	}
	rc.Violated = rc.MinSlope < rc.Threshold
	return rc
}

// Infer runs the inference with bootstrap on one neuron; neuron is the
// index that keys its bootstrap streams (use the position in the Dataset).
func Infer(nd NeuronData, neuron int, opts *Options) (NeuronResult, error) {
	res, err := inferAll(context.Background(), &Dataset{Neurons: []NeuronData{nd}}, opts, neuron)
	if err != nil {
		return NeuronResult{}, err
	}
	return res[0], nil
}

// InferAll infers φ and f for every neuron of ds, in parallel over
// (neuron, bootstrap replicate) tasks. Results are in ds order and do not
// depend on Workers. A neuron whose point fit fails makes InferAll return
// an error naming it; failed bootstrap replicates are only counted.
func InferAll(ds *Dataset, opts *Options) ([]NeuronResult, error) {
	return inferAll(context.Background(), ds, opts, 0)
}

// InferAllContext is InferAll that stops early when ctx is cancelled (e.g.
// Ctrl-C during a long bootstrap): workers finish their current fit, skip
// the remaining tasks, and ctx.Err() is returned.
func InferAllContext(ctx context.Context, ds *Dataset, opts *Options) ([]NeuronResult, error) {
	return inferAll(ctx, ds, opts, 0)
}

func inferAll(ctx context.Context, ds *Dataset, opts *Options, key0 int) ([]NeuronResult, error) {
	if ds == nil || len(ds.Neurons) == 0 {
		return nil, errors.New("infer: empty dataset")
	}
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	nn := len(ds.Neurons)
	setups := make([]neuronSetup, nn)
	gn := newGaussNodes()
	sorted := make([][2][]float64, nn)
	for i, nd := range ds.Neurons {
		if _, err := NewNeuronData(nd.ID, nd.Novel, nd.Familiar); err != nil {
			return nil, err
		}
		setups[i] = newSetup(nd, o, &gn)
		a, b := slices.Clone(nd.Novel), slices.Clone(nd.Familiar)
		slices.Sort(a)
		slices.Sort(b)
		sorted[i] = [2][]float64{a, b}
	}
	B := o.Bootstrap
	per := B + 1
	total := int64(nn * per)
	pts := make([]point, nn*per)
	errs := make([]error, nn*per)
	var done atomic.Int64
	report := func() { progress.Report(o.Progress, done.Add(1), total) }
	// Phase 1: full-data fits (they seed the bootstrap fits' starts).
	parallel(nn, o.Workers, func(i int, _ *[2][]float64) {
		if ctx.Err() != nil {
			return
		}
		pts[i*per], errs[i*per] = setups[i].fitPoint(sorted[i][0], sorted[i][1], true, nil)
		report()
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, nd := range ds.Neurons {
		if err := errs[i*per]; err != nil {
			return nil, fmt.Errorf("infer: neuron %q: %w", nd.ID, err)
		}
	}
	// Phase 2: bootstrap replicates; replicate b of neuron i has its own
	// stream, so the result does not depend on scheduling.
	parallel(nn*B, o.Workers, func(t int, buf *[2][]float64) {
		if ctx.Err() != nil {
			return
		}
		i, b := t/B, t%B
		rng := rand.New(rand.NewPCG(o.Seed, uint64(key0+i)<<32|uint64(b)))
		buf[0] = resampleSorted(buf[0], sorted[i][0], rng)
		buf[1] = resampleSorted(buf[1], sorted[i][1], rng)
		k := i*per + 1 + b
		pts[k], errs[k] = setups[i].fitPoint(buf[0], buf[1], false, &pts[i*per].rf)
		pts[k].rN, pts[k].dh = nil, nil
		report()
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]NeuronResult, nn)
	for i, nd := range ds.Neurons {
		out[i] = summarise(nd, &setups[i], pts[i*per:(i+1)*per], errs[i*per:(i+1)*per], o)
	}
	return out, nil
}

// resampleSorted draws len(src) values with replacement from src into dst
// (reused) and sorts them.
func resampleSorted(dst, src []float64, rng *rand.Rand) []float64 {
	dst = dst[:0]
	for range src {
		dst = append(dst, src[rng.IntN(len(src))])
	}
	slices.Sort(dst)
	return dst
}

func summarise(nd NeuronData, s *neuronSetup, pts []point, errs []error, o Options) NeuronResult {
	p0 := &pts[0]
	r := NeuronResult{ID: nd.ID, NNovel: len(nd.Novel), NFamiliar: len(nd.Familiar), Method: Method,
		Settings: o.settings(s.bounds)}
	r.MeanNovelHz, r.SDNovelHz = meanSD(nd.Novel)
	var boots []*point
	for b := 1; b < len(pts); b++ {
		if errs[b] != nil {
			r.Boot.Failed++
			continue
		}
		boots = append(boots, &pts[b])
	}
	r.Boot.Replicates = len(pts) - 1
	v0 := p0.vec()
	est := make([]Estimate, 9)
	col := make([]float64, 0, len(boots))
	for k := range 9 {
		col = col[:0]
		for _, bp := range boots {
			if v := bp.vec()[k]; !math.IsNaN(v) {
				col = append(col, v)
			}
		}
		est[k] = Estimate{Value: v0[k]}
		est[k].Lo, est[k].Hi, est[k].SE = percentileCI(col, o.Level)
	}
	b := s.bounds
	onB := func(v float64, lohi [2]float64) bool {
		tol := 1e-4 * (lohi[1] - lohi[0])
		return math.Abs(v-lohi[0]) < tol || math.Abs(v-lohi[1]) < tol
	}
	est[0].AtBound = onB(v0[0], b.RMaxHz)
	est[1].AtBound = onB(v0[1], b.Beta)
	est[2].AtBound = onB(v0[2], b.H0)
	est[3].AtBound = onB(v0[3], b.C)
	est[5].AtBound = v0[5] <= 1e-9 || v0[5] >= 1-1e-9
	est[6].AtBound = onB(v0[6], b.BetaFPerHz)
	est[7].AtBound = onB(v0[7], b.XFHz)
	r.TransferFit = TransferFit{RMaxHz: est[0], Beta: est[1], H0: est[2], RMSEHz: p0.tf.RMSEHz}
	r.RuleFit = RuleFit{C: est[3], A: est[4], QF: est[5], BetaFPerHz: est[6], XFHz: est[7], QG: est[8],
		EGPhiHz: p0.egphi, RMSE: p0.rf.RMSE, NPoints: len(p0.dh)}
	r.Rank = p0.rank
	if len(boots) > 0 {
		nv := 0
		for _, bp := range boots {
			if bp.rank.Violated {
				nv++
			}
		}
		r.Rank.BootFraction = float64(nv) / float64(len(boots))
	}
	// Curves.
	mk := func(x []float64, c int) Curve {
		cv := Curve{X: slices.Clone(x), Y: slices.Clone(p0.curves[c]), Lo: make([]float64, len(x)), Hi: make([]float64, len(x))}
		for j := range x {
			col = col[:0]
			for _, bp := range boots {
				col = append(col, bp.curves[c][j])
			}
			cv.Lo[j], cv.Hi[j], _ = percentileCI(col, o.Level)
		}
		return cv
	}
	r.Curves = Curves{PhiLogistic: mk(s.hGrid, 0), PhiEmpirical: mk(s.hGrid, 1), DeltaHFit: mk(s.rGrid, 2),
		DeltaHPointsRHz: p0.rN, DeltaHPoints: p0.dh}
	// Warnings.
	names := paramNames()
	for k, e := range est {
		if e.AtBound {
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s = %.4g is on its fit bound: a bound, not a measurement", names[k], e.Value))
		}
	}
	if p0.cerr != nil {
		r.Warnings = append(r.Warnings, "q_g and A undefined: "+p0.cerr.Error())
	}
	if r.Rank.Violated {
		r.Warnings = append(r.Warnings, fmt.Sprintf("rank preservation doubtful: slope of familiar vs novel input falls to %.3g (< %.3g) near r = %.3g Hz", r.Rank.MinSlope, r.Rank.Threshold, r.Rank.AtRateHz))
	}
	if r.Boot.Failed > 0 {
		r.Warnings = append(r.Warnings, fmt.Sprintf("%d of %d bootstrap replicates failed", r.Boot.Failed, r.Boot.Replicates))
	}
	return r
}

// paramNames are the JSON names of the 9 parameters in point.vec order.
func paramNames() [9]string {
	return [9]string{"r_max_hz", "beta", "h0", "C", "A", "q_f", "beta_f_per_hz", "x_f_hz", "q_g"}
}

// percentileCI returns the (1−level)/2 and (1+level)/2 sample quantiles
// (linear interpolation) and the SD of x; NaNs when x is empty.
func percentileCI(x []float64, level float64) (lo, hi, sd float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	q := func(p float64) float64 {
		t := p * float64(len(s)-1)
		j := int(t)
		if j >= len(s)-1 {
			return s[len(s)-1]
		}
		return s[j] + (t-float64(j))*(s[j+1]-s[j])
	}
	_, sd = meanSD(s)
	return q((1 - level) / 2), q((1 + level) / 2), sd
}

func meanSD(x []float64) (m, sd float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	if len(x) < 2 {
		return m, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return m, math.Sqrt(ss / float64(len(x)-1))
}

// rmsRate is the RMS difference (Hz) between the quantiles r_k and φ̂(z_k).
func rmsRate(z, r []float64, f logisticFit) float64 {
	var s float64
	for k := range z {
		d := r[k] - f.RMaxHz/(1+math.Exp(-f.Beta*(z[k]-f.H0)))
		s += d * d
	}
	return math.Sqrt(s / float64(len(z)))
}

// parallel runs fn(t, buf) for t in [0, n) on up to workers goroutines;
// buf is per-goroutine scratch space.
func parallel(n, workers int, fn func(t int, buf *[2][]float64)) {
	var wg sync.WaitGroup
	var next atomic.Int64
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf [2][]float64
			for {
				t := int(next.Add(1) - 1)
				if t >= n {
					return
				}
				fn(t, &buf)
			}
		}()
	}
	wg.Wait()
}
