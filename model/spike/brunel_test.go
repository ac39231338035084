package spike

import (
	"math"
	"os"
	"testing"

	"github.com/engramsim/engram/theory/siegert"
)

type netStats struct {
	rate, cv, popCV, popCVStep, chi float64
}

// runBrunel simulates model A and returns the E population's rate, mean CV
// of ISI and the CV of its population count in 1 ms bins over
// [transient, transient+measure).
func runBrunel(t *testing.T, nE, nI int, g, eta, transientMs, measureMs float64) netStats {
	t.Helper()
	s := BrunelASpec(nE, nI, 1000, 250, g, eta)
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
//     CV 0.42, population-count CV 0.80). At this size the "AI" point
//     carries a fast population oscillation; the spec's "CV ≈ 1" is not what
//     model A gives here (the single-neuron Siegert-theory CV at the
//     mean-field μ = 21.0 mV, σ = 7.7 mV is 0.68, and network synchrony
//     lowers it further).
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
