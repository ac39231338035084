package main

import (
	"github.com/spf13/cobra"

	"github.com/engramsim/engram/experiment"
)

// inferCommands returns the `infer` command (issue 4; being written).
func (a *app) inferCommands() []*cobra.Command { return nil }

// inferExperiments returns the inference experiments (closed loop).
func inferExperiments() []experiment.Def { return nil }
