"""Conversion to Neo (python-neo), imported lazily."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["to_neo"]


def to_neo(spikes, t_stop_ms: float | None = None, t_start_ms: float = 0.0, neurons=None):
    """Spikes as a ``neo.Segment`` holding one ``neo.SpikeTrain`` per neuron
    (times in ms).

    spikes: a Run (its ``spikes`` and duration are used) or a spikes
        DataFrame as ``Run.spikes`` returns (columns time_ms, neuron and,
        optionally, population and local_id).
    t_stop_ms: the end of the recording (default: the run's
        run.duration_ms for a Run — the recorded time after the transient —,
        else the last spike time).
    neurons: global ids to include (default: every neuron that spiked; a
        Run includes every neuron of every population, silent ones with
        empty trains).

    Each train's annotations hold ``neuron`` (global id), ``population`` and
    ``local_id`` where known. Requires neo and quantities (Debian:
    python3-neo)."""
    try:
        import neo
        import quantities as pq
    except ImportError as e:
        raise ImportError("engram.to_neo needs neo and quantities (apt-get install python3-neo)") from e
    run = None
    if hasattr(spikes, "spikes") and hasattr(spikes, "path"):
        run = spikes
        df = run.spikes
        if t_stop_ms is None:
            r = (run.config or {}).get("run", {})
            if "duration_ms" in r:
                t_stop_ms = float(r["duration_ms"])
        if neurons is None and run.populations is not None:
            neurons = np.concatenate([np.arange(o, o + n) for o, n in zip(run.populations["offset"],
                                                                         run.populations["n"])])
    else:
        df = spikes
    if not isinstance(df, pd.DataFrame) or not {"time_ms", "neuron"} <= set(df.columns):
        raise TypeError("engram.to_neo: want a Run or a DataFrame with columns time_ms and neuron")
    t = df["time_ms"].to_numpy(np.float64)
    ids = df["neuron"].to_numpy(np.int64)
    if t_stop_ms is None:
        t_stop_ms = float(t.max()) if len(t) else t_start_ms
    t_stop_ms = max(t_stop_ms, float(t.max()) if len(t) else t_stop_ms)
    if neurons is None:
        neurons = np.unique(ids)
    order = np.argsort(ids, kind="stable")
    ids_sorted, t_sorted = ids[order], t[order]
    pop = df["population"].to_numpy()[order] if "population" in df else None
    local = df["local_id"].to_numpy()[order] if "local_id" in df else None
    meta = {}
    if run is not None and run.populations is not None:
        for _, row in run.populations.iterrows():
            for k in range(int(row["n"])):
                meta[int(row["offset"]) + k] = (str(row["name"]), k)
    seg = neo.Segment(name="engram spikes")
    for nid in neurons:
        lo, hi = np.searchsorted(ids_sorted, nid, "left"), np.searchsorted(ids_sorted, nid, "right")
        ann = {"neuron": int(nid)}
        if int(nid) in meta:
            ann["population"], ann["local_id"] = meta[int(nid)]
        elif hi > lo and pop is not None:
            ann["population"], ann["local_id"] = str(pop[lo]), int(local[lo])
        st = neo.SpikeTrain(np.sort(t_sorted[lo:hi]) * pq.ms, t_start=t_start_ms * pq.ms, t_stop=t_stop_ms * pq.ms,
                            name=f"neuron {int(nid)}", **ann)
        seg.spiketrains.append(st)
    return seg
