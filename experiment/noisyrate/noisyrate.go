// Package noisyrate is the experiment "noisy-rate" (spec
// information-correlations.md §1, LY-2 at network scale): a random
// kernel-filtered rate network τ dv/dt = −v + F(x + M v) driven by
// correlated white or Ornstein–Uhlenbeck input is simulated for a long
// time (theory/noisyrate.Model.Simulate), and its covariance is compared
// entry by entry with the Lyapunov covariance of the linearisation, with
// the Gaussian entropy and total correlation of the rate vector from both.
// With a nonlinear F the linearisation is exact only for small input
// noise: the residual mismatch (in SE units) measures the nonlinearity.
//
// Registered as experiment "noisy-rate"; examples/noisy-rate.toml.
package noisyrate

import (
	"context"
	"embed"
	"fmt"
	"math"
	"reflect"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/engramsim/engram/analysis/info"
	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
	nr "github.com/engramsim/engram/theory/noisyrate"
)

// Network is the [network] section.
type Network struct {
	// N is the number of rate units, in [1, 500].
	N int `toml:"n"`
	// Coupling g scales the random recurrent weights M_ij ~ N(0, g²/N)
	// (the bulk of M's eigenvalues lies in the disc of radius g); the
	// linearisation must be stable, max Re λ(DM) < 1.
	Coupling float64 `toml:"coupling"`
	// Transfer is the transfer function F: "tanh" (F = amp·tanh(gain·h))
	// or "linear" (F = gain·h).
	Transfer string `toml:"transfer"`
	// Gain is the slope parameter of F (dimensionless, > 0).
	Gain float64 `toml:"gain"`
	// Amp is the amplitude of the tanh transfer (rate units, > 0).
	Amp float64 `toml:"amp"`
	// MeanInput is the mean input x̄ of every unit (dimensionless).
	MeanInput float64 `toml:"mean_input"`
	// TauMs is the synaptic kernel time constant τ in ms (> 0).
	TauMs float64 `toml:"tau_ms"`
	// Seed is the master seed of the weights and the noise.
	Seed uint64 `toml:"seed"`
}

// Input is the [input] section: the fluctuations δx of the input.
type Input struct {
	// Sigma is the SD of each unit's input fluctuation (OU: the stationary
	// SD; white: √intensity, in units·√ms), > 0.
	Sigma float64 `toml:"sigma"`
	// Rho is the correlation of the fluctuations between any two units, in
	// (−1/(n−1), 1) (correlated stimuli).
	Rho float64 `toml:"rho"`
	// TauXMs is the correlation time of the OU input in ms; 0 means white
	// noise, which needs transfer = "linear" (white noise through a
	// nonlinear F has no continuous-time limit).
	TauXMs float64 `toml:"tau_x_ms"`
}

// RunSection is the [run] section.
type RunSection struct {
	// DtMs is the Euler–Maruyama step in ms (> 0, ≤ tau_ms/10); the
	// variance bias of a mode λ is ≈ |λ|²Δ/(2 Re λ).
	DtMs float64 `toml:"dt_ms"`
	// BurnMs is the transient discarded before measuring, in ms (≥ 0).
	BurnMs float64 `toml:"burn_ms"`
	// DurationMs is the measured time in ms (> 0).
	DurationMs float64 `toml:"duration_ms"`
	// Batches is the number of batches of the batch-means errors (≥ 10).
	Batches int `toml:"batches"`
}

// Config is the experiment's configuration.
type Config struct {
	// Network: the rate network.
	Network Network `toml:"network"`
	// Input: the noise of the input.
	Input Input `toml:"input"`
	// Run: the simulation.
	Run RunSection `toml:"run"`
}

// docFiles is the source of the config structs (config.DocSource).
//
//go:embed noisyrate.go
var docFiles embed.FS

// DocSources implements config.Documented.
func (c *Config) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}}
}

// Defaults is a 20-unit tanh network with weakly correlated OU input.
func Defaults() *Config {
	return &Config{
		Network: Network{N: 20, Coupling: 0.6, Transfer: "tanh", Gain: 1, Amp: 1, MeanInput: 0.2, TauMs: 10, Seed: 1},
		Input:   Input{Sigma: 0.1, Rho: 0.2, TauXMs: 5},
		Run:     RunSection{DtMs: 0.1, BurnMs: 500, DurationMs: 200000, Batches: 50},
	}
}

// SeedValue implements experiment.Config.
func (c *Config) SeedValue() uint64 { return c.Network.Seed }

