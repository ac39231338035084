package info

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat"
)

// KNNOptions configures the k-nearest-neighbour estimators (KSG,
// Kozachenko–Leonenko). nil means defaults.
type KNNOptions struct {
	// K is the number of neighbours (default 4, as IDTxl and JIDT; the
	// spec's tests use 3).
	K int
	// Noise is the SD of the Gaussian noise added to every coordinate to
	// break ties, relative to the column's SD (default 1e-8; < 0: none).
	Noise float64
	// Raw keeps the original scales; by default each column is divided by
	// its SD first (the max-norm mixes dimensions, so their units matter).
	Raw bool
	// Subsets is the number of disjoint subsets of the standard error
	// (default 10; the SD of the subset estimates over √Subsets; < 0:
	// none).
	Subsets int
	// Rand is the noise stream (default rand.NewPCG(Seed, 0)).
	Rand *rand.Rand
	Seed uint64
}

func (o *KNNOptions) defaults() KNNOptions {
	var d KNNOptions
	if o != nil {
		d = *o
	}
	if d.K == 0 {
		d.K = 4
	}
	if d.Noise == 0 {
		d.Noise = 1e-8
	}
	if d.Subsets == 0 {
		d.Subsets = 10
	}
	if d.Rand == nil {
		d.Rand = rand.New(rand.NewPCG(d.Seed, 0))
	}
	return d
}

// prepare validates x (samples × dims) and returns it flat, each column
// scaled to unit SD unless raw, with tie-breaking noise.
func prepare(x [][]float64, name string, d *KNNOptions) ([]float64, int, error) {
	n, dim, err := checkSamples(x, name)
	if err != nil {
		return nil, 0, err
	}
	if err := checkConstant(x, name); err != nil {
		return nil, 0, err
	}
	flat := make([]float64, n*dim)
	col := make([]float64, n)
	for j := range dim {
		for i := range n {
			col[i] = x[i][j]
		}
		sd := stat.StdDev(col, nil)
		scale := 1.0
		if !d.Raw {
			scale = 1 / sd
		}
		noise := 0.0
		if d.Noise > 0 {
			noise = d.Noise * sd * scale
		}
		for i := range n {
			v := col[i] * scale
			if noise > 0 {
				v += noise * d.Rand.NormFloat64()
			}
			flat[i*dim+j] = v
		}
	}
	return flat, dim, nil
}

// KSGAlgorithm selects Kraskov et al.'s algorithm 1 or 2.
type KSGAlgorithm int

// The two KSG estimators.
const (
	KSG1 KSGAlgorithm = 1
	KSG2 KSGAlgorithm = 2
)

// KSG estimates I(X;Y) (nats) of continuous samples (samples × dims, the
// same N) by Kraskov, Stögbauer & Grassberger (2004) with the max norm.
// Algorithm 1: ε_i is the distance to the k-th neighbour of z_i = (x_i, y_i)
// in the joint space, n_x(i) = #{j ≠ i: ‖x_j − x_i‖∞ < ε_i} (strict), n_y
// likewise, Î = ψ(k) + ψ(N) − ⟨ψ(n_x+1) + ψ(n_y+1)⟩. Algorithm 2: ε_x(i),
// ε_y(i) are the largest marginal distances among the k joint neighbours,
// counts use ≤, Î = ψ(k) − 1/k + ψ(N) − ⟨ψ(n_x) + ψ(n_y)⟩. Neighbour
// searches use k-d trees (O(N log N)). StdErr is the SD of the estimates
// on o.Subsets disjoint subsets divided by √Subsets (their variance scales
// as 1/N).
func KSG(x, y [][]float64, alg KSGAlgorithm, o *KNNOptions) (Estimate, error) {
	d := o.defaults()
	if len(x) != len(y) {
		return Estimate{}, fmt.Errorf("%w: X has %d samples, Y has %d", ErrMismatch, len(x), len(y))
	}
	if alg != KSG1 && alg != KSG2 {
		panic(fmt.Sprintf("info: unknown KSG algorithm %d", alg))
	}
	n := len(x)
	if d.K < 1 || d.K >= n {
		return Estimate{}, fmt.Errorf("%w: k = %d neighbours need N > k samples (N = %d)", ErrTooFew, d.K, n)
	}
	fx, dx, err := prepare(x, "X", &d)
	if err != nil {
		return Estimate{}, err
	}
	fy, dy, err := prepare(y, "Y", &d)
	if err != nil {
		return Estimate{}, err
	}
	v := ksgFlat(fx, fy, dx, dy, d.K, alg)
	e := Estimate{Value: v, Plugin: math.NaN(), Method: fmt.Sprintf("ksg%d", alg), StdErr: math.NaN(), Uncertainty: "none",
		Settings: Settings{N: n, Dims: []int{dx, dy}, K: d.K, Noise: max(d.Noise, 0), Seed: d.Seed}}
	e.StdErr, e.Uncertainty, e.Settings.Subsets = subsetSE(n, d.K, d.Subsets, func(lo, hi int) float64 {
		return ksgFlat(fx[lo*dx:hi*dx], fy[lo*dy:hi*dy], dx, dy, d.K, alg)
	})
	return e, nil
}

