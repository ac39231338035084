#!/usr/bin/python3
"""Figures and task statistics of the input-vs-recurrence sweep, from its points.tsv.

    /usr/bin/python3 results/input-vs-recurrence/figures.py points.tsv [outdir]

Prints, per task, the mean held-out accuracy ± SE over seeds at each K_ext
and the least-squares slope of accuracy on m̂ over the converged points
(rate within ±10 % of r* = 5 Hz), with its SE and two-sided p; writes to
outdir task_vs_m.{png,svg,tsv} (accuracy of every point against its m̂)
and criticality_vs_kext.{png,svg,tsv} (τ_AC, m̂ and the population Fano
factor at 1–5 bins against K_ext, mean ± SE over seeds).
"""
import csv
import sys

import numpy as np
from scipy import stats

R_STAR, TOL = 5.0, 0.10
KEXT = "input.poisson.0.n_sources"


def main():
    path = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "."
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    tasks = [k[len("task."):-len(".acc")] for k in rows[0] if k.startswith("task.") and k.endswith(".acc")]
    tasks.sort(key=lambda t: (0, 0) if t == "current" else (1 if t.startswith("kback") else 2, int(t.split("_")[1])))
    f = lambda r, k: float(r[k]) if r[k] not in ("", "NaN") else float("nan")
    kext = sorted({int(float(r[KEXT])) for r in rows})
    conv = [r for r in rows if abs(f(r, "populations.E.rate_hz") - R_STAR) <= TOL * R_STAR]
    print("K_ext:", kext, "| converged points:", len(conv), "of", len(rows))
    print("%-10s" % "task" + "".join("%16s" % ("K_ext=%d" % k) for k in kext) + "   slope d(acc)/d(m̂) ± SE (p), converged")
    table = []
    for t in tasks:
        line = "%-10s" % t
        for k in kext:
            a = np.array([f(r, "task.%s.acc" % t) for r in rows if int(float(r[KEXT])) == k])
            line += "%16s" % ("%.3f ± %.3f" % (a.mean(), a.std(ddof=1) / np.sqrt(len(a))))
        m = np.array([f(r, "populations.E.mr_m") for r in conv])
        a = np.array([f(r, "task.%s.acc" % t) for r in conv])
        lr = stats.linregress(m, a)
        line += "   %+.2f ± %.2f (p = %.2g)" % (lr.slope, lr.stderr, lr.pvalue)
        print(line)
        table.append((t, lr.slope, lr.stderr, lr.pvalue))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    show = [t for t in ("current", "kback_1", "kback_2", "kback_5", "parity_2", "parity_3") if t in tasks]
    with open(out + "/task_vs_m.tsv", "w") as w:
        w.write("point\tk_ext\tseed\tconverged\tmr_m\ttask\tacc\tacc_se\n")
        for r in rows:
            ok = abs(f(r, "populations.E.rate_hz") - R_STAR) <= TOL * R_STAR
            for t in tasks:
                w.write("%s\t%s\t%s\t%d\t%.6g\t%s\t%.6g\t%.6g\n" % (r["point"], r[KEXT], r["seed"], ok, f(r, "populations.E.mr_m"), t,
                                                                  f(r, "task.%s.acc" % t), f(r, "task.%s.acc_se" % t)))
    for i, t in enumerate(show):
        for ok, mk in ((True, "o"), (False, "x")):
            sel = [r for r in rows if (abs(f(r, "populations.E.rate_hz") - R_STAR) <= TOL * R_STAR) == ok]
            ax.errorbar([f(r, "populations.E.mr_m") for r in sel], [f(r, "task.%s.acc" % t) for r in sel],
                        yerr=[f(r, "task.%s.acc_se" % t) for r in sel], fmt=mk, color="C%d" % i, ms=4, capsize=2,
                        label=t if ok else None)
    ax.axhline(0.5, ls="--", color="grey", lw=0.8)
    ax.set_xlabel("m̂ (MR, 1 ms bins, undriven frozen phase)")
    ax.set_ylabel("held-out accuracy (± binomial SE)")
    ax.set_title("Task battery vs m̂ (o: converged, x: not converged)")
    ax.legend(fontsize=8, ncol=2)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(out + "/task_vs_m." + ext, dpi=120)


def criticality(path, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    rows = list(csv.DictReader(open(path), delimiter="\t"))
    f = lambda r, k: float(r[k]) if r[k] not in ("", "NaN") else float("nan")
    kext = sorted({int(float(r[KEXT])) for r in rows})
    keys = [("populations.E.tau_ac_ms", "τ_AC (ms)"), ("populations.E.mr_m", "m̂")] + \
        [("populations.E.pop_fano" + ("" if w == 1 else "_%ddt" % w), "pop. Fano, %d ms" % w) for w in range(1, 6)]
    stat = {}
    with open(out + "/criticality_vs_kext.tsv", "w") as w:
        w.write("metric\tk_ext\tmean\tse\tn\n")
        for key, _ in keys:
            for k in kext:
                a = np.array([f(r, key) for r in rows if int(float(r[KEXT])) == k])
                stat[key, k] = (a.mean(), a.std(ddof=1) / np.sqrt(len(a)))
                w.write("%s\t%d\t%.6g\t%.3g\t%d\n" % (key, k, stat[key, k][0], stat[key, k][1], len(a)))
    fig, axs = plt.subplots(1, 3, figsize=(11, 3.6))
    for ax, (key, lab) in zip(axs[:2], keys[:2]):
        ax.errorbar(kext, [stat[key, k][0] for k in kext], yerr=[stat[key, k][1] for k in kext], fmt="o-", capsize=3)
        ax.set_xlabel("K_ext (external Poisson synapses per E neuron)")
        ax.set_ylabel(lab)
        for k in kext:
            if not any(abs(f(r, "populations.E.rate_hz") - R_STAR) <= TOL * R_STAR for r in rows if int(float(r[KEXT])) == k):
                ax.axvspan(k - 3, k + 3, color="0.9")
    for i, k in enumerate(kext):
        axs[2].errorbar(range(1, 6), [stat[key, k][0] for key, _ in keys[2:]], yerr=[stat[key, k][1] for key, _ in keys[2:]],
                        fmt="o-", capsize=3, color="C%d" % i, label="K_ext = %d" % k)
    axs[2].set_xlabel("counting window (1 ms bins)")
    axs[2].set_ylabel("population Fano factor")
    axs[2].set_yscale("log")
    axs[2].legend(fontsize=8)
    fig.suptitle("Frozen, undriven phase (mean ± SE over seeds; grey: K_ext where homeostasis did not converge)", fontsize=9)
    fig.tight_layout()
    for ext in ("png", "svg"):
        fig.savefig(out + "/criticality_vs_kext." + ext, dpi=120)


if __name__ == "__main__":
    criticality(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else ".")
    main()
