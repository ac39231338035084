package rundir

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Dir is a run directory being written.
type Dir struct {
	// Final is where the run will live after Commit.
	Final string
	// Path is where files are written until Commit (the staging directory).
	Path string
	// Notes describe stale staging directories that Create removed, or
	// found and left alone, in Final's parent (for the caller to log; this
	// package never prints).
	Notes []string
	// kept is set when Commit failed and moved the results aside:
	// Discard leaves them.
	kept bool
}

const (
	stagingSuffix = ".engram-staging"
	ownerFile     = ".engram-owner.json"
)

// oldStaging matches the staging directories of engram before issue 13
// (os.MkdirTemp(parent, ".name-tmp-")), which carry no owner record.
var oldStaging = regexp.MustCompile(`^\..+-tmp-[0-9]+$`)

// owner is the record a staging directory carries.
type owner struct {
	PID        int       `json:"pid"`
	Host       string    `json:"host"`
	BootID     string    `json:"boot_id,omitempty"`
	StartTicks uint64    `json:"start_ticks,omitempty"` // /proc/<pid>/stat field 22
	Started    time.Time `json:"started"`
	Final      string    `json:"final"`
	// Keep marks the results of a run whose Commit failed: never removed.
	Keep bool `json:"keep,omitempty"`
}

func stagingPath(final string) string {
	return filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+stagingSuffix)
}

// ErrReserved is wrapped by the error of Create when the target is taken
// (an existing non-empty directory or another run's reservation).
var ErrReserved = errors.New("output directory taken")

// Create reserves final for a new run: final must not exist or be an empty
// directory, and no other live run may be staging it. It removes or
// reports stale staging directories next to it (Notes), creates the
// staging directory with its owner record and the standard
// subdirectories, and returns before anything is simulated.
func Create(final string) (*Dir, error) {
	final = filepath.Clean(final)
	if err := checkTarget(final); err != nil {
		return nil, err
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create output parent directory: %v", err)
	}
	d := &Dir{Final: final, Path: stagingPath(final)}
	d.Notes = cleanStale(parent)
	if err := os.Mkdir(d.Path, 0o755); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("output directory %s is not writable: %v", parent, err)
		}
		// cleanStale removed it if its owner was dead; it is someone's
		return nil, fmt.Errorf("output %s: %w: %s%s", final, ErrReserved, describeOwner(d.Path), notesSuffix(d.Notes))
	}
	if err := writeOwner(d.Path, final, false); err != nil {
		os.RemoveAll(d.Path)
		return nil, fmt.Errorf("output directory %s is not writable: %v", parent, err)
	}
	for _, sub := range []string{"rec", "res", "figs"} {
		if err := os.Mkdir(filepath.Join(d.Path, sub), 0o755); err != nil {
			os.RemoveAll(d.Path)
			return nil, fmt.Errorf("cannot create %s: %v", sub, err)
		}
	}
	// final may have been filled between the check and the reservation
	if err := checkTarget(final); err != nil {
		os.RemoveAll(d.Path)
		return nil, err
	}
	return d, nil
}

func notesSuffix(notes []string) string {
	if len(notes) == 0 {
		return ""
	}
	return "\n" + strings.Join(notes, "\n")
}

// CreateUnique creates a run directory parent/prefix-XXXXXX with a random
// suffix of 6 hex digits, drawing a new suffix when the name is taken.
func CreateUnique(parent, prefix string) (*Dir, error) {
	var err error
	var notes []string
	for range 16 {
		var d *Dir
		if d, err = Create(filepath.Join(parent, prefix+"-"+randomSuffix())); err == nil {
			d.Notes = append(notes, d.Notes...)
			return d, nil
		}
		if !errors.Is(err, ErrReserved) {
			return nil, err
		}
		if _, more, ok := strings.Cut(err.Error(), "\n"); ok { // what cleanStale did meanwhile
			notes = append(notes, strings.Split(more, "\n")...)
		}
	}
	return nil, err
}

