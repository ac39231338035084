package stdpmemory

import (
	"fmt"
	"math"
	"slices"

	"github.com/engramsim/engram/analysis/assembly"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/rng"
)

// Zag is the [zag] section: the memory protocol on the zag2015 preset
// (network.preset = "zag2015"; ignored by the LKD presets, which reject a
// non-empty ablate). Patterns are sets of the 64 × 64 input channels (the
// Poisson source population S at 5 Hz); a presentation raises its
// channels' rate by phases.imprint.rate_hz (ZAG's stimulus "scale" 25 Hz
// on top of the background), a cue by phases.recall.rate_hz on a random
// fraction c of its channels. The assembly of a pattern is defined post hoc
// (stdp-memory.md §3.3) at the end of the imprinting phase: the E neurons
// whose rate during the pattern's presentations (in the last
// assembly_blocks blocks) exceeds the mean over E neurons by assembly_sd
// standard deviations. Weight statistics, overlaps m_k(t) and recall
// success refer to these assemblies.
type Zag struct {
	// Shape is how a pattern picks its input channels: "disc" (the channels
	// within a radius √(f·N_S/π) of a random centre on the 64 × 64 torus,
	// a compact shape like ZAG's images; with patterns.disjoint the discs
	// do not overlap) or "random" (each channel independently with
	// probability patterns.f, or disjoint blocks).
	Shape string `toml:"shape"`
	// AssemblySD is the threshold of the post-hoc assemblies in standard
	// deviations above the mean evoked rate over E neurons (spec: 2).
	AssemblySD float64 `toml:"assembly_sd"`
	// AssemblyBlocks is the number of final imprinting blocks whose
	// presentations define the assemblies (0: every block).
	AssemblyBlocks int `toml:"assembly_blocks"`
	// MaxERateHz stops the run when the E population rate, low-passed with
	// e_rate_tau_ms, exceeds it (ZAG's rate checker: 20 Hz); the error names
	// the phase and the checkpoints of the phases before it are kept.
	MaxERateHz float64 `toml:"max_e_rate_hz" unit:"Hz"`
	// ERateTauMs is the time constant of the checker's rate estimate in ms
	// (ZAG: 100).
	ERateTauMs float64 `toml:"e_rate_tau_ms" unit:"ms"`
	// Ablate switches mechanisms off for the whole run (stdp-memory.md §3.5,
	// SM-11), on both P10 projections (input→E and E→E) as the code's flags
	// do: "heterosynaptic" (β = 0), "transmitter" (δ = 0), "consolidation"
	// (no update of the reference weight w̃, which stays at 0) and "istdp"
	// (global_istdp removed from every phase).
	Ablate []string `toml:"ablate"`
}

// zagDefaults are the [zag] defaults.
func zagDefaults() Zag {
	return Zag{Shape: "disc", AssemblySD: 2, MaxERateHz: 20, ERateTauMs: 100, Ablate: []string{}}
}

// Ablations of Zag.Ablate.
const (
	AblateHeterosynaptic = "heterosynaptic"
	AblateTransmitter    = "transmitter"
	AblateConsolidation  = "consolidation"
	AblateISTDP          = "istdp"
)

var ablations = []string{AblateHeterosynaptic, AblateTransmitter, AblateConsolidation, AblateISTDP}

// maxHeldBlocks is the largest number of imprinting blocks after which
// the weight statistics are sampled on zag2015 (every ⌈blocks/20⌉-th
// block): each sample before the end of imprinting is a copy of the E→E
// and I→E weights (≈ 8 MB at 4096 E neurons).
const maxHeldBlocks = 20

// zagInput is the name of the zag2015 preset's input (source) population.
const zagInput = "S"

func (c *Config) isZag() bool { return c.Network.Preset == spike.PresetZAG2015 }

// zagSpec is the zag2015 network (4096 E, 1024 I, 4096 input channels)
// with the ablations of zag.ablate applied.
func (c *Config) zagSpec() spike.Spec {
	s := spike.ZAG2015Spec(4096)
	for i := range s.Projections {
		for j := range s.Projections[i].Plasticity {
			r := &s.Projections[i].Plasticity[j]
			if r.P10 == nil {
				continue
			}
			p := *r.P10
			for _, a := range c.Zag.Ablate {
				switch a {
				case AblateHeterosynaptic:
					p.Beta = 0
				case AblateTransmitter:
					p.Delta = 0
				case AblateConsolidation:
					p.ConsolidationPeriodMs = 0
				}
			}
			r.P10 = &p
		}
	}
	return s
}

