package spike

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/engramsim/engram/conn"
	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/rng"
)

// largeProjection is the synapse count above which Build collects garbage
// after constructing a projection.
const largeProjection = 10_000_000

// Options control Build. The zero value (or nil) gives one worker and the
// default checkers.
type Options struct {
	// Workers is the number of goroutines for the neuron update and spike
	// delivery (≤ 0: 1). Results are bit-identical for every value.
	Workers int
	// Checks configures the run-time checkers (on by default).
	Checks Checks
}

// Checks configures the checkers that stop a run with an error.
type Checks struct {
	// Disable turns both checkers off.
	Disable bool
	// MaxRateHz is the largest allowed population rate in Hz over one window
	// (0: 1000 Hz).
	MaxRateHz float64
	// WindowMs is the rate-checker window in ms (0: 100 ms).
	WindowMs float64
	// EverySteps is the period of the NaN/Inf scan of the state (0: 100 steps).
	EverySteps int
}

func (c Checks) withDefaults() Checks {
	if c.MaxRateHz == 0 {
		c.MaxRateHz = 1000
	}
	if c.WindowMs == 0 {
		c.WindowMs = 100
	}
	if c.EverySteps == 0 {
		c.EverySteps = 100
	}
	return c
}

// Net is a runnable spiking network. It is not safe for concurrent use;
// Step runs its own goroutines. Close releases them.
type Net struct {
	dt      float64
	seed    uint64
	step    int64
	pops    []*pop
	projs   []*Projection
	pool    *par.Pool
	workers int
	checks  Checks
	winStep int64
	// flushEvery is the period (steps) of flushTiny: 41·τ_min/dt, the
	// steps to decay by e^{−41.4} = 1e-18, capped to [1, 1000].
	flushEvery int64

	updateFn, deliverFn func(k int)
}

// PopInfo describes a population of a built Net.
type PopInfo struct {
	Name   string
	N      int
	Offset int // global id of the first neuron
	Exc    bool
}

// Projection is a built projection. CSR (post-major) is the source of truth
// for the weights. The pre-major index (ColPtr, PostIdx) lists the targets
// of every presynaptic neuron; SynIndex maps each pre-major entry back to
// its CSR synapse, so plasticity can address a weight from either side.
// For speed, delivery reads a pre-major copy of the weights (sign-adjusted
// for the target channel); after changing CSR.W call Net.SyncWeights.
type Projection struct {
	Pre, Post   int // population indices
	CSR         *conn.CSR
	ColPtr      []int64 // pre-major: synapses of pre j are [ColPtr[j], ColPtr[j+1])
	PostIdx     []int32 // post neuron of each pre-major entry (ascending within a column)
	DelaySteps  int
	toInhib     bool      // delivered to the inhibitory channel
	deliverSign float32   // multiplies W on delivery (−1 for inhibitory coba: g_i += |w|)
	wDel        []float32 // deliverSign·W, pre-major
	// wUniform is set when every entry of wDel equals wOne (constant
	// weights): delivery then reads only PostIdx, halving its memory
	// traffic, and adds the same values.
	wUniform bool
	wOne     float32
	syn      []int32 // lazily built back-pointers (SynIndex)
}

// SynIndex returns, for each pre-major entry k, the index of that synapse
// in CSR.Pre and CSR.W. It is built on first use (4 B per synapse) and
// cached; building it is not safe concurrently with Step.
func (pr *Projection) SynIndex() []int32 {
	if pr.syn == nil {
		pr.syn = make([]int32, len(pr.PostIdx))
		pr.walkPreMajor(func(q, k int64) { pr.syn[q] = int32(k) })
	}
	return pr.syn
}

// walkPreMajor calls fn(q, k) for every synapse, with q its pre-major
// position and k its CSR index.
func (pr *Projection) walkPreMajor(fn func(q, k int64)) {
	c := pr.CSR
	next := make([]int64, c.NPre)
	copy(next, pr.ColPtr[:c.NPre])
	for i := 0; i < c.NPost; i++ {
		for k := c.RowPtr[i]; k < c.RowPtr[i+1]; k++ {
			j := c.Pre[k]
			fn(next[j], k)
			next[j]++
		}
	}
}

