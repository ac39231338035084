package monitor

import (
	"fmt"
	"strings"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// SpikesOptions configure a spike monitor.
type SpikesOptions struct {
	// Label names the monitor in the schedule (empty: from the file name).
	Label string
	// Path is the .npy file of int64 rows (step − T0Step, global id). Next
	// to it, <Path without .npy>_t_ms.npy holds the spike times in ms,
	// (step + 1 − T0Step)·dt, float64, one per row.
	Path string
	// Neurons selects the recorded neurons (empty: every neuron of every
	// population).
	Neurons []Selection
	// FromStep and ToStep bound the recorded steps [from, to) (ToStep 0: no end).
	FromStep, ToStep int64
	// T0Step is the step that times and step indices are relative to.
	T0Step int64
	// Keep is the number of spikes also kept in memory (Kept), e.g. for a
	// raster figure.
	Keep int
}

// Spikes streams the spikes of selected neurons.
type Spikes struct {
	net    *spike.Net
	o      SpikesOptions
	win    window
	pops   []spike.PopInfo
	sel    [][]bool // per population: selected local ids (nil: all; population absent: skip)
	use    []bool
	w, wt  *store.NPYWriter
	row    [2]int64
	trow   [1]float64
	dt     float64
	times  []float64
	ids    []int32
	closed bool
	count  int64
}

// NewSpikes creates a spike monitor (its files are created at once).
func NewSpikes(net *spike.Net, o SpikesOptions) (*Spikes, error) {
	m := &Spikes{net: net, o: o, win: window{o.FromStep, o.ToStep}, pops: net.Populations(), dt: net.DtMs()}
	m.sel = make([][]bool, len(m.pops))
	m.use = make([]bool, len(m.pops))
	if len(o.Neurons) == 0 {
		for k := range m.use {
			m.use[k] = true
		}
	}
	for _, s := range o.Neurons {
		k, ids, err := s.resolve(net)
		if err != nil {
			return nil, err
		}
		m.use[k] = true
		if ids == nil {
			m.sel[k] = nil
			continue
		}
		if m.sel[k] == nil {
			m.sel[k] = make([]bool, m.pops[k].N)
		}
		for _, i := range ids {
			m.sel[k][i] = true
		}
	}
	var err error
	if m.w, err = store.NewNPYWriter(o.Path, store.Int64, 2); err != nil {
		return nil, err
	}
	if m.wt, err = store.NewNPYWriter(strings.TrimSuffix(o.Path, ".npy")+"_t_ms.npy", store.Float64); err != nil {
		m.w.Abort()
		return nil, err
	}
	return m, nil
}

// Name implements Monitor.
func (m *Spikes) Name() string {
	if m.o.Label != "" {
		return m.o.Label
	}
	return "spikes → " + m.o.Path
}

// Detail implements Monitor.
func (m *Spikes) Detail() string {
	var p []string
	for k, pi := range m.pops {
		if !m.use[k] {
			continue
		}
		if m.sel[k] == nil {
			p = append(p, pi.Name+" (all)")
		} else {
			n := 0
			for _, b := range m.sel[k] {
				if b {
					n++
				}
			}
			p = append(p, fmt.Sprintf("%s (%d neurons)", pi.Name, n))
		}
	}
	return fmt.Sprintf("%s; rows (step − %d, global id), times (step + 1 − %d)·dt ms", strings.Join(p, ", "), m.o.T0Step, m.o.T0Step)
}

// Record implements Monitor.
func (m *Spikes) Record(step int64) error {
	if !m.win.in(step) {
		return nil
	}
	rel := step - m.o.T0Step
	t := float64(rel+1) * m.dt
	for k, pi := range m.pops {
		if !m.use[k] {
			continue
		}
		sel := m.sel[k]
		for _, i := range m.net.Spiked(k) {
			if sel != nil && !sel[i] {
				continue
			}
			gid := int64(pi.Offset) + int64(i)
			m.row[0], m.row[1] = rel, gid
			if err := m.w.WriteInt64(m.row[:]); err != nil {
				return err
			}
			m.trow[0] = t
			if err := m.wt.WriteFloat64(m.trow[:]); err != nil {
				return err
			}
			m.count++
			if len(m.times) < m.o.Keep {
				m.times = append(m.times, t)
				m.ids = append(m.ids, int32(gid))
			}
		}
	}
	return nil
}

// Count returns the number of recorded spikes.
func (m *Spikes) Count() int64 { return m.count }

// Kept returns the first Keep recorded spikes (times in ms, global ids).
func (m *Spikes) Kept() ([]float64, []int32) { return m.times, m.ids }

// Close implements Monitor.
func (m *Spikes) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	if err := m.w.Close(); err != nil {
		m.wt.Abort()
		return err
	}
	return m.wt.Close()
}

// Abort implements Monitor.
func (m *Spikes) Abort() {
	if m.closed {
		return
	}
	m.closed = true
	m.w.Abort()
	m.wt.Abort()
}

// SpikesBytes estimates the memory of a spike monitor keeping keep spikes.
func SpikesBytes(keep int, totalNeurons int) int64 {
	return 2*writerBuf + int64(keep)*12 + int64(totalNeurons)
}

// writerBuf is the buffer of one streaming writer (store's AtomicFile).
const writerBuf = 64 << 10
