// Package rng provides keyed, deterministic random streams.
//
// Every stochastic quantity in engram is drawn from a stream identified by
// the run's master seed, a Purpose (what the numbers are for) and up to a
// few integer keys (run, trial, neuron, pattern, …). The same key always
// gives the same stream, whatever the number of goroutines and whatever
// else was drawn before, so results do not depend on --workers.
//
//	r := rng.New(seed, rng.Patterns, uint64(mu)) // stream for pattern μ
//	x := r.NormFloat64()
//
// Streams are math/rand/v2 PCG generators whose 128-bit state is derived
// from the keys by SplitMix64 mixing.
package rng

import "math/rand/v2"

// Purpose names what a stream is used for, so that streams for different
// purposes with the same numeric keys are independent.
type Purpose uint64

// Purposes used across engram. New purposes must take new values; never
// renumber (that would change every published result).
const (
	Patterns  Purpose = 1  // stored pattern currents ξ^μ
	Mask      Purpose = 2  // structural connectivity
	InitState Purpose = 3  // initial network state
	Stimulus  Purpose = 4  // novel stimuli, cues
	Noise     Purpose = 5  // dynamical noise
	Weights   Purpose = 6  // random synaptic weights
	Delays    Purpose = 7  // random delays
	Poisson   Purpose = 8  // Poisson input sources
	Bootstrap Purpose = 9  // resampling
	Synthetic Purpose = 10 // synthetic data generators
	Perturb   Purpose = 11 // Lyapunov / perturbation analysis
	Groups    Purpose = 12 // random membership of neuron groups (assemblies)
	Sources   Purpose = 13 // spikes of Poisson spike-source populations
	Plastic   Purpose = 14 // stochastic terms of plasticity rules
	Sweep     Purpose = 15 // random designs of parameter sweeps
)

// mix is the SplitMix64 finaliser.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// Key hashes a seed, a purpose and keys into two 64-bit words.
func Key(seed uint64, p Purpose, keys ...uint64) (uint64, uint64) {
	a := mix(seed ^ 0x6a09e667f3bcc908)
	b := mix(uint64(p) ^ 0xbb67ae8584caa73b)
	for i, k := range keys {
		a = mix(a ^ k ^ uint64(i+1)*0x3c6ef372fe94f82b)
		b = mix(b + a)
	}
	return mix(a ^ b), mix(b ^ 0xa54ff53a5f1d36f1)
}

// New returns the stream for (seed, purpose, keys...).
func New(seed uint64, p Purpose, keys ...uint64) *rand.Rand {
	s1, s2 := Key(seed, p, keys...)
	return rand.New(rand.NewPCG(s1, s2))
}

// NameKey hashes a name (of a population, projection, input, …) into a
// stream key (FNV-1a, 64 bit), so that streams can be keyed by name rather
// than by position in a list.
func NameKey(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}

// Source returns the PCG source for (seed, purpose, keys...), for callers
// that want to re-seed an existing generator without allocating.
func Source(seed uint64, p Purpose, keys ...uint64) *rand.PCG {
	s1, s2 := Key(seed, p, keys...)
	return rand.NewPCG(s1, s2)
}
