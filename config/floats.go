package config

import (
	"fmt"
	"math"
)

// Floats is a list of numbers that a config may also give as one number
// (h = 0.1 means h = [0.1]). Experiments whose list key is an internal
// sweep (homeostasis's sweep.h_over_r_star, pb-load's load.alphas) use it
// so that one value is a single-point run: what `engram sweep` sets at each
// point of a sweep over the key (--set sweep.h_over_r_star=0.1, or a
// sweep file's [grid] sweep.h_over_r_star = [0.3, 0.1]). Format prints it
// as a list.
type Floats []float64

// UnmarshalTOML implements toml.Unmarshaler: a number (integer or float)
// or an array of numbers.
func (f *Floats) UnmarshalTOML(v any) error {
	num := func(e any) (float64, bool) {
		switch n := e.(type) {
		case int64:
			return float64(n), true
		case float64:
			return n, true
		}
		return math.NaN(), false
	}
	if x, ok := num(v); ok {
		*f = Floats{x}
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return fmt.Errorf("want a number or a list of numbers, not %v", v)
	}
	out := make(Floats, len(list))
	for i, e := range list {
		x, ok := num(e)
		if !ok {
			return fmt.Errorf("element %d = %v is not a number", i, e)
		}
		out[i] = x
	}
	*f = out
	return nil
}
