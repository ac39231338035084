package experiment

import (
	"context"
	"math"
	"strings"
	"testing"
)

func TestSaturateBytesAndCheckMemory(t *testing.T) {
	for in, want := range map[float64]int64{0: 0, 1.5: 1, 1e18: 1e18, 1e19: math.MaxInt64, math.Inf(1): math.MaxInt64, math.NaN(): math.MaxInt64, -3: 0} {
		if got := SaturateBytes(in); got != want {
			t.Errorf("SaturateBytes(%v) = %d, want %d", in, got, want)
		}
	}
	e := &Env{MemBudget: 1 << 30}
	if err := e.CheckMemory(-5, "run"); err == nil || !strings.Contains(err.Error(), "overflowed") {
		t.Errorf("negative estimate: %v", err)
	}
	if err := e.CheckMemory(math.MaxInt64, "run"); err == nil || !strings.Contains(err.Error(), "above the budget") {
		t.Errorf("saturated estimate: %v", err)
	}
	if err := (&Env{}).CheckMemory(-1, "run"); err == nil {
		t.Error("negative estimate accepted without a budget")
	}
	if err := e.CheckMemory(1<<20, "run"); err != nil {
		t.Error(err)
	}
}

type fakeConfig struct{ seed uint64 }

func (c *fakeConfig) Validate() error      { return nil }
func (c *fakeConfig) SeedValue() uint64    { return c.seed }
func (c *fakeConfig) SetSeed(s uint64)     { c.seed = s }
func (c *fakeConfig) EstimateBytes() int64 { return int64(c.seed) * 10 }

// Typed wraps a typed run and estimate: the Def sees the same config
// value its NewConfig returned.
func TestTyped(t *testing.T) {
	d := Typed("fake", "a fake", func() *fakeConfig { return &fakeConfig{seed: 3} },
		func(_ context.Context, c *fakeConfig, _ *Env) (Summary, error) { return Summary{"seed": c.seed}, nil }, (*fakeConfig).EstimateBytes)
	c := d.NewConfig()
	c.SetSeed(4)
	sum, err := d.Run(context.Background(), c, &Env{})
	if err != nil || sum["seed"] != uint64(4) || d.EstimateBytes(c) != 40 || d.Name != "fake" {
		t.Errorf("Typed: %v %v %d", sum, err, d.EstimateBytes(c))
	}
	if Typed("x", "", func() *fakeConfig { return nil }, nil, nil).EstimateBytes != nil {
		t.Error("nil estimate should leave EstimateBytes nil")
	}
}
