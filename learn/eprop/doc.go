// Package eprop trains recurrent networks of LIF and ALIF spiking neurons
// by e-prop (Bellec et al. 2020) and by exact backpropagation through time,
// following shared/specs/eprop.md.
//
// # Model
//
// A Net has n_in inputs, n_rec recurrent neurons (LIF, then NALIF ALIF
// neurons) and n_out leaky readouts, in one of two conventions (spec §1):
// P (the paper: no (1−α) on the input, refractory counter, ALIF) and T
// (the tutorial's LightLIF: (1−α) on the input, LIF only). Spikes are 0/1
// per step; ∂z/∂v is the pseudo-derivative
// ψ = (γ/v_th)·max(0, 1 − |v − A|/v_th) (0 while refractory). Weights are
// stored pre-major (WRec[i·n_rec + j] = W^rec_ji, from i to j).
//
// # Gradients
//
// Net.Simulate fills a Record (struct of arrays, time-major) from an input;
// Loss values add their partial derivatives ∂E/∂y^t and ∂E/∂z^t to the
// record; then either
//
//   - Net.EProp: e-prop, learning signal L_j^t = ∂E/∂z_j^t through the
//     readout fed back by B (symmetric, random or adaptive Feedback) plus
//     the direct terms of the regularisers, times the closed-form
//     eligibility traces of spec §4, summed in adjoint form (cost linear in
//     the synapses, no per-synapse storage); or
//   - Net.BPTT: the exact gradient of the discrete dynamics (float64
//     reference, Full or with z cut from the recurrence and the reset).
//
// Net.Traces returns the traces e_ji^t explicitly. The tests pin the
// identities of spec §10: eq. (1) with the total dE/dz equals BPTT
// (EP-1), symmetric e-prop equals BPTT with z cut (EP-2), both to 1e-12.
//
// # Losses
//
// Regression (½Σ(y − y*)²), Classification (softmax cross entropy over a
// window), NeuronRate (per-neuron rate, batch or EMA), PopRate (per-bin
// population rate), Variance (the slides' loss on the variance of the
// global rate, with its exact global learning signal) and Branching (lag-1
// regression slope of the population count towards a target m).
//
// # Training
//
// A Trainer runs batches: simulate, evaluate the losses, compute the
// gradient (e-prop or BPTT), step the optimiser (SGD or Adam), update an
// adaptive feedback matrix, and enforce the connectivity masks and Dale's
// law (Net.Constrain) after every update.
//
//	p := eprop.Defaults()                       // pattern generation, §9
//	net, _ := eprop.NewNet(p)
//	net.InitGaussian(r, 1, 1, 1)
//	tr, _ := eprop.NewTrainer(net, eprop.TrainerOptions{
//		Method: eprop.MethodEProp, Feedback: eprop.NewFeedback(eprop.Random, p, r, 0.1),
//		Optimizer: &eprop.SGD{LR: 1e-4},
//		Losses:    []eprop.Loss{&eprop.Regression{Target: y}, &eprop.NeuronRate{TargetHz: 10, Coef: 300, Half: true}},
//	})
//	loss, _ := tr.Step([][]float64{x}, T)
//
// # Tests
//
// go test -short runs the identities EP-1, EP-2, EP-5 (≤ 2e-15 measured),
// EP-3 (median cosine 0.96 over 20 seeds), EP-4 (BPTT against finite
// differences with a logistic spike), EP-9, the losses' derivatives against
// finite differences, optimisers, constraints, bad input, the forward pass
// against a literal transcription of the evidence tutorial's EligALIF cell
// and the evidence generator against the tutorial's statistics in a few s;
// without -short, EP-6/EP-7 train pattern generation for 3 seeds × 2000
// iterations (≈ 10 s). BenchmarkPatternIteration is the §9 iteration
// (bench/eprop/run.sh compares it with numpy).
//
// Units: time in ms, rates inside losses in spikes per ms (targets are
// given in Hz), voltages in the arbitrary units of v_th. Nothing here
// prints; every random draw takes an explicit *rand.Rand.
package eprop
