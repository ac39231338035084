package main

import (
	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/spiking"
)

// spikingExperiments returns the spiking-network experiments.
func spikingExperiments() []experiment.Def { return []experiment.Def{spiking.Def()} }
