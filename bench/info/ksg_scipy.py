#!/usr/bin/python3
"""KSG-1 mutual information with scipy's cKDTree (max norm), the reference for
engram's analysis/info.KSG (bench/RESULTS.md, issue 16).

Usage: ksg_scipy.py N DIR   writes DIR/x.npy, DIR/y.npy (4 + 4 dims, y = x + noise,
seed 1) if absent, then prints one line: n, k, seconds (median of 3), MI (nats).
Columns are scaled to unit SD and no tie-breaking noise is added, as
`engram analyze mi --noise 0` does, so the two values agree to rounding.
"""
import os
import sys
import time

import numpy as np
from scipy.spatial import cKDTree
from scipy.special import digamma


def ksg1(x, y, k):
    n = len(x)
    x = x / x.std(axis=0, ddof=1)
    y = y / y.std(axis=0, ddof=1)
    z = np.hstack([x, y])
    tz = cKDTree(z)
    d, _ = tz.query(z, k=k + 1, p=np.inf, workers=1)
    eps = d[:, -1]
    # strict: ‖·‖ < ε  (shrink the closed radius by one ulp)
    r = np.nextafter(eps, 0)
    nx = cKDTree(x).query_ball_point(x, r, p=np.inf, return_length=True, workers=1) - 1
    ny = cKDTree(y).query_ball_point(y, r, p=np.inf, return_length=True, workers=1) - 1
    return digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1))


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    xf, yf = os.path.join(out, "x.npy"), os.path.join(out, "y.npy")
    if not os.path.exists(xf):
        rng = np.random.default_rng(1)
        x = rng.standard_normal((n, 4))
        np.save(xf, x)
        np.save(yf, x + rng.standard_normal((n, 4)))
    x, y = np.load(xf), np.load(yf)
    ts = []
    for _ in range(3):
        t0 = time.perf_counter()
        mi = ksg1(x, y, 3)
        ts.append(time.perf_counter() - t0)
    print(f"scipy n={n} k=3 seconds={sorted(ts)[1]:.3f} mi_nats={mi:.12f}")


if __name__ == "__main__":
    main()
