package sweep

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbdms"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/runner"
	"github.com/engramsim/engram/store"
)

// Heat-map axes: uniform numbers give cells of one width centred on the
// values (automatic ticks); uneven numbers cells bounded at the midpoints,
// sorted by value, with a tick per value; other values one cell each,
// ticked by value at the cells' centres.
func TestLayoutAxis(t *testing.T) {
	vals := func(v ...any) []any { return v }
	l := layoutAxis(Axis{Key: "a", Values: vals(1.0, 2.0, 3.0)})
	if l.x0 != 0.5 || l.x1 != 3.5 || l.edges != nil || l.ticks != nil || !reflect.DeepEqual(l.order, []int{0, 1, 2}) {
		t.Errorf("uniform: %+v", l)
	}
	// brunel-phase's g axis (examples/brunel-phase.toml)
	l = layoutAxis(Axis{Key: "brunel.g", Values: vals(3.0, 4.0, 4.5, 5.0, 6.0, 8.0)})
	if !reflect.DeepEqual(l.edges, []float64{2.5, 3.5, 4.25, 4.75, 5.5, 7, 9}) || len(l.ticks) != 6 || l.ticks[2] != (plot.Tick{Value: 4.5, Label: "4.5"}) {
		t.Errorf("uneven: %+v", l)
	}
	// listed in decreasing order (homeostasis's drives), spanning a decade:
	// drawn by value on a log10 axis, cells bounded at the midpoints in log
	l = layoutAxis(Axis{Key: "h", Values: vals(0.3, 0.1, 0.03)})
	lg := []float64{math.Log10(0.03), math.Log10(0.1), math.Log10(0.3)}
	if !reflect.DeepEqual(l.order, []int{2, 1, 0}) || !reflect.DeepEqual(l.edges, plot.Midpoints(lg)) || l.ticks[0] != (plot.Tick{Value: lg[0], Label: "0.03"}) || l.label != "h (log scale)" {
		t.Errorf("decreasing: %+v", l)
	}
	// geometric: cells of one width in log10 (1, 10, 100 → −0.5 … 2.5)
	l = layoutAxis(Axis{Key: "n", Values: vals(int64(1), int64(10), int64(100))})
	if math.Abs(l.x0+0.5) > 1e-12 || math.Abs(l.x1-2.5) > 1e-12 || l.edges != nil || len(l.ticks) != 3 || l.ticks[2].Label != "100" {
		t.Errorf("geometric: %+v", l)
	}
	// two values, or less than a decade, stay linear
	if l = layoutAxis(Axis{Key: "k", Values: vals(int64(20), int64(40), int64(80))}); l.label != "k" || !reflect.DeepEqual(l.edges, []float64{10, 30, 60, 100}) {
		t.Errorf("k_max: %+v", l)
	}
	l = layoutAxis(Axis{Key: "kind", Values: vals("exp", "exp_offset")})
	if l.x0 != 0 || l.x1 != 2 || l.edges != nil || !reflect.DeepEqual(l.ticks, []plot.Tick{{Value: 0.5, Label: "exp"}, {Value: 1.5, Label: "exp_offset"}}) {
		t.Errorf("strings: %+v", l)
	}
	// 1 and 1.0 are different values of the design but the same number: by index
	l = layoutAxis(Axis{Key: "n", Values: vals(int64(1), 1.0)})
	if l.x0 != 0 || l.x1 != 2 || l.edges != nil || len(l.ticks) != 2 {
		t.Errorf("equal numbers: %+v", l)
	}
}

