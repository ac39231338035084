package spike

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"

	"github.com/engramsim/engram/par"
	"github.com/engramsim/engram/rng"
)

// largeProjection is the synapse count above which Build collects garbage
// after constructing a projection.
const largeProjection = 10_000_000

// Options control Build. The zero value (or nil) gives one worker and the
// default checkers.
type Options struct {
	// Workers is the number of goroutines for the neuron update, spike
	// delivery and plasticity (≤ 0: 1). Results are bit-identical for every
	// value.
	Workers int
	// Checks configures the run-time checkers (on by default).
	Checks Checks
}

// Checks configures the checkers that stop a run with an error.
type Checks struct {
	// Disable turns the checkers off.
	Disable bool
	// MaxRateHz is the largest allowed population rate in Hz over one window
	// (0: 1000 Hz).
	MaxRateHz float64
	// WindowMs is the rate-checker window in ms (0: 100 ms).
	WindowMs float64
	// EverySteps is the period of the NaN/Inf scan of the state (0: 100 steps).
	EverySteps int
	// WeightScanSteps is the number of steps over which the NaN/Inf scan of
	// the plastic weights covers every weight once (0: 10 000), a slice of
	// them at every state scan.
	WeightScanSteps int
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
	if c.WeightScanSteps == 0 {
		c.WeightScanSteps = 10000
	}
	return c
}

// Net is a runnable spiking network. It is not safe for concurrent use;
// Step runs its own goroutines. Close releases them.
type Net struct {
	dt      float64
	seed    uint64
	step    int64
	spec    *Spec // a deep copy of the spec it was built from
	pops    []*pop
	projs   []*Projection
	groups  []GroupInfo
	traces  []*trace
	pool    *par.Pool
	workers int
	checks  Checks
	winStep int64
	// flushEvery is the period (steps) of flushTiny: 41·τ_min/dt, the
	// steps to decay by e^{−41.4} = 1e-18, capped to [1, 1000].
	flushEvery int64
	histLen    int

	stages  []stage
	entries []*entry
	// forceGeneric makes every population use updateGeneric (tests).
	forceGeneric bool
	// planned is the schedule as planned from the spec (entries in order).
	hashNet, hashAll [32]byte
}

// PopInfo describes a population of a built Net.
type PopInfo struct {
	Name   string
	N      int
	Offset int // global id of the first neuron
	Exc    bool
	// Model is the neuron model (or spike source) of the population.
	Model Model
}

// GroupInfo is a built neuron group: its population and its members (local
// ids, ascending).
type GroupInfo struct {
	Name string
	Pop  int
	IDs  []int32
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
	key    uint64

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
	ouMu, ouDec, ouSD                          float32
	mulN, fN, decTh, thJump                    float32 // NMDA low-pass, NMDA fraction, dynamic threshold
	decRE, decRI, midRE, midRI, nrmE, nrmI     float32 // rise decays, their mid-step factors, 1/(τ_d − τ_r)
	decA1, decA2, jA1, jA2, midA1, midA2       float32 // adaptation conductances
	baseBias                                   float64
	steps                                      []CurrentSpec
	stepBias                                   float32

	// inputs
	drives []*poissonDrive
	ev     []event // given input spikes, sorted by step
	evPos  int
	src    *source // spike sources

	// state (struct of arrays)
	v, ge, gi, a, w, ou []float32
	gn, th              []float32              // NMDA conductance, dynamic threshold
	ger, gir            []float32              // rise parts of difference-of-exponentials conductances
	ga1, ga2            []float32              // adaptation conductances (reversal E_i)
	gnZero, thZero      []float32              // zero stand-ins of fastCOBAN populations without one of them
	kvec                []kvec                 // per worker: AVX2 kernel constants
	riseK               [][riseKLen][8]float32 // per worker: constants of the AVX2 rise kernels
	ref                 []int32
	inE, inI            []float32 // synaptic input of the current step
	pcg                 []rand.PCG
	rnd                 []rand.Rand

	spk  [][]int32   // per worker: spikes of this step
	spkV [][]float32 // per worker: their membrane potential before the reset
	// refl[k] lists the neurons of worker k's range with ref > 0 (local
	// indices; updateCOBA and updateExp); refOK[k] is false until it is
	// built from ref (after Build and Restore).
	refl     [][]int32
	refOK    []bool
	hist     [][]int32 // hist[s % histLen]: the neurons that spiked in step s, ascending
	spiked   []int32   // this step's spikes (the current history slot)
	spikedV  []float32 // pre-reset V of spiked (neuron populations)
	winCount int64
	traces   []*trace
}

