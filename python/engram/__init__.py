"""engram's Python side: load run directories and sweeps, run engram.

    import engram
    r = engram.load_run("runs/lif-…")         # config, provenance, summary, arrays, tables, spikes, weights
    r.metrics["populations.LIF.rate_hz"]      # res/summary.json, name → float (nan/±inf restored, None: missing)
    r.spikes                                  # DataFrame: time_ms, step, neuron, population, local_id
    r.state("v", "LIF")                       # DataFrame, index time_ms, one column per recorded neuron
    r.weight("E-E").pre_post                  # scipy CSR, rows = presynaptic neurons
    df = engram.load_sweep("sweeps/brunel")   # DIR/points.tsv
    r2 = engram.run("examples/lif-noise.toml", set={"input.mu_mv": 20}, out="/tmp/mu20")
    seg = engram.to_neo(r)                    # neo.Segment of SpikeTrains (needs python3-neo)

Needs numpy, pandas and scipy (Debian: python3-numpy, python3-pandas,
python3-scipy) and Python ≥ 3.11 (tomllib). neo and xarray are optional
and imported only when used.
"""

from ._exec import EngramError, dumps_toml, find_binary, run, toml_value
from ._neo import to_neo
from ._run import Run, Weights, load_run
from ._summary import SOURCE_ABSENT, SOURCE_LEGACY, SOURCE_PRINTED, SOURCE_SCHEMA, Summary, parse_number, read_summary
from ._sweep import load_sweep
from ._tables import read_tsv

__version__ = "0.1.0"

__all__ = ["load_run", "load_sweep", "run", "to_neo", "Run", "Weights", "Summary", "EngramError", "read_tsv",
           "read_summary", "parse_number", "dumps_toml", "toml_value", "find_binary", "SOURCE_SCHEMA",
           "SOURCE_LEGACY", "SOURCE_PRINTED", "SOURCE_ABSENT"]