func randomSuffix() string {
	var b [3]byte
	if _, err := rand.Read(b[:]); err != nil { // never fails on Linux
		return strconv.FormatInt(time.Now().UnixNano()%(1<<24), 16)
	}
	return hex.EncodeToString(b[:])
}

func checkTarget(final string) error {
	fi, err := os.Stat(final)
	if err != nil {
		return nil
	}
	if !fi.IsDir() {
		return fmt.Errorf("output %s exists and is not a directory: %w", final, ErrReserved)
	}
	ents, err := os.ReadDir(final)
	if err != nil {
		return fmt.Errorf("output %s: %v", final, err)
	}
	if len(ents) > 0 {
		return fmt.Errorf("output directory %s already exists and is not empty; choose another --out (nothing was changed): %w", final, ErrReserved)
	}
	return nil
}

// Commit moves the staged run into its final place (replacing an empty
// directory there). If that fails because the target was filled by
// someone else meanwhile, the results are moved to a visible sibling
// directory, and the error says where; they are never deleted.
func (d *Dir) Commit() error {
	// syscall.Rename, not os.Rename: os.Rename refuses any existing
	// directory, while rename(2) atomically replaces an empty one (and
	// fails on a non-empty one).
	if err := syscall.Rename(d.Path, d.Final); err != nil {
		what := fmt.Sprintf("cannot move the run into %s: %v", d.Final, err)
		if fi, serr := os.Stat(d.Final); serr == nil {
			if !fi.IsDir() {
				what = fmt.Sprintf("cannot move the run into %s: a file of that name was created during the run", d.Final)
			} else if ents, _ := os.ReadDir(d.Final); len(ents) > 0 {
				what = fmt.Sprintf("cannot move the run into %s: the directory was created and filled by another process during the run (it now holds %d entries, left untouched)", d.Final, len(ents))
			}
		}
		for range 16 {
			alt := d.Final + "-" + randomSuffix()
			if _, serr := os.Lstat(alt); serr == nil {
				continue
			}
			if os.Rename(d.Path, alt) == nil {
				os.Remove(filepath.Join(alt, ownerFile))
				d.Path, d.kept = alt, true
				return fmt.Errorf("%s; the run's results are kept in %s", what, alt)
			}
			break
		}
		_ = writeOwner(d.Path, d.Final, true) // never removed as stale
		d.kept = true
		return fmt.Errorf("%s; the run's results are kept in %s", what, d.Path)
	}
	os.Remove(filepath.Join(d.Final, ownerFile))
	d.Path = d.Final
	return nil
}

// KeepAs moves the staging directory of an unfinished run (one that saved
// a resumable state) to the visible path d.Final+suffix, replacing an
// older one there, and returns that path. The run is not committed: its
// target stays free for a complete run.
func (d *Dir) KeepAs(suffix string) (string, error) {
	alt := d.Final + suffix
	if err := os.RemoveAll(alt); err != nil {
		return "", fmt.Errorf("cannot replace %s: %v", alt, err)
	}
	if err := os.Rename(d.Path, alt); err != nil {
		return "", fmt.Errorf("cannot keep the interrupted run in %s: %v", alt, err)
	}
	os.Remove(filepath.Join(alt, ownerFile))
	d.Path, d.kept = alt, true
	return alt, nil
}

// Discard removes the staging directory (after a failed run); it does
// nothing after a Commit, successful or not (a failed Commit keeps the
// results).
func (d *Dir) Discard() {
	if d.Path != d.Final && !d.kept {
		os.RemoveAll(d.Path)
	}
}

func writeOwner(dir, final string, keep bool) error {
	host, _ := os.Hostname()
	o := owner{PID: os.Getpid(), Host: host, BootID: bootID(), Started: time.Now().UTC(), Final: final, Keep: keep}
	o.StartTicks, _ = startTicks(o.PID)
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ownerFile), append(b, '\n'), 0o644)
}

func readOwner(dir string) (*owner, error) {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return nil, err
	}
	var o owner
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

// liveness of an owner record
type liveness int

const (
	alive liveness = iota
	dead
	unknown // another host, or no way to tell
)

