package spike

import "math"

// Preset names of the spiking associative-memory models.
const (
	PresetLKD2014 = "lkd2014"
	PresetZAG2015 = "zag2015"
)

// LKD2014Spec is the network of Litwin-Kumar & Doiron 2014 (stdp-memory.md
// §1.1, from the authors' sim.jl) with nE excitatory and nI inhibitory
// neurons, every ordered pair connected with probability p (no autapses;
// paper: 4000, 1000, 0.2). E: EIF with an adaptive threshold (V_T = −52 mV
// set 10 mV higher at each spike, decaying with 30 ms), Δ_T = 2 mV, cut-off
// +20 mV, reset −60 mV, τ_ref = 1 ms, adaptation a = 4 nS, b = 0.805 pA,
// τ_w = 150 ms, w(0) = a(V_reset − E_L); I: LIF, E_L = −62, θ = −52, reset
// −60 mV, τ_ref = 1 ms; C = 300 pF and τ_m = 20 ms (g_L = 15 nS) for both.
// Conductances are differences of exponentials of unit area (E: 1/6 ms,
// E_rev = 0; I: 0.5/2 ms, E_rev = −75 mV), so an LKD weight J (pF = nS·ms)
// is J/15 here (units of g_L·ms): J_EE = 2.86 (plastic, [1.78, 21.4]), I→E
// 48.7 (plastic, [48.7, 243]), E→I 1.27, I→I 16.2; a one-step (0.1 ms)
// delay; independent Poisson drive at 4.5 kHz × 1.78 onto E and 2.25 kHz ×
// 1.27 onto I through the E kernel. From 1000 ms on (LKD's stdpdelay):
// voltage STDP (VSTDPDefaults) and 20-ms normalisation on E→E, Vogels
// iSTDP (η = 1 pF, τ = 20 ms, ρ0 = 3 Hz) on I→E.
//
// Differences from sim.jl: the membrane is integrated by the exponential
// midpoint rule instead of forward Euler, the voltage filters start at E_L
// (sim.jl: 0 mV, §8.3), the last E neuron is an E neuron (sim.jl's
// off-by-one, §8.2), initial V is uniform in [−60, −52] mV, random streams
// differ.
func LKD2014Spec(nE, nI int, p float64) Spec {
	g := func(j float64) float64 { return j / lkdGL }
	e := DefaultNeuron()
	e.Model, e.Synapse = AdEx, COBA
	e.TauMMs, e.ELMV, e.VThMV, e.VResetMV, e.TauRefMs = 20, -70, 20, -60, 1
	e.DeltaTMV, e.VTMV, e.TauWMs, e.AdaptA, e.AdaptBMV = 2, -52, 150, 4/lkdGL, 0.805/lkdGL
	e.ThresholdJumpMV, e.TauThresholdMs = 10, 30
	e.TauSynEMs, e.TauRiseEMs, e.TauSynIMs, e.TauRiseIMs, e.ERevEMV, e.ERevIMV = 6, 1, 2, 0.5, 0, -75
	i := e
	i.Model = LIF
	i.ELMV, i.VThMV, i.DeltaTMV, i.VTMV, i.TauWMs, i.AdaptA, i.AdaptBMV = -62, -52, 0, 0, 0, 0, 0
	i.ThresholdJumpMV, i.TauThresholdMs = 0, 0
	w := func(j float64) WeightSpec { return WeightSpec{Dist: WeightConstant, Mean: g(j), Scale: 1} }
	proj := func(pre, post string, j float64) ProjectionSpec {
		return ProjectionSpec{Pre: pre, Post: post, Rule: RuleBernoulli, P: p, Weight: w(j), DelayMs: 0.1}
	}
	on := [][2]float64{{1000, math.Inf(1)}}
	vs := VSTDPDefaults()
	ee := proj("E", "E", 2.86)
	ee.Plasticity = []RuleSpec{
		{Rule: RuleVSTDP, WMin: g(1.78), WMax: g(21.4), Active: on, VSTDP: &vs},
		{Rule: RuleNormalize, WMin: g(1.78), WMax: g(21.4), Active: on, Normalize: &NormalizeParams{PeriodMs: 20}},
	}
	ie := proj("I", "E", 48.7)
	ie.Plasticity = []RuleSpec{{Rule: RuleISTDP, WMin: g(48.7), WMax: g(243), Active: on,
		ISTDP: &ISTDPParams{Eta: g(1), TauMs: 20, Rho0Hz: 3}}}
	return Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "E", N: nE, Sign: "exc", Neuron: e, Init: InitSpec{VLoMV: -60, VHiMV: -52, WMV: 4 / lkdGL * 10}},
			{Name: "I", N: nI, Sign: "inh", Neuron: i, Init: InitSpec{VLoMV: -60, VHiMV: -52}},
		},
		Projections: []ProjectionSpec{ee, proj("E", "I", 1.27), ie, proj("I", "I", 16.2)},
		Poisson: []PoissonSpec{
			{Name: "ext E", Target: "E", NSources: 1, RateHz: 4500, Weight: g(1.78), Sign: "exc"},
			{Name: "ext I", Target: "I", NSources: 1, RateHz: 2250, Weight: g(1.27), Sign: "exc"},
		},
	}
}

