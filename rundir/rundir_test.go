package rundir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for s, want := range map[string]int64{"16GiB": 16 << 30, "500MB": 500e6, "2e9": 2e9, "1 KiB": 1024, "3M": 3 << 20} {
		if got, err := ParseBytes(s); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", s, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "-5GB", "0", "%"} {
		if _, err := ParseBytes(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if got, err := ParseBytes("50%"); err != nil || got <= 0 || got > TotalRAM() {
		t.Errorf("50%%: %v %v", got, err)
	}
}

func TestCreateCommitDiscard(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "run")
	d, err := Create(final)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(final); err == nil {
		t.Fatal("final directory visible before Commit")
	}
	os.WriteFile(filepath.Join(d.Path, "x.txt"), []byte("1"), 0o644)
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(final, "x.txt")); string(b) != "1" {
		t.Fatal("committed content missing")
	}
	if _, err := Create(final); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("existing non-empty run accepted: %v", err)
	}
	d2, _ := Create(filepath.Join(dir, "run2"))
	d2.Discard()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("discard left %d entries", len(ents))
	}
}
