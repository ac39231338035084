// Package readout trains linear and logistic readouts of network states
// and measures their held-out accuracy, and runs the task battery of
// criticality.md §6.3 (Cramer et al. 2020): classify the current input
// symbol (memory-free), recall the symbol k slots back, and the parity of
// the last n binary symbols.
//
// # Data
//
// States are a plain matrix x (samples × features, gonum mat.Matrix), e.g.
// the spike counts of each neuron in each input slot; labels are ints in
// 0..classes−1. Inputs are never mutated. The package does not know the
// simulators.
//
// # Readouts
//
//   - Ridge (default): features standardised with the training set's mean
//     and SD, one-hot targets regressed by ridge regression (intercept not
//     penalised), prediction = argmax; FitRidge is the regression itself.
//   - Logistic: L2-penalised logistic regression by Newton/IRLS
//     (FitLogistic), one-vs-rest for more than two classes.
//
// The penalty λ is chosen from a grid (Options.Lambdas, default
// DefaultLambdas) by k-fold cross-validation inside the training set; the
// test set is touched once. A Classifier factorises the training features
// once, so every further label set (task) on the same states is cheap.
//
// # Uncertainty and settings
//
// Accuracy carries the fraction correct on the test set, its binomial
// standard error √(p(1−p)/N), the chance level (always answering the most
// frequent training label), the method, the chosen λ and the set sizes.
// The binomial SE treats test samples as independent; states of a
// recurrent network at neighbouring slots are correlated, so read it as a
// lower bound on the uncertainty (repeat over seeds for the full spread).
//
// # Battery
//
//	res, err := readout.RunBattery(x, symbols, 2, nil, r) // current, kback_1..10, parity_2..5
//	for _, t := range res { fmt.Println(t.Task.Name(), t.Accuracy.Value, t.Accuracy.SE) }
//
// Row t of x is the state after symbol s_t; targets are s_t (Current),
// s_{t−k} (KBack) and (s_t + … + s_{t−n+1}) mod 2 (Parity). All tasks use
// the same samples (the slots from the largest lag on) and one random
// train/test split, so their accuracies are comparable.
//
// Randomness (the split and the cross-validation folds) comes from the
// *rand.Rand the caller passes.
package readout