// syncWeights refreshes the pre-major delivery copy from CSR.W.
func (pr *Projection) syncWeights() {
	if pr.wDel == nil {
		pr.wDel = make([]float32, len(pr.PostIdx))
	}
	W, s := pr.CSR.W, pr.deliverSign
	if pr.syn != nil {
		for q, k := range pr.syn {
			pr.wDel[q] = s * W[k]
		}
	} else {
		pr.walkPreMajor(func(q, k int64) { pr.wDel[q] = s * W[k] })
	}
	pr.wUniform, pr.wOne = false, 0
	if len(pr.wDel) > 0 {
		w0 := pr.wDel[0]
		bits := math.Float32bits(w0)
		pr.wUniform = true
		for _, w := range pr.wDel {
			if math.Float32bits(w) != bits {
				pr.wUniform = false
				break
			}
		}
		pr.wOne = w0
	}
}

// SyncWeights must be called after CSR.W of any projection was changed
// (plasticity, checkpoint restore) so delivery uses the new weights.
func (n *Net) SyncWeights() {
	for _, pr := range n.projs {
		pr.syncWeights()
	}
}

type poissonIn struct {
	exc bool
	w   float32
	cdf []float64 // P(count ≤ k)
}

// event is one given input spike: at step, add w to channel inh of neuron id.
type event struct {
	step int64
	id   int32
	inh  bool
	w    float32
}

type pop struct {
	name   string
	idx, n int
	off    int
	exc    bool
	np     NeuronParams

	// per-step constants
	p11, pE, pI, decE, decI, decA, decW, dtTau float32
	midE, midI                                 float32 // e^{−dt/(2τ_s)}: mid-step conductance factor
	el, vth, vreset, eE, eI, beta              float32
	dTh, vT, adA, adB, invDT                   float32
	nRef                                       int32
	clamp                                      bool
	noiseSD                                    float32
	bridge                                     bool
	bridgeVar, bridgeTh                        float64
	poisson                                    []poissonIn
	ouMu, ouDec, ouSD                          float32
	baseBias                                   float64
	steps                                      []CurrentSpec
	stepBias                                   float32

	// given input spikes, sorted by step
	ev    []event
	evPos int

	// state (struct of arrays)
	v, ge, gi, a, w, ou []float32
	ref                 []int32
	ringE, ringI        []float32
	ringLen             int
	pcg                 []rand.PCG
	rnd                 []rand.Rand

	spk [][]int32 // per worker
	// refl[k] lists the neurons of worker k's range with ref > 0 (local
	// indices; updateCOBA and updateExp); refOK[k] is false until it is
	// built from ref (after Build and Restore).
	refl     [][]int32
	refOK    []bool
	spiked   []int32 // this step, ascending local ids
	winCount int64
}

// Build validates s and constructs the network: connectivity (keyed by
// projection index, identical for every worker count), weights, delays,
// inputs and the initial state.
func Build(s *Spec, o *Options) (*Net, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var opt Options
	if o != nil {
		opt = *o
	}
	w := opt.Workers
	if w <= 0 {
		w = 1
	}
	n := &Net{dt: s.DtMs, seed: s.Seed, workers: w, checks: opt.Checks.withDefaults()}
	n.winStep = int64(math.Max(1, math.Round(n.checks.WindowMs/s.DtMs)))
	off := 0
	for i := range s.Populations {
		p, err := newPop(s, i, off, w)
		if err != nil {
			return nil, err
		}
		off += p.n
		n.pops = append(n.pops, p)
	}
	maxDelay := make([]int, len(n.pops))
	for i := range s.Projections {
		pr, err := buildProjection(s, i, n.pops, w)
		if err != nil {
			return nil, err
		}
		maxDelay[pr.Post] = max(maxDelay[pr.Post], pr.DelaySteps)
		n.projs = append(n.projs, pr)
		if pr.CSR.NNZ() >= largeProjection {
			// Return the generator's temporaries before the next large
			// projection: keeps the construction peak near the resident
			// size instead of the garbage collector's default 2×.
			runtime.GC()
		}
	}
	for i, p := range n.pops {
		p.ringLen = maxDelay[i] + 1
		p.ringE = make([]float32, p.ringLen*p.n)
		p.ringI = make([]float32, p.ringLen*p.n)
	}
	if err := attachInputs(s, n.pops); err != nil {
		return nil, err
	}
	for _, p := range n.pops {
		p.initState(s.Seed, s.Populations[p.idx].Init)
	}
	tauMin := math.Inf(1)
	for _, p := range n.pops {
		np := p.np
		if np.Synapse != Delta {
			tauMin = math.Min(tauMin, math.Min(np.TauSynEMs, np.TauSynIMs))
		}
		if np.Model == ALIF {
			tauMin = math.Min(tauMin, np.TauAdaptMs)
		}
	}
	n.flushEvery = int64(math.Max(1, math.Min(1000, math.Floor(41*tauMin/s.DtMs))))
	n.pool = par.NewPool(w)
	n.updateFn = n.update
	n.deliverFn = n.deliver
	return n, nil
}

