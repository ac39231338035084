package bridge

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/engramsim/engram/model/spike"
)

// specGrid is the rate grid of stdp-memory.md §4.4 step 1.
var specGrid = []float64{1, 2, 5, 10, 20, 40}

// tolTable is SM-13's tolerance (stdp-memory.md §6: "the five rows, 1e-6").
const tolTable = 1e-6

func p10Rule() spike.RuleSpec { return spike.RuleSpec{Rule: spike.RuleP10, WMax: 5} }

// TestSM13BridgeTable reproduces the bridge table of stdp-memory.md §4.4
// (SM-13, [derived]) to 1e-6 from the closed-form drift on the spec grid:
// f(ν_lo), f(ν_hi) (in the table's units, i.e. with g(ν) = ν; the minimal
// triplet's in units of A3+τ+τ_y), q_f, Δq and α_c(Ā → ∞); the row
// (1, 25) Hz is outside the family. The step capacity of theory/meanfield
// at Ā = ∞ (branch maximum, lost at m = 0.01 just before the m → 0 end)
// agrees with (E[g²]/E[f²])/π within 0.003 (meanfield's R11 tolerance).
func TestSM13BridgeTable(t *testing.T) {
	mt := MinimalTriplet()
	unitMT := mt.Triplet.A3Plus * mt.Triplet.TauPlusMs * 1e-3 * mt.Triplet.TauYMs * 1e-3
	for _, c := range []struct {
		name                     string
		rs                       spike.RuleSpec
		pat                      Pattern
		unit                     float64
		fLo, fHi, qf, dq, alphaC float64
		inFamily                 bool
	}{
		{"P10 2, 30", p10Rule(), Pattern{2, 30, 0.05}, 1, -1.2000e-5, 1.2200e-3, 0.990260, -0.040260, 0.307807, true},
		{"P10 3, 20", p10Rule(), Pattern{3, 20, 0.05}, 1, -2.2000e-5, 4.2000e-4, 0.950226, -0.000226, 0.318310, true},
		{"P10 5, 40 (p = 0.1)", p10Rule(), Pattern{5, 40, 0.1}, 1, -3.0000e-5, 2.4200e-3, 0.987755, -0.087755, 0.293220, true},
		{"P10 1, 25", p10Rule(), Pattern{1, 25, 0.05}, 1, 2.0e-6, 7.700e-4, 0, 0, 0, false},
		{"minimal triplet θ = 3 Hz: 1, 20", mt, Pattern{1, 20, 0.05}, unitMT, -2, 340, 0.994152, -0.044152, 0.305761, true},
	} {
		r, err := Run(c.rs, specGrid, &c.pat, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.Drift.Method != MethodClosed {
			t.Fatalf("%s: method %s, want the closed form", c.name, r.Drift.Method)
		}
		s := r.Step
		// g = v₁ ∝ ν: the factor that turns the SVD's f into the table's
		scale := r.Separability.G[0] / specGrid[0] / c.unit
		for k, nu := range specGrid {
			if g := r.Separability.G[k] / nu / c.unit; math.Abs(g/scale-1) > 1e-12 {
				t.Errorf("%s: g(%g Hz)/ν = %v, g(1 Hz) = %v: g is not ∝ ν", c.name, nu, g, scale)
			}
		}
		fLo, fHi := s.FLo*scale, s.FHi*scale
		tolF := tolTable * math.Max(1, math.Abs(c.fHi)) // the triplet row's units are O(100)
		near(t, c.name+": f(ν_lo)", fLo, c.fLo, tolF)
		near(t, c.name+": f(ν_hi)", fHi, c.fHi, tolF)
		if s.InFamily != c.inFamily {
			t.Fatalf("%s: in family %v (%s), want %v", c.name, s.InFamily, s.Reason, c.inFamily)
		}
		if !c.inFamily {
			if !strings.Contains(s.Reason, "no depression at ν_lo") {
				t.Errorf("%s: reason %q", c.name, s.Reason)
			}
			continue
		}
		near(t, c.name+": q_f", s.QF, c.qf, tolTable)
		near(t, c.name+": Δq", s.DeltaQ, c.dq, tolTable)
		near(t, c.name+": α_c", s.AlphaCMFT, c.alphaC, tolTable)
		near(t, c.name+": α_c (meanfield step, Ā = ∞)", s.AlphaCStep, s.AlphaCMFT, 0.003)
		near(t, c.name+": g centred E[g]", c.pat.P*r.GCentred[len(specGrid)-1]/r.Separability.G[len(specGrid)-1], c.pat.P*(1-(c.pat.P*s.GHi+(1-c.pat.P)*s.GLo)/r.Separability.G[len(specGrid)-1]), 1e-12)
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.9g, want %.9g (tolerance %g)", what, got, want, tol)
	}
}

// TestSM12Separability: σ₁²/Σσ² of the closed-form drift on the spec grid
// is 1 (to 1e-12) for the P10 Hebbian part, the minimal triplet and the
// additive pair rule (exactly rank 1, stdp-memory.md §4.2), while the
// full Pfister–Gerstner triplet (A3− ≠ 0: a ν_pre²ν_post term) is not
// (index < 1 − 1e-6), so the index can fail. Measured open loop
// (independent Poisson trains, the engine's rules) the P10 and minimal
// triplet drifts are rank 1 up to noise: index > 0.999 (SM-12's 1e-3),
// and every entry lies within 4.5 standard errors of the closed form
// (36 entries: a Gaussian false alarm has probability ≈ 2.5e-4; the
// low-rate entries have few events per synapse and heavier tails). Sizes:
// 100 synapses × 5 s per entry under -short, 500 × 10 s (5·10³
// synapse-seconds; the spec's 2·10⁴ is for a publication table) otherwise.
// Measured with these seeds: worst entries 4.0 SE (P10, (1, 2) Hz, -short)
// and 2.2 SE (full); separability 0.999989 / 0.999990 (-short) and
// 0.999999 (full); measured (2, 30) Hz step family: P10 q_f = 0.9904,
// α_c = 0.3077 (closed form 0.990260, 0.307807), minimal triplet 0.9974,
// 0.3039 (closed form 0.997537).
func TestSM12Separability(t *testing.T) {
	full := spike.TripletDefaults()
	for _, c := range []struct {
		name  string
		rs    spike.RuleSpec
		rank1 bool
	}{
		{"P10 Hebbian", p10Rule(), true},
		{"minimal triplet", MinimalTriplet(), true},
		{"pair additive", spike.RuleSpec{Rule: spike.RulePair, WMax: 1}, true},
		{"full triplet", spike.RuleSpec{Rule: spike.RuleTriplet, WMax: 1, Triplet: &full}, false},
	} {
		r, err := Run(c.rs, specGrid, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		idx := r.Separability.Index
		t.Logf("%s: closed-form separability 1 − %.3g", c.name, 1-idx)
		if c.rank1 && idx < 1-1e-12 || !c.rank1 && idx > 1-1e-6 {
			t.Errorf("%s: separability %.15f (rank 1 expected: %v)", c.name, idx, c.rank1)
		}
	}
	syn, dur := 500, 10.0
	if testing.Short() {
		syn, dur = 100, 5
	}
	for _, c := range []struct {
		name string
		rs   spike.RuleSpec
	}{{"P10 Hebbian", p10Rule()}, {"minimal triplet", MinimalTriplet()}} {
		r, err := Run(c.rs, specGrid, &Pattern{2, 30, 0.05}, &Options{Method: MethodMeasured, Synapses: syn, DurationS: dur, Workers: 2, Seed: 3})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cf, err := ClosedForm(c.rs, r.Drift.W)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i, post := range specGrid {
			for j, pre := range specGrid {
				z := (r.Drift.PerS[i][j] - cf(post, pre)) / r.Drift.SEPerS[i][j]
				worst = math.Max(worst, math.Abs(z))
				if math.Abs(z) > 3 {
					t.Logf("%s (%g, %g): %+.1f SE", c.name, post, pre, z)
				}
				if math.Abs(z) > 4.5 {
					t.Errorf("%s (ν_post, ν_pre) = (%g, %g) Hz: measured %.4e ± %.1e, closed form %.4e (%+.1f SE)", c.name, post, pre, r.Drift.PerS[i][j], r.Drift.SEPerS[i][j], cf(post, pre), z)
				}
			}
		}
		t.Logf("%s measured (%d synapses × %g s): separability %.6f, worst entry %.1f SE, q_f %.4f, Δq %.4f, α_c %.4f",
			c.name, syn, dur, r.Separability.Index, worst, r.Step.QF, r.Step.DeltaQ, r.Step.AlphaCMFT)
		if r.Separability.Index < 1-1e-3 {
			t.Errorf("%s: measured separability %.6f < 0.999", c.name, r.Separability.Index)
		}
		if r.Drift.Method != MethodMeasured || r.Drift.SynapseSeconds != float64(syn)*dur {
			t.Errorf("%s: drift %s, %g synapse-seconds", c.name, r.Drift.Method, r.Drift.SynapseSeconds)
		}
	}
}

// TestMapStep: the family's boundaries (f(ν_lo) ≥ 0, f(ν_hi) ≤ 0, g not
// increasing) are reported, not errors; impossible patterns are errors.
// f = g (f(ν_lo) = −p, f(ν_hi) = 1 − p: q_f = 1 − p, Δq = 0) gives
// α_c = 1/π (pereira-brunel.md R11, Ā → ∞).
func TestMapStep(t *testing.T) {
	pat := Pattern{2, 30, 0.1}
	s, err := MapStep(pat, -0.1, 0.9, 0, 1)
	if err != nil || !s.InFamily {
		t.Fatal(s, err)
	}
	near(t, "Δq (f = g)", s.DeltaQ, 0, 1e-15)
	near(t, "α_c (f = g)", s.AlphaCMFT, 1/math.Pi, 1e-15)
	for _, c := range []struct {
		f      [4]float64
		reason string
	}{
		{[4]float64{0.1, 1, 0, 1}, "no depression at ν_lo"},
		{[4]float64{-0.1, -0.01, 0, 1}, "no potentiation at ν_hi"},
		{[4]float64{-0.1, 1, 1, 0}, "g does not increase"},
	} {
		s, err := MapStep(pat, c.f[0], c.f[1], c.f[2], c.f[3])
		if err != nil || s.InFamily || !strings.Contains(s.Reason, c.reason) {
			t.Errorf("%v: %+v, %v; want %q", c.f, s, err, c.reason)
		}
	}
	for _, p := range []Pattern{{0, 30, 0.1}, {30, 2, 0.1}, {2, 30, 0}, {2, 30, 1}, {2, math.Inf(1), 0.1}, {math.NaN(), 30, 0.1}} {
		if _, err := MapStep(p, -1, 1, 0, 1); err == nil {
			t.Errorf("pattern %+v accepted", p)
		}
	}
	if _, err := MapStep(pat, math.NaN(), 1, 0, 1); err == nil {
		t.Error("NaN f accepted")
	}
}

// TestBadInput: every misuse gets an error that says what is wrong.
func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		name  string
		rs    spike.RuleSpec
		rates []float64
		pat   *Pattern
		o     *Options
		want  string
	}{
		{"empty grid", p10Rule(), nil, nil, nil, "empty rate grid"},
		{"zero rate", p10Rule(), []float64{0, 1}, nil, nil, "must be a finite number > 0"},
		{"negative rate", p10Rule(), []float64{-1, 1}, nil, nil, "must be a finite number > 0"},
		{"NaN rate", p10Rule(), []float64{math.NaN()}, nil, nil, "must be a finite number > 0"},
		{"Inf rate", p10Rule(), []float64{math.Inf(1)}, nil, nil, "must be a finite number > 0"},
		{"repeated rate", p10Rule(), []float64{1, 2, 1}, nil, nil, "appears twice"},
		{"unknown rule", spike.RuleSpec{Rule: "hebb", WMax: 1}, specGrid, nil, nil, "unknown rule"},
		{"voltage rule, closed form", spike.RuleSpec{Rule: spike.RuleVSTDP, WMax: 1}, specGrid, nil, &Options{Method: MethodClosed}, "no closed form"},
		{"voltage rule, unreachable rate", spike.RuleSpec{Rule: spike.RuleVSTDP, WMax: 1}, []float64{2, 900}, nil, &Options{Synapses: 2, DurationS: 0.1}, "cannot be driven"},
		{"row rule", spike.RuleSpec{Rule: spike.RuleNormalize, WMax: 1}, specGrid, nil, nil, "not a pre/post learning rule"},
		{"bounds", spike.RuleSpec{Rule: spike.RulePair}, specGrid, nil, nil, "w_max"},
		{"pattern", p10Rule(), specGrid, &Pattern{30, 2, 0.05}, nil, "ν_lo < ν_hi"},
		{"method", p10Rule(), specGrid, nil, &Options{Method: "guess"}, "unknown method"},
		{"no closed form", spike.RuleSpec{Rule: spike.RulePair, WMax: 1, Pair: &spike.PairParams{APlus: 1e-3, AMinus: 1e-3, TauPlusMs: 20, TauMinusMs: 20, Nearest: true}},
			specGrid, nil, &Options{Method: MethodClosed}, "no closed form"},
		{"duration", p10Rule(), specGrid, nil, &Options{DurationS: math.NaN()}, "DurationS"},
		{"weight", p10Rule(), specGrid, nil, &Options{Method: MethodMeasured, W: 9}, "outside the rule's bounds"},
	} {
		_, err := Run(c.rs, c.rates, c.pat, c.o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Separate([][]float64{{0, 0}, {0, 0}}); err == nil || !strings.Contains(err.Error(), "zero") {
		t.Errorf("zero matrix: %v", err)
	}
	if _, err := Separate([][]float64{{1, math.NaN()}}); err == nil || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("NaN matrix: %v", err)
	}
}

// TestRuleFrom: rule names, the minimal triplet, network presets (zag2015:
// P10 on E→E, lkd2014: voltage STDP on E→E) and the errors for presets
// without plasticity and unknown names; rule files are decoded strictly.
func TestRuleFrom(t *testing.T) {
	rs, from, err := RuleFrom(spike.PresetZAG2015)
	if err != nil || rs.Rule != spike.RuleP10 || !strings.Contains(from, "E→E") {
		t.Errorf("zag2015: %v from %q, %v", rs.Rule, from, err)
	}
	if rs, _, err := RuleFrom("pair"); err != nil || rs.Pair == nil || rs.WMax != 1 {
		t.Errorf("pair: %+v, %v", rs, err)
	}
	if rs, _, err := RuleFrom(PresetMinimalTriplet); err != nil || rs.Triplet.A2Plus != 0 {
		t.Errorf("minimal triplet: %+v, %v", rs, err)
	}
	if rs, from, err := RuleFrom(spike.PresetLKD2014); err != nil || rs.Rule != spike.RuleVSTDP || !strings.Contains(from, "E→E") {
		t.Errorf("lkd2014: %v from %q, %v", rs.Rule, from, err)
	}
	if _, _, err := RuleFrom("coba"); err == nil || !strings.Contains(err.Error(), "no plastic projection") {
		t.Errorf("coba: %v", err)
	}
	if _, _, err := RuleFrom("nope"); err == nil || !strings.Contains(err.Error(), "unknown rule or preset") {
		t.Errorf("nope: %v", err)
	}
	if _, _, err := RuleFrom("normalize"); err == nil {
		t.Error("normalize accepted as a pre/post rule")
	}
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rs, err = LoadRuleFile(write("ok.toml", "rule = \"pair\"\nw_max = 2\n[pair]\na_plus = 0.01\na_minus = 0.012\ntau_plus_ms = 20\ntau_minus_ms = 20\n"))
	if err != nil || rs.Pair.APlus != 0.01 || rs.WMax != 2 {
		t.Errorf("ok.toml: %+v, %v", rs, err)
	}
	for _, c := range []struct{ name, text, want string }{
		{"typo.toml", "rule = \"pair\"\nw_max = 1\n[pair]\na_plsu = 0.01\n", "a_plsu"},
		{"norule.toml", "w_max = 1\n", "missing key rule"},
		{"bounds.toml", "rule = \"pair\"\n", "w_max"},
		{"normalize.toml", "rule = \"normalize\"\nw_max = 1\n", "not a pre/post learning rule"},
	} {
		_, err := LoadRuleFile(write(c.name, c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), c.name) {
			t.Errorf("%s: %v, want %q and the file name", c.name, err, c.want)
		}
	}
}

// TestMeasuredRules: the open-loop measurement of every rule with a closed
// form matches it within 4.5 SE on a 2 × 2 grid (5, 20 Hz; 200 synapses ×
// 5 s per entry): pair, full triplet, Gütig (μ = 1, at u = 0.5), van
// Rossum (at w = 0.3) and iSTDP (from an inhibitory source population).
func TestMeasuredRules(t *testing.T) {
	full := spike.TripletDefaults()
	gut := spike.GutigParams{Lambda: 0.005, Alpha: 1.05, Mu: 1, TauMs: 20}
	for _, c := range []struct {
		name string
		rs   spike.RuleSpec
		w    float64
	}{
		{"pair", spike.RuleSpec{Rule: spike.RulePair, WMax: 1}, 0},
		{"triplet", spike.RuleSpec{Rule: spike.RuleTriplet, WMax: 1, Triplet: &full}, 0},
		{"gutig", spike.RuleSpec{Rule: spike.RuleGutig, WMax: 1, Gutig: &gut}, 0},
		{"vanrossum", spike.RuleSpec{Rule: spike.RuleVanRossum, WMax: 1}, 0.3},
		{"istdp", spike.RuleSpec{Rule: spike.RuleISTDP, WMax: 100}, 0},
	} {
		rates := []float64{5, 20}
		d, err := DriftMatrix(c.rs, rates, rates, &Options{Method: MethodMeasured, Synapses: 200, DurationS: 5, W: c.w, Seed: 9})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		cf, err := ClosedForm(c.rs, d.W)
		if err != nil {
			t.Fatal(err)
		}
		for i, post := range rates {
			for j, pre := range rates {
				want := cf(post, pre)
				if z := (d.PerS[i][j] - want) / d.SEPerS[i][j]; math.Abs(z) > 4.5 {
					t.Errorf("%s (ν_post, ν_pre) = (%g, %g): measured %.4e ± %.1e, closed form %.4e (%+.1f SE)", c.name, post, pre, d.PerS[i][j], d.SEPerS[i][j], want, z)
				}
			}
		}
	}
}

// TestVoltageRule: LKD's voltage rule (the lkd2014 preset's E→E rule) is
// measured with LKD E neurons driven to ν_post by calibrated Poisson
// input: the achieved rates lie within 15 % of the targets plus 3 Poisson
// SE of the run's own count (100 neurons × 4 s per calibration run;
// measured here 2.48, 10.08, 40.08 Hz for 2, 10, 40; 2.25, 9.95, 40.0 Hz
// in a 6-rate run with 50 synapses × 3 s) and, because the pre trains are independent of the post
// voltage (the synapse transmits 1e-9 of its weight), D = ν_pre·f(ν_post)
// exactly: σ₁²/Σσ² > 0.999 and D/ν_pre constant within 4 SE (30 synapses ×
// 2 s per entry; measured 6 × 6, 100 × 5 s: 0.999995). And f changes sign:
// depression at 2 Hz, potentiation at 40 Hz (measured D(40, 40) = +0.140,
// D(2, 2) ≈ −1.6e-3 per s) — the Clopath-type rate dependence; before the
// engine's lazy LTP restarted its running sums, the LTP after ≈ 0.5 s was
// lost and f was negative at every rate.
func TestVoltageRule(t *testing.T) {
	rs, _, err := RuleFrom(spike.PresetLKD2014)
	if err != nil {
		t.Fatal(err)
	}
	rates := []float64{2, 10, 40}
	r, err := Run(rs, rates, nil, &Options{Synapses: 30, DurationS: 2, Workers: 2, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	d := r.Drift
	t.Logf("achieved %v Hz (drive %v Hz); separability %.6f; f %v; g %v", d.PostAchievedHz, d.DriveHz, r.Separability.Index, r.Separability.F, r.Separability.G)
	for i, nu := range rates {
		// calibration error (≈ 5 % at 2 Hz) plus the run's own count noise
		tol := 0.15*nu + 3*math.Sqrt(nu/(30*2))
		if math.Abs(d.PostAchievedHz[i]-nu) > tol {
			t.Errorf("ν_post = %g Hz: achieved %.3g Hz (tolerance %.2g)", nu, d.PostAchievedHz[i], tol)
		}
	}
	if r.Separability.Index < 0.999 {
		t.Errorf("separability %.6f < 0.999", r.Separability.Index)
	}
	// g ∝ ν_pre: the top row D(40 Hz, ν_pre)/ν_pre is constant within its
	// standard errors (4 SE of the difference; the LTP per synapse rides on
	// a Poisson number of presynaptic spikes, ≈ 9 % SE at 2 Hz here)
	top := len(rates) - 1
	for k := 1; k < len(rates); k++ {
		a, b := d.PerS[top][0]/rates[0], d.PerS[top][k]/rates[k]
		se := math.Hypot(d.SEPerS[top][0]/rates[0], d.SEPerS[top][k]/rates[k])
		if math.Abs(a-b) > 4*se {
			t.Errorf("D(40 Hz, %g Hz)/ν = %.4g vs D(40 Hz, 2 Hz)/2 = %.4g (SE of the difference %.2g): g is not ∝ ν_pre", rates[k], b, a, se)
		}
	}
	if f := r.Separability.F; !(f[0] < 0 && f[len(f)-1] > 0) {
		t.Errorf("f = %v: want depression at 2 Hz and potentiation at 40 Hz", f)
	}
	if d.Method != MethodMeasured || d.W != vstdpW {
		t.Errorf("method %s, w %v", d.Method, d.W)
	}
}
