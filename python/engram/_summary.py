"""The run's result as data: ``res/summary.json``.

Schema (written by engram's run life cycle)::

    {"experiment": str, "seed": int, "status": str,
     "metrics": [{"name": str, "value": number | "NaN" | "+Inf" | "-Inf" | null,
                  "stderr": number | null, "unit": str, "method": str}, ...],
     "summary": {...the experiment's nested summary...}}

Metric names are the dotted paths of the nested summary's numeric leaves
(``populations.E.rate_hz``). ``"NaN"``, ``"+Inf"`` and ``"-Inf"`` become the
floats nan, inf and -inf; ``null`` (a value that was not computed) becomes
``None``, so the three stay distinguishable.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["Summary", "read_summary", "parse_number", "flatten"]

_SPECIAL = {"NaN": math.nan, "+Inf": math.inf, "-Inf": -math.inf}

#: Summary.source when res/summary.json follows the schema above.
SOURCE_SCHEMA = "res/summary.json"
#: Summary.source for a res/summary.json written before the schema: the
#: file is the nested summary itself; the loader flattens it into metrics
#: the way engram does (dotted paths of numeric leaves), with no stderr,
#: unit or method.
SOURCE_LEGACY = "res/summary.json (legacy nested summary; metrics flattened by the loader)"
#: Summary.source when the run has no res/summary.json but the object
#: engram printed with --json for it is known (engram.run keeps it): the
#: metrics are its "summary" flattened by the loader.
SOURCE_PRINTED = "printed --json summary (the run directory has no res/summary.json)"
#: Summary.source when the run has no res/summary.json (runs of engram
#: versions that printed the summary only on stdout): no metrics.
SOURCE_ABSENT = "absent"


def parse_number(v: Any, where: str = "value") -> float | None:
    """Return a summary.json number as a float: numbers as they are, the
    strings "NaN", "+Inf", "-Inf" as nan/inf/-inf, null as None. Anything
    else raises ValueError naming ``where``."""
    if v is None:
        return None
    if isinstance(v, bool):
        raise ValueError(f"{where}: {v!r} is a boolean, not a number")
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str) and v in _SPECIAL:
        return _SPECIAL[v]
    raise ValueError(f'{where}: {v!r} is not a number, "NaN", "+Inf", "-Inf" or null')


def flatten(nested: Any, prefix: str = "") -> dict[str, float | None]:
    """Flatten a nested summary into {dotted name: value}: numeric leaves
    (not booleans) become floats, null leaves None; strings and lists are
    not metrics. Names are sorted, as engram sorts its metrics."""
    out: dict[str, float | None] = {}

    def walk(v: Any, name: str) -> None:
        if isinstance(v, dict):
            for k, e in v.items():
                walk(e, f"{name}.{k}" if name else str(k))
        elif v is None:
            if name:
                out[name] = None
        elif isinstance(v, bool):
            return
        elif isinstance(v, (int, float)):
            if name:
                out[name] = float(v)

    walk(nested, prefix)
    return dict(sorted(out.items()))


class Metrics(dict):
    """A dict metric name → value (float; nan/±inf restored; None for a
    value engram did not compute). A missing name raises a KeyError that
    says where the metrics came from and suggests close names."""

    def __init__(self, data: dict, where: str):
        super().__init__(data)
        self._where = where

    def __missing__(self, key):
        import difflib

        close = difflib.get_close_matches(str(key), list(self.keys()), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"{key!r}: no such metric in {self._where}{hint}")


@dataclass
class Summary:
    """A run's summary.

    Attributes:
        experiment, seed, status: as recorded (None when unknown).
        metrics: Metrics, name → float | None.
        stderr: name → the metric's standard error (float, or None when
            engram gives none; engram pairs x with a sibling x_stderr/x_se).
        table: DataFrame with columns name, value, stderr, unit, method
            (value/stderr float64 with NaN for None; column ``missing``
            True where the value was null).
        nested: the experiment's original nested summary (non-finite
            numbers are null there).
        source: SOURCE_SCHEMA, SOURCE_LEGACY or SOURCE_ABSENT — where the
            metrics came from.
        path: the file read (None when absent).
    """

    experiment: str | None
    seed: int | None
    status: str | None
    metrics: Metrics
    table: pd.DataFrame
    nested: dict
    source: str
    path: str | None = None
    stderr: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> float | None:
        return self.metrics[name]

    def __contains__(self, name: str) -> bool:
        return name in self.metrics


def _table(rows: list[dict]) -> pd.DataFrame:
    cols = ["name", "value", "stderr", "unit", "method", "missing"]
    if not rows:
        return pd.DataFrame({c: pd.Series(dtype=float if c in ("value", "stderr") else object) for c in cols})
    df = pd.DataFrame(rows, columns=cols)
    df["value"] = df["value"].astype(float)
    df["stderr"] = df["stderr"].astype(float)
    df["missing"] = df["missing"].astype(bool)
    return df


def _from_nested(doc: dict, where: str, source: str, path: str | None) -> Summary:
    values = flatten(doc)
    rows = [dict(name=k, value=np.nan if v is None else v, stderr=np.nan, unit="", method="",
                 missing=v is None) for k, v in values.items()]
    return Summary(None, None, None, Metrics(values, where), _table(rows), doc, source, path)


def read_summary(run_dir: str, printed: dict | None = None) -> Summary:
    """Read ``run_dir/res/summary.json`` (schema above) or a legacy nested
    summary.json; without either, the "summary" of ``printed`` (the object
    ``engram --json`` printed for the run) or nothing. Summary.source says
    which."""
    path = os.path.join(run_dir, "res", "summary.json")
    if not os.path.exists(path):
        if printed and isinstance(printed.get("summary"), dict):
            s = _from_nested(printed["summary"], f"the summary engram printed for {run_dir}", SOURCE_PRINTED, None)
            s.experiment = printed.get("experiment")
            return s
        return Summary(None, None, None, Metrics({}, f"{run_dir} (it has no res/summary.json: a run of an engram "
                                                  "version that did not write one)"),
                       _table([]), {}, SOURCE_ABSENT, None)
    with open(path, encoding="utf-8") as f:
        try:
            doc = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not JSON: {e}") from None
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: want a JSON object, got {type(doc).__name__}")
    if "metrics" not in doc:
        return _from_nested(doc, path + " (legacy nested summary)", SOURCE_LEGACY, path)
    metrics = doc["metrics"]
    if not isinstance(metrics, list):
        raise ValueError(f"{path}: metrics: want a list, got {type(metrics).__name__}")
    values: dict[str, float | None] = {}
    stderr: dict[str, float | None] = {}
    rows = []
    for i, m in enumerate(metrics):
        if not isinstance(m, dict) or not isinstance(m.get("name"), str):
            raise ValueError(f"{path}: metrics[{i}]: want an object with a string name")
        name = m["name"]
        v = parse_number(m.get("value"), f"{path}: metric {name}: value")
        se = parse_number(m.get("stderr"), f"{path}: metric {name}: stderr")
        values[name] = v
        stderr[name] = se
        rows.append(dict(name=name, value=np.nan if v is None else v, stderr=np.nan if se is None else se,
                         unit=m.get("unit", ""), method=m.get("method", ""), missing=v is None))
    seed = doc.get("seed")
    return Summary(doc.get("experiment"), int(seed) if seed is not None else None, doc.get("status"),
                   Metrics(values, path), _table(rows), doc.get("summary") or {}, SOURCE_SCHEMA, path, stderr)
