package spiketrain

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Train is a set of spikes of N neurons observed over [StartMs, EndMs).
// The zero value is an empty train of no neurons.
type Train struct {
	// TimesMs are the spike times in ms (any order).
	TimesMs []float64
	// IDs are the neurons that fired, one per spike, in [0, N).
	IDs []int
	// N is the number of neurons (neurons that never fire count).
	N int
	// StartMs and EndMs bound the observation window (ms).
	StartMs, EndMs float64
	// Groups are named subsets of the neurons (may be nil).
	Groups []Group
}

// Group is a named subset of neurons.
type Group struct {
	// Name identifies the group in messages and Select.
	Name string
	// IDs are the member neurons, distinct, each in [0, N).
	IDs []int
}

// ErrInvalid is returned (wrapped) for trains that break an invariant.
var ErrInvalid = errors.New("invalid spike train")

// New returns a validated train (the slices are kept, not copied).
func New(timesMs []float64, ids []int, n int, startMs, endMs float64) (*Train, error) {
	t := &Train{TimesMs: timesMs, IDs: ids, N: n, StartMs: startMs, EndMs: endMs}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// Validate checks the invariants: equal lengths, finite window with
// EndMs > StartMs, times in the window, ids in [0, N), groups valid.
func (t *Train) Validate() error {
	switch {
	case len(t.TimesMs) != len(t.IDs):
		return fmt.Errorf("%w: %d times but %d ids", ErrInvalid, len(t.TimesMs), len(t.IDs))
	case t.N < 0:
		return fmt.Errorf("%w: %d neurons", ErrInvalid, t.N)
	case math.IsNaN(t.StartMs) || math.IsInf(t.StartMs, 0) || math.IsNaN(t.EndMs) || math.IsInf(t.EndMs, 0) || !(t.EndMs > t.StartMs):
		return fmt.Errorf("%w: window [%v, %v) ms must be finite and non-empty", ErrInvalid, t.StartMs, t.EndMs)
	}
	for i, x := range t.TimesMs {
		if !(x >= t.StartMs && x < t.EndMs) {
			return fmt.Errorf("%w: spike %d at %v ms is outside the window [%v, %v) ms", ErrInvalid, i, x, t.StartMs, t.EndMs)
		}
		if id := t.IDs[i]; id < 0 || id >= t.N {
			return fmt.Errorf("%w: spike %d has neuron id %d outside [0, %d)", ErrInvalid, i, id, t.N)
		}
	}
	for _, g := range t.Groups {
		seen := make(map[int]bool, len(g.IDs))
		for _, id := range g.IDs {
			if id < 0 || id >= t.N {
				return fmt.Errorf("%w: group %q holds neuron %d outside [0, %d)", ErrInvalid, g.Name, id, t.N)
			}
			if seen[id] {
				return fmt.Errorf("%w: group %q lists neuron %d twice", ErrInvalid, g.Name, id)
			}
			seen[id] = true
		}
	}
	return nil
}

// DurationMs is EndMs − StartMs.
func (t *Train) DurationMs() float64 { return t.EndMs - t.StartMs }

// Len is the number of spikes.
func (t *Train) Len() int { return len(t.TimesMs) }

// RatesHz returns each neuron's mean rate in Hz over the window.
func (t *Train) RatesHz() []float64 {
	r := make([]float64, t.N)
	for _, id := range t.IDs {
		r[id]++
	}
	s := 1000 / t.DurationMs()
	for i := range r {
		r[i] *= s
	}
	return r
}

// Group returns the group named name.
func (t *Train) Group(name string) (Group, bool) {
	for _, g := range t.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return Group{}, false
}

// Select returns the spikes of the given neurons, renumbered 0..len(ids)−1
// in the order given (a new train; t is not modified).
func (t *Train) Select(ids []int) (*Train, error) {
	pos := make(map[int]int, len(ids))
	for k, id := range ids {
		if id < 0 || id >= t.N {
			return nil, fmt.Errorf("%w: neuron %d outside [0, %d)", ErrInvalid, id, t.N)
		}
		if _, dup := pos[id]; dup {
			return nil, fmt.Errorf("%w: neuron %d selected twice", ErrInvalid, id)
		}
		pos[id] = k
	}
	out := &Train{N: len(ids), StartMs: t.StartMs, EndMs: t.EndMs}
	for i, id := range t.IDs {
		if k, ok := pos[id]; ok {
			out.TimesMs = append(out.TimesMs, t.TimesMs[i])
			out.IDs = append(out.IDs, k)
		}
	}
	return out, nil
}

// SelectGroup is Select on the named group.
func (t *Train) SelectGroup(name string) (*Train, error) {
	g, ok := t.Group(name)
	if !ok {
		return nil, fmt.Errorf("%w: no group %q", ErrInvalid, name)
	}
	return t.Select(g.IDs)
}

// Sorted returns a copy sorted by time (ties by id).
func (t *Train) Sorted() *Train {
	idx := make([]int, len(t.TimesMs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case t.TimesMs[a] < t.TimesMs[b]:
			return -1
		case t.TimesMs[a] > t.TimesMs[b]:
			return 1
		}
		return t.IDs[a] - t.IDs[b]
	})
	out := &Train{N: t.N, StartMs: t.StartMs, EndMs: t.EndMs, Groups: t.Groups,
		TimesMs: make([]float64, len(idx)), IDs: make([]int, len(idx))}
	for k, i := range idx {
		out.TimesMs[k], out.IDs[k] = t.TimesMs[i], t.IDs[i]
	}
	return out
}

