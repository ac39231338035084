package config_test

import (
	"fmt"
	"strings"

	"github.com/engramsim/engram/config"
	"github.com/engramsim/engram/experiment/pbdms"
)

// The package doc's snippet: defaults, the example file, a --set override,
// validation and the resolved config with units and docs.
func ExampleLoad() {
	data, err := config.ReadFile("../examples/pb-dms.toml")
	if err != nil {
		panic(err)
	}
	cfg := pbdms.PaperDefaults()
	name, err := config.Load("examples/pb-dms.toml", data, cfg, []string{"rule.A=10.65"})
	if err != nil {
		panic(err)
	}
	fmt.Println(name, cfg.Rule.A, cfg.Validate())
	for _, l := range strings.Split(config.Format(cfg, name), "\n") {
		if strings.HasPrefix(l, "tau_ms") || strings.HasPrefix(l, "A =") {
			fmt.Println(l)
		}
	}
	// Output:
	// pb-dms 10.65 <nil>
	// A = 10.65  # the amplitude (median fit 3.5506; ×3 for chaotic retrieval), ≥ 0.
	// tau_ms = 20.0  # [ms] the rate time constant τ in ms (paper: 20).
}

// Steps turns a duration key into a bounded number of time steps.
func ExampleSteps() {
	n, err := config.Steps("load.duration_ms", 1400, 0.5, 1, config.MaxSteps)
	fmt.Println(n, err)
	_, err = config.Steps("load.duration_ms", 1e300, 0.5, 1, config.MaxSteps)
	fmt.Println(err)
	// Output:
	// 2800 <nil>
	// load.duration_ms = 1e+300 ms is 2e+300 steps of dt = 0.5 ms, more than the 1073741824 a run may take
}
