package config

import (
	"reflect"
	"strings"
	"testing"
)

type rule struct {
	A      float64  `toml:"A" doc:"amplitude"`
	BetaF  float64  `toml:"beta_f_per_hz" unit:"1/Hz"`
	XG     *float64 `toml:"x_g_hz" unit:"Hz" doc:"default x_f"`
	Preset string   `toml:"preset"`
}
type net struct {
	N    int     `toml:"n"`
	C    float64 `toml:"c"`
	Seed uint64  `toml:"seed"`
}
type pop struct {
	Name string `toml:"name"`
	Size int    `toml:"size"`
}
type cfgT struct {
	Rule    rule   `toml:"rule"`
	Network net    `toml:"network"`
	Pops    []pop  `toml:"population"`
	List    []int  `toml:"list"`
	Label   string `toml:"label"`
}

func defaults() *cfgT {
	return &cfgT{Rule: rule{A: 3.55, BetaF: 0.28}, Network: net{N: 100, C: 0.1, Seed: 1}, List: []int{1, 2}}
}

func TestLoadAndSet(t *testing.T) {
	c := defaults()
	name, err := Load("x.toml", []byte("experiment = \"pb\"\n[rule]\nA = 10.65\n[network]\nn = 5\n"), c, []string{"network.c=0.5", "label=hello world", "rule.x_g_hz=20"})
	if err != nil {
		t.Fatal(err)
	}
	if name != "pb" || c.Rule.A != 10.65 || c.Network.N != 5 || c.Network.C != 0.5 || c.Network.Seed != 1 || c.Rule.BetaF != 0.28 || c.Label != "hello world" || *c.Rule.XG != 20 {
		t.Fatalf("decoded %+v", c)
	}
}

func TestUnknownKeys(t *testing.T) {
	cases := []struct{ file, set, want string }{
		{"[rule]\nbeta_f_per_h = 1\n", "", `x.toml: unknown key "rule.beta_f_per_h" (did you mean "rule.beta_f_per_hz"?)`},
		{"[netwrok]\nn = 1\n", "", `unknown key "netwrok"`},
		{"", "network.sed=3", `--set network.sed=3: unknown key "network.sed" (did you mean "network.seed"?)`},
		{"[rule]\nA = \n", "", "x.toml:2:"},
		{"", "network.n=abc", "--set network.n=abc"},
		{"", "experiment=foo", "cannot be overridden"},
	}
	for _, cs := range cases {
		var sets []string
		if cs.set != "" {
			sets = []string{cs.set}
		}
		_, err := Load("x.toml", []byte(cs.file), defaults(), sets)
		if err == nil || !strings.Contains(err.Error(), cs.want) {
			t.Errorf("file %q set %q: error %v, want it to contain %q", cs.file, cs.set, err, cs.want)
		}
	}
}

func TestFormatRoundTrip(t *testing.T) {
	c := defaults()
	c.Pops = []pop{{"E", 80}, {"I", 20}}
	c.Label = "a \"quoted\" label"
	out := Format(c, "pb")
	if !strings.Contains(out, "beta_f_per_hz = 0.28  # [1/Hz]") || !strings.Contains(out, "# x_g_hz = (unset)") {
		t.Fatalf("format lacks units:\n%s", out)
	}
	d := &cfgT{}
	name, err := Load("resolved.toml", []byte(out), d, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if name != "pb" || !reflect.DeepEqual(c, d) {
		t.Fatalf("round trip differs:\n%+v\n%+v\n%s", c, d, out)
	}
	if got := Keys(c); !reflect.DeepEqual(got, []string{"label", "list", "network.c", "network.n", "network.seed", "population.name", "population.size", "rule.A", "rule.beta_f_per_hz", "rule.preset", "rule.x_g_hz"}) {
		t.Errorf("keys %v", got)
	}
}

type projT struct {
	Pre  string  `toml:"pre"`
	Post string  `toml:"post"`
	P    float64 `toml:"p"`
	Seed uint64  `toml:"seed"`
	W    struct {
		Mean float64 `toml:"mean"`
	} `toml:"weight"`
}

type arrCfg struct {
	Pops  []pop   `toml:"population"`
	Projs []projT `toml:"projection"`
}

// --set reaches array-of-table entries by name, by pre-post and by index,
// with the strictness of every other key (issue 17).
func TestSetArrayEntries(t *testing.T) {
	c := &arrCfg{Pops: []pop{{"E", 80}, {"I", 20}}, Projs: []projT{{Pre: "E", Post: "I"}, {Pre: "I", Post: "E"}}}
	for _, kv := range []string{"population.E.size=2000", "population.1.size=7", "projection.E-I.p=0.2", "projection.1.weight.mean=-0.5"} {
		if err := Set(c, kv); err != nil {
			t.Fatalf("%s: %v", kv, err)
		}
	}
	if c.Pops[0].Size != 2000 || c.Pops[1].Size != 7 || c.Projs[0].P != 0.2 || c.Projs[1].W.Mean != -0.5 || c.Projs[1].P != 0 {
		t.Fatalf("after --set: %+v", c)
	}
	cases := []struct{ kv, want string }{
		{"population.E.sise=3", `--set population.E.sise=3: unknown key "population.E.sise" (did you mean "population.E.size"?)`},
		{"population.X.size=3", `population has no entry "X" (entries: 0 = E, 1 = I)`},
		{"population.2.size=3", `population has 2 entries; index 2 is out of range`},
		{"projection.E-E.p=3", `projection has no entry "E-E"`},
		{"population.E=3", `population is an array of tables: name an entry and a key in it, e.g. population.E.<key>`},
		{"projection.I-E.seed=-1", `projection.I-E.seed = -1 must be ≥ 0`},
		{"population.E.size=abc", `--set population.E.size=abc`},
	}
	for _, cs := range cases {
		err := Set(c, cs.kv)
		if err == nil || !strings.Contains(err.Error(), cs.want) {
			t.Errorf("%s: error %v, want it to contain %q", cs.kv, err, cs.want)
		}
	}
	dup := &arrCfg{Pops: []pop{{"E", 1}, {"E", 2}}}
	if err := Set(dup, "population.E.size=3"); err == nil || !strings.Contains(err.Error(), "select one by index") {
		t.Errorf("ambiguous name: %v", err)
	}
}
