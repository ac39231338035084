package eprop

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The evidence-accumulation generator against the IGITUGraz tutorial's
// generate_click_task_data (spec §9): cues of 100 ms at 50 + 150k ms on the
// 10 channels of one side only, the recall group only in the last 150 ms,
// noise throughout; channel rates 40/40/40/10 Hz; each cue on the
// favoured side with p = 0.7, so the number of left cues n is the mixture
// ½Bin(7, 0.7) + ½Bin(7, 0.3); label = the side with more cues.
func TestEvidenceTrialMatchesTutorial(t *testing.T) {
	const (
		trials  = 1500
		rateTol = 0.02 // relative; 1.05·10⁷ cue bins (SE 0.15 %), 2.25·10⁶ recall bins (SE 0.33 %), 3.4·10⁷ noise bins (SE 0.17 %)
		probTol = 0.04 // absolute per bin; SE ≤ √(0.25/1500) ≈ 0.013 (p = 0.6 moves P(3) by 0.08)
	)
	e := EvidenceDefaults()
	T, G := e.Steps(1), e.NPerGroup
	if T != 2250 {
		t.Fatalf("T = %d, want 7·150 + 1200 = 2250", T)
	}
	nin := 4 * G
	r := rand.New(rand.NewPCG(5, 6))
	var hist [8]float64
	var cueSpikes, cueBins, noiseSpikes, recSpikes float64
	for n := 0; n < trials; n++ {
		x, label := e.Trial(r, 1)
		nLeft := 0
		for c := 0; c < 7; c++ {
			t0, t1 := 50+150*c, 150+150*c
			var s [2]float64
			for tt := t0; tt < t1; tt++ {
				for i := 0; i < 2*G; i++ {
					s[i/G] += x[tt*nin+i]
				}
			}
			if (s[0] > 0) == (s[1] > 0) {
				t.Fatalf("trial %d cue %d: spikes on both sides or none (%v)", n, c, s)
			}
			if s[0] > 0 {
				nLeft++
			}
			cueSpikes += s[0] + s[1]
			cueBins += float64((t1 - t0) * G)
		}
		hist[nLeft]++
		if want := map[bool]int{true: 0, false: 1}[nLeft > 3]; label != want {
			t.Fatalf("trial %d: %d left cues, label %d", n, nLeft, label)
		}
		for tt := 0; tt < T; tt++ {
			inCue := tt%150 >= 50 && tt < 1050
			for i := 0; i < nin; i++ {
				v := x[tt*nin+i]
				switch {
				case i < 2*G && !inCue && v != 0:
					t.Fatalf("trial %d: cue channel %d spikes at %d ms, outside the cue windows", n, i, tt)
				case i >= 2*G && i < 3*G && tt < T-150 && v != 0:
					t.Fatalf("trial %d: recall channel %d spikes at %d ms, before the recall window", n, i, tt)
				case i >= 2*G && i < 3*G:
					recSpikes += v
				case i >= 3*G:
					noiseSpikes += v
				}
			}
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"cue rate (Hz)", 1000 * cueSpikes / cueBins, 40},
		{"recall rate (Hz)", 1000 * recSpikes / float64(trials*150*G), 40},
		{"noise rate (Hz)", 1000 * noiseSpikes / float64(trials*T*G), 10},
	} {
		if math.Abs(c.got/c.want-1) > rateTol {
			t.Errorf("%s = %.2f, want %g", c.name, c.got, c.want)
		}
	}
	binom := func(k int, p float64) float64 {
		return float64(choose(7, k)) * math.Pow(p, float64(k)) * math.Pow(1-p, float64(7-k))
	}
	for k := range hist {
		want := 0.5*binom(k, 0.7) + 0.5*binom(k, 0.3)
		if got := hist[k] / trials; math.Abs(got-want) > probTol {
			t.Errorf("P(%d left cues) = %.4f, want %.4f", k, got, want)
		}
	}
}

func choose(n, k int) int {
	c := 1
	for i := 0; i < k; i++ {
		c = c * (n - i) / (i + 1)
	}
	return c
}
