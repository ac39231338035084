package ratefn

import (
	"math"
	"strings"
	"testing"
)

// Rule.Validate names the config keys of f and g (rule.x_g_hz, not the
// "rule.x_hzg" it printed before issue 13).
func TestRuleValidateNamesKeys(t *testing.T) {
	for _, c := range []struct {
		mod  func(*Rule)
		want string
	}{
		{func(r *Rule) { r.G.XHz = math.Inf(1) }, "rule.x_g_hz = +Inf"},
		{func(r *Rule) { r.F.XHz = math.NaN() }, "rule.x_f_hz = NaN"},
		{func(r *Rule) { r.G.BetaPerHz = math.Inf(-1) }, "rule.beta_g_per_hz = -Inf"},
		{func(r *Rule) { r.F.Q = math.NaN() }, "rule.q_f = NaN"},
		{func(r *Rule) { r.F.BetaPerHz = 0 }, "rule.beta_f_per_hz = 0 must be > 0"},
	} {
		r := MedianRule()
		c.mod(&r)
		if err := r.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want %q", err, c.want)
		}
	}
}
