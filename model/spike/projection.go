package spike

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"

	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/rng"
	"github.com/engramsim/engram/store"
)

// Projection is a built projection: the synapse store.
//
// There is one weight array, W, in delivery order: the synapses of
// presynaptic neuron j are the positions [ColPtr[j], ColPtr[j+1]), with
// their postsynaptic neurons PostIdx (ascending within a column) and
// weights W. A weight is a magnitude ≥ 0 (mV for delta and exp synapses,
// units of g_L for coba); the sign of its effect is the presynaptic
// population's (Dale's law), applied on delivery: an excitatory spike adds
// w to the postsynaptic g_e (or I_e, or V), an inhibitory one adds w to
// g_i (coba) or subtracts it from I_i or V (exp, delta).
//
// Plastic projections also hold a post-side index of positions into W
// (PostIndex: for postsynaptic neuron i, the presynaptic neurons and the
// positions of its synapses), never a second copy of the weights. A
// static projection whose weights are all equal keeps no array at all
// (W is nil and every weight is WConst) unless EnsureWeights is called.
type Projection struct {
	// Name is the projection's name (ProjectionSpec.DisplayName).
	Name string
	// Pre and Post are population indices; NPre and NPost their sizes.
	Pre, Post   int
	NPre, NPost int
	// ColPtr has NPre+1 entries: the synapses of pre j are [ColPtr[j], ColPtr[j+1]).
	ColPtr []int64
	// PostIdx is the postsynaptic neuron of each position.
	PostIdx []int32
	// W is the weight magnitude of each position (nil: every weight is WConst).
	W []float32
	// WConst is the common weight of a projection stored without W.
	WConst float32
	// DelaySteps is the transmission delay: a spike emitted in step m acts
	// on the postsynaptic neuron at the end of step m + DelaySteps.
	DelaySteps int
	// DendriticSteps is the dendritic part of the delay: plasticity sees
	// the presynaptic spike at the synapse in step m + DelaySteps −
	// DendriticSteps and a postsynaptic spike of step m in step m +
	// DendriticSteps.
	DendriticSteps int

	inh      bool // delivered to the inhibitory channel
	subtract bool // inhibitory delivery onto exp or delta synapses (I_i, V decrease)
	source   bool // the post population is a spike source: nothing is delivered
	key      uint64
	spec     *ProjectionSpec

	// post-side index (PostIndex)
	rowPtr []int64
	rowPre []int32
	rowPos []int32

	rules []rule
	// chk is the next position of the round-robin weight scan.
	chk int
	// stp is the short-term plasticity state (nil: none).
	stp *stpState
	// lazy is a rule that defers increments (vstdp's LTP; nil: none): W
	// plus its pending increments are the weights.
	lazy *vstdpRule
}

// NNZ returns the number of synapses.
func (pr *Projection) NNZ() int { return len(pr.PostIdx) }

// Plastic reports whether any plasticity rule acts on the projection.
func (pr *Projection) Plastic() bool { return len(pr.rules) > 0 }

// Weight returns the weight at position q (with pending lazy increments,
// see EffectiveWeights).
func (pr *Projection) Weight(q int64) float32 {
	if pr.W == nil {
		return pr.WConst
	}
	if pr.lazy != nil {
		j := sort.Search(pr.NPre, func(j int) bool { return pr.ColPtr[j+1] > q })
		return pr.lazy.pendingWeight(q, j)
	}
	return pr.W[q]
}

// EffectiveWeights returns the weights in delivery order as the rules
// define them: W itself, or, when a rule defers its increments (vstdp's
// LTP), a copy of W with them applied. It does not change the state.
func (pr *Projection) EffectiveWeights() []float32 {
	if pr.W == nil {
		w := make([]float32, len(pr.PostIdx))
		for q := range w {
			w[q] = pr.WConst
		}
		return w
	}
	if pr.lazy == nil {
		return pr.W
	}
	w := make([]float32, len(pr.W))
	for j := 0; j < pr.NPre; j++ {
		for q := pr.ColPtr[j]; q < pr.ColPtr[j+1]; q++ {
			w[q] = pr.lazy.pendingWeight(q, j)
		}
	}
	return w
}

