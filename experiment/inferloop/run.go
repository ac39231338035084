package inferloop

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/engramsim/engram/analysis/recall"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbnet"
	"github.com/engramsim/engram/infer"
	"github.com/engramsim/engram/model/rate"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/stim"
)

// Responses are the recorded responses of the closed loop.
type Responses struct {
	// Neurons is the number of recorded neurons (0 … Neurons−1).
	Neurons int
	// Novel[i][s], Familiar[i][μ] are neuron i's responses (Hz): the mean
	// rate over the last protocol.window_ms of the presentation.
	Novel, Familiar [][]float64
	// InputNovel, InputFamiliar are the total inputs h_i = I_ext,i + Σ_j
	// W_ij r_j at the end of each presentation (units of the stimulus SD).
	InputNovel, InputFamiliar [][]float64
	// QFamiliarHz[μ] = (1/N) Σ_j g(φ(ξ_j^μ)) r_j at the end of presenting
	// pattern μ: the overlap that scales Δh (Hz).
	QFamiliarHz []float64
	// MeanRateHz, VarRateHz2 are the population mean and variance of the
	// rates at the end of each novel presentation, averaged over stimuli.
	MeanRateHz, VarRateHz2 float64
	// SettleHz is the RMS over recorded neurons and stimuli of the rate
	// change across the response window (end − start of the window): how
	// far the responses are from a steady state.
	SettleHz float64
	// BackgroundHz is the population mean rate of the spontaneous state.
	BackgroundHz float64
	// BackgroundQMaxHz is max_μ |q_μ| of the spontaneous state and
	// NovelQMaxHz the mean over novel stimuli of max_μ |q_μ| at the end of
	// the presentation (Hz; a retrieved pattern has q ≈ q_F).
	BackgroundQMaxHz, NovelQMaxHz float64
	// SimulateS is the wall time of the presentations (s).
	SimulateS float64
}

// Simulate builds the network and presents every novel and familiar
// stimulus, each from the spontaneous state.
func Simulate(ctx context.Context, c *Config, seed uint64, workers int, prog progress.Reporter) (*pbnet.Net, *Responses, error) {
	net, err := c.Build(seed, 0, workers)
	if err != nil {
		return nil, nil, err
	}
	t0 := time.Now()
	n, nrec := c.Network.N, c.Inference.Neurons
	sN, sF := c.Protocol.NovelStimuli, c.NFamiliar()
	s, err := rate.NewSim(net.Model, net.Dyn, rate.SimOptions{Workers: workers, Seed: seed})
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	nb, np, nw := c.steps(c.Protocol.BackgroundMs), c.steps(c.Protocol.PresentationMs), c.steps(c.Protocol.WindowMs)
	total := int64(nb + (sN+sF)*np)
	var done int64
	run := func(steps int, what string, each func(k int)) error {
		for k := 0; k < steps; k++ {
			s.Step()
			if each != nil {
				each(k)
			}
			if s.Steps%100 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if err := pbnet.CheckState(s.R, c.Protocol.RunawayHz, s.TimeMs()); err != nil {
					return fmt.Errorf("%s: %v", what, err)
				}
			}
		}
		done += int64(steps)
		progress.Report(prog, done, total)
		return nil
	}
	bg := float32(net.Model.TF.Rate(0))
	for i := range s.R {
		s.R[i] = bg
	}
	if err := run(nb, "background", nil); err != nil {
		return nil, nil, err
	}
	rBG := slices.Clone(s.R)
	out := &Responses{Neurons: nrec, BackgroundHz: recall.MeanRate(rBG), BackgroundQMaxHz: qMax(net, rBG)}
	alloc := func(m int) [][]float64 {
		x := make([][]float64, nrec)
		for i := range x {
			x[i] = make([]float64, m)
		}
		return x
	}
	out.Novel, out.Familiar = alloc(sN), alloc(sF)
	out.InputNovel, out.InputFamiliar = alloc(sN), alloc(sF)
	out.QFamiliarHz = make([]float64, sF)
	ext := make([]float32, n)
	acc := make([]float64, nrec)
	first := make([]float64, nrec)
	wr := make([]float32, nrec)
	gain := float32(c.Protocol.StimulusGain)
	var settle2 float64
	for k := 0; k < sN+sF; k++ {
		novel := k < sN
		mu := k - sN
		what := fmt.Sprintf("novel stimulus %d", k)
		if novel {
			stim.Novel(ext, seed, uint64(k))
		} else {
			what = fmt.Sprintf("familiar stimulus (pattern %d)", mu)
			copy(ext, net.Patterns.Row(mu))
		}
		for i := range ext {
			ext[i] *= gain
		}
		copy(s.R, rBG)
		copy(s.Ext, ext)
		clear(acc)
		if err := run(np, what, func(step int) {
			if step >= np-nw {
				for i := range acc {
					acc[i] += float64(s.R[i])
				}
			}
			if step == np-nw {
				for i := range first {
					first[i] = float64(s.R[i])
				}
			}
		}); err != nil {
			return nil, nil, err
		}
		net.Model.W.MulVecRange(wr, s.R, 0, nrec)
		resp, in := out.Novel, out.InputNovel
		col := k
		if !novel {
			resp, in, col = out.Familiar, out.InputFamiliar, mu
		}
		for i := 0; i < nrec; i++ {
			resp[i][col] = acc[i] / float64(nw)
			in[i][col] = float64(ext[i]) + float64(wr[i])
			d := float64(s.R[i]) - first[i]
			settle2 += d * d
		}
		if novel {
			m := recall.MeanRate(s.R)
			var v float64
			for _, r := range s.R {
				v += (float64(r) - m) * (float64(r) - m)
			}
			out.MeanRateHz += m / float64(sN)
			out.NovelQMaxHz += qMax(net, s.R) / float64(sN)
			out.VarRateHz2 += v / float64(n) / float64(sN)
		} else {
			g := net.Factors.GPat[mu*n : (mu+1)*n]
			var q float64
			for j, r := range s.R {
				q += float64(g[j]) * float64(r)
			}
			out.QFamiliarHz[mu] = q / float64(n)
		}
	}
	out.SettleHz = math.Sqrt(settle2 / float64(nrec*(sN+sF)))
	out.SimulateS = time.Since(t0).Seconds()
	return net, out, nil
}

