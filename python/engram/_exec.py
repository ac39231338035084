"""Running the engram binary from Python."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import tempfile
from typing import Any, Mapping

from ._run import Run, load_run

__all__ = ["EngramError", "run", "find_binary", "toml_value", "dumps_toml"]


class EngramError(RuntimeError):
    """engram exited with an error. ``str(e)`` is engram's error text
    (its stderr); ``returncode``, ``stderr``, ``stdout`` and ``command``
    are attributes."""

    def __init__(self, message: str, returncode: int | None = None, stderr: str = "", stdout: str = "",
                 command: list[str] | None = None):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr
        self.stdout = stdout
        self.command = command or []


def find_binary(binary: str | os.PathLike | None = None) -> str:
    """The engram binary: ``binary`` if given, else $ENGRAM_BINARY, else
    ``engram`` on PATH."""
    cand = os.fspath(binary) if binary is not None else os.environ.get("ENGRAM_BINARY") or shutil.which("engram")
    if not cand:
        raise EngramError("engram binary not found: pass binary=..., set ENGRAM_BINARY, or put engram on PATH "
                          "(go build -o engram ./cmd/engram)")
    if os.sep in cand and not os.access(cand, os.X_OK):
        raise EngramError(f"engram binary {cand}: not an executable file")
    return cand


def toml_value(v: Any) -> str:
    """A Python value as one TOML value (for --set and config dicts)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {toml_value(x)}" for k, x in v.items()) + "}"
    try:  # numpy scalars
        import numpy as np

        if isinstance(v, np.generic):
            return toml_value(v.item())
    except ImportError:
        pass
    raise TypeError(f"engram: cannot write {type(v).__name__} {v!r} as a TOML value")


def _key(k: str) -> str:
    k = str(k)
    if k and all(c.isalnum() and c.isascii() or c in "_-" for c in k):
        return k
    return json.dumps(k, ensure_ascii=False)


def dumps_toml(doc: Mapping[str, Any]) -> str:
    """A config dict (as tomllib returns it, e.g. ``Run.config``) as TOML
    text: scalars and arrays first, then tables, then arrays of tables
    ([[population]])."""
    lines: list[str] = []

    def table(d: Mapping, prefix: str):
        subs, arrs = [], []
        for k, v in d.items():
            if isinstance(v, Mapping):
                subs.append((k, v))
            elif isinstance(v, list) and v and all(isinstance(x, Mapping) for x in v):
                arrs.append((k, v))
            else:
                lines.append(f"{_key(k)} = {toml_value(v)}")
        for k, v in subs:
            name = f"{prefix}.{_key(k)}" if prefix else _key(k)
            lines.append(f"\n[{name}]")
            table(v, name)
        for k, v in arrs:
            name = f"{prefix}.{_key(k)}" if prefix else _key(k)
            for x in v:
                lines.append(f"\n[[{name}]]")
                table(x, name)

    table(doc, "")
    return "\n".join(lines).lstrip("\n") + "\n"


def run(config: str | os.PathLike | Mapping[str, Any], set: Mapping[str, Any] | None = None,
        out: str | os.PathLike | None = None, binary: str | os.PathLike | None = None, *,
        seed: int | None = None, workers: int | None = None, timeout: float | None = None,
        extra_args: list[str] | None = None) -> Run:
    """Run ``engram run CONFIG`` and return the loaded run.

    config: a config file path, or a dict (as tomllib gives; written to a
        temporary TOML file), e.g. ``load_run(d).config``.
    set: {dotted key: value} applied as ``--set key=value`` (values as TOML:
        strings quoted, lists as arrays), e.g. ``{"input.mu_mv": 20}``.
    out: the run directory to create (must not exist); None lets engram pick
        a fresh ``runs/<experiment>-<time>-s<seed>-<random>`` in the current
        directory.
    binary: the engram executable (default: $ENGRAM_BINARY, then PATH).
    seed, workers: engram's --seed and --workers.
    timeout: seconds before the run is killed (EngramError).

    Raises EngramError carrying engram's own error text when it exits
    non-zero (bad key, invalid value, memory budget, ...)."""
    exe = find_binary(binary)
    tmp = None
    try:
        if isinstance(config, Mapping):
            fd, tmp = tempfile.mkstemp(prefix="engram-config-", suffix=".toml")
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(dumps_toml(config))
            cfg_path = tmp
        else:
            cfg_path = os.fspath(config)
        cmd = [exe, "run", cfg_path, "--json", "--quiet"]
        if out is not None:
            cmd += ["--out", os.fspath(out)]
        if seed is not None:
            cmd += ["--seed", str(int(seed))]
        if workers is not None:
            cmd += ["--workers", str(int(workers))]
        for k, v in (set or {}).items():
            cmd += ["--set", f"{k}={toml_value(v)}"]
        cmd += list(extra_args or [])
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise EngramError(f"engram run {cfg_path}: killed after {timeout} s", None,
                              e.stderr or "", e.stdout or "", cmd) from None
        except OSError as e:
            raise EngramError(f"cannot start {exe}: {e}", None, "", "", cmd) from None
        if p.returncode != 0:
            msg = p.stderr.strip() or f"engram exited with status {p.returncode} and no message"
            raise EngramError(msg, p.returncode, p.stderr, p.stdout, cmd)
        try:
            doc = json.loads(p.stdout)
            run_dir = doc["run_dir"]
        except (ValueError, KeyError, TypeError):
            raise EngramError(f"engram run {cfg_path}: succeeded but printed no JSON with run_dir on stdout: "
                              f"{p.stdout[:300]!r}", p.returncode, p.stderr, p.stdout, cmd) from None
        return load_run(run_dir, doc)
    finally:
        if tmp is not None:
            os.unlink(tmp)
