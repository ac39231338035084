"""Brian2 side of the iSTDP fixed-point check (model/spike TestISTDPFixedPoint).

The network of engram's spike.Vogels2011Spec (Vogels et al. 2011 as in
Brian2's examples/frompapers/Vogels_et_al_2011.py): 8000 E + 2000 I
conductance LIF, g_L = 10 nS, C = 200 pF, E_L = -60, E_I = -80,
theta = -50 mV, reset to E_L, refractoriness exactly 5 ms after the spike,
200 pA background, tau_AMPA 5 ms, tau_GABA 10 ms, eps = 0.02, E->all 0.3 nS,
I->I 3 nS, plastic I->E (tau = 20 ms, rho0 = 3 Hz, w in [0, 100] nS,
initially 0) from 1 s on, with learning rate ETA (nS; the example's 1e-2).
Prints one JSON line with the mean E and I rates in consecutive windows.
Usage: /usr/bin/python3 brian_vogels.py ETA_NS DURATION_S WINDOW_S SEED BUILD_DIR
"""
import json
import sys

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device, ms, mV, nS, pA, pF,
                    Hz, second, run, seed, set_device, prefs)

eta, dur, win, sd, build_dir = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
set_device('cpp_standalone', directory=build_dir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
seed(sd)
defaultclock.dt = 0.1 * ms
NE, NI = 8000, 2000
tau_ampa, tau_gaba, tau_stdp = 5 * ms, 10 * ms, 20 * ms
gl, el, er, vt, memc, bg = 10 * nS, -60 * mV, -80 * mV, -50 * mV, 200 * pF, 200 * pA
alpha = 3 * Hz * tau_stdp * 2
gmax = 100
eqs = '''dv/dt = (-gl*(v-el) - (g_ampa*v + g_gaba*(v-er)) + bg)/memc : volt (unless refractory)
         dg_ampa/dt = -g_ampa/tau_ampa : siemens
         dg_gaba/dt = -g_gaba/tau_gaba : siemens'''
neurons = NeuronGroup(NE + NI, eqs, threshold='v > vt', reset='v = el', refractory=5.1 * ms, method='euler')
neurons.v = 'el + rand()*(vt - el)'
Pe, Pi = neurons[:NE], neurons[NE:]
con_e = Synapses(Pe, neurons, on_pre='g_ampa += 0.3*nS', delay=0.1 * ms)
con_e.connect('i != j', p=0.02)
con_ii = Synapses(Pi, Pi, on_pre='g_gaba += 3*nS', delay=0.1 * ms)
con_ii.connect('i != j', p=0.02)
con_ie = Synapses(Pi, Pe, '''w : 1
                             plastic : 1 (shared)
                             dApre/dt = -Apre/tau_stdp : 1 (event-driven)
                             dApost/dt = -Apost/tau_stdp : 1 (event-driven)''',
                  on_pre='''Apre += 1.
                            w = clip(w + plastic*(Apost - alpha)*eta, 0, gmax)
                            g_gaba += w*nS''',
                  on_post='''Apost += 1.
                             w = clip(w + plastic*Apre*eta, 0, gmax)''', delay=0.1 * ms)
con_ie.connect(p=0.02)
con_ie.w = 1e-10
mon = SpikeMonitor(neurons)
con_ie.plastic = 0
run(1 * second)
con_ie.plastic = 1
run((dur - 1) * second)
device.build(directory=build_dir, compile=True, run=True, debug=False)
i, t = np.asarray(mon.i[:]), np.asarray(mon.t[:] / second)
out = []
for k in range(int(dur / win)):
    m = (t >= k * win) & (t < (k + 1) * win)
    out.append({'t_end_s': (k + 1) * win, 'E': float(np.sum(i[m] < NE)) / NE / win, 'I': float(np.sum(i[m] >= NE)) / NI / win})
print(json.dumps({'sim': 'brian2', 'eta_ns': eta, 'windows': out, 'mean_w_ie_ns': float(np.mean(con_ie.w[:]))}))
