package capacity

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/report"
)

// At the median ITC fit the capacity is α_c = 0.560 (branch maximum) and
// 0.5535 (the original scan-stop rule), the numbers `engram capacity`
// prints (README; pereira-brunel.md §2); tolerance 0.002.
func TestMedianCapacity(t *testing.T) {
	env := &experiment.Env{Dir: t.TempDir(), Workers: 2, Report: report.New("t")}
	sum, err := Run(context.Background(), Defaults(), env)
	if err != nil {
		t.Fatal(err)
	}
	if a := sum["alpha_c"].(float64); math.Abs(a-0.560) > 0.002 {
		t.Errorf("alpha_c = %v, want 0.560", a)
	}
	if a := sum["alpha_c_scan"].(float64); math.Abs(a-0.5535) > 0.002 {
		t.Errorf("alpha_c_scan = %v, want 0.5535", a)
	}
}

func TestBadTheoryKeys(t *testing.T) {
	for kv, want := range map[string]string{"theory.grid=fine": `theory.grid = "fine"`, "theory.c=1": "theory.c = 1", "theory.finite_k=-2": "theory.finite_k = -2"} {
		c := Defaults()
		if _, err := config.Load("x.toml", nil, c, []string{kv}); err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", kv, err)
		}
	}
	c := Defaults()
	if err := c.ApplyPreset("itc3"); err != nil || c.Rule.A == Defaults().Rule.A {
		t.Errorf("preset itc3: %v", err)
	}
}
