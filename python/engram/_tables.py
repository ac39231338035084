"""Tables engram writes: tab-separated, optional "# " comment lines before
one header line, floats in shortest round-trip form with nan/inf/-inf,
booleans true/false."""

from __future__ import annotations

import io

import pandas as pd

__all__ = ["read_tsv"]


def read_tsv(path: str) -> pd.DataFrame:
    """Read an engram TSV table into a DataFrame. Leading "#" comment lines
    are kept in ``df.attrs["comments"]``. "nan" and empty cells are NaN;
    strings such as "NA" stay strings (a population may be called NA)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    comments = []
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        comments.append(lines[i][1:].strip())
        i += 1
    body = "".join(lines[i:])
    if not body.strip():
        df = pd.DataFrame()
    else:
        df = pd.read_csv(io.StringIO(body), sep="\t", keep_default_na=False, na_values=["", "nan", "NaN", "-nan"],
                         quoting=3)
    df.attrs["comments"] = comments
    df.attrs["path"] = path
    return df