// SetSeed implements experiment.Config.
func (c *Config) SetSeed(s uint64) { c.Network.Seed = s }

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Validate implements experiment.Config.
func (c *Config) Validate() error {
	n, in, r := c.Network, c.Input, c.Run
	switch {
	case n.N < 1 || n.N > 500:
		return fmt.Errorf("network.n = %d must be in [1, 500]", n.N)
	case !(n.Coupling >= 0) || !finite(n.Coupling):
		return fmt.Errorf("network.coupling = %v must be finite and ≥ 0", n.Coupling)
	case n.Transfer != "tanh" && n.Transfer != "linear":
		return fmt.Errorf("network.transfer = %q: want tanh or linear", n.Transfer)
	case !(n.Gain > 0) || !finite(n.Gain):
		return fmt.Errorf("network.gain = %v must be positive and finite", n.Gain)
	case n.Transfer == "tanh" && (!(n.Amp > 0) || !finite(n.Amp)):
		return fmt.Errorf("network.amp = %v must be positive and finite", n.Amp)
	case !finite(n.MeanInput):
		return fmt.Errorf("network.mean_input = %v must be finite", n.MeanInput)
	case !(n.TauMs > 0) || !finite(n.TauMs):
		return fmt.Errorf("network.tau_ms = %v must be positive and finite", n.TauMs)
	case !(in.Sigma > 0) || !finite(in.Sigma):
		return fmt.Errorf("input.sigma = %v must be positive and finite", in.Sigma)
	case !(in.Rho < 1) || (n.N > 1 && !(in.Rho > -1/float64(n.N-1))):
		return fmt.Errorf("input.rho = %v must be in (−1/(n−1), 1) for a positive-definite input covariance", in.Rho)
	case !(in.TauXMs >= 0) || !finite(in.TauXMs):
		return fmt.Errorf("input.tau_x_ms = %v must be finite and ≥ 0", in.TauXMs)
	case in.TauXMs == 0 && n.Transfer != "linear":
		return fmt.Errorf("input.tau_x_ms = 0 (white noise) needs network.transfer = \"linear\": white noise through a nonlinear F has no continuous-time limit")
	case !(r.DtMs > 0) || r.DtMs > n.TauMs/10:
		return fmt.Errorf("run.dt_ms = %v must be in (0, tau_ms/10 = %v]", r.DtMs, n.TauMs/10)
	case in.TauXMs > 0 && r.DtMs > in.TauXMs/2:
		return fmt.Errorf("run.dt_ms = %v must be ≤ input.tau_x_ms/2 = %v", r.DtMs, in.TauXMs/2)
	case !(r.BurnMs >= 0) || !finite(r.BurnMs):
		return fmt.Errorf("run.burn_ms = %v must be finite and ≥ 0", r.BurnMs)
	case !(r.DurationMs > 0) || !finite(r.DurationMs):
		return fmt.Errorf("run.duration_ms = %v must be positive and finite", r.DurationMs)
	case r.Batches < 10:
		return fmt.Errorf("run.batches = %d must be ≥ 10", r.Batches)
	case r.DurationMs/r.DtMs < float64(r.Batches):
		return fmt.Errorf("run.duration_ms = %v is fewer steps than run.batches", r.DurationMs)
	}
	if err := config.TotalSteps(fmt.Sprintf("run.duration_ms = %v at run.dt_ms = %v", r.DurationMs, r.DtMs), (r.DurationMs+r.BurnMs)/r.DtMs); err != nil {
		return err
	}
	_, l, err := c.model()
	if err != nil {
		return fmt.Errorf("network.coupling = %v, network.gain = %v: %w", n.Coupling, n.Gain, err)
	}
	if !(l.MaxReLambda < 1) {
		return fmt.Errorf("network.coupling = %v: the linearisation is unstable (max Re λ(DM) = %.4g ≥ 1): lower the coupling or the gain", n.Coupling, l.MaxReLambda)
	}
	return nil
}