func newPop(s *Spec, i, off, workers int) (*pop, error) {
	ps := s.Populations[i]
	np := ps.Neuron
	dt := s.DtMs
	p := &pop{name: ps.Name, idx: i, n: ps.N, off: off, exc: ps.Sign == "exc", np: np}
	e := func(tau float64) float32 { return float32(math.Exp(-dt / tau)) }
	p.p11 = e(np.TauMMs)
	p.dtTau = float32(dt / np.TauMMs)
	if np.Synapse == Exp {
		p.pE = float32(propagator(dt, np.TauMMs, np.TauSynEMs))
		p.pI = float32(propagator(dt, np.TauMMs, np.TauSynIMs))
	}
	if np.Synapse != Delta {
		p.decE, p.decI = e(np.TauSynEMs), e(np.TauSynIMs)
		p.midE, p.midI = e(2*np.TauSynEMs), e(2*np.TauSynIMs)
	}
	if np.Model == ALIF {
		p.decA, p.beta = e(np.TauAdaptMs), float32(np.BetaMV)
	}
	if np.Model == AdEx {
		p.decW = e(np.TauWMs)
		p.dTh, p.vT, p.adA, p.adB, p.invDT = float32(np.DeltaTMV), float32(np.VTMV), float32(np.AdaptA), float32(np.AdaptBMV), float32(1/np.DeltaTMV)
	}
	p.el, p.vth, p.vreset = float32(np.ELMV), float32(np.VThMV), float32(np.VResetMV)
	p.eE, p.eI = float32(np.ERevEMV), float32(np.ERevIMV)
	p.nRef = int32(math.Round(np.TauRefMs / dt))
	p.clamp = np.Reset == ResetValue
	p.baseBias = np.IBiasMV
	p.v = make([]float32, p.n)
	p.ref = make([]int32, p.n)
	if np.Synapse != Delta {
		p.ge, p.gi = make([]float32, p.n), make([]float32, p.n)
	}
	if np.Model == ALIF {
		p.a = make([]float32, p.n)
	}
	if np.Model == AdEx {
		p.w = make([]float32, p.n)
	}
	p.spk = make([][]int32, workers)
	for k := range p.spk {
		lo, hi := k*p.n/workers, (k+1)*p.n/workers
		p.spk[k] = make([]int32, 0, hi-lo)
	}
	p.spiked = make([]int32, 0, p.n)
	p.refl = make([][]int32, workers)
	p.refOK = make([]bool, workers)
	for k := range p.refl {
		lo, hi := k*p.n/workers, (k+1)*p.n/workers
		p.refl[k] = make([]int32, 0, hi-lo)
	}
	return p, nil
}

// propagator returns the exact contribution to V(t+h) of a synaptic current
// I(t) = 1 decaying with τ_s through a membrane with τ_m:
// τ_s/(τ_s − τ_m)·(e^{−h/τ_s} − e^{−h/τ_m}), or (h/τ_m)e^{−h/τ_m} if τ_s = τ_m.
func propagator(h, tauM, tauS float64) float64 {
	if math.Abs(tauS-tauM) < 1e-9*tauM {
		return h / tauM * math.Exp(-h/tauM)
	}
	return tauS / (tauS - tauM) * (math.Exp(-h/tauS) - math.Exp(-h/tauM))
}

