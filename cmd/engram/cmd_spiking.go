package main

import (
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/spiking"
	"github.com/engramsim/engram/experiment/stdpmemory"
)

// spikingExperiments returns the spiking-network experiments.
func spikingExperiments() []experiment.Def {
	return []experiment.Def{spiking.Def(), stdpmemory.Def()}
}