// model builds the network (weights from the seed) and linearises it.
func (c *Config) model() (*nr.Model, *nr.Linearisation, error) {
	n := c.Network
	r := rng.New(n.Seed, rng.Weights, rng.NameKey("noisy-rate"))
	m := mat.NewDense(n.N, n.N, nil)
	s := n.Coupling / math.Sqrt(float64(n.N))
	for i := range n.N {
		for j := range n.N {
			m.Set(i, j, s*r.NormFloat64())
		}
	}
	xbar := slices.Repeat([]float64{n.MeanInput}, n.N)
	var f nr.Transfer = nr.Linear{Gain: n.Gain}
	if n.Transfer == "tanh" {
		f = nr.Tanh{Amp: n.Amp, Gain: n.Gain}
	}
	mod := &nr.Model{M: m, XBar: xbar, TauMs: n.TauMs, F: f}
	l, err := mod.Linearise()
	return mod, l, err
}

func (c *Config) noise() nr.Noise {
	n, in := c.Network.N, c.Input
	q := mat.NewSymDense(n, nil)
	for i := range n {
		for j := i; j < n; j++ {
			v := in.Rho * in.Sigma * in.Sigma
			if i == j {
				v = in.Sigma * in.Sigma
			}
			q.SetSym(i, j, v)
		}
	}
	return nr.Noise{Q: q, TauXMs: in.TauXMs}
}

// EstimateBytes: the batch accumulators and a few N² matrices.
func (c *Config) EstimateBytes() int64 {
	n := float64(c.Network.N)
	return experiment.SaturateBytes(8*n*n*(float64(c.Run.Batches)+20) + 1<<20)
}

// Def registers the experiment.
func Def() experiment.Def {
	return experiment.Typed("noisy-rate",
		"noisy kernel-filtered rate network: Lyapunov covariance of the linearisation vs a long simulation (information spec §1)",
		Defaults, Run, (*Config).EstimateBytes)
}

// Result is the comparison of theory and simulation.
type Result struct {
	Theory, Sim, SE *mat.SymDense
	Lin             *nr.Linearisation
	// MaxAbsZ is the largest |sim − theory|/SE over the N(N+1)/2 entries;
	// Within3SE the fraction of entries within 3 SE.
	MaxAbsZ, Within3SE float64
	// RelErr is ‖Σ_sim − Σ_theory‖_F / ‖Σ_theory‖_F.
	RelErr float64
	// Entropies (nats) and total correlations of the Gaussian rate vector.
	HTheory, HSim, TCTheory, TCSim float64
	Steps                          int
}

// Compute runs the theory and the simulation.
func Compute(ctx context.Context, c *Config) (*Result, error) {
	mod, l, err := c.model()
	if err != nil {
		return nil, err
	}
	nz := c.noise()
	th, err := l.Covariance(c.Network.TauMs, nz)
	if err != nil {
		return nil, err
	}
	sim, err := mod.Simulate(ctx, nz, nr.SimOptions{DtMs: c.Run.DtMs, BurnMs: c.Run.BurnMs, DurationMs: c.Run.DurationMs, Batches: c.Run.Batches,
		Rand: rng.New(c.Network.Seed, rng.Noise, rng.NameKey("noisy-rate"))})
	if err != nil {
		return nil, err
	}
	r := &Result{Theory: th, Sim: sim.Cov, SE: sim.CovSE, Lin: l, Steps: sim.Steps}
	n := c.Network.N
	in, tot := 0, 0
	var num, den float64
	for i := range n {
		for j := i; j < n; j++ {
			z := (sim.Cov.At(i, j) - th.At(i, j)) / sim.CovSE.At(i, j)
			r.MaxAbsZ = math.Max(r.MaxAbsZ, math.Abs(z))
			if math.Abs(z) <= 3 {
				in++
			}
			tot++
			w := 2.0
			if i == j {
				w = 1
			}
			d := sim.Cov.At(i, j) - th.At(i, j)
			num += w * d * d
			den += w * th.At(i, j) * th.At(i, j)
		}
	}
	r.Within3SE, r.RelErr = float64(in)/float64(tot), math.Sqrt(num/den)
	if r.HTheory, err = nr.GaussianEntropy(th); err != nil {
		return nil, err
	}
	r.HSim, _ = nr.GaussianEntropy(sim.Cov)
	r.TCTheory, _ = info.GaussianTotalCorrelation(th)
	r.TCSim, _ = info.GaussianTotalCorrelation(sim.Cov)
	return r, nil
}