// EnsureWeights gives a constant-weight projection its weight array (every
// entry WConst), so that its weights can be changed; it returns W. Not safe
// concurrently with Step.
func (pr *Projection) EnsureWeights() []float32 {
	if pr.W == nil {
		pr.W = make([]float32, len(pr.PostIdx))
		for q := range pr.W {
			pr.W[q] = pr.WConst
		}
	}
	return pr.W
}

// PostIndex returns the post-side index: the synapses onto post neuron i
// are entries [rowPtr[i], rowPtr[i+1]) of rowPre (their presynaptic
// neurons, ascending) and rowPos (their positions in W and PostIdx). It
// is built with the projection when a rule needs it and otherwise on first
// use (8 B per synapse); building it is not safe concurrently with Step.
func (pr *Projection) PostIndex() (rowPtr []int64, rowPre, rowPos []int32) {
	if pr.rowPtr == nil {
		pr.buildPostIndex()
	}
	return pr.rowPtr, pr.rowPre, pr.rowPos
}

func (pr *Projection) buildPostIndex() {
	rowPtr := make([]int64, pr.NPost+1)
	for _, i := range pr.PostIdx {
		rowPtr[i+1]++
	}
	for i := 0; i < pr.NPost; i++ {
		rowPtr[i+1] += rowPtr[i]
	}
	next := make([]int64, pr.NPost)
	copy(next, rowPtr[:pr.NPost])
	pre := make([]int32, len(pr.PostIdx))
	pos := make([]int32, len(pr.PostIdx))
	for j := 0; j < pr.NPre; j++ {
		for q := pr.ColPtr[j]; q < pr.ColPtr[j+1]; q++ {
			i := pr.PostIdx[q]
			r := next[i]
			next[i]++
			pre[r] = int32(j)
			pos[r] = int32(q)
		}
	}
	pr.rowPtr, pr.rowPre, pr.rowPos = rowPtr, pre, pos
}

// PostMajor returns a post-major copy of the projection (row i: the
// synapses onto post neuron i, presynaptic indices ascending, weights as
// stored), the orientation of W_ij with i post.
func (pr *Projection) PostMajor() *conn.CSR {
	rowPtr, rowPre, rowPos := pr.PostIndex()
	c := &conn.CSR{NPost: pr.NPost, NPre: pr.NPre, RowPtr: slices.Clone(rowPtr), Pre: slices.Clone(rowPre),
		W: make([]float32, len(rowPos))}
	for r, q := range rowPos {
		c.W[r] = pr.Weight(int64(q))
	}
	return c
}

// WriteNPZ writes the weights as a scipy.sparse CSR matrix of shape
// (NPre, NPost): row j is presynaptic neuron j, column i postsynaptic
// neuron i, the value the weight magnitude (float32). This is the store's
// own order, so nothing is transposed; scipy.sparse.load_npz(path).T is
// the (post, pre) matrix W_ij of the rate models.
func (pr *Projection) WriteNPZ(path string) error {
	w := pr.EffectiveWeights()
	return store.WriteCSRNPZ(path, pr.NPre, pr.NPost, pr.ColPtr, pr.PostIdx, w)
}

// nameKey hashes a name into a stream key.
func nameKey(s string) uint64 { return rng.NameKey(s) }

