package train

import (
	"context"
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/learn/eprop"
	"github.com/engramsim/engram/progress"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/branchproc"
)

// Def registers the experiment.
func Def() experiment.Def {
	return experiment.Def{
		Name:          "train",
		Doc:           "train a spiking RNN (LIF/ALIF) by e-prop or exact BPTT: pattern generation, evidence accumulation, target rate, global-rate variance (eprop spec)",
		NewConfig:     func() experiment.Config { return Defaults() },
		EstimateBytes: func(c experiment.Config) int64 { return c.(*Config).EstimateBytes() },
		Run: func(ctx context.Context, c experiment.Config, env *experiment.Env) (experiment.Summary, error) {
			return Run(ctx, c.(*Config), env)
		},
	}
}

// Eval is the state of the network measured on the evaluation trials.
type Eval struct {
	// Loss is the summed loss; RateHz the population-mean rate.
	Loss, RateHz float64
	// Terms are the loss terms (Result.TermNames order).
	Terms []float64
	// Rates are the per-neuron rates in Hz.
	Rates []float64
	// Silent is the fraction of neurons without a spike.
	Silent float64
	// Mean and Var are the mean and the (within-trial, time) variance of
	// the per-step population count, averaged over trials; VarOverMean
	// their ratio.
	Mean, Var, VarOverMean float64
	// MHat ± MHatSE is the MR branching-ratio estimate of the population
	// count (NaN when it cannot be estimated), MConventional the lag-1
	// OLS estimate, M1 the lag-1 slope the branching loss uses.
	MHat, MHatSE, MConventional, M1 float64
	// MFromFano is the m a driven branching process with this mean and
	// variance would have, √(1 − mean/var) (theory/branchproc; NaN below
	// Poisson variance).
	MFromFano float64
	// Accuracy is the evidence task's fraction of correct decisions.
	Accuracy float64
	// Sparseness is the Treves–Rolls population sparseness ⟨r⟩²/⟨r²⟩.
	Sparseness float64
	// Raster of the first evaluation trial (times in ms, neuron ids).
	Times []float64
	IDs   []int32
	// Y of the first trial (pattern task).
	Y []float64
}

// Row is one iteration of the learning curve.
type Row struct {
	Iteration int
	Loss      float64
	Terms     []float64
	RateHz    float64
}

// MRow is the branching ratio of one training batch's population count by
// the three estimators (criticality.md §3): multistep regression, the
// conventional lag-1 OLS and the naive ratio of the seed code (biased: it
// tracks the rate).
type MRow struct {
	Iteration               int
	MR, Conventional, Naive float64
}

// branchingOf estimates m from the population counts of recs (no
// bootstrap); NaN where an estimator fails (e.g. a silent network).
func branchingOf(recs []*eprop.Record, T int, seed uint64) (mr, conv, naive float64) {
	mr, conv, naive = math.NaN(), math.NaN(), math.NaN()
	if T < 30 {
		return
	}
	counts := make([][]float64, len(recs))
	for b, r := range recs {
		counts[b] = eprop.PopRateOf(nil, r, 1)
		for t := range counts[b] {
			counts[b][t] *= float64(r.NRec)
		}
	}
	if br, err := branching.Analyze(counts, &branching.Options{KMax: min(T/10, 50), NumBoot: -1, Seed: seed}); err == nil {
		mr, conv, naive = br.M, br.MConventional, br.MNaive
	}
	return
}

// VRow is one validation of the evidence task (train.validate_every):
// the error on a fresh batch and, when that was below train.stop_error,
// the mean error over the confirming batches (NaN otherwise).
type VRow struct {
	Iteration      int
	Error, Confirm float64
}

// checkpoint is the gob state of a run.
type checkpoint struct {
	Task                       string
	Seed                       uint64
	NIn, NRec, NOut            int
	Done                       int
	WIn, WRec, WOut, BOut, B   []float64
	AdamM, AdamV               [][]float64
	AdamT                      int
	EMA                        []float64
	Curve                      []Row
	MCurve                     []MRow
	VCurve                     []VRow
	Initial                    Eval
	WInitIn, WInitRec, WInitOu []float64
}

// Result is what Fit returns.
type Result struct {
	Initial, Final *Eval
	Curve          []Row
	MCurve         []MRow
	// VCurve is the validation curve; StopIteration the iteration at which
	// the early stop was confirmed (−1: not stopped), Done the number of
	// updates made.
	VCurve        []VRow
	StopIteration int
	Done          int
	TermNames     []string
	Net           *eprop.Net
	WInit         [3][]float64 // initial WIn, WRec, WOut
	NE            int
	Preset        bool
	Resumed       int
}

