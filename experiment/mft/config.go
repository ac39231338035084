package mft

import (
	"embed"
	"fmt"
	"math"
	"reflect"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment/pbnet"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/theory/meanfield"
)

// Solver is the [mft] section: the load and how the theory is solved.
type Solver struct {
	// Alpha is the load α = p/K at which the states are solved, > 0
	// (pereira-brunel.md R7: m = 0.768 at α = 0.2, A = 10.65).
	Alpha float64 `toml:"alpha"`
	// Grid is the integration grid: accurate (adaptive Gauss panels) or
	// original (the paper's 200 × 200 Riemann grid).
	Grid string `toml:"grid"`
	// FiniteK is the in-degree K whose O(1/K) variance of the retrieved
	// pattern's own term is added (0: the K → ∞ theory; typical 250 to
	// 2500).
	FiniteK int `toml:"finite_k"`
	// C is the connection probability used with finite_k, in [0, 1)
	// (e.g. 0.005).
	C float64 `toml:"c"`
}

// Config is the configuration of experiment "mft".
type Config struct {
	// Transfer: the transfer function φ (as in the rate-memory experiments).
	Transfer pbnet.Transfer `toml:"transfer"`
	// Rule: the learning rule f, g.
	Rule pbnet.Rule `toml:"rule"`
	// MFT: the load and the solver.
	MFT Solver `toml:"mft"`
}

// docFiles is the source of the config structs (config.DocSource).
//
//go:embed config.go
var docFiles embed.FS

// DocSources implements config.Documented: this package's and pbnet's sections.
func (c *Config) DocSources() []config.DocSource {
	return append([]config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}}, (&pbnet.Sections{}).DocSources()...)
}

// Defaults are the paper's median φ and rule at α = 0.12 on the accurate grid.
func Defaults() *Config {
	s := pbnet.DefaultSections(1, 1, 0)
	return &Config{Transfer: s.Transfer, Rule: s.Rule, MFT: Solver{Alpha: 0.12, Grid: "accurate"}}
}

// ApplyPreset implements experiment.Presetter: "median" or "itc1" …
// "itc14" replace [transfer] and [rule].
func (c *Config) ApplyPreset(name string) error {
	s := c.sections()
	if err := s.ApplyPreset(name); err != nil {
		return err
	}
	c.Transfer, c.Rule = s.Transfer, s.Rule
	return nil
}

// SeedValue implements experiment.Config: the theory uses no random
// numbers; the seed is always 0.
func (c *Config) SeedValue() uint64 { return 0 }

// SetSeed implements experiment.Config; the theory has no seed (a no-op).
func (c *Config) SetSeed(uint64) {}

func (c *Config) sections() *pbnet.Sections {
	s := pbnet.DefaultSections(1, 1, 0)
	s.Transfer, s.Rule = c.Transfer, c.Rule
	return &s
}

// Validate implements experiment.Config, naming the key at fault.
func (c *Config) Validate() error {
	// the [network] defaults of DefaultSections(1, 1, 0) are valid: what
	// Validate reports is a [transfer] or [rule] key
	if err := c.sections().Validate(); err != nil {
		return err
	}
	if _, err := c.sections().TransferFn(); err != nil {
		return err
	}
	_, err := c.Options(1)
	return err
}

// Inputs returns φ and the (uncentred) rule.
func (c *Config) Inputs() (ratefn.Transfer, ratefn.Rule, error) {
	s := c.sections()
	tf, err := s.TransferFn()
	return tf, s.RuleFn(), err
}

// Options returns the solver options for the given worker count.
func (c *Config) Options(workers int) (*meanfield.Options, error) {
	m := c.MFT
	switch {
	case !(m.Alpha > 0) || math.IsInf(m.Alpha, 0):
		return nil, fmt.Errorf("mft.alpha = %v must be a finite load > 0", m.Alpha)
	case m.FiniteK < 0:
		return nil, fmt.Errorf("mft.finite_k = %d: want 0 (K → ∞) or an in-degree K ≥ 1", m.FiniteK)
	case !(m.C >= 0 && m.C < 1):
		return nil, fmt.Errorf("mft.c = %v: want a connection probability in [0, 1)", m.C)
	}
	o := &meanfield.Options{Workers: workers, FiniteK: m.FiniteK, C: m.C}
	switch m.Grid {
	case "accurate", "":
		o.Grid = meanfield.AccurateGrid
	case "original":
		o.Grid = meanfield.OriginalGrid
	default:
		return nil, fmt.Errorf("mft.grid = %q: want accurate or original", m.Grid)
	}
	return o, nil
}
