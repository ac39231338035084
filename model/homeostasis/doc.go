// Package homeostasis is the binary branching network with rate
// homeostasis of Zierenberg, Wilting & Priesemann (PRX 2018), the
// mechanism behind Cramer et al. (2020): the input strength sets the
// distance to criticality (shared/specs/criticality.md §6.2, tests CR-1,
// CR-2, CR-4).
//
// N binary units, each with K fixed random presynaptic partners. A unit is
// active at step t+1 with probability 1 − (1−h)(1−w_i)^{n_i}, where n_i is
// the number of its partners active at step t and h the external drive.
// During development every unit's incoming weight follows the homeostatic
// rule w_i += (r* − s_i)/τ_hp (s_i = 1 if it was active at the step),
// clipped to [0, 1]; the weights are then frozen and the activity measured.
// In the stationary state r* = h + m r*, so the branching ratio is
// m = 1 − h/r* (not near h/r* → 1: steps of 1/τ_hp against the clip at 0
// hold the weights above the tiny target, e.g. m̂ 0.125 for 0.01 at
// h/r* = 0.99): lower input ⇒ more recurrence ⇒ m → 1.
//
// Measured (homeostasis_test.go, seed 1; the spec's numpy reference in
// brackets): h/r* = 0.1 → m̂ 0.8947 [0.8965], rate 0.98 r*; 0.03 → 0.9614
// [0.9640], 0.95 r*; 0.01 → 0.9807 [0.9842], 1.02 r*. m̂ sits 0.005–0.009
// below 1 − h/r* in both implementations (coincident inputs to one unit
// activate it once: the activation is sublinear in n_i). Freezing at the
// time-averaged weights (RunOptions.AverageLast) matters: a snapshot
// carries the loop's slow fluctuations (see SpecRun).
//
// One keyed random stream per run (seed, purpose Synthetic, key): results
// depend only on the seed and the key. The simulation is serial: at N =
// 1000, K = 100 a step costs ≈ 16 µs (CR-1's 2.5·10⁵ steps: ≈ 4 s);
// experiment/homeostasis runs a sweep's networks in parallel.
package homeostasis
