package main

import "github.com/engramsim/engram/experiment"

// spikingExperiments returns the spiking-network experiments (issue 5; being written).
func spikingExperiments() []experiment.Def { return nil }
