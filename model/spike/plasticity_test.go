package spike

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/engramsim/engram/rng"
)

// poissonPairSpec is n independent synapses, each from its own Poisson
// source neuron (rate nuPre) onto its own Poisson "post" neuron (rate
// nuPost): the open-loop setting of the Poisson-rate limits
// (spiking-networks.md §4). Nothing is transmitted onto a spike source;
// only the rule runs. Weights start at w0 far from the bounds.
func poissonPairSpec(n int, nuPre, nuPost float64, preSign string, r RuleSpec, w0 float64, seed uint64) Spec {
	return Spec{DtMs: 0.1, Seed: seed,
		Populations: []PopulationSpec{
			{Name: "pre", N: n, Sign: preSign, Neuron: SourceNeuron(Poisson, nuPre)},
			{Name: "post", N: n, Sign: "exc", Neuron: SourceNeuron(Poisson, nuPost)},
		},
		Projections: []ProjectionSpec{{Pre: "pre", Post: "post", Rule: RuleOneToOne,
			Weight: WeightSpec{Dist: WeightConstant, Mean: w0, Scale: 1}, DelayMs: 0.1, Plasticity: []RuleSpec{r}}},
	}
}

// TestPoissonLimits: every row of spiking-networks.md §4.6 (and closed
// forms for the weight-dependent rules of §4.2): the simulated drift of
// independent Poisson pre/post trains matches the Poisson-rate limit
// within 4 standard errors, over 1000 independent synapses × 20 s = 2·10⁴
// synapse-seconds (the spec's replicate length; -short: 2·10³).
//
// The tolerance is the standard error of this simulation, not the spec's
// "replicate SD": those come from 3 replicates, and an SD from 3 samples
// is uncertain by a factor 2–3 (95 % interval [0.52, 6.3]·σ); e.g. the
// table lists 1.21e-5 for iSTDP at (10, 8) Hz but 0.95e-4 at (10, 3) Hz,
// which has fewer events. The closed forms themselves are checked against
// the table's theory column to 1e-4.
//
// For the weight-dependent rules (Gütig, van Rossum) the drift depends on
// w, and w moves during the run; the prediction integrates the limit ODE
// ẇ = D(w) from each synapse's weight after the warm-up (RK4, 1 ms steps)
// instead of evaluating D at the start.
func TestPoissonLimits(t *testing.T) {
	durMs := 20000.0
	if testing.Short() {
		durMs = 2000
	}
	pair := PairDefaults() // A+ = 0.005, A− = 1.05 A+, τ± = 20 ms
	full := TripletDefaults()
	minimal := TripletParams{A3Plus: 6.5e-3, A2Minus: 1.10820e-3, TauPlusMs: 16.8, TauXMs: 101, TauMinusMs: 33.7, TauYMs: 114}
	ist := ISTDPDefaults()
	gut := GutigParams{Lambda: 0.005, Alpha: 1.05, Mu: 1, TauMs: 20}
	gut5 := GutigParams{Lambda: 0.005, Alpha: 1.05, Mu: 0.5, TauMs: 20}
	vr := VanRossumParams{CP: 0.0025, CD: 0.005, TauPlusMs: 20, TauMinusMs: 20}
	tripletTheory := func(p TripletParams, pre, post float64) float64 {
		s := 1e-3
		return pre*post*(p.A2Plus*p.TauPlusMs*s-p.A2Minus*p.TauMinusMs*s) + p.A3Plus*p.TauPlusMs*s*p.TauYMs*s*pre*post*post -
			p.A3Minus*p.TauMinusMs*s*p.TauXMs*s*pre*pre*post
	}
	constD := func(d float64) func(float64) float64 { return func(float64) float64 { return d } }
	gutD := func(p GutigParams) func(float64) float64 { // w_max = 1
		return func(u float64) float64 {
			return p.Lambda * p.TauMs * 1e-3 * 200 * (math.Pow(1-u, p.Mu) - p.Alpha*math.Pow(u, p.Mu))
		}
	}
	cases := []struct {
		name      string
		r         RuleSpec
		pre, post float64
		preSign   string
		w0        float64
		drift     func(w float64) float64 // Poisson limit D(w), 1/s
		spec      float64                 // spec §4.6 theory column (0: not in the table)
	}{
		{"pair additive", RuleSpec{Rule: RulePair, WMax: 100, Pair: &pair}, 10, 20, "exc", 50,
			constD(10 * 20 * (pair.APlus - pair.AMinus) * 0.020), -1.000e-3},
		{"triplet full 10/20", RuleSpec{Rule: RuleTriplet, WMax: 100, Triplet: &full}, 10, 20, "exc", 50,
			constD(tripletTheory(full, 10, 20)), 3.3343e-3},
		{"triplet full 20/5", RuleSpec{Rule: RuleTriplet, WMax: 100, Triplet: &full}, 20, 5, "exc", 50,
			constD(tripletTheory(full, 20, 5)), -1.86457e-2},
		{"triplet minimal 10/2", RuleSpec{Rule: RuleTriplet, WMax: 100, Triplet: &minimal}, 10, 2, "exc", 50,
			constD(tripletTheory(minimal, 10, 2)), -2.48976e-4},
		{"triplet minimal 10/6", RuleSpec{Rule: RuleTriplet, WMax: 100, Triplet: &minimal}, 10, 6, "exc", 50,
			constD(tripletTheory(minimal, 10, 6)), 2.240784e-3},
		{"istdp 10/3", RuleSpec{Rule: RuleISTDP, WMax: 100, ISTDP: &ist}, 10, 3, "inh", 50,
			constD(2 * ist.Eta * ist.TauMs * 1e-3 * 10 * (3 - ist.Rho0Hz)), 0},
		{"istdp 10/8", RuleSpec{Rule: RuleISTDP, WMax: 100, ISTDP: &ist}, 10, 8, "inh", 50,
			constD(2 * ist.Eta * ist.TauMs * 1e-3 * 10 * (8 - ist.Rho0Hz)), 2.0e-2},
		// §4.2 at u = w/w_max near 0.3: λτν_preν_post[(1 − u)^μ − αu^μ].
		{"gutig mu=1", RuleSpec{Rule: RuleGutig, WMax: 1, Gutig: &gut}, 10, 20, "exc", 0.3, gutD(gut), 0},
		{"gutig mu=0.5", RuleSpec{Rule: RuleGutig, WMax: 1, Gutig: &gut5}, 10, 20, "exc", 0.3, gutD(gut5), 0},
		// §4.2: ν_pre ν_post (c_p τ+ − c_d τ− w) near w = 0.3.
		{"vanrossum", RuleSpec{Rule: RuleVanRossum, WMax: 100, VanRossum: &vr}, 10, 20, "exc", 0.3,
			func(w float64) float64 { return 200 * (vr.CP*0.020 - vr.CD*0.020*w) }, 0},
	}
	for _, c := range cases {
		if d := c.drift(c.w0); c.spec != 0 && math.Abs(d-c.spec) > 1e-4*math.Abs(c.spec) {
			t.Errorf("%s: closed form %v differs from the spec's %v", c.name, d, c.spec)
		}
		s := poissonPairSpec(1000, c.pre, c.post, c.preSign, c.r, c.w0, 7)
		m, se, theory := driftPerS(t, s, durMs, c.drift)
		t.Logf("%-22s drift %.5e ± %.2e /s, theory %.5e (%+.2f SE)", c.name, m, se, theory, (m-theory)/se)
		if math.Abs(m-theory) > 4*se {
			t.Errorf("%s: drift %.5e ± %.2e, theory %.5e: off by %.1f SE", c.name, m, se, theory, math.Abs(m-theory)/se)
		}
	}
}

