package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCPUProfileFlag: --cpuprofile writes a pprof file (gzip magic 1f 8b)
// and an uncreatable path is a clear error naming the flag.
func TestCPUProfileFlag(t *testing.T) {
	f := filepath.Join(t.TempDir(), "cpu.prof")
	if code, _, errs := run(t, "describe", "--cpuprofile", f); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(f)
	if err != nil || len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("profile not written (%v, %d bytes)", err, len(b))
	}
	code, _, errs := run(t, "describe", "--cpuprofile", filepath.Join(t.TempDir(), "no", "such", "dir", "p"))
	if code == 0 || !strings.Contains(errs, "--cpuprofile") {
		t.Fatalf("bad profile path: exit %d, %q", code, errs)
	}
}