func buildProjection(s *Spec, i int, pops []*pop, workers int) (*Projection, error) {
	ps := s.Projections[i]
	pre, post := pops[s.PopIndex(ps.Pre)], pops[s.PopIndex(ps.Post)]
	key := fmt.Sprintf("projection[%d] (%s→%s)", i, ps.Pre, ps.Post)
	same := pre == post
	// Between two distinct populations of equal size there are no autapses
	// to exclude: DistinctPopulations keeps conn from dropping the diagonal.
	g := conn.GenOptions{Seed: s.Seed, Key: uint64(i) + 1, Autapses: ps.Autapses, DistinctPopulations: !same,
		Multapses: ps.Multapses, Workers: workers}
	avail := func(m int) int {
		if same && !ps.Autapses {
			return m - 1
		}
		return m
	}
	var c *conn.CSR
	var err error
	switch ps.Rule {
	case RuleBernoulli:
		c, err = conn.Bernoulli(post.n, pre.n, ps.P, g)
	case RuleFixedIn:
		k := ps.K
		if k == 0 {
			k = int(math.Round(ps.P * float64(avail(pre.n))))
		}
		c, err = conn.FixedInDegree(post.n, pre.n, k, g)
	case RuleFixedOut:
		k := ps.K
		if k == 0 {
			k = int(math.Round(ps.P * float64(avail(post.n))))
		}
		c, err = conn.FixedOutDegree(post.n, pre.n, k, g)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	if int64(c.NNZ()) > math.MaxInt32 {
		return nil, fmt.Errorf("%s: %d synapses exceed the 2^31 per-projection limit", key, c.NNZ())
	}
	c.W = make([]float32, c.NNZ())
	sign := float32(1)
	if !pre.exc {
		sign = -1
	}
	ws := ps.Weight
	par.For(c.NPost, workers, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			a, b := c.RowPtr[r], c.RowPtr[r+1]
			if a == b {
				continue
			}
			src := rng.New(s.Seed, rng.Weights, uint64(i)+1, uint64(r))
			for k := a; k < b; k++ {
				c.W[k] = sign * float32(ws.Scale*drawMagnitude(ws, src))
			}
		}
	})
	pr := &Projection{Pre: pre.idx, Post: post.idx, CSR: c, DelaySteps: int(math.Round(ps.DelayMs / s.DtMs)),
		toInhib: !pre.exc, deliverSign: 1}
	if !pre.exc && post.np.Synapse == COBA {
		pr.deliverSign = -1
	}
	pr.ColPtr, pr.PostIdx = preMajor(c)
	pr.syncWeights()
	return pr, nil
}

// drawMagnitude draws |w| from the weight distribution.
func drawMagnitude(w WeightSpec, r *rand.Rand) float64 {
	switch w.Dist {
	case WeightNormal:
		for it := 0; it < 1000; it++ {
			if x := w.Mean + w.SD*r.NormFloat64(); x >= 0 {
				return x
			}
		}
		return 0
	case WeightLognormal:
		return math.Exp(w.LogMu + w.LogSigma*r.NormFloat64())
	}
	return w.Mean
}

// preMajor builds the pre-major index (column pointers and post indices)
// of c.
func preMajor(c *conn.CSR) (colPtr []int64, post []int32) {
	colPtr = make([]int64, c.NPre+1)
	for _, j := range c.Pre {
		colPtr[j+1]++
	}
	for j := 0; j < c.NPre; j++ {
		colPtr[j+1] += colPtr[j]
	}
	next := make([]int64, c.NPre)
	copy(next, colPtr[:c.NPre])
	post = make([]int32, len(c.Pre))
	for i := 0; i < c.NPost; i++ {
		for k := c.RowPtr[i]; k < c.RowPtr[i+1]; k++ {
			j := c.Pre[k]
			post[next[j]] = int32(i)
			next[j]++
		}
	}
	return colPtr, post
}