// Options configures Bin. nil means no limit.
type Options struct {
	// MaxCells, if positive, is the largest neurons × bins matrix Bin may
	// allocate; more is an error (memory budgets).
	MaxCells int64
}

// Binned is a neuron × bin matrix of spike counts.
type Binned struct {
	// Neurons and Bins are the matrix dimensions.
	Neurons, Bins int
	// BinMs is the bin width and StartMs the start of bin 0 (ms).
	BinMs, StartMs float64
	// Counts holds the counts row-major: neuron i, bin j at i·Bins + j.
	Counts []float64
}

// NumBins is the number of bins of width binMs covering the window:
// ⌈(EndMs − StartMs)/binMs⌉ (with a 1e-9 relative slack so that a window
// of exactly k widths gives k bins).
func (t *Train) NumBins(binMs float64) int {
	v := (t.EndMs - t.StartMs) / binMs
	return int(math.Ceil(v - 1e-9*math.Max(1, v)))
}

// Bin counts the spikes of each neuron in bins of width binMs from StartMs.
func (t *Train) Bin(binMs float64, o *Options) (*Binned, error) {
	if !(binMs > 0) || math.IsInf(binMs, 0) {
		return nil, fmt.Errorf("spiketrain: bin width %v ms must be positive and finite", binMs)
	}
	if t.N == 0 {
		return nil, fmt.Errorf("%w: no neurons to bin", ErrInvalid)
	}
	nb := max(t.NumBins(binMs), 1)
	cells := float64(t.N) * float64(nb)
	if o != nil && o.MaxCells > 0 && cells > float64(o.MaxCells) {
		return nil, fmt.Errorf("spiketrain: %d neurons × %d bins of %g ms are %.4g cells, more than the %d allowed (use wider bins or fewer neurons)",
			t.N, nb, binMs, cells, o.MaxCells)
	}
	if cells > math.MaxInt32*8 {
		return nil, fmt.Errorf("spiketrain: %d neurons × %d bins is too large", t.N, nb)
	}
	b := &Binned{Neurons: t.N, Bins: nb, BinMs: binMs, StartMs: t.StartMs, Counts: make([]float64, t.N*nb)}
	for i, x := range t.TimesMs {
		j := int((x - t.StartMs) / binMs)
		if j >= nb { // rounding at the window's end
			j = nb - 1
		}
		b.Counts[t.IDs[i]*nb+j]++
	}
	return b, nil
}

// Row returns neuron i's counts (a view).
func (b *Binned) Row(i int) []float64 { return b.Counts[i*b.Bins : (i+1)*b.Bins : (i+1)*b.Bins] }

// Rows returns the per-neuron views.
func (b *Binned) Rows() [][]float64 {
	out := make([][]float64, b.Neurons)
	for i := range out {
		out[i] = b.Row(i)
	}
	return out
}

// Binary returns a copy with every count clipped to 0/1.
func (b *Binned) Binary() *Binned {
	out := *b
	out.Counts = make([]float64, len(b.Counts))
	for i, v := range b.Counts {
		if v > 0 {
			out.Counts[i] = 1
		}
	}
	return &out
}

// PopulationCounts returns the sum over neurons per bin.
func (b *Binned) PopulationCounts() []float64 {
	k := make([]float64, b.Bins)
	for i := 0; i < b.Neurons; i++ {
		for j, v := range b.Row(i) {
			k[j] += v
		}
	}
	return k
}

// FromMatrix wraps a neuron × bin matrix given as rows (copied into a
// Binned); all rows must have the same length and finite values ≥ 0.
func FromMatrix(rows [][]float64, binMs float64) (*Binned, error) {
	if len(rows) == 0 || len(rows[0]) == 0 {
		return nil, fmt.Errorf("%w: empty matrix", ErrInvalid)
	}
	nb := len(rows[0])
	b := &Binned{Neurons: len(rows), Bins: nb, BinMs: binMs, Counts: make([]float64, 0, len(rows)*nb)}
	for i, r := range rows {
		if len(r) != nb {
			return nil, fmt.Errorf("%w: row %d has %d bins, row 0 has %d", ErrInvalid, i, len(r), nb)
		}
		for j, v := range r {
			if !(v >= 0) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: neuron %d, bin %d: count %v must be finite and ≥ 0", ErrInvalid, i, j, v)
			}
		}
		b.Counts = append(b.Counts, r...)
	}
	return b, nil
}

// PopulationCounts returns the number of spikes of all neurons per bin of
// width binMs (the column sums of Bin without the neuron × bin matrix).
func (t *Train) PopulationCounts(binMs float64, o *Options) ([]float64, error) {
	if !(binMs > 0) || math.IsInf(binMs, 0) {
		return nil, fmt.Errorf("spiketrain: bin width %v ms must be positive and finite", binMs)
	}
	nb := max(t.NumBins(binMs), 1)
	if o != nil && o.MaxCells > 0 && int64(nb) > o.MaxCells {
		return nil, fmt.Errorf("spiketrain: %d bins of %g ms, more than the %d allowed", nb, binMs, o.MaxCells)
	}
	k := make([]float64, nb)
	for _, x := range t.TimesMs {
		j := min(int((x-t.StartMs)/binMs), nb-1)
		k[j]++
	}
	return k, nil
}
