package experiment

import (
	"math"
	"strings"
	"testing"
)

func TestSaturateBytesAndCheckMemory(t *testing.T) {
	for in, want := range map[float64]int64{0: 0, 1.5: 1, 1e18: 1e18, 1e19: math.MaxInt64, math.Inf(1): math.MaxInt64, math.NaN(): math.MaxInt64, -3: 0} {
		if got := SaturateBytes(in); got != want {
			t.Errorf("SaturateBytes(%v) = %d, want %d", in, got, want)
		}
	}
	e := &Env{MemBudget: 1 << 30}
	if err := e.CheckMemory(-5, "run"); err == nil || !strings.Contains(err.Error(), "overflowed") {
		t.Errorf("negative estimate: %v", err)
	}
	if err := e.CheckMemory(math.MaxInt64, "run"); err == nil || !strings.Contains(err.Error(), "above the budget") {
		t.Errorf("saturated estimate: %v", err)
	}
	if err := (&Env{}).CheckMemory(-1, "run"); err == nil {
		t.Error("negative estimate accepted without a budget")
	}
	if err := e.CheckMemory(1<<20, "run"); err != nil {
		t.Error(err)
	}
}