// Build validates s and constructs the network: connectivity and weights
// (keyed by projection name, identical for every worker count), delays,
// traces and plasticity rules, inputs, the initial state and the step
// schedule.
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
	n := &Net{dt: s.DtMs, seed: s.Seed, workers: w, checks: opt.Checks.withDefaults(), spec: cloneSpec(s)}
	s = n.spec
	n.hashNet, n.hashAll = specHashes(s)
	n.winStep = int64(math.Max(1, math.Round(n.checks.WindowMs/s.DtMs)))
	off := 0
	for i := range s.Populations {
		p := newPop(s, i, off, w)
		off += p.n
		n.pops = append(n.pops, p)
	}
	for i := range s.Groups {
		g := buildGroup(s, i)
		if len(g.IDs) == 0 { // an empty selection must not read as "every neuron" downstream
			return nil, fmt.Errorf("group[%d] (%q): selects no neuron of %q (fraction %g); raise the fraction or list ids",
				i, g.Name, s.Groups[i].Population, s.Groups[i].Fraction)
		}
		n.groups = append(n.groups, g)
	}
	maxDelay := 0
	for i := range s.Projections {
		pr, err := buildProjection(s, i, n.pops, w)
		if err != nil {
			return nil, err
		}
		maxDelay = max(maxDelay, pr.DelaySteps)
		n.projs = append(n.projs, pr)
	}
	n.histLen = maxDelay + 2
	for _, p := range n.pops {
		p.hist = make([][]int32, n.histLen)
		for k := range p.hist {
			p.hist[k] = make([]int32, 0, p.n)
		}
		p.spiked = p.hist[0][:0]
	}
	if err := n.attachInputs(s); err != nil {
		return nil, err
	}
	for i, pr := range n.projs {
		if err := n.attachRules(s, i, pr); err != nil {
			return nil, err
		}
	}
	for _, p := range n.pops {
		p.initState(s.Seed, s.Populations[p.idx].Init)
	}
	tauMin := math.Inf(1)
	for _, p := range n.pops {
		np := p.np
		if np.Model.IsSource() {
			continue
		}
		if np.Synapse != Delta {
			tauMin = math.Min(tauMin, math.Min(np.TauSynEMs, np.TauSynIMs))
		}
		if np.Model == ALIF {
			tauMin = math.Min(tauMin, np.TauAdaptMs)
		}
	}
	n.flushEvery = int64(math.Max(1, math.Min(1000, math.Floor(41*tauMin/s.DtMs))))
	n.pool = par.NewPool(w)
	n.buildSchedule()
	return n, nil
}

