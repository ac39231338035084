// Package config decodes experiment configurations strictly and prints
// them back, resolved, with units.
//
// A config is a Go struct whose fields carry `toml:"key"` tags (snake_case,
// units in the name where the value has one, e.g. tau_ms) and an optional
// `unit:"ms"` tag. The struct is filled with defaults first; then the file
// is decoded onto it; then each --set key=value override is decoded onto
// it, in order. Any key that does not name a field is an error naming the
// key and the file, with the nearest valid key as a suggestion. Malformed
// TOML is an error with the file name and line; so is a negative number for
// an unsigned key. Documents are bounded before they are parsed
// (MaxFileBytes, MaxDepth; ReadFile refuses non-regular files).
//
// # Docs
//
// A field's Go doc comment is its only documentation. The config package
// embeds the files declaring its structs and implements Documented:
//
//	//go:embed config.go
//	var docFiles embed.FS
//
//	func (c *Config) DocSources() []config.DocSource {
//		return []config.DocSource{{Pkg: reflect.TypeFor[Config]().PkgPath(), Files: docFiles}}
//	}
//
// Format prints each comment (without its leading "Field is") after the
// key. A `doc:"…"` tag is still read for fields without a comment, for
// packages not converted yet.
//
// # Durations
//
// Steps converts a duration key to a bounded number of time steps and
// TotalSteps bounds a run's total: every experiment validates its
// durations with them.
//
//	data, err := config.ReadFile("examples/pb-dms.toml")
//	cfg := pbdms.PaperDefaults()
//	name, err := config.Load("examples/pb-dms.toml", data, cfg, []string{"rule.A=10.65"})
//	fmt.Print(config.Format(cfg, name)) // resolved TOML with "# [unit] doc" comments
//
// (ExampleLoad runs it.)
//
// Format's output is itself a valid config that decodes to the same values
// (it is what every run writes as config.resolved.toml).
package config
