package spike

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/engramsim/engram/theory/siegert"
)

type netStats struct {
	rate, cv, pooledCV, popCV, popCVStep, chi float64
}

// runBrunel simulates model A and returns the E population's rate, mean CV
// of ISI and the CV of its population count in 1 ms bins over
// [transient, transient+measure).
func runBrunel(t *testing.T, nE, nI int, g, eta, transientMs, measureMs float64) netStats {
	t.Helper()
	return runBrunelSeed(t, nE, nI, g, eta, transientMs, measureMs, 1)
}

// runBrunelSeed is runBrunel with the network seed given; it also returns
// the CV of the E neurons' ISIs pooled over neurons.
func runBrunelSeed(t *testing.T, nE, nI int, g, eta, transientMs, measureMs float64, seed uint64) netStats {
	t.Helper()
	s := BrunelASpec(nE, nI, 1000, 250, g, eta)
	s.Seed = seed
	net, err := Build(&s, &Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(int64(transientMs/s.DtMs), nil); err != nil {
		t.Fatal(err)
	}
	var sp Spikes
	steps := int64(measureMs / s.DtMs)
	bins := make([]float64, int(measureMs))
	fine := make([]float64, steps)
	start := net.Steps()
	var chi Synchrony
	err = net.Run(steps, func() error {
		st := net.Steps() - 1
		sp.Append(st-start, net.Spiked(0))
		bins[int(float64(st-start)*s.DtMs)] += float64(len(net.Spiked(0)))
		chi.Add(net.V(0))
		fine[st-start] = float64(len(net.Spiked(0)))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return netStats{
		rate:      RateHz(int64(len(sp.ID)), nE, measureMs),
		cv:        MeanFinite(CVISIs(&sp, nE)),
		pooledCV:  pooledCVISI(&sp, nE),
		popCV:     CV(bins),
		popCVStep: CV(fine),
		chi:       chi.Chi(),
	}
}

// TestBrunelAI checks the asynchronous-irregular point of model A (g = 5,
// η = 2, Brunel 2000 Fig. 8C):
//   - the rate approaches the self-consistent mean-field value 37.95 Hz
//     (spec §2.2, recomputed by theory/siegert) within ±15 % (spec §2.2
//     design tolerance: finite J and N cause deviations of a few per cent);
//   - firing is irregular but not Poisson: the mean CV of ISI is within ±0.12
//     of 0.42, and the 1 ms population-count CV is within [0.4, 1.2] (0.80),
//     the values Brian2 2.5.1 gives for the same network and size
//     (bench/spiking/brian_brunel.py 5000 1250 5 2 200 300: rate 36.7 Hz,
//     CV 0.42, population-count CV 0.80). The spec's "CV ≈ 1" is not what
//     model A gives here: the mean input μ = 21.0 mV is above θ, the
//     Poisson-input theory CV at μ, σ = 7.7 mV is 0.68 (TestBrunelAIOpenLoopCV),
//     and the regular presynaptic trains lower it further to 0.41 at every
//     network size (TestBrunelAIReplayCV); the population-count CV is a
//     finite-size effect (∝ 1/√N). The fluctuation-driven AI state with CV
//     near 1 is TestBrunelAIFluct.
//
// The default run uses N_E = 5000, N_I = 1250 with Brunel's in-degrees
// (C_E = 1000, C_I = 250, so ε = 0.2) and 0.3 s after a 0.2 s transient;
// ENGRAM_LONG=1 runs Brunel's N_E = 10000, N_I = 2500 for 1 s (measured:
// 37.8 Hz, CV 0.41, population-count CV 0.54).
func TestBrunelAI(t *testing.T) {
	if testing.Short() {
		t.Skip("network simulation")
	}
	nE, nI, T := 5000, 1250, 300.0
	long := os.Getenv("ENGRAM_LONG") == "1"
	if long {
		nE, nI, T = 10000, 2500, 1000
	}
	want, _, _, _ := siegert.BrunelRateHz(siegert.BrunelModelA(5, 2))
	st := runBrunel(t, nE, nI, 5, 2, 200, T)
	t.Logf("AI (g=5, η=2, N_E=%d): rate %.2f Hz (mean field %.2f), CV_ISI %.3f, population-count CV %.3f (1 ms) %.3f (0.1 ms), χ %.3f", nE, st.rate, want, st.cv, st.popCV, st.popCVStep, st.chi)
	if math.Abs(st.rate-want) > 0.15*want {
		t.Errorf("AI rate %.2f Hz, mean field %.2f Hz", st.rate, want)
	}
	if math.Abs(st.cv-0.42) > 0.12 {
		t.Errorf("AI CV of ISI %.3f, Brian2 reference 0.42", st.cv)
	}
	if !long && (st.popCV < 0.4 || st.popCV > 1.2) {
		t.Errorf("AI population-count CV %.3f, Brian2 reference 0.80", st.popCV)
	}
}

// TestBrunelSR checks the synchronous-regular point (g = 3, η = 2, Brunel
// 2000 Fig. 8A): near-saturated firing close to the (unstable) stationary
// mean-field rate 327.0 Hz (spec §2.2) within ±10 %, regular (mean CV of ISI
// < 0.05) and synchronous: the population count at step resolution (0.1 ms)
// has CV > 2 (measured 3.7; independent Poisson firing would give 0.08 and
// the AI point gives 1.0).
func TestBrunelSR(t *testing.T) {
	if testing.Short() {
		t.Skip("network simulation")
	}
	want, _, _, _ := siegert.BrunelRateHz(siegert.BrunelModelA(3, 2))
	st := runBrunel(t, 5000, 1250, 3, 2, 100, 100)
	t.Logf("SR (g=3, η=2): rate %.2f Hz (mean field %.2f), CV_ISI %.3f, population-count CV %.3f (1 ms) %.3f (0.1 ms), χ %.3f", st.rate, want, st.cv, st.popCV, st.popCVStep, st.chi)
	if math.Abs(st.rate-want) > 0.1*want {
		t.Errorf("SR rate %.2f Hz, mean field %.2f Hz", st.rate, want)
	}
	if st.cv > 0.05 {
		t.Errorf("SR CV of ISI %.3f: not regular", st.cv)
	}
	if st.popCVStep < 2 {
		t.Errorf("SR population activity CV %.3f at 0.1 ms: not synchronous", st.popCVStep)
	}
}

// openLoopSpec is n unconnected model A neurons driven open-loop by the
// input they would receive in the network at rate nuHz: C_E = 1000
// excitatory Poisson sources of J = 0.1 mV at ν_ext + ν, and C_I = 250
// inhibitory ones of gJ at ν (spec §2.2: exactly the μ and σ of the
// mean-field equations, as shot noise instead of white noise).
func openLoopSpec(n int, g, eta, nuHz float64, seed uint64) Spec {
	s := BrunelASpec(n, 1, 1000, 250, g, eta)
	ext := s.Poisson[0].RateHz
	s.Seed = seed
	s.Populations = s.Populations[:1]
	s.Projections = nil
	s.Poisson = []PoissonSpec{
		{Name: "external+E", Target: "E", NSources: 1000, RateHz: ext + nuHz, Weight: 0.1, Sign: "exc"},
		{Name: "I", Target: "E", NSources: 250, RateHz: nuHz, Weight: g * 0.1, Sign: "inh"},
	}
	return s
}

// runOpenLoop returns the rate and the CV of the ISIs pooled over neurons
// (all statistically identical; pooling avoids the downward small-sample
// bias of per-neuron CVs from a few dozen ISIs) of openLoopSpec over
// measureMs after a 200 ms transient.
func runOpenLoop(t *testing.T, n int, g, eta, nuHz float64, seed uint64, measureMs float64) (rate, cv float64) {
	t.Helper()
	s := openLoopSpec(n, g, eta, nuHz, seed)
	net, err := Build(&s, &Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if err := net.Run(int64(200/s.DtMs), nil); err != nil {
		t.Fatal(err)
	}
	var sp Spikes
	start := net.Steps()
	if err := net.Run(int64(measureMs/s.DtMs), func() error {
		sp.Append(net.Steps()-1-start, net.Spiked(0))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return RateHz(int64(len(sp.ID)), n, measureMs), pooledCVISI(&sp, n)
}

// pooledCVISI is the CV of all ISIs of sp pooled over its n neurons.
func pooledCVISI(sp *Spikes, n int) float64 {
	last := make([]int64, n)
	seen := make([]bool, n)
	var isi []float64
	for k, id := range sp.ID {
		if seen[id] {
			isi = append(isi, float64(sp.Step[k]-last[id]))
		}
		seen[id], last[id] = true, sp.Step[k]
	}
	return CV(isi)
}

// TestBrunelAIOpenLoopCV checks the single-neuron theory at the AI point
// g = 5, η = 2 (spec §2.2): neurons driven open-loop by the input they get
// in the network at the self-consistent rate ν* = 37.95 Hz (μ = 21.0 mV,
// σ = 7.68 mV; openLoopSpec) fire at the Siegert rate ν* with the
// diffusion-approximation CV of ISI 0.675 (theory/siegert.CVISI).
//
// Tolerances, from seeds 1–6 of this test's setting (1000 neurons × 1 s,
// ISIs pooled; results/brunel-sweep/README.md): the shot-noise input (PSPs
// of +0.1 and −0.5 mV) fires 3.4 % (SD 0.25 % over seeds) below the
// white-noise (Siegert) rate, with a CV 1.5 % (SD 0.95 %) below CVISI —
// the diffusion approximation's error from the negative skew of the large
// inhibitory PSPs (2000 neurons × 2 s, per-neuron CVs: −3.7 % and −2.6 %).
// Rate within ±6 % and CV within ±5 % of theory cover the systematic
// offset plus 3 SD.
//
// In the recurrent network the rate stays at ν* (TestBrunelAI) but the
// mean CV of ISI drops to 0.41 (Brian2: 0.42). The cause is not the
// network's population-rate fluctuations but the regularity of the
// presynaptic spike trains themselves: replaying the recorded trains into
// unconnected neurons gives the same low CV even after each train is
// shifted by a random time, and Poisson trains of the same counts restore
// the theoretical CV (TestBrunelAIReplayCV). The diffusion approximation
// assumes Poisson input, so it overestimates the CV here.
func TestBrunelAIOpenLoopCV(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation test")
	}
	nu, mu, sigma, err := siegert.BrunelRateHz(siegert.BrunelModelA(5, 2))
	if err != nil {
		t.Fatal(err)
	}
	cvTh, err := siegert.CVISI(siegert.BrunelParams(), mu, sigma)
	if err != nil {
		t.Fatal(err)
	}
	rate, cv := runOpenLoop(t, 1000, 5, 2, nu, 1, 1000)
	t.Logf("open loop at g=5, η=2: rate %.3f Hz (Siegert %.3f, %+.2f %%), CV %.4f (CVISI %.4f, %+.2f %%)",
		rate, nu, 100*(rate-nu)/nu, cv, cvTh, 100*(cv-cvTh)/cvTh)
	if math.Abs(rate-nu) > 0.06*nu {
		t.Errorf("open-loop rate %.3f Hz, Siegert %.3f Hz", rate, nu)
	}
	if math.Abs(cv-cvTh) > 0.05*cvTh {
		t.Errorf("open-loop CV of ISI %.4f, diffusion approximation %.4f", cv, cvTh)
	}
}

// TestBrunelAIFluct checks the fluctuation-driven asynchronous-irregular
// state of model A at g = 8, η = 3 (preset brunel-ai-fluct): mean input
// μ = 15.1 mV below θ = 20 mV, σ = 9.07 mV, self-consistent rate 22.43 Hz
// and diffusion-approximation CV of ISI 0.880 (theory/siegert). Brunel's
// full size, N_E = 10000, N_I = 2500, 1 s after a 200 ms transient.
//
// Tolerances, from seeds 1–3 (results/brunel-sweep/README.md): rate
// 22.36–22.58 Hz (−0.3 … +0.7 % of the mean field) → ±5 %; CV of the ISIs
// pooled over E neurons 0.828–0.858 (SD ≈ 0.015) → within [0.8, 1.2]
// (irregular, Poisson-like; the test runs seed 1, 0.828) and within 0.08
// of the theory (measured 0.02–0.05 below it: presynaptic trains with
// CV < 1 feed less low-frequency noise than the Poisson input the theory
// assumes; see TestBrunelAIReplayCV). The mean of per-neuron CVs (≈ 13
// ISIs each) is biased low by a few per cent: 0.795–0.822.
func TestBrunelAIFluct(t *testing.T) {
	if testing.Short() {
		t.Skip("network simulation")
	}
	nu, mu, sigma, err := siegert.BrunelRateHz(siegert.BrunelModelA(8, 3))
	if err != nil {
		t.Fatal(err)
	}
	cvTh, _ := siegert.CVISI(siegert.BrunelParams(), mu, sigma)
	st := runBrunel(t, 10000, 2500, 8, 3, 200, 1000)
	t.Logf("AI fluct (g=8, η=3): rate %.2f Hz (mean field %.2f, μ = %.2f mV), CV_ISI %.3f (pooled %.3f; theory %.3f), population-count CV %.3f (1 ms)",
		st.rate, nu, mu, st.cv, st.pooledCV, cvTh, st.popCV)
	if mu >= 20 {
		t.Errorf("mean input %.2f mV is not below threshold", mu)
	}
	if math.Abs(st.rate-nu) > 0.05*nu {
		t.Errorf("rate %.2f Hz, mean field %.2f Hz", st.rate, nu)
	}
	if st.pooledCV < 0.8 || st.pooledCV > 1.2 || math.Abs(st.pooledCV-cvTh) > 0.08 {
		t.Errorf("pooled CV of ISI %.3f, want within [0.8, 1.2] and 0.08 of the theory %.3f", st.pooledCV, cvTh)
	}
}

// TestBrunelAIReplayCV explains the network CV at the AI point g = 5,
// η = 2: unconnected model A neurons driven by the recorded spike trains
// of the network (1000 random E and 250 random I presynaptic neurons each,
// plus the external Poisson drive) fire as irregularly as the network
// neurons (CV 0.41), and stay so when each presynaptic train is shifted
// circularly by a random time (cross-correlations and the population
// oscillation destroyed, each train's ISIs kept). Poisson-izing the trains
// (same counts, uniform times) restores the open-loop CV of
// TestBrunelAIOpenLoopCV (0.65–0.67, theory 0.675). So the network's low CV
// comes from the regularity of the presynaptic trains (CV 0.4, hence
// little low-frequency input noise: Dummer, Wieland & Lindner 2014,
// Front Comput Neurosci 8:104), not from synchrony or finite size; the
// Poisson-input mean-field theory cannot capture it.
//
// Measured (N_E = 10000, 1 s, 200 neurons): recorded 0.420, shifted 0.411,
// Poisson-ized 0.653 (ISIs pooled). This test uses N_E = 5000 (the CV does
// not depend on N: 0.410 at N_E = 5000 … 0.402 at 40000) for 500 ms and 100
// neurons (measured: network 0.416, recorded 0.420, shifted 0.405,
// Poisson-ized 0.633). Tolerances: replay and shift within ±0.06 of the
// network's own pooled CV (seed-to-seed SD of a 100-neuron pooled CV
// ≈ 0.01); Poisson-ized at least 0.15 above the network CV and within
// ±10 % of the theory (open-loop offset −1.5 … −3 %, plus the censoring
// bias of the 400 ms measuring window: −6.3 % here against −3.3 % in 1 s).
func TestBrunelAIReplayCV(t *testing.T) {
	if testing.Short() {
		t.Skip("network simulation")
	}
	const nE, nI, g, eta, n = 5000, 1250, 5.0, 2.0, 100
	const tMs = 500.0
	s := BrunelASpec(nE, nI, 1000, 250, g, eta)
	net, err := Build(&s, &Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := net.Run(2000, nil); err != nil {
		t.Fatal(err)
	}
	steps := int64(tMs / s.DtMs)
	trains := make([][]float64, nE+nI) // spike times in ms from the window start
	var own Spikes
	start := net.Steps()
	err = net.Run(steps, func() error {
		st := net.Steps() - start
		own.Append(st-1, net.Spiked(0))
		for k, off := range []int{0, nE} {
			for _, i := range net.Spiked(k) {
				trains[off+int(i)] = append(trains[off+int(i)], (float64(st)-0.5)*s.DtMs)
			}
		}
		return nil
	})
	net.Close()
	if err != nil {
		t.Fatal(err)
	}
	netCV := pooledCVISI(&own, nE)
	_, mu, sigma, _ := siegert.BrunelRateHz(siegert.BrunelModelA(g, eta))
	cvTh, _ := siegert.CVISI(siegert.BrunelParams(), mu, sigma)

	r := rand.New(rand.NewPCG(3, 4))
	replay := func(src [][]float64) float64 {
		ts := BrunelASpec(n, 1, 1000, 250, g, eta)
		ts.Populations, ts.Projections, ts.Poisson = ts.Populations[:1], nil, ts.Poisson[:1]
		ex := SpikeTrainSpec{Target: "E", Weight: 0.1, Sign: "exc"}
		in := SpikeTrainSpec{Target: "E", Weight: g * 0.1, Sign: "inh"}
		for j := int32(0); j < n; j++ {
			for _, p := range r.Perm(nE)[:1000] {
				for _, tm := range src[p] {
					ex.TimesMs, ex.IDs = append(ex.TimesMs, tm), append(ex.IDs, j)
				}
			}
			for _, p := range r.Perm(nI)[:250] {
				for _, tm := range src[nE+p] {
					in.TimesMs, in.IDs = append(in.TimesMs, tm), append(in.IDs, j)
				}
			}
		}
		ts.SpikeTrains = []SpikeTrainSpec{ex, in}
		tn, err := Build(&ts, &Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer tn.Close()
		if err := tn.Run(1000, nil); err != nil { // 100 ms to forget the initial V
			t.Fatal(err)
		}
		var sp Spikes
		t0 := tn.Steps()
		if err := tn.Run(steps-1000, func() error { sp.Append(tn.Steps()-1-t0, tn.Spiked(0)); return nil }); err != nil {
			t.Fatal(err)
		}
		return pooledCVISI(&sp, n)
	}
	shifted := make([][]float64, len(trains))
	poisson := make([][]float64, len(trains))
	for i, tr := range trains {
		d := r.Float64() * tMs
		for _, tm := range tr {
			shifted[i] = append(shifted[i], math.Mod(tm+d, tMs))
			poisson[i] = append(poisson[i], r.Float64()*tMs)
		}
	}
	cvRec, cvShift, cvPois := replay(trains), replay(shifted), replay(poisson)
	t.Logf("g=5, η=2: network CV %.3f; replayed trains %.3f, circularly shifted %.3f, Poisson-ized %.3f (theory %.3f)",
		netCV, cvRec, cvShift, cvPois, cvTh)
	if math.Abs(cvRec-netCV) > 0.06 || math.Abs(cvShift-netCV) > 0.06 {
		t.Errorf("replayed CV %.3f / shifted %.3f, network %.3f", cvRec, cvShift, netCV)
	}
	if math.Abs(cvPois-cvTh) > 0.1*cvTh || cvPois-netCV < 0.15 {
		t.Errorf("Poisson-ized replay CV %.3f, theory %.3f, network %.3f", cvPois, cvTh, netCV)
	}
}