// nInputs is the number of input channels of the zag2015 preset.
func (c *Config) nInputs() int {
	s, err := c.baseSpec()
	if err != nil {
		return 0
	}
	return s.Populations[s.PopIndex(zagInput)].N
}

// zagPatterns draws the input patterns (sets of channels).
func (c *Config) zagPatterns() (assembly.Patterns, error) {
	p := c.Patterns
	n := c.nInputs()
	key := fmt.Sprintf("patterns (count = %d, f = %v, disjoint = %v, zag.shape = %q, %d input channels)", p.Count, p.F, p.Disjoint, c.Zag.Shape, n)
	switch c.Zag.Shape {
	case "random":
		pat, err := assembly.Random(c.Network.Seed, p.Name, assembly.Options{P: p.Count, N: n, F: p.F, Disjoint: p.Disjoint})
		if err != nil {
			return pat, fmt.Errorf("%s: %w", key, err)
		}
		return pat, nil
	case "disc":
	default:
		return assembly.Patterns{}, fmt.Errorf("zag.shape = %q: want \"disc\" or \"random\"", c.Zag.Shape)
	}
	if p.Count < 1 || p.Count > n || !(p.F > 0 && p.F <= 1) {
		return assembly.Patterns{}, fmt.Errorf("%s: need 1 ≤ count ≤ %d and f in (0, 1]", key, n)
	}
	side := int(math.Round(math.Sqrt(float64(n))))
	radius := math.Sqrt(p.F * float64(n) / math.Pi)
	if radius < 0.5 {
		return assembly.Patterns{}, fmt.Errorf("%s: a disc of area f·N = %.3g channels has radius %.3g < 0.5: an empty pattern (raise f)", key, p.F*float64(n), radius)
	}
	torus := func(a, b float64) float64 {
		d := math.Abs(a - b)
		return math.Min(d, float64(side)-d)
	}
	pat := assembly.Patterns{N: n, F: p.F, Members: make([][]int32, p.Count)}
	var cx, cy []float64
	for k := range pat.Members {
		r := rng.New(c.Network.Seed, rng.Patterns, rng.NameKey(p.Name), uint64(k))
		var x, y float64
		for try := 0; ; try++ {
			x, y = r.Float64()*float64(side), r.Float64()*float64(side)
			ok := true
			for j := range cx {
				if p.Disjoint && math.Hypot(torus(x, cx[j]), torus(y, cy[j])) <= 2*radius+1 {
					ok = false
				}
			}
			if ok {
				break
			}
			if try == 10000 {
				return assembly.Patterns{}, fmt.Errorf("%s: could not place %d disjoint discs of radius %.3g on the %d × %d sheet (lower count or f)", key, p.Count, radius, side, side)
			}
		}
		cx, cy = append(cx, x), append(cy, y)
		for i := 0; i < n; i++ {
			if math.Hypot(torus(float64(i%side)+0.5, x), torus(float64(i/side)+0.5, y)) <= radius {
				pat.Members[k] = append(pat.Members[k], int32(i))
			}
		}
		if len(pat.Members[k]) == 0 {
			return assembly.Patterns{}, fmt.Errorf("%s: pattern %d is empty", key, k)
		}
	}
	return pat, nil
}

