package analyze

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/engramsim/engram/analysis/activityio"
	"github.com/engramsim/engram/analysis/corr"
	"github.com/engramsim/engram/analysis/info"
	"github.com/engramsim/engram/analysis/spiketrain"
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/plot"
	"github.com/engramsim/engram/report"
	"github.com/engramsim/engram/store"
)

// samples is one variable read from a file: replicates × samples × dims.
type samples struct {
	file string
	reps [][][]float64 // [replicate][sample][dim]
}

func (s *samples) n() int    { return len(s.reps[0]) }
func (s *samples) dims() int { return len(s.reps[0][0]) }

// readNPYSamples reads an .npy as samples (see infoInputHelp).
func readNPYSamples(mem *memCheck, path string, replicates bool) (*samples, error) {
	f, err := store.OpenNPY(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := f.Header
	if !h.Numeric() {
		return nil, fmt.Errorf("%s: dtype %s is not numeric", path, h.DType)
	}
	if h.Len() == 0 {
		return nil, fmt.Errorf("%s: empty array (shape %v)", path, h.Shape)
	}
	sh := h.Shape
	want := "1-D (samples) or 2-D (samples × dims)"
	if replicates {
		want = "2-D (replicates × samples) or 3-D (replicates × samples × dims) with --replicates"
	}
	nd := len(sh)
	if replicates {
		nd--
	}
	if nd < 1 || nd > 2 {
		return nil, fmt.Errorf("%s: shape %v: want %s", path, sh, want)
	}
	// decoded data plus the row headers of the [][]float64 views
	rows := int64(h.Len())
	if nd == 2 {
		rows /= int64(sh[len(sh)-1])
	}
	if err := mem.check(h.DecodedBytes()+24*rows+int64(len(sh))*24, fmt.Sprintf("reading %s (%v)", path, sh)); err != nil {
		return nil, err
	}
	a, err := f.Read()
	if err != nil {
		return nil, err
	}
	r, n, d := 1, sh[0], 1
	if replicates {
		r, n = sh[0], sh[1]
		if nd == 2 {
			d = sh[2]
		}
	} else if nd == 2 {
		d = sh[1]
	}
	s := &samples{file: path, reps: make([][][]float64, r)}
	for k := range r {
		s.reps[k] = make([][]float64, n)
		for i := range n {
			off := (k*n + i) * d
			s.reps[k][i] = a.Data[off : off+d : off+d]
		}
	}
	return s, nil
}

// readColumns reads the named columns of a text table as variables.
func readColumns(mem *memCheck, path, columns string, want int) ([]*samples, error) {
	names := strings.Split(columns, ",")
	if len(names) != want {
		return nil, fmt.Errorf("--columns %q: want %d column names or indices", columns, want)
	}
	f, size, err := store.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	f.Close()
	// parsed values (≤ (size+1)/2 of 8 bytes, doubled while growing) and line breaks
	if err := mem.check(2*8*((size+1)/2)+2*16*(size/3)+4*size, fmt.Sprintf("reading %s (%d bytes of text)", path, size)); err != nil {
		return nil, err
	}
	t, err := activityio.ReadTable(path)
	if err != nil {
		return nil, err
	}
	var out []*samples
	for _, nm := range names {
		nm = strings.TrimSpace(nm)
		j := -1
		if k, err := strconv.Atoi(nm); err == nil {
			if k < 1 || k > t.Columns() {
				return nil, fmt.Errorf("%s: column %d out of range (the table has %d columns)", path, k, t.Columns())
			}
			j = k - 1
		} else if j = t.Find(nm); j < 0 {
			return nil, fmt.Errorf("%s: no column named %q (header: %s)", path, nm, strings.Join(t.Header, ", "))
		}
		s := &samples{file: fmt.Sprintf("%s[%s]", path, t.ColumnName(j)), reps: [][][]float64{make([][]float64, t.Rows())}}
		for i := range t.Rows() {
			s.reps[0][i] = []float64{t.At(i, j)}
		}
		out = append(out, s)
	}
	return out, nil
}

// checkFiniteSamples names the first NaN/Inf and the first constant column.
func (s *samples) check(continuous bool) error {
	for k, rep := range s.reps {
		where := ""
		if len(s.reps) > 1 {
			where = fmt.Sprintf("replicate %d, ", k)
		}
		for i, row := range rep {
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("%s: %ssample %d, dimension %d is %v (not finite)", s.file, where, i, j, v)
				}
			}
		}
		if continuous {
			for j := range rep[0] {
				c := true
				for i := 1; i < len(rep) && c; i++ {
					c = rep[i][j] == rep[0][j]
				}
				if c {
					return fmt.Errorf("%s: %sdimension %d is constant (%v in all %d samples): the covariance is singular", s.file, where, j, rep[0][j], len(rep))
				}
			}
		}
	}
	return nil
}

