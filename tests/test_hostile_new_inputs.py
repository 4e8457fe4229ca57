"""Every case of the second hostile corpus (tests/hostile/newinputs.py) is refused cleanly.

Each runs in-process through the command line's `main`, in a fresh folder, under a deadline: the
exit status expected (2 for bad input, 1 for the environment), every error line naming where,
the case's `where` (file:line or the option) among them, no exception escaping, no output left
behind, and within 2 seconds of work once the shared bases exist.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import time
from pathlib import Path

import pytest
from hostile.corpus import SCENARIO
from hostile.harness import as_process, deadline, prepare, status, tree
from hostile.newinputs import NEW_CASES

from sim.cli.main import main

SECONDS = 10  # a hang fails here; the budget per case is asserted below
BUDGET = 2.0
_LOCATED = re.compile(r"^error: (?!<input>)\S[^:]*:", re.MULTILINE)


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> Path:
    """A valid run folder and a valid (small) calibration folder; the libraries the commands import
    once a process (statistics, plotting) are imported here, so a case's time is its own."""
    for module in ("sim.history.validation_report", "sim.analysis.sensitivity", "sim.history.peacetime",
                   "sim.history.backtest", "sim.plot.runs", "sim.plot.sweep"):
        importlib.import_module(module)
    base = tmp_path_factory.mktemp("bases")
    (base / "tiny.yaml").write_text(SCENARIO)
    with contextlib.chdir(base):
        assert main(["run", "tiny.yaml", "--out", "run", "--quiet"]) == 0
        assert main(["calibrate", "--param", "parameters.decision.war_cost=1:10", "--wars", "1,4", "--points", "2",
                     "--reps", "1", "--folds", "2", "--out", "calibration", "--quiet"]) == 0
    return base


@pytest.mark.parametrize("case", NEW_CASES, ids=[c.id for c in NEW_CASES])
def test_new_input_is_refused_cleanly(case, bases, tmp_path, capsys):
    prepare(case, tmp_path, bases)
    before = tree(tmp_path)
    start = time.perf_counter()
    with contextlib.chdir(tmp_path), deadline(SECONDS):
        code = status(case.argv)
    took = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert code in case.expect, f"exit {code}, expected {case.expect}:\n{err}"
    if code != 0:
        assert _LOCATED.search(err) or "usage:" in err, f"no location in:\n{err}"
        assert all(line.startswith(("error: ", "usage: ", "  ", "alliance-sim ")) or not line
                   for line in err.splitlines()), err
    assert "<input>:" not in err and "Traceback" not in err, err
    if case.where:
        assert case.where in (err if code else out), f"'{case.where}' not named in:\n{err or out}"
    assert tree(tmp_path) == before, f"left behind: {sorted(tree(tmp_path) - before)}"
    assert took < BUDGET, f"took {took:.2f} s"


def test_the_new_corpus_is_large_and_covers_every_new_input():
    kinds = {c.id.split("-")[0] for c in NEW_CASES}
    assert len(NEW_CASES) >= 150
    assert {"parameters", "ensemble", "calibrate", "rescore", "validation", "sensitivity", "peacetime", "backtest",
            "yearworld", "removal", "scenarios", "plot"} <= kinds
    assert len({c.id for c in NEW_CASES}) == len(NEW_CASES)


SUBSET = ["parameters-duplicate-leaf", "ensemble-text-cell", "calibrate-cutoff-nan", "rescore-meta-binary",
          "sensitivity-figure-suffix", "removal-pact-member"]


@pytest.mark.slow
@pytest.mark.parametrize("name", SUBSET)
def test_no_traceback_reaches_the_terminal(name, bases, tmp_path):
    """A few cases again as a real process: one error line a problem, nothing else on stderr."""
    case = next(c for c in NEW_CASES if c.id == name)
    done = as_process(case, tmp_path, bases)
    assert done.returncode in case.expect and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("error: ") and case.where in done.stderr, done.stderr
