package branching

// IntegratedTau is Sokal's windowed integrated autocorrelation time of a
// series, from its multistep-regression coefficients r_k.
type IntegratedTau struct {
	// Tau is τ_int = ½ + Σ_{k=1..Window} r_k, in bins.
	Tau float64
	// Window is the summation window K in bins.
	Window int
	// Converged reports whether a K ≥ c·τ_int(K) was reached within the
	// lags computed (else Window is the largest lag and Tau its sum).
	Converged bool
	// Steps, Coefficients and Running are the lags k, the r_k and the
	// running sums ½ + Σ_{j≤k} r_j (for plotting).
	Steps                 []int
	Coefficients, Running []float64
}

// Integrated computes τ_int = ½ + Σ_{k=1}^{K} r_k with the smallest window
// K ≥ c·τ_int(K) (Sokal 1997, "Monte Carlo methods in statistical
// mechanics", §3; c ≈ 5 for nearly exponential decay) from the MR
// coefficients of data[trial][bin] by method for k = 1..kmax. For
// r_k = m^k it is ½ + m(1 − m^K)/(1 − m) → (1 + m)/(2(1 − m)).
func Integrated(data [][]float64, method Method, kmax int, c float64) (*IntegratedTau, error) {
	coef, err := Coefficients(data, &CoefficientOptions{Method: method, KMin: 1, KMax: kmax})
	if err != nil {
		return nil, err
	}
	t := &IntegratedTau{Steps: coef.Steps, Coefficients: coef.Coefficients, Running: make([]float64, len(coef.Steps))}
	sum := 0.5
	for i, k := range coef.Steps {
		sum += coef.Coefficients[i]
		t.Running[i] = sum
		if !t.Converged && float64(k) >= c*sum {
			t.Tau, t.Window, t.Converged = sum, k, true
		}
	}
	if !t.Converged {
		t.Tau, t.Window = sum, coef.Steps[len(coef.Steps)-1]
	}
	return t, nil
}
