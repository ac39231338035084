package meanfield

import (
	"fmt"
	"math"

	"github.com/engramsim/engram/ratefn"
)

// scanStep is the Δ step of the original capacity scan (spec §2.2); the
// scan's k-th value is k/scanPerUnit (exactly the nearest double to 0.01·k).
const (
	scanStep    = 0.01
	scanPerUnit = 100
)

// CapacityResult is the storage capacity of a rule, computed both ways.
type CapacityResult struct {
	// AlphaC is the physical capacity: the maximum of α(Δ) = Δ/(γ⟨r²⟩)
	// along the retrieval branch (no retrieval solution exists above it).
	// With FiniteK: the end of the retrieval part of the finite-K curve
	// (its first maximum of α, or the crossover, see Crossover).
	AlphaC float64 `json:"alpha_c"`
	// DeltaC, QC and MAtAlphaC are Δ, q and m at AlphaC.
	DeltaC    float64 `json:"delta_c"`
	QC        float64 `json:"q_c"`
	MAtAlphaC float64 `json:"m_at_alpha_c"`
	// VC is the own-term variance v = (1−C)⟨g²r²⟩/K at AlphaC (Options.FiniteK
	// > 0; 0 for K → ∞).
	VC float64 `json:"v_c,omitempty"`
	// Crossover (FiniteK only) reports that the finite-K retrieval curve
	// has no maximum of α: the overlap falls continuously into the
	// background, and AlphaC is the crossover, where |dα/dq| is smallest
	// (dα/dq < 0 along the retrieval part: the overlap falls fastest with
	// α). It happens at A = 10.65, K = 250.
	Crossover bool `json:"crossover,omitempty"`
	// AlphaCScan is the original scan-stop rule (spec §2.2): α at the last
	// Δ = 0.01·k at which the warm-started iteration still gives q > QLoss;
	// 0 if retrieval is lost already at Δ = 0.01. DeltaCScan, QCScan and
	// MAtAlphaCScan belong to that point. With FiniteK the rule is applied
	// to the finite-K curve: α at the last Δ = 0.01·k ≤ DeltaEnd (0 when
	// DeltaEnd is 0).
	AlphaCScan    float64 `json:"alpha_c_scan"`
	DeltaCScan    float64 `json:"delta_c_scan"`
	QCScan        float64 `json:"q_c_scan"`
	MAtAlphaCScan float64 `json:"m_at_alpha_c_scan"`
	// DeltaEnd and AlphaEnd locate the end of the branch (the fold, or where
	// q falls below QLoss), to DeltaTol. Not set by ScanLiteral. With
	// FiniteK: the first maximum of Δ along the finite-K curve (where at
	// fixed Δ the finite-K retrieval state disappears), 0 if Δ does not turn
	// (e.g. A = 10.65, K = 2500).
	DeltaEnd float64 `json:"delta_end"`
	AlphaEnd float64 `json:"alpha_end"`
	// Gamma is γ = A²E[f²]E[g²].
	Gamma float64 `json:"gamma"`
	// Evals counts 2-D integral evaluations (a cost measure).
	Evals     int  `json:"evals"`
	Converged bool `json:"converged"`
	// Warning (FiniteK only) is set when AlphaC was found but the part of
	// the finite-K curve beyond it, needed only for DeltaEnd, AlphaEnd and
	// the scan fields, could not be followed or refined: those fields are
	// then 0 (DeltaEnd may be set with the scan fields 0), and Warning says
	// why. Converged refers to AlphaC and the fields at it.
	Warning  string   `json:"warning,omitempty"`
	Settings Settings `json:"settings"`
}

// Capacity computes the capacity of the rule under φ (spec §2.2) as the
// maximum of α(Δ) along the retrieval branch (AlphaC) and by the original
// scan-stop rule (AlphaCScan). A rule without any retrieval branch has
// α_c = 0 (converged). Bad input returns an error; a failed solve returns
// the partial result with Converged = false and an error.
//
// With Options.FiniteK > 0 the branch is the finite-K retrieval curve
// (see capacityK in finitek.go) and AlphaC its first maximum of α; the scan
// fields then apply the scan rule to that curve (ScanFold). ScanLiteral,
// the original K → ∞ loop, is refused with FiniteK; ScanAuto means ScanFold
// there on either grid.
func Capacity(tf ratefn.Transfer, rule ratefn.Rule, opts *Options) (CapacityResult, error) {
	s, err := newSolver(tf, rule, opts)
	if err != nil {
		return CapacityResult{}, err
	}
	if s.o.FiniteK > 0 {
		if opts != nil && opts.Scan == ScanLiteral {
			return CapacityResult{}, fmt.Errorf("meanfield: Capacity: ScanLiteral (the original K → ∞ loop) does not support FiniteK; use ScanFold")
		}
		s.o.Scan = ScanFold
		return s.capacityK()
	}
	return s.capacity()
}

