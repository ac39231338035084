package spike

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestStatsPoissonAndRegular: for Poisson trains (rate 20 Hz, dt 0.1 ms,
// 200 neurons × 50 s) the CV of ISI and the Fano factor (100 ms windows)
// are 1 (closed form; tolerance 0.03 ≈ 4 SE for ≈ 1000 ISIs per neuron and
// 500 windows, plus the O(r·dt) = 0.2 % Bernoulli-binning bias); for
// perfectly regular trains both are 0.
func TestStatsPoissonAndRegular(t *testing.T) {
	const n, steps, p = 200, 500000, 20 * 0.1 / 1000
	r := rand.New(rand.NewPCG(1, 2))
	var poi, reg Spikes
	for st := int64(0); st < steps; st++ {
		for i := int32(0); i < n; i++ {
			if r.Float64() < p {
				poi.Step = append(poi.Step, st)
				poi.ID = append(poi.ID, i)
			}
			if (st+int64(i))%500 == 0 {
				reg.Step = append(reg.Step, st)
				reg.ID = append(reg.ID, i)
			}
		}
	}
	if rate := RateHz(int64(len(poi.ID)), n, steps*0.1); math.Abs(rate-20) > 0.2 {
		t.Errorf("rate %v", rate)
	}
	cv := MeanFinite(CVISIs(&poi, n))
	f := FanoFactor(&poi, n, 0, steps, 1000)
	if math.Abs(cv-1) > 0.03 || math.Abs(f-1) > 0.03 {
		t.Errorf("Poisson: CV %v, Fano %v, want 1", cv, f)
	}
	if cv, f := MeanFinite(CVISIs(&reg, n)), FanoFactor(&reg, n, 0, steps, 1000); cv != 0 || f != 0 {
		t.Errorf("regular: CV %v, Fano %v, want 0", cv, f)
	}
}
