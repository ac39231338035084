package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/engramsim/engram/learn/eprop"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/rng"
)

// Stream keys of the experiment (rng.NameKey of these names).
var (
	keyWeights  = rng.NameKey("train/weights")
	keyMask     = rng.NameKey("train/mask")
	keyFeedback = rng.NameKey("train/feedback")
	keyInput    = rng.NameKey("train/input")
	keyTarget   = rng.NameKey("train/target")
	keyEval     = rng.NameKey("train/eval")
	keyValid    = rng.NameKey("train/validate")
	keyStop     = rng.NameKey("train/stop")
)

// blocks names the recurrent weight blocks of an E/I network (pre→post),
// or "rec" for a dense one.
type setup struct {
	net     *eprop.Net
	fb      *eprop.Feedback
	nE      int // excitatory neurons 0..nE−1 (preset), else NRec
	target  []float64
	frozen  []float64
	T       int
	evTask  eprop.Evidence
	hasPres bool
	bufs    [][]float64 // per-trial input buffers, reused
}

// build creates the network, the feedback, the frozen input and the
// target from the config's seed.
func (c *Config) build() (*setup, error) {
	p, err := c.params()
	if err != nil {
		return nil, err
	}
	net, err := eprop.NewNet(p)
	if err != nil {
		return nil, err
	}
	seed := c.Network.Seed
	rw := rng.New(seed, rng.Weights, keyWeights)
	s := &setup{net: net, nE: p.NRec, T: c.steps(), evTask: eprop.EvidenceDefaults()}
	s.evTask.NPerGroup = p.NIn / 4
	if c.Network.Preset != "" {
		if err := c.buildPreset(net, rw, rng.New(seed, rng.Mask, keyMask)); err != nil {
			return nil, err
		}
		s.hasPres = true
		for j, sg := range net.Sign {
			if sg < 0 {
				s.nE = j
				break
			}
		}
	} else {
		net.InitGaussian(rw, c.Network.InitInGain, c.Network.InitRecGain, c.Network.InitOutGain)
		if c.Network.InitOut == "glorot" {
			net.InitOutGlorot(rw, c.Network.InitOutGain)
		}
		if c.Network.PIn < 1 {
			rm := rng.New(seed, rng.Mask, keyMask)
			net.MaskIn = make([]bool, len(net.WIn))
			for i := range net.MaskIn {
				net.MaskIn[i] = rm.Float64() < c.Network.PIn
			}
			net.Constrain()
		}
	}
	if err := net.ValidateMasks(); err != nil {
		return nil, fmt.Errorf("network.p_in = %v, network.preset = %q: %w", c.Network.PIn, c.Network.Preset, err)
	}
	kind, _ := eprop.ParseFeedback(c.Train.Feedback)
	s.fb = eprop.NewFeedback(kind, p, rng.New(seed, rng.Weights, keyFeedback), c.Train.FeedbackScale)
	s.fb.Decay = c.Train.FeedbackDecay
	switch c.Network.Task {
	case "pattern":
		if p.NOut != 1 {
			return nil, fmt.Errorf("network.n_out = %d: the pattern task has one readout", p.NOut)
		}
		s.target = eprop.SumOfSines(rng.New(seed, rng.Stimulus, keyTarget), s.T)
		if p.DtMs != 1 {
			return nil, fmt.Errorf("network.dt_ms = %v: the pattern task's sines are defined on 1 ms steps", p.DtMs)
		}
	}
	if c.Input.Frozen && c.Network.Task != "evidence" {
		s.frozen = eprop.FrozenBernoulli(rng.New(seed, rng.Stimulus, keyInput), s.T, p.NIn, c.Input.RateHz, p.DtMs)
	}
	return s, nil
}

