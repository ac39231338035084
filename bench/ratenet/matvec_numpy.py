#!/usr/bin/env python3
"""scipy CSR matvec alone (h = W @ r), float32 and float64, for the rate
network sizes of issue 2: the "scipy CSR f64 ≈ 1.0-1.2 ns per nonzero" the
issue's target is set against. Prints the median and best ns per nonzero.
usage: /usr/bin/python3 matvec_numpy.py N c [reps]"""
import sys, time
import numpy as np, scipy.sparse as sp
N, c = int(sys.argv[1]), float(sys.argv[2])
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 30
rng = np.random.default_rng(1)
for dtype in (np.float32, np.float64):
    W = sp.random(N, N, density=c, format="csr", random_state=rng, dtype=dtype)
    r = rng.random(N).astype(dtype)
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        W @ r
        ts.append(time.perf_counter() - t0)
    print(f"scipy matvec {np.dtype(dtype).name} N={N} c={c} nnz={W.nnz} "
          f"ns_per_nnz_median={np.median(ts)/W.nnz*1e9:.3f} best={min(ts)/W.nnz*1e9:.3f}")
