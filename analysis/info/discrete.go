package info

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// ---- exact distributions -------------------------------------------------

// PMF is a joint probability mass function over discrete variables:
// P[flat index of (v_0, …, v_{m−1})] in C order with Shape[i] the
// alphabet size of variable i.
type PMF struct {
	Shape []int
	P     []float64
}

// EntropyPMF returns −Σ p ln p (nats) of a probability vector.
func EntropyPMF(p []float64) float64 {
	h := 0.0
	for _, q := range p {
		if q > 0 {
			h -= q * math.Log(q)
		}
	}
	return h
}

// Marginal returns the pmf of the variables vars (in that order).
func (p *PMF) Marginal(vars []int) *PMF {
	shape := make([]int, len(vars))
	for k, v := range vars {
		shape[k] = p.Shape[v]
	}
	size := 1
	for _, s := range shape {
		size *= s
	}
	out := &PMF{Shape: shape, P: make([]float64, size)}
	idx := make([]int, len(p.Shape))
	for f, q := range p.P {
		// decode f into idx (C order)
		r := f
		for i := len(p.Shape) - 1; i >= 0; i-- {
			idx[i] = r % p.Shape[i]
			r /= p.Shape[i]
		}
		g := 0
		for k, v := range vars {
			g = g*shape[k] + idx[v]
		}
		out.P[g] += q
	}
	return out
}

// Entropy of the variables vars (nil: all).
func (p *PMF) Entropy(vars []int) float64 {
	if vars == nil {
		return EntropyPMF(p.P)
	}
	return EntropyPMF(p.Marginal(vars).P)
}

// MutualInfo returns I(A;B) = H(A) + H(B) − H(A,B) of two disjoint
// groups of variables (nats).
func (p *PMF) MutualInfo(a, b []int) float64 {
	ab := append(append([]int{}, a...), b...)
	return p.Entropy(a) + p.Entropy(b) - p.Entropy(ab)
}

// TotalCorrelation returns Σ_i H(v_i) − H(v_0..v_{m−1}) (nats).
func (p *PMF) TotalCorrelation() float64 {
	s := 0.0
	for i := range p.Shape {
		s += p.Entropy([]int{i})
	}
	return s - EntropyPMF(p.P)
}

// CoInformation of three variables: I(A;B) − I(A;B|C) =
// H(a)+H(b)+H(c) − H(ab) − H(ac) − H(bc) + H(abc) (nats).
func (p *PMF) CoInformation(a, b, c int) float64 {
	return p.Entropy([]int{a}) + p.Entropy([]int{b}) + p.Entropy([]int{c}) -
		p.Entropy([]int{a, b}) - p.Entropy([]int{a, c}) - p.Entropy([]int{b, c}) + p.Entropy([]int{a, b, c})
}

// ---- histograms -----------------------------------------------------------

// Counts histograms labels into k bins (k ≤ 0: max label + 1). Labels must
// be in [0, k).
func Counts(labels []int, k int) ([]int, error) {
	if len(labels) == 0 {
		return nil, fmt.Errorf("%w: no samples", ErrTooFew)
	}
	mx := 0
	for i, v := range labels {
		if v < 0 {
			return nil, fmt.Errorf("%w: sample %d has label %d (labels must be ≥ 0)", ErrLabels, i, v)
		}
		if k > 0 && v >= k {
			return nil, fmt.Errorf("%w: sample %d has label %d outside the alphabet [0, %d)", ErrLabels, i, v, k)
		}
		mx = max(mx, v)
	}
	if k <= 0 {
		k = mx + 1
	}
	c := make([]int, k)
	for _, v := range labels {
		c[v]++
	}
	return c, nil
}

