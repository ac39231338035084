package activityio

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/analysis/spiketrain"
)

// Train converts the spikes to a spiketrain.Train: ids must be integers
// ≥ 0 (N = largest id + 1), the window starts at 0 for engram recordings
// (or opts.StartMs, else the first spike) and ends at the recording's end
// (or just after the last spike). Spikes without ids are an error: the
// per-neuron analyses need them.
func (s *Spikes) Train(startMs *float64) (*spiketrain.Train, error) {
	if s.IDs == nil {
		return nil, fmt.Errorf("%s: spike times without neuron ids; per-neuron analyses need an id column (or .npz member ids)", s.Label)
	}
	if len(s.TimesMs) == 0 {
		return nil, fmt.Errorf("%s: no spikes", s.Label)
	}
	ids := make([]int, len(s.IDs))
	n := 0
	for i, v := range s.IDs {
		if v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
			return nil, fmt.Errorf("%s: spike %d has neuron id %v (want an integer ≥ 0)", s.Label, i, v)
		}
		ids[i] = int(v)
		n = max(n, ids[i]+1)
	}
	lo, hi := slices.Min(s.TimesMs), slices.Max(s.TimesMs)
	start := lo
	if s.Recording {
		start = 0
	}
	if startMs != nil {
		start = *startMs
	}
	if lo < start {
		return nil, fmt.Errorf("%s: spike at %v ms before the window start %v ms", s.Label, lo, start)
	}
	end := math.Nextafter(hi, math.Inf(1))
	if s.EndMs > 0 {
		end = math.Max(end, s.EndMs)
	}
	return spiketrain.New(s.TimesMs, ids, n, start, end)
}

// ReadBinned reads per-neuron activity as a neuron × bin matrix: spike
// times binned at opts.BinMs (ids required; at most opts.MaxCells cells),
// or a raster (.npy/.npz 2-D neurons × bins, 3-D trials × neurons × bins
// with the trials concatenated along bins, or a text raster, one row per
// neuron). Counts inputs hold no per-neuron data and are an error.
func (in *Input) ReadBinned() (*spiketrain.Binned, error) {
	switch in.kind {
	case KindSpikes:
		if !(in.o.BinMs > 0) {
			return nil, fmt.Errorf("%s: spike times need a bin width (--bin-ms W)", in.Path)
		}
		sp, err := in.readSpikeTimes()
		if err != nil {
			return nil, err
		}
		tr, err := sp.Train(in.o.StartMs)
		if err != nil {
			return nil, err
		}
		b, err := tr.Bin(in.o.BinMs, &spiketrain.Options{MaxCells: in.o.MaxCells})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", in.Path, err)
		}
		return b, nil
	case KindRaster:
	default:
		return nil, fmt.Errorf("%s: %s holds population counts, not per-neuron activity (give a raster with --input raster, or spike times with neuron ids)", in.Path, in.describe())
	}
	var data []float64
	var neurons, bins int
	if in.src.isArray() {
		a, err := in.src.readArray(in.member)
		if err != nil {
			return nil, err
		}
		if err := checkFiniteArray(a, in.label); err != nil {
			return nil, err
		}
		if err := checkNonNegativeArray(a, in.label, "raster element"); err != nil {
			return nil, err
		}
		sh := a.Shape
		if len(sh) == 2 {
			data, neurons, bins = a.Data, sh[0], sh[1]
		} else { // trials × neurons × bins → neurons × (trials·bins)
			tr, n, l := sh[0], sh[1], sh[2]
			neurons, bins = n, tr*l
			data = make([]float64, n*tr*l)
			for k := range tr {
				for i := range n {
					copy(data[i*bins+k*l:i*bins+(k+1)*l], a.Data[(k*n+i)*l:(k*n+i+1)*l])
				}
			}
		}
	} else {
		t, err := in.src.text.read()
		if err != nil {
			return nil, err
		}
		if err := t.CheckFinite(); err != nil {
			return nil, err
		}
		if err := t.checkNonNegative("raster entry", ""); err != nil {
			return nil, err
		}
		data, neurons, bins = t.Data, t.Rows(), t.Columns()
	}
	return &spiketrain.Binned{Neurons: neurons, Bins: bins, BinMs: in.o.BinMs, Counts: data}, nil
}
