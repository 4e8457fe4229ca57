"""The command line run in-process: `sim.cli.main.main(argv)` with its output captured.

Starting a Python process costs about a second (imports of numpy, scipy, pandas, pydantic), so tests
of what a command prints or refuses call its entry function; a few real subprocess smoke tests
(tests/test_cli_run.py, tests/test_hostile_corpus.py, tests/test_faults.py, tests/test_entry.py)
check what only a process shows: no traceback reaching the terminal, signals, the console script.
An exception escaping `main` is not caught here: it fails the test (a traceback the user would see).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from pathlib import Path
from unittest import mock

from sim.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def cli(*args, cwd: Path | str = ROOT) -> subprocess.CompletedProcess:
    """Run `alliance-sim ARGS...` in `cwd`; returns the exit status, standard output and error."""
    argv = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with (contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err),
          mock.patch.dict(os.environ, {"COLUMNS": "200"})):  # tables as wide as a terminal would show
        try:
            status = main(argv)
        except SystemExit as exc:  # argparse: --help, --version, a malformed option
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return subprocess.CompletedProcess(["alliance-sim", *argv], status, out.getvalue(), err.getvalue())
