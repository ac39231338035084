//go:build !unix

package plot

import "testing"

// reportCPU is a no-op where getrusage is not available.
func reportCPU(*testing.B) func() { return func() {} }
