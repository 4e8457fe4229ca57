"""The kind of a YAML file by its keys: a scenario, a sweep (names a `scenario`) or a history (names
a `scenario` and an `end` date). `validate`, `run` and `scenarios` use it to treat each by its own schema."""

from __future__ import annotations

from pathlib import Path

__all__ = ["KINDS", "file_kind", "kind_of", "locate"]

KINDS = {"scenario": "run", "sweep": "sweep", "history": "backtest"}
"""Each kind of file and the command that runs it."""


def kind_of(data: object) -> str:
    """'scenario', 'sweep' or 'history' for a file's top-level mapping."""
    if not isinstance(data, dict) or "scenario" not in data:
        return "scenario"
    return "history" if "end" in data else "sweep"


def file_kind(path: str | Path) -> str:
    """The kind of the file at `path`; a file that cannot be read is a 'scenario' (whose loader
    then reports the problem with its line)."""
    from sim.scenario.errors import InputErrors
    from sim.scenario.yamlsource import read_yaml

    try:  # the project's reader: its limits (size, aliases, dates as text) hold here too
        return kind_of(read_yaml(Path(locate(str(path)))).data)
    except InputErrors:
        return "scenario"


def locate(file: str) -> str:
    """`file` itself when it exists, else the shipped file of that name (`baseline_2022`,
    `sweeps/quad_reliability`), else `file` (whose loader reports it missing)."""
    from sim.scenario.shipped import shipped_scenario

    if Path(file).exists():
        return file
    shipped = shipped_scenario(file)
    return str(shipped) if shipped is not None else file
