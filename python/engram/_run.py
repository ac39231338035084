"""A run directory as Python objects (see engram.load_run)."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ._summary import Summary, read_summary
from ._tables import read_tsv

__all__ = ["Run", "Weights", "load_run"]

# Experiments whose CSR weights file (rec/weights.npz) is stored as
# (N_post, N_pre): row i is the postsynaptic neuron, W_ij the weight from j
# to i (experiment/pbdms writes store.WriteCSRNPZ(w.NPost, w.NPre, ...)).
_POST_PRE_EXPERIMENTS = {"pb-dms", "pb-load", "infer-loop", "demo"}

_SPIKING_WEIGHTS = re.compile(r"^weights_(?P<proj>.+)_(?P<t>[-+0-9.eE]+)ms\.npz$")


class Weights:
    """One CSR weight matrix written by engram, with its orientation
    stated explicitly.

    Attributes:
        path: the .npz file.
        projection: the projection's name ("E-E"; None for a rate model's W).
        pre, post: the presynaptic and postsynaptic population names (None
            when engram does not say, e.g. a rate network's single
            population).
        t_ms: the snapshot time in ms from the start of the run (spiking
            snapshots; None otherwise).
        file_orientation: "pre_post" when the file's rows are presynaptic
            neurons (spiking: ``rec/weights_<proj>_<t>ms.npz`` has shape
            (N_pre, N_post), row j = presynaptic neuron j, values the weight
            magnitudes), "post_pre" when its rows are postsynaptic neurons
            (the rate models' ``rec/weights.npz``: W_ij, the weight from j
            onto i, shape (N_post, N_pre)).

    ``pre_post`` and ``post_pre`` return the matrix in the orientation you
    ask for whatever the file holds (a transpose when needed). Indices are
    local to the populations.
    """

    def __init__(self, path: str, file_orientation: str, projection: str | None = None, pre: str | None = None,
                 post: str | None = None, t_ms: float | None = None):
        if file_orientation not in ("pre_post", "post_pre"):
            raise ValueError(f"engram: Weights: file_orientation {file_orientation!r}: want pre_post or post_pre")
        self.path = path
        self.file_orientation = file_orientation
        self.projection = projection
        self.pre = pre
        self.post = post
        self.t_ms = t_ms

    @cached_property
    def _matrix(self):
        import scipy.sparse

        return scipy.sparse.load_npz(self.path).tocsr()

    @property
    def pre_post(self):
        """scipy.sparse CSR matrix of shape (N_pre, N_post): [j, i] is the
        weight of the synapse from presynaptic j onto postsynaptic i."""
        m = self._matrix
        return m if self.file_orientation == "pre_post" else m.T.tocsr()

    @property
    def post_pre(self):
        """scipy.sparse CSR matrix of shape (N_post, N_pre): [i, j] = W_ij,
        the weight from presynaptic j onto postsynaptic i (the rate models'
        convention, h_i = Σ_j W_ij r_j)."""
        m = self._matrix
        return m if self.file_orientation == "post_pre" else m.T.tocsr()

    @property
    def shape_pre_post(self) -> tuple[int, int]:
        """(N_pre, N_post)."""
        r, c = self._matrix.shape
        return (r, c) if self.file_orientation == "pre_post" else (c, r)

    def __repr__(self) -> str:
        where = f" {self.projection}" if self.projection else ""
        when = f" at {self.t_ms:g} ms" if self.t_ms is not None else ""
        return f"<engram.Weights{where}{when} file rows={self.file_orientation.split('_')[0]} {self.path}>"


def _is_csr_npz(path: str) -> bool:
    try:
        with np.load(path) as z:
            return {"indptr", "indices", "data", "shape", "format"} <= set(z.files)
    except Exception:
        return False


class _LazyDict(dict):
    """A dict whose values are loaded on first access from a loader map."""

    def __init__(self, loaders: dict):
        super().__init__()
        self._loaders = dict(sorted(loaders.items()))

    def __getitem__(self, k):
        if not dict.__contains__(self, k):
            if k not in self._loaders:
                import difflib

                close = difflib.get_close_matches(str(k), list(self._loaders), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise KeyError(f"{k!r}: not in this run (have {', '.join(self._loaders) or 'nothing'}){hint}")
            dict.__setitem__(self, k, self._loaders[k]())
        return dict.__getitem__(self, k)

    def __contains__(self, k):
        return k in self._loaders

    def __iter__(self):
        return iter(self._loaders)

    def __len__(self):
        return len(self._loaders)

    def keys(self):
        return self._loaders.keys()

    def items(self):
        return [(k, self[k]) for k in self._loaders]

    def values(self):
        return [self[k] for k in self._loaders]

    def get(self, k, default=None):
        return self[k] if k in self._loaders else default

    def __repr__(self):
        return f"<lazy {{{', '.join(self._loaders)}}}>"


class Run:
    """A run directory engram wrote. Everything is read lazily, on first
    access.

    Attributes:
        path: the run directory (absolute).
        config: the resolved config (``config.resolved.toml`` read with
            tomllib; None for runs that have none, e.g. analyses of older
            engram versions, which write ``command.txt`` instead).
        command: the command line recorded in ``command.txt`` (or in
            provenance.json), a string.
        provenance: ``provenance.json`` as a dict (seed, version, VCS
            revision, host, wall/CPU time, peak memory, Slurm ids when run
            in a job).
        summary: engram.Summary from ``res/summary.json``; ``metrics`` is a
            shortcut for ``summary.metrics`` (name → float | None).
        arrays: name → numpy array for every ``rec/*.npy`` (memory-mapped,
            read-only) and ``rec/*.npz`` that is not a sparse matrix
            (a lazily-reading ``NpzFile``); name is the file name without
            extension.
        weights: list of Weights, one per sparse CSR ``.npz`` (spiking
            snapshots sorted by projection and time).
        tables: name → DataFrame for every ``res/*.tsv`` (name = stem),
            ``figs/*.tsv`` (name = ``figs/<stem>``, the data of each figure)
            and ``rec/*.tsv``/``rec/*.csv`` (``rec/<stem>``).
        printed: the object engram printed with --json (runs made by
            engram.run), else None.
        results: name → parsed JSON for other ``res/*.json`` files
            (e.g. infer's params and settings).
        spikes: DataFrame of recorded spikes (spiking runs), see ``spikes``.
    """

    def __init__(self, path: str, printed: dict | None = None):
        self.printed = printed
        path = os.path.abspath(os.fspath(path))
        if not os.path.isdir(path):
            raise FileNotFoundError(f"engram.load_run: {path}: not a directory")
        if not (os.path.exists(os.path.join(path, "provenance.json"))
                or os.path.exists(os.path.join(path, "config.resolved.toml"))):
            raise ValueError(f"engram.load_run: {path}: not an engram run directory "
                             "(no provenance.json or config.resolved.toml)")
        self.path = path

    def __repr__(self) -> str:
        return f"<engram.Run {self.experiment} seed={self.seed} {self.path}>"

    def file(self, *parts: str) -> str:
        """The absolute path of a file in the run directory."""
        return os.path.join(self.path, *parts)

    # --- metadata -------------------------------------------------------------
    @cached_property
    def config(self) -> dict | None:
        p = self.file("config.resolved.toml")
        if not os.path.exists(p):
            return None
        with open(p, "rb") as f:
            try:
                return tomllib.load(f)
            except tomllib.TOMLDecodeError as e:
                raise ValueError(f"{p}: {e}") from None

    @cached_property
    def provenance(self) -> dict:
        p = self.file("provenance.json")
        if not os.path.exists(p):
            return {}
        with open(p, encoding="utf-8") as f:
            return json.load(f)

    @cached_property
    def command(self) -> str | None:
        p = self.file("command.txt")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                return f.read().strip()
        cmd = self.provenance.get("command")
        return " ".join(cmd) if cmd else None

    @property
    def experiment(self) -> str | None:
        """The experiment's name (provenance, config or summary)."""
        return (self.provenance.get("experiment") or (self.config or {}).get("experiment")
                or self.summary.experiment)

    @property
    def seed(self) -> int | None:
        s = self.provenance.get("seed")
        return int(s) if s is not None else self.summary.seed

    @cached_property
    def summary(self) -> Summary:
        return read_summary(self.path, self.printed)

    @property
    def metrics(self):
        """name → float | None (nan/±inf restored); see Summary."""
        return self.summary.metrics

    # --- files ---------------------------------------------------------------
    def _files(self, sub: str, exts: tuple[str, ...]) -> list[str]:
        d = self.file(sub)
        if not os.path.isdir(d):
            return []
        return sorted(n for n in os.listdir(d) if n.endswith(exts) and not n.startswith("."))

    @cached_property
    def _csr_files(self) -> set[str]:
        return {n for n in self._files("rec", (".npz",)) if _is_csr_npz(self.file("rec", n))}

    @cached_property
    def arrays(self) -> _LazyDict:
        loaders = {}
        for n in self._files("rec", (".npy",)):
            loaders[n[:-4]] = (lambda p=self.file("rec", n): np.load(p, mmap_mode="r"))
        for n in self._files("rec", (".npz",)):
            if n not in self._csr_files:
                loaders[n[:-4]] = (lambda p=self.file("rec", n): np.load(p))
        return _LazyDict(loaders)

    @cached_property
    def tables(self) -> _LazyDict:
        loaders = {}
        for n in self._files("res", (".tsv",)):
            loaders[n[:-4]] = (lambda p=self.file("res", n): read_tsv(p))
        for n in self._files("figs", (".tsv",)):
            loaders["figs/" + n[:-4]] = (lambda p=self.file("figs", n): read_tsv(p))
        for n in self._files("rec", (".tsv",)):
            loaders["rec/" + n[:-4]] = (lambda p=self.file("rec", n): read_tsv(p))
        for n in self._files("rec", (".csv",)):
            loaders["rec/" + n[:-4]] = (lambda p=self.file("rec", n): pd.read_csv(p))
        return _LazyDict(loaders)

    @cached_property
    def results(self) -> _LazyDict:
        def load(p):
            with open(p, encoding="utf-8") as f:
                return json.load(f)

        return _LazyDict({n[:-5]: (lambda p=self.file("res", n): load(p))
                          for n in self._files("res", (".json",)) if n != "summary.json"})

    # --- spiking ---------------------------------------------------------------
    @cached_property
    def populations(self) -> pd.DataFrame | None:
        """``rec/populations.tsv`` (population_index, name, offset, n, sign,
        model) of spiking runs; None otherwise."""
        p = self.file("rec", "populations.tsv")
        if not os.path.exists(p):
            return None
        df = read_tsv(p)
        df["name"] = df["name"].astype(str)
        return df

    def _population_of(self, ids: np.ndarray) -> tuple[pd.Categorical, np.ndarray]:
        pops = self.populations
        if pops is None:
            raise ValueError(f"{self.path}: no rec/populations.tsv: cannot name the populations of global ids")
        offsets = pops["offset"].to_numpy(dtype=np.int64)
        order = np.argsort(offsets)
        offsets = offsets[order]
        names = pops["name"].to_numpy()[order]
        k = np.searchsorted(offsets, ids, side="right") - 1
        if len(ids) and (k.min() < 0 or np.any(ids >= offsets[k] + pops["n"].to_numpy()[order][k])):
            raise ValueError(f"{self.path}: rec/spikes.npy has neuron ids outside every population")
        cat = pd.Categorical.from_codes(k, categories=list(names)) if len(names) else pd.Categorical([])
        return cat, ids - offsets[k]

    @cached_property
    def spikes(self) -> pd.DataFrame:
        """Recorded spikes of a spiking run, one row per spike, in time order:

        ``time_ms`` (float64, ms after the transient: (step + 1)·dt, from
        rec/spikes_t_ms.npy), ``step`` (int64, the step after the transient),
        ``neuron`` (int64, the global id), ``population`` (categorical, its
        name), ``local_id`` (int64, the id within its population).

        Only the neurons ``record.spike_neurons`` selects are present.
        Raises ValueError when the run recorded no spikes."""
        p = self.file("rec", "spikes.npy")
        if not os.path.exists(p):
            raise ValueError(f"{self.path}: no rec/spikes.npy (not a spiking run, or record.spikes is not \"all\")")
        s = np.load(p)
        if s.ndim != 2 or s.shape[1] != 2:
            raise ValueError(f"{p}: want shape (n, 2) (step, global id), got {s.shape}")
        tp = self.file("rec", "spikes_t_ms.npy")
        if os.path.exists(tp):
            t = np.asarray(np.load(tp), dtype=np.float64)
        else:
            dt = float(self.config["network"]["dt_ms"])
            t = (s[:, 0].astype(np.float64) + 1.0) * dt
        ids = s[:, 1].astype(np.int64)
        pop, local = self._population_of(ids)
        return pd.DataFrame({"time_ms": t, "step": s[:, 0].astype(np.int64), "neuron": ids, "population": pop,
                             "local_id": local})

    @property
    def spikes_brian(self) -> tuple[np.ndarray, np.ndarray]:
        """(t_ms, i): Brian2 SpikeMonitor-style arrays (times in ms, global ids)."""
        s = self.spikes
        return s["time_ms"].to_numpy(), s["neuron"].to_numpy()

    @property
    def spikes_nest(self) -> dict:
        """NEST-style events dict {"senders": global ids + 1, "times": ms}
        (NEST's node ids start at 1)."""
        s = self.spikes
        return {"senders": s["neuron"].to_numpy() + 1, "times": s["time_ms"].to_numpy()}

    @cached_property
    def population_rates(self) -> pd.DataFrame:
        """``rec/rates_hz.npy`` of a spiking run as a DataFrame: index
        ``time_ms`` (the start of each rate_bin_ms bin, ms after the
        transient), one column (Hz) per population, then per group of
        record.group_rates."""
        a = np.asarray(self.arrays["rates_hz"], dtype=np.float64)
        cfg = self.config or {}
        rec = cfg.get("record", {})
        b = float(rec.get("rate_bin_ms", 1.0))
        names = [p["name"] for p in cfg.get("population", [])] + list(rec.get("group_rates", []))
        if len(names) != a.shape[1]:
            names = [f"col{k}" for k in range(a.shape[1])]
        return pd.DataFrame(a, columns=names, index=pd.Index(np.arange(a.shape[0]) * b, name="time_ms"))

    # --- state recordings --------------------------------------------------------
    @cached_property
    def _states(self) -> dict[str, tuple[str, str, str | None]]:
        out = {}
        names = set(self.arrays.keys())
        for n in names:
            m = re.match(r"^state_(.+)$", n)
            if m and "state_t_ms" in names and n != "state_t_ms" and not n.endswith("_ids"):
                rest = m.group(1)
                # state_<var>_<pop>: the population is the suffix that has an ids file.
                for pop in sorted(self._population_names(), key=len, reverse=True):
                    if rest.endswith("_" + pop):
                        ids = f"state_{pop}_ids"
                        out[rest] = (n, "state_t_ms", ids if ids in names else None)
                        break
            # rate models: <var>_<trial> with time_ms_<trial>
            for t in names:
                if t.startswith("time_ms_"):
                    trial = t[len("time_ms_"):]
                    if n.endswith("_" + trial) and n != t and self._rows(n) == self._rows(t):
                        out[n] = (n, t, None)
        return dict(sorted(out.items()))

    def _rows(self, name: str) -> int:
        a = self.arrays[name]
        return a.shape[0] if a.ndim else -1

    def _population_names(self) -> list[str]:
        if self.populations is not None:
            return list(self.populations["name"])
        return [p.get("name", "") for p in (self.config or {}).get("population", [])]

    @property
    def states(self) -> list[str]:
        """Names of the state recordings ``state()`` reads: ``<var>_<pop>``
        for spiking runs (``v_E``), ``<var>_<condition>_t<trial>`` for the
        rate models (``rates_familiar_t0``, ``m_novel_t0``)."""
        return list(self._states)

    def state(self, var: str, population: str | None = None) -> pd.DataFrame:
        """A state recording as a DataFrame with a time axis: index
        ``time_ms`` (ms after the transient for spiking runs, from the
        trial's start for the rate models), one column per recorded neuron
        (spiking: its local id within the population; rate models: neuron
        index or, for overlaps m/q, pattern index). ``state("v", "E")`` and
        ``state("v_E")`` are the same. ``.to_xarray()`` gives an xarray
        Dataset where xarray is installed."""
        name = f"{var}_{population}" if population is not None else var
        if name not in self._states:
            import difflib

            close = difflib.get_close_matches(name, self.states, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise KeyError(f"{name!r}: no such state recording in {self.path} (have {', '.join(self.states) or 'none'}){hint}")
        arr, tname, idsname = self._states[name]
        a = np.asarray(self.arrays[arr])
        t = np.asarray(self.arrays[tname], dtype=np.float64)
        if a.shape[0] != t.shape[0]:
            raise ValueError(f"{self.path}: rec/{arr}.npy has {a.shape[0]} samples, rec/{tname}.npy {t.shape[0]} times")
        if a.ndim == 1:
            a = a[:, None]
        cols = (np.asarray(self.arrays[idsname]).astype(np.int64) if idsname else np.arange(a.shape[1]))
        df = pd.DataFrame(a, index=pd.Index(t, name="time_ms"), columns=pd.Index(cols, name="neuron"))
        df.attrs["variable"] = name
        return df

    # --- weights -------------------------------------------------------------
    @cached_property
    def weights(self) -> list[Weights]:
        out = []
        projs = (self.config or {}).get("projection", [])
        for n in sorted(self._csr_files):
            p = self.file("rec", n)
            m = _SPIKING_WEIGHTS.match(n)
            if m:
                proj = m.group("proj")
                pre = post = None
                for pr in projs:
                    if proj in (f"{pr.get('pre')}-{pr.get('post')}", pr.get("name")) or proj.startswith(
                            f"{pr.get('pre')}-{pr.get('post')}_"):
                        pre, post = pr.get("pre"), pr.get("post")
                        break
                out.append(Weights(p, "pre_post", proj, pre, post, float(m.group("t"))))
            elif self.experiment in _POST_PRE_EXPERIMENTS:
                out.append(Weights(p, "post_pre"))
            else:
                raise ValueError(f"{p}: a CSR matrix of experiment {self.experiment!r} whose orientation "
                                 "engram.load_run does not know")
        out.sort(key=lambda w: (w.projection or "", w.t_ms if w.t_ms is not None else 0.0))
        return out

    def weight(self, projection: str | None = None, t_ms: float | None = None) -> Weights:
        """The weights of one projection ("E-E"; None when the run has one
        matrix) at t_ms (None: the last snapshot)."""
        ws = [w for w in self.weights if projection is None or w.projection == projection]
        if not ws:
            have = sorted({str(w.projection) for w in self.weights})
            raise KeyError(f"{projection!r}: no weights in {self.path} (have {', '.join(have) or 'none'})")
        if projection is None and len({w.projection for w in ws}) > 1:
            raise KeyError(f"{self.path} has weights of several projections; name one of "
                           f"{', '.join(sorted({str(w.projection) for w in ws}))}")
        if t_ms is None:
            return ws[-1]
        for w in ws:
            if w.t_ms is not None and abs(w.t_ms - t_ms) < 1e-9:
                return w
        raise KeyError(f"{projection}: no snapshot at {t_ms} ms (have {[w.t_ms for w in ws]})")


def load_run(path: str | os.PathLike, printed: dict | None = None) -> Run:
    """Load the run directory ``path`` that engram wrote (lazily: files are
    read on first access). See Run for what it holds.

    printed: optional, the object ``engram … --json`` printed for this run;
    it is the summary's fallback for runs without res/summary.json
    (Summary.source then says so). engram.run passes it."""
    return Run(path, printed)
