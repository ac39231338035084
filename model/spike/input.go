package spike

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/engramsim/engram/rng"
)

// level is a step interval [start, stop) with an index into a table.
type level struct {
	start, stop int64
	idx         int
}

// schedule walks a sorted list of non-overlapping step intervals; cur is
// the table index at the current step (base outside every interval).
type schedule struct {
	segs []level
	base int
	pos  int
}

func newSchedule(segs []Segment, dt float64, base int, idx func(rate float64) int) schedule {
	sc := schedule{base: base}
	for _, sg := range segs {
		a, b := int64(math.Round(sg.StartMs/dt)), int64(math.Round(sg.StopMs/dt))
		if b > a {
			sc.segs = append(sc.segs, level{start: a, stop: b, idx: idx(sg.RateHz)})
		}
	}
	slices.SortFunc(sc.segs, func(x, y level) int { return cmp.Compare(x.start, y.start) })
	return sc
}

// at returns the table index at step s; s must not decrease between calls
// (seek resets the position for an arbitrary s).
func (sc *schedule) at(s int64) int {
	for sc.pos < len(sc.segs) && sc.segs[sc.pos].stop <= s {
		sc.pos++
	}
	if sc.pos < len(sc.segs) && sc.segs[sc.pos].start <= s {
		return sc.segs[sc.pos].idx
	}
	return sc.base
}

// seek positions the schedule for step s (after a restore).
func (sc *schedule) seek(s int64) {
	sc.pos = 0
	sc.at(s)
}

// poissonDrive is one PoissonSpec: independent Poisson counts per member
// neuron and step, from the member's own stream
// rng.Source(seed, rng.Poisson, nameKey(input name), neuron).
type poissonDrive struct {
	name  string
	exc   bool
	w     float32 // signed for inhibitory input onto exp and delta synapses
	ids   []int32 // members, ascending (nil: every neuron)
	pcg   []rand.PCG
	cdfs  [][]float64 // per rate level: P(count ≤ k); nil entry: rate 0
	sched schedule
	cur   []float64 // this step's table (nil: no events)
}

func newPoissonDrive(in *PoissonSpec, ids []int32, p *pop, dt float64, seed uint64) *poissonDrive {
	if in.Weight == 0 || in.NSources == 0 {
		return nil
	}
	d := &poissonDrive{name: in.DisplayName(), exc: in.Sign == "exc", w: float32(in.Weight), ids: ids}
	if !d.exc && p.np.Synapse != COBA {
		d.w = -d.w
	}
	rates := map[float64]int{}
	idx := func(r float64) int {
		if k, ok := rates[r]; ok {
			return k
		}
		k := len(d.cdfs)
		rates[r] = k
		lam := float64(in.NSources) * r * dt / 1000
		if lam > 0 {
			d.cdfs = append(d.cdfs, poissonCDF(lam))
		} else {
			d.cdfs = append(d.cdfs, nil)
		}
		return k
	}
	base := idx(in.RateHz)
	d.sched = newSchedule(in.Schedule, dt, base, idx)
	key := nameKey(d.name)
	m := p.n
	if ids != nil {
		m = len(ids)
	}
	d.pcg = make([]rand.PCG, m)
	for k := range d.pcg {
		i := k
		if ids != nil {
			i = int(ids[k])
		}
		d.pcg[k] = *rng.Source(seed, rng.Poisson, key, uint64(i))
	}
	return d
}

// draw adds this step's Poisson counts times w to in for the members in
// [lo, hi).
func (d *poissonDrive) draw(lo, hi int, in []float32) {
	cdf := d.cur
	if cdf == nil {
		return
	}
	a, b := lo, hi
	if d.ids != nil {
		a, b = lowerBound(d.ids, int32(lo)), lowerBound(d.ids, int32(hi))
	}
	last := len(cdf) - 1
	for k := a; k < b; k++ {
		u := float64(d.pcg[k].Uint64()<<11>>11) / (1 << 53)
		c := 0
		for c < last && u > cdf[c] {
			c++
		}
		if c > 0 {
			i := k
			if d.ids != nil {
				i = int(d.ids[k])
			}
			in[i] += float32(c) * d.w
		}
	}
}

// poissonCDF tabulates P(K ≤ k) for K ~ Poisson(lam) until 1 − 1e-16.
func poissonCDF(lam float64) []float64 {
	var cdf []float64
	pk := math.Exp(-lam)
	sum := pk
	for k := 1; ; k++ {
		cdf = append(cdf, sum)
		if sum >= 1-1e-16 || k > int(lam+40*math.Sqrt(lam)+50) {
			break
		}
		pk *= lam / float64(k)
		sum += pk
	}
	cdf[len(cdf)-1] = 1
	return cdf
}

