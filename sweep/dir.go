package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/engramsim/engram/runner"
)

// Files of a sweep directory.
const (
	ManifestFile = "sweep.json" // the plan: keys, points, their overrides
	BaseFile     = "base.toml"  // a copy of the base config the points run
	SweepFile    = "sweep.toml" // a copy of the sweep file
	TableFile    = "points.tsv" // the collected table
	ReportFile   = "report.html"
	LogDir       = "logs" // one log per point (local) or per array task (Slurm)
)

// Init prepares dir for plan: a new sweep directory (dir must not exist,
// or be empty), or, with resume, one that holds the same sweep. It
// returns the plan as recorded in dir.
func Init(dir string, plan *Plan, resume bool) error {
	man := filepath.Join(dir, ManifestFile)
	if _, err := os.Stat(man); err == nil {
		if !resume {
			return fmt.Errorf("%s already holds a sweep (%s); pass --resume to continue it, or choose another --out", dir, ManifestFile)
		}
		old, err := ReadManifest(dir)
		if err != nil {
			return err
		}
		base, err := os.ReadFile(filepath.Join(dir, BaseFile))
		if err != nil {
			return fmt.Errorf("--resume: %v", err)
		}
		if string(base) != plan.BaseTOML {
			return fmt.Errorf("--resume: the base config %s differs from the one %s was started with (%s); choose another --out", plan.Base, dir, filepath.Join(dir, BaseFile))
		}
		if d := diffPoints(old.Points, plan.Points); d != "" {
			return fmt.Errorf("--resume: %s holds a different sweep (%s); choose another --out", dir, d)
		}
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if resume {
		return fmt.Errorf("--resume: %s holds no sweep (no %s)", dir, ManifestFile)
	}
	if ents, err := os.ReadDir(dir); err == nil {
		for _, e := range ents {
			if n := e.Name(); n != BaseFile && n != SweepFile && n != ManifestFile+".tmp" {
				return fmt.Errorf("%s exists and is not empty (it holds %s); choose another --out", dir, n)
			}
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "points"), 0o755); err != nil {
		return fmt.Errorf("sweep directory: %v", err)
	}
	if err := os.MkdirAll(filepath.Join(dir, LogDir), 0o755); err != nil {
		return fmt.Errorf("sweep directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, BaseFile), []byte(plan.BaseTOML), 0o644); err != nil {
		return err
	}
	if b, err := os.ReadFile(plan.File); err == nil {
		if err := os.WriteFile(filepath.Join(dir, SweepFile), b, 0o644); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		return err
	}
	// the manifest last, atomically: a directory without it is no sweep yet
	if err := os.WriteFile(man+".tmp", append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(man+".tmp", man)
}

func diffPoints(a, b []Point) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d points recorded, %d in the sweep file", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID || !slices.Equal(a[i].Sets, b[i].Sets) || (a[i].Seed == nil) != (b[i].Seed == nil) || (a[i].Seed != nil && *a[i].Seed != *b[i].Seed) {
			return fmt.Sprintf("point %s was %s, now %s", a[i].ID, a[i].Describe(), b[i].Describe())
		}
	}
	return ""
}

// ReadManifest reads the plan recorded in a sweep directory (numbers as
// json.Number, so integers stay integers).
func ReadManifest(dir string) (*Plan, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is not a sweep directory (no %s)", dir, ManifestFile)
		}
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var p Plan
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, ManifestFile), err)
	}
	for i, pt := range p.Points {
		if pt.Index != i {
			return nil, fmt.Errorf("%s: point %d has index %d", filepath.Join(dir, ManifestFile), i, pt.Index)
		}
	}
	return &p, nil
}

// Complete reports whether a point's run directory is complete: it
// exists (runs are moved into place only when they succeeded) and holds a
// readable res/summary.json. It is judged by files alone, never by exit
// codes, so a run killed at any moment is simply not complete.
func Complete(dir string, pt Point) bool {
	f, err := runner.ReadSummaryFile(filepath.Join(dir, pt.RunDir(), runner.SummaryPath))
	return err == nil && f.Status == runner.StatusOK
}

// Pending lists the points of plan that are not complete in dir.
func Pending(dir string, plan *Plan) []Point {
	var out []Point
	for _, pt := range plan.Points {
		if !Complete(dir, pt) {
			out = append(out, pt)
		}
	}
	return out
}
