package spike

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Regression tests for the review of the plastic engine (2026-12-03).

// TestGutigFractionalMuRounding: Gütig with fractional μ and a w_max that
// float32 cannot represent exactly (0.1 is stored as 0.10000000149), so a
// clipped weight reads u > 1: (1 − u)^μ must not turn it into NaN.
func TestGutigFractionalMuRounding(t *testing.T) {
	g := GutigParams{Lambda: 0.05, Alpha: 1.05, Mu: 0.5, TauMs: 20}
	r := RuleSpec{Rule: RuleGutig, WMax: 0.1, Gutig: &g}
	// initial weight above w_max: clipped to float32(0.1) > 0.1
	s := pairingSpec(50, 60.1, r, "exc", 0.2)
	net, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(1500, nil); err != nil {
		t.Fatal(err)
	}
	if w := net.Projections()[0].W[0]; !(w >= 0 && w <= float32(0.1)) {
		t.Errorf("weight %v outside [0, w_max]", w)
	}
}

// TestEmptySelectionsRefused: a group, or an input's fraction of a group,
// that draws no neuron is a Build error naming it (an empty id list used
// to mean "every neuron", stimulating the whole population).
func TestEmptySelectionsRefused(t *testing.T) {
	nr := DefaultNeuron()
	base := func() Spec {
		return Spec{DtMs: 0.1, Seed: 1,
			Populations: []PopulationSpec{{Name: "E", N: 50, Sign: "exc", Neuron: nr}, {Name: "S", N: 50, Sign: "exc", Neuron: SourceNeuron(Poisson, 0)}},
			Groups:      []GroupSpec{{Name: "cue", Population: "E", Fraction: 1e-6}},
			Poisson:     []PoissonSpec{{Name: "stim", Target: "E", Group: "cue", NSources: 100, RateHz: 100, Weight: 2, Sign: "exc"}},
		}
	}
	s := base()
	if _, err := Build(&s, nil); err == nil || !strings.Contains(err.Error(), `group[0] ("cue")`) {
		t.Errorf("empty group: %v", err)
	}
	s = base()
	s.Groups = []GroupSpec{{Name: "cue", Population: "E", Lo: 0, Hi: 2}, {Name: "src", Population: "S", Lo: 0, Hi: 2}}
	s.Poisson[0].Fraction = 1e-9
	if _, err := Build(&s, nil); err == nil || !strings.Contains(err.Error(), "poisson[0]") {
		t.Errorf("empty fraction of a Poisson input's group: %v", err)
	}
	s = base()
	s.Groups = []GroupSpec{{Name: "src", Population: "S", Lo: 0, Hi: 2}}
	s.Poisson = nil
	s.Rates = []RateSpec{{Name: "on", Target: "S", Group: "src", Fraction: 1e-9, Schedule: []Segment{{StartMs: 0, StopMs: 10, RateHz: 50}}}}
	if _, err := Build(&s, nil); err == nil || !strings.Contains(err.Error(), "rate[0]") {
		t.Errorf("empty fraction of a rate input's group: %v", err)
	}
}

