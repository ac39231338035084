package spike

import "math"

// Preset names accepted by Preset.
const (
	PresetLIFNoise        = "lif-noise"
	PresetBrunelAI        = "brunel-ai"
	PresetBrunelAIFluct   = "brunel-ai-fluct"
	PresetBrunelSR        = "brunel-sr"
	PresetCOBA            = "coba"
	PresetCUBA            = "cuba"
	PresetL23AllenMacLean = "l23-allen-maclean"
	PresetL23Allen2022    = "l23-allen-2022"
	PresetCOBASTDP        = "coba-stdp"
	PresetZenke2013       = "zenke2013"
	PresetVogels2011      = "vogels2011"
)

// LIFNoiseSpec is n unconnected Brunel LIF neurons (τ_m = 20 ms, θ = 20 mV,
// V_r = 10 mV, τ_ref = 2 ms, rest 0) driven by white noise (μ, σ) in the
// Brunel convention, with the bridge crossing correction on: the setting
// of the Siegert oracle (theory/siegert).
func LIFNoiseSpec(n int, muMV, sigmaMV float64) Spec {
	nr := DefaultNeuron()
	return Spec{
		DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{{Name: "LIF", N: n, Sign: "exc", Neuron: nr,
			Init: InitSpec{VLoMV: 0, VHiMV: 20}}},
		Noise: []NoiseSpec{{Target: "LIF", MuMV: muMV, SigmaMV: sigmaMV, Bridge: true}},
	}
}

// BrunelASpec is Brunel 2000 model A (spec §2.2): LIF τ = 20 ms, θ = 20 mV,
// V_r = 10 mV, τ_ref = 2 ms, delta synapses J = 0.1 mV (E) and −gJ (I),
// delay 1.5 ms, fixed in-degree C_E = ε N_E, C_I = ε N_I, and C_E external
// Poisson inputs per neuron at ν_ext = η·ν_thr, ν_thr = θ/(J C_E τ).
// Brunel's sizes are nE = 10000, nI = 2500, ε = 0.1; smaller networks with
// the same in-degrees (C_E = 1000, C_I = 250) keep the mean-field rate.
func BrunelASpec(nE, nI, cE, cI int, g, eta float64) Spec {
	nr := DefaultNeuron()
	const j = 0.1
	nuThr := 1000 * nr.VThMV / (j * float64(cE) * nr.TauMMs) // Hz
	w := func(m float64) WeightSpec { return WeightSpec{Dist: WeightConstant, Mean: m, Scale: 1} }
	pop := func(name, sign string, n int) PopulationSpec {
		return PopulationSpec{Name: name, N: n, Sign: sign, Neuron: nr, Init: InitSpec{VLoMV: 0, VHiMV: 20}}
	}
	proj := func(pre, post string, k int, m float64) ProjectionSpec {
		return ProjectionSpec{Pre: pre, Post: post, Rule: RuleFixedIn, K: k, Weight: w(m), DelayMs: 1.5}
	}
	return Spec{
		DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{pop("E", "exc", nE), pop("I", "inh", nI)},
		Projections: []ProjectionSpec{
			proj("E", "E", cE, j), proj("E", "I", cE, j),
			proj("I", "E", cI, g*j), proj("I", "I", cI, g*j),
		},
		Poisson: []PoissonSpec{
			{Target: "E", NSources: cE, RateHz: eta * nuThr, Weight: j, Sign: "exc"},
			{Target: "I", NSources: cE, RateHz: eta * nuThr, Weight: j, Sign: "exc"},
		},
	}
}

// vaNeuron is the Vogels–Abbott LIF: τ_m = 20 ms, E_L = V_r = −60 mV,
// V_th = −50 mV, τ_ref = 5 ms, τ_e = 5 ms, τ_i = 10 ms.
func vaNeuron(syn Synapse) NeuronParams {
	nr := DefaultNeuron()
	nr.Synapse = syn
	nr.TauMMs, nr.ELMV, nr.VThMV, nr.VResetMV, nr.TauRefMs = 20, -60, -50, -60, 5
	nr.TauSynEMs, nr.TauSynIMs, nr.ERevEMV, nr.ERevIMV = 5, 10, 0, -80
	return nr
}

func vaSpec(nr NeuronParams, we, wi float64, init InitSpec) Spec {
	w := func(m float64) WeightSpec { return WeightSpec{Dist: WeightConstant, Mean: m, Scale: 1} }
	var projs []ProjectionSpec
	for _, pre := range []string{"E", "I"} {
		for _, post := range []string{"E", "I"} {
			m := we
			if pre == "I" {
				m = wi
			}
			projs = append(projs, ProjectionSpec{Pre: pre, Post: post, Rule: RuleBernoulli, P: 0.02, Weight: w(m), DelayMs: 0.1})
		}
	}
	return Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "E", N: 3200, Sign: "exc", Neuron: nr, Init: init},
			{Name: "I", N: 800, Sign: "inh", Neuron: nr, Init: init},
		},
		Projections: projs,
	}
}

