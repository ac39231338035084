package branching

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/engramsim/engram/theory/branchproc"
)

// mrRow is one row of the reference table in criticality.md §4.1.
type mrRow struct {
	name          string
	m, a          float64
	trials, L     int
	kmax, kstep   int
	p             float64
	r1SD          float64 // SD of r₁ over 20 reps (table)
	band          float64 // per-run band on m̂ (last column)
	tauTolMean    float64 // MR-5 tolerance on mean τ̂/τ − 1
	longOnlyTrial bool
}

func mrRows() []mrRow {
	return []mrRow{
		{"m0.9_p1", 0.9, 100, 10, 10000, 50, 1, 1, 0.0013, 0.015, 0.05, false},
		{"m0.9_p0.1", 0.9, 100, 10, 10000, 50, 1, 0.1, 0.0053, 0.025, 0.05, false},
		{"m0.9_p0.01", 0.9, 100, 10, 10000, 50, 1, 0.01, 0.0038, 0.045, 0.05, false},
		{"m0.98_p1", 0.98, 1000, 10, 20000, 250, 1, 1, 0.0004, 0.005, 0.05, false},
		{"m0.98_p0.02", 0.98, 1000, 10, 20000, 250, 1, 0.02, 0.0046, 0.005, 0.05, false},
		{"m0.98_p0.001", 0.98, 1000, 10, 20000, 250, 1, 0.001, 0.0021, 0.008, 0.05, false},
		{"m0.99_p0.01", 0.99, 100, 10, 50000, 500, 1, 0.01, 0.0053, 0.003, 0.05, false},
		{"m0.999_p1", 0.999, 100, 10, 100000, 2500, 10, 1, 0.0001, 0.001, 0.3, false},
		{"m0.999_p0.01", 0.999, 100, 10, 100000, 2500, 10, 0.01, 0.0224, 0.001, 0.3, false},
	}
}

func longTests(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("slow statistical test: skipped with -short")
	}
	if os.Getenv("ENGRAM_LONG") != "1" {
		t.Skip("slow statistical test: set ENGRAM_LONG=1 to run")
	}
}

func simulateRow(t testing.TB, row mrRow, seed uint64) [][]float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0xC417))
	_, obs, err := branchproc.SimulateDriven(rng, branchproc.Driven{
		M: row.m, Mean: row.a, Length: row.L, Trials: row.trials, Subsample: row.p,
	})
	if err != nil {
		t.Fatal(err)
	}
	return obs
}

func rowSteps(row mrRow) []int {
	var s []int
	for k := 1; k <= row.kmax; k += row.kstep {
		s = append(s, k)
	}
	return s
}

// TestMRTableSingleRun checks MR-3 (conventional estimator within 4 SD of
// b·m) and MR-4 (MR exp and exp_offset m̂ within the per-run band) on one
// fixed-seed run of every row of the reference table (criticality.md §4.1).
func TestMRTableSingleRun(t *testing.T) {
	for i, row := range mrRows() {
		t.Run(row.name, func(t *testing.T) {
			if testing.Short() && row.L*row.trials > 200000 {
				t.Skip("large row skipped with -short")
			}
			data := simulateRow(t, row, uint64(100+i))
			b := branchproc.SubsamplingFactor(row.p, row.m)
			// MR-3, criticality.md: r₁ within 4 SD (table) of b·m. The ts
			// bias at small p/short L is inside that band for all rows.
			conv, err := Conventional(data)
			if err != nil {
				t.Fatal(err)
			}
			if d := math.Abs(conv.M - b*row.m); d > 4*row.r1SD {
				t.Errorf("MR-3: conventional %.4f, theory b·m = %.4f, |Δ| = %.4f > 4 SD = %.4f", conv.M, b*row.m, d, 4*row.r1SD)
			}
			coef, err := Coefficients(data, &CoefficientOptions{Method: TrialSeparated, Steps: rowSteps(row)})
			if err != nil {
				t.Fatal(err)
			}
			for _, model := range []Model{Exp, ExpOffset} {
				f, err := Fit(coef, &FitOptions{Model: model})
				if err != nil {
					t.Fatal(err)
				}
				// MR-4, criticality.md: single run within the per-run band.
				if d := math.Abs(f.M - row.m); !(d <= row.band) {
					t.Errorf("MR-4 %s: m̂ = %.5f, want %.3f ± %.3f (τ̂ = %.1f, flags %v)", model, f.M, row.m, row.band, f.Tau, f.Flags)
				}
				t.Logf("%s: r1 = %.4f (b·m %.4f) m̂ = %.5f τ̂/τ = %.3f A = %.3f (b %.3f)", model, conv.M, b*row.m, f.M,
					f.Tau/TauFromM(row.m, 1), math.Abs(f.Params[1]), b)
			}
		})
	}
}

