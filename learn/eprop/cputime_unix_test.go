//go:build unix

package eprop

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds the process CPU time (user + system) per operation to a
// benchmark's output: on a shared machine it is steadier than the wall
// time (bench/eprop/run.sh compares it with numpy's process time). Call it
// before the loop and defer the result.
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
