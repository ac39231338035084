package spiking

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/engramsim/engram/analysis/readout"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
)

// Task is the [task] section: after the measured period the network is
// driven by a stream of random symbols, one per slot, and a readout of the
// population's per-slot spike counts is trained on the task battery of
// criticality.md §6.3 (analysis/readout): the current symbol
// (memory-free), the symbol k slots back, and the parity of the last n
// symbols. Symbol c drives channel c, the block [c·channel_neurons,
// (c+1)·channel_neurons) of the population's neurons, with extra Poisson
// input for the slot; the symbols are i.i.d. uniform from the stream
// rng.Stimulus keyed "task:symbols". The task phase follows
// run.duration_ms and is excluded from the population statistics (rates,
// τ_AC, m̂, Fano), which stay those of the undriven measured period;
// plasticity windows should have ended before it (frozen network).
type Task struct {
	// Slots is the number of symbol slots presented after the measured
	// period (0: no task phase; typically 500–3000).
	Slots int `toml:"slots"`
	// SlotMs is the duration Δt of one slot in ms (a whole number of
	// steps; typically 10–50).
	SlotMs float64 `toml:"slot_ms" unit:"ms"`
	// Symbols is the size of the alphabet (≥ 2; the parity tasks need 2).
	Symbols int `toml:"symbols"`
	// Population names the driven and read-out population.
	Population string `toml:"population"`
	// ChannelNeurons is the number of neurons of one symbol's channel
	// (symbols × channel_neurons ≤ the population's size).
	ChannelNeurons int `toml:"channel_neurons"`
	// NSources is the number of extra Poisson sources per neuron of the
	// active channel (≥ 1).
	NSources int `toml:"n_sources"`
	// RateHz is the rate of each such source during its symbol's slots in Hz.
	RateHz float64 `toml:"rate_hz" unit:"Hz"`
	// Weight is the per-event magnitude of the symbol input (excitatory;
	// mV for delta/exp synapses, g_L for coba).
	Weight float64 `toml:"weight"`
	// Read selects the read-out neurons: "all" of the population, or
	// "undriven" (those in no channel: what they know of the input came
	// through the recurrent network).
	Read string `toml:"read"`
	// KBack lists the lags k ≥ 1 of the k-back recall tasks (e.g. 1…10).
	KBack []int `toml:"k_back"`
	// ParityN lists the windows n ≥ 1 of the parity tasks (e.g. 2…5; binary
	// symbols only).
	ParityN []int `toml:"parity_n"`
	// TestFraction is the fraction of the usable slots held out to measure
	// the accuracy (0 < f < 1; typically 0.2).
	TestFraction float64 `toml:"test_fraction"`
	// Readout is "ridge" (linear readout of one-hot targets, argmax) or
	// "logistic" (L2 logistic regression, one-vs-rest).
	Readout string `toml:"readout"`
	// Lambdas is the grid of L2 penalties (on standardised counts) from
	// which 5-fold cross-validation on the training slots picks one (one
	// value: fixed; empty: readout.DefaultLambdas).
	Lambdas []float64 `toml:"lambdas"`
}

// defaultTask is the [task] section's defaults (no task phase).
func defaultTask() Task {
	return Task{SlotMs: 20, Symbols: 2, Read: "all", KBack: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, ParityN: []int{2, 3, 4, 5},
		TestFraction: 0.2, Readout: readout.Ridge}
}

// taskSlotSteps is the slot length in steps.
func (c *Config) taskSlotSteps() int64 { return max(int64(c.Task.SlotMs/c.Network.DtMs+0.5), 1) }

// taskSteps is the length of the task phase in steps (0 without one).
func (c *Config) taskSteps() int64 {
	if c.Task.Slots <= 0 {
		return 0
	}
	return int64(c.Task.Slots) * c.taskSlotSteps()
}

// taskStartStep is the first step of the task phase (after the transient
// and the measured period).
func (c *Config) taskStartStep() int64 {
	tr, m := c.steps()
	return tr + m
}

// taskSymbols draws the symbol of every slot.
func (c *Config) taskSymbols() []int {
	r := rng.New(c.Network.Seed, rng.Stimulus, rng.NameKey("task:symbols"))
	s := make([]int, c.Task.Slots)
	for i := range s {
		s[i] = r.IntN(c.Task.Symbols)
	}
	return s
}

func taskChannelName(ch int) string { return fmt.Sprintf("task:%d", ch) }