// validateZag checks the [zag] keys and the keys whose meaning the zag2015
// preset changes.
func (c *Config) validateZag() error {
	z := c.Zag
	seen := map[string]bool{}
	for i, a := range z.Ablate {
		if !slices.Contains(ablations, a) {
			return fmt.Errorf("zag.ablate[%d] = %q: known ablations are %q", i, a, ablations)
		}
		if seen[a] {
			return fmt.Errorf("zag.ablate[%d] = %q is listed twice", i, a)
		}
		seen[a] = true
	}
	if !c.isZag() {
		if len(z.Ablate) > 0 {
			return fmt.Errorf("zag.ablate = %q: ablations apply to network.preset = %q only (this is %q)", z.Ablate, spike.PresetZAG2015, c.Network.Preset)
		}
		return nil
	}
	switch {
	case !finite(z.AssemblySD) || z.AssemblySD < 0:
		return fmt.Errorf("zag.assembly_sd = %v must be finite and ≥ 0", z.AssemblySD)
	case z.AssemblyBlocks < 0 || z.AssemblyBlocks > c.Phases.Imprint.Blocks:
		return fmt.Errorf("zag.assembly_blocks = %d must be in [0, phases.imprint.blocks = %d]", z.AssemblyBlocks, c.Phases.Imprint.Blocks)
	case !finite(z.MaxERateHz) || !(z.MaxERateHz > 0) || !finite(z.ERateTauMs) || !(z.ERateTauMs > 0):
		return fmt.Errorf("zag: max_e_rate_hz = %v and e_rate_tau_ms = %v must be > 0", z.MaxERateHz, z.ERateTauMs)
	case c.Phases.Imprint.Blocks < 1:
		return fmt.Errorf("phases.imprint.blocks = 0: on zag2015 the assemblies are defined from the imprinting presentations, so at least one block is needed")
	case c.Phases.Imprint.RateHz > 1000:
		return fmt.Errorf("phases.imprint.rate_hz = %v: on zag2015 it is the extra rate of each pattern channel (ZAG: 25 Hz), at most 1000 Hz (8000 is the LKD drive)", c.Phases.Imprint.RateHz)
	case c.Phases.Recall.RateHz > 1000:
		return fmt.Errorf("phases.recall.rate_hz = %v: on zag2015 it is the extra rate of each cued channel (ZAG: 25 Hz), at most 1000 Hz (8000 is the LKD drive)", c.Phases.Recall.RateHz)
	case c.Run.FromCheckpoint != "" && slices.Index(phaseOrder, c.Run.FromPhase) > slices.Index(phaseOrder, PhaseImprint):
		return fmt.Errorf("run.from_phase = %q: on zag2015 the assemblies are defined from the imprinting presentations, so a resumed run must start at settle or imprint", c.Run.FromPhase)
	}
	return nil
}

// zagProto is the zag2015 part of the protocol: the input patterns, the
// presentation windows that define the assemblies, the cued channels.
type zagProto struct {
	input assembly.Patterns
	// on lists, per pattern, its presentations that define its assembly ([a, b) ms)
	on [][][2]float64
	// cues are the cued channels of each trial (p.trials order)
	cues [][]int32
	// defined is set once the post-hoc assemblies replace the placeholder
	defined bool
	// defineMs is when they are defined (the end of the imprinting phase)
	defineMs float64
	// held are the weight samples taken before the assemblies were defined
	held []heldSample
	// evoked rates (Hz) of every E neuron for every pattern (P × N_E), the
	// thresholds, and the E rate checker's maximum per phase
	evoked    []float64
	threshold []float64
	maxRate   map[string]float64
}

// heldSample is a weight sample waiting for the assemblies.
type heldSample struct {
	index  int // in the samples slice
	ee, ie []float32
}