// labels converts replicate k to integer labels (1-D) or rows (units).
func (s *samples) labels(k int) ([]int, [][]int, error) {
	rep := s.reps[k]
	where := ""
	if len(s.reps) > 1 {
		where = fmt.Sprintf("replicate %d, ", k)
	}
	flat := make([]int, 0, len(rep)*len(rep[0]))
	for i, row := range rep {
		for j, v := range row {
			if v < 0 || v != math.Trunc(v) || v > 1<<40 {
				return nil, nil, fmt.Errorf("%s: %ssample %d, unit %d is %v: discrete labels must be integers ≥ 0 (use a continuous estimator for real-valued data)", s.file, where, i, j, v)
			}
			flat = append(flat, int(v))
		}
	}
	if len(rep[0]) == 1 {
		return flat, nil, nil
	}
	d := len(rep[0])
	r := make([][]int, len(rep))
	for i := range r {
		r[i] = flat[i*d : (i+1)*d]
	}
	return nil, r, nil
}

// ComputeInfo reads the variables, checks them and runs the estimator on
// each replicate.
//
// what is mi or entropy; the files are in.X and (mi, unless in.Columns
// reads both from X) in.Y.
func ComputeInfo(ae *Env, what string, in InfoInput, fs InfoSettings) (*Run, error) {
	f := &fs
	args := []string{in.X}
	if in.Y != "" {
		args = append(args, in.Y)
	}
	est := strings.ToLower(f.Estimator)
	if what == "entropy" && slices.Contains([]string{"panzeri-treves", "shuffle", "ksg1", "ksg2", "gaussian-copula"}, est) {
		return nil, fmt.Errorf("--estimator %q estimates information, not entropy (want plugin, miller-madow, quadratic-extrapolation, nsb, gaussian, gaussian-wishart, kl)", f.Estimator)
	}
	if what == "mi" && est == "kl" {
		return nil, fmt.Errorf("--estimator kl estimates entropy; for information use ksg1 or ksg2")
	}
	continuous := slices.Contains(ContinuousEstimators, est)
	if !continuous && !slices.Contains(DiscreteEstimators, est) {
		return nil, fmt.Errorf("--estimator %q: unknown (want %s)", f.Estimator, strings.Join(append(slices.Clone(ContinuousEstimators), DiscreteEstimators...), ", "))
	}
	if f.K < 1 {
		return nil, fmt.Errorf("--k %d must be ≥ 1", f.K)
	}
	if f.Bins < 0 || f.BinsY < 0 {
		return nil, fmt.Errorf("--bins and --bins-y must be ≥ 0")
	}
	nvar := 2
	if what == "entropy" {
		nvar = 1
	}
	mem := ae.memCheck(what, strings.Join(args, ", "))
	var vars []*samples
	var err error
	switch {
	case in.Columns != "":
		if len(args) != 1 {
			return nil, fmt.Errorf("--columns reads both variables from one text file; give exactly one file (got %d)", len(args))
		}
		if in.Replicates {
			return nil, fmt.Errorf("--replicates needs .npy arrays, not --columns")
		}
		if vars, err = readColumns(mem, args[0], in.Columns, nvar); err != nil {
			return nil, err
		}
	case len(args) != nvar:
		return nil, fmt.Errorf("%s needs %d .npy file(s) (or one text file with --columns); got %d", what, nvar, len(args))
	default:
		for _, p := range args {
			if !strings.EqualFold(filepathExt(p), ".npy") {
				return nil, fmt.Errorf("%s: give .npy arrays, or one delimited text file with --columns", p)
			}
			s, err := readNPYSamples(mem, p, in.Replicates)
			if err != nil {
				return nil, err
			}
			vars = append(vars, s)
		}
	}
	x := vars[0]
	var y *samples
	if nvar == 2 {
		y = vars[1]
		if len(x.reps) != len(y.reps) {
			return nil, fmt.Errorf("%s has %d replicates, %s has %d", x.file, len(x.reps), y.file, len(y.reps))
		}
		if x.n() != y.n() {
			return nil, fmt.Errorf("mismatched sample counts: %s has %d samples, %s has %d", x.file, x.n(), y.file, y.n())
		}
	}
	if x.n() < 2 {
		return nil, fmt.Errorf("%s: %d sample(s) per data set: too few (with --replicates the first axis counts data sets)", x.file, x.n())
	}
	for _, v := range vars {
		if err := v.check(continuous); err != nil {
			return nil, err
		}
		if !continuous {
			for k := range v.reps {
				if _, _, err := v.labels(k); err != nil {
					return nil, err
				}
			}
		}
	}
	n := x.n()
	if (est == "ksg1" || est == "ksg2" || est == "kl") && f.K >= n {
		return nil, fmt.Errorf("%s: --k %d neighbours need more samples than k (N = %d)", x.file, f.K, n)
	}
	// the analysis: flat copies, trees and counts, per replicate
	d := x.dims()
	if y != nil {
		d += y.dims()
	}
	live := int64(n) * int64(d) * 8 * 8
	if !continuous {
		alpha, err := alphabetBytes(x, y, f)
		if err != nil {
			return nil, err
		}
		live += alpha
	}
	if err := mem.check(live, fmt.Sprintf("%s by %s, %d samples × %d dims", what, est, n, d)); err != nil {
		return nil, err
	}
	seed := f.Seed
	var ests []info.Estimate
	for k := range x.reps {
		e, err := runEstimator(what, est, x, y, k, f, seed+uint64(k))
		if err != nil {
			files := x.file
			if y != nil {
				files += ", " + y.file
			}
			if len(x.reps) > 1 {
				files += fmt.Sprintf(" (replicate %d)", k)
			}
			return nil, fmt.Errorf("%s: %w", files, err)
		}
		ests = append(ests, e)
	}
	e := ests[0]
	key := "mi"
	if what == "entropy" {
		key = "h"
	}
	r := &Run{name: "analyze-" + what, file: strings.Join(args, ", "), seed: seed, memEstimate: mem.estimate()}
	r.headline = map[string]any{key + "_nats": e.Value, key + "_bits": e.Bits(), key + "_stderr_bits": e.StdErrBits(),
		"bias_correction_bits": e.BiasCorrection / info.Ln2, "estimator": est, "n": n}
	r.summary = map[string]any{"method": e.Method, "uncertainty": e.Uncertainty, "plugin_bits": e.Plugin / info.Ln2, "settings": settingsMap(e.Settings)}
	if len(ests) > 1 {
		vals := make([]float64, len(ests))
		for i, v := range ests {
			vals[i] = v.Bits()
		}
		m, sd := stat.MeanStdDev(vals, nil)
		var bc float64
		for _, v := range ests {
			bc += v.BiasCorrection / info.Ln2 / float64(len(ests))
		}
		r.headline[key+"_bits"], r.headline[key+"_nats"] = m, m*info.Ln2
		r.headline[key+"_stderr_bits"] = sd / math.Sqrt(float64(len(vals)))
		r.headline["bias_correction_bits"] = bc
		r.headline["replicates"] = map[string]any{"mean_bits": m, "sd_bits": sd, "n": len(vals)}
		r.summary["replicate_bits"] = vals
	}
	r.write = func(env *experiment.Env) error { return writeInfo(env, what, est, vars, ests) }
	return r, nil
}

