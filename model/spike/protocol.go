package spike

import (
	"fmt"

	"github.com/engramsim/engram/rng"
)

// Blocks is a stimulation protocol: Blocks blocks, each presenting every
// one of Inputs once for OnMs followed by OffMs of no presentation,
// starting at StartMs. With Shuffle the order within each block is a
// random permutation (from rng.New(seed, rng.Stimulus, NameKey(Name))),
// redrawn until no input is presented twice in a row across blocks;
// otherwise the order is Inputs'.
type Blocks struct {
	// Name keys the shuffle's random stream.
	Name string `toml:"name"`
	// Inputs name the presented inputs ([[input.poisson]] or [[input.rate]]).
	Inputs []string `toml:"inputs"`
	// StartMs is the start of the first presentation in ms (≥ 0).
	StartMs float64 `toml:"start_ms"`
	// OnMs is the duration of a presentation in ms (> 0).
	OnMs float64 `toml:"on_ms"`
	// OffMs is the pause after each presentation in ms (≥ 0).
	OffMs float64 `toml:"off_ms"`
	// Blocks is the number of blocks (≥ 1).
	Blocks int `toml:"blocks"`
	// RateHz is the input's rate during a presentation (Poisson drive: per
	// source; rate input: added to the source neurons' rate).
	RateHz float64 `toml:"rate_hz"`
	// Shuffle randomises the order within each block.
	Shuffle bool `toml:"shuffle"`
}

// EndMs is the end of the protocol's last pause.
func (b *Blocks) EndMs() float64 {
	return b.StartMs + float64(b.Blocks*len(b.Inputs))*(b.OnMs+b.OffMs)
}

// Validate checks the protocol; key names it in errors.
func (b *Blocks) Validate(key string) error {
	switch {
	case b.Name == "":
		return fmt.Errorf("%s.name is empty (it keys the shuffle's random stream)", key)
	case len(b.Inputs) == 0:
		return fmt.Errorf("%s.inputs: name at least one input", key)
	case !finite(b.StartMs) || b.StartMs < 0:
		return fmt.Errorf("%s.start_ms = %v must be finite and ≥ 0", key, b.StartMs)
	case !finite(b.OnMs) || !(b.OnMs > 0):
		return fmt.Errorf("%s.on_ms = %v must be > 0 and finite", key, b.OnMs)
	case !finite(b.OffMs) || !(b.OffMs >= 0):
		return fmt.Errorf("%s.off_ms = %v must be ≥ 0 and finite", key, b.OffMs)
	case b.Blocks < 1 || b.Blocks > 1_000_000:
		return fmt.Errorf("%s.blocks = %d must be in [1, 10^6]", key, b.Blocks)
	case !finite(b.RateHz) || !(b.RateHz >= 0):
		return fmt.Errorf("%s.rate_hz = %v must be ≥ 0 and finite", key, b.RateHz)
	case b.Shuffle && len(b.Inputs) == 1 && b.Blocks > 1:
		return fmt.Errorf("%s: a shuffle of one input cannot avoid repeats", key)
	}
	seen := map[string]bool{}
	for _, in := range b.Inputs {
		if seen[in] {
			return fmt.Errorf("%s.inputs: %q is listed twice", key, in)
		}
		seen[in] = true
	}
	return nil
}

// Order returns the presented inputs in order (Blocks × len(Inputs)).
func (b *Blocks) Order(seed uint64) []string {
	n := len(b.Inputs)
	r := rng.New(seed, rng.Stimulus, rng.NameKey(b.Name))
	out := make([]string, 0, b.Blocks*n)
	perm := make([]int, n)
	for k := 0; k < b.Blocks; k++ {
		for i := range perm {
			perm[i] = i
		}
		if b.Shuffle {
			for {
				r.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
				if len(out) == 0 || n == 1 || b.Inputs[perm[0]] != out[len(out)-1] {
					break
				}
			}
		}
		for _, i := range perm {
			out = append(out, b.Inputs[i])
		}
	}
	return out
}

// Segments returns each input's presentation segments.
func (b *Blocks) Segments(seed uint64) map[string][]Segment {
	out := map[string][]Segment{}
	t := b.StartMs
	for _, in := range b.Order(seed) {
		out[in] = append(out[in], Segment{StartMs: t, StopMs: t + b.OnMs, RateHz: b.RateHz})
		t += b.OnMs + b.OffMs
	}
	return out
}

// ApplyBlocks adds the segments of every protocol to the schedules of the
// named Poisson and rate inputs of s; errors name the protocol (key
// "blocks[i]") and the unknown input.
func (s *Spec) ApplyBlocks(bs []Blocks) error {
	for i := range bs {
		b := &bs[i]
		key := fmt.Sprintf("blocks[%d] (%s)", i, b.Name)
		if err := b.Validate(key); err != nil {
			return err
		}
		all := b.Segments(s.Seed)
		for _, name := range b.Inputs {
			segs := all[name]
			found := false
			for k := range s.Poisson {
				if s.Poisson[k].DisplayName() == name {
					s.Poisson[k].Schedule = append(s.Poisson[k].Schedule, segs...)
					found = true
				}
			}
			for k := range s.Rates {
				if s.Rates[k].Name == name {
					s.Rates[k].Schedule = append(s.Rates[k].Schedule, segs...)
					found = true
				}
			}
			if !found {
				return fmt.Errorf("%s.inputs: %q is neither a Poisson input nor a rate input", key, name)
			}
		}
	}
	return nil
}
