package noisyrate

import (
	"context"
	"testing"
)

// TestLinearMatchesTheory: with a linear F the Lyapunov covariance is
// exact; the simulation must agree within 3 SE on ≥ 95 % of the entries
// and the entropies to the simulation's precision.
func TestLinearMatchesTheory(t *testing.T) {
	c := Defaults()
	c.Network.N, c.Network.Transfer, c.Input.TauXMs = 6, "linear", 0
	c.Run.DurationMs = 40000
	if testing.Short() {
		c.Run.DurationMs = 10000
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	r, err := Compute(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("linear: %.1f %% within 3 SE, max |z| %.2f, rel. error %.3g, H %.4f vs %.4f", 100*r.Within3SE, r.MaxAbsZ, r.RelErr, r.HTheory, r.HSim)
	if r.Within3SE < 0.95 {
		t.Errorf("only %.1f %% of the entries within 3 SE", 100*r.Within3SE)
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		set  func(*Config)
		want string
	}{
		{func(c *Config) { c.Network.Coupling = 5 }, "network.coupling"},
		{func(c *Config) { c.Network.Transfer, c.Network.Coupling = "linear", 1.5 }, "unstable"},
		{func(c *Config) { c.Input.TauXMs = 0 }, "white noise"},
		{func(c *Config) { c.Input.Rho = 1 }, "input.rho"},
		{func(c *Config) { c.Run.DtMs = 5 }, "run.dt_ms"},
	} {
		cfg := Defaults()
		c.set(cfg)
		if err := cfg.Validate(); err == nil || !contains(err.Error(), c.want) {
			t.Errorf("err = %v, want %q", err, c.want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