// TestProtocolChangeKeepsTrainedWeights: restoring a plastic checkpoint
// into the same network with plasticity removed (AllowProtocolChange:
// recall with plasticity off), where the projection would otherwise be
// stored as one constant, keeps every trained weight.
func TestProtocolChangeKeepsTrainedWeights(t *testing.T) {
	s := COBASTDPSpec()
	net, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(3000, nil); err != nil {
		t.Fatal(err)
	}
	trained := net.Projections()[0].W
	var buf bytes.Buffer
	if err := net.Save(&buf); err != nil {
		t.Fatal(err)
	}
	s2 := COBASTDPSpec()
	s2.Projections[0].Plasticity = nil
	net2, err := Build(&s2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net2.Close()
	if err := net2.RestoreWith(&buf, RestoreOptions{AllowProtocolChange: true}); err != nil {
		t.Fatalf("restore: %v", err)
	}
	pr := net2.Projections()[0]
	diff := 0
	for q := range trained {
		if pr.Weight(int64(q)) != trained[q] {
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("%d of %d trained weights not restored (W nil: %v, WConst %v)", diff, len(trained), pr.W == nil, pr.WConst)
	}
}

// TestWindowedHomeostasis: homeostasis active in windows that open and
// close mid-period counts every period's spikes whole (active or not) and
// acts at the period ends inside its windows, as the naive reference does.
func TestWindowedHomeostasis(t *testing.T) {
	ee := []RuleSpec{{Rule: RuleHomeostasis, WMax: 1, Active: [][2]float64{{125, 700}, {1000, 1500}},
		Homeostasis: &HomeostasisParams{Lambda: 0.002, RateHz: 10, PeriodMs: 50}}}
	s := plasticNet(ee, 3)
	net, err := Build(&s, &Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	spk := recordAll(net)
	w0 := weightMap(net.Projections()[0])
	if err := net.Run(15000, nil); err != nil {
		t.Fatal(err)
	}
	got := weightMap(net.Projections()[0])
	want := naiveRef(t, &s, 0, w0, *spk, 15000, []int64{15000})[0]
	bad := 0
	for k, w := range want {
		if math.Abs(got[k]-w) > 2e-6 {
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d weights differ from the naive reference", bad, len(want))
	}
}

// TestPoissonTableLargeMean: the Poisson table has mean λ and variance λ
// (1e-6 relative, the truncation at 40 SD is far below it) also where
// e^{−λ} underflows (λ > 745, where a recursion from 0 gave every draw the
// table's end), and the sampler's counts match them.
func TestPoissonTableLargeMean(t *testing.T) {
	for _, lam := range []float64{0.3, 100, 699, 700, 800, 1000, 5000, 1e6} {
		cdf := poissonCDF(lam)
		// mean of the tabulated distribution
		m, m2, prev := 0.0, 0.0, 0.0
		for k, c := range cdf.cdf {
			x := float64(k + cdf.off)
			m += x * (c - prev)
			m2 += x * x * (c - prev)
			prev = c
		}
		if v := m2 - m*m; math.Abs(m-lam) > 1e-6*lam || math.Abs(v-lam) > 1e-5*lam {
			t.Errorf("λ = %g: table mean %g, variance %g", lam, m, v)
		}
		// the sampler: 20 000 draws through poissonDrive.draw
		d := &poissonDrive{w: 1, cur: cdf, pcg: make([]rand.PCG, 20000)}
		for k := range d.pcg {
			d.pcg[k] = *rand.NewPCG(7, uint64(k))
		}
		in := make([]float32, 20000)
		d.draw(0, 20000, in)
		var sm, sv float64
		for _, c := range in {
			sm += float64(c)
		}
		sm /= 20000
		for _, c := range in {
			sv += (float64(c) - sm) * (float64(c) - sm)
		}
		sv /= 19999
		// 5 standard errors of the mean (√(λ/20000)) and of the variance (λ·√(2/20000))
		if math.Abs(sm-lam) > 5*math.Sqrt(lam/20000) || math.Abs(sv-lam) > 5*lam*math.Sqrt(2.0/20000)+1e-9 {
			t.Errorf("λ = %g: sampled mean %g, variance %g", lam, sm, sv)
		}
	}
}

// TestSlidingThresholdLongRun: the scaled-trace representation must not
// change the Zenke triplet rule in a long run. Emulate one by moving the
// bases of the homeostatic trace (140 τ_hom behind: 1400 s at τ_hom =
// 10 s) and of o1 (480 τ, within its 500-τ rescale cycle) back while
// keeping every trace value: the product of the trace factors used to
// underflow to 0 there, switching the homeostatic depression off.
func TestSlidingThresholdLongRun(t *testing.T) {
	zen := ZenkeTripletParams(50, 10000)
	run := func(shift bool) []float32 {
		s := plasticNet([]RuleSpec{{Rule: RuleTriplet, WMax: 1, Triplet: &zen}}, 3)
		net, err := Build(&s, &Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer net.Close()
		_ = net.Run(2000, nil)
		if shift {
			tr := net.projs[0].rules[0].(*tripletRule)
			for _, x := range []struct {
				tr *trace
				u  float64
			}{{tr.hom, 140}, {tr.o1, 480}} {
				d := int64(x.u * x.tr.tauMs / net.dt)
				x.tr.base -= d
				f := math.Exp(float64(d) * net.dt / x.tr.tauMs)
				for i := range x.tr.x {
					x.tr.x[i] *= f
				}
			}
		}
		_ = net.Run(3000, nil)
		return append([]float32(nil), net.projs[0].W...)
	}
	a, b := run(false), run(true)
	var maxd float64
	for q := range a {
		maxd = math.Max(maxd, math.Abs(float64(a[q]-b[q])))
	}
	// the factors are applied in another order: a few float64 roundings of weights ≤ 1
	if maxd > 1e-6 {
		t.Errorf("trace representation changes the result by %g", maxd)
	}
}

// TestPlasticStepAllocs: Step allocates nothing with any rule set, rate
// schedules on a group and 2 workers.
func TestPlasticStepAllocs(t *testing.T) {
	for name, ee := range allRules() {
		s := plasticNet(ee, 3)
		s.Populations = append(s.Populations, PopulationSpec{Name: "src", N: 50, Sign: "exc", Neuron: SourceNeuron(Poisson, 5)})
		s.Groups = append(s.Groups, GroupSpec{Name: "half", Population: "src", Lo: 0, Hi: 25})
		s.Rates = append(s.Rates, RateSpec{Name: "on", Target: "src", Group: "half", Schedule: []Segment{{StartMs: 10, StopMs: 20, RateHz: 50}, {StartMs: 30, StopMs: 40, RateHz: 80}}})
		s.Projections = append(s.Projections, ProjectionSpec{Name: "src→E", Pre: "src", Post: "E", Rule: RuleBernoulli, P: 0.2, Weight: WeightSpec{Dist: WeightConstant, Mean: 0.5, Scale: 1}, DelayMs: 0.1})
		net, err := Build(&s, &Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		_ = net.Run(100, nil)
		if a := testing.AllocsPerRun(500, func() { _ = net.Step() }); a > 0 {
			t.Errorf("%s: %.2f allocations per step", name, a)
		}
		net.Close()
	}
}

// TestPlasticWorkerCounts: 1, 3 and 7 workers give bit-identical E→E and
// I→E weights with every rule set.
func TestPlasticWorkerCounts(t *testing.T) {
	for name, ee := range allRules() {
		var ws [][]float32
		var is [][]float32
		for _, w := range []int{1, 3, 7} {
			s := plasticNet(ee, 5)
			net, err := Build(&s, &Options{Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			_ = net.Run(6000, nil)
			ws = append(ws, append([]float32(nil), net.Projections()[0].W...))
			is = append(is, append([]float32(nil), net.Projections()[2].W...))
			net.Close()
		}
		for k := 1; k < len(ws); k++ {
			if !bitsEqual(ws[0], ws[k]) || !bitsEqual(is[0], is[k]) {
				t.Errorf("%s: worker counts differ", name)
			}
		}
	}
}

// TestSpikeTrainStepBoundaries: an event at t acts at the end of step
// ⌊t/dt⌋ also where t/dt is a float64 rounding below an integer.
func TestSpikeTrainStepBoundaries(t *testing.T) {
	for _, c := range []struct {
		t    float64
		want int64
	}{{0.6, 6}, {1.0, 10}, {0.3, 3}, {0.7, 7}, {0.05, 0}, {0.15, 1}, {2.9999, 29}, {123.4, 1234}} {
		if got := trainStep(c.t, 0.1); got != c.want {
			t.Errorf("t = %v ms: step %d, want %d", c.t, got, c.want)
		}
	}
}

// TestScaleUnsetIsOne: a weight table without scale (0, as an omitted TOML
// key decodes) stores the drawn magnitudes unscaled, as documented, rather
// than silently zeroing every weight.
func TestScaleUnsetIsOne(t *testing.T) {
	nr := DefaultNeuron()
	for _, ws := range []WeightSpec{{Dist: WeightConstant, Mean: 0.7}, {Dist: WeightNormal, Mean: 0.7, SD: 0.1}} {
		s := Spec{DtMs: 0.1, Seed: 1, Populations: []PopulationSpec{{Name: "A", N: 50, Sign: "exc", Neuron: nr}},
			Projections: []ProjectionSpec{{Pre: "A", Post: "A", Rule: RuleBernoulli, P: 0.5, Weight: ws, DelayMs: 0.1}}}
		net, err := Build(&s, nil)
		if err != nil {
			t.Fatal(err)
		}
		pr := net.Projections()[0]
		sum := 0.0
		for q := int64(0); q < int64(pr.NNZ()); q++ {
			sum += float64(pr.Weight(q))
		}
		if m := sum / float64(pr.NNZ()); math.Abs(m-0.7) > 0.01 {
			t.Errorf("%s weights without scale: mean %v, want 0.7", ws.Dist, m)
		}
		net.Close()
	}
}