// LabelsFromFloat converts float labels (e.g. read from .npy) to ints,
// rejecting NaN, negative and non-integer values; name labels the data.
func LabelsFromFloat(x []float64, name string) ([]int, error) {
	out := make([]int, len(x))
	for i, v := range x {
		switch {
		case math.IsNaN(v) || math.IsInf(v, 0):
			return nil, fmt.Errorf("%w: %s sample %d is %v", ErrNotFinite, name, i, v)
		case v < 0:
			return nil, fmt.Errorf("%w: %s sample %d is %v (discrete labels must be ≥ 0)", ErrLabels, name, i, v)
		case v != math.Trunc(v):
			return nil, fmt.Errorf("%w: %s sample %d is %v (discrete labels must be integers)", ErrLabels, name, i, v)
		case v > 1<<40:
			return nil, fmt.Errorf("%w: %s sample %d is %v (too large for a label)", ErrLabels, name, i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

// Words encodes rows of small non-negative integers (trials × units) as
// single labels (mixed radix with per-unit alphabet max+1); it returns
// the labels and the alphabet size (the product), which must fit in int.
func Words(r [][]int) ([]int, int, error) {
	if len(r) == 0 {
		return nil, 0, fmt.Errorf("%w: no samples", ErrTooFew)
	}
	c := len(r[0])
	radix := make([]int, c)
	for i, row := range r {
		if len(row) != c {
			return nil, 0, fmt.Errorf("%w: sample %d has %d units, sample 0 has %d", ErrMismatch, i, len(row), c)
		}
		for j, v := range row {
			if v < 0 {
				return nil, 0, fmt.Errorf("%w: sample %d, unit %d is %d (must be ≥ 0)", ErrLabels, i, j, v)
			}
			radix[j] = max(radix[j], v+1)
		}
	}
	size := 1
	for _, b := range radix {
		if size > math.MaxInt32/b {
			return nil, 0, fmt.Errorf("%w: the joint alphabet of %d units exceeds 2^31 words", ErrLabels, c)
		}
		size *= b
	}
	out := make([]int, len(r))
	for i, row := range r {
		w := 0
		for j, v := range row {
			w = w*radix[j] + v
		}
		out[i] = w
	}
	return out, size, nil
}

// jointLabels pairs x and y into labels x·ky + y.
func jointLabels(x, y []int, ky int) []int {
	out := make([]int, len(x))
	for i := range x {
		out[i] = x[i]*ky + y[i]
	}
	return out
}

// ---- entropy estimators ----------------------------------------------------

func occupied(c []int) (int, int) {
	b, n := 0, 0
	for _, v := range c {
		if v > 0 {
			b++
			n += v
		}
	}
	return b, n
}

// plugin returns −Σ p̂ ln p̂ and Σ p̂ (ln p̂)².
func plugin(c []int, n int) (float64, float64) {
	h, h2 := 0.0, 0.0
	for _, v := range c {
		if v > 0 {
			p := float64(v) / float64(n)
			l := math.Log(p)
			h -= p * l
			h2 += p * l * l
		}
	}
	return h, h2
}

// EntropyPlugin is the maximum-likelihood entropy −Σ p̂ ln p̂ of a histogram
// (nats), negatively biased by ≈ (B−1)/(2N). StdErr is the delta-method
// √((Σ p̂ ln² p̂ − Ĥ²)/N).
func EntropyPlugin(counts []int) (Estimate, error) {
	b, n := occupied(counts)
	if n == 0 {
		return Estimate{}, fmt.Errorf("%w: empty histogram", ErrTooFew)
	}
	h, h2 := plugin(counts, n)
	return Estimate{Value: h, Plugin: h, StdErr: math.Sqrt(math.Max(h2-h*h, 0) / float64(n)), Method: "plugin",
		Uncertainty: "analytic (delta method)", Settings: Settings{N: n, Bins: len(counts), Occupied: b}}, nil
}

// EntropyMillerMadow is the plug-in entropy plus (B̂−1)/(2N), B̂ the
// number of non-empty bins.
func EntropyMillerMadow(counts []int) (Estimate, error) {
	e, err := EntropyPlugin(counts)
	if err != nil {
		return e, err
	}
	corr := float64(e.Settings.Occupied-1) / (2 * float64(e.Settings.N))
	e.Value += corr
	e.BiasCorrection = -corr
	e.Method = "miller-madow"
	return e, nil
}

// DiscreteMethod selects a discrete entropy / MI estimator.
type DiscreteMethod string

// Discrete estimators.
const (
	Plugin                 DiscreteMethod = "plugin"
	MillerMadow            DiscreteMethod = "miller-madow"
	PanzeriTreves          DiscreteMethod = "panzeri-treves"
	QuadraticExtrapolation DiscreteMethod = "quadratic-extrapolation"
	NSB                    DiscreteMethod = "nsb"
	Shuffle                DiscreteMethod = "shuffle"
)

// PTCount is how the Panzeri–Treves correction counts the relevant bins
// R̃ of each response distribution.
type PTCount string

// Bin counts of the Panzeri–Treves correction.
const (
	// PTAlphabet counts every bin of the response alphabet (the
	// information breakdown toolbox's useall = 1); the default when the
	// alphabet size is known, and the count behind the spec's IT-5/6
	// first-order values (K−1)²/(2N ln 2).
	PTAlphabet PTCount = "alphabet"
	// PTOccupied counts the non-empty bins of each histogram (useall = 0),
	// which under-corrects when bins are missed.
	PTOccupied PTCount = "occupied"
	// PTBayes is Panzeri & Treves' (1996) Bayesian count of the relevant
	// bins (BayesCount): the occupied bins plus as many unseen ones as make
	// the expected number of occupied bins closest to the observed one.
	PTBayes PTCount = "bayes"
)

// BayesCount is Panzeri & Treves' (1996, Network 7:87) Bayesian estimate
// R̃ of the number of relevant bins of a histogram c of n = Σc samples over
// an alphabet of dim bins (dim ≥ len(c) counts bins beyond c as empty).
// With R occupied bins, it posits x = 1, 2, … further bins of equal
// probability γ/x, γ = x(1 − (n/(n + R))^{1/n}), the occupied ones with
// the add-one Bayesian probabilities q_i = (1 − γ)(c_i + 1)/(n + R), and
// stops when the expected number of occupied bins
// Σ_i [1 − (1 − q_i)^n] + x[1 − (1 − γ/x)^n] stops approaching R; R̃ is
// R plus the best x (never above dim). With every bin occupied R̃ = R.
func BayesCount(c []int, dim int) int {
	r, n := occupied(c)
	dim = max(dim, len(c))
	if r == 0 || r >= dim || n == 0 {
		return r
	}
	fn := float64(n)
	// expected occupied bins under the naive probabilities p_i = c_i/n
	exp := float64(r)
	for _, v := range c {
		if v > 0 {
			exp -= math.Pow(1-float64(v)/fn, fn)
		}
	}
	prev, delta := float64(dim), math.Abs(float64(r)-exp)
	x := 0
	for delta < prev && r+x < dim {
		x++
		fx := float64(x)
		gamma := fx * (1 - math.Pow(fn/(fn+float64(r)), 1/fn))
		exp = 0
		for _, v := range c {
			if v > 0 {
				q := (1 - gamma) * (float64(v) + 1) / (fn + float64(r))
				exp += 1 - math.Pow(1-q, fn)
			}
		}
		exp += fx * (1 - math.Pow(1-gamma/fx, fn))
		prev, delta = delta, math.Abs(float64(r)-exp)
	}
	// the loop stopped one step past the best x unless it ran into dim
	// while still improving
	best := r + x - 1
	if delta < prev {
		best++
	}
	return max(best, r)
}

// DiscreteOptions configures the discrete estimators. nil means defaults.
type DiscreteOptions struct {
	// KX and KY are the alphabet sizes of X and Y (0: max label + 1).
	KX, KY int
	// PTCount is the relevant-bin count of Panzeri–Treves (default
	// PTAlphabet; PTOccupied, PTBayes).
	PTCount PTCount
	// Partitions is the number of random partitions averaged per
	// sub-sample size by quadratic extrapolation, and the number of
	// shuffles averaged by the shuffle correction (default 20).
	Partitions int
	// NSB configures NSB (nil: defaults).
	NSB *NSBOptions
	// Rand is the stream for partitions and shuffles (default
	// rand.NewPCG(Seed, 0)); Seed its seed when Rand is nil.
	Rand *rand.Rand
	Seed uint64
}

func (o *DiscreteOptions) defaults() DiscreteOptions {
	var d DiscreteOptions
	if o != nil {
		d = *o
	}
	if d.PTCount == "" {
		d.PTCount = PTAlphabet
	}
	if d.Partitions <= 0 {
		d.Partitions = 20
	}
	if d.Rand == nil {
		d.Rand = rand.New(rand.NewPCG(d.Seed, 0))
	}
	return d
}

// Entropy estimates H(X) of discrete labels with the given method
// (plugin, miller-madow, nsb, quadratic-extrapolation). o.KX is the
// alphabet size (NSB needs it: the default max label + 1 assumes no
// unobserved labels above the largest seen).
func Entropy(x []int, m DiscreteMethod, o *DiscreteOptions) (Estimate, error) {
	d := o.defaults()
	c, err := Counts(x, d.KX)
	if err != nil {
		return Estimate{}, err
	}
	switch m {
	case Plugin:
		return EntropyPlugin(c)
	case MillerMadow:
		return EntropyMillerMadow(c)
	case NSB:
		return EntropyNSB(c, d.NSB)
	case QuadraticExtrapolation:
		return quadratic(len(x), d, "entropy", func(idx []int) float64 {
			cc := make([]int, len(c))
			for _, i := range idx {
				cc[x[i]]++
			}
			h, _ := plugin(cc, len(idx))
			return h
		}, func() (Estimate, error) { return EntropyPlugin(c) })
	}
	return Estimate{}, fmt.Errorf("info: entropy estimator %q not available for discrete data (want plugin, miller-madow, nsb, quadratic-extrapolation)", m)
}

// quadratic runs Strong et al.'s extrapolation: the plug-in value on the
// full data (y1), on halves (y2) and quarters (y4) of random partitions
// (each averaged over the parts and Partitions partitions), fitted by
// y(N/n) = y∞ + a/(N/n) + b/(N/n)²; y∞ = (8y1 − 6y2 + y4)/3.
// StdErr is that of the full-data plug-in.
func quadratic(n int, d DiscreteOptions, what string, f func(idx []int) float64, full func() (Estimate, error)) (Estimate, error) {
	if n < 8 {
		return Estimate{}, fmt.Errorf("%w: quadratic extrapolation of the %s needs ≥ 8 samples (have %d)", ErrTooFew, what, n)
	}
	e, err := full()
	if err != nil {
		return e, err
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sub := func(parts int) float64 {
		s := 0.0
		for range d.Partitions {
			d.Rand.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			for p := range parts {
				s += f(idx[p*n/parts : (p+1)*n/parts])
			}
		}
		return s / float64(parts*d.Partitions)
	}
	y1, y2, y4 := e.Plugin, sub(2), sub(4)
	e.Value = (8*y1 - 6*y2 + y4) / 3
	e.BiasCorrection = e.Plugin - e.Value
	e.Method = string(QuadraticExtrapolation)
	e.Settings.Resamples, e.Settings.Seed = d.Partitions, d.Seed
	e.Uncertainty += "; of the full-data plug-in"
	return e, nil
}

// ---- mutual information ----------------------------------------------------

// MutualInfo estimates I(X;Y) of paired discrete labels (nats) with the
// given method: plugin, miller-madow, panzeri-treves (X is the stimulus,
// Y the response: Bias = [Σ_x (R̃_x − 1) − (R̃ − 1)]/(2N)), quadratic-
// extrapolation, or nsb (H_NSB(X) + H_NSB(Y) − H_NSB(X,Y), alphabets KX,
// KY, KX·KY). StdErr is the delta-method √((Σ p̂ ln²(p̂_xy/p̂_x p̂_y) − Î²)/N)
// of the plug-in (posterior SDs added in quadrature for NSB).
func MutualInfo(x, y []int, m DiscreteMethod, o *DiscreteOptions) (Estimate, error) {
	if len(x) != len(y) {
		return Estimate{}, fmt.Errorf("%w: X has %d samples, Y has %d", ErrMismatch, len(x), len(y))
	}
	d := o.defaults()
	if d.PTCount != PTAlphabet && d.PTCount != PTOccupied && d.PTCount != PTBayes {
		return Estimate{}, fmt.Errorf("info: unknown Panzeri–Treves bin count %q (alphabet, occupied or bayes)", d.PTCount)
	}
	cx, err := Counts(x, d.KX)
	if err != nil {
		return Estimate{}, fmt.Errorf("X: %w", err)
	}
	cy, err := Counts(y, d.KY)
	if err != nil {
		return Estimate{}, fmt.Errorf("Y: %w", err)
	}
	kx, ky := len(cx), len(cy)
	if float64(kx)*float64(ky) > math.MaxInt32 {
		return Estimate{}, fmt.Errorf("%w: joint alphabet %d × %d too large", ErrLabels, kx, ky)
	}
	xy := jointLabels(x, y, ky)
	cxy, _ := Counts(xy, kx*ky)
	n := len(x)
	pl := func(cx, cy, cxy []int, n int) float64 {
		hx, _ := plugin(cx, n)
		hy, _ := plugin(cy, n)
		hxy, _ := plugin(cxy, n)
		return hx + hy - hxy
	}
	iPl := pl(cx, cy, cxy, n)
	// delta-method variance of the plug-in MI
	v := 0.0
	for f, c := range cxy {
		if c > 0 {
			pxy := float64(c) / float64(n)
			l := math.Log(pxy * float64(n) * float64(n) / (float64(cx[f/ky]) * float64(cy[f%ky])))
			v += pxy * l * l
		}
	}
	bx, _ := occupied(cx)
	by, _ := occupied(cy)
	bxy, _ := occupied(cxy)
	e := Estimate{Value: iPl, Plugin: iPl, StdErr: math.Sqrt(math.Max(v-iPl*iPl, 0) / float64(n)), Method: string(m),
		Uncertainty: "analytic (delta method)", Settings: Settings{N: n, Bins: kx * ky, Occupied: bxy}}
	switch m {
	case Plugin:
	case MillerMadow:
		e.Value = iPl + float64((bx-1)+(by-1)-(bxy-1))/(2*float64(n))
	case PanzeriTreves:
		// Σ_x (R̃_x − 1) over stimuli x with samples, minus (R̃ − 1)
		s := 0.0
		for xv := range kx {
			if cx[xv] == 0 {
				continue
			}
			r := ky
			switch d.PTCount {
			case PTOccupied:
				r, _ = occupied(cxy[xv*ky : (xv+1)*ky])
			case PTBayes:
				r = BayesCount(cxy[xv*ky:(xv+1)*ky], ky)
			}
			s += float64(r - 1)
		}
		r := ky
		switch d.PTCount {
		case PTOccupied:
			r = by
		case PTBayes:
			r = BayesCount(cy, ky)
		}
		s -= float64(r - 1)
		e.Value = iPl - s/(2*float64(n))
		e.Method += " (" + string(d.PTCount) + " bins)"
	case QuadraticExtrapolation:
		return quadratic(n, d, "information", func(idx []int) float64 {
			ax, ay, axy := make([]int, kx), make([]int, ky), make([]int, kx*ky)
			for _, i := range idx {
				ax[x[i]]++
				ay[y[i]]++
				axy[xy[i]]++
			}
			return pl(ax, ay, axy, len(idx))
		}, func() (Estimate, error) { return e, nil })
	case NSB:
		var hs [3]Estimate
		for k, c := range [][]int{cx, cy, cxy} {
			if hs[k], err = EntropyNSB(c, d.NSB); err != nil {
				return Estimate{}, err
			}
		}
		e.Value = hs[0].Value + hs[1].Value - hs[2].Value
		e.StdErr = math.Sqrt(hs[0].StdErr*hs[0].StdErr + hs[1].StdErr*hs[1].StdErr + hs[2].StdErr*hs[2].StdErr)
		e.Uncertainty = "NSB posterior SDs of H(X), H(Y), H(X,Y) in quadrature"
	default:
		return Estimate{}, fmt.Errorf("info: MI estimator %q not available for discrete data (want plugin, miller-madow, panzeri-treves, quadratic-extrapolation, nsb; shuffle: MutualInfoShuffle)", m)
	}
	e.BiasCorrection = e.Plugin - e.Value
	return e, nil
}

// MutualInfoShuffle is the shuffle-corrected information between a
// stimulus s and a population response r (trials × units, small integers
// ≥ 0) of Panzeri et al. (2007) and Montemurro et al. (2007):
//
//	I_sh = H(R) − H_ind(R|S) + H_sh(R|S) − H(R|S)
//
// where H(R), H(R|S) are plug-in entropies of the response words,
// H_ind(R|S) = Σ_s P(s) Σ_c H(r_c|s) the conditional entropy of the
// product of the single-unit conditional distributions (computed exactly
// from the marginals, so with little bias), and H_sh(R|S) the plug-in
// conditional entropy of words whose units are shuffled independently
// across the trials of each stimulus (averaged over o.Partitions
// shuffles). H_sh − H(R|S) has the bias of the full conditional entropy
// but (nearly) zero mean where noise correlations are absent, so the sum
// is far less biased than I = H(R) − H(R|S). In the spec's notation
// I_sh = I − I_ind + I_ind,sh with I_ind = H(R) − H_sh(R|S) (information
// of the shuffled data) and I_ind,sh = H(R) − H_ind(R|S). With
// o.PTCount = PTOccupied each plug-in term is also Panzeri–Treves
// corrected with its occupied bins (the pairing the spec recommends);
// otherwise no further correction is applied.
func MutualInfoShuffle(s []int, r [][]int, o *DiscreteOptions) (Estimate, error) {
	if len(s) != len(r) {
		return Estimate{}, fmt.Errorf("%w: %d stimuli for %d responses", ErrMismatch, len(s), len(r))
	}
	d := o.defaults()
	cs, err := Counts(s, d.KX)
	if err != nil {
		return Estimate{}, fmt.Errorf("stimulus: %w", err)
	}
	words, _, err := Words(r)
	if err != nil {
		return Estimate{}, fmt.Errorf("responses: %w", err)
	}
	n, units := len(s), len(r[0])
	pt := d.PTCount == PTOccupied
	// hPlug is the plug-in entropy of labels idx (optionally PT-corrected).
	hMap := func(ls []int) float64 {
		m := map[int]int{}
		for _, w := range ls {
			m[w]++
		}
		h := 0.0
		for _, c := range m {
			p := float64(c) / float64(len(ls))
			h -= p * math.Log(p)
		}
		if pt {
			h += float64(len(m)-1) / (2 * float64(len(ls)))
		}
		return h
	}
	byS := make([][]int, len(cs)) // trial indices per stimulus
	for i, v := range s {
		byS[v] = append(byS[v], i)
	}
	hR := hMap(words)
	var hRS, hInd float64
	for _, idx := range byS {
		if len(idx) == 0 {
			continue
		}
		ps := float64(len(idx)) / float64(n)
		w := make([]int, len(idx))
		for k, i := range idx {
			w[k] = words[i]
		}
		hRS += ps * hMap(w)
		for c := range units {
			for k, i := range idx {
				w[k] = r[i][c]
			}
			hInd += ps * hMap(w)
		}
	}
	// shuffled conditional entropy
	hSh := 0.0
	tmp := make([][]int, 0)
	for range d.Partitions {
		for _, idx := range byS {
			if len(idx) == 0 {
				continue
			}
			tmp = tmp[:0]
			for range idx {
				tmp = append(tmp, make([]int, units))
			}
			perm := make([]int, len(idx))
			for c := range units {
				for k := range perm {
					perm[k] = k
				}
				d.Rand.Shuffle(len(perm), func(a, b int) { perm[a], perm[b] = perm[b], perm[a] })
				for k := range idx {
					tmp[k][c] = r[idx[perm[k]]][c]
				}
			}
			ws, _, _ := Words(tmp)
			hSh += float64(len(idx)) / float64(n) * hMap(ws) / float64(d.Partitions)
		}
	}
	iPl := hR - hRS
	e := Estimate{Plugin: iPl, Value: hR - hInd + hSh - hRS, StdErr: math.NaN(), Method: string(Shuffle),
		Uncertainty: "none", Settings: Settings{N: n, Resamples: d.Partitions, Seed: d.Seed}}
	if pt {
		e.Method += " + panzeri-treves (occupied bins)"
	}
	e.BiasCorrection = e.Plugin - e.Value
	return e, nil
}

// TotalCorrelationPlugin is Σ_c Ĥ(r_c) − Ĥ(R) of responses r (trials ×
// units) with plug-in entropies (Miller–Madow corrected when mm): the
// independence bound H(R) ≤ Σ_c H(r_c) as a gap.
func TotalCorrelationPlugin(r [][]int, mm bool) (Estimate, error) {
	words, _, err := Words(r)
	if err != nil {
		return Estimate{}, err
	}
	h := func(ls []int) (float64, int) {
		m := map[int]int{}
		for _, w := range ls {
			m[w]++
		}
		v := 0.0
		for _, c := range m {
			p := float64(c) / float64(len(ls))
			v -= p * math.Log(p)
		}
		if mm {
			v += float64(len(m)-1) / (2 * float64(len(ls)))
		}
		return v, len(m)
	}
	sum := 0.0
	col := make([]int, len(r))
	for c := range r[0] {
		for i := range r {
			col[i] = r[i][c]
		}
		v, _ := h(col)
		sum += v
	}
	hj, occ := h(words)
	meth := "plugin"
	if mm {
		meth = "miller-madow"
	}
	return Estimate{Value: sum - hj, Plugin: math.NaN(), BiasCorrection: math.NaN(), StdErr: math.NaN(), Method: "total-correlation " + meth,
		Uncertainty: "none", Settings: Settings{N: len(r), Occupied: occ}}, nil
}
