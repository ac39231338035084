package pbdms

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/engramsim/engram/analysis/recall"
	"github.com/engramsim/engram/experiment/pbnet"
	"github.com/engramsim/engram/model/rate"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/stim"
)

// Trace is the recording of one trial.
type Trace struct {
	Condition string
	Trial     int
	// TimeMs has one entry per sample; M is samples × p (normalised
	// overlaps), Q likewise; Rates is samples × record.neurons.
	TimeMs       []float64
	M, Q         []float64
	Rates        []float32
	MeanRate, R2 []float64
	// EndRates are all N rates at the end of the delay; StimRates at the end
	// of the presentation.
	EndRates, StimRates []float32
	// Delay statistics.
	MCuedEnd, MaxAbsOtherEnd float64
	MCuedDelayMean, MCuedSD  float64
	TemporalSDHz             float64
	LyapunovPerS             float64
	Retrieved                bool
	MeanRateEndHz            float64
	// Attractor bookkeeping: the pattern with the largest m (and that m)
	// at stimulus onset and at the end of the delay.
	PatternBefore, PatternEnd int
	MMaxBefore, MMaxEnd       float64
}

// argmax returns the index and value of the largest entry.
func argmax(m []float64) (int, float64) {
	best, v := -1, math.Inf(-1)
	for k, x := range m {
		if x > v {
			best, v = k, x
		}
	}
	return best, v
}

// Result is the outcome of a DMS run (all trials).
type Result struct {
	Net    *pbnet.Net
	Traces []*Trace
	P      int
	// Couplings are the per-pattern gains λ_μ = (A/N) Σ_i φ′(h_i) f_i^μ g_i^μ
	// (rate.PatternCouplings) at the homogeneous state r_i = φ(0), a proxy of
	// the background; their mean is the mean-field A⟨g f φ′⟩.
	Couplings []float64
}

// Simulate runs all trials of the protocol on a freshly built network.
// Its memory is bounded by Config.EstimateBytes once memlimit.Apply holds
// the Go runtime to it (Run does).
func Simulate(ctx context.Context, c *Config, seed uint64, workers int, prog progress.Reporter) (*Result, error) {
	net, err := c.Build(seed, 0, workers)
	if err != nil {
		return nil, err
	}
	res := &Result{Net: net, P: c.Network.P}
	res.Couplings = net.BackgroundCouplings
	nb, np, nd := c.steps(c.Protocol.BackgroundMs), c.steps(c.Protocol.PresentationMs), c.steps(c.Protocol.DelayMs)
	conds := c.Protocol.Conditions
	total := int64(len(conds)*c.Protocol.Trials) * int64(nb+np+nd)
	var mu sync.Mutex
	var done int64
	tick := func(n int) {
		mu.Lock()
		done += int64(n)
		progress.Report(prog, done, total)
		mu.Unlock()
	}
	// Trial k of two conditions starts from the same state and has the same
	// timing: the two run side by side, their Sims in a rate.Lockstep that
	// reads W once per step for both (bit-identical to one after the other).
	pair := lockstepTrials && net.Dyn.Integrator != rate.RK2
	traces := make([][]*Trace, len(conds))
	for k := 0; k < c.Protocol.Trials; k++ {
		for ci := 0; ci < len(conds); ci++ {
			if !pair || ci+1 == len(conds) {
				tr, err := runTrial(ctx, c, net, conds[ci], k, seed, workers, tick, nil)
				if err != nil {
					return nil, err
				}
				traces[ci] = append(traces[ci], tr)
				continue
			}
			// Trials run trial by trial (k of both conditions, then k+1), so
			// when different trials fail, the error can differ from the
			// one-condition-after-the-other order.
			pctx, cancel := context.WithCancel(ctx)
			var ls rate.Lockstep
			var trs [2]*Trace
			var errs [2]error
			var wg sync.WaitGroup
			for j := range 2 {
				wg.Go(func() {
					trs[j], errs[j] = runTrial(pctx, c, net, conds[ci+j], k, seed, workers, tick, &ls)
					if errs[j] != nil && j == 0 { // the first condition's error wins, as sequentially
						cancel()
					}
				})
			}
			wg.Wait()
			cancel()
			// the error the sequential order would give for this trial: the
			// first condition's (only it cancels the partner), else the second's
			if err := cmp.Or(errs[0], errs[1]); err != nil {
				return nil, err
			}
			traces[ci] = append(traces[ci], trs[0])
			traces[ci+1] = append(traces[ci+1], trs[1])
			ci++
		}
	}
	for _, ts := range traces {
		res.Traces = append(res.Traces, ts...)
	}
	return res, nil
}

