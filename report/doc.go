// Package report builds one self-contained HTML page per run: headings,
// text, parameter and result tables, figures and preformatted text such as
// the resolved config.
//
// The page needs no external resources and no JavaScript: figures are
// embedded as base64 PNG data URIs and the CSS is inline, so report.html
// can be mailed or archived on its own. Next to each figure the page links
// to its sibling files from package plot (base.svg, base.tsv, base.npy),
// relative to the report's directory, so inside the run directory the
// exact plotted data is one click away.
//
// # Core types
//
//   - Report: created by New(title); blocks are appended in order by
//     Section, Paragraph, KeyValues, Table, Figure and Pre; WriteFile
//     renders and writes the page atomically.
//   - KV: one key/value/unit row for KeyValues.
//
// # Example
//
//	r := report.New("pbdms run 3")
//	r.Section("Parameters")
//	r.KeyValues("network", []report.KV{{"N", "10000", ""}, {"tau_m", "20", "ms"}})
//	r.Section("Recall")
//	if err := r.Figure(filepath.Join(runDir, "figs", "overlaps.png"), "Overlaps during recall"); err != nil {
//		return err
//	}
//	r.Pre("config.resolved.toml", cfgText)
//	return r.WriteFile(filepath.Join(runDir, "report.html"))
//
// # Invariants
//
//   - Every user-provided string (titles, captions, cells, text) is
//     HTML-escaped; the output contains no markup from the caller.
//   - Figure reads the PNG immediately (later changes to the file do not
//     affect the page) and returns an error naming the file if it is
//     missing or not a PNG; sibling links are resolved at WriteFile time.
//   - WriteFile never leaves a partial page: it writes a temporary file and
//     renames it into place. The same report renders to the same bytes.
//   - Nothing is printed; no package state; a Report is not safe for
//     concurrent use.
package report
