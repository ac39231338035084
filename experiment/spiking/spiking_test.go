package spiking

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/model/spike"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
)

func newEnv(t *testing.T) *experiment.Env {
	dir := t.TempDir()
	return &experiment.Env{Dir: dir, Seed: 1, Workers: 1, Report: report.New("test")}
}

// TestLIFNoiseRun runs the default (lif-noise) config briefly and checks the
// summary against the Siegert rate (9.4608 Hz at μ = 15, σ = 5 mV; spec §3)
// within 5 % (200 neurons × 1 s ≈ 1900 spikes: statistical SE ≈ 2 %).
func TestLIFNoiseRun(t *testing.T) {
	c := Defaults()
	c.Population[0].N = 200
	c.Run.DurationMs = 1000
	env := newEnv(t)
	sum, err := RunExperiment(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	ps := sum["populations"].(map[string]any)["LIF"].(map[string]any)
	rate, nu := ps["rate_hz"].(float64), ps["siegert_rate_hz"].(float64)
	if math.Abs(nu-9.46079980576) > 1e-6 {
		t.Errorf("Siegert prediction %v", nu)
	}
	if math.Abs(rate-nu) > 0.05*nu {
		t.Errorf("rate %v Hz, Siegert %v Hz", rate, nu)
	}
	if cv := ps["cv_isi"].(float64); cv < 0.6 || cv > 1.0 { // Siegert-theory CV at this point: 0.815
		t.Errorf("CV %v", cv)
	}
	for _, f := range []string{"rec/spikes.npy", "rec/rates_hz.npy", "rec/state_v_LIF.npy", "figs/raster.png", "figs/cv_hist.png"} {
		if _, err := os.Stat(filepath.Join(env.Dir, f)); err != nil {
			t.Error(err)
		}
	}
	if sum["steps"].(int64) != 12000 {
		t.Errorf("steps %v", sum["steps"])
	}
	// The online statistics equal model/spike's offline estimators applied
	// to the streamed spikes.
	a, err := store.ReadNPY(filepath.Join(env.Dir, "rec", "spikes.npy"))
	if err != nil {
		t.Fatal(err)
	}
	var sp spike.Spikes
	for k := 0; k < a.Shape[0]; k++ {
		sp.Step = append(sp.Step, int64(a.Data[2*k]))
		sp.ID = append(sp.ID, int32(a.Data[2*k+1]))
	}
	cv, fano := spike.MeanFinite(spike.CVISIs(&sp, 200)), spike.FanoFactor(&sp, 200, 0, 10000, 1000)
	if math.Abs(cv-ps["cv_isi"].(float64)) > 1e-12 || math.Abs(fano-ps["fano"].(float64)) > 1e-12 {
		t.Errorf("online CV %v / Fano %v differ from offline %v / %v", ps["cv_isi"], ps["fano"], cv, fano)
	}
}

// TestBadInput: invalid configs are rejected with the key in the message and
// leave nothing in the run directory.
func TestBadInput(t *testing.T) {
	cases := []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Projection[0].P = 1.5 }, "p = 1.5 outside [0, 1]"},
		{func(c *Config) { c.Population[0].Neuron.TauMMs = -5 }, "tau_m_ms"},
		{func(c *Config) { c.Projection[1].DelayMs = 0.01 }, "delay_ms"},
		{func(c *Config) { c.Projection[2].Pre = "Z" }, "unknown population"},
		{func(c *Config) { c.Record.Spikes = "some" }, "record.spikes"},
		{func(c *Config) { c.Run.DurationMs = 0 }, "run.duration_ms"},
	}
	for _, tc := range cases {
		c, _ := PresetConfig("coba")
		tc.edit(c)
		env := newEnv(t)
		_, err := RunExperiment(context.Background(), c, env)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("want %q, got %v", tc.want, err)
		}
		if ents, _ := os.ReadDir(env.Dir); len(ents) != 0 {
			t.Errorf("%q: run directory not empty after the error", tc.want)
		}
	}
	c, _ := PresetConfig("coba")
	env := newEnv(t)
	env.MemBudget = 1 << 20
	if _, err := RunExperiment(context.Background(), c, env); err == nil || !strings.Contains(err.Error(), "budget") {
		t.Errorf("memory budget not enforced: %v", err)
	}
}