// driftPerS runs s for a 1 s warm-up (traces start at 0 and need ≈ 8
// time constants of the slowest, 125 ms, to reach their stationary
// statistics) and then durMs. It returns the mean weight drift per second
// over durMs, its standard error (synapses are independent), and the
// prediction: the limit ODE ẇ = D(w) integrated from each synapse's
// weight after the warm-up.
func driftPerS(t *testing.T, s Spec, durMs float64, D func(float64) float64) (mean, se, theory float64) {
	t.Helper()
	net, err := Build(&s, &Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(int64(1000/s.DtMs+0.5), nil); err != nil {
		t.Fatal(err)
	}
	W := net.Projections()[0].W
	w0 := make([]float64, len(W))
	for q, w := range W {
		w0[q] = float64(w)
	}
	if err := net.Run(int64(durMs/s.DtMs+0.5), nil); err != nil {
		t.Fatal(err)
	}
	T := durMs / 1000
	var m, m2 float64
	for q, w := range W {
		d := (float64(w) - w0[q]) / T
		m += d
		m2 += d * d
		// RK4 of ẇ = D(w), 1 ms steps
		x, h := w0[q], 1e-3
		for k := 0; k < int(T/h+0.5); k++ {
			k1 := D(x)
			k2 := D(x + h/2*k1)
			k3 := D(x + h/2*k2)
			k4 := D(x + h*k3)
			x += h / 6 * (k1 + 2*k2 + 2*k3 + k4)
		}
		theory += (x - w0[q]) / T
	}
	n := float64(len(W))
	m /= n
	return m, math.Sqrt((m2/n - m*m) / (n - 1)), theory / n
}

// pairingSpec is one presynaptic spike at tPre and one postsynaptic spike
// at tPost (generators), one plastic synapse of weight w0, delay one step
// (axonal): the presynaptic spike reaches the synapse at tPre + dt.
func pairingSpec(tPre, tPost float64, r RuleSpec, preSign string, w0 float64) Spec {
	return Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "pre", N: 1, Sign: preSign, Neuron: SourceNeuron(Generator, 0), Generator: &GeneratorSpec{TimesMs: []float64{tPre}, IDs: []int32{0}}},
			{Name: "post", N: 1, Sign: "exc", Neuron: SourceNeuron(Generator, 0), Generator: &GeneratorSpec{TimesMs: []float64{tPost}, IDs: []int32{0}}},
		},
		Projections: []ProjectionSpec{{Pre: "pre", Post: "post", Rule: RuleOneToOne,
			Weight: WeightSpec{Dist: WeightConstant, Mean: w0, Scale: 1}, DelayMs: 0.1, Plasticity: []RuleSpec{r}}},
	}
}

