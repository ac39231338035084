package main

import (
	"strings"
	"testing"

	"github.com/engramsim/engram/config"
)

// legacyDocs are the experiments whose config packages still document
// fields with `doc:` tags (model/spike, experiment/spiking: being converted
// by their owner); every other experiment's keys are documented by Go
// comments only.
var legacyDocs = map[string]bool{}

// Every key of every experiment has exactly one doc: its Go comment (read
// from the embedded source), with no `doc:` tag left to drift from it
// (issue 13: the two copies disagreed).
func TestEveryConfigKeyDocumentedOnce(t *testing.T) {
	reg := registry()
	for _, name := range reg.Names() {
		def, _ := reg.Get(name)
		cfg := def.NewConfig()
		var docs *config.Docs
		if dc, ok := cfg.(config.Documented); ok {
			var err error
			if docs, err = config.ParseDocs(dc.DocSources()...); err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
		} else if !legacyDocs[name] {
			t.Errorf("%s: config does not implement config.Documented", name)
		}
		missing, legacy := config.Undocumented(cfg, docs)
		if len(missing) > 0 {
			t.Errorf("%s: keys without a Go doc comment: %v", name, missing)
		}
		if len(legacy) > 0 && !legacyDocs[name] {
			t.Errorf("%s: keys documented by a doc: tag instead of a Go comment: %v", name, legacy)
		}
	}
	// the theory commands' [transfer] and [rule]
	tc := &theoryConfig{}
	docs, err := config.ParseDocs(tc.DocSources()...)
	if err != nil {
		t.Fatal(err)
	}
	if missing, legacy := config.Undocumented(tc, docs); len(missing)+len(legacy) > 0 {
		t.Errorf("theory config: missing %v, legacy %v", missing, legacy)
	}
}

// describe prints the Go comment of each key (one example per package).
func TestDescribePrintsGoComments(t *testing.T) {
	for _, c := range []struct{ exp, want string }{
		{"pb-dms", `mask = "bernoulli"`},
		{"pb-dms", "autapses = true  # allows i→i synapses (the paper's mask allows them).\n"},
		{"pb-dms", "delay_ms = 1000.0  # [ms] the delay period after the stimulus, in ms (paper: 6000).\n"}, // the demo's delay (demo.toml)
		{"pb-load", "duration_ms = 1400.0  # [ms] the simulated time per run in ms (paper: 1400).\n"},
		{"infer-loop", "level = 0.95  # the two-sided confidence level of the intervals, in (0, 1).\n"},
		{"homeostasis", "tau_hp = 2000.0  # the homeostatic time constant in steps, ≥ 1 (spec: 2000).\n"},
	} {
		arg := c.exp
		if c.exp == "pb-dms" {
			arg = "demo"
		}
		code, out, stderr := run(t, "describe", arg)
		if code != 0 || !strings.Contains(out, c.want) {
			t.Errorf("describe %s: exit %d %s; output lacks %q", arg, code, stderr, c.want)
		}
	}
}
