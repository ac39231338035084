package train

import (
	"embed"
	"fmt"
	"math"
	"reflect"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/learn/eprop"
)

// Network is the [network] section: the task, the neurons and the
// initial weights.
type Network struct {
	// Task is "pattern" (sum of sines, spec §9), "evidence" (evidence
	// accumulation, §9), "target-rate" (the talk's rate target, §8) or
	// "variance" (the slides' loss on the variance of the global rate, §6).
	Task string `toml:"task"`
	// Preset is "" (dense network, Gaussian weights N(0,1)·gain/√n) or
	// "l23-allen-maclean" / "l23-allen-2022": the L2/3 E/I network of
	// model/spike (80 % E, fixed out-degrees from the preset's
	// probabilities, Dale's law, lognormal weights) with Bernoulli(p_in)
	// input connections of positive weights.
	Preset string `toml:"preset"`
	// NIn is the number of input channels (evidence: a multiple of 4).
	NIn int `toml:"n_in"`
	// NRec is the number of recurrent neurons.
	NRec int `toml:"n_rec"`
	// NOut is the number of readouts (evidence: 2).
	NOut int `toml:"n_out"`
	// NALIF is the number of adaptive neurons (the last n_alif), needs
	// convention "P".
	NALIF int `toml:"n_alif"`
	// Convention of the neurons: "P" (paper) or "T" (tutorial LightLIF).
	Convention string `toml:"convention"`
	// Readout convention: "P" (y = κy + Wz + b) or "T" (y = κy + (1−κ)Wz).
	Readout string `toml:"readout"`
	// DtMs is the time step in ms.
	DtMs float64 `toml:"dt_ms" unit:"ms"`
	// TauMMs is the membrane time constant in ms.
	TauMMs float64 `toml:"tau_m_ms" unit:"ms"`
	// TauAMs is the adaptation time constant of ALIF neurons in ms.
	TauAMs float64 `toml:"tau_a_ms" unit:"ms"`
	// TauOutMs is the readout time constant in ms.
	TauOutMs float64 `toml:"tau_out_ms" unit:"ms"`
	// VTh is the threshold above rest (voltage units of the weights; the
	// L2/3 preset's is 20.2 mV).
	VTh float64 `toml:"v_th"`
	// Beta is the ALIF threshold adaptation β (≥ 0).
	Beta float64 `toml:"beta"`
	// GammaPD is the pseudo-derivative's dampening factor γ (0.3).
	GammaPD float64 `toml:"gamma_pd"`
	// NRef is the refractory count in steps including the emission step
	// (TF convention; 0 or 1: none; convention "P" only).
	NRef int `toml:"n_ref"`
	// InitInGain scales the initial input weights (dense: N(0,1)·g/√n_in;
	// preset: lognormal(−0.64, 0.51)·g).
	InitInGain float64 `toml:"init_in_gain"`
	// InitRecGain scales the initial recurrent weights (dense:
	// N(0,1)·g/√n_rec; preset: the preset's ±lognormal weights ·g).
	InitRecGain float64 `toml:"init_rec_gain"`
	// InitOutGain scales the initial readout weights N(0,1)·g/√n_rec
	// (or the Glorot-uniform ones, see init_out).
	InitOutGain float64 `toml:"init_out_gain"`
	// InitOut is the readout initialisation of a dense network: "gaussian"
	// (N(0,1)·g/√n_rec, the pattern tutorial) or "glorot" (U(−l, l)·g,
	// l = √(6/(n_rec + n_out)), TensorFlow's default, the evidence
	// tutorial's readout).
	InitOut string `toml:"init_out"`
	// PIn is the probability of each input → neuron connection (1: dense).
	PIn float64 `toml:"p_in"`
	// Seed is the master seed (weights, masks, inputs, targets, feedback).
	Seed uint64 `toml:"seed"`
}

// Input is the [input] section.
type Input struct {
	// RateHz is the Bernoulli rate of the input channels in Hz (pattern,
	// target-rate, variance; the evidence task sets its own rates).
	RateHz float64 `toml:"rate_hz" unit:"Hz"`
	// Frozen reuses one input draw for every iteration (the tutorials and
	// the talk); false draws fresh input per iteration and trial.
	Frozen bool `toml:"frozen"`
}