// buildProjection builds projection i of s. The mask of each row comes
// from rng.New(seed, rng.Mask, nameKey(name), row) and the weights of pre
// neuron j from rng.New(seed, rng.Weights, nameKey(name), j), so neither
// depends on the worker count nor on the other projections.
//
// Bernoulli and fixed out-degree masks are drawn pre neuron by pre neuron
// directly in delivery order (rows of the generated matrix are
// presynaptic); fixed in-degree masks are drawn post neuron by post neuron
// and transposed.
func buildProjection(s *Spec, i int, pops []*pop, workers int) (*Projection, error) {
	ps := &s.Projections[i]
	pre, post := pops[s.PopIndex(ps.Pre)], pops[s.PopIndex(ps.Post)]
	name := ps.DisplayName()
	key := fmt.Sprintf("projection[%d] (%s)", i, name)
	same := pre == post
	pk := nameKey(name)
	g := conn.GenOptions{Seed: s.Seed, Key: pk, Autapses: ps.Autapses, DistinctPopulations: !same,
		Multapses: ps.Multapses, Workers: workers}
	avail := func(m int) int {
		if same && !ps.Autapses {
			return m - 1
		}
		return m
	}
	pr := &Projection{Name: name, Pre: pre.idx, Post: post.idx, NPre: pre.n, NPost: post.n, key: pk, spec: ps,
		DelaySteps: int(math.Round(ps.DelayMs / s.DtMs)), DendriticSteps: int(math.Round(ps.DendriticDelayMs / s.DtMs)),
		inh: !pre.exc, source: post.np.Model.IsSource()}
	pr.subtract = pr.inh && post.np.Synapse != COBA
	if ps.STP != nil {
		pr.stp = newSTP(*ps.STP, pre.n, s.DtMs)
	}
	var err error
	var c *conn.CSR
	switch ps.Rule {
	case RuleBernoulli:
		c, err = conn.Bernoulli(pre.n, post.n, ps.P, g)
	case RuleFixedOut:
		k := ps.K
		if k == 0 {
			k = int(math.Round(ps.P * float64(avail(post.n))))
		}
		c, err = conn.FixedInDegree(pre.n, post.n, k, g)
	case RuleFixedIn:
		k := ps.K
		if k == 0 {
			k = int(math.Round(ps.P * float64(avail(pre.n))))
		}
		var t *conn.CSR
		t, err = conn.FixedInDegree(post.n, pre.n, k, g)
		if err == nil {
			if int64(t.NNZ()) > math.MaxInt32 {
				return nil, fmt.Errorf("%s: %d synapses exceed the 2^31 per-projection limit", key, t.NNZ())
			}
			large := t.NNZ() >= largeProjection
			if large {
				runtime.GC() // the generator's per-chunk buffers: the transpose reuses their memory
			}
			colPtr, rows := t.TransposeIndex()
			t = nil
			if large {
				runtime.GC() // the post-major mask: W and the post index reuse its memory
			}
			c = &conn.CSR{NPost: pre.n, NPre: post.n, RowPtr: colPtr, Pre: rows}
		}
	case RuleOneToOne:
		c = &conn.CSR{NPost: pre.n, NPre: post.n, RowPtr: make([]int64, pre.n+1), Pre: make([]int32, pre.n)}
		for j := range c.Pre {
			c.Pre[j] = int32(j)
			c.RowPtr[j+1] = int64(j + 1)
		}
	case RuleDisc:
		c = discCSR(pre.n, post.n, ps.Radius)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if c.NNZ() >= largeProjection && ps.Rule != RuleFixedIn {
		runtime.GC() // the generator's per-chunk buffers: W and the post index reuse their memory
	}
	if int64(c.NNZ()) > math.MaxInt32 {
		return nil, fmt.Errorf("%s: %d synapses exceed the 2^31 per-projection limit", key, c.NNZ())
	}
	pr.ColPtr, pr.PostIdx = c.RowPtr, c.Pre
	ws := ps.Weight
	if ws.Dist == WeightConstant && len(ps.Plasticity) == 0 {
		pr.WConst = float32(ws.ScaleFactor() * ws.Mean)
	} else {
		pr.W = make([]float32, len(pr.PostIdx))
		if len(ps.Plasticity) > 0 {
			adviseHuge(pr.W) // before the first write: random access through the post index
		}
		par.For(pr.NPre, workers, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				a, b := pr.ColPtr[j], pr.ColPtr[j+1]
				if a == b {
					continue
				}
				src := rng.New(s.Seed, rng.Weights, pk, uint64(j))
				for q := a; q < b; q++ {
					pr.W[q] = float32(ws.ScaleFactor() * drawMagnitude(ws, src))
				}
			}
		})
	}
	if len(ps.Plasticity) > 0 {
		pr.buildPostIndex()
	}
	if pr.NNZ() >= largeProjection {
		runtime.GC()
	}
	return pr, nil
}

