"""Every case of the hostile corpus (tests/hostile/corpus.py) ends with a clean error.

Each runs in-process through the command line's `main`: exit status 2 (bad input) or 1 (the
environment), every error line naming where (file, option or `command line`), no exception
escaping (a traceback), and within a few seconds (a hang is a failure). A representative subset
runs again as a real subprocess, checking that no traceback reaches the terminal.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from hostile.corpus import CASES, SCENARIO, SWEEP
from hostile.harness import as_process, deadline, prepare, status

from sim.cli.main import main

SECONDS = 10  # per case; each takes well under one
_LOCATED = re.compile(r"^error: (?!<input>)\S[^:]*:", re.MULTILINE)


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> Path:
    """A valid run folder and a valid sweep folder of the corpus's tiny scenario."""
    base = tmp_path_factory.mktemp("bases")
    (base / "tiny.yaml").write_text(SCENARIO)
    (base / "w.yaml").write_text(SWEEP)
    with contextlib.chdir(base):
        assert main(["run", "tiny.yaml", "--out", "run", "--quiet"]) == 0
        assert main(["sweep", "w.yaml", "--out", "sweep", "--workers", "1", "--quiet"]) == 0
    return base


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_gets_a_clean_error(case, bases, tmp_path, capsys):
    prepare(case, tmp_path, bases)
    with contextlib.chdir(tmp_path), deadline(SECONDS):
        code = status(case.argv)
    err = capsys.readouterr().err
    assert code in case.expect, f"exit {code}, expected {case.expect}:\n{err}"
    assert code == 0 or _LOCATED.search(err) or "usage:" in err, f"no location in:\n{err}"
    assert "<input>:" not in err, err


SUBSET = ["scenario-alias-bomb", "scenario-control-00-0", "option-out-dot", "option-horizon-inf",
          "world-latin1", "compare-summary-binary", "plot-run-summary-header-only", "resume-manifest-truncated",
          "history-date-impossible", "option-out-not-result", "validation-wars-held-out-1914",
          "peacetime-set-inf-v2", "world-out-not-result"]


@pytest.mark.parametrize("name", SUBSET)
def test_no_traceback_reaches_the_terminal(name, bases, tmp_path):
    case = next(c for c in CASES if c.id == name)
    done = as_process(case, tmp_path, bases)
    assert done.returncode in case.expect and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("error: ") or "usage:" in done.stderr, done.stderr


def test_the_corpus_is_large_and_covers_every_reader():
    kinds = {c.id.split("-")[0] for c in CASES}
    assert len(CASES) >= 300
    assert {"scenario", "sweep", "resume", "history", "world", "compare", "plot", "option", "validation",
            "peacetime"} <= kinds
    assert len({c.id for c in CASES}) == len(CASES)
