package spike

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"github.com/engramsim/engram/store"
	"io"
	"slices"
)

// Checkpoint file format (version 2):
//
//	8 bytes  magic "ENGRAMCK"
//	4 bytes  format version, little endian (2)
//	32 bytes SHA-256 of the network structure (populations, groups,
//	         projections without their plasticity, dt, seed)
//	32 bytes SHA-256 of the whole spec (also inputs and plasticity rules)
//	8 bytes  payload length, little endian
//	payload  gob-encoded checkpoint
//	32 bytes SHA-256 of the payload
//
// Restore refuses a file whose magic, version, hashes or checksum do not
// match, or that has bytes after the checksum.
const (
	checkpointMagic   = "ENGRAMCK"
	checkpointVersion = 2
)

// checkpoint is the serialised dynamic state of a Net. Structure
// (connectivity, parameters) is not stored: Restore expects a Net built
// from the same Spec (checked by hash).
type checkpoint struct {
	Step    int64
	Pops    []popState
	Weights []weightState
	Traces  []traceState
	Rules   []rulesState
	STP     []stpCheckpoint
}

type stpCheckpoint struct {
	Projection string
	X, U       []float32
	Last       []int64
}

type popState struct {
	Name                string
	V, GE, GI, A, W, OU []float32
	GN, TH              []float32
	GER, GIR, GA1, GA2  []float32
	Ref                 []int32
	Hist                [][]int32
	Noise               [][]byte
	Drives              []driveState
	Source              []byte
	WinCount            int64
}

type driveState struct {
	Name string
	PCG  [][]byte
}

type weightState struct {
	Projection string
	W          []float32
	Chk        int // position of the round-robin weight scan, so that a resumed run checks the same weights at the same steps
}

type traceState struct {
	Pop     string
	TauMs   float64
	Delay   int
	Nearest bool
	Init    float64
	X       []float64 // scaled sums S
	Base    int64     // their base step
}

type rulesState struct {
	Projection string
	Rules      []string
	State      []ruleState
}

// Canonical returns a copy of s in which what cannot change a run is
// written one way: the neuron parameters a model does not use are zeroed
// (printed configs omit them) and a weight scale of 0 (unset) is 1. Two
// specs that build the same network have equal canonical forms.
func (s Spec) Canonical() Spec {
	s.Populations = slices.Clone(s.Populations)
	for i := range s.Populations {
		s.Populations[i].Neuron = s.Populations[i].Neuron.canonical()
	}
	s.Projections = slices.Clone(s.Projections)
	for i := range s.Projections {
		s.Projections[i].Weight.Scale = s.Projections[i].Weight.ScaleFactor()
	}
	return s
}

// specHashes returns the SHA-256 of s's network structure and of all of
// s, in canonical form (Spec.Canonical).
func specHashes(s *Spec) (network, all [32]byte) {
	whole := s.Canonical()
	net := struct {
		DtMs        float64
		Seed        uint64
		Populations []PopulationSpec
		Groups      []GroupSpec
		Projections []ProjectionSpec
	}{whole.DtMs, whole.Seed, whole.Populations, whole.Groups, slices.Clone(whole.Projections)}
	for i := range net.Projections {
		net.Projections[i].Plasticity = nil
	}
	return gobHash(net), gobHash(whole)
}

