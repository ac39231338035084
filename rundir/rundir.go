// Package rundir manages a run directory's life cycle and provenance.
//
// A run is built in a hidden staging directory next to its final place and
// renamed into place only when it succeeded, so a failed or interrupted run
// never leaves partial files in the target, and an existing directory is
// never overwritten:
//
//	d, err := rundir.Create("runs/mu-12")   // reserves runs/mu-12, stages in runs/.mu-12.engram-staging
//	for _, n := range d.Notes { log.Print(n) } // stale staging directories removed or found
//	... write into d.Path ...
//	err = d.Commit()   // or d.Discard() on failure
//
// Reservation is atomic and happens at the start: the staging directory's
// name is derived from the target, so a second run to the same target
// fails in Create (before it simulates anything) instead of at the end.
// CreateUnique picks a fresh name (prefix plus a random suffix, retried on
// collision) for runs without an explicit target, so runs started in the
// same second (Slurm array tasks, parallel `analyze` calls) never collide.
//
// The staging directory holds an owner record (.engram-owner.json: PID,
// host, boot id and process start time). Create removes the staging
// directories of the same parent whose owner is a dead process on this
// host, and reports, without touching them, those it cannot decide about
// (another host, no owner record, an earlier engram version's
// .name-tmp-NNN). A run whose Commit fails keeps its results in a visible
// sibling directory and says so.
//
// Layout: config.resolved.toml, provenance.json, rec/ (arrays, .npy/.npz),
// res/ (tables, .tsv), figs/ (.png, .svg, .tsv), report.html.
package rundir

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Version is engram's release version.
const Version = "0.1.0"

// Provenance is written as provenance.json.
type Provenance struct {
	Engram      string    `json:"engram_version"`
	Revision    string    `json:"vcs_revision,omitempty"`
	Modified    bool      `json:"vcs_modified,omitempty"`
	GoVersion   string    `json:"go_version"`
	OS          string    `json:"os"`
	Arch        string    `json:"arch"`
	Host        string    `json:"host"`
	CPUs        int       `json:"cpus"`
	Workers     int       `json:"workers"`
	Command     []string  `json:"command"`
	Experiment  string    `json:"experiment"`
	Seed        uint64    `json:"seed"`
	Started     time.Time `json:"started"`
	WallS       float64   `json:"wall_s"`
	CPUS        float64   `json:"cpu_s"`
	PeakRSSMiB  float64   `json:"peak_rss_mib"`
	MemEstimate int64     `json:"mem_estimate_bytes"`
	// MemBudget is the memory budget the run was checked against (0: none).
	MemBudget int64  `json:"mem_budget_bytes,omitempty"`
	Status    string `json:"status"`
	// Slurm holds the job and array task ids when the run is a Slurm job.
	Slurm *Slurm `json:"slurm,omitempty"`
}

// NewProvenance fills the static fields.
func NewProvenance(experimentName string, seed uint64, workers int) *Provenance {
	host, _ := os.Hostname()
	p := &Provenance{Engram: Version, GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH, Host: host,
		CPUs: runtime.NumCPU(), Workers: workers, Command: os.Args, Experiment: experimentName, Seed: seed, Started: time.Now().UTC()}
	p.Revision, p.Modified = VCS()
	p.Slurm = SlurmFromEnv(os.Getenv)
	return p
}

// VCS returns the VCS revision and dirty flag embedded by the Go toolchain.
func VCS() (rev string, modified bool) {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	return
}

// Finish records wall and CPU time and peak memory.
func (p *Provenance) Finish(status string) {
	p.WallS = time.Since(p.Started).Seconds()
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		p.CPUS = float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
		p.PeakRSSMiB = float64(ru.Maxrss) / 1024
	}
	p.Status = status
}

// Write stores p as JSON at path.
func (p *Provenance) Write(path string) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// TotalRAM returns the machine's physical memory in bytes (0 if unknown).
func TotalRAM() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
			return kb * 1024
		}
	}
	return 0
}

// MaxBytes is the largest size ParseBytes accepts (1 EiB): far above any
// machine, far below the int64 range, so no accepted size can overflow.
const MaxBytes = 1 << 60

// byteUnits are the accepted suffixes (matched case-insensitively, longest
// first): decimal kB/MB/GB/TB, binary KiB/MiB/GiB/TiB, and K/M/G/T alone as
// binary (as `ulimit`, Slurm and the JVM read them).
var byteUnits = []struct {
	suf string
	mul float64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"t", 1 << 40}, {"b", 1},
}

// ParseBytes reads a byte size: a decimal number with an optional unit
// ("16GiB", "500MB", "1.5K", "2e9", "7B"), or a percentage of the
// memory this process may use ("80%", in (0, 100]; MemoryLimit: RAM, the
// cgroup limit or the Slurm job's allocation). It is the one parser of
// byte sizes in engram (--mem-budget and every other size). The result is
// always in [1, MaxBytes]: NaN, infinities, zero, negative values, sizes
// below one byte or above MaxBytes, unknown units and trailing text are
// errors that quote s.
func ParseBytes(s string) (int64, error) {
	in := strings.TrimSpace(s)
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("bad byte size %q: %s (want e.g. 16GiB, 500MB, 2e9 or 80%%)", in, why)
	}
	if in == "" {
		return bad("empty")
	}
	if num, ok := strings.CutSuffix(in, "%"); ok {
		pct, err := parseDecimal(strings.TrimSpace(num))
		if err != nil {
			return bad(err.Error())
		}
		if !(pct > 0 && pct <= 100) {
			return bad("a percentage of RAM must be in (0, 100]")
		}
		ram, _ := MemoryLimit(os.Getenv)
		if ram == 0 {
			return 0, fmt.Errorf("byte size %q: cannot read the total RAM of this machine; give an absolute size", in)
		}
		return int64(pct / 100 * float64(ram)), nil
	}
	num, mul := in, 1.0
	lower := strings.ToLower(in)
	for _, u := range byteUnits {
		if strings.HasSuffix(lower, u.suf) {
			num, mul = strings.TrimSpace(in[:len(in)-len(u.suf)]), u.mul
			break
		}
	}
	v, err := parseDecimal(num)
	if err != nil {
		return bad(err.Error())
	}
	b := v * mul
	switch {
	case !(v > 0):
		return bad("must be > 0")
	case b < 1:
		return bad("less than one byte")
	case b > MaxBytes:
		return bad("larger than 1 EiB")
	}
	return int64(b), nil
}

// parseDecimal reads a finite decimal number (digits, one point, an
// optional exponent): no NaN, infinities, hex or underscores, which
// strconv.ParseFloat alone would accept.
func parseDecimal(s string) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("no number")
	}
	for _, r := range s {
		if !strings.ContainsRune("0123456789.eE+-", r) {
			return 0, fmt.Errorf("%q is not a decimal number", s)
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("%q is not a finite decimal number", s)
	}
	return v, nil
}