// Fit runs the training of c; it writes checkpoints to ckptPath ("" for
// none) and reports progress.
func Fit(ctx context.Context, c *Config, ckptPath string, prog progress.Reporter) (*Result, error) {
	s, err := c.build()
	if err != nil {
		return nil, err
	}
	losses, cls := c.losses(s)
	var opt eprop.Optimizer = &eprop.SGD{LR: c.Train.LR}
	adam := &eprop.Adam{LR: c.Train.LR}
	if c.Train.Optimizer == "adam" {
		opt = adam
	}
	method, _ := eprop.ParseMethod(c.Train.Method)
	which := [4]bool{c.Train.TrainIn, c.Train.TrainRec, c.Train.TrainOut, c.Train.TrainOut}
	tr, err := eprop.NewTrainer(s.net, eprop.TrainerOptions{Method: method, Feedback: s.fb, Optimizer: opt, Losses: losses, Train: &which})
	if err != nil {
		return nil, err
	}
	var ema *eprop.NeuronRate
	names := make([]string, len(losses))
	for i, l := range losses {
		names[i] = l.Name()
		if nr, ok := l.(*eprop.NeuronRate); ok {
			ema = nr
		}
	}
	res := &Result{TermNames: names, Net: s.net, NE: s.nE, Preset: s.hasPres, StopIteration: -1}
	start := 0
	if c.Train.ResumeFrom != "" {
		ck, err := readCheckpoint(c.Train.ResumeFrom)
		if err != nil {
			return nil, fmt.Errorf("train.resume_from = %q: %w", c.Train.ResumeFrom, err)
		}
		if ck.Task != c.Network.Task || ck.Seed != c.Network.Seed || ck.NIn != s.net.P.NIn || ck.NRec != s.net.P.NRec || ck.NOut != s.net.P.NOut {
			return nil, fmt.Errorf("train.resume_from = %q: checkpoint of task %q, seed %d, %d/%d/%d units does not match this run (task %q, seed %d, %d/%d/%d)",
				c.Train.ResumeFrom, ck.Task, ck.Seed, ck.NIn, ck.NRec, ck.NOut, c.Network.Task, c.Network.Seed, s.net.P.NIn, s.net.P.NRec, s.net.P.NOut)
		}
		if ck.Done > c.Train.Iterations {
			return nil, fmt.Errorf("train.resume_from = %q: the checkpoint has %d iterations, more than train.iterations = %d", c.Train.ResumeFrom, ck.Done, c.Train.Iterations)
		}
		copy(s.net.WIn, ck.WIn)
		copy(s.net.WRec, ck.WRec)
		copy(s.net.WOut, ck.WOut)
		copy(s.net.BOut, ck.BOut)
		if s.fb.B != nil {
			copy(s.fb.B, ck.B)
		}
		if ck.AdamM != nil {
			adam.M, adam.V, adam.T = ck.AdamM, ck.AdamV, ck.AdamT
		}
		if ema != nil && ck.EMA != nil {
			ema.EMA = ck.EMA
		}
		res.Curve, res.MCurve, res.VCurve, res.Initial, start, res.Resumed = ck.Curve, ck.MCurve, ck.VCurve, &ck.Initial, ck.Done, ck.Done
		res.WInit = [3][]float64{ck.WInitIn, ck.WInitRec, ck.WInitOu}
	} else {
		res.WInit = [3][]float64{slices.Clone(s.net.WIn), slices.Clone(s.net.WRec), slices.Clone(s.net.WOut)}
		if res.Initial, err = c.evaluate(s, tr, cls); err != nil {
			return nil, err
		}
	}
	save := func(done int) error {
		if ckptPath == "" {
			return nil
		}
		ck := &checkpoint{Task: c.Network.Task, Seed: c.Network.Seed, NIn: s.net.P.NIn, NRec: s.net.P.NRec, NOut: s.net.P.NOut, Done: done,
			WIn: s.net.WIn, WRec: s.net.WRec, WOut: s.net.WOut, BOut: s.net.BOut, B: s.fb.B, Curve: res.Curve, MCurve: res.MCurve, VCurve: res.VCurve, Initial: *res.Initial,
			WInitIn: res.WInit[0], WInitRec: res.WInit[1], WInitOu: res.WInit[2]}
		if c.Train.Optimizer == "adam" {
			ck.AdamM, ck.AdamV, ck.AdamT = adam.M, adam.V, adam.T
		}
		if ema != nil {
			ck.EMA = ema.EMA
		}
		return writeCheckpoint(ckptPath, ck)
	}
	var xs [][]float64
	var labels []int
	done := c.Train.Iterations
	for it := start; it < c.Train.Iterations; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if v := c.Train.ValidateEvery; v > 0 && it%v == 0 {
			row, err := c.validate(s, tr, cls, it)
			if err != nil {
				return nil, err
			}
			res.VCurve = append(res.VCurve, row)
			if row.Confirm < c.Train.StopError {
				res.StopIteration, done = it, it
				break
			}
		}
		xs, labels = c.batch(s, keyInput, it, c.Train.Batch, xs, labels)
		if cls != nil {
			cls.Labels = labels
		}
		E, err := tr.Step(xs, s.T)
		if err != nil {
			return nil, fmt.Errorf("iteration %d: %w", it, err)
		}
		if !finite(E) {
			return nil, fmt.Errorf("iteration %d: the loss is %v (lower train.lr)", it, E)
		}
		res.Curve = append(res.Curve, Row{Iteration: it, Loss: E, Terms: slices.Clone(tr.Last), RateHz: meanHz(tr.Recs[:len(xs)], s.net.P.DtMs)})
		if every := max(1, c.Train.Iterations/50); it%every == 0 || it+1 == c.Train.Iterations {
			mr, conv, naive := branchingOf(tr.Recs[:len(xs)], s.T, c.Network.Seed+2)
			res.MCurve = append(res.MCurve, MRow{Iteration: it, MR: mr, Conventional: conv, Naive: naive})
		}
		if k := c.Train.CheckpointEvery; k > 0 && (it+1)%k == 0 && it+1 < c.Train.Iterations {
			if err := save(it + 1); err != nil {
				return nil, err
			}
		}
		progress.Report(prog, int64(it+1), int64(c.Train.Iterations))
	}
	res.Done = done
	if err := save(done); err != nil {
		return nil, err
	}
	if res.Final, err = c.evaluate(s, tr, cls); err != nil {
		return nil, err
	}
	return res, nil
}

