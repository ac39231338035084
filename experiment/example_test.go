package experiment_test

import (
	"fmt"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/pbdms"
)

// The package doc's snippet.
func ExampleRegistry() {
	reg := experiment.NewRegistry()
	reg.Add(pbdms.Def(pbdms.PaperDefaults))
	def, err := reg.Get("pb-dms")
	if err != nil {
		panic(err)
	}
	cfg := def.NewConfig()
	fmt.Println(reg.Names(), cfg.SeedValue(), cfg.Validate())
	_, err = reg.Get("pb-dsm")
	fmt.Println(err)
	// Output:
	// [pb-dms] 1 <nil>
	// unknown experiment "pb-dsm" (known: [pb-dms])
}