// applyTask adds the symbol channels (groups task:<c>) and their Poisson
// inputs (named task:<c>, rate 0 outside their symbol's slots) to s.
func (c *Config) applyTask(s *spike.Spec) {
	if c.Task.Slots <= 0 {
		return
	}
	t := c.Task
	sym := c.taskSymbols()
	dt, L, s0 := c.Network.DtMs, c.taskSlotSteps(), c.taskStartStep()
	for ch := range t.Symbols {
		name := taskChannelName(ch)
		s.Groups = append(s.Groups, spike.GroupSpec{Name: name, Population: t.Population, Lo: ch * t.ChannelNeurons, Hi: (ch + 1) * t.ChannelNeurons})
		in := spike.PoissonSpec{Name: name, Target: t.Population, Group: name, NSources: t.NSources, Weight: t.Weight, Sign: "exc"}
		for k := 0; k < len(sym); k++ {
			if sym[k] != ch {
				continue
			}
			j := k
			for j+1 < len(sym) && sym[j+1] == ch {
				j++
			}
			in.Schedule = append(in.Schedule, spike.Segment{StartMs: float64(s0+int64(k)*L) * dt, StopMs: float64(s0+int64(j+1)*L) * dt, RateHz: t.RateHz})
			k = j
		}
		s.Poisson = append(s.Poisson, in)
	}
}

// validateTask checks the [task] section against the populations.
func (c *Config) validateTask() error {
	t := c.Task
	if t.Slots < 0 {
		return fmt.Errorf("task.slots = %d must be ≥ 0", t.Slots)
	}
	if t.Slots == 0 {
		return nil
	}
	k := slices.IndexFunc(c.Population, func(p spike.PopulationSpec) bool { return p.Name == t.Population })
	switch {
	case k < 0:
		return fmt.Errorf("task.population = %q: unknown population", t.Population)
	case c.Population[k].Neuron.Model.IsSource():
		return fmt.Errorf("task.population = %q is a spike source, not a network population", t.Population)
	case c.Run.ResumeFrom != "":
		return fmt.Errorf("task: a task phase cannot follow run.resume_from (its schedule is relative to the start of the run)")
	case !finite(t.SlotMs) || t.SlotMs/c.Network.DtMs < 0.5:
		return fmt.Errorf("task.slot_ms = %v must be finite and at least one step (network.dt_ms = %v)", t.SlotMs, c.Network.DtMs)
	case math.Abs(t.SlotMs/c.Network.DtMs-math.Round(t.SlotMs/c.Network.DtMs)) > 1e-6:
		return fmt.Errorf("task.slot_ms = %v is not a whole number of steps of dt = %v ms", t.SlotMs, c.Network.DtMs)
	case t.Symbols < 2:
		return fmt.Errorf("task.symbols = %d must be ≥ 2", t.Symbols)
	case t.ChannelNeurons < 1 || t.Symbols*t.ChannelNeurons > c.Population[k].N:
		return fmt.Errorf("task.channel_neurons = %d: need 1 ≤ symbols × channel_neurons (%d) ≤ the %d neurons of %q",
			t.ChannelNeurons, t.Symbols*t.ChannelNeurons, c.Population[k].N, t.Population)
	case t.Read != "all" && t.Read != "undriven":
		return fmt.Errorf(`task.read = %q must be "all" or "undriven"`, t.Read)
	case t.Read == "undriven" && t.Symbols*t.ChannelNeurons >= c.Population[k].N:
		return fmt.Errorf("task.read = \"undriven\": every neuron of %q is in a channel", t.Population)
	case t.NSources < 1:
		return fmt.Errorf("task.n_sources = %d must be ≥ 1", t.NSources)
	case !finite(t.RateHz) || t.RateHz < 0:
		return fmt.Errorf("task.rate_hz = %v must be finite and ≥ 0", t.RateHz)
	case !finite(t.Weight) || t.Weight < 0:
		return fmt.Errorf("task.weight = %v must be finite and ≥ 0", t.Weight)
	case len(t.ParityN) > 0 && t.Symbols != 2:
		return fmt.Errorf("task.parity_n needs binary symbols (task.symbols = %d)", t.Symbols)
	case !(t.TestFraction > 0 && t.TestFraction < 1):
		return fmt.Errorf("task.test_fraction = %v must be in (0, 1)", t.TestFraction)
	}
	lag := 0
	for i, v := range t.KBack {
		if v < 1 {
			return fmt.Errorf("task.k_back[%d] = %d must be ≥ 1", i, v)
		}
		lag = max(lag, v)
	}
	for i, v := range t.ParityN {
		if v < 1 {
			return fmt.Errorf("task.parity_n[%d] = %d must be ≥ 1", i, v)
		}
		lag = max(lag, v-1)
	}
	if usable := t.Slots - lag; float64(usable)*t.TestFraction < 10 || float64(usable)*(1-t.TestFraction) < 20 {
		return fmt.Errorf("task.slots = %d: %d usable slots after the largest lag %d leave too few test (≥ 10) or training (≥ 20) slots", t.Slots, usable, lag)
	}
	ro := c.taskReadout()
	if err := ro.Validate(); err != nil {
		return fmt.Errorf("task: %w", err)
	}
	return nil
}

