package main

import (
	"github.com/engramsim/engram/experiment/analyze"
	"github.com/spf13/cobra"

	"github.com/engramsim/engram/experiment"
	"github.com/engramsim/engram/experiment/corrstim"
	"github.com/engramsim/engram/experiment/noisyrate"
	"github.com/engramsim/engram/experiment/train"
)

// extraExperiments lists experiments beyond pb-dms.
func extraExperiments() []experiment.Def {
	var d []experiment.Def
	d = append(d, theoryExperiments()...)
	d = append(d, inferExperiments()...)
	d = append(d, spikingExperiments()...)
	d = append(d, infoExperiments()...)
	d = append(d, analyze.Experiments()...)
	d = append(d, train.Def())
	return d
}

// extraCommands lists commands beyond demo/run/describe/version.
func (a *app) extraCommands() []*cobra.Command {
	var c []*cobra.Command
	c = append(c, a.theoryCommands()...)
	c = append(c, a.inferCommands()...)
	c = append(c, a.analyzeCommands()...)
	c = append(c, a.bridgeCmd())
	return c
}

// infoExperiments are the information/correlation experiments (issue 16).
func infoExperiments() []experiment.Def {
	return []experiment.Def{noisyrate.Def(), corrstim.Def()}
}