// qMax returns max_μ |(1/N) Σ_j g(φ(ξ_j^μ)) r_j| (Hz).
func qMax(net *pbnet.Net, r []float32) float64 {
	n, best := len(r), 0.0
	for mu := 0; mu < net.Factors.P; mu++ {
		g := net.Factors.GPat[mu*n : (mu+1)*n]
		var q float64
		for j, v := range r {
			q += float64(g[j]) * float64(v)
		}
		best = math.Max(best, math.Abs(q/float64(n)))
	}
	return best
}

func meanSD(x []float64) (m, sd float64) {
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for _, v := range x {
		sd += (v - m) * (v - m)
	}
	if len(x) > 1 {
		sd = math.Sqrt(sd / float64(len(x)-1))
	}
	return m, sd
}

func median(x []float64) float64 {
	v := slices.Clone(x)
	v = slices.DeleteFunc(v, math.IsNaN)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return 0.5 * (v[n/2-1] + v[n/2])
}

func quantile(x []float64, p float64) float64 {
	v := slices.DeleteFunc(slices.Clone(x), math.IsNaN)
	if len(v) == 0 {
		return math.NaN()
	}
	slices.Sort(v)
	pos := p * float64(len(v)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(v)-1)
	return v[lo] + (pos-float64(lo))*(v[hi]-v[lo])
}

// TruthParams returns the nominal ground truth of the network's φ and
// rule: q_g from E[g] = 0 and C = A·E[g(φ)φ] over ξ ~ N(0,1) (the
// one-pattern conversion, as infer.ParamsFromITC).
func TruthParams(tf ratefn.Transfer, rule ratefn.Rule) (infer.Params, ratefn.Stats, error) {
	st, err := rule.Centre(tf)
	if err != nil {
		return infer.Params{}, st, err
	}
	return infer.Params{RMaxHz: tf.RMaxHz, Beta: tf.Beta, H0: tf.H0, C: rule.A * st.EGPhi, A: rule.A, QF: rule.F.Q,
		BetaFPerHz: rule.F.BetaPerHz, XFHz: rule.F.XHz, QG: st.Rule.G.Q}, st, nil
}

