package bridge

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/engramsim/engram/config"
)

// TestConfigDocumented: every key of Config (and the RuleSpec it embeds)
// has exactly one Go doc comment, which config.Format prints.
func TestConfigDocumented(t *testing.T) {
	rs, _, _ := RuleFrom("p10")
	c := &Config{Source: "p10", RatesHz: []float64{1, 2}, Method: "auto", Pattern: &Pattern{2, 30, 0.05}, Rule: rs}
	docs, err := config.ParseDocs(c.DocSources()...)
	if err != nil {
		t.Fatal(err)
	}
	if missing, legacy := config.Undocumented(c, docs); len(missing)+len(legacy) > 0 {
		t.Errorf("undocumented keys %v, legacy %v", missing, legacy)
	}
	text := config.Format(c, "")
	for _, want := range []string{"rates_hz", "nu_lo_hz", "the non-member rate", "[rule.p10]"} {
		if !strings.Contains(text, want) {
			t.Errorf("formatted config lacks %q:\n%s", want, text)
		}
	}
}

// TestLoadConfigFile: a formatted Config (config.resolved.toml) reads back
// to the same Config; a rule file reads as a rule.
func TestLoadConfigFile(t *testing.T) {
	rs, _, _ := RuleFrom("p10")
	c, err := (Config{Source: "p10", RatesHz: []float64{1, 2, 5}, Method: "measured", Pattern: &Pattern{2, 30, 0.05}, Rule: rs}).Resolved()
	if err != nil {
		t.Fatal(err)
	}
	if c.DurationS != 20 || c.Synapses != 500 || c.W != 2.5 || c.DtMs != 0.1 || c.Seed != 1 {
		t.Errorf("resolved %+v", c)
	}
	p := filepath.Join(t.TempDir(), "config.resolved.toml")
	if err := os.WriteFile(p, []byte(config.Format(&c, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	got, cfg, err := LoadFile(p)
	if err != nil || cfg == nil {
		t.Fatal(err)
	}
	if len(cfg.Rule.Active) == 0 && len(c.Rule.Active) == 0 {
		cfg.Rule.Active = c.Rule.Active // [] read back for nil
	}
	if !reflect.DeepEqual(*cfg, c) || got.P10.Delta != rs.P10.Delta {
		t.Errorf("read back\n%+v\nwrote\n%+v", *cfg, c)
	}
	r := filepath.Join(t.TempDir(), "rule.toml")
	os.WriteFile(r, []byte("rule = \"istdp\"\nw_max = 1\n"), 0o644)
	if got, cfg, err := LoadFile(r); err != nil || cfg != nil || got.ISTDP == nil {
		t.Errorf("rule file: %+v, %v, %v", got, cfg, err)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("rates_hz = [1.0]\n[rule]\nrule = \"scaling\"\nw_max = 1\n"), 0o644)
	if _, _, err := LoadFile(bad); err == nil || !strings.Contains(err.Error(), "not a pre/post learning rule") {
		t.Errorf("config with scaling: %v", err)
	}
}