// COBASpec is the Vogels–Abbott / Brette et al. 2007 COBA benchmark with the
// Brian reference parameters (spec §2.1): 3200 E + 800 I, Bernoulli
// p = 0.02 without autapses, E_e = 0 mV, E_i = −80 mV, w_e = 0.6 and
// w_i = 6.7 (units of g_L), delay one step, self-sustained from
// V ~ U(V_r, V_th), g_e ~ N(4, 1.5), g_i ~ N(20, 12).
func COBASpec() Spec {
	return vaSpec(vaNeuron(COBA), 0.6, 6.7, InitSpec{VLoMV: -60, VHiMV: -50, GEMean: 4, GESD: 1.5, GIMean: 20, GISD: 12})
}

// CUBASpec is the Brian2 CUBA example (spec §2.1): exponential currents,
// E_L = −49 mV (above threshold), w_e = 1.62 mV, w_i = 9 mV (inhibitory,
// negative), V ~ U(V_r, V_th).
func CUBASpec() Spec {
	nr := vaNeuron(Exp)
	nr.ELMV = -49
	return vaSpec(nr, 1.62, 9, InitSpec{VLoMV: -60, VHiMV: -50})
}

// L23Spec is the mouse V1 L2/3 lumped E/I network of the seed slides
// (spec §1.3, "Allen-derived, MacLean lab"): n neurons, 80 % E, fixed
// out-degree k = round(p·n_target) (n_target − 1 within a population),
// probabilities read from X to Y, lognormal(−0.64, 0.51) weights ÷10 for E
// and ×(−10)÷10 for I (≈ +0.06 mV and −0.60 mV), delta synapses without
// delay (one step, dt = 1 ms), LIF E_L = −70.6 mV, V_th = −50.4 mV,
// τ = 20 ms, reset by subtraction, 4 refractory steps. The probabilities
// are local (≲ 100–200 µm). Scaling rule: p is kept, so in-degrees grow
// ∝ n and weights are not rescaled.
//
// The MacLean network was driven by trained input channels; here each
// neuron gets 20 independent Poisson sources at 100 Hz of 0.5 mV (μ ≈ 20 mV,
// σ ≈ 3.2 mV in the Brunel convention), an engram choice.
func L23Spec(n int, pEE, pEI, pIE, pII float64) Spec {
	nr := DefaultNeuron()
	nr.ELMV, nr.VThMV, nr.VResetMV, nr.TauMMs, nr.TauRefMs, nr.Reset = -70.6, -50.4, -70.6, 20, 4, ResetSubtract
	nE := int(math.Round(0.8 * float64(n)))
	w := func(scale float64) WeightSpec {
		return WeightSpec{Dist: WeightLognormal, LogMu: -0.64, LogSigma: 0.51, Scale: scale}
	}
	proj := func(pre, post string, p, scale float64) ProjectionSpec {
		return ProjectionSpec{Pre: pre, Post: post, Rule: RuleFixedOut, P: p, Weight: w(scale), DelayMs: 1}
	}
	init := InitSpec{VLoMV: -70.6, VHiMV: -50.4}
	return Spec{DtMs: 1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "E", N: nE, Sign: "exc", Neuron: nr, Init: init},
			{Name: "I", N: n - nE, Sign: "inh", Neuron: nr, Init: init},
		},
		Projections: []ProjectionSpec{
			proj("E", "E", pEE, 0.1), proj("E", "I", pEI, 0.1),
			proj("I", "E", pIE, 1), proj("I", "I", pII, 1),
		},
		Poisson: []PoissonSpec{
			{Target: "E", NSources: 20, RateHz: 100, Weight: 0.5, Sign: "exc"},
			{Target: "I", NSources: 20, RateHz: 100, Weight: 0.5, Sign: "exc"},
		},
	}
}

// L23AllenMacLeanSpec uses p_ee, p_ei, p_ie, p_ii = 0.160, 0.244, 0.318,
// 0.343 (neurotrino/reservoir, 2020; spec §1.1).
func L23AllenMacLeanSpec(n int) Spec { return L23Spec(n, 0.160, 0.244, 0.318, 0.343) }

// L23Allen2022Spec uses the June 2022 "new Allen L2/3" set 0.160, 0.205,
// 0.252, 0.284 (spec §1.2).
func L23Allen2022Spec(n int) Spec { return L23Spec(n, 0.160, 0.205, 0.252, 0.284) }

