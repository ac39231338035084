"""Brian2 reference benchmark of the Litwin-Kumar & Doiron 2014 (LKD) network.

Run side by side with engram's lkd2014 implementation for a speed ratio.
Model: spec stdp-memory.md §1.1, without the authors' sim.jl bugs (§8
pitfalls 2–7). 4000 E + 1000 I; every ordered pair connected independently
with p = 0.2 (no autapses in E→E, I→I). Weights are in pF = nS·ms, the time
integral of the conductance: J_EE = 2.86 (plastic, [1.78, 21.4]), I→E 48.7
(plastic, [48.7, 243]), E→I 1.27, I→I 16.2.
E: EIF with adaptive threshold and adaptation current (C 300 pF, g_L 15 nS,
E_L −70 mV, Δ_T 2 mV, V_T relaxes to −52 mV with τ_T 30 ms and is set to
−42 mV at a spike, spike at V > +20 mV, reset −60 mV, 1 ms refractory,
τ_w 150 ms, a 4 nS, b 0.805 pA, w(0) = a(V_reset − E_L)). I: LIF (C 300 pF,
τ_m 20 ms, E_L −62 mV, threshold −52 mV, reset −60 mV, 1 ms refractory).
Conductance synapses, differences of exponentials of unit area: E rise 1 ms,
decay 6 ms, E_rev 0 mV; I 0.5 ms / 2 ms, E_rev −75 mV. Initial V uniform in
[V_reset, −52 mV] (as sim.jl), V_T = −52 mV, voltage filters at E_L
(pitfall 3), traces 0. Forward Euler (Brian2 'euler', as sim.jl), dt 0.1 ms.

Plasticity, switched on after the warm-up (t ≥ 1 s):
  * voltage STDP on E→E: each E neuron low-passes its V into ū₋ (10 ms) and
    ū₊ (7 ms); presynaptic trace x (15 ms, += 1/τ_x per spike, units 1/ms);
    LTD at each presynaptic spike: w −= 8e-4·[ū₋,post + 70 mV]₊;
    LTP at every step in which −49 mV < V_post ≤ +20 mV and ū₊,post > −70 mV:
    w += dt·1.4e-3·x_pre·(V_post + 49)(ū₊,post + 70); clipped to the bounds;
  * iSTDP on I→E (Vogels et al. 2011): traces τ 20 ms, += 1; η = 1,
    α = 2·3 Hz·20 ms = 0.12; E spike: incoming I→E += η·x_I; I spike:
    outgoing I→E += η(x_E − α); clipped;
  * additive E→E normalisation every 20 ms: the E→E inputs of each E neuron
    −= (Σw − Σw₀)/n_in, then clipped.

Formulations (chosen for speed; each computes exactly the rule above):
  * Kernels: a difference of exponentials as the cascade dg/dt = −g/τ_d + h,
    dh/dt = −h/τ_r, with h += J/(τ_r τ_d) per event (one jump per event, not
    two). Under forward Euler this is exactly the sequence of sim.jl's two
    forward-Euler traces, g_n = J(a^n − b^n)/(τ_d − τ_r), a = 1 − dt/τ_d,
    b = 1 − dt/τ_r (zero at the first step, as there).
  * Voltage LTP, the expensive part: not a Synapses run_regularly (every
    step over all 3.2 M E→E synapses, ~3·10¹⁰ updates per bio-s) nor a
    summed-variable trick, but a custom event: the E group has an event
    'ltp' with the gating condition above (and the shared flag `plastic`,
    so the warm-up costs nothing), and the E→E Synapses have a second,
    postsynaptic pathway triggered by it (on_event={'pre': 'spike',
    'post': 'ltp'}). Only the incoming rows of the neurons in the LTP window
    are touched in a step, as in sim.jl. The window excludes the spike step
    (sim.jl resets V > +20 mV before its LTP test). Measured (seed 1,
    defaults): 5.0·10⁵ LTP events per bio-s, ~77 steps per E spike (the slow
    EIF approach from −49 mV and excursions above −49 mV while V_T is
    raised, not just the upswing), i.e. 4.0·10⁸ synapse updates per bio-s.
  * E→E synapses are generated here with numpy (seeded with --seed) and
    stored sorted by postsynaptic neuron (Brian2's connect(p=...) stores
    them in presynaptic order), so an LTP row is contiguous in memory.
    Measured: LTP pathway 11x faster, plastic phase 2.6x faster (9.6 →
    3.6 s per bio-s); the pre pathway (conduction + LTD, 5·10⁶ updates per
    bio-s, ~80x fewer) takes the strided access.
    The other three blocks use Brian2's connect(p=0.2).
  * Normalisation: three run_regularly every 20 ms in slot 'end' (after the
    step's plasticity): a synapse pass wsum_post += w, a neuron pass
    shift = wsum/n_in − J_EE (= (Σw − Σw₀)/n_in), a synapse pass
    w = clip(w − shift_post). n_in is copied from N_incoming once at t = 0.
    A summed variable would be recomputed every step (Brian2 runs it on the
    target's clock); keeping Σw incrementally in every LTP/LTD update was
    measured 1.4x slower overall (the read-modify-write of one neuron
    variable per synapse serialises the LTP loop). All three are inactive
    in the warm-up (weights do not change there).
  * Static E→I and I→I add a constant (no weight array).
The JSON reports the mean |Σw/n_in − J_EE| at the end (what the clipping
leaves, plus the changes since the last normalisation; pitfall 7), and the
mean ISI CV of the E neurons with >= 3 spikes in each window; at ~1.6 Hz a
1–2 s window truncates the ISIs and biases it low (seed 1: 0.50 over the
default 2 s, 0.78 over an 11-s warm-up, --warmup 11).

Timing conventions: recurrent spikes have Brian2 delay = DELAY_STEPS·dt
(default 1: engram's one-step delay, a spike emitted in step m enters the
conductance state at the end of step m + 1; bench/spiking/brian_two_neuron.py).
sim.jl adds step m's spikes to its traces before the V update of step m + 1,
which in Brian2's update-then-deliver schedule is delay 0 (--delay-steps 0
gives sim.jl's order). LTD and the I-spike iSTDP update run at the
arrival, in the conduction pathway, after the weight has been delivered
(sim.jl: in the spike step, also after delivery); the E-spike iSTDP update
runs in the spike step. Traces are read before the neuron's own increment
in the same step (increments are in the reset). Refractoriness: Brian2
clamps ⌊τ_ref/dt⌋ − 1 steps after the spike step, so refractory =
1 ms + dt holds V for exactly 1 ms (sim.jl's 10 steps). Within one Euler
step V uses the start-of-step V_T and w (sim.jl updates them first), an
O(dt) difference.

External drive: PoissonInput (Brian2's per-neuron binomial count per step,
sampled by inversion), 4500 sources × 1 Hz onto each E neuron and 2250 × 1 Hz
onto each I neuron, weight J/(τ_r τ_d) into h_e: Binomial(4500, 1e-4) per
step, a Poisson count up to a variance factor 1 − 1e-4 (one source at 4.5 kHz
would be Bernoulli(0.45) per step, 45 % too little variance). Independent
per neuron. It is ~1/3 of the plastic-phase time (--profile).

Device: cpp_standalone with OpenMP off (one thread), float64, Brian2's
default flags (-O3 -ffast-math -march=native). Code generation and
compilation (compile_s) are timed apart from the run; inside the binary
clock_gettime brackets each run(): setup_s (connectivity, initial values),
warmup_s (the warm-up, plasticity off; wall) and the plastic run (wall and
CPU seconds per bio-s). --backend cython is a runtime-mode fallback (then
compile_s is the first run(0 ms), code generation + Cython compilation).

Usage:
  /usr/bin/python3 bench/spiking/brian_lkd.py [--duration S] [--seed N]
      [--dt MS] [--warmup S] [--delay-steps K] [--build-dir DIR]
      [--backend cpp_standalone|cython] [--profile]
Defaults: --duration 2 (biological s, measured, after the warm-up),
--warmup 1, --seed 1, --dt 0.1, --delay-steps 1, a fresh temporary build
directory removed at exit (with --build-dir it is kept and reused, and
compile_s then counts only what changed). --profile prints Brian2's
per-code-object times of the plastic run on stderr (adds timer overhead).
Prints one JSON line on stdout; Brian2's log goes to stderr.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time

import numpy as np

ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
ap.add_argument('--duration', type=float, default=2.0, help='plastic (measured) biological time, s')
ap.add_argument('--warmup', type=float, default=1.0, help='warm-up without plasticity, s')
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--dt', type=float, default=0.1, help='time step, ms')
ap.add_argument('--delay-steps', type=int, default=1, help='recurrent delay in steps (0 = sim.jl order)')
ap.add_argument('--build-dir', default=None, help='standalone project directory (kept)')
ap.add_argument('--backend', default='cpp_standalone', choices=['cpp_standalone', 'cython'])
ap.add_argument('--profile', action='store_true', help='Brian2 profiling summary of the plastic run (stderr)')
args = ap.parse_args()
if args.warmup <= 0 or args.duration <= 0:
    ap.error('--warmup and --duration must be > 0')
T_norm_ms = 20.0
if abs(args.warmup * 1000 / T_norm_ms - round(args.warmup * 1000 / T_norm_ms)) > 1e-9:
    ap.error('--warmup must be a multiple of 20 ms')

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, PoissonInput, Network, defaultclock,
                    device, set_device, prefs, seed, ms, mV, nS, pA, pF, Hz, second)
import brian2

standalone = args.backend == 'cpp_standalone'
tmp_dir = None
if standalone:
    build_dir = args.build_dir
    if build_dir is None:
        tmp_dir = tempfile.mkdtemp(prefix='brian_lkd_')
        build_dir = tmp_dir
    build_dir = os.path.abspath(build_dir)
    set_device('cpp_standalone', directory=build_dir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
else:
    prefs.codegen.target = 'cython'
seed(args.seed)
DT = args.dt * ms
defaultclock.dt = DT
delay = args.delay_steps * DT

# ---- parameters (spec §1.1) ----
NE, NI, p = 4000, 1000, 0.2
C, gL = 300 * pF, 15 * nS
EL_e, EL_i = -70 * mV, -62 * mV
DeltaT, VT0, VT_spike, tauT = 2 * mV, -52 * mV, -42 * mV, 30 * ms
Vpeak, Vre, Vth_i = 20 * mV, -60 * mV, -52 * mV
tref = 1 * ms + DT                      # V held exactly 1 ms after the spike (see above)
tauw, a_ad, b_ad = 150 * ms, 4 * nS, 0.805 * pA
tau_er, tau_ed, Ee = 1 * ms, 6 * ms, 0 * mV
tau_ir, tau_id, Ei = 0.5 * ms, 2 * ms, -75 * mV
kE = nS * ms / (tau_er * tau_ed)        # h jump per unit weight (pF = nS·ms): unit-area kernel
kI = nS * ms / (tau_ir * tau_id)
J_EE, J_IE0, J_EI, J_II = 2.86, 48.7, 1.27, 16.2      # J_IE0: I→E ("jei" in sim.jl), J_EI: E→I
wEE_min, wEE_max, wIE_min, wIE_max = 1.78, 21.4, 48.7, 243.0
rate_ext_e, J_ext_e, rate_ext_i, J_ext_i = 4.5, 1.78, 2.25, 1.27   # kHz, pF
N_src_e, N_src_i = int(round(rate_ext_e * 1000)), int(round(rate_ext_i * 1000))   # 1-Hz sources
tau_minus, tau_plus, tau_x = 10 * ms, 7 * ms, 15 * ms
A_LTD, A_LTP = 8e-4, 1.4e-3             # pF/mV, pF/mV² (trace x in 1/ms: pitfall 4)
th_LTD, th_LTP = -70.0, -49.0           # mV (the rules are written in mV)
tau_y, eta, alpha = 20 * ms, 1.0, 2 * 3.0 * 0.020
T_norm = T_norm_ms * ms

# ---- neurons ----
eqs_e = '''
dv/dt = (gL*(EL_e - v) + gL*DeltaT*exp((v - vt)/DeltaT) + ge*(Ee - v) + gi*(Ei - v) - wad)/C : volt (unless refractory)
dvt/dt = (VT0 - vt)/tauT : volt
dwad/dt = (a_ad*(v - EL_e) - wad)/tauw : amp
dge/dt = -ge/tau_ed + he : siemens
dhe/dt = -he/tau_er : siemens/second
dgi/dt = -gi/tau_id + hi : siemens
dhi/dt = -hi/tau_ir : siemens/second
du_minus/dt = (v - u_minus)/tau_minus : volt
du_plus/dt = (v - u_plus)/tau_plus : volt
dxv/dt = -xv/tau_x : 1
dxy/dt = -xy/tau_y : 1
wsum : 1
shift : 1
nin : 1
plastic : 1 (shared)
'''
E = NeuronGroup(NE, eqs_e, method='euler', refractory=tref,
                threshold='v > Vpeak',
                reset='v = Vre; vt = VT_spike; wad += b_ad; xv += 1.0/(tau_x/ms); xy += 1.0',
                events={'ltp': 'v > th_LTP*mV and v <= Vpeak and u_plus > th_LTD*mV and plastic > 0.5'},
                name='E')
eqs_i = '''
dv/dt = (gL*(EL_i - v) + ge*(Ee - v) + gi*(Ei - v))/C : volt (unless refractory)
dge/dt = -ge/tau_ed + he : siemens
dhe/dt = -he/tau_er : siemens/second
dgi/dt = -gi/tau_id + hi : siemens
dhi/dt = -hi/tau_ir : siemens/second
dxy/dt = -xy/tau_y : 1
'''
I = NeuronGroup(NI, eqs_i, method='euler', refractory=tref, threshold='v > Vth_i',
                reset='v = Vre; xy += 1.0', name='I')
E.v = 'Vre + rand()*(VT0 - Vre)'
I.v = 'Vre + rand()*(Vth_i - Vre)'
E.vt = VT0
E.wad = a_ad * (Vre - EL_e)
E.u_minus = EL_e
E.u_plus = EL_e
E.plastic = 0

# ---- external Poisson drive ----
PE = PoissonInput(E, 'he', N_src_e, 1 * Hz, weight=J_ext_e * kE)
PI = PoissonInput(I, 'he', N_src_i, 1 * Hz, weight=J_ext_i * kE)

# ---- E→E connectivity: numpy, sorted by postsynaptic neuron (see above) ----
t0 = time.time()
rng = np.random.default_rng(args.seed)
_pre, _post = [], []
for b0 in range(0, NE, 500):
    b1 = min(b0 + 500, NE)
    m = rng.random((b1 - b0, NE)) < p                 # m[post - b0, pre]
    m[np.arange(b1 - b0), np.arange(b0, b1)] = False  # no autapses
    pj, pi = np.nonzero(m)                            # row-major: by post, then pre
    _post.append((pj + b0).astype(np.int32))
    _pre.append(pi.astype(np.int32))
ee_pre, ee_post = np.concatenate(_pre), np.concatenate(_post)
del _pre, _post, m, pj, pi, b0, b1
gen_ee_s = time.time() - t0

# ---- E→E: conduction + LTD at arrival; LTP on the postsynaptic 'ltp' event ----
See = Synapses(E, E, '''w : 1
                        plas : 1 (shared)''',
               on_pre='''he_post += w*kE
                         w = clip(w - plas*A_LTD*clip(u_minus_post/mV - th_LTD, 0, 1e9), wEE_min, wEE_max)''',
               on_post='w = clip(w + (dt/ms)*A_LTP*xv_pre*(v_post/mV - th_LTP)*(u_plus_post/mV - th_LTD), wEE_min, wEE_max)',
               on_event={'pre': 'spike', 'post': 'ltp'},
               delay={'pre': delay}, name='See')
See.connect(i=ee_pre, j=ee_post)
See.w = J_EE
See.plas = 0
# normalisation; n_in once at t = 0 (a clock with dt = the warm-up fires once in it;
# a dt longer than a run would stall standalone's Network::run, which always
# steps the clock with the smallest t)
count_nin = See.run_regularly('nin_post = N_incoming', dt=args.warmup * second, when='start', name='See_count_nin')
norm_sum = See.run_regularly('wsum_post += w', dt=T_norm, when='end', order=0, name='See_norm_sum')
norm_shift = E.run_regularly('shift = wsum/clip(nin, 1, 1e9) - J_EE; wsum = 0', dt=T_norm, when='end', order=1,
                             name='E_norm_shift')
norm_apply = See.run_regularly('w = clip(w - shift_post, wEE_min, wEE_max)', dt=T_norm, when='end', order=2,
                               name='See_norm_apply')
norm_objs = (norm_sum, norm_shift, norm_apply)

# ---- I→E: conduction + iSTDP (I spike) at arrival; E spike: potentiate incoming ----
Sie = Synapses(I, E, '''w : 1
                        plas : 1 (shared)''',
               on_pre='''hi_post += w*kI
                         w = clip(w + plas*eta*(xy_post - alpha), wIE_min, wIE_max)''',
               on_post='w = clip(w + plas*eta*xy_pre, wIE_min, wIE_max)',
               delay={'pre': delay}, name='Sie')
Sie.connect(p=p)
Sie.w = J_IE0
Sie.plas = 0

# ---- static E→I, I→I ----
Sei = Synapses(E, I, on_pre='he_post += J_EI*kE', delay=delay, name='Sei')
Sei.connect(p=p)
Sii = Synapses(I, I, on_pre='hi_post += J_II*kI', delay=delay, name='Sii')
Sii.connect('i != j', p=p)

monE, monI = SpikeMonitor(E, name='monE'), SpikeMonitor(I, name='monI')
net = Network(E, I, PE, PI, See, Sie, Sei, Sii, monE, monI)   # run_regularly objects come with their groups

warm, dur = args.warmup * second, args.duration * second


def plasticity_on():
    E.plastic = 1
    See.plas = 1
    Sie.plas = 1
    count_nin.active = False
    for o in norm_objs:
        o.active = True


def tick(k):
    """C++: wall and process-CPU time stamp k."""
    device.insert_code('main', f'clock_gettime(CLOCK_MONOTONIC, &_lkd_w[{k}]); '
                               f'clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &_lkd_c[{k}]);')


for o in norm_objs:
    o.active = False          # warm-up: no plasticity, nothing to normalise
if standalone:
    device.insert_code('before_start', 'struct timespec _lkd_w[4], _lkd_c[4]; '
                                       'clock_gettime(CLOCK_MONOTONIC, &_lkd_w[0]); '
                                       'clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &_lkd_c[0]);')
    tick(1)
    net.run(warm)
    tick(2)
    plasticity_on()
    net.run(dur, profile=args.profile)
    tick(3)
    device.insert_code('main', r'''{
        std::ofstream _f("results/lkd_timing.txt");
        _f.precision(9);
        for (int _k = 0; _k < 4; _k++)
            _f << (_lkd_w[_k].tv_sec + 1e-9*_lkd_w[_k].tv_nsec) << " "
               << (_lkd_c[_k].tv_sec + 1e-9*_lkd_c[_k].tv_nsec) << "\n";
    }''')
    t0 = time.time()
    device.build(directory=build_dir, compile=True, run=False, debug=False, with_output=False)
    compile_s = time.time() - t0
    t0 = time.time()
    device.run(build_dir, with_output=False, run_args=[])
    binary_s = time.time() - t0
    wc = np.loadtxt(os.path.join(build_dir, 'results', 'lkd_timing.txt'))
    w_, c_ = wc[:, 0], wc[:, 1]
    setup_s, warmup_s, warmup_cpu = w_[1] - w_[0], w_[2] - w_[1], c_[2] - c_[1]
    plastic_wall, plastic_cpu = w_[3] - w_[2], c_[3] - c_[2]
else:
    for o in norm_objs:
        o.active = True
    t0 = time.time()
    net.run(0 * ms)                   # code generation + Cython compilation of every object
    compile_s = time.time() - t0
    for o in norm_objs:
        o.active = False
    setup_s, binary_s = 0.0, None
    t0, c0 = time.time(), time.process_time()
    net.run(warm)
    warmup_s, warmup_cpu = time.time() - t0, time.process_time() - c0
    plasticity_on()
    t0, c0 = time.time(), time.process_time()
    net.run(dur, profile=args.profile)
    plastic_wall, plastic_cpu = time.time() - t0, time.process_time() - c0
if args.profile:
    print(brian2.profiling_summary(net, show=15), file=sys.stderr)

# ---- summary ----
T0, T1 = float(warm / second), float((warm + dur) / second)
ti, tt = np.asarray(monE.i[:]), np.asarray(monE.t[:] / second)
ii, it = np.asarray(monI.i[:]), np.asarray(monI.t[:] / second)


def rate(t, n, lo, hi):
    return float(np.sum((t >= lo) & (t < hi))) / n / (hi - lo)


def cv_isi(i, t, lo, hi):
    """Mean ISI CV over the E neurons with >= 3 spikes in [lo, hi), and their number."""
    m = (t >= lo) & (t < hi)
    order = np.lexsort((t[m], i[m]))
    si, st = i[m][order], t[m][order]
    cvs = []
    if len(si) > 2:
        cut = np.flatnonzero(np.diff(si)) + 1
        for seg in np.split(st, cut):
            if len(seg) >= 3:
                isi = np.diff(seg)
                if isi.mean() > 0:
                    cvs.append(isi.std() / isi.mean())
    return (round(float(np.mean(cvs)), 4) if cvs else None), len(cvs)


cv_p, ncv_p = cv_isi(ti, tt, T0, T1)
cv_w, ncv_w = cv_isi(ti, tt, 0.0, T0)
wee, wie = np.asarray(See.w[:]), np.asarray(Sie.w[:])
jee = np.asarray(See.j[:])
nin = np.bincount(jee, minlength=NE).astype(float)
sumx = np.bincount(jee, weights=wee - J_EE, minlength=NE)   # Σw − Σw₀ per E neuron
has = nin > 0
out = {
    'sim': 'brian2', 'model': 'lkd2014', 'brian2': brian2.__version__,
    'backend': args.backend + (' (1 thread, no OpenMP)' if standalone else ' runtime'),
    'seed': args.seed, 'dt_ms': args.dt, 'delay_steps': args.delay_steps,
    'warmup_bio_s': T0, 'plastic_bio_s': T1 - T0,
    'compile_s': round(compile_s, 3),
    'setup_s': round(float(setup_s), 3),
    'ee_connectivity_numpy_s': round(gen_ee_s, 3),
    'warmup_s': round(float(warmup_s), 3),
    'warmup_cpu_s': round(float(warmup_cpu), 3),
    'plastic_s_per_bio_s': round(float(plastic_wall) / (T1 - T0), 4),
    'plastic_cpu_s_per_bio_s': round(float(plastic_cpu) / (T1 - T0), 4),
    'binary_total_s': None if binary_s is None else round(binary_s, 3),
    'rate_e_hz': round(rate(tt, NE, T0, T1), 4), 'rate_i_hz': round(rate(it, NI, T0, T1), 4),
    'warmup_rate_e_hz': round(rate(tt, NE, 0.0, T0), 4), 'warmup_rate_i_hz': round(rate(it, NI, 0.0, T0), 4),
    'cv_isi_e': cv_p, 'cv_isi_e_neurons': ncv_p,
    'warmup_cv_isi_e': cv_w, 'warmup_cv_isi_e_neurons': ncv_w,
    'mean_w_ee': round(float(wee.mean()), 6), 'mean_w_ie': round(float(wie.mean()), 6),
    'w_ee_range': [round(float(wee.min()), 4), round(float(wee.max()), 4)],
    'w_ie_range': [round(float(wie.min()), 4), round(float(wie.max()), 4)],
    'norm_residual_mean_abs': round(float(np.mean(np.abs(sumx[has] / nin[has]))), 6),
    'n_synapses': int(len(See) + len(Sie) + len(Sei) + len(Sii)),
    'n_syn': {'EE': int(len(See)), 'IE': int(len(Sie)), 'EI': int(len(Sei)), 'II': int(len(Sii))},
}
print(json.dumps(out))
sys.stdout.flush()
if tmp_dir is not None:
    shutil.rmtree(tmp_dir, ignore_errors=True)
sys.exit(0)
