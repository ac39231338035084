package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/engramsim/engram/runner"
	"github.com/engramsim/engram/store"
	"github.com/engramsim/engram/sweep"
)

// cliEnv makes the test binary act as the engram binary (for the point
// processes of a sweep and for tests of parallel processes).
const cliEnv = "ENGRAM_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(cliEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := newApp(os.Stdout, os.Stderr).execute(ctx, os.Args[1:])
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// cliCommand is the test binary run as engram.
func cliCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), cliEnv+"=1")
	return cmd
}

// lifSweep is a sweep of examples/lif-noise.toml (LIF neurons under white
// noise, whose rate has the Siegert closed form) over the mean input.
func lifSweep(t *testing.T, dir, extra string) string {
	t.Helper()
	base, err := filepath.Abs("../../examples/lif-noise.toml")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, "sweep.toml", "base = "+strconv.Quote(base)+"\n"+extra)
}

func readTable(t *testing.T, path string) ([]string, []map[string]string) {
	t.Helper()
	header, rows, err := store.ReadTSVRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows {
		m := map[string]string{}
		for i, h := range header {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return header, out
}

// A 3 × 2-seed sweep run 2 points at a time: one run directory per point,
// the table's rows hold the swept values and exactly the numbers of each
// point's res/summary.json, and the rates follow the Siegert formula's
// ordering (rates 2.9, 9.5, 19.6 Hz at μ = 12, 15, 18 mV for 1000 neurons:
// sweeps-slurm.md §2; tolerance 25 % for 200 neurons and 0.3 s).
func TestSweepLocalTable(t *testing.T) {
	t.Setenv(cliEnv, "1")
	dir := t.TempDir()
	file := lifSweep(t, dir, `repeats = 2
seed = 5
[set]
run.duration_ms = 300
run.transient_ms = 50
population.LIF.n = 200
[grid]
input.mu_mv = [12.0, 15.0, 18.0]
[report]
metrics = ["populations.LIF.rate_hz"]
`)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, "sweep", file, "--local", "2", "--out", out, "--engram", os.Args[0])
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	header, rows := readTable(t, filepath.Join(out, sweep.TableFile))
	if strings.Join(header[:4], " ") != "point run_dir input.mu_mv seed" || len(rows) != 6 {
		t.Fatalf("header %v, %d rows", header[:4], len(rows))
	}
	wantRate := map[string]float64{"12": 2.86, "15": 9.46, "18": 19.62}
	for i, r := range rows {
		if r["point"] != "p000"+strconv.Itoa(i) || r["run_dir"] != "points/p000"+strconv.Itoa(i) || r["seed"] != strconv.Itoa(5+i%2) {
			t.Errorf("row %d: %v", i, r)
		}
		f, err := runner.ReadSummaryFile(filepath.Join(out, r["run_dir"], runner.SummaryPath))
		if err != nil {
			t.Fatal(err)
		}
		if f.Seed != uint64(5+i%2) {
			t.Errorf("row %d: summary seed %d", i, f.Seed)
		}
		for _, m := range f.Metrics {
			if r[m.Name] != sweep.Cell(m.Value) {
				t.Errorf("row %d: %s = %q in the table, %v in the summary", i, m.Name, r[m.Name], m.Value)
			}
		}
		rate, _ := strconv.ParseFloat(r["populations.LIF.rate_hz"], 64)
		if w := wantRate[r["input.mu_mv"]]; rate < 0.75*w || rate > 1.25*w {
			t.Errorf("row %d: rate %v Hz at μ = %s mV, Siegert %v Hz", i, rate, r["input.mu_mv"], w)
		}
	}
	for _, f := range []string{"figs/populations.LIF.rate_hz.png", "figs/populations.LIF.rate_hz.svg", "figs/populations.LIF.rate_hz.tsv", "report.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	// --json of a run is res/summary.json plus where it is
	var obj map[string]any
	code, stdout, stderr = run(t, "run", filepath.Join(out, "points/p0000/config.resolved.toml"), "--json", "--quiet", "--out", filepath.Join(dir, "again"))
	if code != 0 || json.Unmarshal([]byte(stdout), &obj) != nil {
		t.Fatalf("rerun: %d %s", code, stderr)
	}
	for _, k := range []string{"experiment", "seed", "status", "metrics", "summary", "run_dir", "report"} {
		if _, ok := obj[k]; !ok {
			t.Errorf("--json lacks %s", k)
		}
	}
}

// A sweep interrupted by SIGTERM between points resumes: the finished
// points are not redone (their provenance is untouched), the rest run, and
// no staging directory is left.
func TestSweepInterruptedResumes(t *testing.T) {
	dir := t.TempDir()
	file := lifSweep(t, dir, `[set]
run.duration_ms = 1500
population.LIF.n = 500
[grid]
input.mu_mv = [12.0, 13.0, 14.0, 15.0]
`)
	out := filepath.Join(dir, "out")
	cmd := cliCommand("sweep", file, "--local", "1", "--out", out, "--workers", "1", "--engram", os.Args[0])
	var errb bytes.Buffer
	pr, pw, _ := os.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		errb.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "p0000 done") {
			break
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	go func() {
		for sc.Scan() {
		}
	}()
	err := cmd.Wait()
	if err == nil {
		t.Fatalf("interrupted sweep exited 0:\n%s", errb.String())
	}
	plan, rerr := sweep.ReadManifest(out)
	if rerr != nil {
		t.Fatal(rerr)
	}
	pending := sweep.Pending(out, plan)
	if !sweep.Complete(out, plan.Points[0]) || len(pending) == 0 {
		t.Fatalf("after the interrupt: %d pending (want p0000 complete, some pending)\n%s", len(pending), errb.String())
	}
	prov0, _ := os.ReadFile(filepath.Join(out, "points/p0000/provenance.json"))
	t.Setenv(cliEnv, "1")
	code, stdout, stderr := run(t, "sweep", file, "--local", "2", "--out", out, "--resume", "--engram", os.Args[0], "--workers", "2")
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "already complete") {
		t.Errorf("resume did not skip finished points:\n%s", stderr)
	}
	if p, _ := os.ReadFile(filepath.Join(out, "points/p0000/provenance.json")); !bytes.Equal(p, prov0) {
		t.Error("p0000 was redone")
	}
	if n := len(sweep.Pending(out, plan)); n != 0 {
		t.Errorf("%d points pending after --resume", n)
	}
	ents, _ := os.ReadDir(filepath.Join(out, "points"))
	if len(ents) != 4 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("points/ holds %v, want the 4 run directories", names)
	}
}

