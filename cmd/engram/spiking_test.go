package main

import (
	"strings"
	"testing"
)

// describe resolves the Brunel model A knobs (issue 5): --set brunel.g and
// brunel.eta reach the network, and the derived inhibitory weight −g·J and
// Poisson rate η·ν_thr are printed with units (spec §2.2: ν_thr = 10 Hz;
// mean-field rate 55.84 Hz at g = 6, η = 4).
func TestDescribeBrunelKnobs(t *testing.T) {
	code, out, stderr := run(t, "describe", "../../examples/brunel-ai.toml", "--set", "brunel.g=6", "--set", "brunel.eta=4")
	if code != 0 {
		t.Fatal(stderr)
	}
	for _, want := range []string{"g = 6.0", "eta = 4.0", "inhibitory weight −g·J = -0.6 mV (I→E, I→I)",
		"rate_hz = η·ν_thr = 40 Hz per source", "self-consistent rate 55.84 Hz"} {
		if !strings.Contains(out, want) {
			t.Errorf("describe output lacks %q", want)
		}
	}
	for _, tc := range []struct{ set, want string }{
		{"brunel.g=-2", "brunel.g = -2 must be ≥ 0"},
		{"brunel.eta=0", "brunel.eta = 0 must be > 0"},
		{"brunel.etaa=1", `unknown key "brunel.etaa" (did you mean "brunel.eta"?)`},
	} {
		code, _, stderr = run(t, "describe", "../../examples/brunel-ai.toml", "--set", tc.set)
		if code == 0 || !strings.Contains(stderr, tc.want) {
			t.Errorf("--set %s: exit %d, stderr %q lacks %q", tc.set, code, stderr, tc.want)
		}
	}
}