// source is the state of a spike-source population.
type source struct {
	// Poisson sources: every neuron spikes in a step with probability
	// rate·dt, rate = the base rate plus the active RateSpec segments that
	// cover it. Neurons of equal rate form a class sampled by geometric
	// skipping from one stream per population,
	// rng.New(seed, rng.Sources, nameKey(population)).
	poisson bool
	base    float64
	dt      float64
	rates   []rateIn
	cur     []int // per rate input: current rate index (−1: off)
	rate    []float64
	order   []int32
	classes []rateClass
	pcg     rand.PCG
	rnd     *rand.Rand
	// generator sources: spikes (step, id) sorted.
	gen    []genSpike
	genPos int
}

type rateIn struct {
	ids   []int32 // nil: every neuron
	rates []float64
	sched schedule
}

type rateClass struct {
	p   float64 // per-step probability
	lq  float64 // log(1 − p)
	ids []int32 // ascending
}

type genSpike struct {
	step int64
	id   int32
}

func (n *Net) newSource(s *Spec, p *pop) *source {
	src := &source{dt: s.DtMs}
	ps := s.Populations[p.idx]
	if p.np.Model == Generator {
		for k, t := range ps.Generator.TimesMs {
			x := t / s.DtMs
			st := math.Round(x)
			if math.Abs(x-st) > 1e-6 {
				st = math.Ceil(x)
			}
			src.gen = append(src.gen, genSpike{step: int64(st) - 1, id: ps.Generator.IDs[k]})
		}
		slices.SortFunc(src.gen, func(a, b genSpike) int {
			if c := cmp.Compare(a.step, b.step); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
		src.gen = slices.Compact(src.gen)
		return src
	}
	src.poisson = true
	src.base = p.np.RateHz
	src.pcg = *rng.Source(s.Seed, rng.Sources, p.key)
	src.rnd = rand.New(&src.pcg)
	for i := range s.Rates {
		in := &s.Rates[i]
		if in.Target != p.name {
			continue
		}
		ri := rateIn{ids: n.members(p.idx, in.Group, in.Fraction, in.Name)}
		ri.sched = newSchedule(in.Schedule, s.DtMs, -1, func(r float64) int {
			ri.rates = append(ri.rates, r)
			return len(ri.rates) - 1
		})
		src.rates = append(src.rates, ri)
	}
	src.cur = make([]int, len(src.rates))
	for k := range src.cur {
		src.cur[k] = -2 // forces a rebuild at the first step
	}
	src.rate = make([]float64, p.n)
	src.order = make([]int32, p.n)
	return src
}

// emit appends the source's spikes of step s to out (ascending).
func (src *source) emit(s int64, out []int32) []int32 {
	if !src.poisson {
		for src.genPos < len(src.gen) && src.gen[src.genPos].step < s {
			src.genPos++
		}
		for src.genPos < len(src.gen) && src.gen[src.genPos].step == s {
			out = append(out, src.gen[src.genPos].id)
			src.genPos++
		}
		return out
	}
	changed := false
	for k := range src.rates {
		c := src.rates[k].sched.at(s)
		if c != src.cur[k] {
			src.cur[k] = c
			changed = true
		}
	}
	if changed || src.classes == nil {
		src.rebuild()
	}
	n0 := len(out)
	for c := range src.classes {
		cl := &src.classes[c]
		if cl.p <= 0 {
			continue
		}
		if cl.p >= 1 {
			out = append(out, cl.ids...)
			continue
		}
		j := -1
		for {
			u := 1 - src.rnd.Float64() // (0, 1]
			j += 1 + int(math.Floor(math.Log(u)/cl.lq))
			if j >= len(cl.ids) || j < 0 {
				break
			}
			out = append(out, cl.ids[j])
		}
	}
	if len(src.classes) > 1 {
		slices.Sort(out[n0:])
	}
	return out
}

// rebuild recomputes the per-neuron rates from the active rate inputs and
// groups the neurons into classes of equal rate.
func (src *source) rebuild() {
	for i := range src.rate {
		src.rate[i] = src.base
	}
	for k := range src.rates {
		c := src.cur[k]
		if c < 0 {
			continue
		}
		r := src.rates[k].rates[c]
		if ids := src.rates[k].ids; ids != nil {
			for _, i := range ids {
				src.rate[i] += r
			}
		} else {
			for i := range src.rate {
				src.rate[i] += r
			}
		}
	}
	for i := range src.order {
		src.order[i] = int32(i)
	}
	slices.SortStableFunc(src.order, func(a, b int32) int { return cmp.Compare(src.rate[a], src.rate[b]) })
	src.classes = src.classes[:0]
	for a := 0; a < len(src.order); {
		b := a
		r := src.rate[src.order[a]]
		for b < len(src.order) && src.rate[src.order[b]] == r {
			b++
		}
		ids := src.order[a:b]
		slices.Sort(ids)
		p := math.Min(r*src.dt/1000, 1)
		src.classes = append(src.classes, rateClass{p: p, lq: math.Log1p(-p), ids: ids})
		a = b
	}
}

// seek positions the source's schedules for step s (after a restore).
func (src *source) seek(s int64) {
	src.genPos = 0
	for k := range src.rates {
		src.rates[k].sched.seek(s)
		src.cur[k] = -2
	}
	src.classes = nil
}
