package spiking

import (
	"math"
	"reflect"
	"testing"

	"github.com/engramsim/engram/model/spike"
)

// TestMemoryExamplesMatchPresets: examples/lkd2014.toml, lkd-demo.toml and zag2015.toml
// build exactly the network of their model/spike preset, except for what
// makes them the baseline of issue 14: the E→E (and input→E) plasticity is
// built but off, and ZAG's globally gated iSTDP starts at 1000 ms (in
// canonical form: unused neuron fields zeroed, an unset weight scale 1).
func TestMemoryExamplesMatchPresets(t *testing.T) {
	for _, name := range []string{spike.PresetLKD2014, spike.PresetLKDDemo, spike.PresetZAG2015} {
		c, err := loadExample(t, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		p, err := PresetConfig(name)
		if err != nil {
			t.Fatal(err)
		}
		want := p.Spec().Canonical()
		for i := range want.Projections {
			pr := &want.Projections[i]
			for k := range pr.Plasticity {
				r := &pr.Plasticity[k]
				switch {
				case pr.Post == "E" && (pr.Pre == "E" || pr.Pre == "S"):
					r.Off = true
				case r.Rule == spike.RuleGlobalISTDP:
					r.Active = [][2]float64{{1000, math.Inf(1)}}
				}
			}
		}
		got := c.Spec().Canonical()
		if !reflect.DeepEqual(got, want) {
			for i := range want.Projections {
				if i < len(got.Projections) && !reflect.DeepEqual(got.Projections[i], want.Projections[i]) {
					t.Errorf("%s: projection %d:\n got %+v\nwant %+v", name, i, got.Projections[i], want.Projections[i])
				}
			}
			for i := range want.Populations {
				if i < len(got.Populations) && !reflect.DeepEqual(got.Populations[i], want.Populations[i]) {
					t.Errorf("%s: population %d:\n got %+v\nwant %+v", name, i, got.Populations[i], want.Populations[i])
				}
			}
			got.Projections, want.Projections, got.Populations, want.Populations = nil, nil, nil, nil
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: spec differs:\n got %+v\nwant %+v", name, got, want)
			}
		}
	}
}
