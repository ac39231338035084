package spike

import (
	"cmp"
	"fmt"
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
	cdfs  []*poissonTable // per rate level; nil entry: rate 0
	sched schedule
	cur   *poissonTable // this step's table (nil: no events)
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
	if d.cur == nil {
		return
	}
	cdf, off := d.cur.cdf, d.cur.off
	a, b := lo, hi
	if d.ids != nil {
		a, b = lowerBound(d.ids, int32(lo)), lowerBound(d.ids, int32(hi))
	}
	last := len(cdf) - 1
	if off == 0 && last < 64 {
		// small means: the count is the number of the table's first
		// entries below u, summed without branches over the first 8
		// (a comparison of the bit patterns of non-negative floats); the
		// rare u above them continues with a scan
		h := &d.cur.head
		for k := a; k < b; k++ {
			bits := d.pcg[k].Uint64() << 11 >> 11
			u := float64(bits) / (1 << 53)
			ub := math.Float64bits(u)
			c := int((h[0]-ub)>>63 + (h[1]-ub)>>63 + (h[2]-ub)>>63 + (h[3]-ub)>>63 +
				(h[4]-ub)>>63 + (h[5]-ub)>>63 + (h[6]-ub)>>63 + (h[7]-ub)>>63)
			if c == 8 {
				for c < last && u > cdf[c] {
					c++
				}
			}
			c = min(c, last)
			i := k
			if d.ids != nil {
				i = int(d.ids[k])
			}
			in[i] += float32(float32(c) * d.w)
		}
		return
	}
	for k := a; k < b; k++ {
		u := float64(d.pcg[k].Uint64()<<11>>11) / (1 << 53)
		// large mean: the first k with u ≤ P(K ≤ k)
		j, _ := slices.BinarySearch(cdf, u)
		c := off + min(j, last)
		if c > 0 {
			i := k
			if d.ids != nil {
				i = int(d.ids[k])
			}
			in[i] += float32(float32(c) * d.w)
		}
	}
}

// poissonTable is P(K ≤ off + k) for K ~ Poisson(λ), k = 0, 1, …, up to
// 1 − 1e-16 or λ + 40√λ + 50, whose last entry is 1. off is 0 unless λ is
// so large that the mass below λ − 40√λ − 50 (< 1e-300) is left out.
type poissonTable struct {
	off  int
	cdf  []float64
	head [8]uint64 // the bits of cdf[0..7] (beyond the table: 1.0), for draw's branch-free count
}

// poissonCDF tabulates the Poisson distribution of mean lam: by the
// recursion p_k = p_{k−1}·λ/k from e^{−λ} while e^{−λ} is a normal float64
// (λ < 700), otherwise from the log pmf k·ln λ − λ − ln k! around the mean
// (e^{−λ} underflows there, and a recursion from 0 would give every draw
// the table's end).
func poissonCDF(lam float64) *poissonTable {
	kMax := int(lam + float64(40*math.Sqrt(lam)) + 50)
	t := &poissonTable{}
	if lam < 700 {
		pk := math.Exp(-lam)
		sum := pk
		for k := 1; ; k++ {
			t.cdf = append(t.cdf, sum)
			if sum >= 1-1e-16 || k > kMax {
				break
			}
			pk *= lam / float64(k)
			sum += pk
		}
	} else {
		t.off = max(0, int(lam-float64(40*math.Sqrt(lam))-50))
		ll, sum := math.Log(lam), 0.0
		for k := t.off; k <= kMax; k++ {
			lg, _ := math.Lgamma(float64(k + 1))
			sum += math.Exp(float64(float64(k)*ll) - lam - lg)
			t.cdf = append(t.cdf, sum)
			if sum >= 1-1e-16 {
				break
			}
		}
	}
	t.cdf[len(t.cdf)-1] = 1
	for k := range t.head {
		t.head[k] = math.Float64bits(1)
		if k < len(t.cdf) {
			t.head[k] = math.Float64bits(t.cdf[k])
		}
	}
	return t
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

func (n *Net) newSource(s *Spec, p *pop) (*source, error) {
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
		return src, nil
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
		ids, err := n.members(p.idx, in.Group, in.Fraction, in.Name, fmt.Sprintf("rate[%d]", i))
		if err != nil {
			return nil, err
		}
		ri := rateIn{ids: ids}
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
	return src, nil
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
