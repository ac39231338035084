package stdpmemory

import (
	"math"
	"testing"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/theory/infobound"
)

// TestInfoPerfectRecall: trials whose delay counts are 10 for the cued
// assembly's uncued members and 0 elsewhere, each retrieving its own
// assembly: the plug-in I(ξ; n) equals H₂ of the member fraction among the
// uncued neurons (the count determines ξ), and the plug-in I(cue;
// retrieved) equals log₂ P (a uniform cue retrieved without error); the
// corrected values lie below their plug-ins. Chance trials (counts
// independent of ξ, retrieval "none") give I(ξ; n) ≈ 0 within 3 SE.
func TestInfoPerfectRecall(t *testing.T) {
	const n, P = 200, 4
	pat := assembly.Patterns{N: n, F: 0.25}
	for k := 0; k < P; k++ {
		var m []int32
		for i := k * 50; i < (k+1)*50; i++ {
			m = append(m, int32(i))
		}
		pat.Members = append(pat.Members, m)
	}
	p := &protocol{pat: pat}
	om := &overlapMon{}
	var res recallResult
	var uncuedMembers, uncued int
	for k := 0; k < P; k++ {
		for rep := 0; rep < 3; rep++ {
			cued := pat.Members[k][:10] // the first 10 members are cued
			tr := trialResult{trial: trial{Assembly: k, Fraction: 0.2, Rep: rep}, cued: cued, Out: assembly.Trial{Winner: k, Success: true},
				MeanM: make([]float64, P)}
			tr.MeanM[k] = 0.9
			cue, delay := make([]int32, n), make([]int32, n)
			for _, i := range pat.Members[k] {
				delay[i] = 10
			}
			om.winCnt = append(om.winCnt, cue, delay)
			res.Trials = append(res.Trials, tr)
			uncuedMembers += 40
			uncued += n - 10
		}
	}
	res.ByFraction = []fracResult{{Key: "0.2", Fraction: 0.2}}
	fi := infoOf(Defaults(), p, om, res)
	if len(fi) != 1 {
		t.Fatalf("%d fractions", len(fi))
	}
	q := float64(uncuedMembers) / float64(uncued)
	h := -q*math.Log2(q) - (1-q)*math.Log2(1-q)
	const tol = 1e-9
	if math.Abs(fi[0].IElemPlugin-h) > tol {
		t.Errorf("plug-in I(ξ; n) = %v, want H₂(%v) = %v", fi[0].IElemPlugin, q, h)
	}
	if !(fi[0].IElem < fi[0].IElemPlugin) {
		t.Errorf("corrected %v not below the plug-in %v", fi[0].IElem, fi[0].IElemPlugin)
	}
	if math.Abs(fi[0].MI.PluginBits-2) > tol {
		t.Errorf("plug-in I(cue; retrieved) = %v, want log₂ 4 = 2", fi[0].MI.PluginBits)
	}
	// the chain over the assemblies' delay states: one active assembly per
	// trial, uniform: I(C; R) = H(R) = log₂ 4, Σ_k H(r_k) = 4 H₂(1/4)
	ch := fi[0].Chain
	sumH := 4 * (-0.25*math.Log2(0.25) - 0.75*math.Log2(0.75))
	if !fi[0].ChainOK || math.Abs(ch.MICueResponse.PluginBits-2) > tol || math.Abs(ch.HResponse.PluginBits-2) > tol ||
		math.Abs(ch.SumHUnits.PluginBits-sumH) > tol || math.Abs(ch.TotalCorrelation.PluginBits-(sumH-2)) > tol {
		t.Errorf("chain %+v, want I(C;R) = H(R) = 2, ΣH = %v, TC = %v bits", ch, sumH, sumH-2)
	}
	if fi[0].Samples != uncued {
		t.Errorf("%d samples, want the %d uncued neuron-trials", fi[0].Samples, uncued)
	}
	// chance: counts from a fixed sequence unrelated to membership
	for ti := range res.Trials {
		d := om.winCnt[2*ti+1]
		for i := range d {
			d[i] = int32((i*7 + ti*3) % 5)
		}
		res.Trials[ti].Out = assembly.Trial{Winner: -1}
	}
	fi = infoOf(Defaults(), p, om, res)
	// 3 SE of the plug-in's delta-method error, plus 0.01 bits for the
	// Panzeri–Treves correction's residual bias at N = 2280 samples over
	// 2 × 5 occupied cells (its O(1/N²) term is ≪ 0.01)
	if math.Abs(fi[0].IElem) > 3*fi[0].IElemSE+0.01 {
		t.Errorf("chance: I(ξ; n) = %v ± %v bits, want ≈ 0", fi[0].IElem, fi[0].IElemSE)
	}
	s := infoSummary(fi, P, 800)
	if a := s["alpha"].(float64); a != P/800.0 {
		t.Errorf("alpha %v", a)
	}
}

// TestInfoFewTrials: a perfect 5 × 6 confusion matrix of 10 trials: the
// plug-in is log₂ 5 and the symmetric-channel value with s = 1 too; the
// alphabet-count Panzeri–Treves correction removes
// [Σ_c (6 − 1) − (6 − 1)]/(2·10·ln 2) = 1.4427 bits (0.8792 left).
func TestInfoFewTrials(t *testing.T) {
	counts := make([][]int, 5)
	for k := range counts {
		counts[k] = make([]int, 6)
		counts[k][k] = 2
	}
	a, err := infobound.ConfusionMI(counts)
	if err != nil {
		t.Fatal(err)
	}
	const tol = 1e-9
	if want := math.Log2(5) - 20/(20*math.Ln2); math.Abs(a.Bits-want) > tol || math.Abs(a.PluginBits-math.Log2(5)) > tol {
		t.Errorf("plug-in %v, corrected %v; want log₂5 and %v", a.PluginBits, a.Bits, want)
	}
	fi := []fracInfo{{Key: "0.5", MI: a, Channel: channelBits(5, 1, 0, 0)}}
	s := infoSummary(fi, 5, 800)
	if v := s["mi_cue_bits_channel"].(map[string]any)["0.5"].(float64); math.Abs(v-math.Log2(5)) > tol {
		t.Errorf("channel value %v, want log₂ 5", v)
	}
	if v := s["mi_cue_bits"].(map[string]any)["0.5"]; v != nil {
		t.Errorf("mi_cue_bits = %v with 10 trials for 30 cells, want null", v)
	}
	// erasures only carry no information; errors without erasures are the
	// symmetric channel log₂P − H₂(s) − (1 − s) log₂(P − 1)
	if v := channelBits(5, 0, 1, 0); v != 0 {
		t.Errorf("pure erasure: %v bits, want 0", v)
	}
	sym := math.Log2(5) + 0.6*math.Log2(0.6) + 0.4*math.Log2(0.4) - 0.4*math.Log2(4)
	if v := channelBits(5, 0.6, 0, 0.4); math.Abs(v-sym) > tol {
		t.Errorf("symmetric channel s = 0.6: %v bits, want %v", v, sym)
	}
	if v, w := channelBits(5, 0.6, 0, 0.4), infobound.SymmetricConfusionBits(5, 0.6); math.Abs(v-w) > tol {
		t.Errorf("channelBits without erasures %v, infobound's symmetric channel %v", v, w)
	}
}
