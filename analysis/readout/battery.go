package readout

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Task kinds: targets derived from the symbol sequence s_0, s_1, … that
// drove the network, read out from the state x_t after symbol s_t.
const (
	// Current: y_t = s_t (memory-free).
	Current = "current"
	// KBack: y_t = s_{t−k} (recall k symbols back).
	KBack = "kback"
	// Parity: y_t = (s_t + s_{t−1} + … + s_{t−n+1}) mod 2 (binary symbols:
	// the XOR of the last n inputs, the current one included).
	Parity = "parity"
)

// Task is one target of the battery.
type Task struct {
	// Kind is Current, KBack or Parity.
	Kind string
	// K is the lag of KBack and the window n of Parity (0 for Current).
	K int
}

// Name is "current", "kback_<k>" or "parity_<n>".
func (t Task) Name() string {
	if t.Kind == Current {
		return Current
	}
	return fmt.Sprintf("%s_%d", t.Kind, t.K)
}

// Lag is the number of earlier symbols the target needs.
func (t Task) Lag() int {
	switch t.Kind {
	case KBack:
		return t.K
	case Parity:
		return t.K - 1
	}
	return 0
}

// Classes is the number of labels of the task for the given alphabet.
func (t Task) Classes(symbols int) int {
	if t.Kind == Parity {
		return 2
	}
	return symbols
}

// TargetsTo fills dst[t] (len(dst) = len(s)) with the task's label for
// slot t, or −1 for the first Lag() slots where it is undefined, and
// returns dst. It panics on an unknown kind.
func (t Task) TargetsTo(dst, s []int) []int {
	if len(dst) != len(s) {
		panic("readout: TargetsTo: dst and symbols differ in length")
	}
	for i := range s {
		if i < t.Lag() {
			dst[i] = -1
			continue
		}
		switch t.Kind {
		case Current:
			dst[i] = s[i]
		case KBack:
			dst[i] = s[i-t.K]
		case Parity:
			var sum int
			for j := i - t.K + 1; j <= i; j++ {
				sum += s[j]
			}
			dst[i] = sum % 2
		default:
			panic(fmt.Sprintf("readout: unknown task kind %q", t.Kind))
		}
	}
	return dst
}

// BatteryTasks returns Current, KBack for each k of kBack and Parity for
// each n of parityN, in that order.
func BatteryTasks(kBack, parityN []int) []Task {
	ts := []Task{{Kind: Current}}
	for _, k := range kBack {
		ts = append(ts, Task{Kind: KBack, K: k})
	}
	for _, n := range parityN {
		ts = append(ts, Task{Kind: Parity, K: n})
	}
	return ts
}

// BatteryOptions configures RunBattery; nil means the defaults.
type BatteryOptions struct {
	// Tasks are the targets (empty: BatteryTasks(1..10, 2..5)).
	Tasks []Task
	// TestFraction is the fraction of the usable slots held out for
	// testing (default 0.2).
	TestFraction float64
	// Readout configures the classifier (nil: ridge, λ by 5-fold CV).
	Readout *Options
}

// TaskResult is the held-out accuracy of one task.
type TaskResult struct {
	Task     Task
	Accuracy Accuracy
}

// RunBattery reads the tasks out of the states x (slots × features; row t
// is the state after symbol s[t], s[t] in 0..symbols−1). Every task uses
// the same samples — the slots from the largest lag on — and the same
// random train/test split, drawn from r (as are the cross-validation
// folds). Parity needs binary symbols.
func RunBattery(x mat.Matrix, s []int, symbols int, o *BatteryOptions, r *rand.Rand) ([]TaskResult, error) {
	var opt BatteryOptions
	if o != nil {
		opt = *o
	}
	if len(opt.Tasks) == 0 {
		opt.Tasks = BatteryTasks([]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []int{2, 3, 4, 5})
	}
	if opt.TestFraction == 0 {
		opt.TestFraction = 0.2
	}
	n, _ := x.Dims()
	if len(s) != n {
		return nil, fmt.Errorf("readout: %d states for %d symbols", n, len(s))
	}
	if symbols < 2 {
		return nil, fmt.Errorf("readout: alphabet of %d symbols (need ≥ 2)", symbols)
	}
	for i, v := range s {
		if v < 0 || v >= symbols {
			return nil, fmt.Errorf("readout: symbol %d of slot %d outside 0..%d", v, i, symbols-1)
		}
	}
	lag := 0
	for _, t := range opt.Tasks {
		switch {
		case t.Kind == KBack && t.K < 1, t.Kind == Parity && t.K < 1:
			return nil, fmt.Errorf("readout: task %s: k must be ≥ 1", t.Name())
		case t.Kind == Parity && symbols != 2:
			return nil, fmt.Errorf("readout: task %s needs binary symbols (have %d)", t.Name(), symbols)
		case t.Kind != Current && t.Kind != KBack && t.Kind != Parity:
			return nil, fmt.Errorf("readout: unknown task kind %q", t.Kind)
		}
		lag = max(lag, t.Lag())
	}
	if !(opt.TestFraction > 0 && opt.TestFraction < 1) {
		return nil, fmt.Errorf("readout: test fraction %v must be in (0, 1)", opt.TestFraction)
	}
	m := n - lag
	if nt := int(opt.TestFraction*float64(m) + 0.5); m < 4 || nt < 1 || nt >= m-1 {
		return nil, fmt.Errorf("readout: %d usable slots (%d after a lag of %d) are too few", n, m, lag)
	}
	sp := RandomSplit(m, opt.TestFraction, r)
	for i := range sp.Train {
		sp.Train[i] += lag
	}
	for i := range sp.Test {
		sp.Test[i] += lag
	}
	slices.Sort(sp.Test)
	c, err := NewClassifier(x, sp, opt.Readout, r)
	if err != nil {
		return nil, err
	}
	out := make([]TaskResult, 0, len(opt.Tasks))
	y := make([]int, n)
	for _, t := range opt.Tasks {
		t.TargetsTo(y, s)
		a, err := c.Classify(y, t.Classes(symbols))
		if err != nil {
			return nil, fmt.Errorf("readout: task %s: %w", t.Name(), err)
		}
		out = append(out, TaskResult{Task: t, Accuracy: a})
	}
	return out, nil
}
