package rundir

import (
	"strings"
	"testing"
)

// Byte sizes by hand: binary units are powers of 1024, decimal ones of 1000
// (IEC 80000-13); K/M/G/T alone are binary, as in `ulimit` and Slurm.
func TestParseBytesUnits(t *testing.T) {
	for s, want := range map[string]int64{
		"16GiB": 16 << 30, "16gib": 16 << 30, "500MB": 500e6, "500 mb": 500e6, "2e9": 2e9, "1 KiB": 1024, "3M": 3 << 20,
		"1.5K": 1536, "0.5KiB": 512, "7B": 7, "1": 1, "2T": 2 << 40, "1TB": 1e12, "1.5": 1, " 4G ": 4 << 30,
	} {
		if got, err := ParseBytes(s); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
}

// Every value that is not a positive, finite size of at least one byte and
// at most 1 EiB is an error that quotes it: before the fix NaN, Inf and
// overflowing values became a negative budget (no limit), 0.5 became 0 (no
// limit) and a bad unit was ignored ("12XB" read as 12 B).
func TestParseBytesRejects(t *testing.T) {
	for _, bad := range []string{
		"", " ", "abc", "-5GB", "0", "0B", "%", "nan", "NaN", "inf", "+Inf", "-inf", "infinity", "1e30", "1e19", "9e18",
		"0.5", "0.9B", "12XB", "12 XB", "5GiBfoo", "GiB", "1e-9", "0x10", "1_000", "2 e9", "nan%", "inf%", "0%", "-5%",
		"101%", "1e300%", "50%%", "--1", "1GiB GiB", "1.2.3",
	} {
		got, err := ParseBytes(bad)
		if err == nil {
			t.Errorf("ParseBytes(%q) = %d accepted", bad, got)
			continue
		}
		if !strings.Contains(err.Error(), "\""+strings.TrimSpace(bad)+"\"") && strings.TrimSpace(bad) != "" {
			t.Errorf("ParseBytes(%q): error %q does not quote the value", bad, err)
		}
	}
}

func TestParseBytesPercent(t *testing.T) {
	ram := TotalRAM()
	if ram == 0 {
		t.Skip("total RAM unknown on this system")
	}
	for s, frac := range map[string]float64{"50%": 0.5, "100%": 1, "0.5%": 0.005, " 80 % ": 0.8} {
		got, err := ParseBytes(s)
		if want := int64(frac * float64(ram)); err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
}