// Run computes, writes res/covariance.tsv, the figures and the report.
func Run(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	r, err := Compute(ctx, c)
	if err != nil {
		return nil, err
	}
	n := c.Network.N
	var ii, jj, th, sm, se []float64
	for i := range n {
		for j := i; j < n; j++ {
			ii, jj = append(ii, float64(i)), append(jj, float64(j))
			th, sm, se = append(th, r.Theory.At(i, j)), append(sm, r.Sim.At(i, j)), append(se, r.SE.At(i, j))
		}
	}
	if err := store.WriteTSV(env.Path("res", "covariance.tsv"), []string{"i", "j", "theory", "simulated", "simulated_se"}, ii, jj, th, sm, se); err != nil {
		return nil, err
	}
	lo, hi := math.Min(slices.Min(th), slices.Min(sm)), math.Max(slices.Max(th), slices.Max(sm))
	if _, err := plot.Lines(env.Path("figs", "covariance_scatter"), plot.LineSpec{Title: "stationary covariance: simulation vs Lyapunov", XLabel: "Σ Lyapunov", YLabel: "Σ simulated",
		Legend: true, Series: []plot.Series{{Name: "entries (± SE)", X: th, Y: sm, YErr: se, Points: true, Color: 0}, {Name: "identity", X: []float64{lo, hi}, Y: []float64{lo, hi}, Dashed: true, Color: 2}}}); err != nil {
		return nil, err
	}
	et, es := eigs(r.Theory), eigs(r.Sim)
	k := make([]float64, n)
	for i := range k {
		k[i] = float64(i + 1)
	}
	if _, err := plot.Lines(env.Path("figs", "eigenspectra"), plot.LineSpec{Title: "eigenvalues of Σ", XLabel: "rank", YLabel: "eigenvalue", LogY: true, Legend: true,
		Series: []plot.Series{{Name: "Lyapunov", X: k, Y: et, Color: 2}, {Name: "simulated", X: k, Y: es, Points: true, Color: 0}}}); err != nil {
		return nil, err
	}
	rep := env.Report
	rep.Section("Noisy rate network: Lyapunov covariance vs simulation")
	noise := fmt.Sprintf("OU input (τ_x = %g ms)", c.Input.TauXMs)
	if c.Input.TauXMs == 0 {
		noise = "white-noise input"
	}
	rep.Paragraph(fmt.Sprintf("N = %d units, F = %s (gain %g), M_ij ~ N(0, g²/N) with g = %g, x̄ = %g, τ = %g ms; %s with SD %g and correlation %g. "+
		"Euler–Maruyama at Δ = %g ms for %g ms after %g ms of transient (%d steps), %d batches.",
		n, c.Network.Transfer, c.Network.Gain, c.Network.Coupling, c.Network.MeanInput, c.Network.TauMs, noise, c.Input.Sigma, c.Input.Rho,
		c.Run.DtMs, c.Run.DurationMs, c.Run.BurnMs, r.Steps, c.Run.Batches))
	rep.KeyValues("comparison", []report.KV{
		{Key: "max Re λ(DM)", Value: fmt.Sprintf("%.4g", r.Lin.MaxReLambda)},
		{Key: "entries within 3 SE", Value: fmt.Sprintf("%.1f %%", 100*r.Within3SE)},
		{Key: "largest |z|", Value: fmt.Sprintf("%.2f", r.MaxAbsZ)},
		{Key: "relative Frobenius error", Value: fmt.Sprintf("%.3g", r.RelErr)},
		{Key: "Gaussian entropy theory / simulated", Value: fmt.Sprintf("%.5g / %.5g", r.HTheory, r.HSim), Unit: "nats"},
		{Key: "total correlation theory / simulated", Value: fmt.Sprintf("%.5g / %.5g", r.TCTheory, r.TCSim), Unit: "nats"},
	})
	_ = rep.Figure(env.Path("figs", "covariance_scatter.png"), "every entry of Σ: simulated (batch-means SE) against the Lyapunov solution (data: res/covariance.tsv)")
	_ = rep.Figure(env.Path("figs", "eigenspectra.png"), "eigenvalues of the Lyapunov and the simulated covariance")
	return experiment.Summary{"max_re_lambda": r.Lin.MaxReLambda, "within_3se": r.Within3SE, "max_abs_z": r.MaxAbsZ, "rel_error": r.RelErr,
		"entropy_theory_nats": r.HTheory, "entropy_sim_nats": r.HSim, "tc_theory_nats": r.TCTheory, "tc_sim_nats": r.TCSim, "steps": r.Steps}, nil
}

// eigs returns the eigenvalues of s, descending.
func eigs(s *mat.SymDense) []float64 {
	var e mat.EigenSym
	e.Factorize(s, false)
	v := e.Values(nil)
	slices.Reverse(v)
	return v
}
