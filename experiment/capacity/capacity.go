// Package capacity is the experiment "capacity": the storage capacity α_c
// of the Pereira & Brunel (2018) rate memory from the static diluted
// mean-field theory (theory/meanfield) at one parameter point, as a run
// that `engram sweep` can vary over any [transfer], [rule] or [theory] key:
//
//	experiment = "capacity"
//	[rule]
//	A = 5.0
//	[theory]
//	grid = "accurate"
//
// Run writes res/capacity.tsv (alpha_c, alpha_c_scan, m_at_alpha_c,
// delta_c, q_c, gamma, converged, crossover) and a report section, and
// returns the summary {alpha_c, alpha_c_scan, m_at_alpha_c, delta_c, q_c,
// gamma, converged, finite_k, crossover, warning}. `engram capacity`
// (without --sweep) computes the same point from flags.
package capacity

import (
	"context"
	"embed"
	"fmt"
	"reflect"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbnet"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/theory/meanfield"
)

// Theory is the [theory] section: how the mean-field equations are solved.
type Theory struct {
	// Grid is the integration grid: accurate, or original (the paper's
	// 200 × 200 Riemann grid).
	Grid string `toml:"grid"`
	// FiniteK adds the O(1/K) variance of the retrieved pattern's own term
	// for in-degree K (0 = K → ∞, the paper's theory).
	FiniteK int `toml:"finite_k"`
	// C is the connection probability used with finite_k, in [0, 1).
	C float64 `toml:"c"`
}

// Config is the "capacity" experiment's configuration.
type Config struct {
	// Transfer: the transfer function φ.
	Transfer pbnet.Transfer `toml:"transfer"`
	// Rule: the learning rule f, g.
	Rule pbnet.Rule `toml:"rule"`
	// Theory: the mean-field solver.
	Theory Theory `toml:"theory"`
}

// docFiles is the source of the config structs (config.DocSource).
//
//go:embed capacity.go
var docFiles embed.FS

// DocSources implements config.Documented: this package's and pbnet's.
func (c *Config) DocSources() []config.DocSource {
	return append((&pbnet.Sections{}).DocSources(), config.DocSource{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles})
}

// Defaults is the median ITC fit with the accurate grid and K → ∞.
func Defaults() *Config {
	d := pbnet.DefaultSections(1, 1, 0)
	return &Config{Transfer: d.Transfer, Rule: d.Rule, Theory: Theory{Grid: "accurate"}}
}

// ApplyPreset sets φ and the rule to a named ITC fit (median, itc1 … itc14).
func (c *Config) ApplyPreset(name string) error {
	if name == "median" {
		d := Defaults()
		c.Transfer, c.Rule = d.Transfer, d.Rule
		return nil
	}
	tf, r, err := ratefn.Preset(name)
	if err != nil {
		return err
	}
	c.Transfer = pbnet.Transfer{Kind: "sigmoid", RMaxHz: tf.RMaxHz, Beta: tf.Beta, H0: tf.H0, Q: 1}
	c.Rule = pbnet.Rule{A: r.A, QF: r.F.Q, BetaFPerHz: r.F.BetaPerHz, XFHz: r.F.XHz}
	return nil
}

func (c *Config) sections() *pbnet.Sections {
	s := pbnet.DefaultSections(1, 1, 0)
	s.Transfer, s.Rule = c.Transfer, c.Rule
	return &s
}

// Validate checks the sections, naming the key at fault.
func (c *Config) Validate() error {
	// the [network] defaults of DefaultSections(1, 1, 0) are valid: what
	// Validate reports is a [transfer] or [rule] key
	if err := c.sections().Validate(); err != nil {
		return err
	}
	if _, err := c.sections().TransferFn(); err != nil {
		return err
	}
	_, err := c.Theory.Options(1)
	return err
}

// SeedValue implements experiment.Config (the theory is deterministic).
func (c *Config) SeedValue() uint64 { return 0 }

// SetSeed implements experiment.Config (no randomness: ignored).
func (c *Config) SetSeed(uint64) {}

// EstimateBytes is a small constant: the solver holds only its grids.
func (c *Config) EstimateBytes() int64 { return 64 << 20 }

// Options returns the solver options with the given worker count.
func (t Theory) Options(workers int) (*meanfield.Options, error) {
	switch {
	case t.FiniteK < 0:
		return nil, fmt.Errorf("theory.finite_k = %d: want 0 (K → ∞) or an in-degree K ≥ 1", t.FiniteK)
	case !(t.C >= 0 && t.C < 1):
		return nil, fmt.Errorf("theory.c = %v: want a connection probability in [0, 1)", t.C)
	}
	o := &meanfield.Options{Workers: workers, FiniteK: t.FiniteK, C: t.C}
	switch t.Grid {
	case "accurate", "":
		o.Grid = meanfield.AccurateGrid
	case "original":
		o.Grid = meanfield.OriginalGrid
	default:
		return nil, fmt.Errorf("theory.grid = %q: want accurate or original", t.Grid)
	}
	return o, nil
}