// Train is the [train] section.
type Train struct {
	// Method is "eprop" or "bptt" (exact BPTT, O(T·N²) per trial).
	Method string `toml:"method"`
	// Feedback is e-prop's feedback: "random", "symmetric" or "adaptive".
	Feedback string `toml:"feedback"`
	// FeedbackScale is the SD of the random feedback entries (pattern
	// tutorial 1/√n_rec = 0.1, evidence tutorial 1).
	FeedbackScale float64 `toml:"feedback_scale"`
	// FeedbackDecay is the adaptive feedback's weight decay per update (≥ 0).
	FeedbackDecay float64 `toml:"feedback_decay"`
	// Optimizer is "sgd" or "adam" (β1 = 0.9, β2 = 0.999, ε = 1e-8).
	Optimizer string `toml:"optimizer"`
	// LR is the learning rate (> 0).
	LR float64 `toml:"lr"`
	// Iterations is the number of weight updates (≥ 1).
	Iterations int `toml:"iterations"`
	// Batch is the number of trials per update (≥ 1).
	Batch int `toml:"batch"`
	// Steps is the trial length in steps (the evidence task computes its
	// own: 2250 at dt 1 ms).
	Steps int `toml:"steps"`
	// TrainIn says whether the input weights learn.
	TrainIn bool `toml:"train_in"`
	// TrainRec says whether the recurrent weights learn.
	TrainRec bool `toml:"train_rec"`
	// TrainOut says whether the readout weights and bias learn.
	TrainOut bool `toml:"train_out"`
	// CheckpointEvery writes rec/checkpoint.gob every this many iterations
	// and at the end (0: only at the end).
	CheckpointEvery int `toml:"checkpoint_every"`
	// ResumeFrom is a checkpoint of a run with the same network, task and
	// seed: training continues from its iteration, bit-identically.
	ResumeFrom string `toml:"resume_from"`
	// EvalTrials is the number of trials of the evaluations before and
	// after training (rates, silent fraction, Var/E, m̂, rasters).
	EvalTrials int `toml:"eval_trials"`
	// ValidateEvery measures the evidence task's error on a fresh batch of
	// train.batch trials every this many iterations, before the update
	// (the tutorial: 10; 0: no validation). The curve goes to
	// res/validation_curve.tsv.
	ValidateEvery int `toml:"validate_every"`
	// StopError is the tutorial's early stop (0: off; tutorial 0.07): when
	// a validation error (after iteration 0) is below it, train.stop_batches
	// further fresh batches are evaluated and training stops if their mean
	// error is below it too. Needs train.validate_every > 0.
	StopError float64 `toml:"stop_error"`
	// StopBatches is the number of confirming batches of the early stop
	// (tutorial: 8).
	StopBatches int `toml:"stop_batches"`
}

// Loss is the [loss] section: the terms are summed; a term is off when its
// coefficient is 0.
type Loss struct {
	// RegressionCoef weighs ½Σ(y − y*)² (pattern).
	RegressionCoef float64 `toml:"regression_coef"`
	// ClassificationCoef weighs the cross entropy over the recall window
	// (evidence).
	ClassificationCoef float64 `toml:"classification_coef"`
	// RateCoef is c_reg of the per-neuron rate term c·h·Σ_j(f_j − f*)²,
	// rates in spikes per ms (pattern tutorial: 300 with h = ½).
	RateCoef float64 `toml:"rate_coef"`
	// RateTargetHz is f* in Hz.
	RateTargetHz float64 `toml:"rate_target_hz" unit:"Hz"`
	// RateHalf selects h = ½ (pattern tutorial) instead of 1.
	RateHalf bool `toml:"rate_half"`
	// RateMode is "batch" (rate over the batch) or "ema" (NEST's running
	// average with rate_kappa_ema; online, not an exact gradient).
	RateMode string `toml:"rate_mode"`
	// RateKappaEMA is the EMA decay per step, in (0, 1) (NEST: 0.97).
	RateKappaEMA float64 `toml:"rate_kappa_ema"`
	// PopRateCoef weighs the per-bin population rate term ½Σ_t(r^t − r̂)².
	PopRateCoef float64 `toml:"pop_rate_coef"`
	// PopRateTargetHz is r̂ in Hz.
	PopRateTargetHz float64 `toml:"pop_rate_target_hz" unit:"Hz"`
	// VarBeta weighs the variance term β(σ − σ_r)² of the global rate.
	VarBeta float64 `toml:"var_beta"`
	// VarTargetFano sets σ_r from a target Fano factor of the per-step
	// population count: Var = F·mean with mean = N·var_mean_target_hz·dt
	// (branching dynamics: F = 1/(1 − m²)).
	VarTargetFano float64 `toml:"var_target_fano"`
	// VarMeanCoef weighs the mean-rate term Σ_t(r^t − r̂)² of the variance
	// loss.
	VarMeanCoef float64 `toml:"var_mean_coef"`
	// VarMeanTargetHz is r̂ of the variance loss in Hz.
	VarMeanTargetHz float64 `toml:"var_mean_target_hz" unit:"Hz"`
	// BranchingCoef weighs (m₁ − m*)², m₁ the lag-1 regression slope of
	// the population count.
	BranchingCoef float64 `toml:"branching_coef"`
	// BranchingTarget is m*, in (−1, 1).
	BranchingTarget float64 `toml:"branching_target"`
}