// Bad sweep input gets a clear error naming the file and key.
func TestSweepBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ body, want string }{
		{"[grid]\ninput.mu_mvv = [12.0]\n", `unknown key "input.mu_mvv" (did you mean "input.mu_mv"?)`},
		{"[grid]\ninput.mu_mv = []\n", "grid.input.mu_mv is an empty list"},
		{"", "empty design"},
		{"[set]\ninput.mu_mv = 3.0\n[grid]\ninput.mu_mv = [1.0]\n", "key input.mu_mv is given twice (in [set] and [grid])"},
		{"[grid]\n\"input.mu_mv\" = [1.0]\ninput.mu_mv = [2.0]\n", "key input.mu_mv is given twice"},
		{"[zip]\ninput.mu_mv = [1.0, 2.0]\ninput.sigma_mv = [1.0]\n", "[zip] lists must have equal lengths"},
		{"[grid]\ninput.mu_mv = [1.0, 1.0]\n", "lists 1.0 twice"},
		{"[random]\nn = 3\ninput.mu_mv = [5.0, 1.0]\n", "want lo < hi"},
		{"gird = 1\n", `unknown key "gird" (did you mean "grid"?)`},
		{"[slurm]\ncpus = 2\n[grid]\ninput.mu_mv = [1.0]\n", "unknown key slurm.cpus (did you mean slurm.cpus_per_task?)"},
	}
	for i, cs := range cases {
		file := lifSweep(t, dir, cs.body)
		code, _, stderr := run(t, "sweep", file, "--out", filepath.Join(dir, "o"+strconv.Itoa(i)))
		if code != 1 || !strings.Contains(stderr, cs.want) || !strings.Contains(stderr, "sweep.toml") {
			t.Errorf("%q: exit %d, %s; want %q", cs.body, code, stderr, cs.want)
		}
	}
	file := lifSweep(t, dir, "[grid]\ninput.mu_mv = [12.0]\n")
	code, _, stderr := run(t, "sweep", file, "--out", filepath.Join(dir, "nb"), "--engram", filepath.Join(dir, "no-such-engram"))
	if code != 1 || !strings.Contains(stderr, "no-such-engram is missing or not executable") {
		t.Errorf("missing binary: exit %d, %s", code, stderr)
	}
	code, _, stderr = run(t, "sweep", file, "--resume")
	if code != 1 || !strings.Contains(stderr, "--resume needs --out") {
		t.Errorf("--resume without --out: %d %s", code, stderr)
	}
}