func filepathExt(p string) string {
	if i := strings.LastIndexByte(p, '.'); i >= 0 && !strings.ContainsRune(p[i:], '/') {
		return p[i:]
	}
	return ""
}

// alphabetBytes bounds the histograms of the discrete estimators (the
// joint alphabet of X and Y), which labels far above the sample count
// could make huge.
func alphabetBytes(x, y *samples, f *InfoSettings) (int64, error) {
	mx := func(s *samples, given int) float64 {
		if given > 0 {
			return float64(given)
		}
		m := 0.0
		for _, rep := range s.reps {
			for _, row := range rep {
				for _, v := range row {
					m = math.Max(m, v)
				}
			}
		}
		return m + 1
	}
	k := mx(x, f.Bins)
	if y != nil && y.dims() == 1 {
		k *= mx(y, f.BinsY)
	}
	if k > 1<<31 {
		return 0, fmt.Errorf("%s: the discrete alphabet (%.4g bins) is too large: relabel the values 0..K−1", x.file, k)
	}
	return int64(k) * 8 * 3, nil
}

func runEstimator(what, est string, x, y *samples, k int, f *InfoSettings, seed uint64) (info.Estimate, error) {
	knn := &info.KNNOptions{K: f.K, Noise: f.Noise, Seed: seed}
	if f.Noise == 0 {
		knn.Noise = -1
	}
	switch est {
	case "gaussian", "gaussian-wishart", "gaussian-copula":
		o := &info.GaussOptions{NoWishart: est == "gaussian"}
		switch {
		case what == "entropy":
			return info.GaussianEntropyEstimate(x.reps[k], o)
		case est == "gaussian-copula":
			return info.GaussianCopulaMI(x.reps[k], y.reps[k], o)
		}
		return info.GaussianMIEstimate(x.reps[k], y.reps[k], o)
	case "ksg1", "ksg2":
		alg := info.KSG1
		if est == "ksg2" {
			alg = info.KSG2
		}
		return info.KSG(x.reps[k], y.reps[k], alg, knn)
	case "kl":
		return info.KozachenkoLeonenko(x.reps[k], knn)
	}
	lx, rx, err := x.labels(k)
	if err != nil {
		return info.Estimate{}, err
	}
	if rx != nil {
		return info.Estimate{}, fmt.Errorf("%s: discrete estimators take 1-D labels for X (got %d columns)", x.file, x.dims())
	}
	o := &info.DiscreteOptions{KX: f.Bins, KY: f.BinsY, Seed: seed, PTCount: info.PTCount(f.PTBins)}
	switch o.PTCount {
	case "", info.PTAlphabet, info.PTOccupied, info.PTBayes:
	default:
		return info.Estimate{}, fmt.Errorf("--pt-bins %q: want alphabet, occupied or bayes", f.PTBins)
	}
	m := info.DiscreteMethod(est)
	if what == "entropy" {
		if m == info.NSB && f.Bins > 0 {
			o.NSB = &info.NSBOptions{K: f.Bins}
		}
		return info.Entropy(lx, m, o)
	}
	ly, ry, err := y.labels(k)
	if err != nil {
		return info.Estimate{}, err
	}
	if m == info.Shuffle {
		if ry == nil {
			ry = make([][]int, len(ly))
			for i, v := range ly {
				ry[i] = []int{v}
			}
		}
		return info.MutualInfoShuffle(lx, ry, o)
	}
	if ry != nil {
		w, _, err := info.Words(ry)
		if err != nil {
			return info.Estimate{}, fmt.Errorf("%s: %w", y.file, err)
		}
		ly = w
	}
	return info.MutualInfo(lx, ly, m, o)
}