// Config is the experiment's configuration.
type Config struct {
	// Network: task, neurons, initial weights.
	Network Network `toml:"network"`
	// Input: the input channels.
	Input Input `toml:"input"`
	// Train: method, optimiser, iterations, checkpoints.
	Train Train `toml:"train"`
	// Loss: the loss terms.
	Loss Loss `toml:"loss"`
}

//go:embed config.go
var docFiles embed.FS

// DocSources implements config.Documented.
func (c *Config) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}}
}

// Defaults is the pattern-generation tutorial (spec §9): 100 inputs of
// frozen 50 Hz noise, 100 LIF neurons of convention T, e-prop with random
// feedback, SGD 1e-4, c_reg = 300 towards 10 Hz, 2000 iterations.
func Defaults() *Config {
	return &Config{
		Network: Network{Task: "pattern", NIn: 100, NRec: 100, NOut: 1, Convention: "T", Readout: "T", DtMs: 1, TauMMs: 30, TauAMs: 500,
			TauOutMs: 30, VTh: 0.03, GammaPD: 0.3, InitInGain: 1, InitRecGain: 1, InitOutGain: 1, InitOut: "gaussian", PIn: 1, Seed: 1},
		Input: Input{RateHz: 50, Frozen: true},
		Train: Train{Method: "eprop", Feedback: "random", FeedbackScale: 0.1, Optimizer: "sgd", LR: 1e-4, Iterations: 2000, Batch: 1, Steps: 1000,
			TrainIn: true, TrainRec: true, TrainOut: true, EvalTrials: 1, StopBatches: 8},
		Loss: Loss{RegressionCoef: 1, RateCoef: 300, RateTargetHz: 10, RateHalf: true, RateMode: "batch", RateKappaEMA: 0.97},
	}
}

// SeedValue implements experiment.Config.
func (c *Config) SeedValue() uint64 { return c.Network.Seed }

// SetSeed implements experiment.Config.
func (c *Config) SetSeed(s uint64) { c.Network.Seed = s }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// params converts the [network] section.
func (c *Config) params() (eprop.Params, error) {
	n := c.Network
	conv, err := eprop.ParseConvention(n.Convention)
	if err != nil {
		return eprop.Params{}, fmt.Errorf("network.convention = %q: want \"P\" or \"T\"", n.Convention)
	}
	ro, err := eprop.ParseConvention(n.Readout)
	if err != nil {
		return eprop.Params{}, fmt.Errorf("network.readout = %q: want \"P\" or \"T\"", n.Readout)
	}
	p := eprop.Params{NIn: n.NIn, NRec: n.NRec, NOut: n.NOut, NALIF: n.NALIF, Convention: conv, Readout: ro, DtMs: n.DtMs,
		TauMMs: n.TauMMs, TauAMs: n.TauAMs, TauOutMs: n.TauOutMs, VTh: n.VTh, Beta: n.Beta, GammaPD: n.GammaPD, NRef: n.NRef}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("[network]: %w", err)
	}
	return p, nil
}

// steps returns the trial length.
func (c *Config) steps() int {
	if c.Network.Task == "evidence" {
		return eprop.EvidenceDefaults().Steps(c.Network.DtMs)
	}
	return c.Train.Steps
}