func newPop(s *Spec, i, off, workers int) *pop {
	ps := s.Populations[i]
	np := ps.Neuron
	dt := s.DtMs
	p := &pop{name: ps.Name, idx: i, n: ps.N, off: off, exc: ps.Sign == "exc", np: np, key: nameKey(ps.Name)}
	p.spk = make([][]int32, workers)
	p.spkV = make([][]float32, workers)
	for k := range p.spk {
		lo, hi := k*p.n/workers, (k+1)*p.n/workers
		p.spk[k] = make([]int32, 0, hi-lo)
		p.spkV[k] = make([]float32, 0, hi-lo)
	}
	p.spikedV = make([]float32, 0, p.n)
	if np.Model.IsSource() {
		return p
	}
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
	p.inE, p.inI = make([]float32, p.n), make([]float32, p.n)
	if np.Synapse != Delta {
		p.ge, p.gi = make([]float32, p.n), make([]float32, p.n)
	}
	if np.Model == ALIF {
		p.a = make([]float32, p.n)
	}
	if np.Model == AdEx {
		p.w = make([]float32, p.n)
	}
	if np.TauNMDAMs > 0 {
		p.gn = make([]float32, p.n)
		p.mulN, p.fN = float32(1-math.Exp(-dt/np.TauNMDAMs)), float32(np.NMDAFraction)
	}
	if np.ThresholdJumpMV > 0 {
		p.th = make([]float32, p.n)
		p.decTh, p.thJump = e(np.TauThresholdMs), float32(np.ThresholdJumpMV)
	}
	p.nrmE, p.nrmI = 1, 1
	if np.TauRiseEMs > 0 {
		p.ger = make([]float32, p.n)
		p.decRE, p.midRE, p.nrmE = e(np.TauRiseEMs), e(2*np.TauRiseEMs), float32(1/(np.TauSynEMs-np.TauRiseEMs))
	}
	if np.TauRiseIMs > 0 {
		p.gir = make([]float32, p.n)
		p.decRI, p.midRI, p.nrmI = e(np.TauRiseIMs), e(2*np.TauRiseIMs), float32(1/(np.TauSynIMs-np.TauRiseIMs))
	}
	if np.AdaptG1Jump > 0 {
		p.ga1 = make([]float32, p.n)
		p.decA1, p.midA1, p.jA1 = e(np.AdaptG1TauMs), e(2*np.AdaptG1TauMs), float32(np.AdaptG1Jump)
	}
	if np.AdaptG2Jump > 0 {
		p.ga2 = make([]float32, p.n)
		p.decA2, p.midA2, p.jA2 = e(np.AdaptG2TauMs), e(2*np.AdaptG2TauMs), float32(np.AdaptG2Jump)
	}
	p.kvec = make([]kvec, workers)
	if p.ger != nil && p.gir != nil {
		p.riseK = make([][riseKLen][8]float32, workers)
	}
	if p.fastCOBAN() {
		if p.gn == nil {
			p.gnZero = make([]float32, p.n)
		}
		if p.th == nil {
			p.thZero = make([]float32, p.n)
		}
	}
	p.refl = make([][]int32, workers)
	p.refOK = make([]bool, workers)
	for k := range p.refl {
		lo, hi := k*p.n/workers, (k+1)*p.n/workers
		p.refl[k] = make([]int32, 0, hi-lo)
	}
	return p
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

// buildGroup resolves group i of s into sorted member ids; a Fraction
// group draws each neuron's membership from rng.New(seed, rng.Groups,
// nameKey(name)).
func buildGroup(s *Spec, i int) GroupInfo {
	g := s.Groups[i]
	n := s.Populations[s.PopIndex(g.Population)].N
	gi := GroupInfo{Name: g.Name, Pop: s.PopIndex(g.Population)}
	switch {
	case len(g.IDs) > 0:
		gi.IDs = slices.Clone(g.IDs)
		slices.Sort(gi.IDs)
	case g.Hi > g.Lo:
		for j := g.Lo; j < g.Hi; j++ {
			gi.IDs = append(gi.IDs, int32(j))
		}
	default:
		r := rng.New(s.Seed, rng.Groups, nameKey(g.Name))
		for j := 0; j < n; j++ {
			if r.Float64() < g.Fraction {
				gi.IDs = append(gi.IDs, int32(j))
			}
		}
	}
	return gi
}

// members returns the ids of target's neurons chosen by a group and a
// fraction (nil: every neuron). The fraction is drawn from
// rng.New(seed, rng.Stimulus, nameKey(name)). A selection that draws no
// neuron is an error naming key, never nil (which would mean every neuron).
func (n *Net) members(target int, group string, frac float64, name, key string) ([]int32, error) {
	ids := n.selectMembers(target, group, frac, name)
	if ids != nil && len(ids) == 0 {
		return nil, fmt.Errorf("%s (%q): selects no neuron of %q (group %q, fraction %g)", key, name, n.pops[target].name, group, frac)
	}
	return ids, nil
}

func (n *Net) selectMembers(target int, group string, frac float64, name string) []int32 {
	var ids []int32
	if group != "" {
		for _, g := range n.groups {
			if g.Name == group {
				ids = slices.Clone(g.IDs)
			}
		}
	}
	if frac == 0 || frac == 1 {
		return ids
	}
	if ids == nil {
		ids = make([]int32, n.pops[target].n)
		for j := range ids {
			ids[j] = int32(j)
		}
	}
	r := rng.New(n.seed, rng.Stimulus, nameKey(name))
	out := ids[:0]
	for _, j := range ids {
		if r.Float64() < frac {
			out = append(out, j)
		}
	}
	return out
}

func (n *Net) attachInputs(s *Spec) error {
	dt := s.DtMs
	pops := n.pops
	for i := range s.Poisson {
		in := &s.Poisson[i]
		t := s.PopIndex(in.Target)
		ids, err := n.members(t, in.Group, in.Fraction, in.DisplayName(), fmt.Sprintf("poisson[%d]", i))
		if err != nil {
			return err
		}
		d := newPoissonDrive(in, ids, pops[t], dt, s.Seed)
		if d != nil {
			pops[t].drives = append(pops[t].drives, d)
		}
	}
	for _, in := range s.Noise {
		p := pops[s.PopIndex(in.Target)]
		p.baseBias += in.MuMV
		if in.SigmaMV > 0 {
			v := float64(p.noiseSD)
			tau := p.np.TauMMs
			v = float64(v*v) + in.SigmaMV*in.SigmaMV*(1-math.Exp(-2*dt/tau))/2
			p.noiseSD = float32(math.Sqrt(v))
			p.bridgeVar += in.SigmaMV * in.SigmaMV * dt / tau
			p.bridge = p.bridge || in.Bridge
		}
	}
	for _, c := range s.Currents {
		p := pops[s.PopIndex(c.Target)]
		switch c.Kind {
		case CurrentConstant:
			p.baseBias += c.AmpMV
		case CurrentStep:
			p.steps = append(p.steps, c)
		case CurrentOU:
			d := math.Exp(-dt / c.TauMs)
			p.ou = make([]float32, p.n)
			p.ouMu, p.ouDec, p.ouSD = float32(c.AmpMV), float32(d), float32(c.SigmaMV*math.Sqrt(1-float64(d*d)))
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
			p.ev = append(p.ev, event{step: trainStep(t, dt), id: st.IDs[k], inh: inh, w: w})
		}
	}
	for _, p := range pops {
		slices.SortStableFunc(p.ev, func(a, b event) int { return cmp.Compare(a.step, b.step) })
		if p.bridge {
			// Skip the uniform draw when the crossing probability is below e^-30.
			p.bridgeTh = 30
		}
		if p.noiseSD > 0 || p.ou != nil {
			p.pcg = make([]rand.PCG, p.n)
			p.rnd = make([]rand.Rand, p.n)
			for i := range p.pcg {
				p.pcg[i] = *rng.Source(s.Seed, rng.Noise, p.key, uint64(i))
				p.rnd[i] = *rand.New(&p.pcg[i])
			}
		}
		if p.np.Model.IsSource() {
			src, err := n.newSource(s, p)
			if err != nil {
				return err
			}
			p.src = src
		}
	}
	return nil
}

// trainStep is the step ⌊t/dt⌋ of a spike-train event at t ms, with times
// within 1e-6 steps of a step boundary taken as on it (0.6/0.1 is
// 5.999999999999999 in float64, and must land in step 6 as 1.0/0.1 lands
// in step 10).
func trainStep(t, dt float64) int64 {
	x := t / dt
	if r := math.Round(x); math.Abs(x-r) <= 1e-6 {
		return int64(r)
	}
	return int64(math.Floor(x))
}

func (p *pop) initState(seed uint64, in InitSpec) {
	if p.np.Model.IsSource() {
		return
	}
	for i := 0; i < p.n; i++ {
		r := rng.New(seed, rng.InitState, p.key, uint64(i))
		v := p.np.ELMV
		if in.VHiMV > in.VLoMV {
			v = in.VLoMV + float64((in.VHiMV-in.VLoMV)*r.Float64())
		} else if in.VLoMV != 0 || in.VHiMV != 0 {
			v = in.VLoMV
		}
		p.v[i] = float32(v)
		if p.ge != nil {
			p.ge[i] = float32(in.GEMean + float64(in.GESD*r.NormFloat64()))
			p.gi[i] = float32(in.GIMean + float64(in.GISD*r.NormFloat64()))
		}
		if p.ou != nil {
			p.ou[i] = p.ouMu
		}
		if p.w != nil {
			p.w[i] = float32(in.WMV)
		}
	}
}

// Close stops the worker goroutines.
func (n *Net) Close() { n.pool.Close() }

// DtMs returns the step in ms.
func (n *Net) DtMs() float64 { return n.dt }

// Steps returns the number of steps taken.
func (n *Net) Steps() int64 { return n.step }

// TimeMs returns the simulated time in ms (the end of the last step).
func (n *Net) TimeMs() float64 { return float64(n.step) * n.dt }

// Workers returns the number of workers.
func (n *Net) Workers() int { return n.workers }

// Populations describes the populations in id order.
func (n *Net) Populations() []PopInfo {
	out := make([]PopInfo, len(n.pops))
	for i, p := range n.pops {
		out[i] = PopInfo{Name: p.name, N: p.n, Offset: p.off, Exc: p.exc, Model: p.np.Model}
	}
	return out
}

// PopIndex returns the index of the population called name, or −1.
func (n *Net) PopIndex(name string) int {
	for i, p := range n.pops {
		if p.name == name {
			return i
		}
	}
	return -1
}

// Groups returns the built neuron groups (read-only).
func (n *Net) Groups() []GroupInfo { return n.groups }

// Projections returns the built projections in spec order.
func (n *Net) Projections() []*Projection { return n.projs }

// Projection returns the projection called name, or nil.
func (n *Net) Projection(name string) *Projection {
	for _, pr := range n.projs {
		if pr.Name == name {
			return pr
		}
	}
	return nil
}

// PoissonMembers returns the neurons (local ids, ascending) that the
// Poisson input called name drives, and its population; ok is false for an
// unknown input or one that drives nothing (weight or n_sources 0). A
// Fraction input's members are the random subset Build drew.
func (n *Net) PoissonMembers(name string) (pop int, ids []int32, ok bool) {
	for k, p := range n.pops {
		for _, d := range p.drives {
			if d.name != name {
				continue
			}
			if d.ids == nil {
				ids = make([]int32, p.n)
				for i := range ids {
					ids[i] = int32(i)
				}
				return k, ids, true
			}
			return k, slices.Clone(d.ids), true
		}
	}
	return 0, nil, false
}

// Spec returns the spec the network was built from (a copy; read-only).
func (n *Net) Spec() *Spec { return n.spec }

// Spiked returns the local ids (ascending) of population pop's neurons that
// spiked in the last step. The slice is reused by later steps.
func (n *Net) Spiked(pop int) []int32 { return n.pops[pop].spiked }

// SpikedAt returns the local ids of population pop's neurons that spiked in
// step s, for the last few steps (s ≥ Steps() − HistorySteps()); nil
// outside that range. The slice is reused by later steps.
func (n *Net) SpikedAt(pop int, s int64) []int32 {
	cur := n.step - 1
	if s > cur || s < 0 || cur-s >= int64(n.histLen) {
		return nil
	}
	return n.pops[pop].hist[s%int64(n.histLen)]
}

// HistorySteps is the number of past steps whose spikes SpikedAt returns.
func (n *Net) HistorySteps() int { return n.histLen }

// SpikedPreResetV returns, aligned with Spiked(pop), the membrane
// potential each neuron reached in the last step before it was reset (the
// "pre-reset" state that surrogate gradients need; nil for spike sources).
func (n *Net) SpikedPreResetV(pop int) []float32 {
	if n.pops[pop].np.Model.IsSource() {
		return nil
	}
	return n.pops[pop].spikedV
}

// V returns population pop's membrane potentials (mV); read-only view.
func (n *Net) V(pop int) []float32 { return n.pops[pop].v }

// StateNames lists the state variables State can return.
var StateNames = []string{"v", "ge", "gi", "a", "w", "ou", "gn", "th", "ger", "gir", "ga1", "ga2"}

// State returns a named state variable of population pop ("v", "ge", "gi",
// "a", "w", "ou", "gn": NMDA conductance, "th": dynamic threshold, "ger",
// "gir": rise parts of the conductances (the conductance is ge − ger),
// "ga1", "ga2": adaptation conductances), or nil if the population does
// not have it.
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
	case "gn":
		return p.gn
	case "th":
		return p.th
	case "ger":
		return p.ger
	case "gir":
		return p.gir
	case "ga1":
		return p.ga1
	case "ga2":
		return p.ga2
	}
	return nil
}

