"""Brian2 side of engram's COBA + STDP benchmark (bench/spiking/plastic.sh).

The network of engram's spike.COBASTDPSpec (examples/coba-stdp.toml): the
COBA benchmark of brian_va.py (4000 LIF, 3200 E / 800 I, Bernoulli p = 0.02
without autapses, dt = 0.1 ms, one-step delay, refractoriness exactly 5 ms
after the spike) with additive pair STDP on E->E and per-neuron traces
(spec spiking-networks.md §4.1, §7.1: Brian2 "coba_stdp_nt"): tau+- = 20 ms,
w_max = 2 w_e = 1.2, A+ = 0.005 w_max, A- = 1.05 A+, w_e = 0.6 initially.

Traces are neuron variables decayed by the state updater and incremented
at the reset, after the synaptic updates of the same step (the t - eps
convention of engram and NEST). The pre pathway (delay 0.1 ms) adds w to
g_e and then depresses w by A- x_post; the post pathway potentiates w by
A+ x_pre.

Runs in cpp_standalone mode without OpenMP; prints one JSON line with the
loop time of run(duration) (Brian's own timer), the rates and the mean
E->E weight.
Usage: /usr/bin/python3 brian_coba_stdp.py DURATION_MS SEED BUILD_DIR
"""
import json
import sys

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device,
                    ms, mV, run, seed, set_device, prefs)

dur_ms, sd, build_dir = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
set_device('cpp_standalone', directory=build_dir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
seed(sd)
defaultclock.dt = 0.1 * ms
taum, taue, taui, taupre, taupost = 20 * ms, 5 * ms, 10 * ms, 20 * ms, 20 * ms
Vt, Vr, El, Ee, Ei = -50 * mV, -60 * mV, -60 * mV, 0 * mV, -80 * mV
wmax = 1.2
Ap, Am = 0.005 * wmax, 1.05 * 0.005 * wmax
eqs = '''dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El))/taum : volt (unless refractory)
         dge/dt = -ge/taue : 1
         dgi/dt = -gi/taui : 1
         dxpre/dt = -xpre/taupre : 1
         dxpost/dt = -xpost/taupost : 1'''
P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr; xpre += 1; xpost += 1',
                refractory=5.1 * ms, method='exponential_euler')
E, I = P[:3200], P[3200:]
See = Synapses(E, E, 'w : 1', on_pre='''ge_post += w
                                        w = clip(w - Am*xpost_post, 0, wmax)''',
               on_post='w = clip(w + Ap*xpre_pre, 0, wmax)', delay=0.1 * ms)
See.connect('i != j', p=0.02)
See.w = 0.6
Cei = Synapses(E, I, on_pre='ge += 0.6', delay=0.1 * ms)
Cei.connect(p=0.02)
Ci = Synapses(I, P, on_pre='gi += 6.7', delay=0.1 * ms)
Ci.connect('i + 3200 != j', p=0.02)
P.v = 'Vr + rand() * (Vt - Vr)'
P.ge = '4 + 1.5 * randn()'
P.gi = '20 + 12 * randn()'
mon = SpikeMonitor(P)
run(dur_ms * ms)
device.build(directory=build_dir, compile=True, run=True, debug=False)
loop = float(device._last_run_time)
i = np.asarray(mon.i[:])
bio = dur_ms / 1000
print(json.dumps({
    'sim': 'brian2', 'model': 'coba-stdp', 'seed': sd,
    'wall_s_per_bio_s': loop / bio,
    'rates_hz': {'E': float(np.sum(i < 3200)) / 3200 / bio, 'I': float(np.sum(i >= 3200)) / 800 / bio},
    'mean_plastic_weight': float(np.mean(See.w[:])),
    'synapses': int(len(See) + len(Cei) + len(Ci)),
}))
