package rundir

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// helperEnv makes the test binary act as an engram run that reserves the
// directory named by the variable, writes 3 MiB into it and waits to be
// killed.
const helperEnv = "ENGRAM_RUNDIR_HELPER"

func TestMain(m *testing.M) {
	if final := os.Getenv(helperEnv); final != "" {
		d, err := Create(final)
		if err != nil {
			os.Stdout.WriteString("error: " + err.Error() + "\n")
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(d.Path, "rec", "big.npy"), make([]byte, 3<<20), 0o644); err != nil {
			os.Exit(1)
		}
		os.Stdout.WriteString("ready " + d.Path + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startHelper starts a run process reserving final and returns it once the
// run has staged its files.
func startHelper(t *testing.T, final string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+final)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "ready ") {
		t.Fatalf("helper: %q %v", line, err)
	}
	return cmd, strings.TrimSpace(strings.TrimPrefix(line, "ready "))
}

// A run killed with SIGKILL leaves its staging directory; the next run in
// the same parent removes it because its owner is dead, and says so. A
// live run's staging directory is never removed, and a second run to the
// same target fails at Create, naming the live run. Before the fix the
// leftovers (one of 86 MB in issue 13) stayed for ever, unreported, and the
// second run simulated and failed only when committing.
func TestStagingOfKilledRunRemovedLiveOneKept(t *testing.T) {
	dir := t.TempDir()
	killed, stage := startHelper(t, filepath.Join(dir, "killed"))
	live, liveStage := startHelper(t, filepath.Join(dir, "live"))
	killed.Process.Signal(syscall.SIGKILL)
	killed.Wait()
	if _, err := os.Stat(filepath.Join(stage, "rec", "big.npy")); err != nil {
		t.Fatalf("the killed run left no staging directory to clean: %v", err)
	}
	// the killed run's target is free again, and its leftovers are gone
	d, err := Create(filepath.Join(dir, "killed"))
	if err != nil {
		t.Fatalf("reusing the killed run's target: %v", err)
	}
	found := false
	for _, n := range d.Notes {
		if strings.Contains(n, "removed the staging directory "+stage) && strings.Contains(n, "3.0 MiB") {
			found = true
		}
	}
	if !found {
		t.Errorf("notes %q do not report the removal of %s (3.0 MiB)", d.Notes, stage)
	}
	if _, err := os.Stat(filepath.Join(d.Path, "rec", "big.npy")); err == nil {
		t.Error("the new run inherited the killed run's files")
	}
	if _, err := os.Stat(filepath.Join(liveStage, "rec", "big.npy")); err != nil {
		t.Errorf("the live run's staging directory was touched: %v", err)
	}
	// a second run to the live run's target fails before doing anything
	_, err = Create(filepath.Join(dir, "live"))
	if err == nil || !strings.Contains(err.Error(), "another engram run (pid ") || !strings.Contains(err.Error(), "choose another --out") {
		t.Errorf("second run to a live run's target: %v", err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(d.Final, ownerFile)); err == nil {
		t.Error("owner record left in the committed run")
	}
	live.Process.Kill()
	live.Wait()
}

// Staging directories this host cannot judge are reported, not removed:
// another host's, one without owner record, an earlier version's.
func TestStagingUndecidableReported(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, ".x"+stagingSuffix)
	os.Mkdir(foreign, 0o755)
	b, _ := json.Marshal(owner{PID: 1, Host: "other-node-7", Started: time.Now()})
	os.WriteFile(filepath.Join(foreign, ownerFile), b, 0o644)
	bare := filepath.Join(dir, ".y"+stagingSuffix)
	os.Mkdir(bare, 0o755)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(bare, old, old)
	legacy := filepath.Join(dir, ".demo-20261127-1-tmp-123456")
	os.Mkdir(legacy, 0o755)
	os.WriteFile(filepath.Join(legacy, "x"), make([]byte, 2048), 0o644)
	d, err := Create(filepath.Join(dir, "new"))
	if err != nil {
		t.Fatal(err)
	}
	notes := strings.Join(d.Notes, "\n")
	for _, want := range []string{foreign + " belongs to a run on host other-node-7 (pid 1", bare + " (0 B) has no owner record; not removed",
		legacy + " (2.0 KiB) was left by an interrupted run of an earlier engram version"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, p := range []string{foreign, bare, legacy} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
	// and the foreign run's target is refused, naming the host
	if _, err := Create(filepath.Join(dir, "x")); err == nil || !strings.Contains(err.Error(), "host other-node-7") {
		t.Errorf("target staged on another host: %v", err)
	}
	d.Discard()
}

// A PID reused by another process does not keep a dead run's staging
// directory alive: the owner's recorded start time differs.
func TestStagingPIDReuse(t *testing.T) {
	ticks, ok := startTicks(os.Getpid())
	if !ok {
		t.Skip("no /proc on this system")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, ".r"+stagingSuffix)
	os.Mkdir(p, 0o755)
	host, _ := os.Hostname()
	b, _ := json.Marshal(owner{PID: os.Getpid(), Host: host, BootID: bootID(), StartTicks: ticks - 1, Started: time.Now()})
	os.WriteFile(filepath.Join(p, ownerFile), b, 0o644)
	d, err := Create(filepath.Join(dir, "r"))
	if err != nil || len(d.Notes) != 1 || !strings.Contains(d.Notes[0], "removed") {
		t.Fatalf("%v %q", err, d.Notes)
	}
	d.Discard()
}

// Runs without an explicit target started at the same moment get distinct
// directories (issue 13: five analyze calls in one second, four failed;
// Slurm array tasks lost results).
func TestCreateUniqueConcurrent(t *testing.T) {
	dir := t.TempDir()
	const n = 40
	var wg sync.WaitGroup
	finals := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			d, err := CreateUnique(dir, "pb-dms-20261203-141530-s1")
			if err == nil {
				finals[i] = d.Final
				os.WriteFile(filepath.Join(d.Path, "i"), []byte{byte(i)}, 0o644)
				err = d.Commit()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, f := range finals {
		if errs[i] != nil {
			t.Errorf("run %d: %v", i, errs[i])
			continue
		}
		if seen[f] {
			t.Errorf("name %s given twice", f)
		}
		seen[f] = true
		if b, err := os.ReadFile(filepath.Join(f, "i")); err != nil || b[0] != byte(i) {
			t.Errorf("run %d's file in %s: %v %v", i, f, b, err)
		}
	}
}

// A target filled by someone else during the run: Commit says what
// happened, leaves the other's files alone and keeps the results in a
// visible sibling (before the fix: "cannot replace empty …: directory not
// empty", and the results were deleted).
func TestCommitCollisionKeepsResults(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "run")
	d, err := Create(final)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(d.Path, "result.tsv"), []byte("42\n"), 0o644)
	os.Mkdir(final, 0o755)
	os.WriteFile(filepath.Join(final, "theirs"), []byte("x"), 0o644)
	err = d.Commit()
	if err == nil || !strings.Contains(err.Error(), "created and filled by another process during the run") || !strings.Contains(err.Error(), "results are kept in "+final+"-") {
		t.Fatalf("Commit: %v", err)
	}
	d.Discard() // what a caller does after a failed Commit: must not delete the results
	if b, err := os.ReadFile(filepath.Join(d.Path, "result.tsv")); err != nil || string(b) != "42\n" {
		t.Errorf("results not kept in %s: %v", d.Path, err)
	}
	if b, err := os.ReadFile(filepath.Join(final, "theirs")); err != nil || string(b) != "x" {
		t.Error("the other process's files were touched")
	}
	if !strings.HasPrefix(filepath.Base(d.Path), "run-") {
		t.Errorf("kept results in a hidden directory %s", d.Path)
	}
	// an empty directory at the target is replaced
	d2, err := Create(filepath.Join(dir, "empty"))
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(d2.Final, 0o755)
	if err := d2.Commit(); err != nil {
		t.Errorf("commit over an empty directory: %v", err)
	}
}
