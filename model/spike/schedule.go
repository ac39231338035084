package spike

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Phase names a slot of the simulation step. Every step runs the phases in
// this order; rules, monitors and checkers are entries registered at a
// phase (see Net.Schedule).
type Phase int

// The phases of a step.
const (
	// PhaseInput: schedules and external events, trace decay, arrival of
	// delayed spikes at their synapses (their weights are read), Poisson
	// drive.
	PhaseInput Phase = iota
	// PhaseIntegrate: membrane and synaptic state over dt, threshold and
	// reset (fused per neuron).
	PhaseIntegrate
	// PhaseDeliver: this step's spikes enter the delay lines (each
	// population's spike history).
	PhaseDeliver
	// PhasePlasticity: event-driven plasticity rules (presynaptic arrivals,
	// postsynaptic spikes).
	PhasePlasticity
	// PhasePeriodic: periodic operators (rate homeostasis, scaling, …).
	PhasePeriodic
	// PhaseRecord: monitors.
	PhaseRecord
	// PhaseCheck: NaN/Inf and runaway-rate checkers.
	PhaseCheck
)

var phaseNames = [...]string{"input", "integrate", "deliver", "plasticity", "periodic", "record", "check"}

func (p Phase) String() string {
	if p >= 0 && int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return fmt.Sprintf("phase(%d)", int(p))
}

// Entry is one item of the step schedule as Net.Schedule reports it.
type Entry struct {
	// Phase is the slot the entry runs in.
	Phase Phase
	// Name says what the entry does.
	Name string
	// Detail lists what it acts on (populations, projections, rules).
	Detail string
	// Parallel is true for entries that run on every worker over disjoint
	// neuron ranges; consecutive parallel entries share one pass (no
	// barrier between them).
	Parallel bool
	// EverySteps is the entry's period (1: every step).
	EverySteps int64
}

type entryKind int

const (
	kExternal entryKind = iota
	kTraces
	kSTP
	kArrivals
	kDrive
	kIntegrate
	kDeliver
	kPlasticity
	kPeriodic
	kTask
	kCheck
)

// planned is an Entry with what Build binds to it.
type planned struct {
	Entry
	kind entryKind
	ref  int // projection index (plasticity, periodic), rule index (periodic)
	rule int
}