func (o *owner) liveness() liveness {
	host, _ := os.Hostname()
	if o.Host != host || o.PID <= 0 {
		return unknown
	}
	if b := bootID(); o.BootID != "" && b != "" && b != o.BootID {
		return dead // the machine rebooted since
	}
	if err := syscall.Kill(o.PID, 0); errors.Is(err, syscall.ESRCH) {
		return dead
	}
	if o.StartTicks != 0 {
		if t, ok := startTicks(o.PID); ok && t != o.StartTicks {
			return dead // the PID now belongs to another process
		}
	}
	return alive
}

func describeOwner(dir string) string {
	o, err := readOwner(dir)
	for i := 0; err != nil && i < 20; i++ { // its owner may be writing the record right now
		time.Sleep(5 * time.Millisecond)
		o, err = readOwner(dir)
	}
	if err != nil {
		return fmt.Sprintf("%s exists without an owner record (a run killed while starting?); remove it if no engram run is writing there", dir)
	}
	switch o.liveness() {
	case alive:
		return fmt.Sprintf("another engram run (pid %d, started %s) is writing it; choose another --out (nothing was changed)", o.PID, o.Started.Local().Format(time.DateTime))
	case unknown:
		return fmt.Sprintf("a run on host %s (pid %d, started %s) is staging it in %s; remove that directory if the run is dead", o.Host, o.PID, o.Started.Local().Format(time.DateTime), dir)
	}
	return fmt.Sprintf("%s belongs to a dead run that could not be removed", dir)
}

// cleanStale removes the staging directories in parent whose owner is a
// dead process on this host and describes what it removed and what it
// found but could not decide about.
func cleanStale(parent string) []string {
	ents, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	var notes []string
	for _, e := range ents {
		name := e.Name()
		if !e.IsDir() || !strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(parent, name)
		switch {
		case strings.HasSuffix(name, stagingSuffix):
			o, err := readOwner(p)
			switch {
			case err != nil:
				fi, serr := os.Stat(p)
				if serr == nil && time.Since(fi.ModTime()) > time.Minute { // not one being created right now
					notes = append(notes, fmt.Sprintf("stale staging directory %s (%s) has no owner record; not removed: delete it if no engram run is writing there", p, formatSize(dirSize(p))))
				}
			case o.Keep:
				notes = append(notes, fmt.Sprintf("%s holds the results of a run whose final move to %s failed (%s); not removed", p, o.Final, formatSize(dirSize(p))))
			case o.liveness() == dead:
				size := dirSize(p)
				if err := os.RemoveAll(p); err != nil {
					notes = append(notes, fmt.Sprintf("cannot remove the staging directory %s of a dead run (pid %d): %v", p, o.PID, err))
					continue
				}
				notes = append(notes, fmt.Sprintf("removed the staging directory %s of a run that died (pid %d, started %s, %s)", p, o.PID, o.Started.Local().Format(time.DateTime), formatSize(size)))
			case o.liveness() == unknown:
				notes = append(notes, fmt.Sprintf("staging directory %s belongs to a run on host %s (pid %d, started %s, %s); not removed: delete it if that run is dead", p, o.Host, o.PID, o.Started.Local().Format(time.DateTime), formatSize(dirSize(p))))
			}
		case oldStaging.MatchString(name):
			notes = append(notes, fmt.Sprintf("staging directory %s (%s) was left by an interrupted run of an earlier engram version; not removed: delete it if no such run is still going", p, formatSize(dirSize(p))))
		}
	}
	return notes
}

func dirSize(p string) int64 {
	var n int64
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func formatSize(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d B", b)
}

// bootID identifies the current boot of a Linux machine ("" elsewhere).
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// startTicks returns a process's start time in clock ticks after boot
// (field 22 of /proc/<pid>/stat), which tells a live process from a later
// one that reuses its PID.
func startTicks(pid int) (uint64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')') // the command name may hold spaces and ')'
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, false
	}
	t, err := strconv.ParseUint(f[19], 10, 64)
	return t, err == nil
}
