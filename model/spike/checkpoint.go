package spike

import (
	"encoding/gob"
	"fmt"
	"io"
	"sort"
)

// checkpoint is the serialised dynamic state of a Net. Structure
// (connectivity, parameters) is not stored: Restore expects a Net built from
// the same Spec, and checks sizes. Weights are stored so that a plastic
// network resumes with its learned weights.
type checkpoint struct {
	Version int
	Step    int64
	DtMs    float64
	Seed    uint64
	Pops    []popState
	Weights [][]float32
}

type popState struct {
	Name                string
	V, GE, GI, A, W, OU []float32
	Ref                 []int32
	RingE, RingI        []float32
	PCG                 [][]byte
	WinCount            int64
}

// Save writes the full dynamic state (time, membrane and synaptic state,
// refractory counters, delay buffers, adaptation, OU currents, every
// per-neuron random stream and the weights) to w. A Net restored from it
// continues bit-identically to the original.
func (n *Net) Save(w io.Writer) error {
	c := checkpoint{Version: 1, Step: n.step, DtMs: n.dt, Seed: n.seed}
	for _, p := range n.pops {
		s := popState{Name: p.name, V: p.v, GE: p.ge, GI: p.gi, A: p.a, W: p.w, OU: p.ou, Ref: p.ref,
			RingE: p.ringE, RingI: p.ringI, WinCount: p.winCount}
		for i := range p.pcg {
			b, err := p.pcg[i].MarshalBinary()
			if err != nil {
				return fmt.Errorf("spike: checkpoint: population %q: %w", p.name, err)
			}
			s.PCG = append(s.PCG, b)
		}
		c.Pops = append(c.Pops, s)
	}
	for _, pr := range n.projs {
		c.Weights = append(c.Weights, pr.CSR.W)
	}
	if err := gob.NewEncoder(w).Encode(&c); err != nil {
		return fmt.Errorf("spike: writing checkpoint: %w", err)
	}
	return nil
}

// Restore loads a checkpoint written by Save into n, which must have been
// built from the same Spec (same populations, sizes, projections and dt).
func (n *Net) Restore(r io.Reader) error {
	var c checkpoint
	if err := gob.NewDecoder(r).Decode(&c); err != nil {
		return fmt.Errorf("spike: reading checkpoint: %w", err)
	}
	if c.Version != 1 || c.DtMs != n.dt || len(c.Pops) != len(n.pops) || len(c.Weights) != len(n.projs) {
		return fmt.Errorf("spike: checkpoint does not match this network (version %d, dt %v ms, %d populations, %d projections)",
			c.Version, c.DtMs, len(c.Pops), len(c.Weights))
	}
	cp := func(dst, src []float32, what string, p *pop) error {
		if len(dst) != len(src) {
			return fmt.Errorf("spike: checkpoint: population %q: %s has %d values, network %d", p.name, what, len(src), len(dst))
		}
		copy(dst, src)
		return nil
	}
	for k, p := range n.pops {
		s := c.Pops[k]
		if s.Name != p.name || len(s.Ref) != p.n || len(s.PCG) != len(p.pcg) {
			return fmt.Errorf("spike: checkpoint population %d (%q) does not match %q", k, s.Name, p.name)
		}
		for _, f := range []struct {
			dst, src []float32
			what     string
		}{{p.v, s.V, "v"}, {p.ge, s.GE, "ge"}, {p.gi, s.GI, "gi"}, {p.a, s.A, "a"}, {p.w, s.W, "w"},
			{p.ou, s.OU, "ou"}, {p.ringE, s.RingE, "ring_e"}, {p.ringI, s.RingI, "ring_i"}} {
			if err := cp(f.dst, f.src, f.what, p); err != nil {
				return err
			}
		}
		copy(p.ref, s.Ref)
		clear(p.refOK) // refractory lists are rebuilt from ref
		p.evPos = sort.Search(len(p.ev), func(i int) bool { return p.ev[i].step >= c.Step })
		p.winCount = s.WinCount
		for i := range p.pcg {
			if err := p.pcg[i].UnmarshalBinary(s.PCG[i]); err != nil {
				return fmt.Errorf("spike: checkpoint: population %q: %w", p.name, err)
			}
		}
	}
	for k, pr := range n.projs {
		if len(c.Weights[k]) != len(pr.CSR.W) {
			return fmt.Errorf("spike: checkpoint: projection[%d] has %d weights, network %d", k, len(c.Weights[k]), len(pr.CSR.W))
		}
		copy(pr.CSR.W, c.Weights[k])
	}
	n.SyncWeights()
	n.step = c.Step
	return nil
}
