package assembly

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/analysis/recall"
	"github.com/engramsim/engram/rng"
)

// Patterns are P binary patterns over N neurons, stored as the sorted
// member lists of the assemblies.
type Patterns struct {
	// N is the number of neurons (local ids 0..N−1).
	N int
	// F is the coding level the patterns were drawn with (the centring of
	// the overlap m_k).
	F float64
	// Members lists each assembly's members, ascending.
	Members [][]int32
}

// P returns the number of patterns.
func (p Patterns) P() int { return len(p.Members) }

// Indicator returns ξ^k as a 0/1 vector of length N.
func (p Patterns) Indicator(k int) []float32 {
	x := make([]float32, p.N)
	for _, i := range p.Members[k] {
		x[i] = 1
	}
	return x
}

// Membership returns, per neuron, a bit set of its assemblies: in[i*words
// + k/64] has bit k%64 set when i ∈ k.
func (p Patterns) membership() (in []uint64, words int) {
	words = (p.P() + 63) / 64
	in = make([]uint64, p.N*words)
	for k, m := range p.Members {
		for _, i := range m {
			in[int(i)*words+k/64] |= 1 << (k % 64)
		}
	}
	return in, words
}

// Options configure Random.
type Options struct {
	// P is the number of assemblies (≥ 1, ≤ N).
	P int
	// N is the number of neurons (≥ 1).
	N int
	// F is the membership probability (overlapping) or the block fraction
	// (disjoint), in (0, 1].
	F float64
	// Disjoint draws disjoint blocks of round(F·N) neurons instead of
	// independent memberships.
	Disjoint bool
}

// Random draws P patterns (see the package doc) from streams keyed by seed
// and name. Errors: P < 1, N < 1, more assemblies than neurons, F outside
// (0, 1], disjoint blocks that do not fit, and an assembly that drew no
// member (naming it).
func Random(seed uint64, name string, o Options) (Patterns, error) {
	switch {
	case o.N < 1:
		return Patterns{}, fmt.Errorf("assembly: %d neurons: need at least one", o.N)
	case o.P < 1:
		return Patterns{}, fmt.Errorf("assembly: %d assemblies: need at least one", o.P)
	case o.P > o.N:
		return Patterns{}, fmt.Errorf("assembly: %d assemblies for %d neurons: more assemblies than neurons", o.P, o.N)
	case !(o.F > 0 && o.F <= 1):
		return Patterns{}, fmt.Errorf("assembly: coding level f = %v must be in (0, 1]", o.F)
	}
	p := Patterns{N: o.N, F: o.F, Members: make([][]int32, o.P)}
	key := rng.NameKey(name)
	if o.Disjoint {
		size := int(math.Round(o.F * float64(o.N)))
		if size < 1 {
			return Patterns{}, fmt.Errorf("assembly: disjoint blocks of round(f·N) = round(%v·%d) = 0 neurons: an empty assembly", o.F, o.N)
		}
		if size*o.P > o.N {
			return Patterns{}, fmt.Errorf("assembly: %d disjoint blocks of %d neurons need %d neurons, have %d", o.P, size, size*o.P, o.N)
		}
		perm := rng.New(seed, rng.Patterns, key).Perm(o.N)
		for k := range p.Members {
			m := make([]int32, size)
			for j := range m {
				m[j] = int32(perm[k*size+j])
			}
			slices.Sort(m)
			p.Members[k] = m
		}
		return p, nil
	}
	for k := range p.Members {
		r := rng.New(seed, rng.Patterns, key, uint64(k))
		var m []int32
		for i := 0; i < o.N; i++ {
			if r.Float64() < o.F {
				m = append(m, int32(i))
			}
		}
		if len(m) == 0 {
			return Patterns{}, fmt.Errorf("assembly: assembly %d of %q drew no member of %d neurons at f = %v: an empty assembly (raise f or change the seed)", k, name, o.N, o.F)
		}
		p.Members[k] = m
	}
	return p, nil
}

// Validate checks that every member list is sorted, inside [0, N) and
// non-empty; errors name the assembly.
func (p Patterns) Validate() error {
	if p.N < 1 || p.P() < 1 {
		return fmt.Errorf("assembly: %d patterns over %d neurons", p.P(), p.N)
	}
	for k, m := range p.Members {
		if len(m) == 0 {
			return fmt.Errorf("assembly: assembly %d is empty", k)
		}
		for j, i := range m {
			if i < 0 || int(i) >= p.N || (j > 0 && m[j-1] >= i) {
				return fmt.Errorf("assembly: assembly %d: member %d is out of range or out of order", k, i)
			}
		}
	}
	return nil
}