// plan returns the schedule of a network built from s: a function of the
// spec alone, so that `engram describe` prints exactly the list that Step
// iterates (Build binds each planned entry to its code).
func plan(s *Spec, workers int, ch Checks) []planned {
	ch = ch.withDefaults()
	var out []planned
	add := func(p planned) { out = append(out, p) }
	dt := s.DtMs
	var ext []string
	for _, c := range s.Currents {
		if c.Kind == CurrentStep {
			ext = append(ext, fmt.Sprintf("step current %g mV on %s in [%g, %g) ms", c.AmpMV, c.Target, c.StartMs, c.StopMs))
		}
	}
	for _, p := range s.Poisson {
		if len(p.Schedule) > 0 {
			ext = append(ext, fmt.Sprintf("rate schedule of %s (%d segments)", p.DisplayName(), len(p.Schedule)))
		}
	}
	for _, st := range s.SpikeTrains {
		ext = append(ext, fmt.Sprintf("%d given input spikes into %s (%s)", len(st.TimesMs), st.Target, st.Sign))
	}
	for _, p := range s.Populations {
		switch p.Neuron.Model {
		case Poisson:
			r := fmt.Sprintf("%g Hz", p.Neuron.RateHz)
			for _, in := range s.Rates {
				if in.Target == p.Name {
					r += fmt.Sprintf(", %s (%d segments)", in.Name, len(in.Schedule))
				}
			}
			ext = append(ext, fmt.Sprintf("spike source %s emits (Poisson, %s)", p.Name, r))
		case Generator:
			ext = append(ext, fmt.Sprintf("spike source %s emits (%d given spikes)", p.Name, len(p.Generator.TimesMs)))
		}
	}
	if len(ext) == 0 {
		ext = []string{"constant drive only"}
	}
	add(planned{Entry: Entry{Phase: PhaseInput, Name: "schedules and external events: bias and step currents, drive rates, given spikes, spike sources",
		Detail: strings.Join(ext, "; "), EverySteps: 1}, kind: kExternal})
	// Traces, as attachRules creates them.
	var tr []string
	seen := map[string]bool{}
	for _, pr := range s.Projections {
		dd := int(math.Round(pr.DendriticDelayMs / dt))
		dax := int(math.Round(pr.DelayMs/dt)) - dd
		for _, r := range pr.Plasticity {
			r = r.Resolved()
			addT := func(pop string, tau float64, d int, nearest bool) {
				k := fmt.Sprintf("%s τ = %g ms", pop, tau)
				if nearest {
					k += " (nearest)"
				}
				if d > 0 {
					k += fmt.Sprintf(" +%d steps", d)
				}
				if !seen[k] {
					seen[k] = true
					tr = append(tr, k)
				}
			}
			switch r.Rule {
			case RulePair:
				addT(pr.Pre, r.Pair.TauPlusMs, dax, r.Pair.Nearest)
				addT(pr.Post, r.Pair.TauMinusMs, dd, r.Pair.Nearest)
			case RuleGutig:
				addT(pr.Pre, r.Gutig.TauMs, dax, false)
				addT(pr.Post, r.Gutig.TauMs, dd, false)
			case RuleVanRossum:
				addT(pr.Pre, r.VanRossum.TauPlusMs, dax, false)
				addT(pr.Post, r.VanRossum.TauMinusMs, dd, false)
			case RuleTriplet:
				t := r.Triplet
				addT(pr.Pre, t.TauPlusMs, dax, t.Nearest)
				if t.A3Minus != 0 {
					addT(pr.Pre, t.TauXMs, dax, t.Nearest)
				}
				addT(pr.Post, t.TauMinusMs, dd, t.Nearest)
				addT(pr.Post, t.TauYMs, dd, t.Nearest)
				if t.TauHomMs > 0 {
					addT(pr.Post, t.TauHomMs, dd, false)
				}
			case RuleISTDP:
				addT(pr.Pre, r.ISTDP.TauMs, dax, false)
				addT(pr.Post, r.ISTDP.TauMs, dd, false)
			case RuleVSTDP:
				addT(pr.Pre, r.VSTDP.TauXMs, dax, false)
			case RuleP10:
				addT(pr.Pre, r.P10.TauPlusMs, dax, false)
				addT(pr.Post, r.P10.TauMinusMs, dd, false)
				addT(pr.Post, r.P10.TauSlowMs, dd, false)
			case RuleGlobalISTDP:
				addT(pr.Pre, r.GlobalISTDP.TauMs, dax, false)
				addT(pr.Post, r.GlobalISTDP.TauMs, dd, false)
			}
		}
	}
	if len(tr) > 0 {
		add(planned{Entry: Entry{Phase: PhaseInput, Name: "traces: add last step's spikes, decay by one step",
			Detail: strings.Join(tr, "; "), Parallel: true, EverySteps: 1}, kind: kTraces})
	}
	var stp []string
	for _, pr := range s.Projections {
		if p := pr.STP; p != nil {
			order := "release u·x, then x −= u·x, u += U(1 − u)"
			if p.FacilitateFirst {
				order = "u += U(1 − u), release u·x, x −= u·x"
			}
			stp = append(stp, fmt.Sprintf("%s (U = %g, τ_d = %g ms, τ_f = %g ms; %s)", pr.DisplayName(), p.U, p.TauDMs, p.TauFMs, order))
		}
	}
	if len(stp) > 0 {
		add(planned{Entry: Entry{Phase: PhaseInput, Name: "short-term plasticity (Tsodyks–Markram): the release of each arriving spike",
			Detail: strings.Join(stp, "; "), EverySteps: 1}, kind: kSTP})
	}
	var arr []string
	for _, pr := range s.Projections {
		if s.PopIndex(pr.Post) >= 0 && s.Populations[s.PopIndex(pr.Post)].Neuron.Model.IsSource() {
			continue
		}
		d := int(math.Round(pr.DelayMs / dt))
		arr = append(arr, fmt.Sprintf("%s (%d step(s))", pr.DisplayName(), d))
	}
	if len(arr) > 0 {
		add(planned{Entry: Entry{Phase: PhaseInput, Name: "arrivals: the weights of spikes emitted D steps ago enter the synaptic input",
			Detail: strings.Join(arr, ", "), Parallel: true, EverySteps: 1}, kind: kArrivals})
	}
	var dr []string
	for _, p := range s.Poisson {
		if p.Weight != 0 && p.NSources != 0 {
			dr = append(dr, fmt.Sprintf("%s → %s (%d × %g Hz, %s)", p.DisplayName(), p.Target, p.NSources, p.RateHz, p.Sign))
		}
	}
	if len(dr) > 0 {
		add(planned{Entry: Entry{Phase: PhaseInput, Name: "Poisson drive: counts from each neuron's own stream per input",
			Detail: strings.Join(dr, "; "), Parallel: true, EverySteps: 1}, kind: kDrive})
	}
	var ig []string
	for _, p := range s.Populations {
		np := p.Neuron
		if np.Model.IsSource() {
			continue
		}
		ig = append(ig, fmt.Sprintf("%s: %s %s, reset by %s", p.Name, np.Synapse, np.Model, np.Reset))
	}
	if len(ig) > 0 {
		add(planned{Entry: Entry{Phase: PhaseIntegrate, Name: "integrate: V and synaptic state over dt, threshold and reset",
			Detail: strings.Join(ig, "; "), Parallel: true, EverySteps: 1}, kind: kIntegrate})
	}
	maxD := 0
	for _, pr := range s.Projections {
		maxD = max(maxD, int(math.Round(pr.DelayMs/dt)))
	}
	add(planned{Entry: Entry{Phase: PhaseDeliver, Name: "deliver: this step's spikes enter the spike history (the delay lines)",
		Detail: fmt.Sprintf("kept for %d steps", maxD+2), EverySteps: 1}, kind: kDeliver})
	for i, pr := range s.Projections {
		if len(pr.Plasticity) == 0 {
			continue
		}
		d := int(math.Round(pr.DelayMs / dt))
		dd := int(math.Round(pr.DendriticDelayMs / dt))
		var rs []string
		for _, r := range pr.Plasticity {
			x := r.describe()
			if len(r.Active) > 0 {
				x += fmt.Sprintf(", active in %v ms", r.Active)
			}
			rs = append(rs, x)
		}
		add(planned{Entry: Entry{Phase: PhasePlasticity, Name: "plasticity of " + pr.DisplayName(),
			Detail:   fmt.Sprintf("%s; presynaptic spikes reach the synapse after %d step(s), postsynaptic after %d", strings.Join(rs, "; "), d-dd, dd),
			Parallel: true, EverySteps: 1}, kind: kPlasticity, ref: i})
	}
	for i, pr := range s.Projections {
		for k, r := range pr.Plasticity {
			r = r.Resolved()
			per, _ := r.periodMs()
			if per <= 0 {
				continue
			}
			name := string(r.Rule)
			if r.Rule == RuleP10 {
				name = "p10 consolidation"
			}
			ps := max(1, int64(math.Round(per/dt)))
			add(planned{Entry: Entry{Phase: PhasePeriodic, Name: fmt.Sprintf("%s of %s", name, pr.DisplayName()),
				Detail: fmt.Sprintf("every %d steps (%g ms), at the end of each period", ps, float64(ps)*dt), Parallel: true, EverySteps: ps},
				kind: kPeriodic, ref: i, rule: k})
		}
	}
	det := "disabled"
	if !ch.Disable {
		det = fmt.Sprintf("NaN/Inf of the state every %d steps (plastic weights: all once every %d steps); population rate > %g Hz over %g ms windows",
			ch.EverySteps, ch.WeightScanSteps, ch.MaxRateHz, ch.WindowMs)
	}
	add(planned{Entry: Entry{Phase: PhaseCheck, Name: "check", Detail: det, EverySteps: 1}, kind: kCheck})
	return out
}

