package homeostasis

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/engramsim/engram/analysis/branching"
	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/rng"
)

// Config is one network.
type Config struct {
	N, K  int     // units and presynaptic partners per unit (spec: 1000, 100)
	H     float64 // external activation probability per unit and step
	RStar float64 // target rate r*, events per unit and step (spec: 0.01)
	TauHP float64 // homeostatic time constant in steps (spec: 2000)
	Seed  uint64
	Key   uint64 // distinguishes networks of one seed (e.g. the sweep index)
}

// SpecConfig returns CR-1's network at external drive h.
func SpecConfig(h float64, seed uint64) Config {
	return Config{N: 1000, K: 100, H: h, RStar: 0.01, TauHP: 2000, Seed: seed}
}

// Validate names the first bad field.
func (c Config) Validate() error {
	switch {
	case c.N < 2:
		return fmt.Errorf("homeostasis: n = %d must be ≥ 2", c.N)
	case c.K < 1 || c.K > c.N-1:
		return fmt.Errorf("homeostasis: k = %d must be in [1, n−1 = %d]", c.K, c.N-1)
	case !(c.H >= 0 && c.H < 1):
		return fmt.Errorf("homeostasis: h = %v must be in [0, 1)", c.H)
	case !(c.RStar > 0 && c.RStar < 1):
		return fmt.Errorf("homeostasis: r* = %v must be in (0, 1)", c.RStar)
	case !(c.TauHP >= 1) || math.IsInf(c.TauHP, 0):
		return fmt.Errorf("homeostasis: tau_hp = %v must be ≥ 1 step", c.TauHP)
	}
	return nil
}

// Net is a built network and its state.
type Net struct {
	cfg    Config
	out    *conn.CSC // who each unit activates
	W      []float64 // incoming weight w_i per unit
	active []int32   // units active at the current step
	cnt    []int32   // active partners per unit (scratch, zero between steps)
	next   []int32
	stream *rand.Rand
	Steps  int64
}

// New builds the network (fixed in-degree K, no self-connections) with all
// weights 0 and no unit active.
func New(c Config) (*Net, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m, err := conn.FixedInDegree(c.N, c.N, c.K, conn.GenOptions{Seed: c.Seed, Key: c.Key})
	if err != nil {
		return nil, fmt.Errorf("homeostasis: %w", err)
	}
	return &Net{cfg: c, out: m.ByPre(), W: make([]float64, c.N), cnt: make([]int32, c.N),
		stream: rng.New(c.Seed, rng.Synthetic, c.Key)}, nil
}

// Step advances one step; with plastic, the homeostatic rule updates W. It
// returns the number of active units after the step.
func (n *Net) Step(plastic bool) int {
	c := &n.cfg
	for _, j := range n.active {
		for k := n.out.ColPtr[j]; k < n.out.ColPtr[j+1]; k++ {
			n.cnt[n.out.Post[k]]++
		}
	}
	n.next = n.next[:0]
	q := 1 - c.H
	up, down := c.RStar/c.TauHP, (1-c.RStar)/c.TauHP
	for i := range n.W {
		p := c.H
		if a := n.cnt[i]; a > 0 {
			// 1 − (1−h)(1−w)^a, the power by multiplication (a is small)
			s, b := 1.0, 1-n.W[i]
			for ; a > 0; a-- {
				s *= b
			}
			p = 1 - q*s
			n.cnt[i] = 0
		}
		on := n.stream.Float64() < p
		if on {
			n.next = append(n.next, int32(i))
		}
		if plastic {
			if on {
				n.W[i] = max(0, n.W[i]-down)
			} else {
				n.W[i] = min(1, n.W[i]+up)
			}
		}
	}
	n.active, n.next = n.next, n.active
	n.Steps++
	return len(n.active)
}

// RunOptions are the phases of a run.
type RunOptions struct {
	Develop int // plastic steps (spec: 1.5·10⁵)
	Measure int // frozen steps recorded (spec: 10⁵)
	// AverageLast > 0 freezes the weights at their mean over the last
	// AverageLast development steps instead of their last value (the
	// snapshot carries the loop's slow fluctuations, which move m by
	// ±0.02 near criticality).
	AverageLast int
	// Subsample > 0 also records the activity of units 0..Subsample−1 (a
	// random subset: the connectivity is random), for subsampling tests.
	Subsample int
}

