// Package monitor records a running spiking network (model/spike): spikes,
// state variables, population and group rates, weight snapshots and
// weight statistics. Monitors register at the record phase of the step
// schedule (spike.PhaseRecord) with Attach, stream what they record to
// .npy/.tsv files as they go (memory does not grow with the run length),
// and commit their files only on Close (Abort discards them).
//
//	net, _ := spike.Build(&s, nil)
//	sp, _ := monitor.NewSpikes(net, monitor.SpikesOptions{Path: "rec/spikes.npy"})
//	rt, _ := monitor.NewRates(net, monitor.RatesOptions{Path: "rec/rates_hz.npy", BinSteps: 10})
//	monitor.Attach(net, sp, rt)
//	err := net.Run(10000, nil)
//	err = monitor.CloseAll(err, sp, rt)
//
// # Time and id conventions
//
// A spike emitted in step s has time (s + 1)·dt (the end of the step in
// which the threshold was crossed). Files give times relative to T0Step
// (for example the end of a transient): step index s − T0Step and time
// (s + 1 − T0Step)·dt in ms. Neurons are identified by global ids
// (population offset + local id, populations in spec order). State samples
// taken in step s are the state at its end, at time (s + 1 − T0Step)·dt.
// Weight matrices are scipy CSR with shape (N_pre, N_post): row = pre.
package monitor

import (
	"errors"
	"fmt"
	"slices"

	"github.com/engramsim/engram/model/spike"
)

// Monitor is something recorded at the record phase of every step.
type Monitor interface {
	// Name identifies the monitor in the schedule.
	Name() string
	// Detail describes what it records.
	Detail() string
	// Record is called with the index of the step just computed.
	Record(step int64) error
	// Close commits the monitor's files.
	Close() error
	// Abort discards its files.
	Abort()
}

// Attach registers each monitor at spike.PhaseRecord of net, in order.
func Attach(net *spike.Net, ms ...Monitor) {
	for _, m := range ms {
		net.AddTask(spike.PhaseRecord, m.Name(), m.Detail(), m.Record)
	}
}

// CloseAll closes the monitors when err is nil (aborting the rest after
// the first failure) or aborts them all otherwise, and returns the first
// error.
func CloseAll(err error, ms ...Monitor) error {
	for _, m := range ms {
		if m == nil {
			continue
		}
		if err != nil {
			m.Abort()
			continue
		}
		err = m.Close()
	}
	return err
}

// Selection picks neurons of one population: every neuron (the zero value
// but for Pop), the First n, a named Group, or explicit local IDs.
type Selection struct {
	// Pop names the population.
	Pop string
	// First selects local ids 0..First−1 (0: not used).
	First int
	// Group selects the members of a group of Pop.
	Group string
	// IDs selects explicit local ids.
	IDs []int32
}

// resolve returns the population index and the selected local ids
// (ascending; nil means every neuron).
func (s Selection) resolve(net *spike.Net) (int, []int32, error) {
	k := net.PopIndex(s.Pop)
	if k < 0 {
		return 0, nil, fmt.Errorf("monitor: unknown population %q", s.Pop)
	}
	n := net.Populations()[k].N
	switch {
	case s.Group != "":
		for _, g := range net.Groups() {
			if g.Name == s.Group {
				if g.Pop != k {
					return 0, nil, fmt.Errorf("monitor: group %q is not a group of population %q", s.Group, s.Pop)
				}
				return k, g.IDs, nil
			}
		}
		return 0, nil, fmt.Errorf("monitor: unknown group %q", s.Group)
	case len(s.IDs) > 0:
		for _, i := range s.IDs {
			if i < 0 || int(i) >= n {
				return 0, nil, fmt.Errorf("monitor: neuron %d outside population %q (n = %d)", i, s.Pop, n)
			}
		}
		ids := append([]int32(nil), s.IDs...)
		sortIDs(ids)
		return k, ids, nil
	case s.First > 0:
		m := min(s.First, n)
		ids := make([]int32, m)
		for i := range ids {
			ids[i] = int32(i)
		}
		return k, ids, nil
	}
	return k, nil, nil
}

func sortIDs(a []int32) { slices.Sort(a) }

// window is a [from, to) range of steps (to = 0: no end).
type window struct{ from, to int64 }

func (w window) in(s int64) bool { return s >= w.from && (w.to == 0 || s < w.to) }

var errClosed = errors.New("monitor: closed")