func settingsMap(s info.Settings) map[string]any {
	return map[string]any{"n": s.N, "dims": s.Dims, "bins": s.Bins, "occupied": s.Occupied, "k": s.K, "noise": s.Noise,
		"subsets": s.Subsets, "resamples": s.Resamples, "seed": s.Seed, "wishart": s.Wishart}
}

func writeInfo(env *experiment.Env, what, est string, vars []*samples, ests []info.Estimate) error {
	header := []string{"replicate", "value_nats", "value_bits", "stderr_bits", "plugin_bits", "bias_correction_bits", "method", "uncertainty", "n"}
	var rows [][]string
	for k, e := range ests {
		rows = append(rows, []string{fmt.Sprint(k), formatNum(e.Value), formatNum(e.Bits()), formatNum(e.StdErrBits()), formatNum(e.Plugin / info.Ln2), formatNum(e.BiasCorrection / info.Ln2), e.Method, e.Uncertainty, fmt.Sprint(e.Settings.N)})
	}
	if err := writeTextTSV(env.Path("res", "estimates.tsv"), header, rows); err != nil {
		return err
	}
	r := env.Report
	r.Section("Input")
	var files []string
	for _, v := range vars {
		files = append(files, fmt.Sprintf("%s: %d replicate(s) × %d samples × %d dims", v.file, len(v.reps), v.n(), v.dims()))
	}
	r.Paragraph(strings.Join(files, "\n\n"))
	title := map[string]string{"mi": "Mutual information", "entropy": "Entropy"}[what]
	r.Section(title)
	e := ests[0]
	r.KeyValues(e.Method+" ("+est+")", []report.KV{
		{Key: "value", Value: fmt.Sprintf("%.5g ± %.2g", e.Bits(), e.StdErrBits()), Unit: "bits"},
		{Key: "plug-in (uncorrected)", Value: formatNum(e.Plugin / info.Ln2), Unit: "bits"},
		{Key: "bias correction", Value: formatNum(e.BiasCorrection / info.Ln2), Unit: "bits"},
		{Key: "uncertainty", Value: e.Uncertainty},
		{Key: "samples", Value: fmt.Sprint(e.Settings.N)},
	})
	r.Table("per replicate (res/estimates.tsv)", header, rows)
	return nil
}

