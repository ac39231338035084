package activityio

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/BurntSushi/toml"

	"github.com/engramsim/engram/analysis/avalanche"
	"github.com/engramsim/engram/store"
)

// Spikes is a pooled spike train: times in ms and, when known, neuron ids.
type Spikes struct {
	// TimesMs are the spike times in ms (any order).
	TimesMs []float64
	// IDs are the neuron ids (nil when not given).
	IDs []float64
	// Recording is true for engram recordings, which start at 0 ms; EndMs
	// is then the recorded duration (0: unknown).
	Recording bool
	EndMs     float64
	// Label names the source in messages.
	Label string
}

// ReadSpikes reads spike times (see the package documentation for the
// layouts). opts supplies DtMs and DurationMs for engram recordings.
func ReadSpikes(path string, opts *Options) (*Spikes, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Kind, o.BinMs, o.BinMeanIEI = KindSpikes, 0, false
	in, err := Open(path, &o)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return in.readSpikeTimes()
}

// readSpikeTimes reads the spike times of an opened spike input.
func (in *Input) readSpikeTimes() (*Spikes, error) {
	src, path, o := in.src, in.Path, &in.o
	switch {
	case src.npz != nil:
		ta, err := src.npz.Read("times")
		if err != nil {
			return nil, err
		}
		s := &Spikes{Label: path}
		if err := checkSpikeArray(ta, path+"[times]"); err != nil {
			return nil, err
		}
		s.TimesMs = ta.Data
		if _, ok := src.npz.Header("ids"); ok {
			ia, err := src.npz.Read("ids")
			if err != nil {
				return nil, err
			}
			if err := checkSpikeArray(ia, path+"[ids]"); err != nil {
				return nil, err
			}
			if ia.Len() != ta.Len() {
				return nil, fmt.Errorf("%s: ids has %d elements, times has %d", path, ia.Len(), ta.Len())
			}
			s.IDs = ia.Data
		}
		return s, nil
	case src.npy != nil:
		dt, dur, err := recordingTiming(path, o.DtMs, o.DurationMs)
		if err != nil {
			return nil, err
		}
		a, err := src.npy.Read()
		if err != nil {
			return nil, err
		}
		n := a.Shape[0]
		s := &Spikes{Label: path, TimesMs: make([]float64, n), IDs: make([]float64, n), Recording: true, EndMs: dur}
		for i := 0; i < n; i++ {
			step, id := a.Data[2*i], a.Data[2*i+1]
			if step < 0 || id < 0 {
				return nil, fmt.Errorf("%s: row %d has a negative step or id (%v, %v)", path, i, step, id)
			}
			s.TimesMs[i], s.IDs[i] = step*dt, id
		}
		return s, nil
	}
	t, err := src.text.read()
	if err != nil {
		return nil, err
	}
	if err := t.CheckFinite(); err != nil {
		return nil, err
	}
	ni, ti := 0, 1
	if t.Header != nil {
		if ti = t.Find(timeNames...); ti < 0 {
			return nil, fmt.Errorf("%s: no time column (want one named time, time_ms, t or t_ms; header: %v)", path, t.Header)
		}
		ni = t.Find(neuronNames...)
	} else if t.Columns() != 2 {
		return nil, fmt.Errorf("%s: spike tables without a header have two columns (neuron, time); this one has %d", path, t.Columns())
	}
	s := &Spikes{Label: path, TimesMs: make([]float64, t.Rows())}
	if ni >= 0 {
		s.IDs = make([]float64, t.Rows())
	}
	for i := range t.Rows() {
		if v := t.At(i, ti); v < 0 {
			return nil, fmt.Errorf("%s: line %d, %s: spike time %v is negative", path, t.Line(i), t.ColumnName(ti), v)
		}
		s.TimesMs[i] = t.At(i, ti)
		if ni >= 0 {
			s.IDs[i] = t.At(i, ni)
		}
	}
	return s, nil
}

func checkSpikeArray(a *store.Array, label string) error {
	if err := checkFiniteArray(a, label); err != nil {
		return err
	}
	if len(a.Shape) != 1 {
		return fmt.Errorf("%s: must be 1-D, got shape %v", label, a.Shape)
	}
	for i, v := range a.Data {
		if v < 0 {
			return fmt.Errorf("%s: element %d is negative (%v)", label, i, v)
		}
	}
	return nil
}

