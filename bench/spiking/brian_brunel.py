"""Brian2 reference for engram's Brunel 2000 model A (spike.BrunelASpec).

N_E, N_I given, fixed in-degree C_E = 1000, C_I = 250 (sampled with
replacement-free choice per neuron), J = 0.1 mV, -gJ, delay 1.5 ms, C_E
external Poisson inputs per neuron at eta * nu_thr, tau = 20 ms, theta = 20
mV, V_r = 10 mV, tau_rp = 2 ms, exact integration, dt = 0.1 ms, V ~ U(0, 20).
Prints JSON: E rate, mean CV of ISI, CV of the 1 ms E population count over
[transient, transient + measure).
Usage: /usr/bin/python3 brian_brunel.py NE NI G ETA TRANSIENT_MS MEASURE_MS BUILD_DIR
"""
import json
import sys

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, defaultclock,
                    device, ms, mV, Hz, run, seed, set_device, prefs)

NE, NI, g, eta, tr, me, bd = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), sys.argv[7]
set_device('cpp_standalone', directory=bd, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
seed(1)
defaultclock.dt = 0.1 * ms
tau, theta, Vr, tref, J, D, CE, CI = 20 * ms, 20 * mV, 10 * mV, 2 * ms, 0.1 * mV, 1.5 * ms, 1000, 250
nu_thr = theta / (J * CE * tau)
P = NeuronGroup(NE + NI, 'dv/dt = -v/tau : volt (unless refractory)', threshold='v > theta',
                reset='v = Vr', refractory=tref, method='exact')
P.v = 'rand() * theta'
rng = np.random.default_rng(1)
pre_e = np.concatenate([rng.choice(NE, CE, replace=False) for _ in range(NE + NI)])
pre_i = np.concatenate([rng.choice(NI, CI, replace=False) for _ in range(NE + NI)])
post_e, post_i = np.repeat(np.arange(NE + NI), CE), np.repeat(np.arange(NE + NI), CI)
Se = Synapses(P[:NE], P, on_pre='v += J', delay=D)
Se.connect(i=pre_e, j=post_e)
Si = Synapses(P[NE:], P, on_pre='v -= g*J', delay=D)
Si.connect(i=pre_i, j=post_i)
pin = PoissonInput(P, 'v', CE, eta * nu_thr, weight=J)
mon = SpikeMonitor(P[:NE])
run((tr + me) * ms)
device.build(directory=bd, compile=True, run=True, debug=False)
i, t = np.asarray(mon.i[:]), np.asarray(mon.t[:] / ms)
sel = t >= tr
i, t = i[sel], t[sel] - tr
cvs = []
for n in range(NE):
    tt = np.sort(t[i == n])
    if len(tt) >= 3:
        d = np.diff(tt)
        cvs.append(d.std(ddof=1) / d.mean())
counts = np.bincount(np.floor(t).astype(int), minlength=int(me))[:int(me)]
print(json.dumps({'sim': 'brian2', 'g': g, 'eta': eta, 'NE': NE, 'rate_hz': len(i) / NE / (me / 1000),
                  'cv_isi': float(np.mean(cvs)), 'pop_count_cv': float(counts.std() / counts.mean())}))