func (c *Config) taskReadout() *readout.Options {
	return &readout.Options{Method: c.Task.Readout, Lambdas: c.Task.Lambdas}
}

// taskMon counts the spikes of each neuron of one population in each slot
// of the task phase.
type taskMon struct {
	net        *spike.Net
	pop        int
	n          int
	from, slot int64
	slots      int
	counts     []float32 // slots × n
}

func (m *taskMon) Name() string { return "task" }
func (m *taskMon) Detail() string {
	return fmt.Sprintf("spike counts per neuron of population %d in %d slots of %d steps", m.pop, m.slots, m.slot)
}
func (m *taskMon) Close() error { return nil }
func (m *taskMon) Abort()       {}
func (m *taskMon) Record(step int64) error {
	if step < m.from {
		return nil
	}
	k := (step - m.from) / m.slot
	if k >= int64(m.slots) {
		return nil
	}
	row := m.counts[k*int64(m.n) : (k+1)*int64(m.n)]
	for _, i := range m.net.Spiked(m.pop) {
		row[i]++
	}
	return nil
}

// taskResults is what the task phase produced.
type taskResults struct {
	symbols []int
	res     []readout.TaskResult
	rateHz  float64 // mean rate of the read-out neurons during the task phase
	driven  float64 // mean rate of the driven neurons in their own symbol's slots
	other   float64 // … and in the other symbols' slots
	read    int     // read-out neurons
}

// runTaskBattery builds the features (per-slot counts of the read-out
// neurons) and runs the readout battery.
func (c *Config) runTaskBattery(m *taskMon) (*taskResults, error) {
	t := c.Task
	sym := c.taskSymbols()
	lo := 0
	if t.Read == "undriven" {
		lo = t.Symbols * t.ChannelNeurons
	}
	nf := m.n - lo
	x := mat.NewDense(t.Slots, nf, nil)
	var tot, own, oth float64
	var nOwn, nOth int
	for k := range t.Slots {
		row := m.counts[k*m.n : (k+1)*m.n]
		for j := lo; j < m.n; j++ {
			x.Set(k, j-lo, float64(row[j]))
			tot += float64(row[j])
		}
		for ch := range t.Symbols {
			var s float64
			for j := ch * t.ChannelNeurons; j < (ch+1)*t.ChannelNeurons; j++ {
				s += float64(row[j])
			}
			if sym[k] == ch {
				own, nOwn = own+s, nOwn+t.ChannelNeurons
			} else {
				oth, nOth = oth+s, nOth+t.ChannelNeurons
			}
		}
	}
	slotS := float64(c.taskSlotSteps()) * c.Network.DtMs / 1000
	out := &taskResults{symbols: sym, read: nf, rateHz: tot / float64(nf*t.Slots) / slotS,
		driven: own / float64(nOwn) / slotS, other: math.NaN()}
	if nOth > 0 {
		out.other = oth / float64(nOth) / slotS
	}
	r := rng.New(c.Network.Seed, rng.Bootstrap, rng.NameKey("task:readout"))
	res, err := readout.RunBattery(x, sym, t.Symbols, &readout.BatteryOptions{Tasks: readout.BatteryTasks(t.KBack, t.ParityN),
		TestFraction: t.TestFraction, Readout: c.taskReadout()}, r)
	if err != nil {
		return nil, fmt.Errorf("task: %w", err)
	}
	out.res = res
	return out, nil
}

// summary is the task's entry of the run summary: per task acc, acc_se,
// chance, lambda, n_test; and the phase's rates.
func (tr *taskResults) summary() map[string]any {
	s := map[string]any{"rate_hz": jsonNum(tr.rateHz), "driven_rate_hz": jsonNum(tr.driven), "other_rate_hz": jsonNum(tr.other),
		"read_neurons": tr.read, "slots": len(tr.symbols)}
	for _, r := range tr.res {
		a := r.Accuracy
		s[r.Task.Name()] = map[string]any{"acc": jsonNum(a.Value), "acc_se": jsonNum(a.SE), "chance": jsonNum(a.Chance),
			"lambda": a.Lambda, "n_test": a.N, "n_train": a.Train}
	}
	return s
}

