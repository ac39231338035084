// Package memlimit makes the memory estimate of an experiment an upper
// bound of its peak resident memory, and measures that peak.
//
// An estimate that counts what a run allocates is a bound of its live heap,
// not of its resident memory: the Go garbage collector lets the heap grow
// to about twice the live heap before it collects (GOGC = 100), so every
// temporary array adds to the peak until the next collection (pb-dms,
// N = 50 000: 177 MB live after the build, 240 MB of heap before the
// collection that found it, 252 MB peak RSS, against an estimate of
// 204 MiB). Apply hands the estimate to the runtime as its soft memory
// limit (runtime/debug.SetMemoryLimit), so the collector runs before
// garbage takes the process above it; the estimate then bounds the peak
// as long as it counts the live heap at every moment of the run.
//
// Typical use, at the top of an experiment's Run:
//
//	defer memlimit.Apply(c.EstimateBytes())()
//
// PeakRSS reads the process's high-water mark of resident memory;
// CheckEstimate runs a test's experiment in a fresh process and holds an
// estimate against its peak.
package memlimit

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/report"
)

// RuntimeBytes is the part of an estimate that is not the experiment's
// data: the binary's resident text and data, the runtime's own heap,
// goroutine stacks and allocator metadata (about 1 % of the heap), and
// the headroom binaryBytes below (see Apply). `engram version` peaks at
// 10 MB (VmHWM), a pb-dms run of N = 3000 at 33 MiB, figures included.
const RuntimeBytes = 40 << 20

// binaryBytes is how far below the estimate Apply sets the runtime's
// limit. The limit counts only memory the Go runtime maps, not the
// executable's resident pages (6–7 MB of a test binary or of engram), and
// the runtime lets its total pass the limit for a moment when a large
// allocation arrives while garbage is still held (measured up to 6 MiB:
// pb-load, N = 20 000, p = 140, a fresh network per realisation). With
// 8 MiB of headroom the peaks came within 3–6 MiB of the estimate and
// once 0.8 MiB above it; 24 MiB covers both with room.
const binaryBytes = 24 << 20

// Apply sets the Go runtime's soft memory limit so that the process stays
// within estimate bytes of resident memory, and returns a function that
// restores the previous limit. It never raises a limit already set (by
// GOMEMLIMIT or a caller). estimate ≤ 0 leaves the limit alone.
func Apply(estimate int64) (restore func()) {
	prev := debug.SetMemoryLimit(-1)
	if estimate <= binaryBytes {
		return func() {}
	}
	limit := estimate - binaryBytes
	if limit >= prev {
		return func() {}
	}
	debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(prev) }
}

// PeakRSS returns the process's peak resident set size in bytes: VmHWM of
// /proc/self/status (Linux). It is the high-water mark of this process's
// own address space; getrusage's ru_maxrss is not used because after a
// fork + exec it includes the high-water mark of the parent's address
// space, which the child shared until exec (Linux keeps the maximum
// across exec).
func PeakRSS() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("memlimit: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			f := strings.Fields(v) // "123456 kB"
			if len(f) != 2 || f[1] != "kB" {
				break
			}
			kb, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				break
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("memlimit: no VmHWM in /proc/self/status")
}

// childEnv names the test a re-executed test binary runs as a child.
const childEnv = "ENGRAM_MEMLIMIT_CHILD"

// peakPrefix starts the line on which a child reports its peak.
const peakPrefix = "memlimit: peak-rss-bytes "

// TB is the part of testing.TB that CheckEstimate uses.
type TB interface {
	Helper()
	Name() string
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// MaxLooseness and MaxSlackBytes say how far above the measured peak an
// estimate may be before CheckEstimate calls it useless as a budget check:
// more than MaxLooseness × the peak and more than MaxSlackBytes above it.
// Estimates count allocations at their bound (all synapses at +6 SD, 10 %
// padding of the tiled matrix, the rendering buffers of every figure) and
// RuntimeBytes, so a small run sits tens of MiB above its peak, a large one
// close to it.
const (
	MaxLooseness  = 2.0
	MaxSlackBytes = 48 << 20
)

// CheckEstimate holds estimate against the peak resident memory of run:
// it re-executes the test binary for the calling test alone (a fresh
// process, so nothing allocated by other tests counts), where run gets an
// Env with a temporary run directory, 2 workers and a report, which is
// rendered to report.html afterwards as the CLI does. It fails the test
// if the child fails, if the peak exceeds estimate, or if estimate is
// looser than MaxLooseness and MaxSlackBytes allow. In the child itself (the same test, started by
// CheckEstimate) it runs run and reports the peak on stdout.
func CheckEstimate(t TB, estimate int64, run func(env *experiment.Env) error) {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		dir, err := os.MkdirTemp("", "memlimit-")
		if err != nil {
			t.Fatalf("%v", err)
		}
		defer os.RemoveAll(dir)
		env := &experiment.Env{Dir: dir, Seed: 1, Workers: 2, Report: report.New("memlimit")}
		if err := run(env); err != nil {
			t.Fatalf("run: %v", err)
		}
		if err := env.Report.WriteFile(filepath.Join(dir, "report.html")); err != nil {
			t.Fatalf("report: %v", err)
		}
		p, err := PeakRSS()
		if err != nil {
			t.Fatalf("%v", err)
		}
		fmt.Printf("%s%d\n", peakPrefix, p)
		return
	}
	peak, out, err := measureChild(t.Name())
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("peak RSS %s, estimate %s (%.2f × the peak)", MiB(peak), MiB(estimate), float64(estimate)/float64(peak))
	if peak > estimate {
		t.Errorf("peak RSS %s exceeds the estimate %s by %s", MiB(peak), MiB(estimate), MiB(peak-estimate))
	}
	if float64(estimate) > MaxLooseness*float64(peak) && estimate-peak > MaxSlackBytes {
		t.Errorf("estimate %s is more than %g × and %s above the peak RSS %s", MiB(estimate), MaxLooseness, MiB(MaxSlackBytes), MiB(peak))
	}
}

// measureChild re-executes the running test binary for the single test
// (or subtest) name and returns the peak resident memory it reported.
func measureChild(name string) (int64, string, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, "", err
	}
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	cmd := exec.Command(exe, "-test.run="+strings.Join(parts, "/"), "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, string(out), fmt.Errorf("memlimit: child %s: %w", name, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), peakPrefix); ok {
			p, err := strconv.ParseInt(v, 10, 64)
			return p, string(out), err
		}
	}
	return 0, string(out), fmt.Errorf("memlimit: child %s reported no peak", name)
}

// MiB formats bytes in MiB.
func MiB(b int64) string { return strconv.FormatFloat(float64(b)/(1<<20), 'f', 1, 64) + " MiB" }