// WeightClass holds the mean weight of assembly k's four synapse classes
// (means over existing synapses; NaN for an empty class) and their counts.
type WeightClass struct {
	// Within: pre ∈ k and post ∈ k.
	Within float64
	// Out: pre ∈ k, post ∉ k (from the assembly to the rest).
	Out float64
	// In: pre ∉ k, post ∈ k (from the rest onto the assembly).
	In float64
	// Rest: pre ∉ k, post ∉ k.
	Rest float64
	// NWithin, NOut, NIn and NRest count the synapses of each class.
	NWithin, NOut, NIn, NRest int64
}

// Ratio is R_k = Within/Out (NaN when either class is empty).
func (c WeightClass) Ratio() float64 { return c.Within / c.Out }

// Classes returns the weight classes of every assembly of p for the
// synapses of a projection stored by presynaptic neuron: the synapses of
// pre j are [colPtr[j], colPtr[j+1]) with postsynaptic neurons post and
// weights w (pre and post both indexed like p, e.g. an E→E projection).
func Classes(colPtr []int64, post []int32, w []float32, p Patterns) []WeightClass {
	if len(colPtr) != p.N+1 || len(post) != len(w) || colPtr[p.N] != int64(len(w)) {
		panic(fmt.Sprintf("assembly: Classes: colPtr of %d entries (want N+1 = %d) for %d synapses, %d weights", len(colPtr), p.N+1, colPtr[len(colPtr)-1], len(w)))
	}
	in, words := p.membership()
	P := p.P()
	type acc struct {
		s [4]float64
		n [4]int64
	}
	a := make([]acc, P)
	for j := 0; j < p.N; j++ {
		pj := in[j*words : (j+1)*words]
		for q := colPtr[j]; q < colPtr[j+1]; q++ {
			i := int(post[q])
			pi := in[i*words : (i+1)*words]
			x := float64(w[q])
			for k := range a {
				b, m := k/64, uint64(1)<<(k%64)
				c := 0
				if pj[b]&m == 0 {
					c = 2
				}
				if pi[b]&m == 0 {
					c++
				}
				// 0: within, 1: pre in / post out, 2: pre out / post in, 3: rest
				a[k].s[c] += x
				a[k].n[c]++
			}
		}
	}
	out := make([]WeightClass, P)
	for k, x := range a {
		mean := func(c int) float64 {
			if x.n[c] == 0 {
				return math.NaN()
			}
			return x.s[c] / float64(x.n[c])
		}
		out[k] = WeightClass{Within: mean(0), Out: mean(1), In: mean(2), Rest: mean(3),
			NWithin: x.n[0], NOut: x.n[1], NIn: x.n[2], NRest: x.n[3]}
	}
	return out
}