// TestMRTableMeans is MR-5 (criticality.md): the mean τ̂ over 20
// repetitions (10 for m = 0.999) is within 5 % of τ for m ≤ 0.99 and within
// 30 % for m = 0.999 (trial-separated coefficients underestimate r_k when
// L/τ = 100; the table documents −10 % to −21 %).
// Run: ENGRAM_LONG=1 go test -run TestMRTableMeans ./analysis/branching/
func TestMRTableMeans(t *testing.T) {
	longTests(t)
	for i, row := range mrRows() {
		reps := 20
		if row.m == 0.999 {
			reps = 10
		}
		models := []Model{Exp, ExpOffset}
		sum := make([]float64, len(models))
		smSum := make([]float64, len(models))
		for r := range reps {
			data := simulateRow(t, row, uint64(1000*(i+1)+r))
			for _, meth := range []Method{TrialSeparated, StationaryMean} {
				coef, err := Coefficients(data, &CoefficientOptions{Method: meth, Steps: rowSteps(row)})
				if err != nil {
					t.Fatal(err)
				}
				for j, model := range models {
					f, err := Fit(coef, &FitOptions{Model: model})
					if err != nil {
						t.Fatal(err)
					}
					if meth == TrialSeparated {
						sum[j] += f.Tau / float64(reps)
					} else {
						smSum[j] += f.Tau / float64(reps)
					}
				}
			}
		}
		tau := TauFromM(row.m, 1)
		for j, model := range models {
			rel := sum[j]/tau - 1
			t.Logf("MR-5 %-13s %-10s mean τ̂/τ − 1: ts %+.3f (sm %+.3f)", row.name, model, rel, smSum[j]/tau-1)
			if math.Abs(rel) >= row.tauTolMean {
				t.Errorf("MR-5 %s %s: mean τ̂/τ − 1 = %+.3f, tolerance %.2f", row.name, model, rel, row.tauTolMean)
			}
		}
	}
}

