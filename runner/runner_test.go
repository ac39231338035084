package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbdms"
)

// helperEnv makes the test binary one run process: Execute with a default
// name under the directory the variable names, at a fixed clock, so that
// every helper's default name has the same time part.
const helperEnv = "ENGRAM_RUNNER_HELPER"

var fixedNow = func() time.Time { return time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC) }

func TestMain(m *testing.M) {
	if parent := os.Getenv(helperEnv); parent != "" {
		res, err := Execute(context.Background(), Spec{Name: "t", Seed: 7}, Options{Parent: parent, Workers: 1, Now: fixedNow}, trivial)
		if err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.WriteString(res.Dir + "\n")
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func trivial(env *experiment.Env) (experiment.Summary, error) {
	time.Sleep(20 * time.Millisecond)
	return experiment.Summary{"rate_hz": map[string]any{"E": 3.5, "E_stderr": 0.25}, "n": 3, "bad": math.NaN(), "inf": math.Inf(-1), "gone": nil, "label": "x", "arr": []float64{1, 2}}, nil
}

// Two runs started in the same second with default names both succeed
// (issue 17: a Slurm array lost 2 of 4 results to colliding names).
func TestSameSecondDefaultNamesBothSucceed(t *testing.T) {
	parent := t.TempDir()
	var wg sync.WaitGroup
	res := make([]*Result, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			res[i], errs[i] = Execute(context.Background(), Spec{Name: "t", Seed: 1}, Options{Parent: parent, Workers: 1, Now: fixedNow}, trivial)
		})
	}
	wg.Wait()
	for i := range 2 {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if !strings.HasPrefix(filepath.Base(res[i].Dir), "t-20261204-120000-s1-") {
			t.Errorf("run %d: dir %s", i, res[i].Dir)
		}
	}
	if res[0].Dir == res[1].Dir {
		t.Fatalf("both runs got %s", res[0].Dir)
	}
}

// 16 processes started at once into one parent, all with the same time
// part of their default name, all commit, into 16 distinct directories
// each with its summary.
func TestSixteenProcessesLoseNothing(t *testing.T) {
	parent := t.TempDir()
	const n = 16
	var wg sync.WaitGroup
	outs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+parent)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			outs[i] = strings.TrimSpace(string(out))
			if err != nil {
				errs[i] = errors.New(err.Error() + ": " + stderr.String())
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Errorf("process %d: %v", i, errs[i])
			continue
		}
		if seen[outs[i]] {
			t.Errorf("process %d: %s reused", i, outs[i])
		}
		seen[outs[i]] = true
		if _, err := ReadSummaryFile(filepath.Join(outs[i], SummaryPath)); err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	ents, _ := os.ReadDir(parent)
	if len(ents) != n {
		t.Errorf("%d entries in the parent, want %d (no staging leftovers)", len(ents), n)
	}
}

// res/summary.json has the fixed schema: NaN and -Inf as strings, a null
// leaf as a null value, strings/arrays not metrics, and the nested
// summary with non-finite numbers as null; it reads back identically.
func TestSummaryFileSchema(t *testing.T) {
	res, err := Execute(context.Background(), Spec{Name: "t", Seed: 9}, Options{Out: filepath.Join(t.TempDir(), "r"), Workers: 1}, trivial)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(res.Dir, SummaryPath))
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Experiment string           `json:"experiment"`
		Seed       uint64           `json:"seed"`
		Status     string           `json:"status"`
		Metrics    []map[string]any `json:"metrics"`
		Summary    map[string]any   `json:"summary"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Experiment != "t" || raw.Seed != 9 || raw.Status != "ok" {
		t.Errorf("header %+v", raw)
	}
	want := map[string]any{"bad": "NaN", "gone": nil, "inf": "-Inf", "n": 3.0, "rate_hz.E": 3.5, "rate_hz.E_stderr": 0.25}
	var names []string
	for _, m := range raw.Metrics {
		name := m["name"].(string)
		names = append(names, name)
		if name == "wall_s" {
			continue
		}
		wantSE := any(nil)
		if name == "rate_hz.E" {
			wantSE = 0.25 // from the sibling rate_hz.E_stderr
		}
		if m["value"] != want[name] || m["stderr"] != wantSE || m["unit"] != "" || m["method"] != "" {
			t.Errorf("metric %v, want value %v", m, want[name])
		}
	}
	if strings.Join(names, " ") != "bad gone inf n rate_hz.E rate_hz.E_stderr wall_s" {
		t.Errorf("metric names %v", names)
	}
	if raw.Summary["bad"] != nil || raw.Summary["label"] != "x" || raw.Summary["rate_hz"].(map[string]any)["E"] != 3.5 {
		t.Errorf("nested summary %v", raw.Summary)
	}
	f, err := ReadSummaryFile(filepath.Join(res.Dir, SummaryPath))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Metric{}
	for _, m := range f.Metrics {
		got[m.Name] = m
	}
	if !math.IsNaN(got["bad"].Value) || !math.IsInf(got["inf"].Value, -1) || !got["gone"].Missing || got["n"].Value != 3 || !math.IsNaN(got["n"].Stderr) {
		t.Errorf("read back %+v", got)
	}
}

// Resolve applies defaults ← file ← --set ← seed, and names the file in
// its errors; a failed run leaves no directory.
func TestResolveAndFailedRun(t *testing.T) {
	reg := experiment.NewRegistry()
	reg.Add(pbdms.Def(pbdms.PaperDefaults))
	seed := uint64(42)
	_, cfg, err := Resolve(reg, "x.toml", []byte("experiment = \"pb-dms\"\n[network]\nn = 3000\n"), ResolveOptions{Sets: []string{"network.p=7"}, Seed: &seed})
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.(*pbdms.Config)
	if c.Network.N != 3000 || c.Network.P != 7 || c.SeedValue() != 42 {
		t.Errorf("resolved %+v", c.Network)
	}
	if _, _, err := Resolve(reg, "x.toml", []byte("experiment = \"pb-dms\"\n"), ResolveOptions{Sets: []string{"network.pp=7"}}); err == nil || !strings.Contains(err.Error(), `did you mean "network.p"`) {
		t.Errorf("unknown key: %v", err)
	}
	if _, _, err := Resolve(reg, "x.toml", []byte("[network]\n"), ResolveOptions{}); err == nil || !strings.Contains(err.Error(), "x.toml: missing top-level key experiment") {
		t.Errorf("no experiment: %v", err)
	}
	out := filepath.Join(t.TempDir(), "r")
	_, err = Execute(context.Background(), Spec{Name: "t"}, Options{Out: out}, func(*experiment.Env) (experiment.Summary, error) { return nil, errors.New("boom") })
	if err == nil || err.Error() != "t: boom" {
		t.Errorf("failed run: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
		t.Errorf("a failed run left %v", ents)
	}
}
