package config

import (
	"slices"
	"strings"
	"testing"
)

type floatsConfig struct {
	Sweep struct {
		H Floats `toml:"h"`
	} `toml:"sweep"`
}

// A Floats key takes a list or one number (from the file and --set), and
// Format prints a list that decodes to the same values.
func TestFloatsOneOrMany(t *testing.T) {
	for _, c := range []struct {
		doc  string
		sets []string
		want []float64
	}{
		{"[sweep]\nh = [0.3, 1]\n", nil, []float64{0.3, 1}},
		{"[sweep]\nh = 0.25\n", nil, []float64{0.25}},
		{"[sweep]\nh = 2\n", nil, []float64{2}},
		{"[sweep]\nh = [0.3, 1]\n", []string{"sweep.h=0.1"}, []float64{0.1}},
		{"", []string{"sweep.h=[0.5, 0.25]"}, []float64{0.5, 0.25}},
	} {
		var cfg floatsConfig
		if _, err := Load("f.toml", []byte(c.doc), &cfg, c.sets); err != nil {
			t.Fatalf("%q %v: %v", c.doc, c.sets, err)
		}
		if !slices.Equal(cfg.Sweep.H, c.want) {
			t.Errorf("%q %v: h = %v, want %v", c.doc, c.sets, cfg.Sweep.H, c.want)
		}
		var back floatsConfig
		if _, err := Load("back.toml", []byte(Format(&cfg, "")), &back, nil); err != nil || !slices.Equal(back.Sweep.H, c.want) {
			t.Errorf("round trip of %v: %v, %v", c.want, back.Sweep.H, err)
		}
	}
	for _, bad := range []string{"[sweep]\nh = \"x\"\n", "[sweep]\nh = [1, \"x\"]\n"} {
		var cfg floatsConfig
		if _, err := Load("f.toml", []byte(bad), &cfg, nil); err == nil || !strings.Contains(err.Error(), "number") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}
