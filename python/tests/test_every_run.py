"""Every kind of run directory engram writes (spiking, rate models, infer,
analyze) holds res/summary.json in the fixed schema, and its two views
agree: each metric is the numeric leaf of the nested summary at its dotted
path (non-finite values are null there), and --json printed the same
metrics."""

import math

import pytest

import engram

RUNS = ["stdp_run", "lif_run", "pbdms_run", "pbload_run", "homeostasis_run", "corrstim_run", "noisyrate_run",
        "inferloop_run", "infer_run", "branching_run", "corr_run"]


def leaf(nested, name):
    v = nested
    for part in name.split("."):
        if not isinstance(v, dict) or part not in v:
            return KeyError
        v = v[part]
    return v


@pytest.mark.parametrize("fixture", RUNS)
def test_summary_schema_and_views_agree(fixture, request):
    r = request.getfixturevalue(fixture)
    s = r.summary
    assert s.source == engram.SOURCE_SCHEMA, r.path
    assert s.status == "ok" and s.experiment == r.experiment and s.seed == r.seed
    assert len(s.metrics) > 0 and len(s.table) == len(s.metrics)
    for name, v in s.metrics.items():
        want = leaf(s.nested, name)
        assert want is not KeyError, f"{name} is not a path of the nested summary"
        if v is None or not math.isfinite(v):
            assert want is None, name
        else:
            assert float(want) == v, name
    # --json printed the same metrics (engram.run / the fixtures keep it)
    printed = {m["name"]: engram.parse_number(m["value"]) for m in r.printed["metrics"]}
    assert printed.keys() == s.metrics.keys()
    for k, v in printed.items():
        assert v == s.metrics[k] or (v is not None and math.isnan(v) and math.isnan(s.metrics[k])), k
