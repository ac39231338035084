package infobound

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"

	"github.com/engramsim/engram/analysis/info"
	"github.com/engramsim/engram/ratefn"
	"github.com/engramsim/engram/theory/meanfield"
)

// printed is the tolerance for a value the spec prints with 6 decimals
// (half a unit of the last digit).
const printed = 5e-7

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %.9g, want %.9g (tolerance %g)", what, got, want, tol)
	}
}

// IB-1 (stdp-memory.md §6, §5.1): the Gardner routine gives α_c = 2 at
// f = 0.5 (Gardner 1988, widely quoted) to 1e-9. The other values are the
// spec's values of this routine (§5.1, "not checked against the paper"),
// printed with 6 significant digits (f = 0.01: 19.1973) and bits/synapse
// α_c H₂(f) with 4 (1.835, 1.742, 1.551).
func TestIB1Gardner(t *testing.T) {
	g, err := GardnerCapacity(0.5)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "α_c(0.5)", g.AlphaC, 2, 1e-9)
	near(t, "bits/synapse(0.5)", g.BitsPerSynapse, 2, 1e-9)
	for _, c := range []struct{ f, alpha, bits, tolA float64 }{
		{0.1, 3.91290, 1.835, 5e-6}, {0.05, 6.08285, 1.742, 5e-6}, {0.01, 19.1973, 1.551, 5e-5},
	} {
		g, err := GardnerCapacity(c.f)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "α_c(f = "+ftoa(c.f)+")", g.AlphaC, c.alpha, c.tolA)
		near(t, "α_c H₂(f) (f = "+ftoa(c.f)+")", g.BitsPerSynapse, c.bits, 5e-4)
		// the threshold condition holds at the returned v
		if h := (1+g.M)*g1(-g.V) - (1-g.M)*g1(g.V); math.Abs(h) > 1e-12 {
			t.Errorf("f = %g: threshold equation residual %g", c.f, h)
		}
	}
	// sparse limit: bits/synapse decreases towards 1/(2 ln 2) = 0.721348
	// (spec §5.1) "only logarithmically slowly": at f = 1e-6 it is still
	// above it, below the f = 0.01 value.
	g, _ = GardnerCapacity(1e-6)
	if !(g.BitsPerSynapse > 1/(2*math.Ln2) && g.BitsPerSynapse < 1.551) {
		t.Errorf("bits/synapse at f = 1e-6: %v, want in (0.721348, 1.551)", g.BitsPerSynapse)
	}
	for _, f := range []float64{0, 1, -0.1, math.NaN()} {
		if _, err := GardnerCapacity(f); err == nil || !strings.Contains(err.Error(), "coding level") {
			t.Errorf("f = %v: error %v, want one naming the coding level", f, err)
		}
	}
}

// IB-2 (§5.1): Hopfield per-synapse information from (α_c, m) = (0.138,
// 0.967): 0.138 × 0.878690 = 0.121259 bits (derived in the spec).
func TestIB2Hopfield(t *testing.T) {
	near(t, "1 − H₂((1 − m)/2)", 1-H2((1-HopfieldMAtC)/2), 0.878690, printed)
	near(t, "Hopfield I_syn", HopfieldBitsPerSynapse(HopfieldAlphaC, HopfieldMAtC), 0.121259, 1e-6)
	tab := ReferenceTable()
	found := false
	for _, r := range tab {
		if strings.Contains(r.System, "with retrieval errors") {
			found = true
			near(t, "table: Hopfield with errors", r.Value, 0.121259, 1e-6)
		}
		if r.Provenance == "" || r.Unit == "" || !(r.Value > 0) {
			t.Errorf("table row %+v incomplete", r)
		}
	}
	if !found || len(tab) < 10 {
		t.Errorf("reference table has %d rows, Hopfield with errors found: %v", len(tab), found)
	}
	// LKD upper bound α·H₂(f) = 0.025 × 0.286397 = 0.007160 (spec §5.1)
	near(t, "LKD α H₂(0.05)", BitsPerSynapse(0.025, H2(0.05)), 0.007160, printed)
}