// SynapseCount returns the total number of synapses.
func (n *Net) SynapseCount() int64 {
	var s int64
	for _, pr := range n.projs {
		s += int64(pr.NNZ())
	}
	return s
}

// CheckDale verifies the sign convention: every stored weight is a finite
// magnitude ≥ 0 (the sign of its effect is its presynaptic population's).
// It returns an error naming the first violation.
func (n *Net) CheckDale() error {
	for i, pr := range n.projs {
		bad := func(q int, w float32) error {
			j := sort32Search(pr.ColPtr, int64(q))
			return fmt.Errorf("spike: projection[%d] (%s): synapse %d→%d has weight %v, not a magnitude ≥ 0 (Dale's law: the sign is the pre population's)",
				i, pr.Name, j, pr.PostIdx[q], w)
		}
		if pr.W == nil {
			if !(pr.WConst >= 0) {
				return bad(0, pr.WConst)
			}
			continue
		}
		for q, w := range pr.W {
			if !(w >= 0) || math.IsInf(float64(w), 0) {
				return bad(q, w)
			}
		}
	}
	return nil
}

// sort32Search returns the column j with colPtr[j] ≤ q < colPtr[j+1].
func sort32Search(colPtr []int64, q int64) int {
	lo, hi := 0, len(colPtr)-1
	for lo+1 < hi {
		m := (lo + hi) / 2
		if colPtr[m] <= q {
			lo = m
		} else {
			hi = m
		}
	}
	return lo
}