// buildZag lays out the zag2015 protocol: pattern groups of the input
// population, imprinting blocks and cues as rate inputs, a placeholder for
// the assemblies (P empty patterns over E until the end of imprinting).
func (c *Config) buildZag(p *protocol, s spike.Spec, phases []phaseWin) (*protocol, error) {
	inp := p.pat // the input patterns (Config.patterns draws them for zag2015)
	z := &zagProto{input: inp, maxRate: map[string]float64{}}
	p.zag = z
	nE := s.Populations[s.PopIndex(ePop)].N
	p.pat = assembly.Patterns{N: nE, F: inp.F, Members: make([][]int32, inp.P())}
	for k, m := range inp.Members {
		g := fmt.Sprintf("%s%d", c.Patterns.Name, k)
		p.groups = append(p.groups, g)
		s.Groups = append(s.Groups, spike.GroupSpec{Name: g, Population: zagInput, IDs: m})
	}
	if slices.Contains(c.Zag.Ablate, AblateISTDP) {
		for i := range phases {
			phases[i].Plasticity = slices.DeleteFunc(slices.Clone(phases[i].Plasticity), func(r string) bool { return r == spike.RuleGlobalISTDP })
		}
	}
	win := map[string]phaseWin{}
	for _, ph := range phases {
		win[ph.Name] = ph
	}
	ph, ok := win[PhaseImprint]
	if !ok || ph.EndMs <= ph.StartMs {
		return nil, fmt.Errorf("zag2015: the run has no imprinting phase, which defines the assemblies")
	}
	z.defineMs = ph.EndMs
	im := c.Phases.Imprint
	var names []string
	for _, g := range p.groups {
		name := "imprint " + g
		names = append(names, name)
		s.Rates = append(s.Rates, spike.RateSpec{Name: name, Target: zagInput, Group: g})
	}
	b := spike.Blocks{Name: "imprint", Inputs: names, StartMs: ph.StartMs, OnMs: im.OnMs, OffMs: im.OffMs, Blocks: im.Blocks,
		RateHz: im.RateHz, Shuffle: len(names) > 1}
	if err := s.ApplyBlocks([]spike.Blocks{b}); err != nil {
		return nil, fmt.Errorf("phases.imprint: %w", err)
	}
	block := float64(len(names)) * (im.OnMs + im.OffMs)
	from := ph.StartMs
	if nb := c.Zag.AssemblyBlocks; nb > 0 {
		from = ph.StartMs + float64(im.Blocks-nb)*block
	}
	segs := b.Segments(s.Seed)
	z.on = make([][][2]float64, len(names))
	for k, name := range names {
		for _, sg := range segs[name] {
			if sg.StartMs >= from-1e-9 {
				z.on[k] = append(z.on[k], [2]float64{sg.StartMs, sg.StopMs})
			}
		}
	}
	// samples at block ends, at most maxHeldBlocks of them: they are held
	// as weight copies until the assemblies are known
	stride := (im.Blocks + maxHeldBlocks - 1) / maxHeldBlocks
	for k := stride; k <= im.Blocks; k += stride {
		p.samples = append(p.samples, weightSample{ph.StartMs + float64(k)*block, fmt.Sprintf("imprint block %d", k)})
	}
	if ph, ok := win[PhaseRecall]; ok && c.Phases.Recall.Trials > 0 && ph.EndMs > ph.StartMs {
		rc := c.Phases.Recall
		p.trials = c.recallTrials(p.groups, ph.StartMs)
		for i := range p.trials {
			tr := &p.trials[i]
			t := tr.CueMs
			var cued []int32
			r := rng.New(c.Network.Seed, rng.Stimulus, rng.NameKey(tr.Input))
			for _, ch := range inp.Members[tr.Assembly] {
				if tr.Fraction == 1 || r.Float64() < tr.Fraction {
					cued = append(cued, ch)
				}
			}
			if len(cued) == 0 {
				return nil, fmt.Errorf("phases.recall: the cue %q (c = %v of the %d channels of pattern %s) drew no channel: raise the cue fraction or patterns.f",
					tr.Input, tr.Fraction, len(inp.Members[tr.Assembly]), p.groups[tr.Assembly])
			}
			z.cues = append(z.cues, cued)
			s.Groups = append(s.Groups, spike.GroupSpec{Name: tr.Input, Population: zagInput, IDs: cued})
			s.Rates = append(s.Rates, spike.RateSpec{Name: tr.Input, Target: zagInput, Group: tr.Input,
				Schedule: []spike.Segment{{StartMs: t, StopMs: t + rc.CueMs, RateHz: rc.RateHz}}})
		}
	}
	return c.finish(p, s, phases)
}

// zagEvoked counts every E neuron's spikes during the defining
// presentations of every pattern (a monitor), and runs ZAG's rate checker.
type zagEvoked struct {
	z      *zagProto
	net    *spike.Net
	e      int
	win    [][3]int64 // [from, to) steps and pattern, sorted
	pos    int
	counts []int64 // P × N
	onMs   []float64
	// rate checker
	decay, gain float64
	rate        float64
	max         float64
}