// EffectiveParams returns what an exact inference would recover from a
// neuron whose input to novel stimuli is h = μ + σz (z ~ N(0,1) the
// stimulus quantile) instead of z, and whose familiar input is raised by
// A·q_F·f(φ(z)) (the rule acts on the pattern's own rate φ(z), the
// overlap of the network state with the pattern is q_F). The inference
// measures input in SDs from the mean and relates Δh to the novel rate at
// the same quantile, r^N = φ(μ + σz), so:
//
//	β_eff = βσ, h0_eff = (h0 − μ)/σ, C_eff = A·q_F/σ,
//	x_f,eff = φ(μ + σ·φ⁻¹(x_f)) (the novel rate of the stimulus whose pattern rate is x_f),
//	β_f,eff = β_f·φ′(z_f)/(σ·φ′(μ + σz_f)) (slope of f(φ(z(r^N))) at the threshold),
//
// r_max and q_f unchanged, q_g and A re-derived under φ_eff with the
// effective f shape (NaN when g cannot be centred). x_f is kept when it is
// outside the range of φ.
func EffectiveParams(truth infer.Params, rule ratefn.Rule, mu, sigma, qFHz float64) infer.Params {
	e := truth
	tf := ratefn.Transfer{Kind: ratefn.Sigmoid, RMaxHz: truth.RMaxHz, Beta: truth.Beta, H0: truth.H0}
	e.Beta = truth.Beta * sigma
	e.H0 = (truth.H0 - mu) / sigma
	e.C = rule.A * qFHz / sigma
	if zf := tf.Inverse(truth.XFHz); !math.IsNaN(zf) && !math.IsInf(zf, 0) {
		h := mu + sigma*zf
		e.XFHz = tf.Rate(h)
		if d := sigma * tf.Deriv(h); d > 0 {
			e.BetaFPerHz = truth.BetaFPerHz * tf.Deriv(zf) / d
		}
	}
	tfEff := ratefn.Transfer{Kind: ratefn.Sigmoid, RMaxHz: e.RMaxHz, Beta: e.Beta, H0: e.H0}
	f := ratefn.StepSigmoid{Q: e.QF, BetaPerHz: e.BetaFPerHz, XHz: e.XFHz}
	g := f
	g.Q = 0
	if st, err := (ratefn.Rule{A: rule.A, F: f, G: g}).Centre(tfEff); err == nil {
		e.QG = st.Rule.G.Q
		e.A = e.C / st.EGPhi
	} else {
		e.QG, e.A = math.NaN(), math.NaN()
	}
	return e
}

// Outcome is the comparison of recovered and true parameters.
type Outcome struct {
	Truth infer.Params
	// Effective is the median over neurons of EffectiveParams.
	Effective infer.Params
	// Recovered is the median over neurons of each point estimate.
	Recovered infer.Params
	// VsTruth, VsEffective compare Recovered with Truth and Effective.
	VsTruth, VsEffective []infer.ParamError
	// RecoveredQ25, RecoveredQ75 are the quartiles over neurons.
	RecoveredQ25, RecoveredQ75 []float64
	// CoverTruth, CoverEffective are the fractions of neurons whose CI
	// contains the nominal and the neuron's effective value (NaN without
	// bootstrap).
	CoverTruth, CoverEffective []float64
	// Per-neuron input statistics across novel stimuli.
	InputMean, InputSD []float64
	// PredictedSD = sqrt(1 + αγ Var(r)) and PredictedMeanSpread = sqrt(αγ)·⟨r⟩
	// are the crosstalk predictions for the SD of a neuron's input across
	// stimuli and for the spread of its mean across neurons.
	PredictedSD, PredictedMeanSpread float64
	// QFamiliarHz is the mean familiar overlap; EGPhiHz = E[g(φ)φ] its
	// one-pattern value.
	QFamiliarHz, EGPhiHz float64
	// RankViolated counts neurons whose data were flagged.
	RankViolated int
	// PerNeuronEffective are the EffectiveParams of each neuron.
	PerNeuronEffective []infer.Params
}

