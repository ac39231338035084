package infobound

// Reference is one row of the reference table of stored information
// (spec stdp-memory.md §5.1).
type Reference struct {
	// System is the network or learning system, Quantity what Value is.
	System   string  `json:"system"`
	Quantity string  `json:"quantity"`
	Value    float64 `json:"value"`
	// Unit is "patterns/synapse" or "bits/synapse".
	Unit string `json:"unit"`
	// Provenance says where the value comes from (spec §0 tags); "computed"
	// rows are evaluated by this package's routines.
	Provenance string `json:"provenance"`
}

// Hopfield (Amit–Gutfreund–Sompolinsky) capacity and the retrieval overlap
// at capacity (spec §5.1: recalled, unverified).
const (
	HopfieldAlphaC = 0.138
	HopfieldMAtC   = 0.967
)

// ReferenceTable returns the reference values of spec §5.1 for comparison
// in reports: the Gardner bound (computed at f = 0.5 and its sparse limit
// 1/(2 ln 2)), the Hopfield capacity with and without retrieval errors,
// Willshaw binary synapses (ln 2), the sign-constrained perceptron, and
// the Gardner routine at f = 0.1, 0.05, 0.01.
func ReferenceTable() []Reference {
	rows := []Reference{
		{"perceptron, unbiased binary patterns, continuous weights, κ = 0", "α_c", 2, "patterns/synapse", "Gardner 1988 (widely quoted; spec §5.1); computed by GardnerCapacity(0.5)"},
		{"perceptron, same, sparse coding f → 0", "I_syn at capacity", 1 / (2 * ln2), "bits/synapse", "Gardner 1988 (spec §5.1; text not read)"},
		{"Hopfield (Amit–Gutfreund–Sompolinsky)", "α_c", HopfieldAlphaC, "patterns/synapse", "recalled, unverified (spec §5.1)"},
		{"Hopfield at α_c, with retrieval errors (m = 0.967)", "I_syn per N² couplings", HopfieldBitsPerSynapse(HopfieldAlphaC, HopfieldMAtC), "bits/synapse", "derived: α_c[1 − H₂((1 − m)/2)] (spec §5.1)"},
		{"Hopfield, the usual quote (α_c × 1 bit)", "I_syn", HopfieldAlphaC, "bits/synapse", "derived (spec §5.1)"},
		{"Willshaw / binary synapses, sparse", "I_syn", ln2, "bits/synapse", "recalled, unverified (spec §5.1)"},
		{"sign-constrained (excitatory) perceptron, f = 0.5", "α_c", 1, "patterns/synapse", "Brunel 2016 abstract; the value 1 is recalled, unverified (spec §5.1)"},
	}
	for _, f := range []float64{0.1, 0.05, 0.01} {
		g, _ := GardnerCapacity(f)
		rows = append(rows,
			Reference{"perceptron, coding level f = " + ftoa(f), "α_c", g.AlphaC, "patterns/synapse", "computed by GardnerCapacity (spec §5.1 routine; not checked against the paper)"},
			Reference{"perceptron, coding level f = " + ftoa(f), "α_c H₂(f)", g.BitsPerSynapse, "bits/synapse", "computed by GardnerCapacity"})
	}
	return rows
}
