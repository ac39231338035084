package main

import (
	"github.com/spf13/cobra"

	"github.com/engramsim/engram/experiment"
)

// extraExperiments lists experiments beyond pb-dms.
func extraExperiments() []experiment.Def { return nil }

// extraCommands lists commands beyond demo/run/describe/version.
func (a *app) extraCommands() []*cobra.Command { return nil }
