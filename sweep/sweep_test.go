package sweep

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbdms"
	"github.com/engramsim/engram/runner"
	"github.com/engramsim/engram/store"
)

func testPlan(t *testing.T, body string) (*Plan, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "base.toml"), []byte("experiment = \"pb-dms\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	reg := experiment.NewRegistry()
	reg.Add(pbdms.Def(pbdms.PaperDefaults))
	p, err := ParseBytes(filepath.Join(dir, "s.toml"), []byte("base = \"base.toml\"\n"+body), reg)
	if err != nil {
		t.Fatal(err)
	}
	return p, dir
}

func TestArraySpecAndScript(t *testing.T) {
	if got := ArraySpec([]int{9, 0, 1, 2, 3, 7, 10}); got != "0-3,7,9-10" {
		t.Errorf("ArraySpec = %q", got)
	}
	s := Script("/sw/d", []int{1, 2}, SlurmOptions{Engram: "/opt/engram", Slurm: Slurm{CPUsPerTask: 2, Mem: "1G", Time: "10", MaxRunning: 3, Extra: []string{"--qos=x"}}, Args: []string{"--progress-every", "30s"}})
	for _, want := range []string{"#SBATCH --array=1-2%3\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=1G\n", "#SBATCH --time=10\n", "#SBATCH --qos=x\n",
		"#SBATCH --output=/sw/d/logs/slurm-%A_%a.log\n", `exec "$ENGRAM" 'sweep' 'point' '/sw/d' '--index' "$SLURM_ARRAY_TASK_ID" '--progress-every' '30s'`, "ENGRAM='/opt/engram'"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q:\n%s", want, s)
		}
	}
}

// Grid × zip × repeats expand in order; the table has NaN as NaN, -Inf as
// -inf, a missing value and a point without summary as empty cells.
func TestDesignAndCollect(t *testing.T) {
	p, dir := testPlan(t, "repeats = 2\n[grid]\nnetwork.p = [5, 6]\n[zip]\nrule.A = [1.0, 2.0, 3.0]\nnetwork.c = [0.1, 0.2, 0.3]\n")
	if len(p.Points) != 2*3*2 || strings.Join(p.Keys, " ") != "network.p rule.A network.c seed" {
		t.Fatalf("%d points, keys %v", len(p.Points), p.Keys)
	}
	if d := p.Points[3].Describe(); d != "network.p=5 rule.A=2.0 network.c=0.2 seed=2" {
		t.Errorf("point 3: %s", d)
	}
	sd := filepath.Join(dir, "out")
	if err := Init(sd, p, false); err != nil {
		t.Fatal(err)
	}
	for i, pt := range p.Points {
		if i == 1 {
			continue // never ran
		}
		rd := filepath.Join(sd, pt.RunDir(), "res")
		os.MkdirAll(rd, 0o755)
		f := runner.NewSummaryFile("pb-dms", 1, "ok", map[string]any{"m": float64(i), "nan": math.NaN(), "ninf": math.Inf(-1), "gone": nil})
		if err := f.Write(filepath.Join(rd, "summary.json")); err != nil {
			t.Fatal(err)
		}
	}
	tab, err := Collect(sd)
	if err != nil {
		t.Fatal(err)
	}
	header, rows, err := store.ReadTSVRecords(filepath.Join(sd, TableFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(header, " ") != "point run_dir network.p rule.A network.c seed gone m nan ninf" || len(rows) != 12 || tab.Complete != 11 || strings.Join(tab.Missing, " ") != "p0001" {
		t.Fatalf("header %v, %d rows, missing %v", header, len(rows), tab.Missing)
	}
	if got := strings.Join(rows[2], " "); got != "p0002 points/p0002 5 2 0.2 1  2 NaN -inf" {
		t.Errorf("row 2: %q", got)
	}
	if got := strings.Join(rows[1], "|"); got != "p0001|points/p0001|5|1|0.1|2||||" {
		t.Errorf("missing row: %q", got)
	}
	if err := Init(sd, p, false); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("Init twice: %v", err)
	}
	if err := Init(sd, p, true); err != nil {
		t.Errorf("resume: %v", err)
	}
	q, _ := testPlan(t, "repeats = 2\n[grid]\nnetwork.p = [5, 7]\n[zip]\nrule.A = [1.0, 2.0, 3.0]\nnetwork.c = [0.1, 0.2, 0.3]\n")
	if err := Init(sd, q, true); err == nil || !strings.Contains(err.Error(), "different sweep") {
		t.Errorf("resume of another sweep: %v", err)
	}
	if got := len(Pending(sd, p)); got != 1 {
		t.Errorf("%d pending", got)
	}
}

// [[list]] entries are points of their own; they must set the same keys.
func TestListDesign(t *testing.T) {
	p, _ := testPlan(t, "[[list]]\nnetwork.p = 5\nrule.A = 1.0\n[[list]]\nrule.A = 2.0\nnetwork.p = 9\n")
	if len(p.Points) != 2 || p.Points[1].Describe() != "network.p=9 rule.A=2.0" || strings.Join(p.Keys, " ") != "network.p rule.A" {
		t.Fatalf("%d points: %v, keys %v", len(p.Points), p.Points, p.Keys)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "base.toml"), []byte("experiment = \"pb-dms\"\n"), 0o644)
	reg := experiment.NewRegistry()
	reg.Add(pbdms.Def(pbdms.PaperDefaults))
	_, err := ParseBytes(filepath.Join(dir, "s.toml"), []byte("base = \"base.toml\"\n[[list]]\nnetwork.p = 5\n[[list]]\nrule.A = 2.0\n"), reg)
	if err == nil || !strings.Contains(err.Error(), "every entry must set the same keys") {
		t.Errorf("mismatched entries: %v", err)
	}
}

// TestCollectMetricNamedLikeKey: a summary that echoes a swept key (e.g.
// stdp-memory's patterns.count) gets the column "summary:<key>" instead of
// failing the collection.
func TestCollectMetricNamedLikeKey(t *testing.T) {
	p, dir := testPlan(t, "[grid]\nnetwork.p = [5, 6]\n")
	sd := filepath.Join(dir, "out")
	if err := Init(sd, p, false); err != nil {
		t.Fatal(err)
	}
	for i, pt := range p.Points {
		rd := filepath.Join(sd, pt.RunDir(), "res")
		os.MkdirAll(rd, 0o755)
		f := runner.NewSummaryFile("pb-dms", 1, "ok", map[string]any{"network": map[string]any{"p": float64(5 + i)}, "m": 0.5})
		if err := f.Write(filepath.Join(rd, "summary.json")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Collect(sd); err != nil {
		t.Fatal(err)
	}
	header, rows, err := store.ReadTSVRecords(filepath.Join(sd, TableFile))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(header, " "); got != "point run_dir network.p m summary:network.p" {
		t.Fatalf("header %q", got)
	}
	if got := strings.Join(rows[1], " "); got != "p0001 points/p0001 6 0.5 6" {
		t.Errorf("row 1: %q", got)
	}
}