// cloneSpec returns a deep copy of s (slices and parameter tables copied),
// so a Net is immune to later edits of the caller's spec.
func cloneSpec(s *Spec) *Spec {
	c := *s
	c.Populations = slices.Clone(s.Populations)
	for i := range c.Populations {
		if g := c.Populations[i].Generator; g != nil {
			gg := GeneratorSpec{TimesMs: slices.Clone(g.TimesMs), IDs: slices.Clone(g.IDs)}
			c.Populations[i].Generator = &gg
		}
	}
	c.Groups = slices.Clone(s.Groups)
	for i := range c.Groups {
		c.Groups[i].IDs = slices.Clone(c.Groups[i].IDs)
	}
	c.Projections = slices.Clone(s.Projections)
	for i := range c.Projections {
		rs := slices.Clone(c.Projections[i].Plasticity)
		for k := range rs {
			rs[k] = rs[k].clone().Resolved()
		}
		c.Projections[i].Plasticity = rs
	}
	c.Poisson = slices.Clone(s.Poisson)
	for i := range c.Poisson {
		c.Poisson[i].Schedule = slices.Clone(c.Poisson[i].Schedule)
	}
	c.Rates = slices.Clone(s.Rates)
	for i := range c.Rates {
		c.Rates[i].Schedule = slices.Clone(c.Rates[i].Schedule)
	}
	c.Noise = slices.Clone(s.Noise)
	c.Currents = slices.Clone(s.Currents)
	c.SpikeTrains = slices.Clone(s.SpikeTrains)
	for i := range c.SpikeTrains {
		c.SpikeTrains[i].TimesMs = slices.Clone(c.SpikeTrains[i].TimesMs)
		c.SpikeTrains[i].IDs = slices.Clone(c.SpikeTrains[i].IDs)
	}
	return &c
}

var _ = runtime.GC
