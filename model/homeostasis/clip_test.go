package homeostasis

import "testing"

// Clipping and the CR-2 flag, deterministically: with h = 0 nothing ever
// fires and every weight climbs to the upper clip 1; with h = 5 r* the
// input alone overshoots the target and the weights sit at the lower clip
// 0, so the rate is ≈ h. Both runs miss r* and must be flagged. Written by
// a review helper (it catches dropping either clip or the flag).
func TestClipAndFlag(t *testing.T) {
	r, err := Run(Config{N: 100, K: 10, H: 0, RStar: 0.01, TauHP: 200, Seed: 1}, RunOptions{Develop: 30000, Measure: 10})
	if err != nil {
		t.Fatal(err)
	}
	if r.MeanW != 1 || r.Warning == "" {
		t.Errorf("h = 0: mean w %v (want 1), warning %q", r.MeanW, r.Warning)
	}
	r, err = Run(Config{N: 100, K: 10, H: 0.05, RStar: 0.01, TauHP: 200, Seed: 1}, RunOptions{Develop: 20000, Measure: 5000})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rate < 0.045 || r.Warning == "" {
		t.Errorf("h = 5 r*: rate %v (want ≈ h = 0.05), warning %q", r.Rate, r.Warning)
	}
}
