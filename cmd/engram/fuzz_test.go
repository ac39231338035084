package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/engramsim/engram/config"
)

// FuzzResolve drives the config loader and every experiment's validator
// as `engram run FILE --set KV` does: whatever the input, resolving never
// panics, and a config it accepts prints (config.resolved.toml) to a file
// that resolves to the same config and passes validation again, so a run
// directory always reproduces its run.
func FuzzResolve(f *testing.F) {
	files, _ := filepath.Glob("../../examples/*.toml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, "")
		}
	}
	f.Add(demoConfig, "rule.A=10.65")
	for _, s := range []string{"population.LIF.n=5", "population.0.n=5", "population.X.n=5", "population.LIF=5", "input.poisson.0.weight=0.2"} {
		f.Add([]byte("experiment = \"spiking\"\n"), s)
	}
	for _, s := range []string{"network.seed=-1", "load.duration_ms=inf", "record.every_ms=1e300", "rule.x_g_hz=inf", "network.r_star=nan", "protocol.trials=0"} {
		f.Add([]byte("experiment = \"pb-dms\"\n"), s)
		f.Add([]byte("experiment = \"homeostasis\"\n"), s)
		f.Add([]byte("experiment = \"pb-load\"\n"), s)
		f.Add([]byte("experiment = \"infer-loop\"\n"), s)
	}
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		var out, errb bytes.Buffer
		a := newApp(&out, &errb)
		if set != "" {
			a.sets = []string{set}
		}
		def, cfg, err := a.resolve(a.root, "f.toml", data)
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, "f.toml") && !strings.Contains(msg, "--set") {
				t.Fatalf("error names neither the file nor --set: %v", err)
			}
			return
		}
		if def.EstimateBytes != nil {
			_ = def.EstimateBytes(cfg)
		}
		text := config.Format(cfg, def.Name)
		b := newApp(&out, &errb)
		def2, cfg2, err := b.resolve(b.root, "config.resolved.toml", []byte(text))
		if err != nil {
			t.Fatalf("the resolved config does not resolve: %v\n%s", err, text)
		}
		if text2 := config.Format(cfg2, def2.Name); text2 != text {
			t.Fatalf("the resolved config changes when resolved again:\n%s\n---\n%s", text, text2)
		}
	})
}
