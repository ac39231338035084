package stdpmemory

import (
	"path/filepath"
	"testing"

	"github.com/engramsim/engram/config"
)

// loadExample reads examples/<name> onto the defaults.
func loadExample(t *testing.T, name string, sets ...string) *Config {
	t.Helper()
	path := filepath.Join("..", "..", "examples", name)
	data, err := config.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := Defaults()
	if _, err := config.Load(path, data, c, sets); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestBistableRecall is issue 15's demo criterion at a reduced size:
// examples/stdp-memory.toml with 3 assemblies and 10 s of consolidation
// imprints assemblies (R ≥ 1.5) that are recalled from 25 % cues as delay
// activity (success ≥ 0.8, the threshold) without spurious recall,
// while the untrained network (imprint.blocks = 0) recalls nothing (the
// cue alone does not leave a state behind). Measured (seed 1, this file
// at 3 assemblies): R = 2.383, success 1, spurious 0, m_cued 0.61;
// untrained success 0, m_cued 0.006.
func TestBistableRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("≈ 110 s of biological time")
	}
	sets := []string{"patterns.count=3", "phases.consolidate.duration_ms=10000", "phases.recall.fractions=[0.25]"}
	sum := run(t, loadExample(t, "stdp-memory.toml", sets...))
	rec := sum["recall"].(map[string]any)
	r := sum["weight_ratio"].(float64)
	s := rec["success"].(map[string]any)["0.25"].(float64)
	sp := rec["spurious"].(map[string]any)["0.25"].(float64)
	t.Logf("trained: R %.3f, success %v, spurious %v, m_cued %v", r, s, sp, rec["m_cued"])
	if r < 1.5 || s < 0.8 || sp > 0 {
		t.Errorf("trained: R %.3f (want ≥ 1.5), success %v (want ≥ 0.8), spurious %v (want 0)", r, s, sp)
	}
	un := run(t, loadExample(t, "stdp-memory.toml", append(sets, "phases.imprint.blocks=0", "phases.consolidate.duration_ms=0")...))
	urec := un["recall"].(map[string]any)
	us := urec["success"].(map[string]any)["0.25"].(float64)
	t.Logf("untrained: R %v, success %v, m_cued %v", un["weight_ratio"], us, urec["m_cued"])
	if us != 0 {
		t.Errorf("untrained network: success %v, want 0", us)
	}
}