// Schedule returns the per-step schedule a network built from s with the
// given worker count and checkers runs (without building it).
func Schedule(s *Spec, workers int, ch Checks) []Entry {
	var out []Entry
	for _, p := range plan(s, workers, ch) {
		out = append(out, p.Entry)
	}
	return out
}

// FormatSchedule prints a schedule, one numbered line per entry.
func FormatSchedule(dtMs float64, es []Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "every step (dt = %g ms), in order:\n", dtMs)
	for k, e := range es {
		par := ""
		if e.Parallel {
			par = ", parallel"
		}
		every := ""
		if e.EverySteps > 1 {
			every = fmt.Sprintf(", every %d steps", e.EverySteps)
		}
		fmt.Fprintf(&b, "%2d %-10s %s [%s%s%s]\n", k+1, e.Phase, e.Name, e.Phase, par, every)
		if e.Detail != "" {
			fmt.Fprintf(&b, "   %10s %s\n", "", e.Detail)
		}
	}
	return b.String()
}

// Schedule returns the entries Step runs, in order (including tasks added
// with AddTask).
func (n *Net) Schedule() []Entry {
	var out []Entry
	for _, st := range n.stages {
		for _, e := range st.entries {
			out = append(out, e.Entry)
		}
	}
	return out
}

// ScheduleText is FormatSchedule of Schedule.
func (n *Net) ScheduleText() string { return FormatSchedule(n.dt, n.Schedule()) }

