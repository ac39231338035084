// Package sweep runs an experiment over a design of config values: on
// this machine (a pool of point processes) or as a Slurm job array, both
// resumable, with one collected table.
//
// A sweep file is TOML:
//
//	base = "brunel-ai.toml"          # relative to the sweep file, or absolute
//	repeats = 3                      # seeds per design point: seed, seed+1, …
//	seed = 1                         # the first seed of the repeats (default 1)
//	[set]                            # fixed overrides for every point
//	run.duration_ms = 1000
//	[grid]                           # the Cartesian product of the lists
//	brunel.g = [4, 5, 6]
//	brunel.eta = [1.0, 2.0]
//	[zip]                            # lists of equal length, varied together
//	"population.E.n" = [800, 1600]
//	"population.I.n" = [200, 400]
//	[[list]]                         # explicit points, each setting the same keys
//	brunel.g = 3.0
//	brunel.eta = 2.0
//	[[list]]
//	brunel.g = 6.0
//	brunel.eta = 4.0
//	[random]                         # n points drawn with seed: [lo, hi] uniform
//	n = 20                           # (integers if both are), or a list to choose from
//	seed = 7
//	input.mu_mv = [10.0, 20.0]
//	[slurm]                          # resources of each array task (see Slurm)
//	cpus_per_task = 2
//	mem = "2G"
//	time = "00:30:00"
//	[report]
//	metrics = ["populations.E.rate_hz"]   # what collect plots (default: all)
//	log_x = true                          # line plots on a log x axis
//	[[report.plot]]                       # several metrics on one figure (1-D grids)
//	name = "m_vs_input"                   # figs/m_vs_input.{png,svg,tsv}
//	metrics = ["drive.m_ols", "drive.m_theory"]
//	labels = ["simulation", "theory"]     # legend ([] = the metric names)
//	errors = ["drive.m_ols_sd", ""]       # error-bar metric per line ("" = none)
//	y_label = "branching ratio m"
//	[[report.plot]]                       # metrics against a metric or swept key (any design)
//	name = "acc_vs_m"
//	x = "populations.E.mr_m"              # one point per run, repeats not averaged
//	metrics = ["task.current.acc", "task.kback_2.acc"]
//	errors = ["task.current.acc_se", "task.kback_2.acc_se"]
//
// Keys are config keys as --set takes them (dotted, array entries by name
// or index); [grid], [zip], [[list]] and [random] combine as a Cartesian
// product of the grid's axes, the zip's rows, the list's entries and the
// random draws, times the repeats. Every point is resolved against the base config when the file
// is parsed, so an unknown key (with a suggestion), a bad value, an empty
// design or a key given twice is an error before anything runs.
//
// A sweep directory holds sweep.json (the plan: every point's id and
// overrides), base.toml and sweep.toml (copies), points/<id>/ (each
// point's run directory, written by the run life cycle of package runner,
// so it appears only when the run succeeded), logs/ and, after Collect,
// points.tsv, report.html and figs/. A point is complete when
// points/<id>/res/summary.json exists: resuming judges by these files
// alone, never by exit codes, so a sweep interrupted at any moment is
// resumed without redoing or losing a finished point.
//
// Figures: for a 1-D grid a line plot per metric (by increasing value of
// a numeric key) and one per [[report.plot]] without x; for a 2-D grid a heat map
// per metric whose axes are the swept values: evenly spaced numbers as
// cells of one width centred on them; unevenly spaced numbers as cells
// bounded at the midpoints between them (drawn to scale, a tick at each
// value; plot.Midpoints), on a log10 axis when there are ≥ 3 of them, all
// positive, spanning a decade or more (0.01, 0.03, 0.1, 0.3); anything
// else one cell per value labelled by it.
// With repeats a cell is the mean over seeds (and lines carry the standard
// error).
//
// points.tsv has one row per point: point (the id), run_dir (relative to
// the sweep directory), the swept values (and seed with repeats), then
// every metric of the point's res/summary.json in name order; NaN is
// written as NaN, ±Inf as inf/-inf, a missing value as an empty cell.
//
// The library never prints; RunLocal and RunSlurm log to a writer.
package sweep