// ZAG2015Spec is the network of Zenke, Agnes & Gerstner 2015 (stdp-memory.md
// §1.2; fzenke/pub2015orchestrated src/sim_rc_p10c.cpp with
// globalvars.sh at 1d2780a and the Auryn neuron models) with nE excitatory
// neurons (a square number: E and the input are 64 × 64 sheets in the
// paper), nE/4 inhibitory ones and nE Poisson input channels (paper: 4096).
// E: Auryn's AIF (E_L = V_r = −70 mV, θ = −50 mV plus a 100 mV jump decaying
// with 5 ms, τ_m = 20 ms, an adaptation conductance jumping by 0.1 and
// decaying with 100 ms, reversing at E_i = −80 mV; AMPA 5 ms, NMDA 100 ms at
// AMPA/NMDA ratio 0.2, GABA 10 ms); I: Auryn's IFGroup (the same without
// adaptation, ratio 0.3). Recurrent connectivity is Bernoulli with 0.1,
// delays 0.8 ms (Auryn's minimum delay). Weights in g_L: E→E 0.1 (P10 +
// STP), E→I 0.6 (STP with τ_f = 600 ms), I→E 0.15 (globally gated iSTDP,
// κ = 4 Hz), I→I 0.2, w_max = 5. STP: U = 0.2, τ_d = 200 ms, τ_f = 600 ms
// in Auryn's order. Input→E (P10 + STP): the code's initial phase
// (1run_init.sh) loads the input weights from a receptive-field file,
// data/rf_discsR8.mtx scaled by ξ (XI = 1 at 1d2780a), which the public
// repository does not contain (a large-file stub); engram rebuilds it as
// discs of radius 8 around each E neuron's position on the 64 × 64 sheet
// (RuleDisc, 197 inputs) with weight ξ = 1 [reconstruction: the file's
// name and ZAG's Fig. 1 describe discs; its exact content is unverified].
// With the spec's random input (sparseness 0.05, w = 0.1) the network is
// silent at the 5 Hz background: mean g_AMPA ≈ 205·5 Hz·0.1·U·5 ms = 0.1,
// V∞ ≈ −64 mV.
// Input channels fire at the 5 Hz background (patterns are the memory
// protocol's, issue 15). All plasticity acts from t = 0, as in the code.
//
// Differences from the code: exponential-midpoint membranes instead of
// forward Euler, exact STP relaxation instead of Euler, the second (20 s)
// adaptation of AIF2 is 0 as in the paper's run (§1.2), initial V uniform in
// [−70, −50] mV instead of all at rest, P10's presynaptic update clipped
// to w_max as well, random streams and seeding differ (§8.12).
func ZAG2015Spec(nE int) Spec {
	e := DefaultNeuron()
	e.Synapse = COBA
	e.TauMMs, e.ELMV, e.VThMV, e.VResetMV, e.TauRefMs = 20, -70, -50, -70, 0
	e.TauSynEMs, e.TauSynIMs, e.ERevEMV, e.ERevIMV = 5, 10, 0, -80
	e.TauNMDAMs, e.NMDAFraction = 100, 1/(1+0.2)
	e.ThresholdJumpMV, e.TauThresholdMs = 100, 5
	e.AdaptG1Jump, e.AdaptG1TauMs = 0.1, 100
	i := e
	i.NMDAFraction = 1 / (1 + 0.3)
	i.AdaptG1Jump, i.AdaptG1TauMs = 0, 0
	init := InitSpec{VLoMV: -70, VHiMV: -50}
	w := func(m float64) WeightSpec { return WeightSpec{Dist: WeightConstant, Mean: m, Scale: 1} }
	proj := func(pre, post string, p, m float64) ProjectionSpec {
		return ProjectionSpec{Pre: pre, Post: post, Rule: RuleBernoulli, P: p, Weight: w(m), DelayMs: 0.8}
	}
	stp := func(tauF float64) *STPParams { return &STPParams{U: 0.2, TauDMs: 200, TauFMs: tauF} }
	p10 := func() []RuleSpec { p := P10Defaults(); return []RuleSpec{{Rule: RuleP10, WMax: 5, P10: &p}} }
	ee := proj("E", "E", 0.1, 0.1)
	ee.Plasticity, ee.STP = p10(), stp(600)
	// input→E: receptive fields, discs of radius 8 on the 64 × 64 sheets
	// (scaled with the side), weight ξ = 1
	side := math.Sqrt(float64(nE))
	se := ProjectionSpec{Pre: "S", Post: "E", Rule: RuleDisc, Radius: math.Max(1.5, 8*side/64), Weight: w(1), DelayMs: 0.8}
	se.Plasticity, se.STP = p10(), stp(600)
	ei := proj("E", "I", 0.1, 0.6)
	ei.STP = stp(600)
	ie := proj("I", "E", 0.1, 0.15)
	gp := GlobalISTDPDefaults()
	ie.Plasticity = []RuleSpec{{Rule: RuleGlobalISTDP, WMax: 5, GlobalISTDP: &gp}}
	return Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "E", N: nE, Sign: "exc", Neuron: e, Init: init},
			{Name: "I", N: nE / 4, Sign: "inh", Neuron: i, Init: init},
			{Name: "S", N: nE, Sign: "exc", Neuron: SourceNeuron(Poisson, 5)},
		},
		Projections: []ProjectionSpec{se, ee, ei, ie, proj("I", "I", 0.1, 0.2)},
	}
}