// writeTask writes rec/task_symbols.npy (int64, slots), rec/task_counts.npy
// (float32, slots × neurons of the population: spikes per slot),
// res/task.tsv (one row per task) and figs/task_accuracy.
func writeTask(env *experiment.Env, c *Config, m *taskMon, tr *taskResults) ([]figRef, error) {
	sym := make([]int64, len(tr.symbols))
	for i, v := range tr.symbols {
		sym[i] = int64(v)
	}
	if err := store.WriteNPY(env.Path("rec", "task_symbols.npy"), sym); err != nil {
		return nil, err
	}
	if err := store.WriteNPY(env.Path("rec", "task_counts.npy"), m.counts, m.slots, m.n); err != nil {
		return nil, err
	}
	w, err := store.NewTSVWriter(env.Path("res", "task.tsv"), []string{"task", "kind", "k", "accuracy", "se", "chance", "n_test", "n_train", "lambda", "method"})
	if err != nil {
		return nil, err
	}
	for _, r := range tr.res {
		a := r.Accuracy
		if err := w.Row(r.Task.Name(), r.Task.Kind, r.Task.K, a.Value, a.SE, a.Chance, a.N, a.Train, a.Lambda, a.Method); err != nil {
			w.Abort()
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	var series []plot.Series
	for i, kind := range []string{readout.KBack, readout.Parity} {
		var x, y, e []float64
		for _, r := range tr.res {
			if r.Task.Kind == kind {
				x, y, e = append(x, float64(r.Task.K)), append(y, r.Accuracy.Value), append(e, r.Accuracy.SE)
			}
		}
		if len(x) > 0 {
			series = append(series, plot.Series{Name: kind, X: x, Y: y, YErr: e, Points: len(x) < 3, Color: i})
		}
	}
	for _, r := range tr.res {
		if r.Task.Kind == readout.Current {
			series = append(series, plot.Series{Name: "current", X: []float64{0}, Y: []float64{r.Accuracy.Value},
				YErr: []float64{r.Accuracy.SE}, Points: true, Color: 2})
		}
	}
	chance := 1 / float64(c.Task.Symbols)
	series = append(series, plot.Series{Name: "chance", X: []float64{0, float64(max(slices.Max(append([]int{1}, c.Task.KBack...)), slices.Max(append([]int{1}, c.Task.ParityN...))))},
		Y: []float64{chance, chance}, Dashed: true, Color: plot.Background})
	base := env.Path("figs", "task_accuracy")
	if _, err := plot.Lines(base, plot.LineSpec{Title: "Task battery: held-out accuracy", XLabel: "k (k-back) / n (parity); current at 0",
		YLabel: "accuracy (± binomial SE)", Series: series, Legend: true}); err != nil {
		return nil, err
	}
	return []figRef{{base + ".png", fmt.Sprintf("Held-out accuracy of the %s readout of %d %s neurons' spike counts per %g ms slot "+
		"(%d slots): the current symbol at 0, the symbol k slots back, the parity of the last n symbols; dashed: chance. res/task.tsv has the numbers.",
		c.Task.Readout, tr.read, c.Task.Population, c.Task.SlotMs, c.Task.Slots)}}, nil
}

func addTaskReport(r *report.Report, c *Config, tr *taskResults) {
	t := c.Task
	r.Section("Task battery")
	r.Paragraph(fmt.Sprintf("After the measured period, %d slots of %g ms each presented one of %d symbols (i.i.d. uniform); symbol c drove "+
		"neurons [c·%d, (c+1)·%d) of %s with %d extra Poisson sources of %g Hz × %g mV. Features: spike counts per slot of the %d %s neurons read (%s); "+
		"readout %s, λ by 5-fold cross-validation on the training slots, held-out fraction %g. Rates in the task phase: read-out neurons %.3g Hz, "+
		"driven channel %.3g Hz, the other channels %.3g Hz. The binomial SE ignores the correlation between neighbouring slots.",
		t.Slots, t.SlotMs, t.Symbols, t.ChannelNeurons, t.ChannelNeurons, t.Population, t.NSources, t.RateHz, t.Weight, tr.read, t.Population, t.Read,
		t.Readout, t.TestFraction, tr.rateHz, tr.driven, tr.other))
	var rows [][]string
	for _, x := range tr.res {
		a := x.Accuracy
		rows = append(rows, []string{x.Task.Name(), fmt.Sprintf("%.3f ± %.3f", a.Value, a.SE), fmt.Sprintf("%.3f", a.Chance),
			fmt.Sprint(a.N), fmt.Sprintf("%g", a.Lambda)})
	}
	r.Table("Held-out accuracy", []string{"task", "accuracy ± SE", "chance (majority)", "test slots", "λ"}, rows)
}
