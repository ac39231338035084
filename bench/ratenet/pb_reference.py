#!/usr/bin/env python3
"""Independent numpy/scipy reference of the Pereira & Brunel rate network.

Builds W_ij = (A/K) c_ij sum_mu f(phi(xi_i^mu)) g(phi(xi_j^mu)) on a Bernoulli
mask, starts from r(0) = phi(4 xi^1) and integrates tau dr/dt = -r + phi(W r)
with forward Euler (dt = 0.5 ms, tau = 20 ms), printing m_1(t). Used to check
engram's rate network (model/rate) against a separate implementation with a
different random stream: compare statistically, not bit by bit.

usage: /usr/bin/python3 pb_reference.py N K P A [T_ms] [seed]
"""
import sys, time
import numpy as np
import scipy.sparse as sp
from scipy import integrate, optimize

N, K, P, A = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
T = float(sys.argv[5]) if len(sys.argv) > 5 else 1400.0
seed = int(sys.argv[6]) if len(sys.argv) > 6 else 1
rmax, beta, h0 = 76.21783, 0.8235614, 2.462552
qf, bf, xf = 0.8274883, 0.2818240, 26.59497
phi = lambda h: rmax / (1 + np.exp(-beta * (h - h0)))
gauss = lambda fn: integrate.quad(lambda x: fn(x) * np.exp(-x * x / 2) / np.sqrt(2 * np.pi), -12, 12, limit=400, points=[0])[0]
Et = gauss(lambda x: np.tanh(bf * (phi(x) - xf)))
qg = 0.5 * (1 - Et)
f = lambda r: 0.5 * (2 * qf - 1 + np.tanh(bf * (r - xf)))
g = lambda r: 0.5 * (2 * qg - 1 + np.tanh(bf * (r - xf)))
Eg2 = gauss(lambda x: g(phi(x)) ** 2)
rng = np.random.default_rng(seed)
t0 = time.time()
xi = rng.standard_normal((P, N))
F, G = f(phi(xi)), g(phi(xi))
c = K / N
mask = sp.random(N, N, density=c, format="csr", random_state=rng, data_rvs=np.ones)
rows = np.repeat(np.arange(N), np.diff(mask.indptr))
cols = mask.indices
w = np.empty(len(cols))
for a in range(0, len(cols), 1_000_000):
    b = min(a + 1_000_000, len(cols))
    w[a:b] = np.einsum("ij,ij->j", F[:, rows[a:b]], G[:, cols[a:b]])
W = sp.csr_matrix((w * A / K, cols, mask.indptr), shape=(N, N))
build = time.time() - t0
r = phi(4 * xi[0])
dt, tau = 0.5, 20.0
steps = int(round(T / dt))
t0 = time.time()
for k in range(1, steps + 1):
    r = r + dt / tau * (-r + phi(W @ r))
    if k % 500 == 0:
        m1 = np.mean(G[0] * r) / (np.sqrt(Eg2) * np.std(r))
        print(f"t={k*dt:.0f} ms m1={m1:.4f} mean={r.mean():.3f}", flush=True)
print(f"q_g={qg:.6f} Eg2={Eg2:.7f} nnz={W.nnz} build_s={build:.1f} step_ms={(time.time()-t0)/steps*1e3:.2f}")
