package infer

import (
	"encoding/json"
	"math"
	"strconv"
)

// jsonFloat marshals NaN and ±Inf as null (encoding/json rejects them).
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

type jsonCI [2]jsonFloat

func ci(e Estimate) jsonCI { return jsonCI{jsonFloat(e.Lo), jsonFloat(e.Hi)} }

type jsonTransfer struct {
	RMaxHz   jsonFloat `json:"r_max_hz"`
	RMaxHzCI jsonCI    `json:"r_max_hz_ci"`
	Beta     jsonFloat `json:"beta"`
	BetaCI   jsonCI    `json:"beta_ci"`
	H0       jsonFloat `json:"h0"`
	H0CI     jsonCI    `json:"h0_ci"`
}

type jsonRule struct {
	C            jsonFloat `json:"C"`
	CCI          jsonCI    `json:"C_ci"`
	A            jsonFloat `json:"A"`
	ACI          jsonCI    `json:"A_ci"`
	QF           jsonFloat `json:"q_f"`
	QFCI         jsonCI    `json:"q_f_ci"`
	BetaFPerHz   jsonFloat `json:"beta_f_per_hz"`
	BetaFPerHzCI jsonCI    `json:"beta_f_per_hz_ci"`
	XFHz         jsonFloat `json:"x_f_hz"`
	XFHzCI       jsonCI    `json:"x_f_hz_ci"`
	QG           jsonFloat `json:"q_g"`
	QGCI         jsonCI    `json:"q_g_ci"`
}

type jsonNeuron struct {
	ID        string       `json:"id"`
	Transfer  jsonTransfer `json:"transfer"`
	Rule      jsonRule     `json:"rule"`
	NNovel    int          `json:"n_novel"`
	NFamiliar int          `json:"n_familiar"`
}

// MarshalJSON writes the `engram infer --json` neuron object:
//
//	{"id", "transfer": {"r_max_hz", "r_max_hz_ci", "beta", "beta_ci", "h0", "h0_ci"},
//	 "rule": {"C", "C_ci", "A", "A_ci", "q_f", "q_f_ci", "beta_f_per_hz", "beta_f_per_hz_ci",
//	          "x_f_hz", "x_f_hz_ci", "q_g", "q_g_ci"}, "n_novel", "n_familiar"}
//
// Each *_ci is [lo, hi] (the bootstrap percentile interval at
// Settings.Level); undefined numbers (no bootstrap, failed centring) are null.
// Curves, rank check, warnings and settings are available on the Go value.
func (r NeuronResult) MarshalJSON() ([]byte, error) {
	t, u := r.TransferFit, r.RuleFit
	return json.Marshal(jsonNeuron{
		ID: r.ID,
		Transfer: jsonTransfer{
			jsonFloat(t.RMaxHz.Value), ci(t.RMaxHz), jsonFloat(t.Beta.Value), ci(t.Beta), jsonFloat(t.H0.Value), ci(t.H0),
		},
		Rule: jsonRule{
			jsonFloat(u.C.Value), ci(u.C), jsonFloat(u.A.Value), ci(u.A), jsonFloat(u.QF.Value), ci(u.QF),
			jsonFloat(u.BetaFPerHz.Value), ci(u.BetaFPerHz), jsonFloat(u.XFHz.Value), ci(u.XFHz), jsonFloat(u.QG.Value), ci(u.QG),
		},
		NNovel:    r.NNovel,
		NFamiliar: r.NFamiliar,
	})
}

// Report is the top-level `engram infer --json` document.
type Report struct {
	Method  string         `json:"method"`
	Neurons []NeuronResult `json:"neurons"`
}

// NewReport wraps results for JSON output.
func NewReport(res []NeuronResult) Report { return Report{Method: Method, Neurons: res} }
