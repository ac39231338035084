package monitor

import (
	"fmt"
	"math"
	"strings"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// MaxPlotPoints caps the points per column kept for a figure: rate bins
// are merged in groups so that the figure of a long run, and the memory
// held for it, stay small; the file keeps every bin. It is the width of the
// figures' PNG (plot.PNGWidth, 800 px): more points than pixel columns
// cost drawing time and show nothing more.
const MaxPlotPoints = 800

// RatesOptions configure a rate monitor.
type RatesOptions struct {
	// Label names the monitor in the schedule (empty: from the file name).
	Label string
	// Path is the .npy file of float32 rows, one per bin: the rate in Hz
	// of every population (spec order), then of every group in Groups
	// (spikes in the bin / neurons / bin width; the last bin may be shorter
	// and is normalised by its own width).
	Path string
	// Groups are group names whose rates are recorded after the populations.
	Groups []string
	// BinSteps is the bin width in steps (≥ 1).
	BinSteps int64
	// FromStep and Steps bound the recorded period [FromStep, FromStep + Steps).
	FromStep, Steps int64
}

// Rates records binned population and group rates and keeps, per column,
// a coarse copy for figures (≤ MaxPlotPoints points) and running moments
// of the full bins for the CV of the rate.
type Rates struct {
	net      *spike.Net
	o        RatesOptions
	cols     []string // column names
	n        []float64
	gpop     []int    // population of each group column
	gmem     [][]bool // membership of each group column
	w        *store.NPYWriter
	cnt      []int64
	row      []float32
	dt       float64
	group    int64
	plotCnt  []int64
	plotFrom int64
	xs       []float64
	ys       [][]float64
	s1, s2   []float64
	nFull    int
	closed   bool
}

// Bins returns the number of rate bins of a period of steps.
func Bins(steps, binSteps int64) int64 { return (steps + binSteps - 1) / binSteps }

// NewRates creates a rate monitor and its file.
func NewRates(net *spike.Net, o RatesOptions) (*Rates, error) {
	if o.BinSteps < 1 || o.Steps < 1 {
		return nil, fmt.Errorf("monitor: rates need bin_steps ≥ 1 and steps ≥ 1 (got %d, %d)", o.BinSteps, o.Steps)
	}
	m := &Rates{net: net, o: o, dt: net.DtMs()}
	for _, p := range net.Populations() {
		m.cols = append(m.cols, p.Name)
		m.n = append(m.n, float64(p.N))
	}
	for _, g := range o.Groups {
		found := false
		for _, gi := range net.Groups() {
			if gi.Name != g {
				continue
			}
			found = true
			mem := make([]bool, net.Populations()[gi.Pop].N)
			for _, i := range gi.IDs {
				mem[i] = true
			}
			m.cols = append(m.cols, g)
			m.n = append(m.n, math.Max(1, float64(len(gi.IDs))))
			m.gpop = append(m.gpop, gi.Pop)
			m.gmem = append(m.gmem, mem)
		}
		if !found {
			return nil, fmt.Errorf("monitor: rates: unknown group %q", g)
		}
	}
	nc := len(m.cols)
	var err error
	if m.w, err = store.NewNPYWriter(o.Path, store.Float32, nc); err != nil {
		return nil, err
	}
	m.cnt, m.row, m.plotCnt = make([]int64, nc), make([]float32, nc), make([]int64, nc)
	m.ys, m.s1, m.s2 = make([][]float64, nc), make([]float64, nc), make([]float64, nc)
	m.group = max(1, (Bins(o.Steps, o.BinSteps)+MaxPlotPoints-1)/MaxPlotPoints)
	m.plotFrom = 0
	return m, nil
}

// Name implements Monitor.
func (m *Rates) Name() string {
	if m.o.Label != "" {
		return m.o.Label
	}
	return "rates → " + m.o.Path
}

// Detail implements Monitor.
func (m *Rates) Detail() string {
	return fmt.Sprintf("columns %s, %d-step bins", strings.Join(m.cols, ", "), m.o.BinSteps)
}

// Columns returns the column names (populations, then groups).
func (m *Rates) Columns() []string { return m.cols }

// Record implements Monitor.
func (m *Rates) Record(step int64) error {
	rel := step - m.o.FromStep
	if rel < 0 || rel >= m.o.Steps {
		return nil
	}
	np := len(m.n) - len(m.gpop)
	for k := 0; k < np; k++ {
		c := int64(len(m.net.Spiked(k)))
		m.cnt[k] += c
		m.plotCnt[k] += c
	}
	for g, k := range m.gpop {
		mem := m.gmem[g]
		c := int64(0)
		for _, i := range m.net.Spiked(k) {
			if mem[i] {
				c++
			}
		}
		m.cnt[np+g] += c
		m.plotCnt[np+g] += c
	}
	end := rel + 1
	if end%m.o.BinSteps != 0 && end != m.o.Steps {
		return nil
	}
	width := end - (end-1)/m.o.BinSteps*m.o.BinSteps
	sec := float64(width) * m.dt / 1000
	full := width == m.o.BinSteps
	for k := range m.cnt {
		v := float64(m.cnt[k]) / m.n[k] / sec
		m.row[k] = float32(v)
		if full {
			m.s1[k] += v
			m.s2[k] += v * v
		}
		m.cnt[k] = 0
	}
	if full {
		m.nFull++
	}
	if err := m.w.WriteFloat32(m.row); err != nil {
		return err
	}
	if bin := (end - 1) / m.o.BinSteps; (bin+1)%m.group == 0 || end == m.o.Steps {
		ps := float64(end-m.plotFrom) * m.dt
		m.xs = append(m.xs, float64(m.plotFrom)*m.dt+ps/2)
		for k := range m.plotCnt {
			m.ys[k] = append(m.ys[k], float64(m.plotCnt[k])/m.n[k]/(ps/1000))
			m.plotCnt[k] = 0
		}
		m.plotFrom = end
	}
	return nil
}

// CV returns the CV (SD/mean) of column k's rate over the full-width
// bins: a synchrony measure, ≈ 1/√(N·ν·bin) for independent Poisson
// neurons (NaN with < 2 bins or no spikes).
func (m *Rates) CV(k int) float64 {
	n := float64(m.nFull)
	if n < 2 {
		return math.NaN()
	}
	mean := m.s1[k] / n
	if mean == 0 {
		return math.NaN()
	}
	v := (m.s2[k] - n*mean*mean) / (n - 1)
	return math.Sqrt(math.Max(v, 0)) / mean
}

// Plot returns the figure points: the centre times (ms, relative to
// FromStep) and one curve per column.
func (m *Rates) Plot() (xs []float64, ys [][]float64) { return m.xs, m.ys }

// PlotBinMs is the time span of one figure point in ms.
func (m *Rates) PlotBinMs() float64 { return float64(m.group*m.o.BinSteps) * m.dt }

// Close implements Monitor.
func (m *Rates) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	return m.w.Close()
}

// Abort implements Monitor.
func (m *Rates) Abort() {
	if m.closed {
		return
	}
	m.closed = true
	m.w.Abort()
}

// RatesBytes estimates the memory of a rate monitor with cols columns
// (plus group membership of groupNeurons neurons) over steps.
func RatesBytes(steps, binSteps int64, cols int, groupNeurons int64) int64 {
	pts := min(Bins(steps, binSteps), MaxPlotPoints)
	return writerBuf + 8*pts*int64(cols+1) + 64*int64(cols) + groupNeurons
}
