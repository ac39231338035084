package homeostasis

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
)

func small() *Config {
	c := Defaults()
	c.Network.N, c.Network.K, c.Network.RStar, c.Network.TauHP = 300, 30, 0.02, 200
	c.Sweep.HOverRStar = []float64{0.3, 0.05}
	c.Sweep.Develop, c.Sweep.Measure, c.Sweep.AverageLast = 20000, 20000, 2000
	return c
}

// The sweep writes its table, activity arrays, figures and summary; m̂
// grows as the input falls and follows 1 − h/r* (loosely on this small,
// short network: within 0.03); results do not depend on the worker count.
func TestSweep(t *testing.T) {
	c := small()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	var sums [2]experiment.Summary
	for v, w := range []int{1, 2} {
		dir := t.TempDir()
		env := &experiment.Env{Dir: dir, Seed: 1, Workers: w, Report: report.New("t")}
		sum, err := Run(context.Background(), c, env)
		if err != nil {
			t.Fatal(err)
		}
		sums[v] = sum
		for _, f := range []string{"res/sweep.tsv", "figs/m_vs_input.png", "figs/m_vs_input.tsv", "figs/tau_vs_input.svg",
			"rec/activity_h0.05_r1.npy"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Fatal(err)
			}
		}
		a, err := store.ReadNPY(filepath.Join(dir, "rec", "activity_h0.3_r0.npy"))
		if err != nil || a.Shape[0] != c.Sweep.Measure {
			t.Fatalf("activity array: %v %v", err, a)
		}
	}
	if !reflect.DeepEqual(sums[0], sums[1]) {
		t.Fatalf("summary depends on workers:\n%v\n%v", sums[0], sums[1])
	}
	m, th := sums[0]["m_ols"].([]float64), sums[0]["m_theory"].([]float64)
	if !(m[0] > m[1]) {
		t.Errorf("m̂ %v does not grow as the input falls", m)
	}
	for i := range m {
		if d := m[i] - th[i]; d > 0.03 || d < -0.03 {
			t.Errorf("h/r* point %d: m̂ %.4f vs theory %.4f", i, m[i], th[i])
		}
	}
}

func TestValidate(t *testing.T) {
	for _, mod := range []func(c *Config){
		func(c *Config) { c.Sweep.HOverRStar = nil },
		func(c *Config) { c.Sweep.HOverRStar = []float64{1.5} },
		func(c *Config) { c.Network.K = c.Network.N },
		func(c *Config) { c.Network.RStar = 0 },
		func(c *Config) { c.Sweep.Seeds = 0 },
		func(c *Config) { c.Sweep.AverageLast = c.Sweep.Develop + 1 },
		func(c *Config) { c.Sweep.SubsampleFrac = 2 },
		func(c *Config) { c.Sweep.MRTrials = 1 },
		func(c *Config) { c.Sweep.Measure = 50 },
	} {
		c := Defaults()
		mod(c)
		if err := c.Validate(); err == nil {
			t.Errorf("invalid config accepted: %+v", c)
		}
	}
	if err := Defaults().Validate(); err != nil {
		t.Error(err)
	}
}