// COBASTDPSpec is the COBA benchmark with additive pair STDP on E→E
// (per-neuron traces), the network Brian2's "COBA + STDP" benchmark
// simulates (spiking-networks.md §4.1, §7.1): τ± = 20 ms, w_max = 2·w_e =
// 1.2, A+ = 0.005·w_max, A− = 1.05·A+ (net depression in the Poisson
// limit), initial weights w_e = 0.6.
func COBASTDPSpec() Spec {
	s := COBASpec()
	wmax := 2 * 0.6
	p := PairParams{APlus: 0.005 * wmax, AMinus: 1.05 * 0.005 * wmax, TauPlusMs: 20, TauMinusMs: 20}
	s.Projections[0].Plasticity = []RuleSpec{{Rule: RulePair, WMax: wmax, Pair: &p}}
	return s
}

// Zenke2013Spec is the plastic network of Zenke, Hennequin & Gerstner 2013
// as Auryn's sim_background builds it (spiking-networks.md §2.3; fzenke/auryn
// examples/plasticity/sim_background.cpp, IFGroup.cpp, TripletConnection.cpp
// at 674ef80): 20 000 E + 5000 I conductance-based IF neurons (E_L = V_r =
// −70 mV, θ = −50 mV plus a 100 mV threshold jump decaying with 5 ms, no
// absolute refractoriness; E_e = 0, E_i = −80 mV; AMPA 5 ms and an NMDA
// low-pass of it with 100 ms, each half of the excitatory conductance
// (AMPA/NMDA ratio 1); GABA 10 ms; τ_m = 20 ms for E, 10 ms for I), 2500
// Poisson inputs at 2 Hz onto E, every projection Bernoulli with ε = 0.05
// and a 0.8 ms axonal delay (Auryn's MINDELAY of 8 steps), weights w_ee =
// w_ei = w_ext = 0.16, w_ie = w_ii = 1 (units of g_L). E→E carries the
// minimal triplet rule with the sliding threshold (ZenkeTripletParams(1,
// tauHomMs), κ = 3 Hz, w ∈ [0, 1]), switched on after a static priming of
// 3·τ_hom (plasticity active from primeMs). Differences from Auryn: the
// membrane is integrated by engram's exponential midpoint rule instead of
// forward Euler, V starts uniform in [−70, −50] mV instead of N(−60, 10),
// the transmitted weight of a presynaptic spike is read before that spike's
// plasticity update (Auryn: after it), and random streams differ.
func Zenke2013Spec(tauHomMs float64) Spec {
	nr := DefaultNeuron()
	nr.Synapse = COBA
	nr.TauMMs, nr.ELMV, nr.VThMV, nr.VResetMV, nr.TauRefMs = 20, -70, -50, -70, 0
	nr.TauSynEMs, nr.TauSynIMs, nr.ERevEMV, nr.ERevIMV = 5, 10, 0, -80
	nr.TauNMDAMs, nr.NMDAFraction = 100, 0.5
	nr.ThresholdJumpMV, nr.TauThresholdMs = 100, 5
	ni := nr
	ni.TauMMs = 10
	init := InitSpec{VLoMV: -70, VHiMV: -50}
	w := func(m float64) WeightSpec { return WeightSpec{Dist: WeightConstant, Mean: m, Scale: 1} }
	proj := func(pre, post string, m float64) ProjectionSpec {
		return ProjectionSpec{Pre: pre, Post: post, Rule: RuleBernoulli, P: 0.05, Weight: w(m), DelayMs: 0.8}
	}
	trip := ZenkeTripletParams(1, tauHomMs)
	ee := proj("E", "E", 0.16)
	ee.Plasticity = []RuleSpec{{Rule: RuleTriplet, WMax: 1, Triplet: &trip, Active: [][2]float64{{3 * tauHomMs, math.Inf(1)}}}}
	return Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "E", N: 20000, Sign: "exc", Neuron: nr, Init: init},
			{Name: "I", N: 5000, Sign: "inh", Neuron: ni, Init: init},
			{Name: "P", N: 2500, Sign: "exc", Neuron: SourceNeuron(Poisson, 2)},
		},
		Projections: []ProjectionSpec{proj("P", "E", 0.16), proj("I", "E", 1), proj("I", "I", 1), proj("E", "I", 0.16), ee},
	}
}

