"""Execute examples/python-lif-siegert.ipynb headless (nbclient + ipykernel,
Debian's python3-nbclient and python3-ipykernel; no jupyter command). The
notebook asserts its own results (rates within 10 % of the Siegert rate)."""

import os

import pytest

EXAMPLES = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "examples"))


def test_notebook_executes(engram_bin, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("ENGRAM_BINARY", engram_bin)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # ipykernel's debugger warning about frozen modules
    nb = nbformat.read(os.path.join(EXAMPLES, "python-lif-siegert.ipynb"), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": EXAMPLES}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outputs)
    assert 'unknown key "input.mu"' in text  # the EngramError cell printed engram's message