// PresetLKDDemo names LKDDemoSpec.
const PresetLKDDemo = "lkd-demo"

// LKDDemoP is the connection probability of the lkd-demo network: the
// paper's p = 0.2 scaled so that every in-degree matches lkd2014's,
// p = 0.2·(5000 − 1)/(1250 − 1) = 0.80048 (K_EE ≈ 0.80048·999 = 799.7 E
// inputs per E neuron against 0.2·3999 = 799.8; E→I 800.5 against 800,
// I→E and I→I 200.1 against 200), stdp-memory.md §3.1.
const LKDDemoP = 0.2 * 4999 / 1249

// LKDDemoSpec is the fast version of LKD2014Spec (stdp-memory.md §3.1,
// [design]): 1000 E + 250 I neurons at the in-degrees of the paper-scale
// network (LKDDemoP) with the same neurons, weights, drive and rules, so
// each neuron sees the paper's input statistics. What differs from the
// paper besides LKD2014Spec's differences from sim.jl: 4× fewer neurons,
// hence every pair of neurons is connected with probability 0.8 instead of
// 0.2 (inputs are far more shared: the fraction of common inputs of two
// neurons is 0.8, not 0.2, so E correlations are larger), and the
// assemblies of the memory protocol have 100 members at f = 0.1 instead of
// 200 at f = 0.05.
func LKDDemoSpec() Spec { return LKD2014Spec(1000, 250, LKDDemoP) }

// PresetLKDBistable names LKDBistableSpec.
const PresetLKDBistable = "lkd-bistable"

// LKDBistableWMax is the upper bound of the E→E weights of lkd-bistable in
// units of the initial weight J_EE (LKD: 21.4/2.86 = 7.5).
const LKDBistableWMax = 2.0

// LKDBistableSpec is lkd-demo made able to hold delay activity [design]:
// the E neurons lose their adaptation (a = b = 0, no threshold jump: plain
// EIF with Δ_T = 2 mV) and the E→E weights are bounded above by
// LKDBistableWMax·J_EE instead of 7.5·J_EE; everything else is
// LKDDemoSpec. Why (results/stdp-memory/README.md): LKD's adaptation ends
// every assembly up-state within a few hundred ms, so an Amit–Brunel
// structure imposed on lkd-demo gives spontaneous switching between
// assemblies (J₊ = 3) or permanent up-states (J₊ ≥ 6) but never a cued
// state that persists while the background stays quiet; without
// adaptation, J₊ = 2 does (recall of 5 of 5 cued assemblies at c = 0.5)
// and 2.5 already lets one assembly win every trial. vSTDP with
// normalisation drives the within-assembly weights to the upper bound and
// the others down, so the bound sets where imprinting ends (R ≈ 2.5 for
// disjoint assemblies) instead of a runaway to 65–130 Hz up-states.
func LKDBistableSpec() Spec {
	s := LKDDemoSpec()
	e := &s.Populations[s.PopIndex("E")]
	e.Neuron.AdaptA, e.Neuron.AdaptBMV, e.Neuron.ThresholdJumpMV, e.Neuron.TauThresholdMs = 0, 0, 0, 0
	e.Init.WMV = 0
	ee := &s.Projections[s.ProjIndex("E→E")]
	for i := range ee.Plasticity {
		ee.Plasticity[i].WMax = LKDBistableWMax * ee.Weight.Mean
	}
	return s
}