// gobHash is the SHA-256 of the gob encoding of v (deterministic for
// structs without maps; floats, including ±Inf, encoded exactly).
func gobHash(v any) [32]byte {
	h := sha256.New()
	if err := gob.NewEncoder(h).Encode(v); err != nil {
		panic("spike: hashing the spec: " + err.Error())
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// SaveFile writes the checkpoint of Save to path atomically: the file
// appears only when complete, and an existing one stays intact on error.
func (n *Net) SaveFile(path string) error {
	af, err := store.CreateAtomic(path)
	if err != nil {
		return err
	}
	if err := n.Save(af.W); err != nil {
		af.Abort()
		return err
	}
	return af.Commit()
}

// Save writes the full dynamic state — time, membrane and synaptic state,
// refractory counters, the spike history (delay lines), adaptation, OU
// currents, every random stream, the weights of every projection that
// stores them, the traces and the plasticity rules' state — to w. A Net
// built from the same Spec and restored from it continues bit-identically
// to the original, for any worker count.
func (n *Net) Save(w io.Writer) error {
	c := checkpoint{Step: n.step}
	marshal := func(p interface{ MarshalBinary() ([]byte, error) }) []byte {
		b, err := p.MarshalBinary()
		if err != nil {
			panic("spike: checkpoint: " + err.Error()) // PCG marshalling cannot fail
		}
		return b
	}
	for _, p := range n.pops {
		s := popState{Name: p.name, V: p.v, GE: p.ge, GI: p.gi, A: p.a, W: p.w, OU: p.ou, GN: p.gn, TH: p.th, GER: p.ger, GIR: p.gir, GA1: p.ga1, GA2: p.ga2, Ref: p.ref,
			WinCount: p.winCount}
		for k := int64(0); k < int64(n.histLen); k++ {
			st := n.step - 1 - k // the last histLen steps, newest first
			if st < 0 {
				s.Hist = append(s.Hist, nil)
				continue
			}
			s.Hist = append(s.Hist, p.hist[st%int64(n.histLen)])
		}
		for i := range p.pcg {
			s.Noise = append(s.Noise, marshal(&p.pcg[i]))
		}
		for _, d := range p.drives {
			ds := driveState{Name: d.name}
			for i := range d.pcg {
				ds.PCG = append(ds.PCG, marshal(&d.pcg[i]))
			}
			s.Drives = append(s.Drives, ds)
		}
		if p.src != nil && p.src.poisson {
			s.Source = marshal(&p.src.pcg)
		}
		c.Pops = append(c.Pops, s)
	}
	for _, pr := range n.projs {
		if pr.stp != nil {
			c.STP = append(c.STP, stpCheckpoint{Projection: pr.Name, X: pr.stp.x, U: pr.stp.u, Last: pr.stp.last})
		}
		if pr.W != nil {
			c.Weights = append(c.Weights, weightState{Projection: pr.Name, W: pr.W, Chk: pr.chk})
		}
		if len(pr.rules) > 0 {
			rs := rulesState{Projection: pr.Name}
			for _, r := range pr.rules {
				rs.Rules = append(rs.Rules, r.spec().Rule)
				rs.State = append(rs.State, r.state())
			}
			c.Rules = append(c.Rules, rs)
		}
	}
	for _, t := range n.traces {
		c.Traces = append(c.Traces, traceState{Pop: t.pop.name, TauMs: t.tauMs, Delay: t.delay, Nearest: t.nearest, Init: t.init, X: t.x, Base: t.base})
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(&c); err != nil {
		return fmt.Errorf("spike: writing checkpoint: %w", err)
	}
	bw := bufio.NewWriter(w)
	var hdr [8 + 4 + 32 + 32 + 8]byte
	copy(hdr[:8], checkpointMagic)
	binary.LittleEndian.PutUint32(hdr[8:], checkpointVersion)
	copy(hdr[12:44], n.hashNet[:])
	copy(hdr[44:76], n.hashAll[:])
	binary.LittleEndian.PutUint64(hdr[76:], uint64(payload.Len()))
	sum := sha256.Sum256(payload.Bytes())
	bw.Write(hdr[:])
	bw.Write(payload.Bytes())
	bw.Write(sum[:])
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("spike: writing checkpoint: %w", err)
	}
	return nil
}

// stateBytes bounds the payload of a checkpoint of n.
func (n *Net) stateBytes() int64 {
	var b int64
	for _, p := range n.pops {
		b += int64(p.n) * (7*4 + 4 + 4*int64(n.histLen) + 8 + 40*int64(1+len(p.drives)))
	}
	for _, pr := range n.projs {
		// weights and a per-synapse rule state (p10's w̃), counted for every
		// projection: a checkpoint of the plastic network must fit a
		// network restored with plasticity changed; per-neuron rule and
		// short-term-plasticity state
		b += int64(pr.NNZ())*8 + int64(pr.NPost)*48 + int64(pr.NPre)*16
	}
	for _, t := range n.traces {
		b += int64(len(t.x)) * 8
	}
	return 2*b + 1<<20
}

// RestoreOptions relax what Restore requires of a checkpoint.
type RestoreOptions struct {
	// AllowProtocolChange accepts a checkpoint of a network with the same
	// structure (populations, groups, connectivity, weights' distribution,
	// delays, dt, seed) whose inputs or plasticity rules differ — e.g. to
	// test recall with plasticity off on a trained network. Weights and
	// the neuron state are restored; traces and rule states only where the
	// new network has the same trace or rule; input streams by input name.
	AllowProtocolChange bool
}

// Restore loads a checkpoint written by Save into n, which must have been
// built from the same Spec.
func (n *Net) Restore(r io.Reader) error { return n.RestoreWith(r, RestoreOptions{}) }

// RestoreWith is Restore with options.
func (n *Net) RestoreWith(r io.Reader, o RestoreOptions) error {
	var hdr [8 + 4 + 32 + 32 + 8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return fmt.Errorf("spike: reading checkpoint header: %w (not an engram checkpoint?)", err)
	}
	if string(hdr[:8]) != checkpointMagic {
		return errors.New("spike: not an engram spiking checkpoint (bad magic)")
	}
	if v := binary.LittleEndian.Uint32(hdr[8:]); v != checkpointVersion {
		return fmt.Errorf("spike: checkpoint format version %d, this engram reads version %d", v, checkpointVersion)
	}
	if !bytes.Equal(hdr[12:44], n.hashNet[:]) {
		return errors.New("spike: the checkpoint is of another network (populations, connectivity, weights, delays, dt or seed differ)")
	}
	if !o.AllowProtocolChange && !bytes.Equal(hdr[44:76], n.hashAll[:]) {
		return errors.New("spike: the checkpoint's network has other inputs or plasticity rules than this one")
	}
	size := binary.LittleEndian.Uint64(hdr[76:])
	if limit := n.stateBytes(); size > uint64(limit) {
		return fmt.Errorf("spike: checkpoint payload of %d bytes exceeds what this network's state can take (%d)", size, limit)
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(r, payload); err != nil {
		return fmt.Errorf("spike: checkpoint truncated: %w", err)
	}
	var sum [32]byte
	if _, err := io.ReadFull(r, sum[:]); err != nil {
		return fmt.Errorf("spike: checkpoint truncated (no checksum): %w", err)
	}
	if sha256.Sum256(payload) != sum {
		return errors.New("spike: checkpoint corrupted (checksum mismatch)")
	}
	if k, _ := r.Read(make([]byte, 1)); k > 0 {
		return errors.New("spike: checkpoint has trailing data after its checksum")
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&c); err != nil {
		return fmt.Errorf("spike: decoding checkpoint: %w", err)
	}
	return n.load(&c, o)
}

func (n *Net) load(c *checkpoint, o RestoreOptions) error {
	if len(c.Pops) != len(n.pops) {
		return fmt.Errorf("spike: checkpoint has %d populations, network %d", len(c.Pops), len(n.pops))
	}
	cp := func(dst, src []float32, what string, p *pop) error {
		if len(dst) != len(src) {
			return fmt.Errorf("spike: checkpoint: population %q: %s has %d values, network %d", p.name, what, len(src), len(dst))
		}
		copy(dst, src)
		return nil
	}
	for k, p := range n.pops {
		s := &c.Pops[k]
		if s.Name != p.name || len(s.Ref) != len(p.ref) || len(s.Noise) != len(p.pcg) || len(s.Hist) != n.histLen {
			return fmt.Errorf("spike: checkpoint population %d (%q) does not match %q", k, s.Name, p.name)
		}
		for _, f := range []struct {
			dst, src []float32
			what     string
		}{{p.v, s.V, "v"}, {p.ge, s.GE, "ge"}, {p.gi, s.GI, "gi"}, {p.a, s.A, "a"}, {p.w, s.W, "w"}, {p.ou, s.OU, "ou"},
			{p.gn, s.GN, "gn"}, {p.th, s.TH, "th"}, {p.ger, s.GER, "ger"}, {p.gir, s.GIR, "gir"}, {p.ga1, s.GA1, "ga1"}, {p.ga2, s.GA2, "ga2"}} {
			if err := cp(f.dst, f.src, f.what, p); err != nil {
				return err
			}
		}
		copy(p.ref, s.Ref)
		clear(p.refOK) // refractory lists are rebuilt from ref
		for kk, ids := range s.Hist {
			st := c.Step - 1 - int64(kk)
			if st < 0 {
				continue
			}
			for _, id := range ids {
				if id < 0 || int(id) >= p.n {
					return fmt.Errorf("spike: checkpoint population %q: spike of neuron %d out of range", p.name, id)
				}
			}
			slot := st % int64(n.histLen)
			p.hist[slot] = append(p.hist[slot][:0], ids...)
		}
		p.spiked = p.hist[0][:0]
		if c.Step > 0 {
			p.spiked = p.hist[(c.Step-1)%int64(n.histLen)]
		}
		p.spikedV = p.spikedV[:0]
		p.winCount = s.WinCount
		for i := range p.pcg {
			if err := p.pcg[i].UnmarshalBinary(s.Noise[i]); err != nil {
				return fmt.Errorf("spike: checkpoint: population %q: %w", p.name, err)
			}
		}
		for _, d := range p.drives {
			found := false
			for _, ds := range s.Drives {
				if ds.Name != d.name {
					continue
				}
				found = true
				if len(ds.PCG) != len(d.pcg) {
					if !o.AllowProtocolChange {
						return fmt.Errorf("spike: checkpoint: input %q has %d streams, network %d", d.name, len(ds.PCG), len(d.pcg))
					}
					break
				}
				for i := range d.pcg {
					if err := d.pcg[i].UnmarshalBinary(ds.PCG[i]); err != nil {
						return fmt.Errorf("spike: checkpoint: input %q: %w", d.name, err)
					}
				}
			}
			if !found && !o.AllowProtocolChange {
				return fmt.Errorf("spike: checkpoint has no state for input %q", d.name)
			}
			d.sched.seek(c.Step)
		}
		p.evPos = 0
		for p.evPos < len(p.ev) && p.ev[p.evPos].step < c.Step {
			p.evPos++
		}
		if p.src != nil {
			if p.src.poisson {
				if err := p.src.pcg.UnmarshalBinary(s.Source); err != nil {
					return fmt.Errorf("spike: checkpoint: source %q: %w", p.name, err)
				}
			}
			p.src.seek(c.Step)
		}
	}
	for _, pr := range n.projs {
		found := false
		for _, ws := range c.Weights {
			if ws.Projection == pr.Name {
				if pr.W == nil {
					// constant here (e.g. plasticity switched off for recall)
					// but trained or edited in the checkpoint: its weights
					// become this projection's array
					if len(ws.W) != pr.NNZ() {
						return fmt.Errorf("spike: checkpoint: projection %q has %d weights, network %d", pr.Name, len(ws.W), pr.NNZ())
					}
					pr.EnsureWeights()
				}
				if len(ws.W) != len(pr.W) {
					return fmt.Errorf("spike: checkpoint: projection %q has %d weights, network %d", pr.Name, len(ws.W), len(pr.W))
				}
				copy(pr.W, ws.W)
				if ws.Chk >= 0 && ws.Chk < len(pr.W) {
					pr.chk = ws.Chk
				}
				found = true
			}
		}
		if !found && pr.W != nil {
			return fmt.Errorf("spike: checkpoint has no weights for projection %q", pr.Name)
		}
	}
	for _, pr := range n.projs {
		if pr.stp == nil {
			continue
		}
		found := false
		for _, st := range c.STP {
			if st.Projection != pr.Name {
				continue
			}
			if len(st.X) != len(pr.stp.x) || len(st.U) != len(pr.stp.u) || len(st.Last) != len(pr.stp.last) {
				return fmt.Errorf("spike: checkpoint: short-term plasticity of projection %q has %d neurons, network %d", pr.Name, len(st.X), len(pr.stp.x))
			}
			copy(pr.stp.x, st.X)
			copy(pr.stp.u, st.U)
			copy(pr.stp.last, st.Last)
			found = true
		}
		if !found {
			return fmt.Errorf("spike: checkpoint has no short-term plasticity state for projection %q", pr.Name)
		}
	}
	for _, t := range n.traces {
		found := false
		for _, ts := range c.Traces {
			if ts.Pop == t.pop.name && ts.TauMs == t.tauMs && ts.Delay == t.delay && ts.Nearest == t.nearest && ts.Init == t.init {
				if len(ts.X) != len(t.x) {
					return fmt.Errorf("spike: checkpoint: trace %v has %d values, network %d", t, len(ts.X), len(t.x))
				}
				copy(t.x, ts.X)
				t.base = ts.Base
				found = true
			}
		}
		if !found && !o.AllowProtocolChange {
			return fmt.Errorf("spike: checkpoint has no trace %v", t)
		}
	}
	for _, pr := range n.projs {
		if len(pr.rules) == 0 {
			continue
		}
		var rs *rulesState
		for i := range c.Rules {
			if c.Rules[i].Projection == pr.Name {
				rs = &c.Rules[i]
			}
		}
		for k, r := range pr.rules {
			if rs == nil || k >= len(rs.Rules) || rs.Rules[k] != r.spec().Rule {
				if o.AllowProtocolChange {
					continue
				}
				return fmt.Errorf("spike: checkpoint has no state for rule %d (%s) of projection %q", k, r.spec().Rule, pr.Name)
			}
			if err := r.restore(rs.State[k]); err != nil {
				return fmt.Errorf("spike: checkpoint: projection %q rule %d: %w", pr.Name, k, err)
			}
		}
	}
	n.step = c.Step
	return nil
}