func newZagEvoked(z *zagProto, net *spike.Net, maxHz, tauMs float64) *zagEvoked {
	dt := net.DtMs()
	e := net.PopIndex(ePop)
	n := net.Populations()[e].N
	P := len(z.on)
	m := &zagEvoked{z: z, net: net, e: e, counts: make([]int64, P*n), onMs: make([]float64, P)}
	for k, ws := range z.on {
		for _, w := range ws {
			a, b := int64(math.Round(w[0]/dt)), int64(math.Round(w[1]/dt))
			m.win = append(m.win, [3]int64{a, b, int64(k)})
			m.onMs[k] += float64(b-a) * dt
		}
	}
	slices.SortFunc(m.win, func(a, b [3]int64) int { return int(a[0] - b[0]) })
	m.decay = math.Exp(-dt / tauMs)
	// a spike of one of n neurons adds 1/(n·dt) to the instantaneous rate (Hz)
	m.gain = (1 - m.decay) * 1000 / (float64(n) * dt)
	net.AddTask(spike.PhaseCheck, "zag2015 E rate checker", fmt.Sprintf("E population rate low-passed with %g ms must stay ≤ %g Hz", tauMs, maxHz), func(step int64) error {
		m.rate = m.rate*m.decay + m.gain*float64(len(net.Spiked(e)))
		m.max = math.Max(m.max, m.rate)
		if m.rate > maxHz {
			return fmt.Errorf("the E population rate (low-passed with τ = %g ms) reached %.1f Hz > zag.max_e_rate_hz = %g Hz (ZAG's rate checker)", tauMs, m.rate, maxHz)
		}
		return nil
	})
	return m
}

func (m *zagEvoked) Name() string { return "zag2015 evoked rates" }
func (m *zagEvoked) Detail() string {
	return "E spike counts during each pattern's defining presentations → post-hoc assemblies"
}
func (m *zagEvoked) Close() error { return nil }
func (m *zagEvoked) Abort()       {}

func (m *zagEvoked) Record(step int64) error {
	for m.pos < len(m.win) && m.win[m.pos][1] <= step {
		m.pos++
	}
	if m.pos < len(m.win) && m.win[m.pos][0] <= step {
		n := len(m.counts) / len(m.onMs)
		c := m.counts[int(m.win[m.pos][2])*n:]
		for _, i := range m.net.Spiked(m.e) {
			c[i]++
		}
	}
	return nil
}

// takeMax returns the checker's maximum since the last call and resets it.
func (m *zagEvoked) takeMax() float64 {
	x := m.max
	m.max = 0
	return x
}

// define turns the evoked counts into the post-hoc assemblies: members of
// pattern k are the E neurons whose evoked rate exceeds the mean over E
// neurons by zag.assembly_sd SDs. An empty assembly is an error.
func (m *zagEvoked) define(c *Config, p *protocol) error {
	z := m.z
	P := len(m.onMs)
	n := len(m.counts) / P
	z.evoked = make([]float64, P*n)
	z.threshold = make([]float64, P)
	pat := assembly.Patterns{N: n, Members: make([][]int32, P)}
	var size int
	for k := 0; k < P; k++ {
		r := z.evoked[k*n : (k+1)*n]
		var mean, sq float64
		for i := range r {
			r[i] = float64(m.counts[k*n+i]) / (m.onMs[k] / 1000)
			mean += r[i]
		}
		mean /= float64(n)
		for _, x := range r {
			sq += (x - mean) * (x - mean)
		}
		th := mean + c.Zag.AssemblySD*math.Sqrt(sq/float64(n))
		z.threshold[k] = th
		for i, x := range r {
			if x > th {
				pat.Members[k] = append(pat.Members[k], int32(i))
			}
		}
		if len(pat.Members[k]) == 0 {
			return fmt.Errorf("zag2015: the post-hoc assembly of pattern %s is empty: no E neuron's evoked rate exceeds the mean %.3g Hz by zag.assembly_sd = %g SDs (threshold %.3g Hz over %.0f ms of presentations)",
				p.groups[k], mean, c.Zag.AssemblySD, th, m.onMs[k])
		}
		size += len(pat.Members[k])
	}
	pat.F = float64(size) / float64(P*n)
	p.pat = pat
	z.defined = true
	return nil
}

// resolve computes the classes of the samples held before the assemblies
// were defined.
func (z *zagProto) resolve(samples []wSample, ee, ie *spike.Projection, pat assembly.Patterns) {
	for _, h := range z.held {
		s := &samples[h.index]
		s.Classes = assembly.Classes(ee.ColPtr, ee.PostIdx, h.ee, pat)
		s.IEMembers, s.IERest = inhibitionFrom(ie, h.ie, pat)
	}
	z.held = nil
}

