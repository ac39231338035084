package bridge

import (
	"embed"
	"fmt"
	"reflect"

	"github.com/BurntSushi/toml"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/model/spike"
)

// Config is what one bridge computation was run with, as written to a run
// directory's config.resolved.toml (the CLI fills it from its flags).
type Config struct {
	// Source is the rule source as given: a rule name, a rule preset, a
	// network preset or a rule TOML file.
	Source string `toml:"source"`
	// RatesHz is the rate grid in Hz (both axes of the drift matrix).
	RatesHz []float64 `toml:"rates_hz"`
	// Method is "closed_form", "measured" or "auto" (the closed form when the rule has one).
	Method string `toml:"method"`
	// DurationS is the measured time per grid point in biological seconds (measured only).
	DurationS float64 `toml:"duration_s"`
	// WarmupS is the warm-up before the measurement in seconds (measured only).
	WarmupS float64 `toml:"warmup_s"`
	// Synapses is the number of independent synapses per grid point (measured only).
	Synapses int `toml:"synapses"`
	// DtMs is the simulation time step in ms (measured only).
	DtMs float64 `toml:"dt_ms"`
	// W is the weight at which the drift is evaluated and held open loop.
	W float64 `toml:"w"`
	// Seed is the master seed of the simulation (measured only).
	Seed uint64 `toml:"seed"`
	// Pattern, if set, are the binary patterns mapped to the step family.
	Pattern *Pattern `toml:"pattern"`
	// Rule is the resolved plasticity rule.
	Rule spike.RuleSpec `toml:"rule"`
}

//go:embed config.go step.go
var docFiles embed.FS

// DocSources implements config.Documented: the field comments of Config
// and Pattern (this package) and of spike.RuleSpec.
func (c *Config) DocSources() []config.DocSource {
	return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}, spike.DocSource()}
}

// Options returns the simulation options of c (Method "auto" → "").
func (c *Config) Options() *Options {
	m := c.Method
	if m == "auto" {
		m = ""
	}
	return &Options{Method: m, DurationS: c.DurationS, WarmupS: c.WarmupS, Synapses: c.Synapses, DtMs: c.DtMs, W: c.W, Seed: c.Seed}
}

// Resolved returns c with the rule resolved and the defaults of Options
// filled in (as a run uses them), Method "" → "auto".
func (c Config) Resolved() (Config, error) {
	c.Rule = c.Rule.Resolved()
	d, err := c.Options().resolve(c.Rule)
	if err != nil {
		return c, err
	}
	c.DurationS, c.WarmupS, c.Synapses, c.DtMs, c.W, c.Seed = d.DurationS, d.WarmupS, d.Synapses, d.DtMs, d.W, d.Seed
	if c.Method == "" {
		c.Method = "auto"
	}
	return c, nil
}

// LoadFile reads a bridge TOML file: a rule (the keys of spike.RuleSpec,
// as LoadRuleFile) or a whole Config as a run writes it to
// config.resolved.toml (recognised by its [rule] table), so that a run
// can be repeated from its directory. cfg is nil for a rule file.
func LoadFile(path string) (rs spike.RuleSpec, cfg *Config, err error) {
	data, err := config.ReadFile(path)
	if err != nil {
		return rs, nil, err
	}
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return rs, nil, fmt.Errorf("%s: %v", path, err)
	}
	if _, ok := raw["rule"].(map[string]any); !ok {
		rs, err = LoadRuleFile(path)
		return rs, nil, err
	}
	c := &Config{}
	if _, err := config.Load(path, data, c, nil); err != nil {
		return rs, nil, err
	}
	if err := checkPairRule(c.Rule); err != nil {
		return rs, nil, fmt.Errorf("%s: [rule]: %w", path, err)
	}
	if err := checkBounds(c.Rule); err != nil {
		return rs, nil, fmt.Errorf("%s: [rule]: %w", path, err)
	}
	c.Rule = c.Rule.Resolved()
	return c.Rule, c, nil
}
