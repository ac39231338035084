package spike

import (
	"math"
	"slices"
	"testing"
)

// TestStreamsKeyedByName: every random stream is keyed by the name of what
// it belongs to, not by its position: a network with an extra population
// put first, an extra input and an extra projection gives the original
// populations the same connectivity, weights, initial state and (having no
// input from the additions) the same spikes.
func TestStreamsKeyedByName(t *testing.T) {
	nr := DefaultNeuron()
	base := func() Spec {
		return Spec{DtMs: 0.1, Seed: 11,
			Populations: []PopulationSpec{{Name: "X", N: 200, Sign: "exc", Neuron: nr, Init: InitSpec{VLoMV: 0, VHiMV: 20}}},
			Groups:      []GroupSpec{{Name: "half", Population: "X", Fraction: 0.5}},
			Projections: []ProjectionSpec{{Pre: "X", Post: "X", Rule: RuleBernoulli, P: 0.1,
				Weight: WeightSpec{Dist: WeightLognormal, LogMu: -2, LogSigma: 0.5, Scale: 1}, DelayMs: 1}},
			Poisson: []PoissonSpec{{Name: "drive", Target: "X", Group: "half", NSources: 100, RateHz: 25, Weight: 0.4, Sign: "exc"}},
			Noise:   []NoiseSpec{{Target: "X", MuMV: 5, SigmaMV: 3}},
		}
	}
	a := base()
	b := base()
	b.Populations = append([]PopulationSpec{{Name: "Y", N: 150, Sign: "inh", Neuron: nr, Init: InitSpec{VLoMV: 0, VHiMV: 20}}}, b.Populations...)
	b.Groups = append([]GroupSpec{{Name: "ys", Population: "Y", Fraction: 0.3}}, b.Groups...)
	b.Projections = append([]ProjectionSpec{{Pre: "Y", Post: "Y", Rule: RuleFixedIn, K: 10, Weight: WeightSpec{Dist: WeightNormal, Mean: 1, SD: 0.2, Scale: 1}, DelayMs: 0.5}}, b.Projections...)
	b.Poisson = append([]PoissonSpec{{Name: "other", Target: "Y", NSources: 50, RateHz: 30, Weight: 0.5, Sign: "exc"}}, b.Poisson...)
	na, err := Build(&a, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer na.Close()
	nb, err := Build(&b, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer nb.Close()
	pa, pb := na.Projection("X→X"), nb.Projection("X→X")
	if !slices.Equal(pa.ColPtr, pb.ColPtr) || !slices.Equal(pa.PostIdx, pb.PostIdx) || !bitsEqual(pa.W, pb.W) {
		t.Fatal("X→X connectivity or weights changed by adding a population, a projection and an input")
	}
	if !slices.Equal(na.Groups()[0].IDs, nb.Groups()[1].IDs) {
		t.Fatal("group membership changed")
	}
	xa, xb := na.PopIndex("X"), nb.PopIndex("X")
	if !bitsEqual(na.V(xa), nb.V(xb)) {
		t.Fatal("initial state of X changed")
	}
	n := 0
	for s := 0; s < 3000; s++ {
		_ = na.Step()
		_ = nb.Step()
		if !slices.Equal(na.Spiked(xa), nb.Spiked(xb)) {
			t.Fatalf("step %d: spikes of X differ", s)
		}
		n += len(na.Spiked(xa))
	}
	if n < 100 {
		t.Fatalf("only %d spikes", n)
	}
}

// TestPreResetV: SpikedPreResetV gives, for every neuron that spiked, the
// membrane potential it reached in the step before the reset: for a delta
// LIF under constant drive μ from V0, V∞ + (V0 − V∞)e^{−dt/τ} of the
// preceding step's V (exact propagator).
func TestPreResetV(t *testing.T) {
	nr := DefaultNeuron()
	nr.IBiasMV = 25
	s := Spec{DtMs: 0.1, Seed: 1, Populations: []PopulationSpec{{Name: "N", N: 3, Sign: "exc", Neuron: nr, Init: InitSpec{VLoMV: 0, VHiMV: 19}}}}
	net, _ := Build(&s, nil)
	defer net.Close()
	prev := slices.Clone(net.V(0))
	spikes := 0
	for k := 0; k < 3000; k++ {
		_ = net.Step()
		ids, vs := net.Spiked(0), net.SpikedPreResetV(0)
		if len(ids) != len(vs) {
			t.Fatalf("%d spikes, %d pre-reset values", len(ids), len(vs))
		}
		for m, i := range ids {
			p11 := float32(math.Exp(-0.1 / 20))
			want := float32(25) + float32((prev[i]-25)*p11) // the conversion forbids an FMA, as in the engine
			if vs[m] != want || vs[m] < 20 || net.V(0)[i] != 10 {
				t.Fatalf("neuron %d: pre-reset V %v, want %v (≥ θ = 20), V after reset %v", i, vs[m], want, net.V(0)[i])
			}
			spikes++
		}
		copy(prev, net.V(0))
	}
	if spikes < 20 {
		t.Fatalf("%d spikes", spikes)
	}
}

// TestBlocksProtocol: every block presents each input once, in a shuffled
// order that never repeats an input across a block boundary, the segments
// tile [start, end) at on/off spacing, the order depends only on the seed
// and the protocol's name, and ApplyBlocks writes them into the named
// inputs' schedules (and refuses unknown names).
func TestBlocksProtocol(t *testing.T) {
	b := Blocks{Name: "imprint", Inputs: []string{"A", "B", "C", "D"}, StartMs: 100, OnMs: 1000, OffMs: 3000, Blocks: 20, RateHz: 8000, Shuffle: true}
	if err := b.Validate("blocks[0]"); err != nil {
		t.Fatal(err)
	}
	o := b.Order(1)
	if len(o) != 80 {
		t.Fatalf("%d presentations", len(o))
	}
	orders := map[string]bool{}
	for k := 0; k < 20; k++ {
		blk := slices.Clone(o[4*k : 4*k+4])
		orders[fmtS(blk)] = true
		slices.Sort(blk)
		if !slices.Equal(blk, b.Inputs) {
			t.Fatalf("block %d presents %v", k, o[4*k:4*k+4])
		}
	}
	for k := 1; k < len(o); k++ {
		if o[k] == o[k-1] {
			t.Fatalf("%s presented twice in a row at %d", o[k], k)
		}
	}
	if len(orders) < 5 {
		t.Errorf("only %d distinct block orders in 20 blocks: not shuffled", len(orders))
	}
	if !slices.Equal(o, b.Order(1)) || slices.Equal(o, b.Order(2)) {
		t.Error("order not a function of the seed")
	}
	c := b
	c.Name = "other"
	if slices.Equal(o, c.Order(1)) {
		t.Error("order not keyed by the protocol's name")
	}
	segs := b.Segments(1)
	var all []Segment
	for _, in := range b.Inputs {
		if len(segs[in]) != 20 {
			t.Fatalf("%s: %d segments", in, len(segs[in]))
		}
		all = append(all, segs[in]...)
	}
	slices.SortFunc(all, func(x, y Segment) int { return int(x.StartMs - y.StartMs) })
	for k, sg := range all {
		if sg.StartMs != 100+4000*float64(k) || sg.StopMs != sg.StartMs+1000 || sg.RateHz != 8000 {
			t.Fatalf("segment %d: %+v", k, sg)
		}
	}
	if b.EndMs() != 100+80*4000 {
		t.Errorf("EndMs %v", b.EndMs())
	}
	s := Spec{Seed: 1, Poisson: []PoissonSpec{{Name: "A"}, {Name: "B"}}, Rates: []RateSpec{{Name: "C"}, {Name: "D"}}}
	if err := s.ApplyBlocks([]Blocks{b}); err != nil {
		t.Fatal(err)
	}
	if len(s.Poisson[0].Schedule) != 20 || len(s.Rates[1].Schedule) != 20 {
		t.Error("schedules not applied")
	}
	b.Inputs = append(b.Inputs, "Z")
	if err := (&Spec{Poisson: []PoissonSpec{{Name: "A"}}}).ApplyBlocks([]Blocks{b}); err == nil {
		t.Error("unknown input accepted")
	}
}

func fmtS(s []string) string {
	out := ""
	for _, x := range s {
		out += x + ","
	}
	return out
}

// TestRateSchedulesAndSubsets: a Poisson source population's neurons fire
// at their base rate plus the rate of every active segment of a rate
// input covering them (group members only), and a Poisson drive with a
// schedule and a fraction of a group drives only those neurons, only
// during its segments; rates within 5 SE of the set values.
func TestRateSchedulesAndSubsets(t *testing.T) {
	nr := DefaultNeuron()
	nr.VThMV = 1e6 // never fires: the drive is read from the synaptic input
	nr.Synapse = Exp
	s := Spec{DtMs: 0.1, Seed: 3,
		Populations: []PopulationSpec{
			{Name: "S", N: 2000, Sign: "exc", Neuron: SourceNeuron(Poisson, 5)},
			{Name: "T", N: 1000, Sign: "exc", Neuron: nr},
		},
		Groups: []GroupSpec{{Name: "first", Population: "S", Lo: 0, Hi: 500}, {Name: "tg", Population: "T", Lo: 0, Hi: 400}},
		Rates:  []RateSpec{{Name: "stim", Target: "S", Group: "first", Schedule: []Segment{{StartMs: 100, StopMs: 300, RateHz: 45}}}},
		Poisson: []PoissonSpec{{Name: "cue", Target: "T", Group: "tg", Fraction: 0.5, NSources: 10, RateHz: 0, Weight: 1, Sign: "exc",
			Schedule: []Segment{{StartMs: 200, StopMs: 400, RateHz: 20}}}},
	}
	net, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	var cnt [2][3]float64 // S: [in group, before/after], ...
	members, err := net.members(1, "tg", 0.5, "cue", "rate[0]")
	if err != nil {
		t.Fatal(err)
	}
	isMember := make([]bool, 1000)
	for _, i := range members {
		isMember[i] = true
	}
	for st := 0; st < 4000; st++ {
		_ = net.Step()
		tms := float64(st) * 0.1
		for _, i := range net.Spiked(0) {
			g := 0
			if i < 500 {
				g = 1
			}
			if tms >= 100 && tms < 300 {
				cnt[g][1]++
			} else {
				cnt[g][0]++
			}
		}
	}
	check := func(name string, c, n, dur, want float64) {
		got := c / n / (dur / 1000)
		se := math.Sqrt(want*dur/1000*n) / n / (dur / 1000)
		if math.Abs(got-want) > 5*se {
			t.Errorf("%s: %.2f Hz, want %.2f ± %.2f", name, got, want, se)
		}
	}
	check("group during the segment", cnt[1][1], 500, 200, 50)
	check("group outside", cnt[1][0], 500, 200, 5)
	check("others during", cnt[0][1], 1500, 200, 5)
	check("others outside", cnt[0][0], 1500, 200, 5)
	if len(members) < 150 || len(members) > 250 {
		t.Errorf("cue fraction 0.5 of 400 gave %d members", len(members))
	}
	// the drive: ge of non-members stays 0, members' ge is positive after the segment started
	ge := net.State(1, "ge")
	for i := 0; i < 1000; i++ {
		if !isMember[i] && ge[i] != 0 {
			t.Fatalf("non-member %d received drive (ge = %v)", i, ge[i])
		}
	}
	pos := 0
	for _, i := range members {
		if ge[i] > 0 {
			pos++
		}
	}
	if pos < len(members)/2 {
		t.Errorf("only %d of %d members driven", pos, len(members))
	}
}

// TestPoissonMembers: the members reported for an input are the subset
// Build drew (net.members), every neuron for an input without group or
// fraction, and nothing for an unknown name.
func TestPoissonMembers(t *testing.T) {
	nr := DefaultNeuron()
	s := Spec{DtMs: 0.1, Seed: 5,
		Populations: []PopulationSpec{{Name: "T", N: 300, Sign: "exc", Neuron: nr}},
		Groups:      []GroupSpec{{Name: "tg", Population: "T", Lo: 100, Hi: 200}},
		Poisson: []PoissonSpec{
			{Name: "cue", Target: "T", Group: "tg", Fraction: 0.25, NSources: 1, Weight: 1, Sign: "exc"},
			{Name: "all", Target: "T", NSources: 1, RateHz: 1, Weight: 1, Sign: "exc"},
		},
	}
	net, err := Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	want, _ := net.members(0, "tg", 0.25, "cue", "poisson[0]")
	pop, got, ok := net.PoissonMembers("cue")
	if !ok || pop != 0 || !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("cue members %v (ok %v), want %v", got, ok, want)
	}
	for _, i := range got {
		if i < 100 || i >= 200 {
			t.Errorf("cue member %d outside its group [100, 200)", i)
		}
	}
	if _, all, ok := net.PoissonMembers("all"); !ok || len(all) != 300 {
		t.Errorf("input without group: %d members, want 300", len(all))
	}
	if _, _, ok := net.PoissonMembers("none"); ok {
		t.Error("unknown input reported")
	}
}
