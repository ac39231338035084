package stdpmemory

import (
	"math"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/model/spike"
)

// overlapMon counts E spikes per neuron in bins of binSteps from step
// from on, and at the end of each bin stores the overlaps m_k and the
// Pearson correlations ρ_k of the bin's rate vector with every pattern.
// It also counts each recall trial's cue and delay spikes per neuron
// (windows: cue 0, delay 0, cue 1, …), and every population's spikes per
// phase.
type overlapMon struct {
	net      *spike.Net
	e        int
	from     int64
	binSteps int64
	tr       *assembly.Tracker
	cnt      []int32
	rate     []float32
	m, rho   []float64
	M, Rho   []float32 // bins × P, row-major
	bins     int
	// windows [a, b) in steps, sorted and disjoint, with per-neuron counts
	win      [][2]int64
	winCnt   [][]int32
	wpos     int
	popCount []int64 // spikes of each population since the last reset
	inAny    []bool  // E neuron in some assembly
	nMembers int
	memCount int64 // spikes of assembly members since the last reset
	// the raster of the first recall trials: E spikes in steps [rasterA,
	// rasterB), neurons as rows in assembly order (rasterRow), at most
	// maxRasterSpikes
	rasterA, rasterB int64
	rasterRow        []int32
	RT               []float64 // ms
	RI               []int32
	rasterFull       bool // maxRasterSpikes reached: rasterB moved to the step it was reached
	// undefined is set while the assemblies are not known yet (zag2015
	// before the end of imprinting): the overlaps are NaN
	undefined bool
	// memStale marks a member count that does not cover the whole
	// interval since the last takeCounts
	memStale bool
}

// maxRasterSpikes bounds the recall raster (12 B per spike).
const maxRasterSpikes = 1 << 20

// rasterTrials is how many recall trials the raster (and the overlap figure) show.
const rasterTrials = 8

func newOverlapMon(net *spike.Net, pat assembly.Patterns, from, binSteps int64, windows [][2]int64) *overlapMon {
	o := &overlapMon{net: net, e: net.PopIndex(ePop), from: from, binSteps: binSteps, tr: assembly.NewTracker(pat),
		cnt: make([]int32, pat.N), rate: make([]float32, pat.N), m: make([]float64, pat.P()), rho: make([]float64, pat.P()),
		win: windows, popCount: make([]int64, len(net.Populations()))}
	for range windows {
		o.winCnt = append(o.winCnt, make([]int32, pat.N))
	}
	o.inAny = make([]bool, pat.N)
	for _, m := range pat.Members {
		for _, i := range m {
			if !o.inAny[i] {
				o.inAny[i] = true
				o.nMembers++
			}
		}
	}
	return o
}

func (o *overlapMon) Name() string { return "assembly overlaps" }
func (o *overlapMon) Detail() string {
	return "E spike counts per bin → m_k(t), ρ_k(t); delay counts of the recall trials"
}
func (o *overlapMon) Close() error { return nil }
func (o *overlapMon) Abort()       {}

func (o *overlapMon) Record(step int64) error {
	for k := range o.popCount {
		o.popCount[k] += int64(len(o.net.Spiked(k)))
	}
	for _, i := range o.net.Spiked(o.e) {
		if o.inAny[i] {
			o.memCount++
		}
	}
	if step < o.from {
		return nil
	}
	sp := o.net.Spiked(o.e)
	for _, i := range sp {
		o.cnt[i]++
	}
	if step >= o.rasterA && step < o.rasterB && !o.rasterFull {
		if len(o.RT)+len(sp) > maxRasterSpikes {
			o.rasterFull, o.rasterB = true, step // the raster ends here, without holes
		}
	}
	if step >= o.rasterA && step < o.rasterB {
		t := float64(step+1) * o.net.DtMs()
		for _, i := range sp {
			o.RT, o.RI = append(o.RT, t), append(o.RI, o.rasterRow[i])
		}
	}
	for o.wpos < len(o.win) && o.win[o.wpos][1] <= step {
		o.wpos++
	}
	if o.wpos < len(o.win) && o.win[o.wpos][0] <= step {
		c := o.winCnt[o.wpos]
		for _, i := range sp {
			c[i]++
		}
	}
	if (step+1-o.from)%o.binSteps == 0 {
		scale := float32(1000 / (float64(o.binSteps) * o.net.DtMs()))
		for i, c := range o.cnt {
			o.rate[i] = float32(c) * scale
			o.cnt[i] = 0
		}
		if o.undefined {
			for k := range o.m {
				o.m[k], o.rho[k] = math.NaN(), math.NaN()
			}
		} else {
			o.tr.Overlaps(o.m, o.rho, o.rate)
		}
		for k := range o.m {
			o.M = append(o.M, float32(o.m[k]))
			o.Rho = append(o.Rho, float32(o.rho[k]))
		}
		o.bins++
	}
	return nil
}

// takeCounts returns the population spike counts and the assembly
// members' count since the last call and resets them.
func (o *overlapMon) takeCounts() ([]int64, int64) {
	out, m := append([]int64(nil), o.popCount...), o.memCount
	if o.undefined || o.memStale {
		m = -1
	}
	clear(o.popCount)
	o.memCount = 0
	o.memStale = false
	return out, m
}

// setPatterns replaces the assemblies (zag2015's post-hoc ones): the
// following bins are overlaps with them, and the member count of the
// current interval is reported as unknown (−1) by takeCounts.
func (o *overlapMon) setPatterns(pat assembly.Patterns) {
	o.tr = assembly.NewTracker(pat)
	clear(o.inAny)
	o.nMembers = 0
	for _, m := range pat.Members {
		for _, i := range m {
			if !o.inAny[i] {
				o.inAny[i] = true
				o.nMembers++
			}
		}
	}
	o.undefined, o.memStale = false, true
}