// TestShortTrialBias is MR-6 (criticality.md): m = 0.98, a = 100, 100 trials
// of L = 250, k = 1..99, exp fit, 20 reps: sm mean within 0.003 of 0.98,
// ts mean < 0.955 (table: ts 0.9435, sm 0.9796).
func TestShortTrialBias(t *testing.T) {
	const reps = 20
	var ts, sm float64
	for r := range reps {
		rng := rand.New(rand.NewPCG(uint64(7000+r), 6))
		_, data, err := branchproc.SimulateDriven(rng, branchproc.Driven{M: 0.98, Mean: 100, Length: 250, Trials: 100, Subsample: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, meth := range []Method{TrialSeparated, StationaryMean} {
			coef, err := Coefficients(data, &CoefficientOptions{Method: meth, KMin: 1, KMax: 99})
			if err != nil {
				t.Fatal(err)
			}
			f, err := Fit(coef, &FitOptions{Model: Exp})
			if err != nil {
				t.Fatal(err)
			}
			if meth == TrialSeparated {
				ts += f.M / reps
			} else {
				sm += f.M / reps
			}
		}
	}
	t.Logf("MR-6: ts mean m̂ = %.4f, sm mean m̂ = %.4f", ts, sm)
	if math.Abs(sm-0.98) > 0.003 {
		t.Errorf("MR-6: sm mean m̂ = %.4f, want 0.98 ± 0.003", sm)
	}
	if !(ts < 0.955) {
		t.Errorf("MR-6: ts mean m̂ = %.4f, want < 0.955", ts)
	}
}

// naiveCoefficients is the O(L·k) reference implementation of the ts and
// sm formulas in criticality.md §3.2, written as literally as possible.
func naiveCoefficients(data [][]float64, steps []int, method Method) []float64 {
	out := make([]float64, len(steps))
	T := float64(len(data))
	for s, k := range steps {
		L := len(data[0])
		n := float64(L - k)
		mxs := make([]float64, len(data))
		mys := make([]float64, len(data))
		xys := make([]float64, len(data))
		xxs := make([]float64, len(data))
		for i, tr := range data {
			x, y := tr[:L-k], tr[k:]
			for t := range x {
				mxs[i] += x[t] / n
				mys[i] += y[t] / n
			}
			for t := range x {
				xys[i] += x[t] * y[t] / n
				xxs[i] += x[t] * x[t] / n
			}
		}
		if method == TrialSeparated {
			for i, tr := range data {
				x, y := tr[:L-k], tr[k:]
				var cov, v float64
				for t := range x {
					cov += (x[t] - mxs[i]) * (y[t] - mys[i])
					v += (x[t] - mxs[i]) * (x[t] - mxs[i])
				}
				out[s] += (cov / n) / (v / n) / T
			}
			continue
		}
		var mbx, mby float64
		for i := range data {
			mbx += mxs[i] / T
			mby += mys[i] / T
		}
		var num, den float64
		for i := range data {
			num += (xys[i] - mys[i]*mbx - mxs[i]*mby) / T
			den += (xxs[i] - 2*mxs[i]*mbx + mbx*mbx) / T
		}
		out[s] = (num + mbx*mby) / den
	}
	return out
}

// TestCoefficientsAgainstNaive is MR-7 (criticality.md): FFT and direct
// coefficients agree with the naive reference to 1e-10 relative.
func TestCoefficientsAgainstNaive(t *testing.T) {
	// relTol is MR-7's tolerance; absFloor guards coefficients that are
	// ≈ 0 where a relative comparison is meaningless (|r| ≪ 1e-3 never
	// occurs for m = 0.95 at k ≤ 120: r_k ≥ 0.95^120 ≈ 2e-3).
	const relTol = 1e-10
	rng := rand.New(rand.NewPCG(77, 1))
	_, data, err := branchproc.SimulateDriven(rng, branchproc.Driven{M: 0.95, Mean: 50, Length: 3000, Trials: 4, Subsample: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	for _, steps := range [][]int{{1, 2, 3, 5, 8, 13}, rangeSteps(1, 120, 1)} { // direct and FFT paths
		for _, meth := range []Method{TrialSeparated, StationaryMean} {
			got, err := Coefficients(data, &CoefficientOptions{Method: meth, Steps: steps})
			if err != nil {
				t.Fatal(err)
			}
			want := naiveCoefficients(data, steps, meth)
			for i := range steps {
				if d := math.Abs(got.Coefficients[i]-want[i]) / math.Abs(want[i]); d > relTol {
					t.Errorf("MR-7 %s k=%d (%d steps): got %.15g want %.15g rel %.2g", meth, steps[i], len(steps), got.Coefficients[i], want[i], d)
				}
			}
		}
	}
}

func rangeSteps(a, b, s int) []int {
	var out []int
	for k := a; k <= b; k += s {
		out = append(out, k)
	}
	return out
}

// TestBootstrapMean is MR-8 (criticality.md, mrestimator's own test): the
// mean over numboot = 100 bootstrap replicas of r_k is within
// 0.04/√numboot of r_k.
func TestBootstrapMean(t *testing.T) {
	const numBoot = 100
	tol := 0.04 / math.Sqrt(numBoot)
	rng := rand.New(rand.NewPCG(88, 2))
	_, data, err := branchproc.SimulateDriven(rng, branchproc.Driven{M: 0.98, Mean: 100, Length: 5000, Trials: 20, Subsample: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	for _, meth := range []Method{TrialSeparated, StationaryMean} {
		c, err := Coefficients(data, &CoefficientOptions{Method: meth, KMax: 200, NumBoot: numBoot})
		if err != nil {
			t.Fatal(err)
		}
		if c.Seed != DefaultCoefficientSeed || len(c.Bootstrap) != numBoot {
			t.Fatalf("bootstrap settings not recorded: seed %d, %d replicas", c.Seed, len(c.Bootstrap))
		}
		for s := range c.Steps {
			mean := 0.0
			for _, rep := range c.Bootstrap {
				mean += rep[s] / numBoot
			}
			if d := math.Abs(mean - c.Coefficients[s]); d > tol {
				t.Errorf("MR-8 %s k=%d: bootstrap mean %.4f vs r_k %.4f (|Δ| %.4f > %.4f)", meth, c.Steps[s], mean, c.Coefficients[s], d, tol)
			}
		}
	}
	// A single trial with bootstrap requested is an error, not a panic.
	if _, err := Coefficients(data[:1], &CoefficientOptions{NumBoot: 10}); !errors.Is(err, ErrTooFewTrials) {
		t.Errorf("single trial bootstrap: err = %v, want ErrTooFewTrials", err)
	}
}

// TestDegenerate is MR-9 (criticality.md): pure noise (m = 0) and constant
// series never panic; noise gives τ below one bin, flagged; constant input
// gives ErrConstant.
func TestDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	noise := make([][]float64, 5)
	for i := range noise {
		noise[i], _ = branchproc.IndependentCounts(rng, 1000, 0.05, 5000)
	}
	for _, model := range []Model{Exp, ExpOffset, Complex} {
		nb := 5
		if model == Complex {
			nb = -1 // no start converges on noise: each refit would retry 22 starts × 10⁴ evaluations
		}
		res, err := Analyze(noise, &Options{Models: []Model{model}, KMax: 50, NumBoot: nb})
		if err != nil {
			t.Fatalf("%s: %v", model, err)
		}
		f := res.Fit
		if f.Converged && f.Tau >= 1 && len(f.Flags) == 0 {
			t.Errorf("MR-9 %s: noise gave unflagged τ̂ = %v (m̂ = %v)", model, f.Tau, f.M)
		}
		t.Logf("MR-9 %s on noise: τ̂ = %.3g m̂ = %.3g flags %v", model, f.Tau, f.M, f.Flags)
	}
	constant := [][]float64{make([]float64, 1000), make([]float64, 1000)}
	for i := range constant[1] {
		constant[0][i], constant[1][i] = 3, 3
	}
	if _, err := Analyze(constant, nil); !errors.Is(err, ErrConstant) {
		t.Errorf("constant series: err = %v, want ErrConstant", err)
	}
	if _, err := Analyze(nil, nil); !errors.Is(err, ErrNoData) {
		t.Errorf("no data: err = %v, want ErrNoData", err)
	}
	if _, err := Coefficients([][]float64{make([]float64, 10)}, &CoefficientOptions{Steps: []int{50}}); !errors.Is(err, ErrTooShort) {
		t.Errorf("k > L: err = %v, want ErrTooShort", err)
	}
	if _, err := Analyze([][]float64{{1, 2, 3}, {1, 2}}, nil); !errors.Is(err, ErrRagged) {
		t.Errorf("ragged: err = %v, want ErrRagged", err)
	}
	if _, err := Analyze([][]float64{{1, math.NaN(), 3, 4, 5}}, nil); !errors.Is(err, ErrNonFinite) {
		t.Errorf("NaN input: err = %v, want ErrNonFinite", err)
	}
}

// TestSupercritical is MR-10 (criticality.md, [design]): m = 1.01, h = 0,
// A₀ = 100, 500 steps; the exp fit (negative-τ start) converges to m̂ > 1.
func TestSupercritical(t *testing.T) {
	rng := rand.New(rand.NewPCG(1010, 3))
	a, err := branchproc.Simulate(rng, 1.01, 0, 100, 500)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Analyze([][]float64{a}, &Options{Models: []Model{Exp}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("MR-10: m̂ = %.5f τ̂ = %.1f start %d flags %v", res.M, res.Tau, res.Fit.StartIndex, res.Fit.Flags)
	if !(res.M >= 1.005 && res.M <= 1.015) {
		t.Errorf("MR-10: m̂ = %.5f, want in [1.005, 1.015]", res.M)
	}
}

// TestVarianceIsNotCriticality checks the §2 claims (criticality.md): for
// independent neurons (true m = 0) the naive ratio rises toward 1 with the
// population count while the conventional and MR estimates stay ≈ 0.
func TestVarianceIsNotCriticality(t *testing.T) {
	// nearZero bounds |r₁| for 10 × 5000 independent bins: SD ≈ 1/√5e4 ≈
	// 0.0045, so 0.03 is > 6 SD.
	const nearZero = 0.03
	rng := rand.New(rand.NewPCG(22, 4))
	last := 0.0
	for _, n := range []int{10, 100, 1000, 10000} {
		data := make([][]float64, 10)
		for i := range data {
			data[i], _ = branchproc.IndependentCounts(rng, n, 0.01, 5000)
		}
		res, err := Analyze(data, &Options{KMax: 20, NumBoot: -1, Models: []Model{Exp}})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("N = %5d: naive %.3f conventional %+.4f MR m̂ %.3g flags %v", n, res.MNaive, res.MConventional, res.M, res.Fit.Flags)
		if n == 10 && res.MNaive > 0.2 {
			t.Errorf("naive at N = 10 (mean count 0.1) = %.3f, expected ≈ fraction of non-empty bins ≈ 0.1", res.MNaive)
		}
		last = res.MNaive
		if math.Abs(res.MConventional) > nearZero {
			t.Errorf("N = %d: conventional %.4f not ≈ 0", n, res.MConventional)
		}
		// MR: either τ̂ < 1 bin (m̂ < e^{-1}) or the fit is flagged as noise.
		if res.M > 0.37 && len(res.Fit.Flags) == 0 {
			t.Errorf("N = %d: MR m̂ = %.3f neither ≈ 0 nor flagged", n, res.M)
		}
	}
	// Mean count 100 per bin: E[A'/A] ≈ 1 + 1/100 (Jensen) for Poisson-like
	// counts, so the naive value must be within 0.05 of 1.
	if math.Abs(last-1) > 0.05 {
		t.Errorf("naive estimate at N = 10⁴ is %.3f, expected ≈ 1", last)
	}
}

// TestBootstrapUncertainty checks that the reported m̂ uncertainty matches
// the spread over repetitions in the reference table (criticality.md §4.1,
// row m = 0.98, p = 0.02: SD of m̂ 0.00096 (exp), 0.00111 (exp_offset)).
// The trial bootstrap with 10 trials is itself noisy (relative SE of an SD
// from 10 resampled units ≈ 25 %), so a factor 2.5 either way is allowed.
func TestBootstrapUncertainty(t *testing.T) {
	row := mrRows()[4]
	data := simulateRow(t, row, 204)
	res, err := Analyze(data, &Options{Method: TrialSeparated, Steps: rowSteps(row), Models: []Model{Exp, ExpOffset}})
	if err != nil {
		t.Fatal(err)
	}
	for i, sdTable := range []float64{0.00096, 0.00111} {
		f := res.Fits[i]
		t.Logf("%s: m̂ = %.5f ± %.5f (%s), τ quantiles %.1f", f.Model, f.M, f.MStdErr, f.UncertaintyMethod, f.TauQuantiles)
		if r := f.MStdErr / sdTable; r < 1/2.5 || r > 2.5 {
			t.Errorf("%s: bootstrap SE %.5f vs table SD %.5f (ratio %.2f)", f.Model, f.MStdErr, sdTable, r)
		}
		if f.NumBootFitted < 90 || len(f.TauQuantiles) != 7 {
			t.Errorf("%s: %d replicas refitted, %d quantiles", f.Model, f.NumBootFitted, len(f.TauQuantiles))
		}
	}
	if res.NumBoot != 100 || res.Seed != DefaultCoefficientSeed || res.Method != TrialSeparated || res.KMin != 1 || res.KMax != 250 {
		t.Errorf("settings not reported: %+v", res)
	}
}

type countingReporter struct{ calls, last, total int64 }

func (c *countingReporter) Progress(done, total int64) { c.calls++; c.last, c.total = done, total }

func TestProgressReported(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	_, data, _ := branchproc.SimulateDriven(rng, branchproc.Driven{M: 0.9, Mean: 50, Length: 2000, Trials: 3})
	rep := &countingReporter{}
	if _, err := Analyze(data, &Options{Progress: rep, NumBoot: 10}); err != nil {
		t.Fatal(err)
	}
	if rep.calls == 0 || rep.last != rep.total {
		t.Errorf("progress: %d calls, last %d/%d", rep.calls, rep.last, rep.total)
	}
}
