package monitor

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/store"
)

// WeightsOptions configure a weight monitor. Times are absolute simulated
// times in ms: the state at the end of step s is at (s + 1)·dt.
type WeightsOptions struct {
	// Label names the monitor in the schedule (empty: "weights").
	Label string
	// Dir receives the snapshots weights_<projection>_<t>ms.npz (scipy CSR,
	// shape (N_pre, N_post), row = presynaptic neuron, float32 magnitudes;
	// the projection's name with "→" written "-").
	Dir string
	// StatsPath is the table of weight statistics (empty: none): rows
	// t_ms, projection, group, pre, post, n, mean, sd, where pre and post
	// say which synapses a row covers ("in"/"out" of the group on that side,
	// "any"); group "all" is the whole projection.
	StatsPath string
	// HistPath is the table of weight histograms (empty: none): rows
	// t_ms, projection, bin_lo, bin_hi, count.
	HistPath string
	// Projections names the monitored projections (empty: every plastic one).
	Projections []string
	// SnapshotSteps are the steps at whose end snapshots are written; with
	// Initial, one is also written at construction.
	SnapshotSteps []int64
	// StatsSteps are the steps at whose end statistics and histograms are
	// computed; with Initial, also at construction.
	StatsSteps []int64
	// Initial records snapshot and statistics when the monitor is created.
	Initial bool
	// Groups are group names for the within/between statistics.
	Groups []string
	// HistBins is the number of histogram bins over [0, HistMax] (default 50).
	HistBins int
	// HistMax is the upper end of the histogram (0: the largest w_max of
	// the projection's rules, else its largest initial weight).
	HistMax float64
}

// Hist is one histogram of a projection's weights.
type Hist struct {
	TimeMs float64
	Lo, Hi []float64
	Count  []int64
}

// Weights writes weight snapshots and statistics.
type Weights struct {
	net      *spike.Net
	o        WeightsOptions
	projs    []*spike.Projection
	hmax     []float64
	groups   []spike.GroupInfo
	member   []map[int][]bool // per group: population → membership
	snaps    []int64
	stats    []int64
	sw, hw   *store.TSVWriter
	hists    map[string][]Hist
	written  []string
	closed   bool
	finalLbl map[string]float64
}

// NewWeights creates a weight monitor; with Initial it records at once.
func NewWeights(net *spike.Net, o WeightsOptions) (*Weights, error) {
	m := &Weights{net: net, o: o, hists: map[string][]Hist{}, snaps: slices.Clone(o.SnapshotSteps), stats: slices.Clone(o.StatsSteps)}
	slices.Sort(m.snaps)
	slices.Sort(m.stats)
	if m.o.HistBins <= 0 {
		m.o.HistBins = 50
	}
	if len(o.Projections) == 0 {
		for _, pr := range net.Projections() {
			if pr.Plastic() {
				m.projs = append(m.projs, pr)
			}
		}
	}
	for _, name := range o.Projections {
		pr := net.Projection(name)
		if pr == nil {
			return nil, fmt.Errorf("monitor: weights: unknown projection %q", name)
		}
		m.projs = append(m.projs, pr)
	}
	for _, pr := range m.projs {
		h := o.HistMax
		if h <= 0 {
			for _, r := range net.Spec().Projections[net.Spec().ProjIndex(pr.Name)].Plasticity {
				h = math.Max(h, r.WMax)
			}
		}
		if h <= 0 {
			for q := int64(0); q < int64(pr.NNZ()); q++ {
				h = math.Max(h, float64(pr.Weight(q)))
			}
			if h == 0 {
				h = 1
			}
		}
		m.hmax = append(m.hmax, h)
	}
	for _, g := range o.Groups {
		found := false
		for _, gi := range net.Groups() {
			if gi.Name == g {
				found = true
				mem := make([]bool, net.Populations()[gi.Pop].N)
				for _, i := range gi.IDs {
					mem[i] = true
				}
				m.groups = append(m.groups, gi)
				m.member = append(m.member, map[int][]bool{gi.Pop: mem})
			}
		}
		if !found {
			return nil, fmt.Errorf("monitor: weights: unknown group %q", g)
		}
	}
	var err error
	if o.StatsPath != "" {
		if m.sw, err = store.NewTSVWriter(o.StatsPath, []string{"t_ms", "projection", "group", "pre", "post", "n", "mean", "sd"}); err != nil {
			return nil, err
		}
	}
	if o.HistPath != "" {
		if m.hw, err = store.NewTSVWriter(o.HistPath, []string{"t_ms", "projection", "bin_lo", "bin_hi", "count"}); err != nil {
			m.Abort()
			return nil, err
		}
	}
	if o.Initial {
		t := float64(net.Steps()) * net.DtMs()
		if err := m.snapshot(t); err != nil {
			m.Abort()
			return nil, err
		}
		if err := m.statistics(t); err != nil {
			m.Abort()
			return nil, err
		}
	}
	return m, nil
}

// FileName returns the snapshot file name of a projection at time t.
func FileName(projection string, tMs float64) string {
	name := strings.NewReplacer("→", "-", "/", "_", " ", "_").Replace(projection)
	return fmt.Sprintf("weights_%s_%sms.npz", name, strconv.FormatFloat(tMs, 'f', -1, 64))
}

// Name implements Monitor.
func (m *Weights) Name() string {
	if m.o.Label != "" {
		return m.o.Label
	}
	return "weights"
}

