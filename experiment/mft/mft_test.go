package mft

import (
	"context"
	"strings"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/runner"
)

// R7 of pereira-brunel.md §4: at α = 0.2, A = 10.65 (3 × median) the
// retrieval state has m = 0.768 (±0.01) and is a stable fixed point
// (λ < 1), the background state is chaotic (λ > 1). The summary's flat
// metrics carry the same numbers.
func TestR7(t *testing.T) {
	c := Defaults()
	c.MFT.Alpha, c.Rule.A = 0.2, 10.6518
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	env := &experiment.Env{Workers: 2, Report: report.New("t")}
	sum, err := Run(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	metrics := map[string]float64{}
	for _, m := range runner.Flatten(sum) {
		metrics[m.Name] = m.Value
	}
	if m := metrics["retrieval.m"]; m < 0.758 || m > 0.778 {
		t.Errorf("retrieval.m = %v, want 0.768 ± 0.01", m)
	}
	if metrics["retrieval.exists"] != 1 || !(metrics["retrieval.lambda"] < 1) || !(metrics["background.lambda"] > 1) {
		t.Errorf("states: %v", metrics)
	}
	if metrics["retrieval_m"] != metrics["retrieval.m"] {
		t.Errorf("retrieval_m %v ≠ retrieval.m %v", metrics["retrieval_m"], metrics["retrieval.m"])
	}
}

// Validate names the key at fault.
func TestValidateNamesKeys(t *testing.T) {
	for _, c := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.MFT.Alpha = 0 }, "mft.alpha"},
		{func(c *Config) { c.MFT.Grid = "fine" }, "mft.grid"},
		{func(c *Config) { c.MFT.FiniteK = -1 }, "mft.finite_k"},
		{func(c *Config) { c.MFT.C = 1 }, "mft.c"},
		{func(c *Config) { c.Rule.A = -1 }, "rule.A"},
	} {
		cfg := Defaults()
		c.set(cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.want, err)
		}
	}
	if err := Defaults().ApplyPreset("itc15"); err == nil {
		t.Error("preset itc15 accepted")
	}
}
