"""Two coupled COBA LIF neurons in Brian2, a deterministic check of engram's event
timing (model/spike TestBrianTwoNeuronTiming pins the output printed here).

A (I = 15 mV) excites B (I = 9 mV; ge += 0.3, delay 0.1 ms); B inhibits A (gi += 2,
delay 0.1 ms); both start at -60 mV; 200 ms, dt 0.1 ms, exponential Euler.
Output (Brian2 2.5.1): {"A": [21.9, 48.8, 95.7, 146.0, 196.5], "B": [49.6, 99.3, 149.8]}
Usage: /usr/bin/python3 brian_two_neuron.py BUILD_DIR
"""
import json
import sys

from brian2 import *

bd = sys.argv[1] if len(sys.argv) > 1 else '/tmp/brian_two_neuron'
set_device('cpp_standalone', directory=bd, build_on_run=False)
prefs.devices.cpp_standalone.openmp_threads = 0
defaultclock.dt = 0.1*ms
taum, taue, taui = 20*ms, 5*ms, 10*ms
Vt, Vr, El, Ee, Ei = -50*mV, -60*mV, -60*mV, 0*mV, -80*mV
eqs = '''dv/dt = (ge*(Ee-v) + gi*(Ei-v) - (v-El) + I)/taum : volt (unless refractory)
dge/dt = -ge/taue : 1
dgi/dt = -gi/taui : 1
I : volt'''
A = NeuronGroup(1, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exponential_euler')
B = NeuronGroup(1, eqs, threshold='v>Vt', reset='v = Vr', refractory=5*ms, method='exponential_euler')
A.v = -60*mV; B.v = -60*mV
A.I = 15*mV; B.I = 9*mV
S = Synapses(A, B, on_pre='ge += 0.3', delay=0.1*ms); S.connect()
S2 = Synapses(B, A, on_pre='gi += 2', delay=0.1*ms); S2.connect()
ma, mb = SpikeMonitor(A), SpikeMonitor(B)
run(200*ms)
device.build(directory=bd, compile=True, run=True)
print(json.dumps({'A': [round(float(x),1) for x in ma.t/ms], 'B': [round(float(x),1) for x in mb.t/ms]}))