// A 2-D sweep over an uneven axis: the heat map's cells are bounded at the
// midpoints (its TSV records the edges), and the cells table keeps every
// point's value.
func TestHeatMapUnevenAxis(t *testing.T) {
	p, dir := testPlan(t, "[grid]\nnetwork.p = [5, 6, 9]\nrule.A = [1.0, 2.0]\n[report]\nmetrics = [\"m\"]\n")
	sd := filepath.Join(dir, "out")
	if err := Init(sd, p, false); err != nil {
		t.Fatal(err)
	}
	for i, pt := range p.Points {
		rd := filepath.Join(sd, pt.RunDir(), "res")
		os.MkdirAll(rd, 0o755)
		if err := runner.NewSummaryFile("pb-dms", 1, "ok", map[string]any{"m": float64(i)}).Write(filepath.Join(rd, "summary.json")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Collect(sd); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(sd, "figs", "m.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	// network.p = 5, 6, 9: edges 4.5 | 5.5 | 7.5 | 10.5; rule.A = 1, 2 is uniform (extent 0.5..2.5)
	if !strings.Contains(string(b), "column edges (x): 4.5 5.5 7.5 10.5") || strings.Contains(string(b), "row edges") || !strings.Contains(string(b), "3\t4.5\t10.5\t0.5\t2.5\t0\t5") {
		t.Errorf("figs/m.tsv:\n%s", b)
	}
	// point i = 2·(p index) + (A index) has m = i: row r (A), column c (p) holds 2c + r
	arr, err := store.ReadNPY(filepath.Join(sd, "figs", "m.npy"))
	if err != nil || !reflect.DeepEqual(arr.Shape, []int{2, 3}) || !reflect.DeepEqual(arr.Data, []float64{0, 2, 4, 1, 3, 5}) {
		t.Errorf("figs/m.npy: %v %v", arr, err)
	}
}

// [[report.plot]] entries are checked when the file is parsed.
func TestReportPlotErrors(t *testing.T) {
	for body, want := range map[string]string{
		"[[report.plot]]\nname = \"x\"\nmetrics = [\"m\"]\nlabel = [\"a\"]\n":                                  `unknown key report.plot.label (did you mean report.plot.labels?)`,
		"[[report.plot]]\nname = \"x\"\nmetrics = [\"m\", \"n\"]\nlabels = [\"a\"]\n":                          "1 labels for 2 metrics",
		"[[report.plot]]\nname = \"a/b\"\nmetrics = [\"m\"]\n":                                                 `name = "a/b"`,
		"[[report.plot]]\nname = \"x\"\nmetrics = []\n":                                                        "metrics is empty",
		"[[report.plot]]\nname = \"x\"\nmetrics = [\"m\"]\n[[report.plot]]\nname = \"x\"\nmetrics = [\"m\"]\n": `name "x" is used twice`,
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "base.toml"), []byte("experiment = \"pb-dms\"\n"), 0o644)
		_, err := ParseBytes(filepath.Join(dir, "s.toml"), []byte("base = \"base.toml\"\n[grid]\nnetwork.p = [5, 6]\n"+body), testRegistry())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}

func testRegistry() *experiment.Registry {
	reg := experiment.NewRegistry()
	reg.Add(pbdms.Def(pbdms.PaperDefaults))
	return reg
}

// A [[report.plot]] with x draws every complete run's metrics against a
// metric or a swept key, for a design that is not a 1-D grid (a [zip] with
// repeats, as examples/input-vs-recurrence.sweep.toml): one point per run,
// in point order, repeats not averaged; a run missing a value is left out.
func TestScatterPlotAgainstMetric(t *testing.T) {
	p, dir := testPlan(t, "repeats = 2\n[zip]\nnetwork.p = [5, 6]\nrule.A = [1.0, 2.0]\n"+
		"[[report.plot]]\nname = \"acc_vs_m\"\nx = \"m\"\nmetrics = [\"acc\"]\nerrors = [\"acc_se\"]\n"+
		"[[report.plot]]\nname = \"m_vs_p\"\nx = \"network.p\"\nmetrics = [\"m\"]\n")
	sd := filepath.Join(dir, "out")
	if err := Init(sd, p, false); err != nil {
		t.Fatal(err)
	}
	if len(p.Points) != 4 {
		t.Fatalf("%d points", len(p.Points))
	}
	for i, pt := range p.Points {
		if i == 3 {
			continue // missing: left out of both figures
		}
		rd := filepath.Join(sd, pt.RunDir(), "res")
		os.MkdirAll(rd, 0o755)
		sum := map[string]any{"m": 0.5 + 0.1*float64(i), "acc": float64(i) / 10, "acc_se": 0.01}
		if err := runner.NewSummaryFile("pb-dms", 1, "ok", sum).Write(filepath.Join(rd, "summary.json")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Collect(sd); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(sd, "figs", name+".tsv"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var want strings.Builder
	for i := range 3 {
		want.WriteString("acc\t" + Cell(0.5+0.1*float64(i)) + "\t" + Cell(float64(i)/10) + "\t0.01\n")
	}
	if got := read("acc_vs_m"); got != "series\tx\ty\tyerr\n"+want.String() {
		t.Errorf("figs/acc_vs_m.tsv lacks the runs' values:\n%s\nwant rows (x, y, yerr):\n%s", got, want.String())
	}
	// network.p of points 0…2: each zip row twice (repeats), so 5, 5, 6
	got := read("m_vs_p")
	for i, x := range []string{"5", "5", "6"} {
		if !strings.Contains(got, "m\t"+x+"\t"+Cell(0.5+0.1*float64(i))+"\n") {
			t.Errorf("figs/m_vs_p.tsv lacks run %d (%s):\n%s", i, x, got)
		}
	}
	rep, err := os.ReadFile(filepath.Join(sd, ReportFile))
	if err != nil || !strings.Contains(string(rep), "3 runs") || strings.Contains(string(rep), "need a sweep over one [grid] key") {
		t.Errorf("report: %v\n%.2000s", err, rep)
	}
	// an x that is neither a key nor a metric is named
	p2, dir2 := testPlan(t, "repeats = 2\n[zip]\nnetwork.p = [5, 6]\nrule.A = [1.0, 2.0]\n[[report.plot]]\nname = \"x\"\nx = \"mm\"\nmetrics = [\"m\"]\n")
	sd2 := filepath.Join(dir2, "out")
	if err := Init(sd2, p2, false); err != nil {
		t.Fatal(err)
	}
	rd := filepath.Join(sd2, p2.Points[0].RunDir(), "res")
	os.MkdirAll(rd, 0o755)
	runner.NewSummaryFile("pb-dms", 1, "ok", map[string]any{"m": 1.0}).Write(filepath.Join(rd, "summary.json"))
	if _, err := Collect(sd2); err == nil || !strings.Contains(err.Error(), `x = "mm" is neither a swept key`) || !strings.Contains(err.Error(), `did you mean "m"`) {
		t.Errorf("unknown x: %v", err)
	}
}
