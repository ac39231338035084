#!/usr/bin/python3
"""Cue-triggered profile of a stdp-memory run: the cued assembly's rate and
overlap m around the cue onset (mean over trials), and spontaneous
reactivations in the consolidation phase. Usage: profile.py RUN_DIR > profile.tsv
Needs numpy (Debian python3-numpy; use /usr/bin/python3)."""
import csv, json, re, sys
import numpy as np

d = sys.argv[1]
M = np.load(d + "/rec/overlaps.npy")
t = np.load(d + "/rec/overlap_t_ms.npy")
R = np.load(d + "/rec/rates_hz.npy")  # columns: E, I, then the assemblies
s = json.load(open(d + "/res/summary.json"))
bin_ms = t[1] - t[0]
t0 = t[0] - bin_ms
rows = list(csv.DictReader(open(d + "/res/recall_trials.tsv"), delimiter="\t"))
pre, post = 4, 60
prof, mprof, eprof = [], [], []
for r in rows:
    k = int(re.search(r"(\d+)$", r["assembly"]).group(1))
    b0 = int(round((float(r["cue_ms"]) - t0) / bin_ms))
    if b0 - pre < 0 or b0 + post > len(M):
        continue
    prof.append(R[b0 - pre:b0 + post, 2 + k])
    mprof.append(M[b0 - pre:b0 + post, k])
    eprof.append(R[b0 - pre:b0 + post, 0])
prof, mprof, eprof = (np.mean(x, 0) for x in (prof, mprof, eprof))
print("# cue-triggered mean over %d trials of %s; bin end relative to the cue onset" % (len(rows), d))
print("t_ms\tcued_assembly_rate_hz\tE_rate_hz\tm_cued")
for i in range(pre + post):
    print("%g\t%.4g\t%.4g\t%.4g" % ((i - pre + 1) * bin_ms, prof[i], eprof[i], mprof[i]))
for ph in s["phases"]:
    if ph["name"] != "consolidate":
        continue
    sel = (t > ph["start_ms"]) & (t <= ph["end_ms"])
    m = M[sel]
    print("# consolidation: %d bins, bins with some m_k > 0.3: %d, > 0.2: %d; max m %.3f; mean m %.4f"
          % (len(m), (m.max(1) > 0.3).sum(), (m.max(1) > 0.2).sum(), m.max(), m.mean()))