// readBinned opens a per-neuron input and reads it as neurons × bins.
func readBinned(f *ActivityInput, mem *memCheck, path string) (*spiketrain.Binned, error) {
	o, err := f.Options()
	if err != nil {
		return nil, err
	}
	if o.BinMeanIEI {
		return nil, fmt.Errorf("--bin mean-iei pools neurons; per-neuron analyses need --bin-ms")
	}
	in, err := activityio.Open(path, o)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	lay := in.Layout()
	if err := mem.check(2*lay.ReadBytes, "reading "+layoutString(lay)); err != nil {
		return nil, err
	}
	in.SetMaxCells(mem.cellsLeft(2 * lay.ReadBytes))
	return in.ReadBinned()
}

// ComputeCorr computes the count correlations of the per-neuron activity
// in cfg.Input.File.
func ComputeCorr(ae *Env, cfg *CorrConfig) (*Run, error) {
	f, in, file := &cfg.Corr, &cfg.Input, cfg.Input.File
	if !(f.Alpha > 0 && f.Alpha <= 1) {
		return nil, fmt.Errorf("--alpha %v must be in (0, 1]", f.Alpha)
	}
	if f.MaxOrder < 1 {
		return nil, fmt.Errorf("--max-order %d must be ≥ 1", f.MaxOrder)
	}
	mem := ae.memCheck("corr", file)
	b, err := readBinned(in, mem, file)
	if err != nil {
		return nil, err
	}
	// the counts, their centred copy and the N×N covariance and correlation
	n := int64(b.Neurons)
	if err := mem.check(2*8*int64(len(b.Counts))+3*8*n*n, fmt.Sprintf("%d neurons × %d bins", b.Neurons, b.Bins)); err != nil {
		return nil, err
	}
	ps, err := corr.CountCorrelation(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	bin := b.Binary()
	pk, err := corr.CountDistribution(bin.PopulationCounts())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p := make([]float64, b.Neurons)
	for i := range p {
		for _, v := range bin.Row(i) {
			p[i] += v / float64(b.Bins)
		}
	}
	ind := corr.PoissonBinomial(p)
	pop := b.PopulationCounts()
	ks, err := corr.KStatistics(pop)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	r := &Run{name: "analyze-corr", file: file, memEstimate: mem.estimate()}
	cub, cerr := corr.CuBIC(pop, &corr.CuBICOptions{Alpha: f.Alpha, MaxOrder: f.MaxOrder})
	r.headline = map[string]any{"rho_mean": ps.Mean, "rho_sd": ps.SD, "pairs": ps.Pairs, "neurons": b.Neurons, "bins": b.Bins,
		"bin_ms": nanIfZero(b.BinMs), "k1": ks.K1, "k2": ks.K2, "k3": ks.K3, "cubic_xi_hat": nil, "cubic_p_values": []float64{}, "cubic_aborted": false}
	if cerr != nil {
		r.warnings = append(r.warnings, "CuBIC not run: "+cerr.Error())
	} else {
		r.headline["cubic_xi_hat"], r.headline["cubic_p_values"], r.headline["cubic_aborted"] = cub.XiHat, cub.PValues, cub.Aborted
		if cub.Aborted {
			r.warnings = append(r.warnings, fmt.Sprintf("CuBIC aborted: every order up to %d rejected", f.MaxOrder))
		}
	}
	if ps.Silent > 0 {
		r.warnings = append(r.warnings, fmt.Sprintf("%d of %d neurons have constant counts and are left out of ρ", ps.Silent, b.Neurons))
	}
	r.summary = map[string]any{"silent": ps.Silent, "mean_count_per_bin": ps.MeanCountBin, "p_k": pk, "p_k_independent": ind,
		"alpha": f.Alpha, "max_order": f.MaxOrder, "settings": in.Settings()}
	r.write = func(env *experiment.Env) error { return writeCorr(env, file, b, ps, pk, ind, ks, cub) }
	return r, nil
}

func writeCorr(env *experiment.Env, file string, b *spiketrain.Binned, ps *corr.PairStats, pk, ind []float64, ks corr.KStats, cub *corr.CuBICResult) error {
	var ri, rj, rv []float64
	for i := range b.Neurons {
		for j := i + 1; j < b.Neurons; j++ {
			if v := ps.Rho.At(i, j); !math.IsNaN(v) {
				ri, rj, rv = append(ri, float64(i)), append(rj, float64(j)), append(rv, v)
			}
		}
	}
	if err := store.WriteTSV(env.Path("res", "pairs.tsv"), []string{"i", "j", "rho"}, ri, rj, rv); err != nil {
		return err
	}
	kk := make([]float64, max(len(pk), len(ind)))
	po, pi := make([]float64, len(kk)), make([]float64, len(kk))
	for k := range kk {
		kk[k] = float64(k)
		if k < len(pk) {
			po[k] = pk[k]
		}
		if k < len(ind) {
			pi[k] = ind[k]
		}
	}
	if err := store.WriteTSV(env.Path("res", "p_k.tsv"), []string{"k", "p_observed", "p_independent"}, kk, po, pi); err != nil {
		return err
	}
	if err := drawLines(env.Path("figs", "p_k"), plot.LineSpec{Title: "population count distribution", XLabel: "K (active neurons per bin)", YLabel: "P(K)", LogY: true, Legend: true,
		Series: []plot.Series{{Name: "observed", X: kk, Y: nanZeros(po), Points: true, Color: 0}, {Name: "independent (Poisson-binomial)", X: kk, Y: nanZeros(pi), Dashed: true, Color: 1}}}); err != nil {
		return err
	}
	// histogram of ρ
	if len(rv) > 0 {
		lo, hi := slices.Min(rv), slices.Max(rv)
		if hi == lo {
			hi = lo + 1e-3
		}
		nb := 40
		hx, hy := make([]float64, nb), make([]float64, nb)
		for k := range nb {
			hx[k] = lo + (float64(k)+0.5)*(hi-lo)/float64(nb)
		}
		for _, v := range rv {
			hy[min(int(float64(nb)*(v-lo)/(hi-lo)), nb-1)]++
		}
		if err := drawLines(env.Path("figs", "rho_hist"), plot.LineSpec{Title: "pairwise count correlations", XLabel: "ρ", YLabel: "pairs",
			Series: []plot.Series{{Name: "pairs", X: hx, Y: hy, Points: true, Color: 0}}}); err != nil {
			return err
		}
	}
	r := env.Report
	r.Section("Input")
	r.Paragraph(fmt.Sprintf("%s: %d neurons × %d bins of %g ms", file, b.Neurons, b.Bins, b.BinMs))
	r.Section("Correlations")
	kv := []report.KV{
		{Key: "mean ρ", Value: fmt.Sprintf("%.4g (SD %.3g over %d pairs)", ps.Mean, ps.SD, ps.Pairs)},
		{Key: "k₁, k₂, k₃ of the population count", Value: fmt.Sprintf("%.5g, %.5g, %.5g", ks.K1, ks.K2, ks.K3)},
	}
	if cub != nil {
		kv = append(kv, report.KV{Key: "CuBIC ξ̂ (α = " + formatNum(cub.Alpha) + ")", Value: fmt.Sprintf("%d (aborted %v); p = %s", cub.XiHat, cub.Aborted, fmtList(cub.PValues))})
	}
	r.KeyValues("binned counts", kv)
	if err := r.Figure(env.Path("figs", "p_k.png"), "P(K) of the binary population count and the independent prediction (data: figs/p_k.tsv, res/p_k.tsv)"); err != nil {
		return err
	}
	if len(rv) > 0 {
		return r.Figure(env.Path("figs", "rho_hist.png"), "distribution of pairwise ρ (data: res/pairs.tsv)")
	}
	return nil
}

func nanZeros(v []float64) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x
		if x == 0 {
			out[i] = math.NaN()
		}
	}
	return out
}

