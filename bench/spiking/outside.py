#!/usr/bin/python3
"""Time outside the simulation of `engram run examples/coba.toml` (issue 13).

usage: /usr/bin/python3 bench/spiking/outside.py N BIN [BIN ...]   (from the repository root)

Runs exactly `BIN run examples/coba.toml` N times per binary, the binaries
alternated (the machine may be shared), each into its default run directory
under runs/ (deleted afterwards), and prints the medians of the process wall
time, of sim_s (res/summary.json: the time-step loop only), of outside =
wall − sim_s and of the fraction outside / wall, with the load average.
bench/RESULTS.md has the numbers; BenchmarkCobaRun (cmd/engram) measures the
same for one binary.
"""
import json, os, shutil, statistics, subprocess, sys, time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    n, bins = int(sys.argv[1]), sys.argv[2:]
    res = {b: [] for b in bins}
    loads = []
    for _ in range(n):
        loads.append(os.getloadavg()[0])
        for b in bins:
            t = time.perf_counter()
            p = subprocess.run([b, "run", "examples/coba.toml"], check=True, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            wall = time.perf_counter() - t
            d = [l.split(": ", 1)[1] for l in p.stdout.splitlines() if l.startswith("run directory: ")][0]
            with open(os.path.join(d, "res", "summary.json")) as f:
                m = {x["name"]: x["value"] for x in json.load(f)["metrics"]}
            res[b].append((wall, m["sim_s"]))
            shutil.rmtree(d)
    print(f"load average: min {min(loads):.1f}, median {statistics.median(loads):.1f}, max {max(loads):.1f}")
    for b in bins:
        w = [r[0] for r in res[b]]
        s = [r[1] for r in res[b]]
        out = [a - c for a, c in zip(w, s)]
        fr = [1 - c / a for a, c in zip(w, s)]
        print(f"{b}: n={n} wall {1e3*statistics.median(w):.1f} ms, sim_s {1e3*statistics.median(s):.1f} ms, "
              f"outside {1e3*statistics.median(out):.1f} ms, fraction outside {100*statistics.median(fr):.1f} % "
              f"(min {100*min(fr):.1f}, max {100*max(fr):.1f})")


if __name__ == "__main__":
    main()