// lockstepTrials runs trial k of two conditions side by side (tests turn
// it off to check that the results are identical).
var lockstepTrials = true

// runTrial runs one trial; with ls non-nil its Sim joins that pair, and
// the partner trial must run on another goroutine.
func runTrial(ctx context.Context, c *Config, net *pbnet.Net, cond string, trial int, seed uint64, workers int, tick func(int), ls *rate.Lockstep) (*Trace, error) {
	n, p := c.Network.N, c.Network.P
	s, err := rate.NewSim(net.Model, net.Dyn, rate.SimOptions{Workers: workers, Seed: seed, Trial: uint64(trial)})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if ls != nil {
		if err := ls.Join(s); err != nil {
			return nil, err
		}
	}
	// Initial state: keyed by trial only, so trial k of every condition
	// starts from the same state.
	switch c.Protocol.Init {
	case "gaussian":
		r := rng.New(seed, rng.InitState, uint64(trial))
		for i := range s.R {
			s.R[i] = float32(r.NormFloat64())
		}
	case "background":
		v := float32(net.Model.TF.Rate(0))
		for i := range s.R {
			s.R[i] = v
		}
	}
	stimulus := make([]float32, n)
	if cond == "familiar" {
		if err := stim.Cue(stimulus, net.Patterns.Row(c.Protocol.CuePattern), c.Protocol.CueKeep, c.Protocol.CueNoiseSD,
			c.Protocol.StimulusGain, seed, uint64(trial)); err != nil {
			return nil, err
		}
	} else {
		stim.Novel(stimulus, seed, uint64(trial))
		for i := range stimulus {
			stimulus[i] *= float32(c.Protocol.StimulusGain)
		}
	}
	// recordings preallocated to their final length (EstimateBytes counts
	// exactly this, not append's spare capacity)
	all, delaySamples := c.samples()
	tr := &Trace{Condition: cond, Trial: trial, TimeMs: make([]float64, 0, all), M: make([]float64, 0, all*p), Q: make([]float64, 0, all*p),
		Rates: make([]float32, 0, all*c.Record.Neurons), MeanRate: make([]float64, 0, all), R2: make([]float64, 0, all)}
	ov := recall.NewOverlaps(p)
	nrec := c.Record.Neurons
	every := max(1, c.steps(c.Record.EveryMs))
	sample := func() {
		ov.Compute(s.R, net.Factors.GPat, net.Stats.EG2, workers)
		tr.TimeMs = append(tr.TimeMs, s.TimeMs())
		tr.M = append(tr.M, ov.M...)
		tr.Q = append(tr.Q, ov.Q...)
		tr.Rates = append(tr.Rates, s.R[:nrec]...)
		tr.MeanRate = append(tr.MeanRate, ov.MeanRate)
		tr.R2 = append(tr.R2, ov.R2)
	}
	// the original code's pre-77b8c0d convention: each segment started
	// from φ(state) (spec §1.9a)
	segmentPhi := func() {
		if c.Protocol.SegmentPhi {
			for i, v := range s.R {
				s.R[i] = float32(net.Model.TF.Rate(float64(v)))
			}
		}
	}
	segmentPhi() // background: the first sample is the state integrated
	sample()
	nb, np, nd := c.steps(c.Protocol.BackgroundMs), c.steps(c.Protocol.PresentationMs), c.steps(c.Protocol.DelayMs)
	wel := recall.NewWelford(n)
	mDelay := make([]float64, 0, delaySamples)
	segment := func(steps int, delay bool) error {
		for k := 0; k < steps; k++ {
			s.Step()
			if delay && 2*k >= steps { // second half of the delay
				wel.Add(s.R)
			}
			if s.Steps%int64(every) == 0 {
				sample()
				if delay {
					mDelay = append(mDelay, ov.M[c.Protocol.CuePattern])
				}
			}
			if s.Steps%100 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := pbnet.CheckState(s.R, c.Protocol.RunawayHz, s.TimeMs()); err != nil {
					return fmt.Errorf("%s trial %d: %v", cond, trial, err)
				}
			}
			if (k+1)%100 == 0 { // progress counts this segment's steps
				tick(100)
			}
		}
		tick(steps % 100)
		return nil
	}
	if err := segment(nb, false); err != nil {
		return nil, err
	}
	ov.Compute(s.R, net.Factors.GPat, net.Stats.EG2, workers)
	tr.PatternBefore, tr.MMaxBefore = argmax(ov.M)
	copy(s.Ext, stimulus)
	segmentPhi()
	if err := segment(np, false); err != nil {
		return nil, err
	}
	tr.StimRates = append([]float32(nil), s.R...)
	clear(s.Ext)
	segmentPhi()
	if c.Protocol.Lyapunov {
		if err := s.StartLyapunov(1e-3*math.Sqrt(float64(n)), 20, seed, uint64(trial)); err != nil {
			return nil, err
		}
	}
	if err := segment(nd, true); err != nil {
		return nil, err
	}
	if err := pbnet.CheckState(s.R, c.Protocol.RunawayHz, s.TimeMs()); err != nil {
		return nil, fmt.Errorf("%s trial %d: %v", cond, trial, err)
	}
	tr.LyapunovPerS, _ = s.LyapunovPerSecond()
	ov.Compute(s.R, net.Factors.GPat, net.Stats.EG2, workers)
	tr.EndRates = append([]float32(nil), s.R...)
	tr.MCuedEnd = ov.M[c.Protocol.CuePattern]
	tr.MaxAbsOtherEnd = recall.MaxAbsOther(ov.M, c.Protocol.CuePattern)
	if cond == "novel" {
		tr.MaxAbsOtherEnd = recall.MaxAbsOther(ov.M, -1)
	}
	tr.MeanRateEndHz = ov.MeanRate
	tr.PatternEnd, tr.MMaxEnd = argmax(ov.M)
	tr.Retrieved = recall.Retrieved(tr.MCuedEnd, c.Protocol.SuccessThreshold)
	tr.TemporalSDHz = wel.MeanTemporalSD()
	tr.MCuedDelayMean, tr.MCuedSD = meanSD(mDelay)
	return tr, nil
}

func meanSD(x []float64) (float64, float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	var s, s2 float64
	for _, v := range x {
		s += v
	}
	m := s / float64(len(x))
	for _, v := range x {
		s2 += (v - m) * (v - m)
	}
	return m, math.Sqrt(s2 / float64(len(x)))
}

// Regime classifies a delay period as "fixed_point" or "chaotic" from the
// temporal SD of single-neuron rates (zero at a fixed point up to float32
// rounding; R14 measured 4.1 Hz in a chaotic run) and, when available, the
// sign of the largest Lyapunov exponent.
func (t *Trace) Regime() string {
	if !math.IsNaN(t.LyapunovPerS) {
		if t.LyapunovPerS > 0 {
			return "chaotic"
		}
		return "fixed_point"
	}
	if t.TemporalSDHz > fixedPointSDHz {
		return "chaotic"
	}
	return "fixed_point"
}

// fixedPointSDHz: temporal SD (Hz, averaged over neurons, second half of
// the delay) below which a delay period counts as a fixed point. Converging
// fixed points decay as e^{-t/τ}, so after ≥ 1 s of delay the residual SD is
// ≪ 0.01 Hz, while chaotic retrieval fluctuates by ≈ 4 Hz (R14).
const fixedPointSDHz = 0.05
