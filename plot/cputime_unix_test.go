//go:build unix

package plot

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds the process CPU time (user + system, all goroutines) per
// operation to a benchmark's output: on a shared machine it is steadier
// than the wall time, and it shows what concurrency buys. Call it right
// after b.ResetTimer and defer the result.
func reportCPU(b *testing.B) func() {
	t0 := cpuNow()
	return func() {
		b.ReportMetric(float64((cpuNow()-t0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	}
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