// Vogels2011Spec is the inhibitory-plasticity network of Vogels et al.
// 2011 as in Brian2's examples/frompapers/Vogels_et_al_2011.py
// (spiking-networks.md §2.4): 8000 E + 2000 I conductance LIF (g_L =
// 10 nS, C = 200 pF: τ_m = 20 ms; E_L = −60, E_I = −80, θ = −50 mV, reset
// to E_L, τ_ref = 5 ms), 200 pA background (i_bias = 20 mV), τ_AMPA 5 ms,
// τ_GABA 10 ms, ε = 0.02, E→all 0.3 nS = 0.03 g_L, I→I 3 nS = 0.3 g_L,
// plastic I→E with Vogels' rule (τ = 20 ms, ρ0 = 3 Hz, η = 1e-2 nS =
// 1e-3 g_L, w ∈ [0, 100 nS] = [0, 10] g_L, initially ≈ 0) from 1 s on.
func Vogels2011Spec() Spec {
	nr := DefaultNeuron()
	nr.Synapse = COBA
	nr.TauMMs, nr.ELMV, nr.VThMV, nr.VResetMV, nr.TauRefMs = 20, -60, -50, -60, 5
	nr.TauSynEMs, nr.TauSynIMs, nr.ERevEMV, nr.ERevIMV, nr.IBiasMV = 5, 10, 0, -80, 20
	init := InitSpec{VLoMV: -60, VHiMV: -50}
	w := func(m float64) WeightSpec { return WeightSpec{Dist: WeightConstant, Mean: m, Scale: 1} }
	proj := func(pre, post string, m float64) ProjectionSpec {
		return ProjectionSpec{Pre: pre, Post: post, Rule: RuleBernoulli, P: 0.02, Weight: w(m), DelayMs: 0.1}
	}
	ie := proj("I", "E", 1e-11)
	ist := ISTDPParams{Eta: 1e-3, TauMs: 20, Rho0Hz: 3}
	ie.Plasticity = []RuleSpec{{Rule: RuleISTDP, WMax: 10, ISTDP: &ist, Active: [][2]float64{{1000, math.Inf(1)}}}}
	return Spec{DtMs: 0.1, Seed: 1,
		Populations: []PopulationSpec{
			{Name: "E", N: 8000, Sign: "exc", Neuron: nr, Init: init},
			{Name: "I", N: 2000, Sign: "inh", Neuron: nr, Init: init},
		},
		Projections: []ProjectionSpec{proj("E", "E", 0.03), proj("E", "I", 0.03), proj("I", "I", 0.3), ie},
	}
}

// BrunelKnobs returns the relative inhibition g and drive η = ν_ext/ν_thr
// of the model A presets: brunel-ai (g = 5, η = 2; Brunel 2000 Fig. 8C),
// brunel-ai-fluct (g = 8, η = 3: fluctuation-driven AI, μ = 15.1 mV < θ,
// CV of ISI ≈ 0.85; results/brunel-sweep) and
// brunel-sr (g = 3, η = 2; Fig. 8A). ok is false for other names.
func BrunelKnobs(name string) (g, eta float64, ok bool) {
	switch name {
	case PresetBrunelAI:
		return 5, 2, true
	case PresetBrunelAIFluct:
		return 8, 3, true
	case PresetBrunelSR:
		return 3, 2, true
	}
	return 0, 0, false
}

// Preset returns a named preset at its default size: lif-noise (1000
// neurons, μ = 15, σ = 5 mV), brunel-ai, brunel-ai-fluct and brunel-sr
// (BrunelKnobs) at N_E = 10000, N_I = 2500, coba, cuba, and the two L2/3
// networks at n = 100. ok is false for an unknown name.
func Preset(name string) (s Spec, ok bool) {
	switch name {
	case PresetLIFNoise:
		return LIFNoiseSpec(1000, 15, 5), true
	case PresetBrunelAI, PresetBrunelAIFluct, PresetBrunelSR:
		g, eta, _ := BrunelKnobs(name)
		return BrunelASpec(10000, 2500, 1000, 250, g, eta), true
	case PresetCOBA:
		return COBASpec(), true
	case PresetCUBA:
		return CUBASpec(), true
	case PresetL23AllenMacLean:
		return L23AllenMacLeanSpec(100), true
	case PresetL23Allen2022:
		return L23Allen2022Spec(100), true
	case PresetCOBASTDP:
		return COBASTDPSpec(), true
	case PresetZenke2013:
		return Zenke2013Spec(10000), true
	case PresetVogels2011:
		return Vogels2011Spec(), true
	case PresetLKD2014:
		return LKD2014Spec(4000, 1000, 0.2), true
	case PresetLKDDemo:
		return LKDDemoSpec(), true
	case PresetLKDBistable:
		return LKDBistableSpec(), true
	case PresetZAG2015:
		return ZAG2015Spec(4096), true
	}
	return Spec{}, false
}