// drawMagnitude draws |w| from the weight distribution.
func drawMagnitude(w WeightSpec, r *rand.Rand) float64 {
	switch w.Dist {
	case WeightNormal:
		for it := 0; it < 1000; it++ {
			if x := w.Mean + float64(w.SD*r.NormFloat64()); x >= 0 {
				return x
			}
		}
		return 0
	case WeightLognormal:
		return math.Exp(w.LogMu + float64(w.LogSigma*r.NormFloat64()))
	}
	return w.Mean
}

// discCSR returns the presynaptic-major connectivity of RuleDisc: for
// each presynaptic neuron j the postsynaptic neurons whose position on the
// unit torus lies within r presynaptic grid spacings of j's, ascending. Only
// the postsynaptic cells in the disc's bounding box are examined.
func discCSR(nPre, nPost int, r float64) *conn.CSR {
	sp, sq := int(math.Round(math.Sqrt(float64(nPre)))), int(math.Round(math.Sqrt(float64(nPost))))
	c := &conn.CSR{NPost: nPre, NPre: nPost, RowPtr: make([]int64, nPre+1)}
	// torus distance in presynaptic spacings between cell centres
	d := func(a, b float64) float64 {
		x := math.Abs(a - b)
		return math.Min(x, 1-x) * float64(sp)
	}
	rp := r * float64(sq) / float64(sp) // the radius in postsynaptic spacings
	span := min(sq, 2*int(math.Ceil(rp))+3)
	var row []int32
	for j := 0; j < nPre; j++ {
		xj, yj := (float64(j%sp)+0.5)/float64(sp), (float64(j/sp)+0.5)/float64(sp)
		cx, cy := int(math.Floor(xj*float64(sq))), int(math.Floor(yj*float64(sq)))
		row = row[:0]
		for dyi := 0; dyi < span; dyi++ {
			iy := ((cy-span/2+dyi)%sq + sq) % sq
			for dxi := 0; dxi < span; dxi++ {
				ix := ((cx-span/2+dxi)%sq + sq) % sq
				xi, yi := (float64(ix)+0.5)/float64(sq), (float64(iy)+0.5)/float64(sq)
				dx, dy := d(xi, xj), d(yi, yj)
				if dx*dx+dy*dy <= r*r {
					row = append(row, int32(iy*sq+ix))
				}
			}
		}
		slices.Sort(row)
		c.Pre = append(c.Pre, row...)
		c.RowPtr[j+1] = int64(len(c.Pre))
	}
	return c
}

// SetWeights replaces the weight magnitudes (delivery order, len NNZ, each
// finite and ≥ 0), e.g. to impose a structure or shuffle a trained matrix
// as a control. Pending lazy increments (vstdp's LTP) are applied first
// and dropped with the old weights, and tracked normalisation row sums are
// recomputed; the normalisation targets and every other rule state are
// kept (a later normalisation pulls the rows back to their targets). The
// rules' bounds are not applied. Not safe concurrently with Step.
func (pr *Projection) SetWeights(w []float32) error {
	if len(w) != len(pr.PostIdx) {
		return fmt.Errorf("projection %s: %d weights for %d synapses", pr.Name, len(w), len(pr.PostIdx))
	}
	for q, x := range w {
		if !(x >= 0) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("projection %s: weight %d = %v must be finite and ≥ 0", pr.Name, q, x)
		}
	}
	if pr.lazy != nil {
		pr.lazy.settleAll(0, int32(pr.NPost), false)
	}
	copy(pr.EnsureWeights(), w)
	for _, r := range pr.rules {
		if nr, ok := r.(*normRule); ok && nr.tracked {
			nr.rowSums(pr, 0, int32(nr.nPost), false)
		}
	}
	return nil
}