// SpecRun is CR-1's protocol (1.5·10⁵ plastic steps, 10⁵ measured) with
// the weights frozen at their mean over the last 2·10⁴ steps (10 τ_hp; our
// choice, the spec is silent — frozen snapshots put m̂ anywhere in
// 0.947–0.976 at h/r* = 0.03 over four seeds, averaged ones in
// 0.961–0.964, where the spec's reference measured 0.9640) and a 10 %
// subsample recorded.
func SpecRun(n int) RunOptions {
	return RunOptions{Develop: 150000, Measure: 100000, AverageLast: 20000, Subsample: n / 10}
}

// Result is one develop-then-measure run.
type Result struct {
	Config
	RunOptions
	// Activity is A_t, the number of active units per measured step, and
	// SubActivity the same for the subsample.
	Activity, SubActivity []float64
	// Rate is the mean A_t/N over the measurement; RateDeviation = Rate/r* − 1.
	Rate, RateDeviation float64
	// M is the OLS slope of A_{t+1} on A_t (branching.Conventional, the
	// spec's m̂; NaN for a constant series), MTheory = 1 − h/r*.
	M, MTheory float64
	// MeanW is the mean incoming weight after development.
	MeanW float64
	// Warning is set when the rate missed r* by more than 15 % (spec CR-2:
	// the homeostatic loop did not settle, e.g. the bursting regime of very
	// low input).
	Warning string
}

// Run develops the network (plastic), freezes it and measures.
func Run(c Config, o RunOptions) (*Result, error) { return RunContext(context.Background(), c, o) }

// RunContext is Run, stopping with ctx's error (checked every 1000 steps).
func RunContext(ctx context.Context, c Config, o RunOptions) (*Result, error) {
	if o.Develop < 0 || o.Measure < 3 || o.Subsample < 0 || o.Subsample > c.N {
		return nil, fmt.Errorf("homeostasis: develop = %d must be ≥ 0, measure = %d ≥ 3 steps, subsample = %d in [0, n]",
			o.Develop, o.Measure, o.Subsample)
	}
	if o.AverageLast < 0 || (o.AverageLast > 0 && o.Develop == 0) {
		return nil, fmt.Errorf("homeostasis: average_last = %d needs 0 or plastic steps to average (develop = %d)", o.AverageLast, o.Develop)
	}
	n, err := New(c)
	if err != nil {
		return nil, err
	}
	var avg []float64
	if o.AverageLast > 0 {
		avg = make([]float64, c.N)
	}
	for t := range o.Develop {
		if t%1000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		n.Step(true)
		if avg != nil && t >= o.Develop-o.AverageLast {
			for i, w := range n.W {
				avg[i] += w
			}
		}
	}
	if avg != nil {
		k := float64(min(o.AverageLast, o.Develop))
		for i := range avg {
			n.W[i] = avg[i] / k
		}
	}
	res := &Result{Config: c, RunOptions: o, Activity: make([]float64, o.Measure), MTheory: 1 - c.H/c.RStar}
	if o.Subsample > 0 {
		res.SubActivity = make([]float64, o.Measure)
	}
	var sum float64
	for t := range res.Activity {
		if t%1000 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a := float64(n.Step(false))
		res.Activity[t] = a
		sum += a
		if o.Subsample > 0 {
			var s int
			for _, i := range n.active {
				if int(i) < o.Subsample {
					s++
				}
			}
			res.SubActivity[t] = float64(s)
		}
	}
	for _, w := range n.W {
		res.MeanW += w
	}
	res.MeanW /= float64(c.N)
	res.Rate = sum / float64(o.Measure) / float64(c.N)
	res.RateDeviation = res.Rate/c.RStar - 1
	res.M = math.NaN() // a constant (e.g. silent) series has no slope
	if ols, err := branching.Conventional([][]float64{res.Activity}); err == nil {
		res.M = ols.M
	}
	if math.Abs(res.RateDeviation) > 0.15 {
		why := "the homeostatic loop did not settle (bursting at low input?)"
		switch {
		case res.Rate == 0:
			why = "the network is silent"
		case c.H >= c.RStar:
			why = "the input alone reaches r*: the weights sit at 0"
		case res.RateDeviation < 0:
			why = "the homeostatic loop did not settle"
		}
		res.Warning = fmt.Sprintf("rate %.4g per step is %+.0f%% off r* = %g: %s", res.Rate, 100*res.RateDeviation, c.RStar, why)
	}
	return res, nil
}