// IB-3 (§5.2): the binary asymmetric channel's values, to 1e-6.
func TestIB3BinaryChannel(t *testing.T) {
	for _, c := range []struct{ f, a, b, want float64 }{
		{0.05, 0, 0, 0.286397}, {0.05, 0.1, 0.01, 0.205010}, {0.05, 0.2, 0.02, 0.152998}, {0.5, 0.05, 0.05, 0.713603},
	} {
		near(t, "I_elem(f="+ftoa(c.f)+", a="+ftoa(c.a)+", b="+ftoa(c.b)+")", BinaryChannelBits(c.f, c.a, c.b), c.want, 1e-6)
	}
	// a = b: at f = 0.5 the binary symmetric channel of analysis/info
	near(t, "BSC", BinaryChannelBits(0.5, 0.05, 0.05), info.BSCMutualInfoBits(0.05), 1e-12)
}

// IB-4 (§5.2): the Gaussian lower bound's values (printed with 6
// decimals; the closed form itself equals analysis/info's
// GaussianMIFromRho to 1e-12, "1e-9 (closed form)"), and the Monte Carlo
// check: jointly Gaussian (ξ, Y) with ρ = 0.9, n = 10⁴, KSG within 0.03
// bits of 1.197964 (tolerance from information-correlations.md IT-2).
func TestIB4GaussianBound(t *testing.T) {
	for _, c := range []struct{ rho, want float64 }{
		{0.5, 0.207519}, {0.7304, 0.550001}, {0.9, 1.197964}, {0.95, 1.679227}, {0.99, 2.825544},
	} {
		got := GaussianLowerBoundBits(c.rho)
		near(t, "−½log₂(1−ρ²), ρ = "+ftoa(c.rho), got, c.want, printed)
		near(t, "vs info.GaussianMIFromRho", got, info.GaussianMIFromRho(c.rho)/math.Ln2, 1e-12)
	}
	rng := rand.New(rand.NewPCG(4, 1))
	n := 10000
	x, y := make([][]float64, n), make([][]float64, n)
	s := math.Sqrt(1 - 0.81)
	for i := range n {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		x[i], y[i] = []float64{a}, []float64{0.9*a + s*b}
	}
	e, err := info.KSG(x, y, info.KSG1, &info.KNNOptions{K: 3, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("KSG at ρ = 0.9, n = 10⁴: %.4f bits (closed form 1.197964)", e.Bits())
	near(t, "KSG ρ = 0.9", e.Bits(), 1.197964, 0.03)
}

// IB-5 (§5.3): the symmetric channel's closed form (values printed with
// 6 decimals) and the confusion-matrix estimator on simulated confusions
// (P = 20, s = 0.9, 10⁴ trials, 20 replicates): the plug-in exceeds the
// closed form by the Panzeri–Treves bias, so the PT-corrected mean lies
// within 4 standard errors of the replicate mean of the closed form, while
// the plug-in mean does not (the test of a real bias).
func TestIB5Confusion(t *testing.T) {
	for _, c := range []struct {
		p    int
		s    float64
		want float64
	}{{20, 1, 4.321928}, {20, 0.9, 3.428140}, {20, 0.5, 1.197964}, {10, 0.8, 1.966015}, {5, 0.95, 1.935531}} {
		near(t, "symmetric I, P = "+ftoa(float64(c.p))+", s = "+ftoa(c.s), SymmetricConfusionBits(c.p, c.s), c.want, printed)
	}
	const p, trials, reps, s = 20, 10000, 20, 0.9
	truth := SymmetricConfusionBits(p, s)
	rng := rand.New(rand.NewPCG(5, 1))
	var mp, mc, mc2 float64
	for range reps {
		conf := make([][]int, p)
		for c := range conf {
			conf[c] = make([]int, p+1)
		}
		for range trials {
			c := rng.IntN(p)
			r := c
			if rng.Float64() >= s {
				r = (c + 1 + rng.IntN(p-1)) % p
			}
			conf[c][r]++
		}
		res, err := ConfusionMI(conf)
		if err != nil {
			t.Fatal(err)
		}
		if res.Trials != trials || math.Abs(res.Success-s) > 0.02 || res.UpperBits != math.Log2(p) {
			t.Fatalf("confusion result %+v", res)
		}
		mp += res.PluginBits / reps
		mc += res.Bits / reps
		mc2 += res.Bits * res.Bits / reps
	}
	se := math.Sqrt((mc2 - mc*mc) / (reps - 1))
	t.Logf("P = 20, s = 0.9, 10⁴ trials: plug-in %.5f, PT-corrected %.5f ± %.5f bits, closed form %.6f", mp, mc, se, truth)
	if math.Abs(mc-truth) > 4*se {
		t.Errorf("PT-corrected mean %.5f ± %.5f differs from the closed form %.6f by > 4 SE", mc, se, truth)
	}
	if mp-truth < 4*se {
		t.Errorf("plug-in mean %.5f shows no bias above %.6f (SE %.5f): the test would not detect a missing correction", mp, truth, se)
	}
}

func TestConfusionBadInput(t *testing.T) {
	for _, c := range []struct {
		name string
		m    [][]int
		want string
	}{
		{"one row", [][]int{{1, 0}}, "need ≥ 2"},
		{"columns", [][]int{{1, 0, 0, 0}, {0, 1, 0, 0}}, "columns"},
		{"ragged", [][]int{{1, 0}, {0, 1, 0}}, "row 1"},
		{"negative", [][]int{{1, -1}, {0, 1}}, "negative"},
		{"empty", [][]int{{0, 0}, {0, 0}}, "empty"},
	} {
		if _, err := ConfusionMI(c.m); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

// toyAttractor simulates trials of a memory with P disjoint assemblies of
// u units each: the cued assembly's units fire at rate hi (success s) or a
// random other's (failure), the rest at lo; spike counts are Poisson.
// Retrieved = the assembly with the largest count sum if it exceeds thr,
// else P (none).
func toyAttractor(rng *rand.Rand, p, u, trials int, s, lo, hi float64, thr int) (cue, ret []int, resp [][]int) {
	pois := func(l float64) int {
		k, q := 0, math.Exp(-l)
		for x := rng.Float64(); x > q; x *= rng.Float64() {
			k++
		}
		return k
	}
	for range trials {
		c := rng.IntN(p)
		act := c
		if rng.Float64() >= s {
			act = rng.IntN(p)
		}
		row := make([]int, p*u)
		best, bs := p, thr
		for a := range p {
			sum := 0
			for k := range u {
				l := lo
				if a == act {
					l = hi
				}
				row[a*u+k] = pois(l)
				sum += row[a*u+k]
			}
			if sum > bs {
				best, bs = a, sum
			}
		}
		cue, ret, resp = append(cue, c), append(ret, best), append(resp, row)
	}
	return
}

// IB-6 (§5.3–5.4): the chain I(C; R̂) ≤ I(C; R) ≤ H(R) ≤ Σ H(r_k) ≤
// Σ log₂ n_k and I(C; R̂) ≤ H(R̂) ≤ log₂(P + 1) holds on simulated attractor
// trials (the plug-in values exactly; the corrected ones are not checked) and on
// their shuffled control, the assembly structure gives a TC above the
// control's (§5.4 [design]), and Check reports a chain whose numbers
// violate an inequality.
func TestIB6Chain(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	cue, ret, resp := toyAttractor(rng, 4, 2, 20000, 0.85, 0.1, 2, 2)
	c, err := NewChain(4, cue, ret, resp)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("chain: I(C;R̂) %.3f ≤ I(C;R) %.3f ≤ H(R) %.3f ≤ ΣH %.3f ≤ %.3f; H(R̂) %.3f ≤ %.3f; TC %.3f bits",
		c.MICueRetrieved.Bits, c.MICueResponse.Bits, c.HResponse.Bits, c.SumHUnits.Bits, c.UnitsBoundBits, c.HRetrieved.Bits, c.RetrievedBoundBits, c.TotalCorrelation.Bits)
	if !c.RetrievedIsFunctionOfR {
		t.Error("the retrieved label is computed from the counts but RetrievedIsFunctionOfR is false")
	}
	if bad := c.Check(); bad != nil {
		t.Errorf("chain violated: %v", bad)
	}
	if !(c.TotalCorrelation.Bits > 0.1) || !(c.MICueRetrieved.Bits > 0.5) {
		t.Errorf("attractor trials: TC = %.3f, I(C;R̂) = %.3f bits; want clearly > 0", c.TotalCorrelation.Bits, c.MICueRetrieved.Bits)
	}
	// the shuffled control (§5.4, §3.5): each unit's responses permuted
	// across trials keep the marginals and destroy the correlations; the
	// attractor's TC must exceed it (Miller–Madow values on the same
	// number of trials, so the estimators' biases are comparable)
	sh := make([][]int, len(resp))
	for t := range sh {
		sh[t] = make([]int, len(resp[0]))
	}
	for k := range resp[0] {
		perm := rng.Perm(len(resp))
		for t, s := range perm {
			sh[t][k] = resp[s][k]
		}
	}
	cs, err := NewChain(4, cue, ret, sh)
	if err != nil {
		t.Fatal(err)
	}
	if bad := cs.Check(); bad != nil {
		t.Errorf("shuffled chain violated: %v", bad)
	}
	t.Logf("TC: attractor %.3f bits, shuffled control %.3f bits", c.TotalCorrelation.Bits, cs.TotalCorrelation.Bits)
	if !(c.TotalCorrelation.Bits > cs.TotalCorrelation.Bits+0.5) || cs.RetrievedIsFunctionOfR {
		t.Errorf("TC(attractor) = %.3f not above TC(shuffled) = %.3f + 0.5 bits (R̂ function of shuffled R: %v)", c.TotalCorrelation.Bits, cs.TotalCorrelation.Bits, cs.RetrievedIsFunctionOfR)
	}
	// a chain with impossible numbers is caught
	bad := c
	bad.HRetrieved.PluginBits, bad.HRetrieved.Bits = 5, 5
	if v := bad.Check(); len(v) == 0 || !strings.Contains(strings.Join(v, ";"), "H(R̂) ≤ log₂(P + 1)") {
		t.Errorf("violation not reported: %v", v)
	}
}

func TestChainBadInput(t *testing.T) {
	ok := [][]int{{0, 1}, {1, 0}}
	for _, c := range []struct {
		name     string
		p        int
		cue, ret []int
		resp     [][]int
		want     string
	}{
		{"P", 1, []int{0, 0}, []int{0, 0}, ok, "P = 1"},
		{"empty", 2, nil, nil, nil, "no trials"},
		{"lengths", 2, []int{0, 1}, []int{0}, ok, "one of each"},
		{"cue", 2, []int{0, 2}, []int{0, 1}, ok, "cue 2"},
		{"retrieved", 2, []int{0, 1}, []int{0, 3}, ok, "retrieved label 3"},
		{"units", 2, []int{0, 1}, []int{0, 1}, [][]int{{0, 1}, {1}}, "units"},
		{"negative", 2, []int{0, 1}, []int{0, 1}, [][]int{{0, 1}, {-1, 0}}, "negative"},
	} {
		if _, err := NewChain(c.p, c.cue, c.ret, c.resp); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestClosedFormsPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"H2(1.5)":          func() { H2(1.5) },
		"channel a = −0.1": func() { BinaryChannelBits(0.1, -0.1, 0) },
		"ρ = 1":            func() { GaussianLowerBoundBits(1) },
		"P = 1":            func() { SymmetricConfusionBits(1, 0.5) },
		"m = 2":            func() { HopfieldBitsPerSynapse(0.1, 2) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "infobound: ") {
					t.Errorf("%s: panic %v, want an infobound: message", name, r)
				}
			}()
			f()
		}()
	}
}

// PBCorrelation against a naive Monte Carlo reference (2·10⁵ draws of ξ
// and z at the medians' retrieval state at α = 0.12): ρ within 4 SE
// ((1 − ρ²)/√n), mean and SD of r within 1 %; ⟨r⟩ and √Var r also agree
// with the mean-field state's own moments to 1e-4 relative (different
// quadrature rules). The bound at α = 0.12 and α_c is logged.
func TestPBRetrieval(t *testing.T) {
	tf, rule := ratefn.MedianTransfer(), ratefn.MedianRule()
	res, err := meanfield.Solve(tf, rule, 0.12, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := rule.Centre(tf)
	if err != nil {
		t.Fatal(err)
	}
	q, d := res.Retrieval.Q, res.Retrieval.Delta
	rho, mean, sd := PBCorrelation(tf, st.Rule, q, d)
	rng := rand.New(rand.NewPCG(7, 1))
	const n = 200000
	var sx, sr, sxx, srr, sxr float64
	for range n {
		x, z := rng.NormFloat64(), rng.NormFloat64()
		r := tf.Rate(st.Rule.A*st.Rule.F.Eval(tf.Rate(x))*q + math.Sqrt(d)*z)
		sx, sr, sxx, srr, sxr = sx+x, sr+r, sxx+x*x, srr+r*r, sxr+x*r
	}
	mx, mr := sx/n, sr/n
	// rank-Gaussianised reference: ranks of the sampled rates
	rankRho := mcRankRho(rng, tf, st.Rule, q, d, 50000)
	gotRank := PBRankCorrelation(tf, st.Rule, q, d)
	t.Logf("rank-Gaussianised ρ = %.5f (Monte Carlo %.5f)", gotRank, rankRho)
	near(t, "rank ρ vs Monte Carlo", gotRank, rankRho, 4*(1-gotRank*gotRank)/math.Sqrt(50000))
	mcRho := (sxr/n - mx*mr) / math.Sqrt((sxx/n-mx*mx)*(srr/n-mr*mr))
	t.Logf("α = 0.12: ρ = %.5f (Monte Carlo %.5f), ⟨r⟩ = %.3f Hz, SD %.3f Hz, m = %.3f", rho, mcRho, mean, sd, res.Retrieval.M)
	near(t, "ρ vs Monte Carlo", rho, mcRho, 4*(1-rho*rho)/math.Sqrt(n))
	near(t, "⟨r⟩ vs Monte Carlo", mean, mr, 0.01*mr)
	near(t, "⟨r⟩ vs mean field", mean, res.Retrieval.MeanRateHz, 1e-4*mean)
	near(t, "SD r vs mean field", sd, res.Retrieval.SDRateHz, 1e-4*sd)
	pb, err := PBRetrieval(tf, rule, 0.12, nil)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "bits/synapse", pb.BitsPerSynapse, 0.12*GaussianLowerBoundBits(math.Max(rho, gotRank)), 1e-12)
	t.Logf("rate memory (medians) at α = 0.12: I_elem ≥ %.4f bits, I_syn ≥ %.5f bits/synapse", pb.IElemBits, pb.BitsPerSynapse)
	if _, err := PBRetrieval(tf, rule, -1, nil); err == nil {
		t.Error("α = −1 accepted")
	}
	if _, err := PBRetrieval(tf, rule, 0.1, &meanfield.Options{FiniteK: 100}); err == nil || !strings.Contains(err.Error(), "FiniteK") {
		t.Errorf("FiniteK: %v", err)
	}
	// the bound along the load axis (the retrieval branch ends at α_c =
	// 0.5601, meanfield R4): the largest α·I_elem is logged
	curve, best, err := PBCurve(tf, rule, []float64{0.1, 0.3, 0.4, 0.5}, nil)
	if err != nil || best < 0 {
		t.Fatalf("curve: %v (best %d)", err, best)
	}
	for _, c := range curve {
		t.Logf("α = %.2f: m = %.3f, ρ = %.4f (identity %.4f, rank %.4f), I_syn ≥ %.5f bits/synapse", c.Alpha, c.M, c.Rho, c.RhoIdentity, c.RhoRank, c.BitsPerSynapse)
		// the bound uses the larger of the two correlations (spec §5.2)
		if c.Rho != math.Max(c.RhoIdentity, c.RhoRank) || c.IElemBits != GaussianLowerBoundBits(c.Rho) {
			t.Errorf("α = %.2f: ρ %.6g (identity %.6g, rank %.6g), I_elem %.6g ≠ bound(ρ) %.6g", c.Alpha, c.Rho, c.RhoIdentity, c.RhoRank, c.IElemBits, GaussianLowerBoundBits(c.Rho))
		}
	}
	beyond, err := PBRetrieval(tf, rule, 0.9, nil)
	if err != nil || beyond.Exists || beyond.BitsPerSynapse != 0 {
		t.Errorf("α = 0.9 beyond capacity 0.56: %+v, %v", beyond, err)
	}
}

// mcRankRho samples n (ξ, r) pairs of the retrieval state and returns the
// sample correlation of ξ with the rank-Gaussianised r (mid-ranks).
func mcRankRho(rng *rand.Rand, tf ratefn.Transfer, rule ratefn.Rule, q, d float64, n int) float64 {
	type xr struct{ x, r float64 }
	s := make([]xr, n)
	for i := range s {
		x, z := rng.NormFloat64(), rng.NormFloat64()
		s[i] = xr{x, tf.Rate(rule.A*rule.F.Eval(tf.Rate(x))*q + math.Sqrt(d)*z)}
	}
	slices.SortFunc(s, func(a, b xr) int { return cmp.Compare(a.r, b.r) })
	x, y := make([]float64, n), make([]float64, n)
	for i := range s {
		x[i] = s[i].x
		y[i] = math.Sqrt2 * math.Erfinv(2*(float64(i)+0.5)/float64(n)-1)
	}
	return stat.Correlation(x, y, nil)
}

// GaussianBoundFromSamples: jointly Gaussian (ξ, y) with ρ = 0.9 (n = 10⁴)
// give ρ within 4 SE and the bound near 1.197964 bits (§5.2); a monotone
// distortion y = exp(3y) lowers the identity correlation but not the rank
// one (the bound is transform-invariant via ranks); bad input is an error.
func TestGaussianBoundFromSamples(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 1))
	n := 10000
	xi, y, ye := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		xi[i] = rng.NormFloat64()
		y[i] = 0.9*xi[i] + math.Sqrt(1-0.81)*rng.NormFloat64()
		ye[i] = math.Exp(3 * y[i])
	}
	b, err := GaussianBoundFromSamples(xi, y)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "ρ", b.Rho, 0.9, 4*b.RhoSE)
	near(t, "I_elem", b.IElemBits, 1.197964, 0.03)
	e, err := GaussianBoundFromSamples(xi, ye)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ρ: Gaussian %.4f (rank %.4f); exp-distorted identity %.4f, rank %.4f", b.RhoIdentity, b.RhoRank, e.RhoIdentity, e.RhoRank)
	if !(e.RhoIdentity < 0.7) || math.Abs(e.RhoRank-b.RhoRank) > 1e-12 || e.Rho != e.RhoRank {
		t.Errorf("distorted: identity %v, rank %v (undistorted rank %v)", e.RhoIdentity, e.RhoRank, b.RhoRank)
	}
	for name, c := range map[string][2][]float64{
		"lengths":  {{1, 2, 3}, {1, 2}},
		"few":      {{1, 2}, {1, 2}},
		"NaN":      {{1, 2, math.NaN()}, {1, 2, 3}},
		"constant": {{1, 2, 3}, {1, 1, 1}},
	} {
		if _, err := GaussianBoundFromSamples(c[0], c[1]); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