// hold keeps copies of the weights for a sample taken before the
// assemblies are known.
func (z *zagProto) hold(index int, ee, ie *spike.Projection) {
	h := heldSample{index: index, ee: slices.Clone(ee.EffectiveWeights())}
	if ie != nil {
		h.ie = slices.Clone(ie.EffectiveWeights())
	}
	z.held = append(z.held, h)
}

// estimateBytes is what the zag2015 part holds: the weight copies of the
// samples before the end of imprinting (E→E and I→E, 4 B per synapse),
// the evoked counts and rates (16 B per pattern and E neuron) and the cue
// channels.
func (z *zagProto) estimateBytes(p *protocol) int64 {
	var held int64
	for _, s := range p.samples {
		if s.TMs < z.defineMs-1e-9 {
			held++
		}
	}
	syn := int64(p.spec.ExpectedSynapses(p.spec.ProjIndex("E→E")) + p.spec.ExpectedSynapses(p.spec.ProjIndex("I→E")))
	b := held*4*syn + 16*int64(p.pat.P()*p.pat.N)
	for _, c := range z.cues {
		b += 4 * int64(len(c))
	}
	return b
}

// inhibitionFrom is inhibitionOnto on given I→E weights w.
func inhibitionFrom(ie *spike.Projection, w []float32, pat assembly.Patterns) (members, rest float64) {
	if ie == nil {
		return math.NaN(), math.NaN()
	}
	sum := make([]float64, ie.NPost)
	for q, x := range w {
		sum[ie.PostIdx[q]] += float64(x)
	}
	in := make([]bool, ie.NPost)
	for _, m := range pat.Members {
		for _, i := range m {
			in[i] = true
		}
	}
	var sm, sr float64
	var nm, nr int
	for i, x := range sum {
		if in[i] {
			sm += x
			nm++
		} else {
			sr += x
			nr++
		}
	}
	return sm / float64(nm), sr / float64(nr)
}

// inputWeights returns the mean input→E weight from each pattern's channels
// onto its assembly and onto the other E neurons (the feedforward part of
// the memory), averaged over the patterns.
func (z *zagProto) inputWeights(se *spike.Projection, pat assembly.Patterns) (onto, rest float64) {
	if se == nil {
		return math.NaN(), math.NaN()
	}
	w := se.EffectiveWeights()
	var so, sr float64
	var no, nr int64
	for k, ch := range z.input.Members {
		in := make([]bool, pat.N)
		for _, i := range pat.Members[k] {
			in[i] = true
		}
		for _, j := range ch {
			for q := se.ColPtr[j]; q < se.ColPtr[j+1]; q++ {
				if in[se.PostIdx[q]] {
					so += float64(w[q])
					no++
				} else {
					sr += float64(w[q])
					nr++
				}
			}
		}
	}
	return so / float64(no), sr / float64(nr)
}

// summary is the zag2015 part of the summary.
func (z *zagProto) summary(c *Config, p *protocol, se *spike.Projection) map[string]any {
	var in, sizes []int
	for _, m := range z.input.Members {
		in = append(in, len(m))
	}
	for _, m := range p.pat.Members {
		sizes = append(sizes, len(m))
	}
	maxRate := map[string]any{}
	for k, v := range z.maxRate {
		maxRate[k] = num(v)
	}
	th := []any{}
	for _, x := range z.threshold {
		th = append(th, num(x))
	}
	onto, rest := z.inputWeights(se, p.pat)
	return map[string]any{
		"input_pattern_sizes": in, "shape": c.Zag.Shape, "assembly_sizes": sizes, "assembly_threshold_hz": th,
		"assembly_rule":        fmt.Sprintf("E neurons whose rate during the pattern's presentations exceeds the mean over E neurons by %g SD", c.Zag.AssemblySD),
		"assembly_defined_ms":  z.defineMs,
		"max_e_rate_hz":        maxRate,
		"max_e_rate_limit_hz":  c.Zag.MaxERateHz,
		"ablate":               c.Zag.Ablate,
		"input_w_onto_members": num(onto), "input_w_onto_rest": num(rest),
	}
}
