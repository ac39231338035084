package main

import "github.com/spf13/cobra"

// analyzeCommands returns the `analyze` command tree (issue 6; being written).
func (a *app) analyzeCommands() []*cobra.Command { return nil }
