package main

import (
	"github.com/spf13/cobra"

	"github.com/engramsim/engram/experiment"
)

// theoryCommands returns `capacity` and `mft` (issue 3; being written).
func (a *app) theoryCommands() []*cobra.Command { return nil }

// theoryExperiments returns the MFT/simulation experiments.
func theoryExperiments() []experiment.Def { return nil }