// Detail implements Monitor.
func (m *Weights) Detail() string {
	var p []string
	for _, pr := range m.projs {
		p = append(p, pr.Name)
	}
	return fmt.Sprintf("%s: %d snapshots, statistics at %d times, groups %v", strings.Join(p, ", "), len(m.snaps), len(m.stats), m.o.Groups)
}

// Record implements Monitor.
func (m *Weights) Record(step int64) error {
	t := float64(step+1) * m.net.DtMs()
	for len(m.snaps) > 0 && m.snaps[0] <= step {
		due := m.snaps[0] == step
		m.snaps = m.snaps[1:]
		if due {
			if err := m.snapshot(t); err != nil {
				return err
			}
		}
	}
	for len(m.stats) > 0 && m.stats[0] <= step {
		due := m.stats[0] == step
		m.stats = m.stats[1:]
		if due {
			if err := m.statistics(t); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Weights) snapshot(t float64) error {
	for _, pr := range m.projs {
		path := filepath.Join(m.o.Dir, FileName(pr.Name, t))
		if err := pr.WriteNPZ(path); err != nil {
			return err
		}
		m.written = append(m.written, path)
	}
	return nil
}

// Snapshots lists the snapshot files written so far.
func (m *Weights) Snapshots() []string { return m.written }

// Hists returns the histograms recorded for a projection.
func (m *Weights) Hists(projection string) []Hist { return m.hists[projection] }

type acc struct{ n, s, s2 float64 }

func (a *acc) add(w float64) { a.n++; a.s += w; a.s2 += w * w }
func (a acc) mean() float64  { return a.s / a.n }
func (a acc) sd() float64 {
	if a.n < 2 {
		return math.NaN()
	}
	m := a.s / a.n
	return math.Sqrt(math.Max(0, (a.s2-a.n*m*m)/(a.n-1)))
}

func (m *Weights) statistics(t float64) error {
	for pi, pr := range m.projs {
		nb := m.o.HistBins
		h := Hist{TimeMs: t, Lo: make([]float64, nb), Hi: make([]float64, nb), Count: make([]int64, nb)}
		width := m.hmax[pi] / float64(nb)
		for b := range h.Lo {
			h.Lo[b], h.Hi[b] = float64(b)*width, float64(b+1)*width
		}
		var all acc
		type side struct{ pre, post []bool }
		sides := make([]side, len(m.groups))
		cls := make([][3][3]acc, len(m.groups)) // [pre in/out/any][post in/out/any]
		for g := range m.groups {
			sides[g] = side{m.member[g][pr.Pre], m.member[g][pr.Post]}
		}
		for j := 0; j < pr.NPre; j++ {
			for q := pr.ColPtr[j]; q < pr.ColPtr[j+1]; q++ {
				w := float64(pr.Weight(q))
				i := pr.PostIdx[q]
				all.add(w)
				b := int(w / width)
				b = max(0, min(b, nb-1))
				h.Count[b]++
				for g, sd := range sides {
					pa, pb := 2, 2
					if sd.pre != nil {
						pa = 1
						if sd.pre[j] {
							pa = 0
						}
					}
					if sd.post != nil {
						pb = 1
						if sd.post[i] {
							pb = 0
						}
					}
					cls[g][pa][pb].add(w)
				}
			}
		}
		m.hists[pr.Name] = append(m.hists[pr.Name], h)
		if m.sw != nil {
			if err := m.sw.Row(t, pr.Name, "all", "any", "any", int64(all.n), nan0(all), all.sd()); err != nil {
				return err
			}
			lbl := [3]string{"in", "out", "any"}
			for g := range m.groups {
				for a := 0; a < 3; a++ {
					for b := 0; b < 3; b++ {
						c := cls[g][a][b]
						if c.n == 0 {
							continue
						}
						if err := m.sw.Row(t, pr.Name, m.groups[g].Name, lbl[a], lbl[b], int64(c.n), c.mean(), c.sd()); err != nil {
							return err
						}
					}
				}
			}
		}
		if m.hw != nil {
			for b := range h.Lo {
				if err := m.hw.Row(t, pr.Name, h.Lo[b], h.Hi[b], h.Count[b]); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func nan0(a acc) float64 {
	if a.n == 0 {
		return math.NaN()
	}
	return a.mean()
}

// Close implements Monitor.
func (m *Weights) Close() error {
	if m.closed {
		return nil
	}
	m.closed = true
	var err error
	for _, w := range []*store.TSVWriter{m.sw, m.hw} {
		if w == nil {
			continue
		}
		if err != nil {
			w.Abort()
			continue
		}
		err = w.Close()
	}
	return err
}

// Abort implements Monitor (snapshots already written stay; the tables
// are discarded).
func (m *Weights) Abort() {
	if m.closed {
		return
	}
	m.closed = true
	if m.sw != nil {
		m.sw.Abort()
	}
	if m.hw != nil {
		m.hw.Abort()
	}
}

// WeightsBytes estimates the memory of a weight monitor: one snapshot's
// weight copy for a constant-weight projection, the group memberships and
// the histograms kept for figures.
func WeightsBytes(maxSynapses int64, groups int, neurons int64, hists int, bins int) int64 {
	return 4*maxSynapses + int64(groups)*neurons + int64(hists*bins)*24 + 2*writerBuf + (1 << 20)
}