// Compare computes the Outcome of an inference on the responses.
func Compare(c *Config, resp *Responses, res []infer.NeuronResult) (*Outcome, error) {
	tf, err := c.TransferFn()
	if err != nil {
		return nil, err
	}
	rule := c.RuleFn()
	truth, st, err := TruthParams(tf, rule)
	if err != nil {
		return nil, fmt.Errorf("[rule]: %v", err)
	}
	o := &Outcome{Truth: truth, EGPhiHz: st.EGPhi}
	o.QFamiliarHz, _ = meanSD(resp.QFamiliarHz)
	alpha := float64(c.Network.P) / c.K()
	o.PredictedSD = math.Sqrt(1 + alpha*st.Gamma*resp.VarRateHz2)
	o.PredictedMeanSpread = math.Sqrt(alpha*st.Gamma) * resp.MeanRateHz
	nn := len(res)
	rec := make([][]float64, 9)
	eff := make([][]float64, 9)
	cov := make([]float64, 9)
	covE := make([]float64, 9)
	for i, r := range res {
		m, sd := meanSD(resp.InputNovel[i])
		o.InputMean = append(o.InputMean, m)
		o.InputSD = append(o.InputSD, sd)
		ep := EffectiveParams(truth, rule, m, sd, o.QFamiliarHz)
		o.PerNeuronEffective = append(o.PerNeuronEffective, ep)
		ev, tv := ParamsVec(ep), ParamsVec(truth)
		for k, e := range Estimates(r) {
			rec[k] = append(rec[k], e.Value)
			eff[k] = append(eff[k], ev[k])
			if e.Lo <= tv[k] && tv[k] <= e.Hi {
				cov[k]++
			}
			if e.Lo <= ev[k] && ev[k] <= e.Hi {
				covE[k]++
			}
		}
		if r.Rank.Violated {
			o.RankViolated++
		}
	}
	rv, evm := make([]float64, 9), make([]float64, 9)
	for k := range rv {
		rv[k], evm[k] = median(rec[k]), median(eff[k])
		o.RecoveredQ25 = append(o.RecoveredQ25, quantile(rec[k], 0.25))
		o.RecoveredQ75 = append(o.RecoveredQ75, quantile(rec[k], 0.75))
		if c.Inference.Bootstrap > 0 {
			o.CoverTruth = append(o.CoverTruth, cov[k]/float64(nn))
			o.CoverEffective = append(o.CoverEffective, covE[k]/float64(nn))
		} else {
			o.CoverTruth = append(o.CoverTruth, math.NaN())
			o.CoverEffective = append(o.CoverEffective, math.NaN())
		}
	}
	o.Recovered, o.Effective = ParamsFromVec(rv), ParamsFromVec(evm)
	o.VsTruth = infer.CompareParams(o.Truth, o.Recovered)
	o.VsEffective = infer.CompareParams(o.Effective, o.Recovered)
	return o, nil
}

// Dataset turns the recorded responses into an inference data set with
// neuron ids n0, n1, ….
func (r *Responses) Dataset() (*infer.Dataset, error) {
	ds := &infer.Dataset{Source: "infer-loop network"}
	for i := 0; i < r.Neurons; i++ {
		nd, err := infer.NewNeuronData(fmt.Sprintf("n%d", i), r.Novel[i], r.Familiar[i])
		if err != nil {
			return nil, err
		}
		ds.Neurons = append(ds.Neurons, nd)
	}
	return ds, nil
}

// Result is everything a closed-loop run produces.
type Result struct {
	Net       *pbnet.Net
	Responses *Responses
	Data      *infer.Dataset
	Inferred  []infer.NeuronResult
	Outcome   *Outcome
	InferS    float64
}

// Loop runs the closed loop: simulate, infer, compare.
func Loop(ctx context.Context, c *Config, seed uint64, workers int, prog progress.Reporter) (*Result, error) {
	net, resp, err := Simulate(ctx, c, seed, workers, prog)
	if err != nil {
		return nil, err
	}
	ds, err := resp.Dataset()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	b := c.Inference.Bootstrap
	if b == 0 {
		b = -1
	}
	res, err := infer.InferAllContext(ctx, ds, &infer.Options{Bootstrap: b, Seed: seed, Level: c.Inference.Level, Workers: workers, Progress: prog})
	if err != nil {
		return nil, err
	}
	inferS := time.Since(t0).Seconds()
	o, err := Compare(c, resp, res)
	if err != nil {
		return nil, err
	}
	return &Result{Net: net, Responses: resp, Data: ds, Inferred: res, Outcome: o, InferS: inferS}, nil
}

// Def returns the experiment definition registered as "infer-loop".
func Def() experiment.Def {
	return experiment.Typed("infer-loop",
		"closed loop: Lim et al. inference of φ and f from novel/familiar responses of a Pereira & Brunel network with known φ and rule",
		Defaults, Run, (*Config).EstimateBytes)
}
