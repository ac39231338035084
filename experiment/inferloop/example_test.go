package inferloop_test

import (
	"fmt"
	"strings"

	"github.com/engramsim/engram/experiment/inferloop"
	"github.com/engramsim/engram/infer"
)

// A neuron's estimates become a [transfer]/[rule] fragment for a pb-dms
// config (res/rule_preset_<id>.toml of engram infer).
func ExampleRulePresetTOML() {
	var r infer.NeuronResult
	r.ID = "n7"
	r.TransferFit.RMaxHz.Value, r.TransferFit.Beta.Value, r.TransferFit.H0.Value = 76.2, 0.82, 2.46
	r.RuleFit.A.Value, r.RuleFit.QF.Value, r.RuleFit.BetaFPerHz.Value, r.RuleFit.XFHz.Value = 3.55, 0.83, 0.28, 26.6
	toml := inferloop.RulePresetTOML(r, "")
	fmt.Print(toml[strings.Index(toml, "\n[transfer]")+1:]) // after the comment header
	// Output:
	// [transfer]
	// kind = "sigmoid"
	// r_max_hz = 76.2
	// beta = 0.82
	// h0 = 2.46
	//
	// [rule]
	// A = 3.55
	// q_f = 0.83
	// beta_f_per_hz = 0.28
	// x_f_hz = 26.6
}