// MeanRatio is R = mean_k R_k over the assemblies with a finite ratio
// (NaN if none).
func MeanRatio(cs []WeightClass) float64 {
	var s float64
	var n int
	for _, c := range cs {
		if r := c.Ratio(); !math.IsNaN(r) && !math.IsInf(r, 0) {
			s += r
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// BlockMeans returns the (P+1) × (P+1) row-major matrix of mean weights
// from assembly a (row, presynaptic) to assembly b (column,
// postsynaptic); index P is the neurons that belong to no assembly. A
// synapse counts in every block its pre and post memberships select
// (overlapping assemblies); NaN for an empty block.
func BlockMeans(colPtr []int64, post []int32, w []float32, p Patterns) []float64 {
	if len(colPtr) != p.N+1 || len(post) != len(w) {
		panic("assembly: BlockMeans: colPtr, post and w do not match the patterns")
	}
	P := p.P()
	lists := make([][]int, p.N)
	for k, m := range p.Members {
		for _, i := range m {
			lists[i] = append(lists[i], k)
		}
	}
	for i := range lists {
		if len(lists[i]) == 0 {
			lists[i] = []int{P}
		}
	}
	s := make([]float64, (P+1)*(P+1))
	n := make([]int64, len(s))
	for j := 0; j < p.N; j++ {
		for q := colPtr[j]; q < colPtr[j+1]; q++ {
			for _, a := range lists[j] {
				for _, b := range lists[post[q]] {
					s[a*(P+1)+b] += float64(w[q])
					n[a*(P+1)+b]++
				}
			}
		}
	}
	for c := range s {
		if n[c] == 0 {
			s[c] = math.NaN()
		} else {
			s[c] /= float64(n[c])
		}
	}
	return s
}

// Order returns the neurons sorted by assembly (the members of assembly 0,
// then those of 1 not yet listed, …, then the neurons of no assembly), for
// drawing a weight matrix in blocks, and the block boundaries (len P+1:
// the end of each assembly's block, then N).
func (p Patterns) Order() (order []int32, ends []int) {
	seen := make([]bool, p.N)
	for _, m := range p.Members {
		for _, i := range m {
			if !seen[i] {
				seen[i] = true
				order = append(order, i)
			}
		}
		ends = append(ends, len(order))
	}
	for i := range seen {
		if !seen[i] {
			order = append(order, int32(i))
		}
	}
	return order, append(ends, p.N)
}

// Tracker computes the overlaps m_k and the Pearson correlations ρ_k of a
// rate vector with every pattern.
type Tracker struct {
	p    Patterns
	gpat []float32 // P × N, ξ − f
	ov   *recall.Overlaps
	frac []float64 // empirical pattern means
}

// NewTracker prepares the centred patterns ξ^k − f of p (f = p.F).
func NewTracker(p Patterns) *Tracker {
	t := &Tracker{p: p, gpat: make([]float32, p.P()*p.N), ov: recall.NewOverlaps(p.P()), frac: make([]float64, p.P())}
	for k, m := range p.Members {
		g := t.gpat[k*p.N : (k+1)*p.N]
		for i := range g {
			g[i] = float32(-p.F)
		}
		for _, i := range m {
			g[i] = float32(1 - p.F)
		}
		t.frac[k] = float64(len(m)) / float64(p.N)
	}
	return t
}

// Overlaps fills m (len P) with m_k and rho with ρ_k for the rates r (len
// N, Hz). A rate vector with zero variance over neurons carries no
// pattern: both are then 0 (analysis/recall gives NaN).
func (t *Tracker) Overlaps(m, rho []float64, r []float32) {
	if len(r) != t.p.N || len(m) != t.p.P() || len(rho) != t.p.P() {
		panic("assembly: Tracker.Overlaps: lengths do not match the patterns")
	}
	f := t.p.F
	t.ov.Compute(r, t.gpat, f*(1-f), 1)
	sd := t.ov.SDRate
	for k := range m {
		if !(sd > 0) {
			m[k], rho[k] = 0, 0
			continue
		}
		m[k] = t.ov.M[k]
		// q_k = (1/N) Σ (ξ − f) r = ⟨ξ r⟩ − f r̄, so cov(ξ, r) = q_k + (f − ξ̄) r̄
		fk := t.frac[k]
		cov := t.ov.Q[k] + (f-fk)*t.ov.MeanRate
		sx := math.Sqrt(fk * (1 - fk))
		if sx == 0 {
			rho[k] = 0
			continue
		}
		rho[k] = cov / (sx * sd)
	}
}

// Criterion is the retrieval criterion of stdp-memory.md §3.4.
type Criterion struct {
	// MinM is the threshold on the cued assembly's time-averaged overlap (0.3).
	MinM float64
	// Margin is by how much it must exceed every other assembly's (0.2).
	Margin float64
	// LooseM is PB's looser threshold m > LooseM (0.2).
	LooseM float64
}

// DefaultCriterion is m > 0.3 with a margin of 0.2, loose m > 0.2.
func DefaultCriterion() Criterion { return Criterion{MinM: 0.3, Margin: 0.2, LooseM: 0.2} }

// Trial is the outcome of one recall trial.
type Trial struct {
	// Success: the cued assembly meets the criterion.
	Success bool
	// Loose: its overlap exceeds LooseM.
	Loose bool
	// Spurious: a non-cued assembly meets the criterion.
	Spurious bool
	// Winner is the assembly meeting the criterion, or −1.
	Winner int
}

// meets reports whether assembly k meets the criterion given the
// time-averaged overlaps m.
func (c Criterion) meets(m []float64, k int) bool {
	if !(m[k] > c.MinM) {
		return false
	}
	for l, v := range m {
		if l != k && !(m[k]-v >= c.Margin) {
			return false
		}
	}
	return true
}

// Evaluate classifies a trial cued with assembly cued from the
// time-averaged overlaps m (NaN entries never meet a threshold). At most
// one assembly can meet the criterion when Margin > 0.
func (c Criterion) Evaluate(m []float64, cued int) Trial {
	t := Trial{Winner: -1, Loose: m[cued] > c.LooseM}
	for k := range m {
		if c.meets(m, k) {
			t.Winner = k
			if k == cued {
				t.Success = true
			} else {
				t.Spurious = true
			}
		}
	}
	return t
}

// Selectivity is the mean of rate over the members of assembly k that are
// not in cued, minus its mean over the non-members of k (Hz; rate is per
// neuron, e.g. averaged over the delay). NaN when either set is empty.
func Selectivity(rate []float64, p Patterns, k int, cued []int32) float64 {
	in := make([]bool, p.N)
	for _, i := range p.Members[k] {
		in[i] = true
	}
	isCued := make([]bool, p.N)
	for _, i := range cued {
		isCued[i] = true
	}
	var sm, so float64
	var nm, no int
	for i, r := range rate {
		switch {
		case in[i] && !isCued[i]:
			sm += r
			nm++
		case !in[i]:
			so += r
			no++
		}
	}
	if nm == 0 || no == 0 {
		return math.NaN()
	}
	return sm/float64(nm) - so/float64(no)
}
