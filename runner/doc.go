// Package runner is the life cycle of one engram run, shared by the CLI,
// the sweep runner and tests:
//
//	def, cfg, err := runner.Resolve(reg, file, data, runner.ResolveOptions{Sets: sets})
//	res, err := runner.Execute(ctx, runner.SpecFor(def, cfg, file), runner.Options{Parent: "runs", Workers: 2},
//		func(env *experiment.Env) (experiment.Summary, error) { return def.Run(ctx, cfg, env) })
//	fmt.Println(res.Dir, res.File.Metrics)
//
// Resolve builds a validated config: defaults ← preset ← file ← --set ←
// --seed. Execute checks the memory budget, reserves the run directory
// atomically before anything is computed (rundir.Create for an explicit
// target, rundir.CreateUnique — time, seed and a random suffix — for the
// default one, so runs started in the same second never collide), runs the
// experiment, and writes config.resolved.toml, provenance.json (with the
// Slurm job and task ids when run inside a job), res/summary.json and
// report.html before it moves the directory into place. A failed or
// cancelled run leaves nothing.
//
// res/summary.json is the run's result as data (SummaryFile):
//
//	{"experiment": "spiking", "seed": 1, "status": "ok",
//	 "metrics": [{"name": "populations.E.rate_hz", "value": 37.9, "stderr": null, "unit": "", "method": ""}, …],
//	 "summary": {…the experiment's nested summary…}}
//
// Metric names are the dotted paths of the nested summary's numeric
// leaves; values NaN, +Inf and −Inf are written as the strings "NaN",
// "+Inf", "-Inf", and a missing value (a null leaf) as null, so the three
// are distinguishable. In the nested summary non-finite numbers are null
// (as the CLI's --json has always printed them).
//
// This package never prints: logs go to Options.Log, progress to
// Options.Progress.
package runner
