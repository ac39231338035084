#!/usr/bin/python3
"""numpy reference of one e-prop pattern-generation iteration (eprop.md §9).

LIF neurons of convention T (LightLIF), 100 inputs of frozen 50 Hz Bernoulli
noise, 100 recurrent neurons, 1 readout, tau_m = tau_out = 30 ms,
v_th = 0.03, gamma = 0.3, T = 1000 steps, random feedback B ~ N(0,1)/sqrt(100),
plain gradient descent eta = 1e-4, loss 1/2 sum (y - y*)^2 plus the rate
regulariser 1/2 * 300 * sum_j (f_j - 0.01)^2. The forward pass is a Python
loop over time with numpy mat-vecs; the e-prop gradient uses the offline
form of spec §5 (one matrix product eps^T (psi * L~) per weight matrix),
which is how a numpy implementation is best written.

Prints one JSON line: wall and process-CPU seconds per iteration (medians
of the timed iterations), the iteration-0 loss and the population rate.
"""
import json
import sys
import time

import numpy as np


def sum_of_sines(rng, T):
    y = np.zeros(T)
    for P in (1000.0, 500.0, 333.0, 200.0):
        A = rng.uniform(0.5, 2)
        phi = rng.uniform(0, 2 * np.pi)
        y += A * np.sin(np.linspace(phi, phi + 2 * np.pi * np.floor(T / P), T))
    y -= y[0]
    return y / np.abs(y).max()


def main(iters=20, seed=0):
    rng = np.random.default_rng(seed)
    n_in, n, T = 100, 100, 1000
    alpha = kappa = np.exp(-1 / 30.0)
    vth, gamma, eta, creg, fstar = 0.03, 0.3, 1e-4, 300.0, 0.01
    w_in = rng.standard_normal((n, n_in)) / np.sqrt(n_in)
    w_rec = rng.standard_normal((n, n)) / np.sqrt(n)
    np.fill_diagonal(w_rec, 0)
    w_out = rng.standard_normal((1, n)) / np.sqrt(n)
    B = rng.standard_normal((n, 1)) / np.sqrt(n)
    x = (rng.random((T, n_in)) < 0.05).astype(float)
    ystar = sum_of_sines(rng, T)

    def filt(u, a, c):
        out = np.empty_like(u)
        acc = np.zeros(u.shape[1:])
        for t in range(u.shape[0]):
            acc = a * acc + c * u[t]
            out[t] = acc
        return out

    def rfilt(u, a, c):
        out = np.empty_like(u)
        acc = np.zeros(u.shape[1:])
        for t in range(u.shape[0] - 1, -1, -1):
            acc = a * acc + c * u[t]
            out[t] = acc
        return out

    times, cpu, first = [], [], None
    for it in range(iters):
        t0, c0 = time.perf_counter(), time.process_time()
        v = np.zeros(n)
        z = np.zeros(n)
        Z = np.zeros((T, n))
        V = np.zeros((T, n))
        for t in range(T):
            v = alpha * v + (1 - alpha) * (w_rec @ z + w_in @ x[t]) - vth * z
            z = (v >= vth).astype(float)
            V[t], Z[t] = v, z
        psi = gamma / vth * np.maximum(0, 1 - np.abs(V - vth) / vth)
        zf = filt(Z, kappa, 1 - kappa)
        y = zf @ w_out.T  # (T, 1)
        err = y[:, 0] - ystar
        loss = 0.5 * np.sum(err ** 2)
        f = Z.mean(0)
        # learning signals: readout (reverse kappa-filter) and the regulariser
        Lt = rfilt((err[:, None] @ B.T), kappa, 1 - kappa)
        Lt += creg * (f - fstar) / T
        q = psi * Lt
        pre_rec = np.vstack([np.zeros((1, n)), Z[:-1]])
        eps_in = filt(x, alpha, 1 - alpha)
        eps_rec = filt(pre_rec, alpha, 1 - alpha)
        g_in = q.T @ eps_in
        g_rec = q.T @ eps_rec
        np.fill_diagonal(g_rec, 0)
        g_out = err[None, :] @ zf
        w_in -= eta * g_in
        w_rec -= eta * g_rec
        w_out -= eta * g_out
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if first is None:
            first = (loss, 1000 * f.mean())
    times = sorted(times[2:]) if iters > 4 else sorted(times)
    cpu = sorted(cpu[2:]) if iters > 4 else sorted(cpu)
    print(json.dumps({"impl": "numpy", "numpy": np.__version__, "iters": iters,
                      "s_per_iter": times[len(times) // 2], "cpu_s_per_iter": cpu[len(cpu) // 2],
                      "loss0": first[0], "rate0_hz": first[1]}))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
