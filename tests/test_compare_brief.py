"""`compare --brief`: only what changed, and a count of the rest; a sweep folder compared as one
result set is refused (it would pool every point)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.analysis.compare import brief, changed, compare
from sim.cli.main import main
from sim.scenario.errors import InputErrors
from tests.test_compare import write_run, write_sweep


@pytest.fixture
def two_runs(tmp_path):
    rng = np.random.default_rng(5)
    n = 60
    shared = rng.normal(0.3, 0.05, n)
    a = {"mean_tension": shared.round(5).tolist(), "peak_tension": rng.normal(0.5, 0.05, n).round(5).tolist(),
         "nuclear_use": [0] * n, "n_events": [10] * n}
    b = {**a, "mean_tension": (shared + 0.05).round(5).tolist(),  # moved: significant
         "peak_tension": rng.normal(0.5, 0.05, n).round(5).tolist()}  # the same distribution
    return write_run(tmp_path / "a", a), write_run(tmp_path / "b", b)


def test_brief_keeps_what_changed_and_counts_the_rest(two_runs):
    full = compare(*two_runs)
    short = brief(full)
    assert {r.metric for r in short.rows} == {"mean_tension"}
    assert [r.metric for r in full.rows if changed(r, full.alpha)] == ["mean_tension"]
    assert any("1 of 4 comparisons shown; 3 others" in n and "2 of them with nothing to test" in n for n in short.notes)


def test_brief_on_the_command_line_is_short_in_every_format(two_runs, capsys):
    a, b = map(str, two_runs)
    assert main(["compare", a, b]) == 0
    long = capsys.readouterr().out
    assert main(["compare", a, b, "--brief"]) == 0
    short = capsys.readouterr().out
    assert len(short.splitlines()) < len(long.splitlines()) and "mean tension" in short
    assert "nothing to test" not in short.split("--brief:")[1].split("\n", 1)[1]
    assert main(["compare", a, b, "--brief", "--format", "json"]) == 0
    assert [r["metric"] for r in json.loads(capsys.readouterr().out)["rows"]] == ["mean_tension"]


def test_a_run_against_a_sweep_is_refused_without_by(tmp_path, capsys):
    run = write_run(tmp_path / "run", {"max_level": [3, 4, 5, 3], "mean_tension": [0.1, 0.2, 0.3, 0.2]})
    sweep = write_sweep(tmp_path / "sweep")
    with pytest.raises(InputErrors, match=r"B is a sweep \(3 points\).*pool every point.*--by PARAM --ref VALUE"):
        compare(run, sweep)
    assert main(["compare", str(sweep), str(run)]) == 2
    assert "A is a sweep" in capsys.readouterr().err
    assert main(["compare", str(sweep), "--by", "alliances.QUAD.reliability", "--ref", "0.5"]) == 0
