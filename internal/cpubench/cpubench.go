// Package cpubench adds the process CPU time per operation to Go
// benchmarks (the "cpu-ms/op" metric): on a shared machine it is steadier
// than the wall time, it shows what concurrency buys, and it is what the
// bench/ scripts compare with the reference tools' process times.
package cpubench

import "testing"

// Report starts measuring the process CPU time (user + system, all
// goroutines); the returned function adds it per operation to b's output.
// Call it right after b.ResetTimer and defer the result:
//
//	b.ResetTimer()
//	defer cpubench.Report(b)()
//
// Where the platform has no getrusage the metric is not reported.
func Report(b *testing.B) func() {
	t0, ok := cpuNow()
	return func() {
		if t1, ok1 := cpuNow(); ok && ok1 {
			b.ReportMetric(float64((t1-t0).Microseconds())/1e3/float64(b.N), "cpu-ms/op")
		}
	}
}
