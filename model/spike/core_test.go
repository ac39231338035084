package spike

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

// runRecord runs net for steps and returns all spikes (global ids).
func runRecord(t *testing.T, net *Net, steps int64) Spikes {
	t.Helper()
	var sp Spikes
	pops := net.Populations()
	err := net.Run(steps, func() error {
		for k, p := range pops {
			for _, i := range net.Spiked(k) {
				sp.Step = append(sp.Step, net.Steps()-1)
				sp.ID = append(sp.ID, i+int32(p.Offset))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// smallBrunel is model A at N_E = 800, N_I = 200 with in-degrees 80/20
// (the Brunel 2000 weights scaled ×10 to keep the drive), plus an OU
// current on I, exercising every stochastic input.
func smallBrunel() Spec {
	s := BrunelASpec(800, 200, 80, 20, 5, 2)
	for i := range s.Projections {
		s.Projections[i].Weight.Scale = 3
	}
	s.Currents = []CurrentSpec{{Target: "I", Kind: CurrentOU, AmpMV: 1, SigmaMV: 2, TauMs: 5}}
	s.Noise = []NoiseSpec{{Target: "E", MuMV: 0.5, SigmaMV: 1, Bridge: true}}
	tr := SpikeTrainSpec{Target: "E", Weight: 2, Sign: "exc"}
	for k := 0; k < 400; k++ {
		tr.TimesMs = append(tr.TimesMs, float64(k)*0.37)
		tr.IDs = append(tr.IDs, int32(k*7%800))
	}
	s.SpikeTrains = []SpikeTrainSpec{tr}
	return s
}

func equalState(t *testing.T, a, b *Net) {
	t.Helper()
	for k := range a.pops {
		for _, name := range []string{"v", "ge", "gi", "ou", "gn", "th", "a", "w"} {
			x, y := a.State(k, name), b.State(k, name)
			for i := range x {
				if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
					t.Fatalf("population %d %s[%d]: %v vs %v", k, name, i, x[i], y[i])
				}
			}
		}
	}
}

// TestWorkersBitIdentical: the same spec run with 1 and 2 workers gives the
// same spikes and bit-identical state (COBA benchmark and a noisy Brunel
// network with Poisson, white-noise and OU inputs).
func TestWorkersBitIdentical(t *testing.T) {
	for _, mk := range []func() Spec{COBASpec, smallBrunel} {
		s := mk()
		var nets [2]*Net
		var sps [2]Spikes
		for w := 1; w <= 2; w++ {
			net, err := Build(&s, &Options{Workers: w})
			if err != nil {
				t.Fatal(err)
			}
			defer net.Close()
			sps[w-1] = runRecord(t, net, 1500)
			nets[w-1] = net
		}
		if len(sps[0].ID) == 0 {
			t.Fatal("no spikes")
		}
		if !slices.Equal(sps[0].ID, sps[1].ID) || !slices.Equal(sps[0].Step, sps[1].Step) {
			t.Fatalf("%s: spikes differ between 1 and 2 workers (%d vs %d)", s.Populations[0].Name, len(sps[0].ID), len(sps[1].ID))
		}
		equalState(t, nets[0], nets[1])
	}
}

// TestCheckpointResume: running 2N steps equals running N, saving,
// restoring into a freshly built network and running N more, bit for bit.
func TestCheckpointResume(t *testing.T) {
	s := smallBrunel()
	const half = 700
	ref, _ := Build(&s, nil)
	defer ref.Close()
	runRecord(t, ref, half)
	want := runRecord(t, ref, half)

	a, _ := Build(&s, nil)
	defer a.Close()
	runRecord(t, a, half)
	var buf bytes.Buffer
	if err := a.Save(&buf); err != nil {
		t.Fatal(err)
	}
	b, _ := Build(&s, &Options{Workers: 2})
	defer b.Close()
	if err := b.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if b.Steps() != half {
		t.Fatalf("restored step %d", b.Steps())
	}
	got := runRecord(t, b, half)
	if len(want.ID) == 0 || !slices.Equal(want.ID, got.ID) || !slices.Equal(want.Step, got.Step) {
		t.Fatalf("resumed run differs: %d vs %d spikes", len(got.ID), len(want.ID))
	}
	equalState(t, ref, b)

	other := COBASpec()
	c, _ := Build(&other, nil)
	defer c.Close()
	var buf2 bytes.Buffer
	_ = a.Save(&buf2)
	if err := c.Restore(&buf2); err == nil {
		t.Error("checkpoint of another network accepted")
	}
}

// TestDaleAndL23Blocks: the L2/3 preset (spec §1.3) has the fixed
// out-degrees k_ee = round(0.16·79) = 13, k_ei = round(0.244·20) = 5,
// k_ie = round(0.318·80) = 25, k_ii = round(0.343·19) = 7, no autapses,
// positive E and negative I weights (Dale), lognormal magnitudes with the
// stated scale (E ≈ +0.060 mV, I ≈ −0.60 mV on average).
func TestDaleAndL23Blocks(t *testing.T) {
	s := L23AllenMacLeanSpec(100)
	net, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.CheckDale(); err != nil {
		t.Fatal(err)
	}
	wantK := []int{13, 5, 25, 7}
	for i, pr := range net.Projections() {
		c := pr.PostMajor()
		out := make([]int, c.NPre)
		for _, j := range c.Pre {
			out[j]++
		}
		for j, d := range out {
			if d != wantK[i] {
				t.Fatalf("projection %d: pre %d has out-degree %d, want %d", i, j, d, wantK[i])
			}
		}
		if pr.Pre == pr.Post {
			for r := 0; r < c.NPost; r++ {
				pre, _ := c.Row(r)
				if _, found := slices.BinarySearch(pre, int32(r)); found {
					t.Fatalf("projection %d: autapse on %d", i, r)
				}
			}
		}
		var m float64
		for _, w := range c.W {
			m += float64(w)
		}
		m /= float64(len(c.W))
		// lognormal(−0.64, 0.51) mean e^{μ+σ²/2} = 0.600 (spec §1.4); ×0.1 for E.
		// Stored weights are magnitudes; I acts with the negative sign.
		want := 0.0600
		if pr.Pre == 1 {
			want = 0.600
		}
		if math.Abs(m-want) > 0.2*math.Abs(want) { // ≥ 100 draws per block, lognormal SD/mean 0.55
			t.Errorf("projection %d: mean weight %v, want ≈ %v", i, m, want)
		}
	}
	// The 2022 variant: k_ei = round(0.205·20) = 4, k_ie = round(0.252·80) = 20, k_ii = round(0.284·19) = 5.
	s2 := L23Allen2022Spec(100)
	for i, k := range []float64{13, 4, 20, 5} {
		if got := s2.ExpectedSynapses(i) / float64(s2.Populations[s2.PopIndex(s2.Projections[i].Pre)].N); got != k {
			t.Errorf("2022 projection %d: out-degree %v, want %v", i, got, k)
		}
	}
	// Dale's law: weights are stored as magnitudes ≥ 0 (also for
	// inhibitory COBA, where they are conductance increments); a negative
	// one is reported naming the projection.
	cs := COBASpec()
	cn, _ := Build(&cs, nil)
	defer cn.Close()
	if err := cn.CheckDale(); err != nil {
		t.Fatal(err)
	}
	pr := cn.Projections()[2]
	pr.EnsureWeights()[0] = -1
	if err := cn.CheckDale(); err == nil || !strings.Contains(err.Error(), "I→E") {
		t.Errorf("violation not reported: %v", err)
	}
}

// TestBernoulliDensity: realised COBA density within 5 SD of p = 0.02.
func TestBernoulliDensity(t *testing.T) {
	s := COBASpec()
	net, _ := Build(&s, nil)
	defer net.Close()
	for i, pr := range net.Projections() {
		n := float64(pr.NNZ())
		e := s.ExpectedSynapses(i)
		if math.Abs(n-e) > 5*math.Sqrt(e) {
			t.Errorf("projection %d: %v synapses, expected %v", i, n, e)
		}
	}
}

func TestValidateErrors(t *testing.T) {
	cases := []struct {
		edit func(*Spec)
		want string
	}{
		{func(s *Spec) { s.Projections[0].P = 1.5 }, "projection[0] (E→E).p"},
		{func(s *Spec) { s.Populations[1].Neuron.TauMMs = -1 }, "population[1] (I).neuron.tau_m_ms"},
		{func(s *Spec) { s.Projections[2].DelayMs = 0.04 }, "projection[2] (I→E).delay_ms"},
		{func(s *Spec) { s.Projections[3].Post = "X" }, `projection[3] (I→X).post = "X": unknown population`},
		{func(s *Spec) { s.Poisson = []PoissonSpec{{Target: "Y", Sign: "exc"}} }, "poisson[0].target"},
		{func(s *Spec) { s.Populations[0].Neuron.VResetMV = 30 }, "v_reset_mv"},
		{func(s *Spec) { s.Projections[0].Weight.Dist = "gamma" }, "weight.dist"},
		{func(s *Spec) { s.DtMs = 0 }, "network.dt_ms"},
	}
	for _, c := range cases {
		s := COBASpec()
		c.edit(&s)
		_, err := Build(&s, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want error containing %q, got %v", c.want, err)
		}
	}
}

// TestCheckers: a NaN state and a runaway rate stop the run with an error
// naming the population and the time.
func TestCheckers(t *testing.T) {
	s := LIFNoiseSpec(10, 15, 5)
	net, _ := Build(&s, nil)
	defer net.Close()
	net.pops[0].v[3] = float32(math.NaN())
	err := net.Run(200, nil)
	if err == nil || !strings.Contains(err.Error(), `population "LIF"`) || !strings.Contains(err.Error(), "t = ") {
		t.Errorf("NaN not reported properly: %v", err)
	}
	s = LIFNoiseSpec(10, 500, 0) // ~500 Hz drive, τ_ref = 2 ms caps near 480 Hz
	s.Populations[0].Neuron.TauRefMs = 0
	net2, _ := Build(&s, &Options{Checks: Checks{MaxRateHz: 200}})
	defer net2.Close()
	err = net2.Run(5000, nil)
	if err == nil || !strings.Contains(err.Error(), "runaway rate") {
		t.Errorf("runaway not reported: %v", err)
	}
}

// TestStepAllocs: Step does not allocate.
func TestStepAllocs(t *testing.T) {
	s := smallBrunel()
	net, _ := Build(&s, &Options{Workers: 2})
	defer net.Close()
	if a := testing.AllocsPerRun(200, func() { _ = net.Step() }); a != 0 {
		t.Errorf("Step allocates %v times", a)
	}
}

// TestPostIndex: the post-side index addresses the same synapses as the
// delivery order (every weight reachable from both sides, one copy), and
// a weight changed through it is what delivery transmits.
func TestPostIndex(t *testing.T) {
	s := L23AllenMacLeanSpec(100)
	net, _ := Build(&s, nil)
	defer net.Close()
	for _, pr := range net.Projections() {
		rowPtr, rowPre, rowPos := pr.PostIndex()
		seen := make([]bool, pr.NNZ())
		for i := 0; i < pr.NPost; i++ {
			for e := rowPtr[i]; e < rowPtr[i+1]; e++ {
				q, j := int64(rowPos[e]), rowPre[e]
				if pr.PostIdx[q] != int32(i) || q < pr.ColPtr[j] || q >= pr.ColPtr[j+1] {
					t.Fatalf("%s: row entry %d of post %d points at position %d (post %d, not in pre %d's column)", pr.Name, e, i, q, pr.PostIdx[q], j)
				}
				if e > rowPtr[i] && rowPre[e-1] > j {
					t.Fatalf("%s: row %d not ascending", pr.Name, i)
				}
				seen[q] = true
			}
		}
		for q, ok := range seen {
			if !ok {
				t.Fatalf("%s: position %d not in the post index", pr.Name, q)
			}
		}
	}
	// One E neuron spikes (a given spike train into a delta LIF): its
	// target's V jumps by exactly the weight written through the post
	// index.
	nr := DefaultNeuron()
	s2 := Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{{Name: "A", N: 3, Sign: "exc", Neuron: SourceNeuron(Generator, 0), Generator: &GeneratorSpec{TimesMs: []float64{1}, IDs: []int32{1}}},
			{Name: "B", N: 2, Sign: "exc", Neuron: nr}},
		Projections: []ProjectionSpec{{Pre: "A", Post: "B", Rule: RuleBernoulli, P: 1, Weight: WeightSpec{Dist: WeightNormal, Mean: 1, SD: 0.1, Scale: 1}, DelayMs: 0.1}}}
	n2, err := Build(&s2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n2.Close()
	pr := n2.Projections()[0]
	rowPtr, rowPre, rowPos := pr.PostIndex()
	for e := rowPtr[1]; e < rowPtr[2]; e++ {
		if rowPre[e] == 1 {
			pr.W[rowPos[e]] = 0.75
		}
	}
	_ = n2.Run(11, nil) // the spike of step 9 acts at the end of step 10
	if got := n2.V(1)[1]; got != 0.75 {
		t.Errorf("V of post 1 = %v, want the written weight 0.75", got)
	}
}
