package eprop

import (
	"math"
	"math/rand/v2"
)

// FrozenBernoulli returns a T×n input of independent 0/1 spikes with
// probability rateHz·dtMs/1000 per step (the pattern-generation
// tutorial's frozen noise, 50 Hz; drawn once and reused).
func FrozenBernoulli(r *rand.Rand, T, n int, rateHz, dtMs float64) []float64 {
	return FillBernoulli(make([]float64, T*n), r, rateHz, dtMs)
}

// FillBernoulli fills dst with 0/1 spikes of probability rateHz·dtMs/1000
// and returns it.
func FillBernoulli(dst []float64, r *rand.Rand, rateHz, dtMs float64) []float64 {
	p := rateHz * dtMs / 1000
	for i := range dst {
		dst[i] = 0
		if r.Float64() < p {
			dst[i] = 1
		}
	}
	return dst
}

// SumOfSines returns the pattern-generation target of spec §9: four sines
// with periods 1000, 500, 333 and 200 ms, amplitudes U(0.5, 2), phases
// U(0, 2π), each A·sin(linspace(φ, φ + 2π⌊T/P⌋, T)); the sum minus its
// first sample, divided by its max |·| (so y*^0 = 0, |y*| ≤ 1). T is in
// steps of 1 ms.
func SumOfSines(r *rand.Rand, T int) []float64 {
	y := make([]float64, T)
	for _, P := range []float64{1000, 500, 333, 200} {
		A := 0.5 + 1.5*r.Float64()
		phi := 2 * math.Pi * r.Float64()
		span := 2 * math.Pi * math.Floor(float64(T)/P)
		for t := range y {
			s := 0.0
			if T > 1 {
				s = float64(t) / float64(T-1)
			}
			y[t] += A * math.Sin(phi+span*s)
		}
	}
	y0, m := y[0], 0.0
	for t := range y {
		y[t] -= y0
		m = math.Max(m, math.Abs(y[t]))
	}
	if m > 0 {
		for t := range y {
			y[t] /= m
		}
	}
	return y
}

// Evidence describes the evidence-accumulation task of spec §9.
type Evidence struct {
	// NCues is the number of cues (7), CueMs their length (100), GapMs the
	// cue period (150; the first 50 ms are silent), RecallMs the length of
	// the recall window at the end (150) and DelayMs the delay between the
	// last cue and the recall window (the tutorial's seq_len = 7·150 + 1200
	// gives 1050 ms of delay).
	NCues                           int
	CueMs, GapMs, DelayMs, RecallMs float64
	// NPerGroup is the size of each of the 4 input groups (10): left cue,
	// right cue, recall cue, background noise.
	NPerGroup int
	// CueHz and NoiseHz are the channel rates (40 and 10 Hz).
	CueHz, NoiseHz float64
	// PFavoured is the probability that a cue goes to the favoured side
	// (0.7).
	PFavoured float64
}

// EvidenceDefaults returns the tutorial's task.
func EvidenceDefaults() Evidence {
	return Evidence{NCues: 7, CueMs: 100, GapMs: 150, DelayMs: 1050, RecallMs: 150, NPerGroup: 10, CueHz: 40, NoiseHz: 10, PFavoured: 0.7}
}

// Steps returns the trial length in steps of dtMs.
func (e Evidence) Steps(dtMs float64) int {
	return int(math.Round((float64(e.NCues)*e.GapMs + e.DelayMs + e.RecallMs) / dtMs))
}

// Trial draws one trial: its input (T×4·NPerGroup) and label (0 left,
// 1 right: the side that received more cues; NCues is odd).
func (e Evidence) Trial(r *rand.Rand, dtMs float64) ([]float64, int) {
	return e.TrialInto(nil, r, dtMs)
}

// TrialInto is Trial writing the input into dst (reallocated if too small).
func (e Evidence) TrialInto(dst []float64, r *rand.Rand, dtMs float64) ([]float64, int) {
	T, G := e.Steps(dtMs), e.NPerGroup
	nin := 4 * G
	x := grow(dst, T*nin)
	clear(x)
	fav := r.IntN(2)
	count := [2]int{}
	pc, pn := e.CueHz*dtMs/1000, e.NoiseHz*dtMs/1000
	for c := 0; c < e.NCues; c++ {
		side := fav
		if r.Float64() >= e.PFavoured {
			side = 1 - fav
		}
		count[side]++
		t0 := int(math.Round((float64(c)*e.GapMs + (e.GapMs - e.CueMs)) / dtMs))
		t1 := t0 + int(math.Round(e.CueMs/dtMs))
		for t := t0; t < t1 && t < T; t++ {
			for i := side * G; i < (side+1)*G; i++ {
				if r.Float64() < pc {
					x[t*nin+i] = 1
				}
			}
		}
	}
	rec0 := T - int(math.Round(e.RecallMs/dtMs))
	for t := 0; t < T; t++ {
		for i := 2 * G; i < 4*G; i++ {
			p := pn
			if i < 3*G {
				if t < rec0 {
					continue
				}
				p = pc
			}
			if r.Float64() < p {
				x[t*nin+i] = 1
			}
		}
	}
	label := 0
	if count[1] > count[0] {
		label = 1
	}
	return x, label
}

// Pattern is the pattern-generation task of spec §9 set up for training.
type Pattern struct {
	Net      *Net
	Feedback *Feedback
	// X is the frozen input (T×NIn), Y the target (T×1).
	X, Y []float64
	T    int
}

// NewPattern draws the tutorial's network, feedback, frozen 50 Hz input and
// sum-of-sines target from r (defaults of spec §9: 100 inputs, 100 LIF of
// convention T, τ = 30 ms, v_th = 0.03, W ~ N(0,1)/√n, B ~ N(0,1)/√n_rec,
// T = 1000 steps).
func NewPattern(r *rand.Rand, kind FeedbackKind) *Pattern {
	p := Defaults()
	n, err := NewNet(p)
	if err != nil {
		panic(err) // Defaults are valid
	}
	n.InitGaussian(r, 1, 1, 1)
	fb := NewFeedback(kind, p, r, 1/math.Sqrt(float64(p.NRec)))
	const T = 1000
	x := FrozenBernoulli(r, T, p.NIn, 50, p.DtMs)
	return &Pattern{Net: n, Feedback: fb, X: x, Y: SumOfSines(r, T), T: T}
}

// Trainer returns the tutorial's trainer: e-prop, plain gradient descent
// η = 1e-4, loss ½Σ(y − y*)² plus the rate regulariser ½·300·Σ(f − 10 Hz)².
func (pt *Pattern) Trainer() *Trainer {
	tr, err := NewTrainer(pt.Net, TrainerOptions{Method: MethodEProp, Feedback: pt.Feedback, Optimizer: &SGD{LR: 1e-4},
		Losses: []Loss{&Regression{Target: pt.Y}, &NeuronRate{TargetHz: 10, Coef: 300, Half: true}}})
	if err != nil {
		panic(err)
	}
	return tr
}