// validate measures the error of the evidence task on a fresh batch of
// train.batch trials (stream keyValid, iteration it) and, if it is below
// train.stop_error after iteration 0, the mean error over train.stop_batches
// further batches (stream keyStop): the tutorial's early-stopping check.
func (c *Config) validate(s *setup, tr *eprop.Trainer, cls *eprop.Classification, it int) (VRow, error) {
	row := VRow{Iteration: it, Confirm: math.NaN()}
	errOf := func(key uint64, k int) (float64, error) {
		xs, labels := c.batch(s, key, k, c.Train.Batch, nil, nil)
		cls.Labels = labels
		if _, err := tr.Forward(xs, s.T); err != nil {
			return 0, err
		}
		bad := 0
		for b, r := range tr.Recs[:len(xs)] {
			if eprop.Predict(r, cls.Start) != labels[b] {
				bad++
			}
		}
		return float64(bad) / float64(len(xs)), nil
	}
	var err error
	if row.Error, err = errOf(keyValid, it); err != nil {
		return row, err
	}
	if it > 0 && row.Error < c.Train.StopError {
		if c.Train.StopBatches == 0 {
			row.Confirm = row.Error
			return row, nil
		}
		sum := 0.0
		for k := 0; k < c.Train.StopBatches; k++ {
			e, err := errOf(keyStop, it*c.Train.StopBatches+k)
			if err != nil {
				return row, err
			}
			sum += e
		}
		row.Confirm = sum / float64(c.Train.StopBatches)
	}
	return row, nil
}

func meanHz(recs []*eprop.Record, dt float64) float64 {
	f := eprop.Rates(nil, recs, dt)
	s := 0.0
	for _, v := range f {
		s += v
	}
	return 1000 * s / float64(len(f))
}