// subsetSE runs f on b disjoint consecutive blocks (the noise made the
// order irrelevant only for exchangeable samples; callers' samples are
// assumed exchangeable) and returns SD/√b.
func subsetSE(n, k, b int, f func(lo, hi int) float64) (float64, string, int) {
	if b < 2 || n/b < 2*(k+1) {
		return math.NaN(), "none (too few samples for subsets)", 0
	}
	vals := make([]float64, b)
	for s := range b {
		vals[s] = f(s*n/b, (s+1)*n/b)
	}
	return stat.StdDev(vals, nil) / math.Sqrt(float64(b)), fmt.Sprintf("SD over %d disjoint subsets / √%d", b, b), b
}

// ksgFlat is KSG on prepared flat data.
func ksgFlat(fx, fy []float64, dx, dy, k int, alg KSGAlgorithm) float64 {
	n := len(fx) / dx
	dz := dx + dy
	z := make([]float64, n*dz)
	for i := range n {
		copy(z[i*dz:], fx[i*dx:(i+1)*dx])
		copy(z[i*dz+dx:], fy[i*dy:(i+1)*dy])
	}
	tz, tx, ty := newKDTree(z, dz), newKDTree(fx, dx), newKDTree(fy, dy)
	var h knnHeap
	sum := 0.0
	for kk := range n {
		tz.knn(kk, k, &h)
		i := tz.index[kk]
		xi, yi := fx[i*dx:(i+1)*dx], fy[i*dy:(i+1)*dy]
		if alg == KSG1 {
			eps := h.dist[0]
			nx := tx.count(xi, eps, false) - 1
			ny := ty.count(yi, eps, false) - 1
			sum += mathext.Digamma(float64(nx+1)) + mathext.Digamma(float64(ny+1))
			continue
		}
		ex, ey := 0.0, 0.0
		for _, m := range h.idx {
			j := tz.index[m]
			ex = max(ex, maxDist(xi, fx[j*dx:(j+1)*dx]))
			ey = max(ey, maxDist(yi, fy[j*dy:(j+1)*dy]))
		}
		nx := tx.count(xi, ex, true) - 1
		ny := ty.count(yi, ey, true) - 1
		sum += mathext.Digamma(float64(nx)) + mathext.Digamma(float64(ny))
	}
	base := mathext.Digamma(float64(k)) + mathext.Digamma(float64(n))
	if alg == KSG2 {
		base -= 1 / float64(k)
	}
	return base - sum/float64(n)
}

func maxDist(a, b []float64) float64 {
	s := 0.0
	for j, v := range a {
		s = max(s, math.Abs(v-b[j]))
	}
	return s
}

// KozachenkoLeonenko estimates the differential entropy H(X) (nats) of
// continuous samples with the k-NN estimator under the max norm:
// Ĥ = ψ(N) − ψ(k) + d⟨ln(2ε_i)⟩, ε_i the distance to the k-th neighbour
// (Kraskov et al. 2004, eq. 20 with c_d = 1 for the max norm and
// diameters 2ε). Unlike KSG it is not scale-free: by default (o.Raw false)
// columns are scaled to unit SD and Σ_j ln SD_j is added back, so the
// value is in the data's units.
func KozachenkoLeonenko(x [][]float64, o *KNNOptions) (Estimate, error) {
	d := o.defaults()
	n := len(x)
	if d.K < 1 || d.K >= n {
		return Estimate{}, fmt.Errorf("%w: k = %d neighbours need N > k samples (N = %d)", ErrTooFew, d.K, n)
	}
	fx, dim, err := prepare(x, "X", &d)
	if err != nil {
		return Estimate{}, err
	}
	logScale := 0.0
	if !d.Raw {
		col := make([]float64, n)
		for j := range dim {
			for i := range n {
				col[i] = x[i][j]
			}
			logScale += math.Log(stat.StdDev(col, nil))
		}
	}
	f := func(lo, hi int) float64 { return klFlat(fx[lo*dim:hi*dim], dim, d.K) + logScale }
	e := Estimate{Value: f(0, n), Plugin: math.NaN(), Method: "kozachenko-leonenko", Settings: Settings{N: n, Dims: []int{dim}, K: d.K, Noise: max(d.Noise, 0), Seed: d.Seed}}
	e.StdErr, e.Uncertainty, e.Settings.Subsets = subsetSE(n, d.K, d.Subsets, f)
	return e, nil
}

func klFlat(fx []float64, dim, k int) float64 {
	n := len(fx) / dim
	t := newKDTree(fx, dim)
	var h knnHeap
	s := 0.0
	for kk := range n {
		t.knn(kk, k, &h)
		s += math.Log(2 * h.dist[0])
	}
	return mathext.Digamma(float64(n)) - mathext.Digamma(float64(k)) + float64(dim)*s/float64(n)
}
