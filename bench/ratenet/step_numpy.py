#!/usr/bin/env python3
"""numpy/scipy reference of one Euler step of the PB rate network,
r <- r + dt/tau (-r + phi(W r)), W a scipy CSR matrix (float32 and float64),
for the sizes of issue 2. Prints the median time per step and ns per
nonzero. usage: /usr/bin/python3 step_numpy.py N c [reps]"""
import sys, time
import numpy as np, scipy.sparse as sp
N, c = int(sys.argv[1]), float(sys.argv[2])
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
rng = np.random.default_rng(1)
rmax, beta, h0 = 76.21783, 0.8235614, 2.462552
for dtype in (np.float32, np.float64):
    W = sp.random(N, N, density=c, format="csr", random_state=rng, dtype=dtype)
    W.data -= dtype(0.5)
    W.data *= dtype(0.01)
    r = rng.random(N).astype(dtype) * 10
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        h = W @ r
        r = r + dtype(0.025) * (-r + rmax / (1 + np.exp(-beta * (h - h0))))
        ts.append(time.perf_counter() - t0)
    med = float(np.median(ts))
    print(f"scipy {np.dtype(dtype).name} N={N} c={c} nnz={W.nnz} step_ms={med*1e3:.2f} ns_per_nnz={med/W.nnz*1e9:.3f}")