// stage is a run of entries executed together: a parallel stage runs its
// entries on every worker (one barrier at its end); a serial stage runs
// them on the caller's goroutine.
type stage struct {
	parallel bool
	entries  []*entry
	run      func(k int) // parallel: runs every due entry for worker k
	due      []bool
}

type entry struct {
	Entry
	kind entryKind
	par  func(k int)            // parallel entries
	ser  func(step int64) error // serial entries
	// skip, if set, reports that a parallel entry has nothing to do in this step.
	skip func() bool
}

// AddTask registers fn to run at phase in every step, after the entries
// already registered there; fn receives the index of the step being
// computed and may stop the run by returning an error. Monitors use it at
// PhaseRecord. It must not be called during Step.
func (n *Net) AddTask(phase Phase, name, detail string, fn func(step int64) error) {
	e := &entry{Entry: Entry{Phase: phase, Name: name, Detail: detail, EverySteps: 1}, kind: kTask, ser: fn}
	pos := len(n.entries)
	for i, x := range n.entries {
		if x.Phase > phase {
			pos = i
			break
		}
	}
	n.entries = slices.Insert(n.entries, pos, e)
	n.regroup()
}

// regroup forms the stages from the entry list: consecutive parallel
// entries share one pass over the workers (each writes only its worker's
// neuron range and reads what earlier stages, or earlier steps, wrote);
// serial entries run on the caller's goroutine.
func (n *Net) regroup() {
	n.stages = n.stages[:0]
	for _, e := range n.entries {
		if e.par != nil && len(n.stages) > 0 && n.stages[len(n.stages)-1].parallel {
			st := &n.stages[len(n.stages)-1]
			st.entries = append(st.entries, e)
			continue
		}
		n.stages = append(n.stages, stage{parallel: e.par != nil, entries: []*entry{e}})
	}
	for i := range n.stages {
		st := &n.stages[i]
		if !st.parallel {
			continue
		}
		es, due := st.entries, make([]bool, len(st.entries))
		st.due = due
		st.run = func(k int) {
			for i, e := range es {
				if due[i] {
					e.par(k)
				}
			}
		}
	}
}

// buildSchedule binds the planned entries to the network's code and groups
// them into stages.
func (n *Net) buildSchedule() {
	for _, p := range plan(n.spec, n.workers, n.checks) {
		e := &entry{Entry: p.Entry, kind: p.kind}
		switch p.kind {
		case kExternal:
			e.ser = func(int64) error { n.external(); return nil }
		case kTraces:
			e.par = n.advanceTraces
		case kSTP:
			e.ser = func(int64) error { n.stp(); return nil }
		case kArrivals:
			e.par = n.arrivals
		case kDrive:
			e.par = n.drive
		case kIntegrate:
			e.par = n.update
		case kDeliver:
			e.ser = func(int64) error { n.deliver(); return nil }
		case kPlasticity:
			pc := n.newPlastCtx(n.projs[p.ref])
			e.par = func(k int) { n.plasticity(pc, k) }
			e.skip = func() bool { return !n.preparePlasticity(pc) }
		case kPeriodic:
			pc := n.newPlastCtx(n.projs[p.ref])
			r := n.projs[p.ref].rules[p.rule]
			per := r.periodSteps()
			apply := false
			e.par = func(k int) {
				lo, hi := n.postRange(pc.pr, k)
				r.periodic(pc, lo, hi, apply)
			}
			e.skip = func() bool {
				if (n.step+1)%per != 0 {
					return true
				}
				apply = ruleOn(r.spec(), float64(n.step+1)*n.dt)
				return false
			}
		case kCheck:
			e.ser = func(int64) error {
				if n.checks.Disable {
					return nil
				}
				return n.check()
			}
		}
		n.entries = append(n.entries, e)
	}
	n.regroup()
}
