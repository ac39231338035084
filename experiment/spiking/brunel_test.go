package spiking

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/model/spike"
)

// loadExample decodes examples/<name>.toml as the CLI does (onto the
// defaults, strictly, with --set overrides).
func loadExample(t *testing.T, name string, sets ...string) (*Config, error) {
	t.Helper()
	file := "../../examples/" + name + ".toml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	if _, err := config.Load(file, data, c, sets); err != nil {
		return nil, err
	}
	return c, c.Validate()
}

// TestBrunelKnobs: the [brunel] knobs g and eta of the example and the
// preset resolve to exactly the network spike.BrunelASpec builds (I weight
// g·J, Poisson rate η·ν_thr with ν_thr = θ/(J C_E τ) = 10 Hz; spec §2.2),
// also when overridden with --set.
func TestBrunelKnobs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sets   []string
		g, eta float64
	}{
		{"brunel-ai", nil, 5, 2},
		{"brunel-sr", nil, 3, 2},
		{"brunel-ai-fluct", nil, 8, 3},
		{"brunel-ai", []string{"brunel.g=6", "brunel.eta=4"}, 6, 4},
		{"brunel-ai", []string{"brunel.g=0", "brunel.eta=0.9"}, 0, 0.9},
	} {
		c, err := loadExample(t, tc.name, tc.sets...)
		if err != nil {
			t.Fatalf("%s %v: %v", tc.name, tc.sets, err)
		}
		want := spike.BrunelASpec(10000, 2500, 1000, 250, tc.g, tc.eta)
		got := c.Spec()
		if !reflect.DeepEqual(got.Projections, want.Projections) || !reflect.DeepEqual(got.Poisson, want.Poisson) {
			t.Errorf("%s %v: resolved network differs from BrunelASpec(g = %v, η = %v):\n%+v\n%+v\nwant\n%+v\n%+v",
				tc.name, tc.sets, tc.g, tc.eta, got.Projections, got.Poisson, want.Projections, want.Poisson)
		}
		if len(tc.sets) == 0 {
			p, _ := PresetConfig(tc.name)
			if ps := p.Spec(); !reflect.DeepEqual(ps.Projections, got.Projections) || !reflect.DeepEqual(ps.Poisson, got.Poisson) ||
				*p.Brunel.G != tc.g || *p.Brunel.Eta != tc.eta {
				t.Errorf("%s: PresetConfig differs from the example file", tc.name)
			}
		}
		// The written config stays unresolved (knobs kept, derived values
		// unset), so config.resolved.toml reruns unchanged.
		if c.Projection[2].Weight.Mean != 0 || c.Input.Poisson[0].RateHz != 0 {
			t.Errorf("%s: Spec mutated the config", tc.name)
		}
	}
	c, err := loadExample(t, "brunel-ai", "brunel.g=6", "brunel.eta=4")
	if err != nil {
		t.Fatal(err)
	}
	d := c.Derived()
	for _, want := range []string{"J = 0.1 mV", "−g·J = -0.6 mV (I→E, I→I)", "= 10 Hz; rate_hz = η·ν_thr = 40 Hz per source",
		"self-consistent rate 55.84 Hz", "μ = 24.16 mV", "σ = 10.94 mV"} { // spec §2.2 table: g = 6, η = 4
		if !strings.Contains(d, want) {
			t.Errorf("Derived() lacks %q:\n%s", want, d)
		}
	}
	text := config.Format(c, "spiking")
	if !strings.Contains(text, "g = 6.0") || !strings.Contains(text, "eta = 4.0") {
		t.Errorf("formatted config lacks the knobs:\n%s", text)
	}
	if d := Defaults().Derived(); d != "" {
		t.Errorf("Derived() without knobs: %q", d)
	}
}

// TestBrunelKnobErrors: invalid knobs and a knob set together with the
// value it derives are errors naming the key.
func TestBrunelKnobErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		sets []string
		want string
	}{
		{"brunel-ai", []string{"brunel.g=-1"}, "brunel.g = -1 must be ≥ 0"},
		{"brunel-ai", []string{"brunel.eta=0"}, "brunel.eta = 0 must be > 0"},
		{"brunel-ai", []string{"brunel.eta=-2"}, "brunel.eta = -2 must be > 0"},
		{"brunel-ai", []string{"brunel.gg=5"}, `unknown key "brunel.gg"`},
		{"l23-allen-maclean", []string{"brunel.g=5"}, `brunel.g needs constant excitatory weights J; projection[0] (E→E).weight.dist = "lognormal"`},
		{"coba", []string{"brunel.eta=2"}, "no [[input.poisson]]"},
		{"cuba", []string{"brunel.g=5"}, `projection[2] (I→E).weight.mean = 9 is set and so is brunel.g = 5`},
	} {
		_, err := loadExample(t, tc.name, tc.sets...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: want an error containing %q, got %v", tc.name, tc.sets, tc.want, err)
		}
	}
	c, _ := PresetConfig("brunel-ai")
	c.Input.Poisson[1].RateHz = 20
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "input.poisson[1].rate_hz = 20 is set and so is brunel.eta = 2") {
		t.Errorf("rate and eta both set: %v", err)
	}
	c, _ = PresetConfig("brunel-ai")
	for i := range c.Projection {
		if c.Projection[i].Pre == "E" {
			c.Projection[i].Weight.Mean = 0
		}
	}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "needs an excitatory weight J > 0") {
		t.Errorf("J = 0: %v", err)
	}
	c, _ = PresetConfig("brunel-ai")
	c.Population[0].Neuron.Synapse = spike.Exp
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "input.poisson[0]: brunel.eta needs a target with delta synapses") {
		t.Errorf("eta with exp synapses: %v", err)
	}
}