// buildPreset applies the L2/3 E/I preset: populations and fixed
// out-degrees k = round(p·n_target) (n_target − 1 within a population) as
// model/spike's L23Spec, Dale's law, lognormal weights ·init_rec_gain
// (E ≈ +0.06, I ≈ −0.60 in the preset's mV), input weights
// lognormal(−0.64, 0.51)·init_in_gain on a Bernoulli(p_in) mask.
func (c *Config) buildPreset(net *eprop.Net, rw, rm *rand.Rand) error {
	p := net.P
	var sp spike.Spec
	if c.Network.Preset == "l23-allen-maclean" {
		sp = spike.L23AllenMacLeanSpec(p.NRec)
	} else {
		sp = spike.L23Allen2022Spec(p.NRec)
	}
	N := p.NRec
	start := map[string][2]int{}
	off := 0
	net.Sign = make([]int8, N)
	for _, pop := range sp.Populations {
		start[pop.Name] = [2]int{off, off + pop.N}
		for j := off; j < off+pop.N; j++ {
			net.Sign[j] = 1
			if pop.Sign == "inh" {
				net.Sign[j] = -1
			}
		}
		off += pop.N
	}
	net.MaskRec = make([]bool, N*N)
	lognormal := func(w spike.WeightSpec) float64 {
		return w.ScaleFactor() * math.Exp(w.LogMu+w.LogSigma*rw.NormFloat64())
	}
	for _, pr := range sp.Projections {
		a, b := start[pr.Pre], start[pr.Post]
		nt := b[1] - b[0]
		avail := nt
		if pr.Pre == pr.Post {
			avail--
		}
		k := int(math.Round(pr.P * float64(avail)))
		cand := make([]int, 0, nt)
		for i := a[0]; i < a[1]; i++ {
			cand = cand[:0]
			for j := b[0]; j < b[1]; j++ {
				if j != i {
					cand = append(cand, j)
				}
			}
			for m := 0; m < k && m < len(cand); m++ { // partial Fisher–Yates
				q := m + rm.IntN(len(cand)-m)
				cand[m], cand[q] = cand[q], cand[m]
				j := cand[m]
				net.MaskRec[i*N+j] = true
				net.WRec[i*N+j] = float64(net.Sign[i]) * c.Network.InitRecGain * lognormal(pr.Weight)
			}
		}
	}
	net.InSign = 1
	net.MaskIn = make([]bool, len(net.WIn))
	w := spike.WeightSpec{LogMu: -0.64, LogSigma: 0.51}
	for i := range net.MaskIn {
		if rm.Float64() < c.Network.PIn {
			net.MaskIn[i] = true
			net.WIn[i] = c.Network.InitInGain * lognormal(w)
		}
	}
	for i := range net.WOut {
		net.WOut[i] = c.Network.InitOutGain * rw.NormFloat64() / math.Sqrt(float64(N))
	}
	net.Constrain()
	return nil
}

// batch fills xs (and labels for the evidence task) for an iteration.
// Inputs are keyed by (iteration, trial), so a resumed run draws the same.
func (c *Config) batch(s *setup, purposeKey uint64, it, nb int, xs [][]float64, labels []int) ([][]float64, []int) {
	p := s.net.P
	xs, labels = xs[:0], labels[:0]
	for len(s.bufs) < nb {
		s.bufs = append(s.bufs, make([]float64, s.T*p.NIn))
	}
	for b := 0; b < nb; b++ {
		r := rng.New(c.Network.Seed, rng.Stimulus, purposeKey, uint64(it), uint64(b))
		switch {
		case c.Network.Task == "evidence":
			x, y := s.evTask.TrialInto(s.bufs[b], r, p.DtMs)
			s.bufs[b] = x
			xs, labels = append(xs, x), append(labels, y)
		case s.frozen != nil:
			xs = append(xs, s.frozen)
		default:
			xs = append(xs, eprop.FillBernoulli(s.bufs[b], r, c.Input.RateHz, p.DtMs))
		}
	}
	return xs, labels
}

// losses builds the loss terms (cls is returned to receive labels).
func (c *Config) losses(s *setup) ([]eprop.Loss, *eprop.Classification) {
	l := c.Loss
	var ls []eprop.Loss
	var cls *eprop.Classification
	if l.RegressionCoef > 0 {
		ls = append(ls, &eprop.Regression{Target: s.target, Coef: l.RegressionCoef})
	}
	if l.ClassificationCoef > 0 {
		e := s.evTask
		cls = &eprop.Classification{Coef: l.ClassificationCoef, Start: s.T - int(math.Round(e.RecallMs/c.Network.DtMs))}
		ls = append(ls, cls)
	}
	if l.RateCoef > 0 {
		mode := eprop.RateBatch
		if l.RateMode == "ema" {
			mode = eprop.RateEMA
		}
		ls = append(ls, &eprop.NeuronRate{TargetHz: l.RateTargetHz, Coef: l.RateCoef, Half: l.RateHalf, Mode: mode, KappaEMA: l.RateKappaEMA})
	}
	if l.PopRateCoef > 0 {
		ls = append(ls, &eprop.PopRate{TargetHz: l.PopRateTargetHz, Coef: l.PopRateCoef})
	}
	if l.VarBeta > 0 {
		N, dt := float64(c.Network.NRec), c.Network.DtMs
		mean := N * l.VarMeanTargetHz * dt / 1000 // per-step count
		ls = append(ls, &eprop.Variance{Beta: l.VarBeta, TargetVar: l.VarTargetFano * mean / (N * N * dt * dt),
			MeanCoef: l.VarMeanCoef, MeanTargetHz: l.VarMeanTargetHz})
	}
	if l.BranchingCoef > 0 {
		ls = append(ls, &eprop.Branching{Target: l.BranchingTarget, Coef: l.BranchingCoef})
	}
	return ls, cls
}
