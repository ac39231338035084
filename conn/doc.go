// Package conn holds sparse connectivity: the CSR type used by every
// network in engram and the generators of random structural masks.
//
// # Conventions
//
// A projection connects a presynaptic population (size NPre) to a
// postsynaptic one (size NPost). CSR is post-major: the synapses onto
// postsynaptic neuron i are the index range [RowPtr[i], RowPtr[i+1]), with
// presynaptic indices Pre[k] (sorted ascending within a row, int32) and
// weights W[k] (float32). So a rate update h = W r is CSR.MulVecTo, and
// W_ij of the papers (i post, j pre) is row i, column j — the same layout as
// scipy.sparse.csr_matrix, which is how WriteNPZ-style exports read it.
//
// Tiled is the fast matvec view the rate network steps with: a
// column-blocked SELL-8 copy of a weighted CSR (16-bit block-local indices,
// the same float32 weights), an AVX kernel on amd64 and a portable
// kernel that gives the same bits elsewhere; MulVec2Range multiplies two
// vectors in one pass over the matrix (a Lyapunov twin, or trials of one
// network).
//
// ByPre builds the pre-major view (for spike delivery and plasticity) whose
// entries point back into the CSR arrays, so every synapse has one weight
// addressable from both sides.
//
// # Generators
//
// Bernoulli (each pair independently with probability p, by geometric
// skipping) and FixedInDegree / FixedOutDegree (exactly k distinct partners)
// draw each row from its own keyed stream rng.New(seed, rng.Mask, key, row),
// rows in parallel, so the mask is identical for every worker count.
//
//	c, err := conn.Bernoulli(50000, 50000, 0.005, conn.GenOptions{Seed: 7, Autapses: true})
//	// c.NNZ() ≈ 12.5 M; h := make([]float32, 50000); c.MulVecTo(h, r)
package conn