// Random designs are reproducible from their seed and differ between seeds.
func TestSweepRandomSeeded(t *testing.T) {
	dir := t.TempDir()
	plans := map[string]*sweep.Plan{}
	for _, s := range []string{"7", "7", "8"} {
		file := lifSweep(t, dir, "[random]\nn = 5\nseed = "+s+"\ninput.mu_mv = [10.0, 20.0]\npopulation.LIF.n = [100, 200]\ninput.sigma_mv = [1.0, 2.0, 3.0]\n")
		p, err := sweep.Parse(file, registry())
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Points) != 5 {
			t.Fatalf("%d points", len(p.Points))
		}
		for _, pt := range p.Points {
			mu := pt.Values[0].Value.(float64)
			n := pt.Values[1].Value.(int64)
			if mu < 10 || mu > 20 || n < 100 || n > 200 {
				t.Errorf("draw out of range: %v", pt.Describe())
			}
		}
		if old, ok := plans[s]; ok && old.Points[3].Describe() != p.Points[3].Describe() {
			t.Errorf("seed %s: %s then %s", s, old.Points[3].Describe(), p.Points[3].Describe())
		}
		plans[s] = p
	}
	if plans["7"].Points[0].Describe() == plans["8"].Points[0].Describe() {
		t.Error("seeds 7 and 8 drew the same point")
	}
}

// 16 engram run processes started at once with the default output
// directory all succeed into 16 distinct run directories (issue 17: a
// Slurm array lost 2 of 4 results to colliding default names).
func TestSixteenParallelRunProcesses(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "tiny.toml", tinyDMS)
	const n = 16
	var wg sync.WaitGroup
	outs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			cmd := cliCommand("run", cfg, "--quiet", "--json", "--workers", "1")
			cmd.Dir = dir
			var se bytes.Buffer
			cmd.Stderr = &se
			b, err := cmd.Output()
			var res struct {
				RunDir string `json:"run_dir"`
			}
			if err == nil {
				err = json.Unmarshal(b, &res)
			}
			if err != nil {
				errs[i] = err
				t.Logf("process %d: %s", i, se.String())
			}
			outs[i] = res.RunDir
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil || seen[outs[i]] {
			t.Errorf("process %d: %v (dir %q)", i, errs[i], outs[i])
		}
		seen[outs[i]] = true
		if _, err := os.Stat(filepath.Join(dir, outs[i], runner.SummaryPath)); err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, "runs")); len(ents) != n {
		t.Errorf("runs/ holds %d entries, want %d", len(ents), n)
	}
}
