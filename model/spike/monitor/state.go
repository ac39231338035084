package monitor

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// StateOptions configure a state monitor.
type StateOptions struct {
	// Label names the monitor in the schedule (empty: from the file name).
	Label string
	// Dir receives state_<var>_<pop>.npy (float32, samples × neurons), and
	// per population state_<pop>_ids.npy (int32 local ids of the columns)
	// and one state_t_ms.npy (float64 sample times, (step + 1 − T0Step)·dt).
	Dir string
	// Vars are state variable names (spike.StateNames); a population without
	// a variable is skipped for it.
	Vars []string
	// Neurons selects the recorded neurons per population.
	Neurons []Selection
	// EverySteps is the sampling period (≥ 1); samples are taken in the
	// steps s of the window with (s − FromStep) % EverySteps == 0.
	EverySteps int64
	// FromStep and ToStep bound the sampled steps [from, to) (ToStep 0: no end).
	FromStep, ToStep int64
	// T0Step is the step that times are relative to.
	T0Step int64
}

type stateCol struct {
	pop  int
	name string
	ids  []int32
	w    *store.NPYWriter
	row  []float32
}

// State samples state variables of selected neurons.
type State struct {
	net    *spike.Net
	o      StateOptions
	win    window
	cols   []*stateCol
	tw     *store.NPYWriter
	trow   [1]float64
	closed bool
	files  []string
}

// NewState creates a state monitor and its files.
func NewState(net *spike.Net, o StateOptions) (*State, error) {
	if o.EverySteps < 1 {
		return nil, fmt.Errorf("monitor: state every_steps = %d must be ≥ 1", o.EverySteps)
	}
	m := &State{net: net, o: o, win: window{o.FromStep, o.ToStep}}
	pops := net.Populations()
	fail := func(err error) (*State, error) { m.Abort(); return nil, err }
	for _, v := range o.Vars {
		if !slices.Contains(spike.StateNames, v) {
			return fail(fmt.Errorf("monitor: unknown state variable %q (known: %v)", v, spike.StateNames))
		}
	}
	idsDone := map[int]bool{}
	for _, s := range o.Neurons {
		k, ids, err := s.resolve(net)
		if err != nil {
			return fail(err)
		}
		if ids == nil {
			ids = make([]int32, pops[k].N)
			for i := range ids {
				ids[i] = int32(i)
			}
		}
		if len(ids) == 0 {
			continue
		}
		for _, v := range o.Vars {
			if net.State(k, v) == nil {
				continue
			}
			path := filepath.Join(o.Dir, fmt.Sprintf("state_%s_%s.npy", v, pops[k].Name))
			w, err := store.NewNPYWriter(path, store.Float32, len(ids))
			if err != nil {
				return fail(err)
			}
			m.cols = append(m.cols, &stateCol{pop: k, name: v, ids: ids, w: w, row: make([]float32, len(ids))})
			m.files = append(m.files, path)
		}
		if !idsDone[k] {
			idsDone[k] = true
			path := filepath.Join(o.Dir, fmt.Sprintf("state_%s_ids.npy", pops[k].Name))
			if err := store.WriteNPY(path, ids, len(ids)); err != nil {
				return fail(err)
			}
		}
	}
	if len(m.cols) > 0 {
		var err error
		if m.tw, err = store.NewNPYWriter(filepath.Join(o.Dir, "state_t_ms.npy"), store.Float64); err != nil {
			return fail(err)
		}
	}
	return m, nil
}

// Name implements Monitor.
func (m *State) Name() string {
	if m.o.Label != "" {
		return m.o.Label
	}
	return "state variables → " + m.o.Dir
}

// Detail implements Monitor.
func (m *State) Detail() string {
	var p []string
	for _, c := range m.cols {
		p = append(p, fmt.Sprintf("%s of %s (%d neurons)", c.name, m.net.Populations()[c.pop].Name, len(c.ids)))
	}
	return fmt.Sprintf("%s every %d steps", strings.Join(p, ", "), m.o.EverySteps)
}

// Record implements Monitor.
func (m *State) Record(step int64) error {
	if len(m.cols) == 0 || !m.win.in(step) || (step-m.o.FromStep)%m.o.EverySteps != 0 {
		return nil
	}
	for _, c := range m.cols {
		x := m.net.State(c.pop, c.name)
		for j, i := range c.ids {
			c.row[j] = x[i]
		}
		if err := c.w.WriteFloat32(c.row); err != nil {
			return err
		}
	}
	m.trow[0] = float64(step+1-m.o.T0Step) * m.net.DtMs()
	return m.tw.WriteFloat64(m.trow[:])
}

// Files lists the state files (one per variable and population).
func (m *State) Files() []string { return m.files }

// Close implements Monitor.
func (m *State) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	var err error
	for _, c := range m.cols {
		if err != nil {
			c.w.Abort()
			continue
		}
		err = c.w.Close()
	}
	if m.tw != nil {
		if err != nil {
			m.tw.Abort()
		} else {
			err = m.tw.Close()
		}
	}
	return err
}

// Abort implements Monitor.
func (m *State) Abort() {
	if m.closed {
		return
	}
	m.closed = true
	for _, c := range m.cols {
		c.w.Abort()
	}
	if m.tw != nil {
		m.tw.Abort()
	}
}

// StateBytes estimates the memory of a state monitor with cols
// (variable, population) columns of rowLen neurons each.
func StateBytes(cols, rowLen int) int64 {
	return int64(cols+1)*writerBuf + int64(cols*rowLen)*8
}
