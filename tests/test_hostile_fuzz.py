"""Hypothesis fuzzing of every reader: arbitrary text and bytes, and structured documents of the
right shape with hostile values. The only exception a reader may raise is the project's own
:class:`InputErrors`; each example has a deadline, so a reader that hangs fails.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
from hostile.corpus import HISTORY, SCENARIO, SWEEP, WORLD
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis.compare import read_table as read_compare_table
from sim.history.cases import read_history
from sim.plot.tables import read_table as read_plot_table
from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario
from sim.scenario.worlddata import load_world
from sim.scenario.yamlsource import parse_override, parse_yaml
from sim.sweeps.plan import load_sweep
from sim.sweeps.store import read_manifest, recover_journal

FUZZ = settings(max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow])
FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-"))
(FOLDER / "tiny.yaml").write_text(SCENARIO)

# values a hostile document puts where numbers, strings, lists and mappings belong
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)),
    st.sampled_from(["2022-13-45", "1e400", "-0", "\x00", "../../etc/passwd", "AAA", "BBB", "PACT", "defence"]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)


def _only_input_errors(call) -> None:
    try:
        call()
    except InputErrors as exc:
        assert exc.errors and all(str(e) for e in exc.errors)


def _write(name: str, content: str | bytes) -> Path:
    path = FOLDER / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


def _mutated(base: str):
    """The base text with a random slice replaced by random text (truncation, insertion, garbage)."""
    return st.tuples(st.integers(0, len(base)), st.integers(0, 40), st.text(max_size=30)).map(
        lambda t: base[: t[0]] + t[2] + base[t[0] + t[1]:])


@FUZZ
@given(st.text(max_size=400))
def test_yaml_text(text):
    _only_input_errors(lambda: parse_yaml(text, "fuzz.yaml"))


@FUZZ
@given(_mutated(SCENARIO))
def test_scenario_text(text):
    path = _write("s.yaml", text)
    _only_input_errors(lambda: load_scenario(path))


@FUZZ
@given(st.sampled_from(["horizon_days", "replications", "seed", "record_every_days", "states", "alliances",
                        "relations", "timeline", "watch", "parameters", "world", "extends", "name"]), VALUES)
def test_scenario_structured(key, value):
    data = {"name": "fuzz", "world": "empty", "states": {"AAA": {"lat": 0, "lon": 0, "power": 1},
                                                         "BBB": {"lat": 1, "lon": 1, "power": 2}}}
    data[key] = value
    _only_input_errors(lambda: load_scenario(data))


PARAMETER_PATHS = ["parameters.perception.misperception", "parameters.decision.temperature", "horizon_days",
                   "states.AAA.power", "timeline[0].at", "alliances.PACT.reliability", "watch.dyads",
                   "parameters.alliances.consultation_levels", "record_every_days", "seed"]


@FUZZ
@given(st.sampled_from(PARAMETER_PATHS), VALUES)
def test_overrides_structured(path, value):
    _only_input_errors(lambda: load_scenario(FOLDER / "tiny.yaml", overrides={path: value}))


@FUZZ
@given(st.text(max_size=80))
def test_override_text(text):
    _only_input_errors(lambda: load_scenario(FOLDER / "tiny.yaml", overrides=[text]))
    _only_input_errors(lambda: parse_override(text))


@FUZZ
@given(_mutated(SWEEP))
def test_sweep_text(text):
    path = _write("w.yaml", text)
    _only_input_errors(lambda: load_sweep(path))


@FUZZ
@given(st.sampled_from(["design", "samples", "replications", "seed", "set", "parameters", "scenario"]), VALUES)
def test_sweep_structured(key, value):
    import yaml

    data = yaml.safe_load(SWEEP)
    data[key] = value
    path = _write("w.yaml", yaml.safe_dump(data, allow_unicode=True) if _dumpable(data) else "x: [")
    _only_input_errors(lambda: load_sweep(path))


def _dumpable(data) -> bool:
    import yaml

    try:
        yaml.safe_dump(data)
        return True
    except yaml.YAMLError:
        return False


@FUZZ
@given(_mutated(HISTORY))
def test_history_text(text):
    path = _write("h.yaml", text)
    _only_input_errors(lambda: read_history(path))


@FUZZ
@given(st.one_of(_mutated(WORLD), st.binary(max_size=300)))
def test_world_csv(content):
    _write("w.csv", content)
    _only_input_errors(lambda: load_world("w.csv", FOLDER))


SUMMARY = "rep,seed,max_level,t_first_clash,n_belligerents\n0,11,5,3.5,2\n1,12,6,,3\n"


@FUZZ
@given(st.one_of(_mutated(SUMMARY), st.binary(max_size=300)))
def test_result_tables(content):
    folder = FOLDER / "res"
    folder.mkdir(exist_ok=True)
    path = folder / "summary.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))

    def compare_read():
        table = read_compare_table(path)
        for name in table.metrics():
            assert np.isfinite(np.nan_to_num(table.numeric(name), nan=0.0)).all()

    _only_input_errors(compare_read)
    _only_input_errors(lambda: read_plot_table(path, "summary"))


@FUZZ
@given(st.binary(max_size=300), st.integers(1, 4), st.integers(1, 4))
def test_sweep_journal_and_manifest(content, points, reps):
    folder = FOLDER / "sw"
    folder.mkdir(exist_ok=True)
    (folder / "runs.partial.csv").write_bytes(b"point,rep,seed,x\n" + content)
    (folder / "manifest.json").write_bytes(content)
    _only_input_errors(lambda: recover_journal(folder / "runs.partial.csv", (points, reps)))
    _only_input_errors(lambda: read_manifest(folder))


@FUZZ
@given(st.sampled_from(["day0", "end", "states", "invocations", "first_attack", "scenario", "name"]), VALUES)
def test_history_structured(key, value):
    import yaml

    data = yaml.safe_load(HISTORY)
    data[key] = value
    path = _write("h.yaml", yaml.safe_dump(data, allow_unicode=True) if _dumpable(data) else "x: [")
    _only_input_errors(lambda: read_history(path))


CELL = st.one_of(st.sampled_from(["", "inf", "-inf", "nan", "1e308", "-1", "0", "true", "AAA", '"', "a,b", "91"]),
                 st.floats(allow_nan=True, allow_infinity=True).map(repr), st.text(max_size=6))


@FUZZ
@given(st.lists(st.lists(CELL, min_size=1, max_size=9), min_size=1, max_size=5))
def test_world_csv_structured(rows):
    import csv
    import io

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["id", "name", "lat", "lon", "power", "nuclear", "regions"])
    writer.writerows(rows)
    _write("w.csv", text.getvalue())
    _only_input_errors(lambda: load_world("w.csv", FOLDER))