func fmtList(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprintf("%.3g", x)
	}
	return strings.Join(s, ", ")
}

// ComputeIsing fits the pairwise maximum-entropy model to the binary words
// of the activity in cfg.Input.File.
func ComputeIsing(ae *Env, cfg *IsingConfig) (*Run, error) {
	f, in, file := &cfg.Ising, &cfg.Input, cfg.Input.File
	if f.Penalty < 0 || math.IsNaN(f.Penalty) {
		return nil, fmt.Errorf("--penalty %v must be ≥ 0", f.Penalty)
	}
	mem := ae.memCheck("ising", file)
	b, err := readBinned(in, mem, file)
	if err != nil {
		return nil, err
	}
	units := f.Units
	if len(units) == 0 { // nil (the flag unset) or [] (the config key)
		units = make([]int, b.Neurons)
		for i := range units {
			units[i] = i
		}
	}
	seen := map[int]bool{}
	for _, u := range units {
		if u < 0 || u >= b.Neurons {
			return nil, fmt.Errorf("%s: --units %d outside [0, %d) (the input has %d neurons)", file, u, b.Neurons, b.Neurons)
		}
		if seen[u] {
			return nil, fmt.Errorf("--units lists %d twice", u)
		}
		seen[u] = true
	}
	nu := len(units)
	if nu < 2 {
		return nil, fmt.Errorf("--units: need at least 2 units")
	}
	exact := nu <= corr.MaxExactUnits && !f.PseudoLikelihood
	live := int64(nu) * int64(b.Bins) * 8
	if exact {
		live += (int64(1) << nu) * 8 * 4
		if nu <= 14 {
			nf := int64(nu + nu*(nu-1)/2)
			live += 3 * nf * nf * 8
		}
	} else {
		live += int64(b.Bins)*(int64(nu)*16) + int64(nu*nu)*8*20
	}
	if err := mem.check(live, fmt.Sprintf("Ising fit of %d units × %d words", nu, b.Bins)); err != nil {
		return nil, err
	}
	sub := &spiketrain.Binned{Neurons: nu, Bins: b.Bins, BinMs: b.BinMs, Counts: make([]float64, nu*b.Bins)}
	for k, u := range units {
		for t, v := range b.Row(u) {
			if v > 0 {
				sub.Counts[k*b.Bins+t] = 1
			}
		}
	}
	fit, err := corr.FitIsing(sub, &corr.IsingOptions{Penalty: f.Penalty, PseudoLikelihood: f.PseudoLikelihood})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	bits := func(v float64) float64 { return v / math.Ln2 }
	r := &Run{name: "analyze-ising", file: file, memEstimate: mem.estimate()}
	r.headline = map[string]any{"units": nu, "samples": fit.Samples, "method": fit.Method, "converged": fit.Converged,
		"i_n_bits": bits(fit.IN), "i_2_bits": bits(fit.I2), "ratio": fit.Ratio, "kl_bits": bits(fit.KL),
		"s1_bits": bits(fit.S1), "s2_bits": bits(fit.S2), "sn_bits": bits(fit.SN)}
	if !fit.Converged {
		r.warnings = append(r.warnings, fmt.Sprintf("the fit did not converge (largest gradient %.3g after %d iterations)", fit.MaxGradient, fit.Iterations))
	}
	if exact && float64(fit.Samples) < 10*math.Pow(2, float64(nu)) {
		r.warnings = append(r.warnings, fmt.Sprintf("%d words for 2^%d states: S_N (and I_N, KL) are biased by undersampling", fit.Samples, nu))
	}
	r.summary = map[string]any{"unit_ids": units, "iterations": fit.Iterations, "max_gradient": fit.MaxGradient, "h": fit.Model.H,
		"p_k_data": fit.PKData, "p_k_model": fit.PKModel, "settings": in.Settings()}
	r.write = func(env *experiment.Env) error { return writeIsing(env, file, units, fit) }
	return r, nil
}