// TestExamplesDecode: every examples/ preset of this experiment decodes
// strictly (no unknown keys) into Config and validates.
func TestExamplesDecode(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*.toml")
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `experiment = "spiking"`) {
			continue
		}
		n++
		var raw struct {
			Experiment string `toml:"experiment"`
			Config
		}
		raw.Config = *Defaults()
		raw.Population, raw.Projection = nil, nil
		raw.Input = Input{}
		md, err := toml.Decode(string(b), &raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if u := md.Undecoded(); len(u) > 0 {
			t.Errorf("%s: unknown keys %v", f, u)
		}
		if err := raw.Config.Validate(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if n < 5 {
		t.Errorf("found %d spiking examples", n)
	}
}

// TestWorkersIdenticalOutput: the coba preset run with 1 and 2 workers
// writes byte-identical spike files and equal statistics.
func TestWorkersIdenticalOutput(t *testing.T) {
	for _, name := range []string{"coba", "coba-stdp"} {
		var files, wfiles [2][]byte
		var rates [2]any
		for w := 1; w <= 2; w++ {
			c, _ := PresetConfig(name)
			c.Run.DurationMs, c.Run.TransientMs = 200, 50
			env := newEnv(t)
			env.Workers = w
			sum, err := RunExperiment(context.Background(), c, env)
			if err != nil {
				t.Fatal(err)
			}
			files[w-1], _ = os.ReadFile(filepath.Join(env.Dir, "rec", "spikes.npy"))
			wfiles[w-1], _ = os.ReadFile(filepath.Join(env.Dir, "rec", "weights_E-E_250ms.npz"))
			rates[w-1] = sum["populations"].(map[string]any)["E"].(map[string]any)["rate_hz"]
		}
		if len(files[0]) < 1000 || string(files[0]) != string(files[1]) || rates[0] != rates[1] {
			t.Errorf("%s: outputs differ between 1 and 2 workers (%d vs %d bytes; rates %v vs %v)", name, len(files[0]), len(files[1]), rates[0], rates[1])
		}
		if name == "coba-stdp" && (len(wfiles[0]) < 1000 || string(wfiles[0]) != string(wfiles[1])) {
			t.Errorf("%s: final weights differ between 1 and 2 workers (%d vs %d bytes)", name, len(wfiles[0]), len(wfiles[1]))
		}
	}
}

func TestCheckpointResume(t *testing.T) {
	for _, name := range []string{"coba", "coba-stdp"} {
		mk := func() *Config {
			c, _ := PresetConfig(name)
			c.Run.TransientMs = 0
			return c
		}
		full := mk()
		full.Run.TransientMs, full.Run.DurationMs = 150, 150
		envFull := newEnv(t)
		if _, err := RunExperiment(context.Background(), full, envFull); err != nil {
			t.Fatal(err)
		}
		first := mk()
		first.Run.DurationMs, first.Run.Checkpoint = 150, true
		envA := newEnv(t)
		if _, err := RunExperiment(context.Background(), first, envA); err != nil {
			t.Fatal(err)
		}
		second := mk()
		second.Run.DurationMs, second.Run.ResumeFrom = 150, filepath.Join(envA.Dir, "rec", "checkpoint.gob")
		envB := newEnv(t)
		if _, err := RunExperiment(context.Background(), second, envB); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(filepath.Join(envFull.Dir, "rec", "spikes.npy"))
		b, _ := os.ReadFile(filepath.Join(envB.Dir, "rec", "spikes.npy"))
		if len(a) < 1000 || string(a) != string(b) {
			t.Errorf("%s: resumed spikes differ (%d vs %d bytes)", name, len(a), len(b))
		}
		if name == "coba-stdp" {
			wa, _ := os.ReadFile(filepath.Join(envFull.Dir, "rec", "weights_E-E_300ms.npz"))
			wb, _ := os.ReadFile(filepath.Join(envB.Dir, "rec", "weights_E-E_300ms.npz"))
			if len(wa) < 1000 || string(wa) != string(wb) {
				t.Errorf("%s: resumed final weights differ (%d vs %d bytes)", name, len(wa), len(wb))
			}
			// a checkpoint of the plastic run is refused by the static network
			other, _ := PresetConfig("coba")
			other.Run.DurationMs, other.Run.ResumeFrom = 10, second.Run.ResumeFrom
			if _, err := RunExperiment(context.Background(), other, newEnv(t)); err == nil || !strings.Contains(err.Error(), "checkpoint") {
				t.Errorf("checkpoint of another network accepted: %v", err)
			}
		}
		bad := mk()
		bad.Run.ResumeFrom = filepath.Join(envA.Dir, "nope.gob")
		if _, err := RunExperiment(context.Background(), bad, newEnv(t)); err == nil || !strings.Contains(err.Error(), "run.resume_from") {
			t.Errorf("missing checkpoint: %v", err)
		}
	}
}

// TestScheduleIsTheEngines: the schedule describe prints (Config.Schedule)
// lists, entry for entry and in order, what the engine runs
// (res/schedule.txt, written from the built network's Net.ScheduleText
// after the monitors are attached), for a static and a plastic network.
// The entries' names and phases must agree; their detail lines may differ
// where the run knows more (file paths, resolved ids).
func TestScheduleIsTheEngines(t *testing.T) {
	for _, name := range []string{"coba", "brunel-ai"} {
		c, _ := PresetConfig(name)
		c.Run.DurationMs, c.Run.TransientMs = 5, 1
		if name == "coba" {
			c.Projection[0].Plasticity = []spike.RuleSpec{{Rule: spike.RulePair, WMax: 1.2}}
		}
		env := newEnv(t)
		if _, err := RunExperiment(context.Background(), c, env); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(env.Dir, "res", "schedule.txt"))
		if err != nil {
			t.Fatal(err)
		}
		heads := func(text string) []string { // the numbered entry lines
			var out []string
			for _, l := range strings.Split(text, "\n") {
				l = strings.TrimPrefix(l, "# ")
				if len(l) > 2 && l[1] >= '0' && l[1] <= '9' && l[2] == ' ' { // "%2d phase name", not a detail line
					out = append(out, l)
				}
			}
			return out
		}
		got, want := heads(c.Schedule()), heads(string(b))
		if len(want) < 6 || !slices.Equal(got, want) {
			t.Errorf("%s: describe's schedule differs from the engine's:\n%s\nengine:\n%s", name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestPlasticRunOutputs: examples/coba-stdp.toml (shortened) writes the
// initial, the requested and the final weight snapshots as scipy CSR
// (N_pre, N_post) files holding the network's weights (initial: all
// w_e = 0.6), the weight statistics whose "all" rows are the exact means,
// a summary with the synapse count and weights, and a populations
// table that names its populations.
func TestPlasticRunOutputs(t *testing.T) {
	c, err := loadExample(t, "coba-stdp", "run.duration_ms=300", "run.transient_ms=50", "record.weights_at_ms=[100.0]", "record.weight_stats=4")
	if err != nil {
		t.Fatal(err)
	}
	env := newEnv(t)
	sum, err := RunExperiment(context.Background(), c, env)
	if err != nil {
		t.Fatal(err)
	}
	rec := filepath.Join(env.Dir, "rec")
	first, err := store.ReadCSRNPZ(filepath.Join(rec, "weights_E-E_0ms.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if first.NRows != 3200 || first.NCols != 3200 {
		t.Fatalf("snapshot shape %d×%d", first.NRows, first.NCols)
	}
	for _, w := range first.Data {
		if w != float32(0.6) {
			t.Fatalf("initial weight %v, want 0.6", w)
		}
	}
	last, err := store.ReadCSRNPZ(filepath.Join(rec, "weights_E-E_350ms.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(rec, "weights_E-E_100ms.npz")); err != nil {
		t.Error(err)
	}
	var s, n float64
	changed := 0
	for k, w := range last.Data {
		s += float64(w)
		n++
		if w != first.Data[k] {
			changed++
		}
		if last.Indices[k] != first.Indices[k] {
			t.Fatal("structure changed between snapshots")
		}
	}
	ws := sum["weights"].(map[string]any)["E→E"].(map[string]any)
	if math.Abs(s/n-ws["mean_final"].(float64)) > 1e-9 || changed < len(last.Data)/2 {
		t.Errorf("final snapshot mean %v vs summary %v; %d of %d weights changed", s/n, ws["mean_final"], changed, len(last.Data))
	}
	h, rows, err := store.ReadTSVRecords(filepath.Join(env.Dir, "res", "weight_stats.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var alls []string
	for _, r := range rows {
		if r[slices.Index(h, "group")] == "all" {
			alls = append(alls, r[slices.Index(h, "mean")])
		}
	}
	if len(alls) != 4 { // initial + weight_stats − 1 = 3 more
		t.Errorf("%d 'all' rows in weight_stats.tsv, want 4", len(alls))
	}
	if sum["synapses"] == nil || sum["weights"] == nil {
		t.Errorf("summary lacks synapses or weights: %v", sum)
	}
	ph, prow, err := store.ReadTSVRecords(filepath.Join(rec, "populations.tsv"))
	if err != nil || !slices.Equal(ph, []string{"population_index", "name", "offset", "n", "sign", "model"}) || prow[1][1] != "I" {
		t.Errorf("populations.tsv: %v %v %v", ph, prow, err)
	}
}

// TestDescribeModelFields: printed configs show only the neuron fields of
// each population's model (no AdEx knobs for a LIF population, issue 13),
// and reading the printed config back gives a network whose checkpoint
// the original accepts (the omitted fields cannot matter).
func TestDescribeModelFields(t *testing.T) {
	c, _ := PresetConfig("coba")
	c.Population[1].Neuron.Model = spike.AdEx
	txt := config.Format(c, "spiking")
	e := txt[:strings.Index(txt, `name = "I"`)]
	for _, k := range []string{"adapt_b_mv", "tau_adapt_ms", "beta_mv", "delta_t_mv", "rate_hz", "nmda_fraction", "tau_threshold_ms"} {
		if strings.Contains(e, k+" =") {
			t.Errorf("LIF population prints %s", k)
		}
	}
	for _, k := range []string{"e_rev_i_mv", "tau_syn_e_ms", "threshold_jump_mv"} {
		if !strings.Contains(e, k+" =") {
			t.Errorf("LIF coba population lacks %s", k)
		}
	}
	if i := txt[strings.Index(txt, `name = "I"`):]; !strings.Contains(i, "adapt_b_mv =") || strings.Contains(i, "tau_adapt_ms =") {
		t.Error("AdEx population: wrong fields")
	}
	back := Defaults()
	if _, err := config.Load("printed", []byte(txt), back, nil); err != nil {
		t.Fatal(err)
	}
	if err := back.Validate(); err != nil {
		t.Fatal(err)
	}
	s1, s2 := c.Spec(), back.Spec()
	n1, err := spike.Build(&s1, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n1.Close()
	n2, err := spike.Build(&s2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n2.Close()
	_ = n1.Run(50, nil)
	var buf bytes.Buffer
	if err := n1.Save(&buf); err != nil {
		t.Fatal(err)
	}
	if err := n2.Restore(&buf); err != nil {
		t.Errorf("checkpoint refused by the network of the printed config: %v", err)
	}
}

// TestIssue13SpikingErrors: the spiking experiment's silent-nonsense and
// wrong-key cases of issue 13: infinite, absurd and zero-step durations
// are errors naming the key; a config without its own input.targets
// reports its real error (the lif-noise default's "LIF" target no longer
// leaks in); an invalid sign is reported as such even with the [brunel]
// knobs set (their derivation used to run first and blame brunel.g).
func TestIssue13SpikingErrors(t *testing.T) {
	cases := []struct {
		name string
		sets []string
		want string
	}{
		{"coba", []string{"run.duration_ms=inf"}, "run.duration_ms = +Inf ms must be finite"},
		{"coba", []string{"run.duration_ms=1e300"}, "run.duration_ms = 1e+300 ms is 1e+301 steps"},
		{"coba", []string{"run.duration_ms=1e-9"}, "run.duration_ms = 1e-09 ms is shorter than 1 step"},
		{"coba", []string{"run.transient_ms=nan"}, "run.transient_ms = NaN ms must be finite"},
		{"coba", []string{"record.rate_bin_ms=inf"}, "record.rate_bin_ms = +Inf must be finite"},
	}
	for _, tc := range cases {
		_, err := loadExample(t, tc.name, tc.sets...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %v: want an error containing %q, got %v", tc.name, tc.sets, tc.want, err)
		}
	}
	// Edits of array entries (--set cannot name them yet: issue 17).
	edits := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"coba", func(c *Config) { c.Projection[0].P = 2 }, "projection[0] (E→E).p = 2 outside [0, 1]"},
		{"coba", func(c *Config) { c.Population[0].Neuron.TauMMs = -1 }, "population[0] (E).neuron.tau_m_ms = -1"},
		{"brunel-ai", func(c *Config) { c.Population[0].Sign = "both" }, `population[0] (E).sign = "both" must be "exc" or "inh"`},
		{"brunel-ai", func(c *Config) { c.Projection[1].DelayMs = math.Inf(1) }, "projection[1] (E→I).delay_ms = +Inf"},
	}
	for _, tc := range edits {
		c, err := loadExample(t, tc.name)
		if err != nil {
			t.Fatal(err)
		}
		tc.edit(c)
		err = c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want an error containing %q, got %v", tc.name, tc.want, err)
		}
		if err != nil && (strings.Contains(err.Error(), "input.targets") || strings.Contains(err.Error(), "brunel")) {
			t.Errorf("%s: the error blames a default or a knob: %v", tc.name, err)
		}
	}
}

// TestMemoryEstimateIsUpperBound: EstimateBytes bounds the peak resident
// memory of a run (issue 13), measured as VmHWM of a child process (the
// test binary re-executed) that runs only the experiment: figures, report
// section and all. Configs: the static and plastic COBA examples, a
// Brunel network with delays, and the Zenke-type network at 1/10 size.
func TestMemoryEstimateIsUpperBound(t *testing.T) {
	if name := os.Getenv("ENGRAM_SPIKING_PEAK"); name != "" {
		c := peakConfig(t, name)
		env := &experiment.Env{Dir: t.TempDir(), Seed: 1, Workers: 2, Report: report.New("peak")}
		if _, err := RunExperiment(context.Background(), c, env); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("PEAK %d\n", vmHWM(t))
		return
	}
	if testing.Short() {
		t.Skip("runs four child processes")
	}
	for _, name := range []string{"coba", "coba-stdp", "brunel", "zenke-small"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMemoryEstimateIsUpperBound$")
		cmd.Env = append(os.Environ(), "ENGRAM_SPIKING_PEAK="+name)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		var peak int64
		for _, l := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(l, "PEAK "); ok {
				peak, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		est := peakConfig(t, name).EstimateBytes()
		t.Logf("%-12s estimate %6.1f MiB, peak RSS %6.1f MiB (%.2f×)", name, float64(est)/(1<<20), float64(peak)/(1<<20), float64(est)/float64(peak))
		if peak == 0 || est < peak {
			t.Errorf("%s: estimate %d B below the measured peak %d B", name, est, peak)
		}
	}
}

func peakConfig(t *testing.T, name string) *Config {
	t.Helper()
	var c *Config
	switch name {
	case "coba", "coba-stdp":
		c, _ = PresetConfig(name)
		c.Run.DurationMs = 1000
	case "brunel":
		c, _ = PresetConfig("brunel-ai")
		c.Population[0].N, c.Population[1].N = 4000, 1000
		c.Run.DurationMs = 300
	case "zenke-small":
		c, _ = loadExample(t, "zenke2013", "run.transient_ms=200", "run.duration_ms=300") // invalid until the window is removed
		c.Population[0].N, c.Population[1].N, c.Population[2].N = 2000, 500, 250
		for i := range c.Projection {
			c.Projection[i].P = 0.5
			for k := range c.Projection[i].Plasticity {
				c.Projection[i].Plasticity[k].Active = nil
			}
		}
	default:
		t.Fatalf("unknown %s", name)
	}
	return c
}

func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}
