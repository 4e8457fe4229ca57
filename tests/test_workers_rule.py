"""One rule for the number of workers (sim.execution.backends.WORKERS_RULE): 1, the default, runs
in the command's own process; 0 uses every core; N starts N. The same in every command that
simulates and in sim.run and sim.sweep, and said in each `--help` and in the README."""

from __future__ import annotations

import inspect
import textwrap

import pytest

import sim
from sim.cli.main import _available, _parser
from sim.execution import backends, runner
from sim.execution.backends import WORKERS_RULE
from sim.sweeps import api
from tests.test_cli_input import ROOT

PARSER = _parser(_available())
COMMANDS = {name: p for name, p in PARSER._subparsers._group_actions[0].choices.items()  # noqa: SLF001
            if any(a.dest == "workers" for a in p._actions)}  # noqa: SLF001


def test_every_simulating_command_has_workers():
    assert {"run", "sweep", "backtest", "validation", "calibrate", "sensitivity"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_same_help_and_the_same_default(name):
    action = next(a for a in COMMANDS[name]._actions if a.dest == "workers")  # noqa: SLF001
    assert action.help.startswith(WORKERS_RULE)
    assert action.default in (None, 1)


def test_run_and_sweep_resolve_the_default_to_this_process(monkeypatch):
    """Without --workers, `run` and `sweep` open the in-process backend; with --workers 0, every core."""
    from sim.cli.commands import sweep as sweep_cmd

    args = PARSER.parse_args(["sweep", "quad_reliability"])
    assert sweep_cmd._workers(args) == 1
    assert sweep_cmd._workers(PARSER.parse_args(["sweep", "x", "--workers", "0"])) is None
    opened = []
    real = backends.open_backend

    def spy(workers=None, dask=None, client=None):
        opened.append(workers)
        return real(workers, dask, client)

    monkeypatch.setattr(runner, "open_backend", spy)
    with backends.open_backend(None) as every, backends.open_backend(1) as inline:
        assert every.workers == backends.default_workers() and isinstance(inline, backends.InlineBackend)
    sim.run(sim.load_scenario(ROOT / "scenarios" / "taiwan_strait_war.yaml"), replications=2, horizon=5)
    assert opened == [1]


def test_the_api_defaults_are_the_commands():
    for function in (runner.run, runner.run_to_folder, api.sweep):
        assert inspect.signature(function).parameters["workers"].default == 1, function.__name__


def test_the_readme_states_the_rule():
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert "`--workers 1` (`workers=1`, the default) runs in the command's own process, `--workers 0` uses every core" \
        in readme, textwrap.shorten(readme, 80)