// Def registers the experiment.
func Def() experiment.Def {
	return experiment.Typed("capacity",
		"storage capacity α_c of the rate memory from the static mean-field theory at one parameter point (sweepable)",
		Defaults, Run, (*Config).EstimateBytes)
}

// Run computes α_c for c.
func Run(ctx context.Context, c *Config, env *experiment.Env) (experiment.Summary, error) {
	tf, err := c.sections().TransferFn()
	if err != nil {
		return nil, err
	}
	opts, err := c.Theory.Options(env.Workers)
	if err != nil {
		return nil, err
	}
	_, sum, err := Point(env, tf, c.sections().RuleFn(), opts)
	return sum, err
}

// Point computes α_c for φ tf and the rule with opts, writes
// res/capacity.tsv and a report section into env and returns the result
// and the run's summary.
func Point(env *experiment.Env, tf ratefn.Transfer, rule ratefn.Rule, opts *meanfield.Options) (meanfield.CapacityResult, experiment.Summary, error) {
	res, err := meanfield.Capacity(tf, rule, opts)
	if err != nil {
		return res, nil, err
	}
	if !res.Converged {
		env.Logf("warning: the capacity solve did not converge; alpha_c is flagged converged=false")
	}
	if res.Warning != "" {
		env.Logf("warning: %s", res.Warning)
	}
	if err := store.WriteTSV(env.Path("res", "capacity.tsv"), []string{"alpha_c", "alpha_c_scan", "m_at_alpha_c", "delta_c", "q_c", "gamma", "converged", "crossover"},
		[]float64{res.AlphaC}, []float64{res.AlphaCScan}, []float64{res.MAtAlphaC}, []float64{res.DeltaC}, []float64{res.QC}, []float64{res.Gamma}, []float64{b2f(res.Converged)}, []float64{b2f(res.Crossover)}); err != nil {
		return res, nil, err
	}
	if env.Report == nil {
		env.Report = report.New("capacity")
	}
	env.Report.Section("Storage capacity (static mean-field theory)")
	label := "α_c (maximum along the retrieval branch)"
	if res.Crossover {
		label = "α_c (crossover: no maximum of α along the finite-K branch; where m falls fastest with α)"
	}
	kv := []report.KV{{Key: label, Value: fmt.Sprintf("%.4f", res.AlphaC)}}
	// With FiniteK the scan rule gives 0 when it is undefined (Δ does
	// not turn, as at a crossover, or its end was not located).
	if res.AlphaCScan > 0 || res.Settings.FiniteK == 0 {
		kv = append(kv, report.KV{Key: "α_c (original scan-stop rule)", Value: fmt.Sprintf("%.4f", res.AlphaCScan)})
	}
	kv = append(kv,
		report.KV{Key: "m at α_c", Value: fmt.Sprintf("%.4f", res.MAtAlphaC)},
		report.KV{Key: "Δ_c", Value: fmt.Sprintf("%.4f", res.DeltaC)},
		report.KV{Key: "γ = A²E[f²]E[g²]", Value: fmt.Sprintf("%.6g", res.Gamma)},
		report.KV{Key: "converged", Value: fmt.Sprint(res.Converged)},
		report.KV{Key: "grid", Value: res.Settings.Grid})
	sum := experiment.Summary{"alpha_c": res.AlphaC, "alpha_c_scan": res.AlphaCScan, "m_at_alpha_c": res.MAtAlphaC, "converged": res.Converged,
		"delta_c": res.DeltaC, "q_c": res.QC, "gamma": res.Gamma}
	if res.Settings.FiniteK > 0 {
		kv = append(kv,
			report.KV{Key: "finite K (own-term variance), c", Value: fmt.Sprintf("%d, %g", res.Settings.FiniteK, res.Settings.C)},
			report.KV{Key: "own-term variance v at α_c (Hz²)", Value: fmt.Sprintf("%.4g", res.VC)},
			report.KV{Key: "crossover (no maximum of α: α_c where m falls fastest)", Value: fmt.Sprint(res.Crossover)})
		sum["finite_k"], sum["crossover"] = res.Settings.FiniteK, res.Crossover
	}
	if res.Warning != "" {
		kv = append(kv, report.KV{Key: "warning", Value: res.Warning})
		sum["warning"] = res.Warning
	}
	env.Report.KeyValues("", kv)
	return res, sum, nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
