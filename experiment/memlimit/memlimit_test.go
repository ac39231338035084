package memlimit

import (
	"math"
	"runtime/debug"
	"testing"
)

// Apply lowers the runtime's limit to estimate − binaryBytes, restores the
// previous one, and never raises a limit already set.
func TestApply(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(prev)
	debug.SetMemoryLimit(math.MaxInt64)
	restore := Apply(1 << 30)
	if got := debug.SetMemoryLimit(-1); got != 1<<30-binaryBytes {
		t.Errorf("limit %d, want %d", got, 1<<30-binaryBytes)
	}
	restore()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("restored limit %d, want MaxInt64", got)
	}
	debug.SetMemoryLimit(100 << 20)
	Apply(1 << 30)() // a larger estimate leaves a lower limit alone
	if got := debug.SetMemoryLimit(-1); got != 100<<20 {
		t.Errorf("limit %d after a larger estimate, want 100 MiB", got)
	}
	Apply(0)()
	if got := debug.SetMemoryLimit(-1); got != 100<<20 {
		t.Errorf("limit %d after estimate 0, want 100 MiB", got)
	}
}

// PeakRSS sees memory this process touched: 64 MiB written raise it by at
// least that much.
func TestPeakRSS(t *testing.T) {
	before, err := PeakRSS()
	if err != nil {
		t.Skip(err) // not Linux
	}
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = 1
	}
	after, err := PeakRSS()
	if err != nil {
		t.Fatal(err)
	}
	if after < int64(len(b)) {
		t.Errorf("peak %s after writing 64 MiB (before %s)", MiB(after), MiB(before))
	}
	_ = b[len(b)-1]
}
