package eprop

import (
	"github.com/engramsim/engram/internal/cpubench"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/engramsim/engram/rng"
)

func meanRateHz(recs []*Record, dtMs float64) float64 {
	f := Rates(nil, recs, dtMs)
	s := 0.0
	for _, v := range f {
		s += v
	}
	return 1000 * s / float64(len(f))
}

// EP-9: scale sanity, first 5 iterations of pattern generation (spec
// §10: loss ½Σ(y − y*)² in [90, 140]; NEST/TF reference with their seed:
// 101.96, 103.47, 103.34, 103.68, 104.41). At the start y ≈ 0, so the loss
// is ≈ ½Σ y*², which depends on the drawn sines: over 20 of our seeds it
// spans 67–175 (the spec's own table has ½Σ(y* − ȳ*)² from 43 to 98), so
// "[90, 140] for any seed" cannot hold seed by seed. We assert the
// order-of-magnitude check the spec intends: the median over 20 seeds of
// the iteration-0 loss is in [90, 140], every loss of the first 5
// iterations is in [45, 210] (within 1.5× of the band), and the loss is
// within 25 % of ½Σ y*² (the readout starts near 0).
func TestEP9PatternLossScale(t *testing.T) {
	var first []float64
	for seed := uint64(0); seed < 20; seed++ {
		pt := NewPattern(rng.New(seed, rng.Weights, rng.NameKey("ep9")), Random)
		tr := pt.Trainer()
		e := 0.0
		for _, v := range pt.Y {
			e += 0.5 * v * v
		}
		for it := 0; it < 5; it++ {
			if _, err := tr.Step([][]float64{pt.X}, pt.T); err != nil {
				t.Fatal(err)
			}
			l := tr.Last[0]
			if it == 0 {
				first = append(first, l)
				if math.Abs(l-e) > 0.25*e {
					t.Errorf("EP-9 seed %d: initial loss %.1f vs ½Σy*² = %.1f", seed, l, e)
				}
			}
			if l < 45 || l > 210 {
				t.Errorf("EP-9 seed %d iteration %d: loss %.2f outside [45, 210]", seed, it, l)
			}
		}
	}
	slices.Sort(first)
	if med := (first[9] + first[10]) / 2; med < 90 || med > 140 {
		t.Errorf("EP-9: median initial loss %.1f outside [90, 140]", med)
	}
}

// EP-6 and EP-7 (spec §10; long, skipped with -short): pattern generation
// with the defaults of §9, random B, 3 seeds: the loss starts in
// [45, 210] (spec: [90, 140]; see EP-9 for why the band depends on the
// drawn target, we widen it 1.5×), is ≤ 25 %
// of the start by iteration 500 and ≤ 10 % by 2000;
// the population rate falls below its start and below 20 Hz. The spec's
// numpy runs measured 10–16 % at 500, 3.5–3.9 % at 2000, rates
// 30–40 → 11–13 Hz.
func TestEP6EP7PatternLearningCurve(t *testing.T) {
	if testing.Short() {
		t.Skip("EP-6/EP-7: 3 × 2000 iterations")
	}
	for seed := uint64(0); seed < 3; seed++ {
		pt := NewPattern(rng.New(seed, rng.Weights, rng.NameKey("ep6")), Random)
		tr := pt.Trainer()
		var l0, l500, r0 float64
		for it := 0; it <= 2000; it++ {
			if _, err := tr.Step([][]float64{pt.X}, pt.T); err != nil {
				t.Fatal(err)
			}
			switch it {
			case 0:
				l0, r0 = tr.Last[0], meanRateHz(tr.Recs, 1)
			case 500:
				l500 = tr.Last[0]
			}
		}
		l2000, r2000 := tr.Last[0], meanRateHz(tr.Recs, 1)
		t.Logf("seed %d: loss %.1f → %.1f (500, %.1f %%) → %.2f (2000, %.1f %%); rate %.1f → %.1f Hz",
			seed, l0, l500, 100*l500/l0, l2000, 100*l2000/l0, r0, r2000)
		if l0 < 45 || l0 > 210 || l500 > 0.25*l0 || l2000 > 0.10*l0 {
			t.Errorf("EP-6 seed %d: loss %.1f, %.1f, %.2f fails start band, ≤25 %%, ≤10 %%", seed, l0, l500, l2000)
		}
		if !(r2000 < 20 && r2000 < r0) {
			t.Errorf("EP-7 seed %d: rate %.1f → %.1f Hz, want below the start and < 20 Hz", seed, r0, r2000)
		}
	}
}

// A training step allocates nothing once the buffers exist.
func TestTrainerStepAllocationFree(t *testing.T) {
	pt := NewPattern(rand.New(rand.NewPCG(1, 1)), Random)
	tr := pt.Trainer()
	xs := [][]float64{pt.X}
	if _, err := tr.Step(xs, pt.T); err != nil {
		t.Fatal(err)
	}
	if a := testing.AllocsPerRun(3, func() { _, _ = tr.Step(xs, pt.T) }); a != 0 {
		t.Errorf("Trainer.Step allocates %v times per call", a)
	}
}

// BenchmarkPatternIteration is one pattern-generation iteration with the
// defaults of spec §9 (forward, losses, e-prop gradient, SGD step); the
// spec's numpy reference takes ≈ 0.05 s (bench/eprop compares side by side).
func BenchmarkPatternIteration(b *testing.B) {
	pt := NewPattern(rand.New(rand.NewPCG(1, 1)), Random)
	tr := pt.Trainer()
	xs := [][]float64{pt.X}
	if _, err := tr.Step(xs, pt.T); err != nil { // buffers
		b.Fatal(err)
	}
	defer cpubench.Report(b)()
	for b.Loop() {
		if _, err := tr.Step(xs, pt.T); err != nil {
			b.Fatal(err)
		}
	}
}

// benchScaling times one e-prop iteration (forward + gradient + SGD) of a
// pattern-generation network with n inputs and n LIF neurons at the same
// input rate: the cost per step grows with the synapses (n_in + n)·n
// times the fraction of active presynaptic neurons, so ns per synapse and
// step should stay flat across the tiers.
func benchScaling(b *testing.B, n int) {
	p := Defaults()
	p.NIn, p.NRec = n, n
	net, err := NewNet(p)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	net.InitGaussian(r, 1, 1, 1)
	const T = 1000
	x := FrozenBernoulli(r, T, n, 50, 1)
	tr, err := NewTrainer(net, TrainerOptions{Feedback: NewFeedback(Random, p, r, 0.1), Optimizer: &SGD{LR: 1e-4},
		Losses: []Loss{&Regression{Target: SumOfSines(r, T)}, &NeuronRate{TargetHz: 10, Coef: 300, Half: true}}})
	if err != nil {
		b.Fatal(err)
	}
	xs := [][]float64{x}
	for b.Loop() {
		if _, err := tr.Step(xs, T); err != nil {
			b.Fatal(err)
		}
	}
	syn := float64((2 * n) * n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/T/syn, "ns/synapse/step")
}

func BenchmarkEPropScalingSmall(b *testing.B)  { benchScaling(b, 100) }
func BenchmarkEPropScalingMedium(b *testing.B) { benchScaling(b, 300) }
func BenchmarkEPropScalingLarge(b *testing.B)  { benchScaling(b, 1000) }
