package spiking

import (
	"fmt"
	"testing"
)

// The four example states of Brunel (2000, J Comput Neurosci 8:183),
// Fig. 8 — A: SR (g = 3, ν_ext/ν_thr = 2), B: SI fast (6, 4), C: AI
// (5, 2), D: SI slow (4.5, 0.9) — at the reduced size of
// examples/brunel-phase.toml (N_E = 5000, C_E = 1000), 0.5 s measured.
// The thresholds are set from that sweep's table (results/brunel-phase/,
// 1 s measured): A fires at the 333 Hz ceiling in lockstep (CV 0.0007,
// χ 0.41, the spectrum's peak at 332 Hz holds all the power); B carries a
// fast oscillation (176 Hz, 74 % of the power, χ 0.26, CV 0.96); C is
// irregular and the least synchronous of the four (χ 0.15, CV 0.42), with
// a weaker damped fast oscillation (117 Hz, 39 %) that the paper's AI
// state does not have at N → ∞ (results/brunel-phase/README.md); D fires
// at a low rate (5.6 Hz) with a slow oscillation (19.5 Hz). At 0.5 s the
// test measured: A 334 Hz, CV 0.0008, χ 0.41, 332 Hz (all the power); B
// χ 0.26, 184 Hz (73 %), CV 0.91; C χ 0.16, CV 0.42, 113 Hz (38 %); D
// 5.2 Hz, CV 0.45, 23 Hz.
func TestBrunelPhaseRegimes(t *testing.T) {
	if testing.Short() {
		t.Skip("four Brunel networks of 6250 neurons: 15–40 s")
	}
	type st struct{ rate, cv, chi, peak, power float64 }
	got := map[string]st{}
	for _, p := range []struct {
		name    string
		g, eta  float64
		checkFn func(s st) bool
	}{
		{"A SR", 3, 2, func(s st) bool { return s.rate > 300 && s.cv < 0.05 && s.chi > 0.35 && s.peak > 300 && s.power > 0.9 }},
		{"B SI fast", 6, 4, func(s st) bool { return s.peak > 140 && s.power > 0.5 && s.chi > 0.2 && s.cv > 0.7 }},
		{"C AI", 5, 2, func(s st) bool { return s.cv > 0.3 && s.chi < 0.2 && s.power < 0.6 }},
		{"D SI slow", 4.5, 0.9, func(s st) bool { return s.rate < 12 && s.peak < 40 && s.cv > 0.35 }},
	} {
		c, err := loadExample(t, "brunel-ai", fmt.Sprintf("brunel.g=%v", p.g), fmt.Sprintf("brunel.eta=%v", p.eta),
			"population.E.n=5000", "population.I.n=1250", "run.transient_ms=200", "run.duration_ms=500", "record.spikes=\"count\"", "record.state_vars=[]")
		if err != nil {
			t.Fatal(err)
		}
		f, _ := runPopStats(t, c, 2, "E")
		s := st{f("rate_hz"), f("cv_isi"), f("sync_chi"), f("osc_peak_hz"), f("osc_power")}
		got[p.name] = s
		t.Logf("%s (g = %v, η = %v): rate %.3g Hz, CV %.3g, χ %.3g, spectral peak %.3g Hz holding %.2f of the power", p.name, p.g, p.eta, s.rate, s.cv, s.chi, s.peak, s.power)
		if !p.checkFn(s) {
			t.Errorf("%s (g = %v, η = %v): rate %.3g Hz, CV %.3g, χ %.3g, spectral peak %.3g Hz holding %.2f of the power", p.name, p.g, p.eta, s.rate, s.cv, s.chi, s.peak, s.power)
		}
	}
	if got["C AI"].chi >= got["B SI fast"].chi || got["C AI"].chi >= got["A SR"].chi {
		t.Errorf("the AI point is not the least synchronous: %+v", got)
	}
}
