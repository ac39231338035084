#!/usr/bin/python3
"""Cue-triggered overlap of a zag2015 stdp-memory run: m of the cued
assembly (and the largest m of the others) in 50-ms bins around the cue
onset, mean over the trials of each cue fraction. Usage:
profile.py RUN_DIR > cue_profile.tsv. Needs numpy (Debian python3-numpy;
use /usr/bin/python3)."""
import csv, re, sys
import numpy as np

d = sys.argv[1]
M = np.load(d + "/rec/overlaps.npy")
t = np.load(d + "/rec/overlap_t_ms.npy")
bin_ms = t[1] - t[0]
t0 = t[0] - bin_ms
rows = list(csv.DictReader(open(d + "/res/recall_trials.tsv"), delimiter="\t"))
pre, post = 4, 50
prof = {}
for r in rows:
    k = int(re.search(r"(\d+)$", r["assembly"]).group(1))
    b0 = int(round((float(r["cue_ms"]) - t0) / bin_ms))
    if b0 - pre < 0 or b0 + post > len(M):
        continue
    seg = M[b0 - pre:b0 + post]
    other = np.delete(seg, k, axis=1).max(axis=1)
    prof.setdefault(r["fraction"], []).append((seg[:, k], other))
fr = sorted(prof, key=float)
print("# cue-triggered mean over the trials of %s; t_ms = bin end relative to the cue onset" % d)
print("t_ms\t" + "\t".join("m_cued_c%s\tmax_m_other_c%s" % (f, f) for f in fr))
for i in range(pre + post):
    cols = []
    for f in fr:
        cols += [np.mean([a[i] for a, _ in prof[f]]), np.mean([b[i] for _, b in prof[f]])]
    print("%g\t" % ((i - pre + 1) * bin_ms) + "\t".join("%.4f" % x for x in cols))
