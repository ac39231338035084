package info

import (
	"errors"
	"math"
)

// Ln2 converts nats to bits (bits = nats / Ln2).
const Ln2 = math.Ln2

// Estimate is an information quantity with its uncertainty and how it was
// obtained. Values are in nats; Bits converts.
type Estimate struct {
	// Value is the (bias-corrected, when the method corrects) estimate in nats.
	Value float64
	// StdErr is its standard error in nats (NaN when not available).
	StdErr float64
	// Plugin is the uncorrected plug-in (or uncorrected covariance)
	// value in nats (NaN for estimators without one, e.g. k-NN).
	Plugin float64
	// BiasCorrection is Plugin − Value: what the correction removed, in nats
	// (0 for estimators without a correction, NaN without Plugin).
	BiasCorrection float64
	// Method names the estimator, e.g. "miller-madow", "ksg1".
	Method string
	// Uncertainty says how StdErr was obtained, e.g. "analytic (delta
	// method)", "posterior SD", "disjoint subsets".
	Uncertainty string
	// Settings are the sample size, bins, neighbours, … used.
	Settings Settings
}

// Settings records what an estimate was computed from (zero: not applicable).
type Settings struct {
	// N is the number of samples.
	N int
	// Dims are the dimensions of the variables (continuous), e.g. [dx, dy].
	Dims []int
	// Bins is the alphabet size (all possible bins; 0: unknown), Occupied
	// the number of non-empty bins of the (joint) histogram.
	Bins, Occupied int
	// K is the number of nearest neighbours (k-NN estimators).
	K int
	// Noise is the relative amplitude of the tie-breaking noise (k-NN).
	Noise float64
	// Subsets is the number of disjoint subsets of the subset standard
	// error, Resamples the number of random partitions or shuffles.
	Subsets, Resamples int
	// Seed is the seed of the stream used (0: none used).
	Seed uint64
	// Wishart is true when the Wishart log-det correction was applied.
	Wishart bool
}

// Bits returns the value in bits.
func (e Estimate) Bits() float64 { return e.Value / Ln2 }

// StdErrBits returns the standard error in bits.
func (e Estimate) StdErrBits() float64 { return e.StdErr / Ln2 }

// Errors (wrapped with detail) returned for data the estimators cannot use.
var (
	// ErrTooFew: not enough samples for the estimator (e.g. k ≥ N).
	ErrTooFew = errors.New("too few samples")
	// ErrMismatch: variables with different numbers of samples.
	ErrMismatch = errors.New("mismatched sample counts")
	// ErrNotFinite: NaN or Inf in the data.
	ErrNotFinite = errors.New("data not finite")
	// ErrSingular: a covariance matrix that is not positive definite
	// (constant or collinear columns).
	ErrSingular = errors.New("singular covariance")
	// ErrLabels: discrete labels that are negative or out of range.
	ErrLabels = errors.New("invalid labels")
)