// Validate implements experiment.Config.
func (c *Config) Validate() error {
	n, in, t, l := c.Network, c.Input, c.Train, c.Loss
	switch n.Task {
	case "pattern", "evidence", "target-rate", "variance":
	default:
		return fmt.Errorf("network.task = %q: want pattern, evidence, target-rate or variance", n.Task)
	}
	switch n.Preset {
	case "", "l23-allen-maclean", "l23-allen-2022":
	default:
		return fmt.Errorf("network.preset = %q: want \"\", l23-allen-maclean or l23-allen-2022", n.Preset)
	}
	if n.NRec < 2 || n.NRec > 5000 {
		return fmt.Errorf("network.n_rec = %d must be in [2, 5000]", n.NRec)
	}
	if n.NIn < 1 || n.NIn > 10000 {
		return fmt.Errorf("network.n_in = %d must be in [1, 10000]", n.NIn)
	}
	if _, err := c.params(); err != nil {
		return err
	}
	if n.Task == "evidence" && (n.NIn%4 != 0 || n.NOut != 2) {
		return fmt.Errorf("network.n_in = %d, network.n_out = %d: the evidence task needs n_in a multiple of 4 (left, right, recall, noise) and n_out = 2", n.NIn, n.NOut)
	}
	for _, g := range []struct {
		k string
		v float64
	}{{"network.init_in_gain", n.InitInGain}, {"network.init_rec_gain", n.InitRecGain}, {"network.init_out_gain", n.InitOutGain}} {
		if !(g.v >= 0) || !finite(g.v) {
			return fmt.Errorf("%s = %v must be finite and ≥ 0", g.k, g.v)
		}
	}
	if n.InitOut != "gaussian" && n.InitOut != "glorot" {
		return fmt.Errorf("network.init_out = %q: want gaussian or glorot", n.InitOut)
	}
	if n.InitOut == "glorot" && n.Preset != "" {
		return fmt.Errorf("network.init_out = glorot: the preset %q draws its own readout (use gaussian)", n.Preset)
	}
	if !(n.PIn > 0 && n.PIn <= 1) {
		return fmt.Errorf("network.p_in = %v must be in (0, 1]", n.PIn)
	}
	if n.Task != "evidence" && (!(in.RateHz >= 0) || in.RateHz*n.DtMs/1000 > 1) {
		return fmt.Errorf("input.rate_hz = %v must be in [0, 1000/dt_ms]", in.RateHz)
	}
	if _, err := eprop.ParseMethod(t.Method); err != nil {
		return fmt.Errorf("train.method = %q: want eprop or bptt", t.Method)
	}
	if _, err := eprop.ParseFeedback(t.Feedback); err != nil {
		return fmt.Errorf("train.feedback = %q: want random, symmetric or adaptive", t.Feedback)
	}
	switch {
	case !(t.FeedbackScale > 0) || !finite(t.FeedbackScale):
		return fmt.Errorf("train.feedback_scale = %v must be positive and finite", t.FeedbackScale)
	case !(t.FeedbackDecay >= 0) || t.FeedbackDecay >= 1:
		return fmt.Errorf("train.feedback_decay = %v must be in [0, 1)", t.FeedbackDecay)
	case t.Optimizer != "sgd" && t.Optimizer != "adam":
		return fmt.Errorf("train.optimizer = %q: want sgd or adam", t.Optimizer)
	case !(t.LR > 0) || !finite(t.LR):
		return fmt.Errorf("train.lr = %v: the learning rate must be positive and finite", t.LR)
	case t.Iterations < 1 || t.Iterations > 10_000_000:
		return fmt.Errorf("train.iterations = %d must be in [1, 1e7]", t.Iterations)
	case t.Batch < 1 || t.Batch > 4096:
		return fmt.Errorf("train.batch = %d must be in [1, 4096]", t.Batch)
	case n.Task != "evidence" && (t.Steps < 3 || t.Steps > 1_000_000):
		return fmt.Errorf("train.steps = %d must be in [3, 1e6]", t.Steps)
	case t.CheckpointEvery < 0:
		return fmt.Errorf("train.checkpoint_every = %d must be ≥ 0", t.CheckpointEvery)
	case t.EvalTrials < 1 || t.EvalTrials > 1000:
		return fmt.Errorf("train.eval_trials = %d must be in [1, 1000]", t.EvalTrials)
	case !t.TrainIn && !t.TrainRec && !t.TrainOut:
		return fmt.Errorf("train.train_in, train_rec and train_out are all false: nothing learns")
	case t.ValidateEvery < 0:
		return fmt.Errorf("train.validate_every = %d must be ≥ 0", t.ValidateEvery)
	case t.ValidateEvery > 0 && n.Task != "evidence":
		return fmt.Errorf("train.validate_every = %d: only the evidence task has a validation error", t.ValidateEvery)
	case !(t.StopError >= 0 && t.StopError <= 1):
		return fmt.Errorf("train.stop_error = %v must be in [0, 1]", t.StopError)
	case t.StopError > 0 && t.ValidateEvery == 0:
		return fmt.Errorf("train.stop_error = %v needs train.validate_every > 0", t.StopError)
	case t.StopBatches < 0 || t.StopBatches > 1000:
		return fmt.Errorf("train.stop_batches = %d must be in [0, 1000]", t.StopBatches)
	}
	for _, g := range []struct {
		k string
		v float64
	}{{"loss.regression_coef", l.RegressionCoef}, {"loss.classification_coef", l.ClassificationCoef}, {"loss.rate_coef", l.RateCoef},
		{"loss.pop_rate_coef", l.PopRateCoef}, {"loss.var_beta", l.VarBeta}, {"loss.var_mean_coef", l.VarMeanCoef}, {"loss.branching_coef", l.BranchingCoef}} {
		if !(g.v >= 0) || !finite(g.v) {
			return fmt.Errorf("%s = %v must be finite and ≥ 0", g.k, g.v)
		}
	}
	switch n.Task {
	case "pattern":
		if l.RegressionCoef == 0 {
			return fmt.Errorf("loss.regression_coef = 0: the pattern task needs its regression loss")
		}
	case "evidence":
		if l.ClassificationCoef == 0 {
			return fmt.Errorf("loss.classification_coef = 0: the evidence task needs its classification loss")
		}
	case "target-rate":
		if l.RateCoef == 0 && l.PopRateCoef == 0 {
			return fmt.Errorf("loss.rate_coef and loss.pop_rate_coef are 0: the target-rate task needs a rate loss")
		}
	case "variance":
		if l.VarBeta == 0 {
			return fmt.Errorf("loss.var_beta = 0: the variance task needs the variance loss")
		}
	}
	if n.Task != "pattern" && l.RegressionCoef > 0 {
		return fmt.Errorf("loss.regression_coef = %v: only the pattern task has a regression target", l.RegressionCoef)
	}
	if n.Task != "evidence" && l.ClassificationCoef > 0 {
		return fmt.Errorf("loss.classification_coef = %v: only the evidence task has labels", l.ClassificationCoef)
	}
	if l.RateCoef > 0 {
		if !(l.RateTargetHz >= 0) || !finite(l.RateTargetHz) {
			return fmt.Errorf("loss.rate_target_hz = %v must be finite and ≥ 0", l.RateTargetHz)
		}
		if l.RateMode != "batch" && l.RateMode != "ema" {
			return fmt.Errorf("loss.rate_mode = %q: want batch or ema", l.RateMode)
		}
		if l.RateMode == "ema" && !(l.RateKappaEMA > 0 && l.RateKappaEMA < 1) {
			return fmt.Errorf("loss.rate_kappa_ema = %v must be in (0, 1)", l.RateKappaEMA)
		}
	}
	if l.PopRateCoef > 0 && (!(l.PopRateTargetHz >= 0) || !finite(l.PopRateTargetHz)) {
		return fmt.Errorf("loss.pop_rate_target_hz = %v must be finite and ≥ 0", l.PopRateTargetHz)
	}
	if l.VarBeta > 0 {
		if !(l.VarTargetFano >= 0) || !finite(l.VarTargetFano) {
			return fmt.Errorf("loss.var_target_fano = %v must be finite and ≥ 0", l.VarTargetFano)
		}
		if !(l.VarMeanTargetHz > 0) || !finite(l.VarMeanTargetHz) {
			return fmt.Errorf("loss.var_mean_target_hz = %v must be positive: it sets the mean of the variance target", l.VarMeanTargetHz)
		}
	}
	if l.BranchingCoef > 0 && !(l.BranchingTarget > -1 && l.BranchingTarget < 1) {
		return fmt.Errorf("loss.branching_target = %v must be in (−1, 1)", l.BranchingTarget)
	}
	if l.BranchingCoef > 0 && c.steps() < 3 {
		return fmt.Errorf("train.steps = %d: the branching loss needs ≥ 3 steps", c.steps())
	}
	if err := config.TotalSteps(fmt.Sprintf("train.iterations = %d × train.batch = %d × %d steps", t.Iterations, t.Batch, c.steps()),
		float64(t.Iterations)*float64(t.Batch)*float64(c.steps())); err != nil {
		return err
	}
	return nil
}

// EstimateBytes: the batch's records (8 arrays of T×N float64), the
// weights, the optimiser state and the BPTT buffers.
func (c *Config) EstimateBytes() int64 {
	T, N, NI := float64(c.steps()), float64(c.Network.NRec), float64(c.Network.NIn)
	B := float64(max(c.Train.Batch, c.Train.EvalTrials))
	return experiment.SaturateBytes(8*(6*B*T*N+B*T*NI+4*(N*N+NI*N)) + 4<<20)
}
