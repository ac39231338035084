// Package config decodes experiment configurations strictly and prints
// them back, resolved, with units.
//
// A config is a Go struct whose fields carry `toml:"key"` tags (snake_case,
// units in the name where the value has one, e.g. tau_ms), an optional
// `unit:"ms"` tag and an optional `doc:"…"` tag. The struct is filled with
// defaults first; then the file is decoded onto it; then each --set
// key=value override is decoded onto it, in order. Any key that does not
// name a field is an error naming the key and the file, with the nearest
// valid key as a suggestion. Malformed TOML is an error with the file name
// and line.
//
//	cfg := pbdms.Defaults()
//	name, err := config.Load("examples/pb-dms.toml", data, cfg, []string{"rule.A=10.65"})
//	fmt.Print(config.Format(cfg, name)) // resolved TOML with "# unit — doc" comments
//
// Format's output is itself a valid config that decodes to the same values
// (it is what every run writes as config.resolved.toml).
package config