// TestPairingWindow: a single pre/post pair at Δt = t_post − t_arrival =
// ±10 ms changes the weight by the rule's window (spiking-networks.md
// §4.1–4.4): pair A+e^{−Δt/τ+} / −A−e^{Δt/τ−}; triplet (no third spike)
// A2+e^{−Δt/τ+} / −A2−e^{Δt/τ−}; iSTDP η(e^{−|Δt|/τ} − α) both ways;
// Gütig (μ = 1, u0 = 0.4) λ(1 − u0)e^{−Δt/τ} / −λαu0e^{Δt/τ}; van Rossum
// c_p e^{−Δt/τ+} / −c_d w0 e^{Δt/τ−}. Tolerance 1e-6 relative to w0
// (float32 storage of w ≈ 1).
func TestPairingWindow(t *testing.T) {
	pair := PairParams{APlus: 0.01, AMinus: 0.012, TauPlusMs: 16.8, TauMinusMs: 33.7}
	trip := TripletDefaults()
	trip.A2Plus = 0.008
	ist := ISTDPDefaults()
	gut := GutigParams{Lambda: 0.02, Alpha: 1.1, Mu: 1, TauMs: 20}
	vr := VanRossumParams{CP: 0.01, CD: 0.02, TauPlusMs: 15, TauMinusMs: 25}
	e := math.Exp
	cases := []struct {
		name        string
		r           RuleSpec
		sign        string
		w0          float64
		ltp, ltd    float64 // Δw for Δt = +10 and −10 ms
		wmax, noClp float64
	}{
		{"pair", RuleSpec{Rule: RulePair, WMax: 10, Pair: &pair}, "exc", 1, pair.APlus * e(-10/pair.TauPlusMs), -pair.AMinus * e(-10/pair.TauMinusMs), 0, 0},
		{"pair nearest", RuleSpec{Rule: RulePair, WMax: 10, Pair: &PairParams{APlus: 0.01, AMinus: 0.012, TauPlusMs: 16.8, TauMinusMs: 33.7, Nearest: true}}, "exc", 1,
			pair.APlus * e(-10/pair.TauPlusMs), -pair.AMinus * e(-10/pair.TauMinusMs), 0, 0},
		{"triplet", RuleSpec{Rule: RuleTriplet, WMax: 10, Triplet: &trip}, "exc", 1, trip.A2Plus * e(-10/trip.TauPlusMs), -trip.A2Minus * e(-10/trip.TauMinusMs), 0, 0},
		{"istdp", RuleSpec{Rule: RuleISTDP, WMax: 10, ISTDP: &ist}, "inh", 1,
			ist.Eta * (e(-10/ist.TauMs) - 2*ist.Rho0Hz*ist.TauMs/1000), ist.Eta * (e(-10/ist.TauMs) - 2*ist.Rho0Hz*ist.TauMs/1000), 0, 0},
		{"gutig", RuleSpec{Rule: RuleGutig, WMax: 1, Gutig: &gut}, "exc", 0.4, gut.Lambda * 0.6 * e(-10/gut.TauMs), -gut.Lambda * gut.Alpha * 0.4 * e(-10/gut.TauMs), 0, 0},
		{"vanrossum", RuleSpec{Rule: RuleVanRossum, WMax: 10, VanRossum: &vr}, "exc", 1, vr.CP * e(-10/vr.TauPlusMs), -vr.CD * 1 * e(-10/vr.TauMinusMs), 0, 0},
	}
	const tPre = 50.0
	for _, c := range cases {
		for _, sgn := range []float64{1, -1} {
			arrive := tPre + 0.1
			s := pairingSpec(tPre, arrive+sgn*10, c.r, c.sign, c.w0)
			net, err := Build(&s, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Run(1500, nil); err != nil {
				t.Fatal(err)
			}
			got := float64(net.Projections()[0].W[0]) - c.w0
			want := c.ltp
			if sgn < 0 {
				want = c.ltd
			}
			if math.Abs(got-want) > 1e-6*c.w0 {
				t.Errorf("%s, Δt = %+.0f ms: Δw = %.8g, want %.8g", c.name, sgn*10, got, want)
			}
			net.Close()
		}
	}
}

// TestHomeostasisAndScaling: a post neuron firing n spikes in a period
// (a generator) changes each of its inputs by λ(n* − n) (homeostasis) or
// multiplies it by 1 + λ(r* − n/T) (scaling), at the end of every period;
// the clip at w_max holds.
func TestHomeostasisAndScaling(t *testing.T) {
	var post []float64
	for k := 0; k < 7; k++ { // 7 spikes in the first 100 ms period, none after
		post = append(post, 5+13*float64(k))
	}
	ids := make([]int32, len(post))
	mk := func(r RuleSpec) Spec {
		return Spec{DtMs: 0.1, Seed: 1,
			Populations: []PopulationSpec{
				{Name: "pre", N: 4, Sign: "exc", Neuron: SourceNeuron(Poisson, 0)},
				{Name: "post", N: 1, Sign: "exc", Neuron: DefaultNeuron()},
				{Name: "drv", N: 1, Sign: "exc", Neuron: SourceNeuron(Generator, 0), Generator: &GeneratorSpec{TimesMs: post, IDs: ids}},
			},
			Projections: []ProjectionSpec{
				{Pre: "pre", Post: "post", Rule: RuleBernoulli, P: 1, Weight: WeightSpec{Dist: WeightConstant, Mean: 1, Scale: 1}, DelayMs: 0.1, Plasticity: []RuleSpec{r}},
				{Pre: "drv", Post: "post", Rule: RuleBernoulli, P: 1, Weight: WeightSpec{Dist: WeightConstant, Mean: 30, Scale: 1}, DelayMs: 0.1},
			},
		}
	}
	// Homeostasis: n* = 20 Hz · 0.1 s = 2; period 1: 7 spikes → Δw = 0.01·(2 − 7) = −0.05;
	// period 2: 0 spikes → +0.02.
	h := HomeostasisParams{Lambda: 0.01, RateHz: 20, PeriodMs: 100}
	s := mk(RuleSpec{Rule: RuleHomeostasis, WMax: 1.01, Homeostasis: &h})
	net, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(1000, nil); err != nil {
		t.Fatal(err)
	}
	spikes := 0
	_ = spikes
	W := net.Projections()[0].W
	if math.Abs(float64(W[0])-0.95) > 1e-6 {
		t.Errorf("homeostasis after period 1: w = %v, want 0.95", W[0])
	}
	_ = net.Run(1000, nil)
	if math.Abs(float64(W[0])-0.97) > 1e-6 {
		t.Errorf("homeostasis after period 2: w = %v, want 0.97", W[0])
	}
	for k := 0; k < 3; k++ {
		_ = net.Run(1000, nil)
	}
	if math.Abs(float64(W[0])-1.01) > 1e-6 {
		t.Errorf("homeostasis: w = %v, want the bound 1.01", W[0])
	}
	// Scaling: r* = 20 Hz, 7 spikes in 100 ms = 70 Hz: factor 1 + 0.002·(20 − 70) = 0.9.
	sc := ScalingParams{Lambda: 0.002, RateHz: 20, PeriodMs: 100}
	s = mk(RuleSpec{Rule: RuleScaling, WMax: 10, Scaling: &sc})
	net2, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net2.Close()
	_ = net2.Run(1000, nil)
	if w := net2.Projections()[0].W[0]; math.Abs(float64(w)-0.9) > 1e-6 {
		t.Errorf("scaling after period 1: w = %v, want 0.9", w)
	}
	_ = net2.Run(1000, nil) // 0 Hz: × (1 + 0.002·20) = 1.04
	if w := net2.Projections()[0].W[0]; math.Abs(float64(w)-0.936) > 1e-6 {
		t.Errorf("scaling after period 2: w = %v, want 0.936", w)
	}
}

// plasticNet is a small recurrent E/I network (LIF, exponential currents,
// Poisson drive) with the given rules on E→E and iSTDP on I→E, for the
// reference and determinism tests.
func plasticNet(ee []RuleSpec, seed uint64) Spec {
	nr := DefaultNeuron()
	nr.Synapse = Exp
	s := Spec{DtMs: 0.1, Seed: seed,
		Populations: []PopulationSpec{
			{Name: "E", N: 40, Sign: "exc", Neuron: nr, Init: InitSpec{VLoMV: 0, VHiMV: 20}},
			{Name: "I", N: 12, Sign: "inh", Neuron: nr, Init: InitSpec{VLoMV: 0, VHiMV: 20}},
		},
		Projections: []ProjectionSpec{
			{Pre: "E", Post: "E", Rule: RuleBernoulli, P: 0.3, Weight: WeightSpec{Dist: WeightNormal, Mean: 0.5, SD: 0.1, Scale: 1}, DelayMs: 0.3,
				DendriticDelayMs: 0.1, Plasticity: ee},
			{Pre: "E", Post: "I", Rule: RuleBernoulli, P: 0.3, Weight: WeightSpec{Dist: WeightConstant, Mean: 0.5, Scale: 1}, DelayMs: 0.1},
			// all-dendritic delay (NEST's convention): presynaptic spikes reach the synapse in their own step
			{Pre: "I", Post: "E", Rule: RuleBernoulli, P: 0.5, Weight: WeightSpec{Dist: WeightNormal, Mean: 1, SD: 0.2, Scale: 1}, DelayMs: 0.2,
				DendriticDelayMs: 0.2, Plasticity: []RuleSpec{{Rule: RuleISTDP, WMax: 3, ISTDP: &ISTDPParams{Eta: 0.05, TauMs: 20, Rho0Hz: 5}}}},
		},
		Poisson: []PoissonSpec{
			{Name: "drive E", Target: "E", NSources: 100, RateHz: 40, Weight: 1.2, Sign: "exc"},
			{Name: "drive I", Target: "I", NSources: 100, RateHz: 35, Weight: 1.2, Sign: "exc"},
		},
	}
	return s
}

func allRules() map[string][]RuleSpec {
	pair := PairParams{APlus: 0.02, AMinus: 0.021, TauPlusMs: 20, TauMinusMs: 20}
	near := pair
	near.Nearest = true
	trip := TripletDefaults()
	trip.A2Plus, trip.A3Plus, trip.A2Minus, trip.A3Minus = 0.005, 0.02, 0.01, 0.003
	zen := ZenkeTripletParams(5, 2000)
	tripN := trip
	tripN.Nearest = true
	return map[string][]RuleSpec{
		"pair": {{Rule: RulePair, WMin: 0.05, WMax: 1, Pair: &pair}},
		// τ of 1 and 2 ms: the traces' scaled sums are rescaled (every 500 τ) several times in the run
		"pair-rescaled": {{Rule: RulePair, WMax: 1, Pair: &PairParams{APlus: 0.05, AMinus: 0.04, TauPlusMs: 1, TauMinusMs: 2}}},
		"pair-nearest":  {{Rule: RulePair, WMax: 1, Pair: &near}},
		"gutig":         {{Rule: RuleGutig, WMax: 1, Gutig: &GutigParams{Lambda: 0.05, Alpha: 1.05, Mu: 0.5, TauMs: 20}}},
		"vanrossum":     {{Rule: RuleVanRossum, WMax: 1, VanRossum: &VanRossumParams{CP: 0.02, CD: 0.04, TauPlusMs: 15, TauMinusMs: 25}}},
		"triplet":       {{Rule: RuleTriplet, WMax: 1, Triplet: &trip}},
		"triplet-near":  {{Rule: RuleTriplet, WMax: 1, Triplet: &tripN}},
		"triplet-zenke": {{Rule: RuleTriplet, WMax: 1, Triplet: &zen}},
		"pair+window+homeostasis": {
			{Rule: RulePair, WMax: 1, Pair: &pair, Active: [][2]float64{{100, 700}, {1200, 1500}}},
			{Rule: RuleHomeostasis, WMax: 1, Homeostasis: &HomeostasisParams{Lambda: 0.002, RateHz: 10, PeriodMs: 50}},
		},
		"scaling": {{Rule: RuleScaling, WMax: 1, Scaling: &ScalingParams{Lambda: 0.005, RateHz: 10, PeriodMs: 50}}},
		// noisy homeostasis with a period that does not divide the checkpoint step
		"homeostasis-noise": {{Rule: RuleHomeostasis, WMax: 1, Homeostasis: &HomeostasisParams{Lambda: 0.002, RateHz: 10, PeriodMs: 37, NoiseSD: 0.002}}},
	}
}

// recordAll registers a task recording every spike (step, population,
// local id) of net.
func recordAll(net *Net) *[][3]int64 {
	var sp [][3]int64
	net.AddTask(PhaseRecord, "test recorder", "", func(step int64) error {
		for k := range net.pops {
			for _, i := range net.Spiked(k) {
				sp = append(sp, [3]int64{step, int64(k), int64(i)})
			}
		}
		return nil
	})
	return &sp
}

// refSynapse is a synapse of the naive reference: dense (pre, post) with
// a float64 weight.
type refTrace struct {
	events  [][]int64 // per neuron: steps of its events at the synapse
	tau     float64
	nearest bool
	init    float64
}

// value is the trace of neuron i during the plasticity phase of step a,
// at time (a + 1)·dt: Σ over events e < a of e^{−(a − e)dt/τ} (nearest:
// the last event only), plus the initial value (at t = 0) decayed to that
// time — computed from the event list, not by stepping.
func (r *refTrace) value(i int, a int64, dt float64) float64 {
	v := r.init * math.Exp(-float64(a+1)*dt/r.tau)
	if r.nearest {
		last := int64(-1)
		for _, e := range r.events[i] {
			if e < a {
				last = e
			}
		}
		if last >= 0 {
			v = math.Exp(-float64(a-last) * dt / r.tau)
		}
		return v
	}
	for _, e := range r.events[i] {
		if e < a {
			v += math.Exp(-float64(a-e) * dt / r.tau)
		}
	}
	return v
}

// naiveRef replays the recorded spikes through the rules of projection pr
// of s on a dense float64 weight matrix, one synapse at a time, following
// the documented conventions, and returns the weights after every step in
// snaps. vpost, for the voltage rule, is the postsynaptic population's V
// at the end of every step (nil otherwise).
func naiveRef(t *testing.T, s *Spec, pi int, w0 map[[2]int32]float64, spikes [][3]int64, steps int64, snaps []int64, vpost ...[][]float32) []map[[2]int32]float64 {
	t.Helper()
	ps := s.Projections[pi]
	dt := s.DtMs
	preP, postP := int64(s.PopIndex(ps.Pre)), int64(s.PopIndex(ps.Post))
	nPre, nPost := s.Populations[preP].N, s.Populations[postP].N
	D := int64(math.Round(ps.DelayMs / dt))
	dd := int64(math.Round(ps.DendriticDelayMs / dt))
	dax := D - dd
	preEv := make([][]int64, nPre)   // event steps at the synapse
	postEv := make([][]int64, nPost) // event steps at the synapse
	for _, sp := range spikes {
		if sp[1] == preP {
			preEv[sp[2]] = append(preEv[sp[2]], sp[0]+dax)
		}
		if sp[1] == postP {
			postEv[sp[2]] = append(postEv[sp[2]], sp[0]+dd)
		}
	}
	// dense weights, NaN = no synapse
	W := make([][]float64, nPre)
	for j := range W {
		W[j] = make([]float64, nPost)
		for i := range W[j] {
			W[j][i] = math.NaN()
		}
	}
	for k, w := range w0 {
		W[k[0]][k[1]] = w
	}
	tr := func(ev [][]int64, tau float64, nearest bool, init float64) *refTrace {
		return &refTrace{events: ev, tau: tau, nearest: nearest, init: init}
	}
	var out []map[[2]int32]float64
	mem := newRefMemory(s, pi, W, spikes)
	if len(vpost) > 0 {
		mem.v = vpost[0]
	}
	counts := make([][]int, len(ps.Plasticity))
	for r := range counts {
		counts[r] = make([]int, nPost)
	}
	si := 0
	noise := make([][]*rand.Rand, len(ps.Plasticity))
	for a := int64(0); a < steps; a++ {
		var pre, post []int
		for j := range preEv {
			if slices.Contains(preEv[j], a) {
				pre = append(pre, j)
			}
		}
		for i := range postEv {
			if slices.Contains(postEv[i], a) {
				post = append(post, i)
			}
		}
		tEv := float64(a+1) * dt
		for r, rs := range ps.Plasticity {
			rs = rs.Resolved()
			clip := func(w float64) float64 { return math.Min(math.Max(w, rs.WMin), rs.WMax) }
			act := !rs.Off && activeAt(rs.Active, tEv)
			for _, i := range post {
				if rs.Rule == RuleHomeostasis || rs.Rule == RuleScaling {
					counts[r][i]++
				}
			}
			if act {
				switch rs.Rule {
				case RulePair:
					p := rs.Pair
					x, y := tr(preEv, p.TauPlusMs, p.Nearest, 0), tr(postEv, p.TauMinusMs, p.Nearest, 0)
					for _, j := range pre {
						for i := 0; i < nPost; i++ {
							if !math.IsNaN(W[j][i]) {
								W[j][i] = clip(W[j][i] - p.AMinus*y.value(i, a, dt))
							}
						}
					}
					for _, i := range post {
						for j := 0; j < nPre; j++ {
							if !math.IsNaN(W[j][i]) {
								W[j][i] = clip(W[j][i] + p.APlus*x.value(j, a, dt))
							}
						}
					}
				case RuleGutig:
					p := rs.Gutig
					x, y := tr(preEv, p.TauMs, false, 0), tr(postEv, p.TauMs, false, 0)
					for _, j := range pre {
						for i := 0; i < nPost; i++ {
							if !math.IsNaN(W[j][i]) {
								u := W[j][i] / rs.WMax
								W[j][i] = clip((u - p.Lambda*p.Alpha*math.Pow(u, p.Mu)*y.value(i, a, dt)) * rs.WMax)
							}
						}
					}
					for _, i := range post {
						for j := 0; j < nPre; j++ {
							if !math.IsNaN(W[j][i]) {
								u := W[j][i] / rs.WMax
								W[j][i] = clip((u + p.Lambda*math.Pow(1-u, p.Mu)*x.value(j, a, dt)) * rs.WMax)
							}
						}
					}
				case RuleVanRossum:
					p := rs.VanRossum
					x, y := tr(preEv, p.TauPlusMs, false, 0), tr(postEv, p.TauMinusMs, false, 0)
					for _, j := range pre {
						for i := 0; i < nPost; i++ {
							if !math.IsNaN(W[j][i]) {
								W[j][i] = clip(W[j][i] - p.CD*W[j][i]*y.value(i, a, dt))
							}
						}
					}
					for _, i := range post {
						for j := 0; j < nPre; j++ {
							if !math.IsNaN(W[j][i]) {
								W[j][i] = clip(W[j][i] + p.CP*x.value(j, a, dt))
							}
						}
					}
				case RuleTriplet:
					p := rs.Triplet
					r1, r2 := tr(preEv, p.TauPlusMs, p.Nearest, 0), tr(preEv, p.TauXMs, p.Nearest, 0)
					o1, o2 := tr(postEv, p.TauMinusMs, p.Nearest, 0), tr(postEv, p.TauYMs, p.Nearest, 0)
					var hom *refTrace
					if p.TauHomMs > 0 {
						hom = tr(postEv, p.TauHomMs, false, p.KappaHz*p.TauHomMs/1000)
					}
					for _, j := range pre {
						for i := 0; i < nPost; i++ {
							if !math.IsNaN(W[j][i]) {
								a2m := p.A2Minus
								if hom != nil {
									nu := 1000 * hom.value(i, a, dt) / p.TauHomMs // Hz
									a2m = p.A3Plus * (p.TauPlusMs / 1000) * (p.TauYMs / 1000) * nu * nu / ((p.TauMinusMs / 1000) * p.KappaHz)
								}
								W[j][i] = clip(W[j][i] - o1.value(i, a, dt)*(a2m+p.A3Minus*r2.value(j, a, dt)))
							}
						}
					}
					for _, i := range post {
						for j := 0; j < nPre; j++ {
							if !math.IsNaN(W[j][i]) {
								W[j][i] = clip(W[j][i] + r1.value(j, a, dt)*(p.A2Plus+p.A3Plus*o2.value(i, a, dt)))
							}
						}
					}
				case RuleISTDP:
					p := rs.ISTDP
					x, y := tr(preEv, p.TauMs, false, 0), tr(postEv, p.TauMs, false, 0)
					alpha := 2 * p.Rho0Hz * p.TauMs / 1000
					for _, j := range pre {
						for i := 0; i < nPost; i++ {
							if !math.IsNaN(W[j][i]) {
								W[j][i] = clip(W[j][i] + p.Eta*(y.value(i, a, dt)-alpha))
							}
						}
					}
					for _, i := range post {
						for j := 0; j < nPre; j++ {
							if !math.IsNaN(W[j][i]) {
								W[j][i] = clip(W[j][i] + p.Eta*x.value(j, a, dt))
							}
						}
					}
				}
			}
			mem.events(r, rs, act, a, pre, post, preEv, postEv, clip)
		}
		// periodic phase (after all rules' event updates)
		for r, rs := range ps.Plasticity {
			if rs.Rule == RuleHomeostasis && rs.Homeostasis.NoiseSD > 0 && noise[r] == nil {
				noise[r] = make([]*rand.Rand, nPost) // per post neuron, keyed by projection and rule name
				for i := range noise[r] {
					noise[r][i] = rand.New(rng.Source(s.Seed, rng.Plastic, rng.NameKey(ps.DisplayName()), rng.NameKey(rs.Rule), uint64(i)))
				}
			}
			rs = rs.Resolved()
			clip := func(w float64) float64 { return math.Min(math.Max(w, rs.WMin), rs.WMax) }
			var per int64
			switch rs.Rule {
			case RuleHomeostasis:
				per = int64(math.Round(rs.Homeostasis.PeriodMs / dt))
			case RuleScaling:
				per = int64(math.Round(rs.Scaling.PeriodMs / dt))
			default:
				mem.periodic(r, rs, a, clip)
				continue
			}
			if (a+1)%per != 0 {
				continue
			}
			act := activeAt(rs.Active, float64(a+1)*dt)
			for i := 0; i < nPost; i++ {
				n := float64(counts[r][i])
				counts[r][i] = 0
				if !act {
					continue
				}
				for j := 0; j < nPre; j++ {
					if math.IsNaN(W[j][i]) {
						continue
					}
					if rs.Rule == RuleHomeostasis {
						h := rs.Homeostasis
						w := W[j][i] + h.Lambda*(h.RateHz*float64(per)*dt/1000-n)
						if h.NoiseSD > 0 {
							w += h.NoiseSD * noise[r][i].NormFloat64()
						}
						W[j][i] = clip(w)
					} else {
						c := rs.Scaling
						W[j][i] = clip(W[j][i] * (1 + c.Lambda*(c.RateHz-n*1000/(float64(per)*dt))))
					}
				}
			}
		}
		if si < len(snaps) && a+1 == snaps[si] {
			m := map[[2]int32]float64{}
			for j := range W {
				for i, w := range W[j] {
					if !math.IsNaN(w) {
						m[[2]int32{int32(j), int32(i)}] = w
					}
				}
			}
			out = append(out, m)
			si++
		}
	}
	return out
}

func weightMap(pr *Projection) map[[2]int32]float64 {
	m := map[[2]int32]float64{}
	for j := 0; j < pr.NPre; j++ {
		for q := pr.ColPtr[j]; q < pr.ColPtr[j+1]; q++ {
			m[[2]int32{int32(j), pr.PostIdx[q]}] = float64(pr.Weight(q))
		}
	}
	return m
}

// TestNaiveReference: for every rule (and a rule pair with a time window
// plus periodic homeostasis), the engine's E→E and I→E weight
// trajectories on a small recurrent network (40 E + 12 I, 1.5 s, axonal
// and dendritic delays) equal those of a naive reference — dense float64
// weights, one synapse at a time, traces summed from the recorded spike
// times — replaying the engine's spikes. Tolerance: 2e-6 of w_max (float32
// storage of the engine's weights: each update rounds to 6e-8 relative).
func TestNaiveReference(t *testing.T) {
	const steps = 15000
	snaps := []int64{2000, 7000, 15000}
	for name, ee := range allRules() {
		t.Run(name, func(t *testing.T) {
			s := plasticNet(ee, 3)
			net, err := Build(&s, &Options{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			spk := recordAll(net)
			w0 := []map[[2]int32]float64{weightMap(net.Projections()[0]), nil, weightMap(net.Projections()[2])}
			var got [][]map[[2]int32]float64
			got = make([][]map[[2]int32]float64, 3)
			for _, sn := range snaps {
				if err := net.Run(sn-net.Steps(), nil); err != nil {
					t.Fatal(err)
				}
				got[0] = append(got[0], weightMap(net.Projections()[0]))
				got[2] = append(got[2], weightMap(net.Projections()[2]))
			}
			nE := 0
			for _, sp := range *spk {
				if sp[1] == 0 {
					nE++
				}
			}
			if nE < 200 {
				t.Fatalf("only %d E spikes", nE)
			}
			for _, pi := range []int{0, 2} {
				want := naiveRef(t, &s, pi, w0[pi], *spk, steps, snaps)
				wmax := s.Projections[pi].Plasticity[0].WMax
				changed := 0
				for k := range snaps {
					for key, w := range want[k] {
						g := got[pi][k][key]
						if math.Abs(g-w) > 2e-6*wmax {
							t.Fatalf("%s, step %d, synapse %v: engine %.9g, reference %.9g", s.Projections[pi].DisplayName(), snaps[k], key, g, w)
						}
						if k == len(snaps)-1 && math.Abs(w-w0[pi][key]) > 1e-3*wmax {
							changed++
						}
					}
				}
				if changed < len(w0[pi])/4 {
					t.Errorf("%s: only %d of %d weights changed by more than 1e-3 w_max", s.Projections[pi].DisplayName(), changed, len(w0[pi]))
				}
			}
		})
	}
}

// TestPlasticWorkersAndResume: with plasticity on, 1 and 2 workers give
// bit-identical spikes and weights, and a run resumed from a checkpoint
// (into a network with the other worker count) is bit-identical to an
// uninterrupted one. The checkpoint step 5237 is after the first trace
// rescale of τ = 1 ms (500 τ = step 5000) and inside a period of the
// homeostasis and scaling rules, so that the trace bases and the spike
// counters must be restored.
func TestPlasticWorkersAndResume(t *testing.T) {
	for name, ee := range allRules() {
		s := plasticNet(ee, 5)
		var ws [2][]float32
		var sp [2][][3]int64
		for w := 1; w <= 2; w++ {
			net, err := Build(&s, &Options{Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			rec := recordAll(net)
			if err := net.Run(10000, nil); err != nil {
				t.Fatal(err)
			}
			ws[w-1] = allW(net)
			sp[w-1] = *rec
			net.Close()
		}
		if !slices.Equal(sp[0], sp[1]) || !bitsEqual(ws[0], ws[1]) {
			t.Fatalf("%s: 1 and 2 workers differ", name)
		}
		// resume: 5237 steps, checkpoint, 4763 more in a fresh 2-worker net
		const at = 5237
		a, _ := Build(&s, &Options{Workers: 1})
		_ = a.Run(at, nil)
		var buf bytes.Buffer
		if err := a.Save(&buf); err != nil {
			t.Fatal(err)
		}
		a.Close()
		b, _ := Build(&s, &Options{Workers: 2})
		if err := b.Restore(&buf); err != nil {
			t.Fatal(err)
		}
		rec := recordAll(b)
		_ = b.Run(10000-at, nil)
		var tail [][3]int64
		for _, x := range sp[0] {
			if x[0] >= at {
				tail = append(tail, x)
			}
		}
		if !slices.Equal(tail, *rec) || !bitsEqual(ws[0], allW(b)) {
			t.Fatalf("%s: resumed run differs (%d vs %d spikes)", name, len(*rec), len(tail))
		}
		b.Close()
	}
}

// allW concatenates the weight arrays of every projection that has one.
func allW(n *Net) []float32 {
	var w []float32
	for _, pr := range n.Projections() {
		w = append(w, pr.W...)
	}
	return w
}

func bitsEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// TestCheckpointRefusals: a checkpoint of a network with another seed,
// τ_m, connectivity rule, learning rate or input is refused, as are a
// bit-flipped, truncated or doubled file; AllowProtocolChange accepts
// other inputs and rules on the same structure.
func TestCheckpointRefusals(t *testing.T) {
	pair := PairDefaults()
	base := plasticNet([]RuleSpec{{Rule: RulePair, WMax: 1, Pair: &pair}}, 9)
	net, _ := Build(&base, nil)
	_ = net.Run(500, nil)
	var buf bytes.Buffer
	_ = net.Save(&buf)
	net.Close()
	good := buf.Bytes()
	try := func(s Spec, data []byte, o RestoreOptions) error {
		n, err := Build(&s, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer n.Close()
		return n.RestoreWith(bytes.NewReader(data), o)
	}
	if err := try(base, good, RestoreOptions{}); err != nil {
		t.Fatalf("own checkpoint refused: %v", err)
	}
	edits := map[string]func(*Spec){
		"seed":  func(s *Spec) { s.Seed++ },
		"tau_m": func(s *Spec) { s.Populations[0].Neuron.TauMMs = 21 },
		"rule":  func(s *Spec) { s.Projections[1].Rule = RuleFixedIn; s.Projections[1].K = 3 },
		"eta":   func(s *Spec) { s.Projections[0].Plasticity[0].Pair.APlus *= 2 },
		"input": func(s *Spec) { s.Poisson[0].RateHz = 21 },
	}
	for name, ed := range edits {
		s := plasticNet([]RuleSpec{{Rule: RulePair, WMax: 1, Pair: &PairParams{APlus: pair.APlus, AMinus: pair.AMinus, TauPlusMs: 20, TauMinusMs: 20}}}, 9)
		ed(&s)
		if err := try(s, good, RestoreOptions{}); err == nil {
			t.Errorf("checkpoint accepted after changing %s", name)
		}
	}
	s := plasticNet(nil, 9)
	if err := try(s, good, RestoreOptions{AllowProtocolChange: true}); err != nil {
		t.Errorf("AllowProtocolChange: plasticity off refused: %v", err)
	}
	flip := slices.Clone(good)
	flip[len(flip)/2] ^= 0x10
	doubled := append(slices.Clone(good), good...)
	for name, data := range map[string][]byte{"bit flip": flip, "truncated": good[:len(good)-40], "doubled": doubled, "empty": nil, "text": []byte("hello")} {
		if err := try(base, data, RestoreOptions{}); err == nil {
			t.Errorf("%s checkpoint accepted", name)
		}
	}
}

// TestPlasticityBadInput: configuration errors name their key.
func TestPlasticityBadInput(t *testing.T) {
	pair := PairDefaults()
	cases := []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Projections[0].Plasticity = []RuleSpec{{Rule: RuleISTDP, WMax: 1}} }, "projection[0] (E→E).plasticity[0].rule = \"istdp\": inhibitory STDP needs an inhibitory presynaptic population"},
		{func(s *Spec) { s.Projections[0].Plasticity[0].WMin, s.Projections[0].Plasticity[0].WMax = 2, 1 }, "plasticity[0]: need finite bounds 0 ≤ w_min < w_max"},
		{func(s *Spec) { s.Projections[0].Plasticity[0].Pair.TauPlusMs = 0 }, "plasticity[0].pair.tau_plus_ms = 0 must be > 0"},
		{func(s *Spec) { s.Projections[0].Plasticity[0].Pair.TauMinusMs = math.NaN() }, "pair.tau_minus_ms = NaN"},
		{func(s *Spec) { s.Projections[0].Plasticity[0].Rule = "hebb" }, "plasticity[0].rule = \"hebb\" must be one of"},
		{func(s *Spec) { s.Projections[0].Plasticity[0].Triplet = &TripletParams{} }, "plasticity[0].triplet: parameters of rule \"triplet\" given for a \"pair\" rule"},
		{func(s *Spec) { s.Projections[0].Plasticity[0].Active = [][2]float64{{500, 100}} }, "plasticity[0].active[0] = [500, 100]"},
		{func(s *Spec) { s.Projections[0].DendriticDelayMs = 0.4 }, "dendritic_delay_ms = 0.4 must be in [0, delay_ms = 0.3]"},
		{func(s *Spec) {
			s.Projections[0].Plasticity = []RuleSpec{{Rule: RuleHomeostasis, WMax: 1, Homeostasis: &HomeostasisParams{Lambda: 1, RateHz: 1, PeriodMs: 0.04}}}
		}, "plasticity[0].homeostasis.period_ms = 0.04 is shorter than one step"},
		// criticality.md §6 / issue 19: r* at or above the refractory limit
		// 1000/(dt·(1 + τ_ref/dt)) = 1000/(0.1·21) = 476.2 Hz (τ_ref = 2 ms,
		// dt = 0.1 ms) can never be reached.
		{func(s *Spec) {
			s.Projections[0].Plasticity = []RuleSpec{{Rule: RuleHomeostasis, WMax: 1, Homeostasis: &HomeostasisParams{Lambda: 1, RateHz: 500, PeriodMs: 100}}}
		}, "plasticity[0].homeostasis.rate_hz = 500 is not below the refractory limit 476.2 Hz of population \"E\""},
		{func(s *Spec) {
			s.Projections[0].Plasticity = []RuleSpec{{Rule: RuleScaling, WMax: 1, Scaling: &ScalingParams{Lambda: 0.01, RateHz: 476.2, PeriodMs: 100}}}
		}, "plasticity[0].scaling.rate_hz = 476.2 is not below the refractory limit"},
		{func(s *Spec) { s.Populations[0].Neuron.TauRefMs = 0 }, ""}, // no limit problem: pair STDP has no target rate
		// K_rec + itself > N without multapses (E has 40 neurons: 39 others).
		{func(s *Spec) { s.Projections[0].Rule, s.Projections[0].K = RuleFixedIn, 40 }, "projection[0] (E→E).k = 40 exceeds the 39 distinct presynaptic partners available (fixed_in)"},
		{func(s *Spec) { s.Projections[0].Rule, s.Projections[0].K = RuleFixedIn, 39 }, ""}, // the largest valid in-degree
		{func(s *Spec) {
			s.Projections[0].Rule, s.Projections[0].K, s.Projections[0].Multapses = RuleFixedIn, 40, true
		}, ""}, // with multapses any k
		{func(s *Spec) { s.Projections[1].Rule, s.Projections[1].K = RuleFixedOut, 13 }, "projection[1] (E→I).k = 13 exceeds the 12 distinct postsynaptic partners available (fixed_out)"},
		{func(s *Spec) {
			s.Projections[0].Plasticity = []RuleSpec{{Rule: RuleTriplet, WMax: 1, Triplet: &TripletParams{A3Plus: 1, A2Minus: 1, TauPlusMs: 1, TauXMs: 1, TauMinusMs: 1, TauYMs: 1, TauHomMs: 10, KappaHz: 3}}}
		}, "triplet.a2_minus = 1: with tau_hom_ms > 0"},
	}
	for _, c := range cases {
		s := plasticNet([]RuleSpec{{Rule: RulePair, WMax: 1, Pair: &PairParams{APlus: pair.APlus, AMinus: pair.AMinus, TauPlusMs: 20, TauMinusMs: 20}}}, 1)
		c.edit(&s)
		_, err := Build(&s, nil)
		if c.want == "" {
			if err != nil {
				t.Errorf("valid edit refused: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want error containing %q, got %v", c.want, err)
		}
	}
	// A schedule outside the run.
	s := plasticNet([]RuleSpec{{Rule: RulePair, WMax: 1, Active: [][2]float64{{0, 10}, {5000, 6000}}}}, 1)
	if err := s.CheckTimes(2000); err == nil || !strings.Contains(err.Error(), "projection[0] (E→E).plasticity[0].active[1] starts at 5000 ms") {
		t.Errorf("CheckTimes: %v", err)
	}
	// NaN weights stop the run naming projection and time.
	s = plasticNet([]RuleSpec{{Rule: RulePair, WMax: 1}}, 1)
	net, _ := Build(&s, nil)
	defer net.Close()
	net.Projections()[0].W[3] = float32(math.NaN())
	err := net.Run(20000, nil)
	if err == nil || !strings.Contains(err.Error(), `projection "E→E": non-finite weight`) || !strings.Contains(err.Error(), "t = ") {
		t.Errorf("NaN weight: %v", err)
	}
}

// TestScheduleOrder: Step runs the entries Net.Schedule lists, in that
// order (probe tasks at every phase record when they run), and the
// spec-level Schedule (what describe prints) is the same list.
func TestScheduleOrder(t *testing.T) {
	pair := PairDefaults()
	s := plasticNet([]RuleSpec{{Rule: RulePair, WMax: 1, Pair: &pair}, {Rule: RuleHomeostasis, WMax: 1}}, 1)
	net, _ := Build(&s, &Options{Workers: 2})
	defer net.Close()
	spec := Schedule(&s, 2, Checks{})
	if fmt.Sprint(spec) != fmt.Sprint(net.Schedule()) {
		t.Fatalf("spec-level schedule differs from the built network's:\n%v\n%v", spec, net.Schedule())
	}
	var order []Phase
	for ph := PhaseInput; ph <= PhaseCheck; ph++ {
		net.AddTask(ph, "probe "+ph.String(), "", func(int64) error { order = append(order, ph); return nil })
	}
	sch := net.Schedule()
	var last Phase
	var probes []Phase
	for _, e := range sch {
		if e.Phase < last {
			t.Errorf("schedule not in phase order at %q (%v after %v)", e.Name, e.Phase, last)
		}
		last = e.Phase
		if strings.HasPrefix(e.Name, "probe ") {
			probes = append(probes, e.Phase)
		}
	}
	_ = net.Step()
	if !slices.Equal(order, probes) {
		t.Errorf("probes ran in order %v, schedule lists %v", order, probes)
	}
	txt := net.ScheduleText()
	for _, want := range []string{"input", "integrate", "deliver", "plasticity of E→E", "pair STDP", "homeostasis of E→E", "every 1000 steps", "check"} {
		if !strings.Contains(txt, want) {
			t.Errorf("schedule text lacks %q:\n%s", want, txt)
		}
	}
}

// TestISTDPFixedPoint: Vogels' inhibitory STDP drives a conductance-based
// population's E rate to the target ρ0 = 3 Hz ± 15 % (issue 12; spec
// spiking-networks.md §4.4): 1000 COBA LIF neurons (the Vogels neuron)
// under independent Poisson excitation (100 × 40 Hz × 0.03 g_L: ≈ 48 Hz
// without inhibition) and 400 plastic inhibitory synapses each from a
// population of 2000 Poisson sources at 10 Hz; mean rate over 20–30 s.
// With many weak synapses the pre/post trains are nearly independent, the
// setting of the rule's Poisson limit 2ητν_pre(ν_post − ρ0).
//
// In the recurrent Vogels et al. 2011 network itself (Vogels2011Spec) the
// E rate settles near 4 Hz instead, in Brian2 as in engram: a strong
// inhibitory synapse (≈ 40 inputs of ≈ 2 nS on a 10 nS leak) makes the
// post spikes anticorrelated with its pre spikes, so the traces at the
// events are below their means and the drift vanishes above ρ0. The second
// part pins that network to Brian2's value.
func TestISTDPFixedPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("30 s and 40 s of simulated network")
	}
	s := Vogels2011Spec()
	s.Populations[0].N = 1000
	s.Populations[0].Neuron.IBiasMV = 0
	s.Populations[1] = PopulationSpec{Name: "I", N: 2000, Sign: "inh", Neuron: SourceNeuron(Poisson, 10)}
	ie := s.Projections[3]
	ie.P = 0.2
	ie.Plasticity[0].ISTDP.Eta = 4e-4
	ie.Plasticity[0].Active = nil
	s.Projections = []ProjectionSpec{ie}
	s.Poisson = []PoissonSpec{{Name: "exc", Target: "E", NSources: 100, RateHz: 40, Weight: 0.03, Sign: "exc"}}
	net, err := Build(&s, &Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	rate := func(from, to float64) float64 {
		_ = net.Run(int64(from/0.1)-net.Steps(), nil)
		c := 0
		for net.TimeMs() < to-1e-9 {
			if err := net.Step(); err != nil {
				t.Fatal(err)
			}
			c += len(net.Spiked(0))
		}
		return float64(c) / float64(net.Populations()[0].N) / ((to - from) / 1000)
	}
	if r := rate(20000, 30000); math.Abs(r-3) > 0.15*3 {
		t.Errorf("open-loop iSTDP: E rate %.3f Hz over 20–30 s, want ρ0 = 3 Hz ± 15 %%", r)
	} else {
		t.Logf("open-loop iSTDP: E rate %.3f Hz over 20–30 s (ρ0 = 3 Hz)", r)
	}

	// Vogels2011Spec with a 10× learning rate (1e-2 g_L = 0.1 nS), 40 s:
	// bench/spiking/brian_vogels.py 0.1 40 5 1 (Brian2 2.5.1, cpp_standalone)
	// gives E rates 3.94, 3.99, 3.99 Hz in the 5 s windows ending at 30, 35
	// and 40 s (engram, seed 1: 4.02, 3.98, 3.96).
	v := Vogels2011Spec()
	v.Projections[3].Plasticity[0].ISTDP.Eta = 1e-2
	net2, err := Build(&v, &Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer net2.Close()
	net = net2
	const brian2 = 3.99
	if r := rate(30000, 40000); math.Abs(r-brian2) > 0.05*brian2 {
		t.Errorf("Vogels network: E rate %.3f Hz over 30–40 s, Brian2 %.2f Hz (± 5 %%)", r, brian2)
	} else {
		t.Logf("Vogels network: E rate %.3f Hz over 30–40 s (Brian2 %.2f Hz, ρ0 = 3 Hz)", r, brian2)
	}
}

// TestSlidingThresholdPoissonLimit: the Zenke et al. 2013 triplet rule with
// its homeostatic sliding threshold A2−(ν̄) = A3+τ+τ_y ν̄²/(τ−κ) under
// independent Poisson pre/post trains. The threshold's rate estimate ν̄ =
// x_h/τ_hom starts at κ (the trace's initial value κτ_hom) and relaxes to
// ν_post: ν̄(t) = ν_post + (κ − ν_post)e^{−t/τ_hom}. The Poisson limit of
// the drift is
//
//	D(t) = ν_pre ν_post A3+τ+τ_y ν_post − ν_pre ν_post τ− C·E[o1 ν̄²]/(ν_post τ−),
//	E[o1 ν̄²] = ν_post τ−[ν̄(t)² + ν_post/(2τ_hom)(1 − e^{−2t/τ_hom}) + 2ν̄(t)/(τ− + τ_hom)],
//
// C = A3+τ+τ_y/(τ−κ): the last two terms are the variance of ν̄ (shot
// noise of a trace with τ_hom) and its covariance with o1 (the spikes
// that make o1 positive also raise ν̄), a few % of ν̄² at τ_hom = 20 s.
// Cases: ν_post = κ (the threshold sits at the rate; only the fluctuation
// terms remain) and ν_post = 2κ (ν̄ tracks the rate during the run). The
// measured drift over 1000 synapses × 20 s matches ∫D dt within 4 SE.
func TestSlidingThresholdPoissonLimit(t *testing.T) {
	durMs := 20000.0
	if testing.Short() {
		durMs = 4000
	}
	const tauHom = 20000.0 // ms
	for _, post := range []float64{3, 6} {
		p := ZenkeTripletParams(1, tauHom)
		r := RuleSpec{Rule: RuleTriplet, WMax: 100, Triplet: &p}
		s := poissonPairSpec(1000, 10, post, "exc", r, 50, 11)
		ms := 1e-3
		tp, tm, ty, th, kap := p.TauPlusMs*ms, p.TauMinusMs*ms, p.TauYMs*ms, tauHom*ms, p.KappaHz
		c := p.A3Plus * tp * ty / (tm * kap)
		D := func(ts float64) float64 { // t in s since the start of the run
			nb := post + (kap-post)*math.Exp(-ts/th)
			e := nb*nb + post/(2*th)*(1-math.Exp(-2*ts/th)) + 2*nb/(tm+th)
			return 10*post*p.A3Plus*tp*ty*post - 10*post*tm*c*e
		}
		// warm-up 1 s (driftPerS), then ∫ D over [1, 1 + T] s by Simpson's rule
		T := durMs / 1000
		theory, n := 0.0, 2000
		for k := 0; k <= n; k++ {
			f := D(1 + T*float64(k)/float64(n))
			switch {
			case k == 0 || k == n:
			case k%2 == 1:
				f *= 4
			default:
				f *= 2
			}
			theory += f
		}
		theory *= T / float64(n) / 3 / T
		m, se, _ := driftPerS(t, s, durMs, func(float64) float64 { return 0 })
		t.Logf("ν_post %g Hz: drift %.4e ± %.1e /s, Poisson limit %.4e (%+.2f SE)", post, m, se, theory, (m-theory)/se)
		if math.Abs(m-theory) > 4*se {
			t.Errorf("ν_post %g Hz: drift %.4e ± %.1e, Poisson limit %.4e: off by %.1f SE", post, m, se, theory, math.Abs(m-theory)/se)
		}
	}
}

// TestHomeostasisQuantised: with quant_bits = 6 on [0, 6.3] (step 6.3/63 =
// 0.1) every weight is on the grid after an update, and stochastic
// rounding is unbiased: 2000 synapses at w = 1.0 onto a neuron firing 7
// spikes against n* = 2, λ = 0.003 → v = 1.0 − 0.015 = 0.985, between the
// levels 0.9 and 1.0 with fractional part 0.85, so a fraction 0.85 ± 0.008
// (binomial SD of 2000) must land on 1.0 (tolerance 4 SD), the rest on 0.9.
func TestHomeostasisQuantised(t *testing.T) {
	var post []float64
	for k := 0; k < 7; k++ {
		post = append(post, 5+13*float64(k))
	}
	ids := make([]int32, len(post))
	h := HomeostasisParams{Lambda: 0.003, RateHz: 20, PeriodMs: 100, QuantBits: 6}
	s := Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "pre", N: 2000, Sign: "exc", Neuron: SourceNeuron(Poisson, 0)},
			{Name: "post", N: 1, Sign: "exc", Neuron: DefaultNeuron()},
			{Name: "drv", N: 1, Sign: "exc", Neuron: SourceNeuron(Generator, 0), Generator: &GeneratorSpec{TimesMs: post, IDs: ids}},
		},
		Projections: []ProjectionSpec{
			{Pre: "pre", Post: "post", Rule: RuleBernoulli, P: 1, Weight: WeightSpec{Dist: WeightConstant, Mean: 1, Scale: 1}, DelayMs: 0.1,
				Plasticity: []RuleSpec{{Rule: RuleHomeostasis, WMax: 6.3, Homeostasis: &h}}},
			{Pre: "drv", Post: "post", Rule: RuleBernoulli, P: 1, Weight: WeightSpec{Dist: WeightConstant, Mean: 30, Scale: 1}, DelayMs: 0.1},
		},
	}
	net, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(1000, nil); err != nil {
		t.Fatal(err)
	}
	var up int
	for q, w := range net.Projections()[0].W {
		switch {
		case math.Abs(float64(w)-1.0) < 1e-6:
			up++
		case math.Abs(float64(w)-0.9) < 1e-6:
		default:
			t.Fatalf("synapse %d: w = %v is not a neighbouring grid level of 0.985 (0.9 or 1.0)", q, w)
		}
	}
	if f := float64(up) / 2000; math.Abs(f-0.85) > 4*math.Sqrt(0.85*0.15/2000) {
		t.Errorf("fraction rounded up %v, want 0.85 (stochastic rounding is unbiased)", f)
	}
	// bad input: more than 16 bits, negative bits
	for _, bits := range []int{17, -1} {
		s.Projections[0].Plasticity = []RuleSpec{{Rule: RuleHomeostasis, WMax: 6.3,
			Homeostasis: &HomeostasisParams{Lambda: 0.003, RateHz: 20, PeriodMs: 100, QuantBits: bits}}}
		if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "quant_bits") {
			t.Errorf("quant_bits %d: error %v, want one naming quant_bits", bits, err)
		}
	}
}