// evaluate runs the evaluation trials (inputs keyed by keyEval, the same
// before and after training) and measures the network.
func (c *Config) evaluate(s *setup, tr *eprop.Trainer, cls *eprop.Classification) (*Eval, error) {
	xs, labels := c.batch(s, keyEval, 0, c.Train.EvalTrials, nil, nil)
	if cls != nil {
		cls.Labels = labels
	}
	E, err := tr.Forward(xs, s.T)
	if err != nil {
		return nil, err
	}
	recs := tr.Recs[:len(xs)]
	p := s.net.P
	N := p.NRec
	ev := &Eval{Loss: E, Terms: slices.Clone(tr.Last), RateHz: meanHz(recs, p.DtMs), MHat: math.NaN(), MHatSE: math.NaN(), MConventional: math.NaN()}
	f := eprop.Rates(nil, recs, p.DtMs)
	var s1, s2 float64
	silent := 0
	for j := range f {
		f[j] *= 1000
		s1 += f[j]
		s2 += f[j] * f[j]
		if f[j] == 0 {
			silent++
		}
	}
	ev.Rates, ev.Silent = f, float64(silent)/float64(N)
	if s2 > 0 {
		ev.Sparseness = (s1 / float64(N)) * (s1 / float64(N)) / (s2 / float64(N))
	}
	counts := make([][]float64, len(recs))
	for b, r := range recs {
		counts[b] = eprop.PopRateOf(nil, r, 1)
		mu, v := 0.0, 0.0
		for t := range counts[b] {
			counts[b][t] *= float64(N)
			mu += counts[b][t] / float64(r.T)
		}
		for _, x := range counts[b] {
			v += (x - mu) * (x - mu) / float64(r.T)
		}
		ev.Mean += mu / float64(len(recs))
		ev.Var += v / float64(len(recs))
		ev.M1 += eprop.LagOneSlope(counts[b]) / float64(len(recs))
	}
	ev.VarOverMean = ev.Var / ev.Mean
	ev.MFromFano = branchproc.MFromMeanVariance(ev.Mean, ev.Var)
	if ev.Mean > 0 && s.T >= 30 {
		opts := &branching.Options{KMax: min(s.T/10, 50), Seed: c.Network.Seed + 1}
		if len(recs) < 2 {
			opts.NumBoot = -1
		}
		if br, err := branching.Analyze(counts, opts); err == nil {
			ev.MHat, ev.MHatSE, ev.MConventional = br.M, br.MStdErr, br.MConventional
		}
	}
	if cls != nil {
		ok := 0
		for b, r := range recs {
			if eprop.Predict(r, cls.Start) == labels[b] {
				ok++
			}
		}
		ev.Accuracy = float64(ok) / float64(len(recs))
	}
	r0 := recs[0]
	for t := 0; t < r0.T; t++ {
		for j, z := range r0.Z[t*N : (t+1)*N] {
			if z != 0 {
				ev.Times, ev.IDs = append(ev.Times, float64(t+1)*p.DtMs), append(ev.IDs, int32(j))
			}
		}
	}
	ev.Y = slices.Clone(r0.Y)
	return ev, nil
}

func writeCheckpoint(path string, ck *checkpoint) error {
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(af.W).Encode(ck); err != nil {
		af.Abort()
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return af.Commit()
}

func readCheckpoint(path string) (*checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ck := &checkpoint{}
	if err := gob.NewDecoder(f).Decode(ck); err != nil {
		return nil, fmt.Errorf("not a train checkpoint: %w", err)
	}
	return ck, nil
}

// Run trains, writes the run directory and returns the summary.
func Run(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	res, err := Fit(ctx, c, env.Path("rec", "checkpoint.gob"), env.Progress)
	if err != nil {
		return nil, err
	}
	if err := write(c, res, env); err != nil {
		return nil, err
	}
	in, fi := res.Initial, res.Final
	sum := experiment.Summary{"task": c.Network.Task, "method": c.Train.Method, "loss_initial": in.Loss, "loss_final": fi.Loss,
		"iterations": res.Done, "rate_hz_initial": in.RateHz, "rate_hz_final": fi.RateHz,
		"silent_fraction": fi.Silent, "silent_fraction_initial": in.Silent, "var_over_mean": fi.VarOverMean, "m_hat": jsonNum(fi.MHat),
		"m_hat_stderr": jsonNum(fi.MHatSE), "fano_branching_prediction": jsonNum(branchproc.FanoFactor(fi.MHat)), "m_from_fano": jsonNum(fi.MFromFano), "m_lag1": jsonNum(fi.M1),
		"sparseness": fi.Sparseness, "resumed_at": res.Resumed}
	ti, tf := map[string]any{}, map[string]any{}
	for k, name := range res.TermNames {
		if k < len(in.Terms) {
			ti[name] = in.Terms[k]
		}
		tf[name] = fi.Terms[k]
	}
	sum["loss_terms_initial"], sum["loss_terms_final"] = ti, tf
	if c.Network.Task == "evidence" {
		sum["accuracy_initial"], sum["accuracy_final"] = in.Accuracy, fi.Accuracy
		if n := len(res.VCurve); n > 0 {
			sum["validation_error_final"] = res.VCurve[n-1].Error
			sum["stop_iteration"] = nil
			if res.StopIteration >= 0 {
				sum["stop_iteration"] = res.StopIteration
			}
		}
	}
	return sum, nil
}

// jsonNum maps NaN and ±Inf to nil (JSON null).
func jsonNum(v float64) any {
	if !finite(v) {
		return nil
	}
	return v
}
