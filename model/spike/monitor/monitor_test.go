package monitor

import (
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// genNet is a generator population of 10 neurons in which neurons 0, 3 and
// 7 spike in every step (3 spikes per step: 3000 Hz over 10 neurons at
// dt = 0.1 ms) for steps steps, plus a small plastic network for the
// weight monitor.
func genNet(t *testing.T, steps int) *spike.Net {
	t.Helper()
	var ts []float64
	var ids []int32
	for s := 1; s <= steps; s++ {
		for _, i := range []int32{0, 3, 7} {
			ts = append(ts, float64(s)*0.1)
			ids = append(ids, i)
		}
	}
	nr := spike.DefaultNeuron()
	nr.IBiasMV = 25
	pair := spike.PairDefaults()
	s := spike.Spec{DtMs: 0.1, Seed: 1,
		Populations: []spike.PopulationSpec{
			{Name: "G", N: 10, Sign: "exc", Neuron: spike.SourceNeuron(spike.Generator, 0), Generator: &spike.GeneratorSpec{TimesMs: ts, IDs: ids}},
			{Name: "N", N: 20, Sign: "exc", Neuron: nr, Init: spike.InitSpec{VLoMV: 0, VHiMV: 19}},
		},
		Groups: []spike.GroupSpec{{Name: "g37", Population: "G", IDs: []int32{3, 7}}, {Name: "nlow", Population: "N", Lo: 0, Hi: 8}},
		Projections: []spike.ProjectionSpec{{Pre: "G", Post: "N", Rule: spike.RuleBernoulli, P: 0.5,
			Weight: spike.WeightSpec{Dist: spike.WeightNormal, Mean: 0.5, SD: 0.1, Scale: 1}, DelayMs: 0.1,
			Plasticity: []spike.RuleSpec{{Rule: spike.RulePair, WMax: 1, Pair: &pair}}}},
	}
	net, err := spike.Build(&s, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(net.Close)
	return net
}

// TestRatesCoarsened: a run of 10^5 one-step bins keeps ≤ MaxPlotPoints
// figure points per column whose rates are the averages of the merged bins
// (3000 Hz for population G, 3 of whose spikes per step fall in group g37
// of 2 neurons: 10 000 Hz), while every bin is written.
func TestRatesCoarsened(t *testing.T) {
	const steps = 100001
	net := genNet(t, steps)
	path := filepath.Join(t.TempDir(), "r.npy")
	r, err := NewRates(net, RatesOptions{Path: path, Groups: []string{"g37"}, BinSteps: 1, Steps: steps})
	if err != nil {
		t.Fatal(err)
	}
	Attach(net, r)
	if err := net.Run(steps, nil); err != nil {
		t.Fatal(err)
	}
	if err := CloseAll(nil, r); err != nil {
		t.Fatal(err)
	}
	xs, ys := r.Plot()
	if n := len(xs); n > MaxPlotPoints || n < MaxPlotPoints/2 {
		t.Errorf("%d figure points", n)
	}
	for i := range xs {
		if math.Abs(ys[0][i]-3000) > 1e-9 || math.Abs(ys[2][i]-10000) > 1e-9 {
			t.Fatalf("point %d: %v Hz (G), %v Hz (g37)", i, ys[0][i], ys[2][i])
		}
	}
	a, err := store.ReadNPY(path)
	if err != nil || a.Shape[0] != steps || a.Shape[1] != 3 || r.CV(0) > 1e-6 {
		t.Errorf("file shape %v (%v), CV %v", a.Shape, err, r.CV(0))
	}
	if !slices.Equal(r.Columns(), []string{"G", "N", "g37"}) {
		t.Errorf("columns %v", r.Columns())
	}
}

// TestSpikesAndState: the spike monitor records exactly the selected
// neurons' spikes of its window with step and time relative to T0Step
// (time = (step + 1 − T0)·dt), and the state monitor samples the selected
// neurons every N steps with the matching time axis and id list.
func TestSpikesAndState(t *testing.T) {
	net := genNet(t, 100)
	dir := t.TempDir()
	sp, err := NewSpikes(net, SpikesOptions{Path: filepath.Join(dir, "spikes.npy"), Neurons: []Selection{{Pop: "G", Group: "g37"}},
		FromStep: 10, ToStep: 60, T0Step: 10, Keep: 5})
	if err != nil {
		t.Fatal(err)
	}
	st, err := NewState(net, StateOptions{Dir: dir, Vars: []string{"v", "a"}, Neurons: []Selection{{Pop: "N", IDs: []int32{5, 2}}},
		EverySteps: 7, FromStep: 3, ToStep: 40})
	if err != nil {
		t.Fatal(err)
	}
	var vWant [][]float32
	net.AddTask(spike.PhaseRecord, "reference", "", func(step int64) error {
		if step >= 3 && step < 40 && (step-3)%7 == 0 {
			v := net.V(1)
			vWant = append(vWant, []float32{v[2], v[5]})
		}
		return nil
	})
	Attach(net, sp, st)
	if err := net.Run(100, nil); err != nil {
		t.Fatal(err)
	}
	if err := CloseAll(nil, sp, st); err != nil {
		t.Fatal(err)
	}
	rows, _ := store.ReadNPY(filepath.Join(dir, "spikes.npy"))
	times, _ := store.ReadNPY(filepath.Join(dir, "spikes_t_ms.npy"))
	if rows.Shape[0] != 100 || times.Shape[0] != 100 { // 2 neurons × 50 steps
		t.Fatalf("%v spikes, %v times", rows.Shape, times.Shape)
	}
	for k := 0; k < 100; k++ {
		step, id := rows.Data[2*k], rows.Data[2*k+1]
		if step != float64(k/2) || (id != 3 && id != 7) || math.Abs(times.Data[k]-(step+1)*0.1) > 1e-12 {
			t.Fatalf("row %d: step %v id %v t %v", k, step, id, times.Data[k])
		}
	}
	if ts, _ := sp.Kept(); len(ts) != 5 {
		t.Errorf("kept %d spikes", len(ts))
	}
	v, _ := store.ReadNPY(filepath.Join(dir, "state_v_N.npy"))
	tt, _ := store.ReadNPY(filepath.Join(dir, "state_t_ms.npy"))
	ids, _ := store.ReadNPY(filepath.Join(dir, "state_N_ids.npy"))
	if len(vWant) != 6 || v.Shape[0] != 6 || v.Shape[1] != 2 || tt.Shape[0] != 6 || !slices.Equal(ids.Data, []float64{2, 5}) {
		t.Fatalf("state shapes %v %v ids %v, %d reference samples", v.Shape, tt.Shape, ids.Data, len(vWant))
	}
	for k := range vWant {
		if float32(v.Data[2*k]) != vWant[k][0] || float32(v.Data[2*k+1]) != vWant[k][1] || math.Abs(tt.Data[k]-float64(3+7*k+1)*0.1) > 1e-12 {
			t.Fatalf("sample %d: %v,%v at %v; want %v at %v", k, v.Data[2*k], v.Data[2*k+1], tt.Data[k], vWant[k], float64(3+7*k+1)*0.1)
		}
	}
	if _, err := NewState(net, StateOptions{Dir: dir, Vars: []string{"vv"}, Neurons: []Selection{{Pop: "N"}}, EverySteps: 1}); err == nil {
		t.Error("unknown variable accepted")
	}
	if _, err := NewSpikes(net, SpikesOptions{Path: filepath.Join(dir, "x.npy"), Neurons: []Selection{{Pop: "Q"}}}); err == nil {
		t.Error("unknown population accepted")
	}
}

// TestWeightStats: the weight monitor's statistics equal a naive
// recomputation from the snapshot it wrote at the same time (means by
// class of the group on the pre and post side), and the histogram counts
// every synapse.
func TestWeightStats(t *testing.T) {
	net := genNet(t, 3000)
	dir := t.TempDir()
	w, err := NewWeights(net, WeightsOptions{Dir: dir, StatsPath: filepath.Join(dir, "ws.tsv"), HistPath: filepath.Join(dir, "wh.tsv"),
		SnapshotSteps: []int64{1999}, StatsSteps: []int64{1999}, Initial: true, Groups: []string{"g37", "nlow"}, HistBins: 10})
	if err != nil {
		t.Fatal(err)
	}
	Attach(net, w)
	if err := net.Run(3000, nil); err != nil {
		t.Fatal(err)
	}
	if err := CloseAll(nil, w); err != nil {
		t.Fatal(err)
	}
	m, err := store.ReadCSRNPZ(filepath.Join(dir, FileName("G→N", 200)))
	if err != nil {
		t.Fatal(err)
	}
	inPre := map[int]bool{3: true, 7: true}
	type key struct{ g, pre, post string }
	sum, n := map[key]float64{}, map[key]float64{}
	for j := 0; j < m.NRows; j++ {
		for q := m.Indptr[j]; q < m.Indptr[j+1]; q++ {
			i := int(m.Indices[q])
			x := float64(m.Data[q])
			pre := "out"
			if inPre[j] {
				pre = "in"
			}
			post := "out"
			if i < 8 {
				post = "in"
			}
			for _, k := range []key{{"all", "any", "any"}, {"g37", pre, "any"}, {"nlow", "any", post}} {
				sum[k] += x
				n[k]++
			}
		}
	}
	h, rows, err := store.ReadTSVRecords(filepath.Join(dir, "ws.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int { return slices.Index(h, name) }
	found := 0
	for _, r := range rows {
		if r[col("t_ms")] != "200" {
			continue
		}
		k := key{r[col("group")], r[col("pre")], r[col("post")]}
		mean, _ := strconv.ParseFloat(r[col("mean")], 64)
		if n[k] == 0 || math.Abs(mean-sum[k]/n[k]) > 1e-9 {
			t.Errorf("%v: monitor mean %v, recomputed %v (n %v)", k, mean, sum[k]/n[k], n[k])
		}
		found++
	}
	if found != 5 { // all, g37 in/out, nlow in/out
		t.Errorf("%d statistics rows at 200 ms", found)
	}
	hs := w.Hists("G→N")
	if len(hs) != 2 || hs[0].TimeMs != 0 || hs[1].TimeMs != 200 {
		t.Fatalf("histograms %d", len(hs))
	}
	var tot int64
	for _, c := range hs[1].Count {
		tot += c
	}
	if tot != int64(len(m.Data)) {
		t.Errorf("histogram counts %d synapses of %d", tot, len(m.Data))
	}
}
