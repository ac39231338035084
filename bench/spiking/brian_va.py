"""Brian2 side of the engram Vogels–Abbott benchmark (bench/spiking/compare.sh).

Builds the same network as engram's spike.COBASpec / spike.CUBASpec:
4000 LIF neurons (3200 E, 800 I), Bernoulli p = 0.02 without autapses,
dt = 0.1 ms, tau_m = 20 ms, V_th = -50 mV, V_r = -60 mV, refractoriness
exactly 5 ms after the spike (Brian2 refractory=5.1 ms, see below),
tau_e = 5 ms, tau_i = 10 ms, one-step synaptic delay (engram delivers a spike
emitted in step n at the end of step n + 1; Brian with delay = dt likewise
affects v from step n + 2; checked spike for spike by brian_two_neuron.py).
COBA: E_e = 0 mV, E_i = -80 mV, w_e = 0.6, w_i = 6.7 (units of g_L),
Brian2 exponential Euler with start-of-step conductances (engram uses
mid-step conductances, second order),
v ~ U(V_r, V_th), g_e ~ N(4, 1.5), g_i ~ N(20, 12).
CUBA: E_l = -49 mV, w_e = 1.62 mV, w_i = -9 mV (Brian2 example), exact
linear integration, v ~ U(V_r, V_th).

Runs in cpp_standalone mode without OpenMP and prints one JSON line with the
loop time of run(duration) (Brian's own timer), the CPU time of the binary,
the mean rate and the mean CV of ISI (neurons with >= 3 spikes).
With MODEL coba-nosyn or cuba-nosyn the synapses are left out (neuron
update only, as the spec's 0.127 s anchor).
Usage: /usr/bin/python3 brian_va.py coba|cuba|coba-nosyn|cuba-nosyn DURATION_MS SEED BUILD_DIR
"""
import json
import os
import resource
import sys
import time

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, defaultclock, device,
                    ms, mV, run, seed, set_device, prefs)

model, dur_ms, sd, build_dir = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
nosyn = model.endswith('-nosyn')  # neuron update only (no synapses)
model = model.replace('-nosyn', '')
set_device('cpp_standalone', directory=build_dir, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
if os.environ.get('BRIAN_FLOAT32') == '1':  # engram's precision, for checks
    prefs.core.default_float_dtype = np.float32
seed(sd)
defaultclock.dt = 0.1 * ms
taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
Vt, Vr = -50 * mV, -60 * mV
if model == 'coba':
    El, Ee, Ei = -60 * mV, 0 * mV, -80 * mV
    eqs = '''dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El))/taum : volt (unless refractory)
             dge/dt = -ge/taue : 1
             dgi/dt = -gi/taui : 1'''
    method = 'exponential_euler'
    we, wi = '0.6', '6.7'
    on_e, on_i = 'ge += 0.6', 'gi += 6.7'
else:
    El = -49 * mV
    eqs = '''dv/dt = (ge + gi - (v-El))/taum : volt (unless refractory)
             dge/dt = -ge/taue : volt
             dgi/dt = -gi/taui : volt'''
    method = 'exact'
    on_e, on_i = 'ge += 1.62*mV', 'gi -= 9*mV'
# Brian2 clamps timestep(refractory) - 1 steps after the spike step; engram
# clamps round(tau_ref/dt) steps (exactly tau_ref after the spike time), so
# 5 ms in engram is 5.1 ms here (see model/spike TestBrianTwoNeuronTiming).
P = NeuronGroup(4000, eqs, threshold='v>Vt', reset='v = Vr', refractory=5.1 * ms, method=method)
E, I = P[:3200], P[3200:]
if not nosyn:
    Ce = Synapses(E, P, on_pre=on_e, delay=0.1 * ms)
    Ci = Synapses(I, P, on_pre=on_i, delay=0.1 * ms)
    Ce.connect('i != j', p=0.02)
    Ci.connect('i + 3200 != j', p=0.02)
P.v = 'Vr + rand() * (Vt - Vr)'
if model == 'coba':
    P.ge = '4 + 1.5 * randn()'
    P.gi = '20 + 12 * randn()'
mon = SpikeMonitor(P)
run(dur_ms * ms)
ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.time()
device.build(directory=build_dir, compile=True, run=True, debug=False)
wall = time.time() - t0
ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
child_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
loop = float(device._last_run_time)
i, t = np.asarray(mon.i[:]), np.asarray(mon.t[:] / ms)
cvs = []
order = np.argsort(i, kind='stable')
i_s, t_s = i[order], t[order]
bounds = np.searchsorted(i_s, np.arange(4001))
for n in range(4000):
    tt = t_s[bounds[n]:bounds[n + 1]]
    if len(tt) >= 3:
        d = np.diff(tt)
        cvs.append(d.std(ddof=1) / d.mean())
bio = dur_ms / 1000
print(json.dumps({
    'sim': 'brian2', 'model': model, 'seed': sd,
    'loop_wall_s_per_bio_s': loop / bio,
    'binary_plus_make_cpu_s': child_cpu, 'build_and_run_wall_s': wall,
    'rate_hz': len(i) / 4000 / bio, 'cv_isi': float(np.mean(cvs)) if cvs else float('nan'),
    'spikes': int(len(i)), 'synapses': 0 if nosyn else int(len(Ce) + len(Ci)),
}))
