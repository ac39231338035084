package corrstim

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/engramsim/engram/analysis/corr"
)

func small() *Config {
	c := Defaults()
	c.Network.NE, c.Network.NI, c.Network.KE, c.Network.KI = 100, 25, 20, 5
	c.Run.DurationMs, c.Run.Recorded, c.Run.IsingGroups = 3000, 40, 2
	c.Sweep.RhoIn, c.Sweep.XiIn, c.Sweep.Recurrence = []float64{0, 0.2}, []int{1, 5}, []float64{1}
	return c
}

// TestInputCorrelation: the generated channels have the requested
// pairwise count correlation (DG and CPP) and the shuffled null none:
// 200 s of input in 20-ms bins (10⁴ bins: SE of the mean ρ ≈ 0.01, the
// pairs sharing one common factor), tolerance 0.03 = 3 SE; the CPP's
// CuBIC ξ̂ is its event order.
func TestInputCorrelation(t *testing.T) {
	c := small()
	c.Run.TransientMs, c.Run.DurationMs = 0, 200000
	for i, k := range []Condition{{RhoIn: 0.2, XiIn: 1}, {RhoIn: 0.1, XiIn: 5}, {RhoIn: 0.2, XiIn: 1, Null: true}, {RhoIn: 0.1, XiIn: 5, Null: true}} {
		tr, err := c.generateInput(k, rand.New(rand.NewPCG(uint64(i), 3)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := tr.Bin(20, nil)
		ps, err := corr.CountCorrelation(b)
		if err != nil {
			t.Fatal(err)
		}
		want := k.RhoIn
		if k.Null {
			want = 0
		}
		rate := float64(tr.Len()) / float64(c.Input.Channels) / 200
		pop, _ := tr.PopulationCounts(5, nil)
		cub, _ := corr.CuBIC(pop, nil)
		t.Logf("%s: ρ = %.4f (want %.2f), rate %.2f Hz, ξ̂ %v", k, ps.Mean, want, rate, cub)
		if math.Abs(ps.Mean-want) > 0.03 || math.Abs(rate-c.Input.RateHz) > 0.5 {
			t.Errorf("%s: ρ = %.4f, rate %.2f Hz; want %.2f, %v Hz", k, ps.Mean, rate, want, c.Input.RateHz)
		}
		if k.XiIn == 5 && !k.Null && (cub == nil || cub.XiHat != 5) {
			t.Errorf("%s: CuBIC of order-5 input gives %+v", k, cub)
		}
	}
}

// TestOutputFollowsInput: correlated input raises the output correlation
// above the shuffled null.
func TestOutputFollowsInput(t *testing.T) {
	c := small()
	c.Sweep.XiIn = []int{1}
	outs, _, err := c.Simulate(context.Background(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	var corrd, null float64
	for _, o := range outs {
		if o.RhoIn == 0.2 {
			if o.Null {
				null = o.RhoOut
			} else {
				corrd = o.RhoOut
			}
		}
	}
	if !(corrd > null+0.05) {
		t.Errorf("ρ_out with correlated input %.3f, shuffled %.3f", corrd, null)
	}
}

func TestInfeasibleSkipped(t *testing.T) {
	c := small()
	c.Sweep.RhoIn, c.Sweep.XiIn = []float64{0.5}, []int{2}
	if c.feasible(0.5, 2) {
		t.Fatal("ρ = 0.5 with order-2 events among 20 channels reported feasible")
	}
	outs, skipped, err := c.Simulate(context.Background(), 1, nil)
	if err != nil || len(outs) != 0 || len(skipped) != 2 {
		t.Fatalf("outs %d skipped %d err %v", len(outs), len(skipped), err)
	}
}

func TestValidate(t *testing.T) {
	c := Defaults()
	c.Input.KIn = 50
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "input.k_in") {
		t.Errorf("err = %v", err)
	}
	c = Defaults()
	c.Sweep.XiIn = []int{0}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "sweep.xi_in[0]") {
		t.Errorf("err = %v", err)
	}
}