// maxConfigBytes bounds the config.resolved.toml read for a recording's
// timing (engram writes a few KiB).
const maxConfigBytes = 1 << 20

// recordingTiming returns dt_ms and duration_ms of an engram recording from
// the given values or the run directory's config.resolved.toml.
func recordingTiming(path string, dt, dur float64) (float64, float64, error) {
	if dt > 0 && dur > 0 {
		return dt, dur, nil
	}
	cfgPath := filepath.Join(filepath.Dir(filepath.Dir(path)), "config.resolved.toml")
	data, err := store.ReadRegularFile(cfgPath, maxConfigBytes)
	if err != nil {
		if dt > 0 {
			return dt, 0, nil
		}
		return 0, 0, fmt.Errorf("%s: engram spike recordings store steps; give the step with --dt-ms (cannot read %s: %v)", path, cfgPath, err)
	}
	var cfg struct {
		Network struct {
			DtMs float64 `toml:"dt_ms"`
		} `toml:"network"`
		Run struct {
			DurationMs float64 `toml:"duration_ms"`
		} `toml:"run"`
	}
	if _, err := toml.Decode(string(data), &cfg); err != nil {
		return 0, 0, fmt.Errorf("%s: %v", cfgPath, err)
	}
	if dt <= 0 {
		dt = cfg.Network.DtMs
	}
	if dur <= 0 {
		dur = cfg.Run.DurationMs
	}
	if !(dt > 0) {
		return 0, 0, fmt.Errorf("%s: no positive network.dt_ms; give --dt-ms", cfgPath)
	}
	return dt, dur, nil
}

// Bin bins the pooled spike train with opts.BinMs or opts.BinMeanIEI into a
// single trial of population counts.
func (s *Spikes) Bin(opts *Options) (*Activity, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if len(s.TimesMs) < 2 {
		return nil, fmt.Errorf("%s: %d spikes; need at least 2 to bin", s.Label, len(s.TimesMs))
	}
	act := &Activity{Kind: KindSpikes, Spikes: len(s.TimesMs)}
	if s.IDs != nil {
		ids := slices.Clone(s.IDs)
		slices.Sort(ids)
		act.Neurons = len(slices.Compact(ids))
	}
	var err error
	how := ""
	switch {
	case o.BinMeanIEI:
		act.Counts = make([][]float64, 1)
		if act.Counts[0], act.BinMs, err = avalanche.CountsByMeanIEI(s.TimesMs); err != nil {
			return nil, fmt.Errorf("%s: %v", s.Label, err)
		}
		how = "mean inter-event interval"
	case o.BinMs > 0:
		lo, hi := slices.Min(s.TimesMs), slices.Max(s.TimesMs)
		start := lo
		if s.Recording {
			start = 0
		}
		if o.StartMs != nil {
			start = *o.StartMs
		}
		end := start + (math.Floor((hi-start)/o.BinMs)+1)*o.BinMs
		if s.EndMs > 0 && s.EndMs > start {
			end = start + math.Ceil((s.EndMs-start)/o.BinMs-1e-9)*o.BinMs
			end = max(end, start+(math.Floor((hi-start)/o.BinMs)+1)*o.BinMs)
		}
		if bins := math.Ceil((end - start) / o.BinMs); o.MaxCells > 0 && !(bins <= float64(o.MaxCells)) {
			return nil, fmt.Errorf("%s: binning [%g, %g) ms at %g ms gives %.4g bins, more than the %d the memory budget allows (use a wider --bin-ms, or raise --mem-budget)",
				s.Label, start, end, o.BinMs, bins, o.MaxCells)
		}
		c, err := avalanche.CountsFromSpikeTimes(s.TimesMs, o.BinMs, start, end)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", s.Label, err)
		}
		act.Counts, act.BinMs = [][]float64{c}, o.BinMs
		how = "given width"
	default:
		return nil, fmt.Errorf("%s: spike times need a bin width (--bin-ms W or --bin mean-iei)", s.Label)
	}
	act.Source = fmt.Sprintf("%s: %d spikes of %d neurons binned at %.4g ms (%s), %d bins", s.Label, act.Spikes, act.Neurons, act.BinMs, how, len(act.Counts[0]))
	return act, nil
}
