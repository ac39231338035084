"""The collected table of a sweep: ``DIR/points.tsv``."""

from __future__ import annotations

import csv
import json
import math
import os

import numpy as np
import pandas as pd
from pandas.arrays import FloatingArray

__all__ = ["load_sweep"]

_FLOATS = {"NaN": math.nan, "nan": math.nan, "+Inf": math.inf, "Inf": math.inf, "inf": math.inf,
           "-Inf": -math.inf, "-inf": -math.inf}


def _float(s: str) -> float:
    if s in _FLOATS:
        return _FLOATS[s]
    return float(s)


def _column(name: str, cells: list[str], metric: bool = False):
    present = [c for c in cells if c != ""]
    if metric and present:
        try:
            vals = np.array([_float(c) if c != "" else 0.0 for c in cells], dtype=np.float64)
            return FloatingArray(vals, np.array([c == "" for c in cells], dtype=bool))
        except ValueError:
            pass
    if name == "run_dir" or not present:
        return pd.array([c if c != "" else None for c in cells], dtype="string") if present else \
            FloatingArray(np.zeros(len(cells)), np.ones(len(cells), dtype=bool))
    if all(c in ("true", "false") for c in present):
        return pd.array([None if c == "" else c == "true" for c in cells], dtype="boolean")
    try:
        ints = [int(c) for c in present]
        if len(ints) == len(cells) and (name == "point" or all(str(i) == c for i, c in zip(ints, present))):
            return np.array(ints, dtype=np.int64)
    except ValueError:
        pass
    try:
        vals = np.array([_float(c) if c != "" else 0.0 for c in cells], dtype=np.float64)
    except ValueError:
        return pd.array([c if c != "" else None for c in cells], dtype="string")
    return FloatingArray(vals, np.array([c == "" for c in cells], dtype=bool))


def load_sweep(dir: str | os.PathLike) -> pd.DataFrame:
    """Read ``DIR/points.tsv``, the table ``engram sweep`` collects: one row
    per point, columns ``point``, ``run_dir`` (relative to DIR), the swept
    values, then every metric of the point's res/summary.json.

    Numeric columns are pandas' nullable Float64: the string "NaN" (and
    "+Inf"/"-Inf") is the float nan (inf), an empty cell is ``pd.NA`` (a
    point without that metric, e.g. one that has not finished), so
    ``df[c].isna()`` is True only for missing cells and
    ``np.isnan(df[c].to_numpy(float, na_value=np.nan))`` for both.
    With a sweep.json (written by engram sweep) every metric column is
    Float64; the swept columns, and every column without one, are int64
    when all cells are integers, nullable boolean for true/false, Float64
    for numbers, else strings (``point`` is the point's id, p0000).

    ``df.attrs``: ``dir`` (DIR, absolute), ``run_dirs`` (the absolute run
    directories in row order, for engram.load_run), ``swept`` (the swept
    keys, from DIR/sweep.json, plus ``seed`` with repeats; None without a
    sweep.json) and ``metrics`` (the columns after the swept values)."""
    d = os.path.abspath(os.fspath(dir))
    path = os.path.join(d, "points.tsv")
    if not os.path.exists(path):
        raise FileNotFoundError(f"engram.load_sweep: {path}: no such file (run `engram sweep collect {d}` first?)")
    with open(path, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    rows = [r for r in rows if not (r and r[0].startswith("#"))]
    if not rows:
        raise ValueError(f"{path}: empty (no header line)")
    header, body = rows[0], rows[1:]
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise ValueError(f"{path}: line {i + 2}: {len(r)} cells, the header has {len(header)}")
    for need in ("point", "run_dir"):
        if need not in header:
            raise ValueError(f"{path}: no column {need!r} (have {', '.join(header)})")
    swept = None
    manifest = os.path.join(d, "sweep.json")
    if os.path.exists(manifest):
        with open(manifest, encoding="utf-8") as f:
            try:
                plan = json.load(f)
            except json.JSONDecodeError as e:
                raise ValueError(f"{manifest}: not JSON: {e}") from None
        swept = list(plan.get("keys") or [])
        if (plan.get("repeats") or 1) > 1 and "seed" in header and "seed" not in swept:
            swept.append("seed")
        unknown = [k for k in swept if k not in header]
        if unknown:
            raise ValueError(f"{path}: no column for the swept key(s) {', '.join(unknown)} of {manifest}")
    first = 2 + (len(swept) if swept is not None else 0)
    metrics = header[first:] if swept is not None else None
    cols = {h: _column(h, [r[j] for r in body], metric=j >= first and swept is not None)
            for j, h in enumerate(header)}
    df = pd.DataFrame(cols, columns=header)
    df.attrs["dir"] = d
    df.attrs["run_dirs"] = [os.path.join(d, str(x)) for x in df["run_dir"]]
    df.attrs["swept"] = swept
    df.attrs["metrics"] = metrics
    return df