func writeIsing(env *experiment.Env, file string, units []int, fit *corr.IsingFit) error {
	m := fit.Model
	var ui, uj, jv []float64
	for i := range m.N {
		for j := i + 1; j < m.N; j++ {
			ui, uj, jv = append(ui, float64(units[i])), append(uj, float64(units[j])), append(jv, m.J.At(i, j))
		}
	}
	hu := make([]float64, m.N)
	for i := range hu {
		hu[i] = float64(units[i])
	}
	if err := store.WriteTSV(env.Path("res", "h.tsv"), []string{"unit", "h"}, hu, m.H); err != nil {
		return err
	}
	if err := store.WriteTSV(env.Path("res", "j.tsv"), []string{"unit_i", "unit_j", "J"}, ui, uj, jv); err != nil {
		return err
	}
	r := env.Report
	r.Section("Pairwise maximum-entropy model")
	bits := func(v float64) string { return formatNum(v / math.Ln2) }
	r.KeyValues(fmt.Sprintf("%s: %d units, %d words (%s)", file, m.N, fit.Samples, fit.Method), []report.KV{
		{Key: "I_N (multi-information)", Value: bits(fit.IN), Unit: "bits"}, {Key: "I₂", Value: bits(fit.I2), Unit: "bits"},
		{Key: "I₂/I_N", Value: formatNum(fit.Ratio)}, {Key: "KL(P_data‖P₂)", Value: bits(fit.KL), Unit: "bits"},
		{Key: "converged", Value: fmt.Sprint(fit.Converged)},
	})
	if fit.PKModel == nil {
		return nil
	}
	kk := make([]float64, len(fit.PKData))
	for k := range kk {
		kk[k] = float64(k)
	}
	if err := store.WriteTSV(env.Path("res", "p_k.tsv"), []string{"k", "p_data", "p_model"}, kk, fit.PKData, fit.PKModel); err != nil {
		return err
	}
	if err := drawLines(env.Path("figs", "p_k"), plot.LineSpec{Title: "P(K): data vs pairwise model", XLabel: "K", YLabel: "P(K)", LogY: true, Legend: true,
		Series: []plot.Series{{Name: "data", X: kk, Y: nanZeros(fit.PKData), Points: true, Color: 0}, {Name: "pairwise model", X: kk, Y: nanZeros(fit.PKModel), Dashed: true, Color: 1}}}); err != nil {
		return err
	}
	return r.Figure(env.Path("figs", "p_k.png"), "P(K) observed and predicted by the pairwise model (data: figs/p_k.tsv, res/p_k.tsv)")
}

// ComputeEntropy is ComputeInfo for analyze entropy.
func ComputeEntropy(ae *Env, c *EntropyConfig) (*Run, error) {
	return ComputeInfo(ae, "entropy", InfoInput{X: c.Input.X, Columns: c.Input.Columns, Replicates: c.Input.Replicates}, c.Entropy.General())
}