func attachInputs(s *Spec, pops []*pop) error {
	dt := s.DtMs
	for _, in := range s.Poisson {
		p := pops[s.PopIndex(in.Target)]
		lam := float64(in.NSources) * in.RateHz * dt / 1000
		if lam == 0 || in.Weight == 0 {
			continue
		}
		w := float32(in.Weight)
		if in.Sign == "inh" && p.np.Synapse != COBA {
			w = -w
		}
		p.poisson = append(p.poisson, poissonIn{exc: in.Sign == "exc", w: w, cdf: poissonCDF(lam)})
	}
	for _, in := range s.Noise {
		p := pops[s.PopIndex(in.Target)]
		p.baseBias += in.MuMV
		if in.SigmaMV > 0 {
			v := float64(p.noiseSD)
			tau := p.np.TauMMs
			v = v*v + in.SigmaMV*in.SigmaMV*(1-math.Exp(-2*dt/tau))/2
			p.noiseSD = float32(math.Sqrt(v))
			p.bridgeVar += in.SigmaMV * in.SigmaMV * dt / tau
			p.bridge = p.bridge || in.Bridge
		}
	}
	for i, c := range s.Currents {
		p := pops[s.PopIndex(c.Target)]
		switch c.Kind {
		case CurrentConstant:
			p.baseBias += c.AmpMV
		case CurrentStep:
			p.steps = append(p.steps, c)
		case CurrentOU:
			if p.ou != nil {
				return fmt.Errorf("current[%d]: population %q already has an OU current (one per population)", i, p.name)
			}
			d := math.Exp(-dt / c.TauMs)
			p.ou = make([]float32, p.n)
			p.ouMu, p.ouDec, p.ouSD = float32(c.AmpMV), float32(d), float32(c.SigmaMV*math.Sqrt(1-d*d))
		}
	}
	for _, st := range s.SpikeTrains {
		p := pops[s.PopIndex(st.Target)]
		w := float32(st.Weight)
		inh := st.Sign == "inh"
		if inh && p.np.Synapse != COBA {
			w = -w
		}
		for k, t := range st.TimesMs {
			p.ev = append(p.ev, event{step: int64(math.Floor(t / dt)), id: st.IDs[k], inh: inh, w: w})
		}
	}
	for _, p := range pops {
		slices.SortStableFunc(p.ev, func(a, b event) int { return cmp.Compare(a.step, b.step) })
		if p.bridge {
			// Skip the uniform draw when the crossing probability is below e^-30.
			p.bridgeTh = 30
		}
		if len(p.poisson) > 0 || p.noiseSD > 0 || p.ou != nil {
			p.pcg = make([]rand.PCG, p.n)
			p.rnd = make([]rand.Rand, p.n)
			for i := range p.pcg {
				p.pcg[i] = *rng.Source(s.Seed, rng.Noise, uint64(p.idx), uint64(i))
				p.rnd[i] = *rand.New(&p.pcg[i])
			}
		}
	}
	return nil
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

func (p *pop) initState(seed uint64, in InitSpec) {
	for i := 0; i < p.n; i++ {
		r := rng.New(seed, rng.InitState, uint64(p.idx), uint64(i))
		v := p.np.ELMV
		if in.VHiMV > in.VLoMV {
			v = in.VLoMV + (in.VHiMV-in.VLoMV)*r.Float64()
		} else if in.VLoMV != 0 || in.VHiMV != 0 {
			v = in.VLoMV
		}
		p.v[i] = float32(v)
		if p.ge != nil {
			p.ge[i] = float32(in.GEMean + in.GESD*r.NormFloat64())
			p.gi[i] = float32(in.GIMean + in.GISD*r.NormFloat64())
		}
		if p.ou != nil {
			p.ou[i] = p.ouMu
		}
	}
}

// Close stops the worker goroutines.
func (n *Net) Close() { n.pool.Close() }

// DtMs returns the step in ms.
func (n *Net) DtMs() float64 { return n.dt }

// Steps returns the number of steps taken.
func (n *Net) Steps() int64 { return n.step }

// TimeMs returns the simulated time in ms.
func (n *Net) TimeMs() float64 { return float64(n.step) * n.dt }

// Populations describes the populations in id order.
func (n *Net) Populations() []PopInfo {
	out := make([]PopInfo, len(n.pops))
	for i, p := range n.pops {
		out[i] = PopInfo{Name: p.name, N: p.n, Offset: p.off, Exc: p.exc}
	}
	return out
}

// Projections returns the built projections in spec order.
func (n *Net) Projections() []*Projection { return n.projs }

// Spiked returns the local ids (ascending) of population pop's neurons that
// spiked in the last step. The slice is reused by the next Step.
func (n *Net) Spiked(pop int) []int32 { return n.pops[pop].spiked }

// V returns population pop's membrane potentials (mV); read-only view.
func (n *Net) V(pop int) []float32 { return n.pops[pop].v }

// State returns a named state variable of population pop ("v", "ge", "gi",
// "a", "w", "ou"), or nil if the population does not have it.
func (n *Net) State(pop int, name string) []float32 {
	p := n.pops[pop]
	switch name {
	case "v":
		return p.v
	case "ge":
		return p.ge
	case "gi":
		return p.gi
	case "a":
		return p.a
	case "w":
		return p.w
	case "ou":
		return p.ou
	}
	return nil
}

// SynapseCount returns the total number of synapses.
func (n *Net) SynapseCount() int64 {
	var s int64
	for _, pr := range n.projs {
		s += int64(pr.CSR.NNZ())
	}
	return s
}

// CheckDale verifies that every weight has the sign of its presynaptic
// population (zero allowed) and returns an error naming the first violation.
func (n *Net) CheckDale() error {
	for i, pr := range n.projs {
		exc := n.pops[pr.Pre].exc
		for k, w := range pr.CSR.W {
			if (exc && w < 0) || (!exc && w > 0) {
				return fmt.Errorf("spike: projection[%d] (%s→%s): synapse %d has weight %v against Dale's law",
					i, n.pops[pr.Pre].name, n.pops[pr.Post].name, k, w)
			}
		}
	}
	return nil
}