func (s *solver) capacity() (CapacityResult, error) {
	res := CapacityResult{Gamma: s.m.stats.Gamma, Settings: s.o.settings(s.m)}
	tr, err := s.traceBranch(0, nil)
	res.Evals = s.evals
	if err != nil {
		return res, fmt.Errorf("meanfield: capacity: %w", err)
	}
	if tr.ReachedMax {
		return res, fmt.Errorf("meanfield: capacity: retrieval branch still present at Δ = DeltaMax = %v", s.o.DeltaMax)
	}
	pts := tr.Pts
	if len(pts) > 0 {
		last := pts[len(pts)-1]
		res.DeltaEnd, res.AlphaEnd = last.Delta, last.Alpha
		k := argmaxAlpha(pts)
		var d, al float64
		if k == len(pts)-1 || k == 0 {
			d, al = pts[k].Delta, pts[k].Alpha
		} else {
			d, al = s.maxAlpha(pts[k-1], pts[k], pts[k+1], 0)
		}
		q, _, found, err := s.atDelta(d, pts[max(k-1, 0)].Q, 0)
		if err != nil || !found {
			return res, fmt.Errorf("meanfield: capacity: lost the branch at its maximum Δ = %v", d)
		}
		st := s.state(al, q, d, 0)
		res.AlphaC, res.DeltaC, res.QC, res.MAtAlphaC = al, d, q, st.M
	}
	switch s.o.Scan {
	case ScanFold:
		if len(pts) > 0 {
			if kk := scanIndex(res.DeltaEnd); kk >= 1 {
				ds := kk / scanPerUnit
				// Warm start from the last point at or below ds.
				j := 0
				for i, p := range pts {
					if p.Delta <= ds {
						j = i
					}
				}
				q, al, found, err := s.atDelta(ds, pts[j].Q, 0)
				if err != nil || !found {
					return res, fmt.Errorf("meanfield: capacity: lost the branch at the scan point Δ = %v", ds)
				}
				st := s.state(al, q, ds, 0)
				res.AlphaCScan, res.DeltaCScan, res.QCScan, res.MAtAlphaCScan = al, ds, q, st.M
			}
		}
	case ScanLiteral:
		if err := s.literalScan(&res); err != nil {
			res.Evals = s.evals
			return res, err
		}
	}
	res.Evals = s.evals
	res.Converged = true
	return res, nil
}

// scanIndex returns the largest k with the scan grid value k/scanPerUnit
// (= 0.01·k) ≤ deltaEnd (0 if none).
func scanIndex(deltaEnd float64) float64 {
	kk := math.Floor(deltaEnd * scanPerUnit)
	for (kk+1)/scanPerUnit <= deltaEnd {
		kk++
	}
	for kk > 0 && kk/scanPerUnit > deltaEnd {
		kk--
	}
	return kk
}

// literalScan runs the original scan loop (spec §2.2).
func (s *solver) literalScan(res *CapacityResult) error {
	const fpTol = 1e-7
	const maxFP = 200000
	q := 100.0
	for k := 1; ; k++ {
		d := float64(k) / scanPerUnit
		if d > s.o.DeltaMax {
			return fmt.Errorf("meanfield: literal scan reached DeltaMax = %v", s.o.DeltaMax)
		}
		conv := false
		var mo moments
		for it := 0; it < maxFP; it++ {
			s.evals++
			mo = s.m.eval(q, d, 0)
			qn := mo.Q
			if math.Abs(qn-q) < fpTol {
				q = qn
				conv = true
				break
			}
			q = qn
		}
		if !conv {
			return fmt.Errorf("meanfield: literal scan: fixed point did not converge at Δ = %v", d)
		}
		if q < s.o.QLoss {
			return nil
		}
		s.evals++
		mo = s.m.eval(q, d, 0)
		al := d / (s.m.stats.Gamma * mo.R2)
		st := s.stateFrom(al, q, d, mo)
		res.AlphaCScan, res.DeltaCScan, res.QCScan, res.MAtAlphaCScan = al, d, q, st.M
	}
}
