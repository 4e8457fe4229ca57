"""What every figure shares: a run's tables as DataFrames, the colours of A and B, and a figure
made and saved without pyplot's global state (so figures work in notebooks and headless)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import ScalarFormatter

from sim.execution.results import RunTables, read_run
from sim.scenario.errors import InputError, InputErrors

__all__ = ["COLOURS", "DPI", "MAX_INCHES", "Run", "load_run", "as_run", "figure", "figure_target", "plain_ticks", "save"]


COLOURS = ("#1f77b4", "#d62728")  # A blue, B red
DPI = 100


Run = RunTables
"""The tables of one run folder as typed DataFrames (None when absent) and its meta.json."""


def load_run(folder: str | Path, name: str | None = None) -> Run:
    """Read a run folder written by ``alliance-sim run`` (:func:`sim.execution.results.read_run`);
    a sweep's folder is refused by name, so the message says what to give instead."""
    if (Path(folder) / "runs.csv").is_file() or (Path(folder) / "manifest.json").is_file():
        raise InputErrors(InputError("a sweep folder (runs.csv, manifest.json), not a run folder: give the folder "
                                     "of one `alliance-sim run` (summary.csv, events.csv, ...)", str(folder)))
    return read_run(folder, name, allow_empty=False)


SIGNATURES = {"events": "event_id", "tension": "tension", "states": "entered_via", "summary": "max_level"}


def as_run(data: Run | pd.DataFrame | str | Path | None, name: str = "A") -> Run | None:
    """A :class:`Run` from a run folder, a Run, or one table as a DataFrame (told apart by its
    columns: ``event_id`` events, ``tension`` tension, ``entered_via`` states, else summary)."""
    if data is None or isinstance(data, Run):
        return data
    if isinstance(data, pd.DataFrame):
        table = next(t for t, column in SIGNATURES.items() if column in data.columns)
        return Run(name, **{table: data})
    return load_run(data)


MAX_INCHES = (16.0, 12.0)
"""The largest figure drawn (width, height): a sweep with many levels gets denser, not larger."""


def figure(width: float, height: float) -> Figure:
    """A constrained-layout figure of the given size in inches (capped at MAX_INCHES), outside pyplot."""
    return Figure(figsize=(min(width, MAX_INCHES[0]), min(height, MAX_INCHES[1])), dpi=DPI, layout="constrained")


def plain_ticks(fig: Figure) -> None:
    """Absolute values on every numeric axis, never an offset ('1e-5+9.999e-1'); an axis whose
    values span a tiny range says so in its label."""
    for ax in fig.axes:
        for axis, limits in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
            formatter = axis.get_major_formatter()
            if isinstance(formatter, ScalarFormatter):
                formatter.set_useOffset(False)
                formatter.set_scientific(False)
            low, high = limits
            if abs(high - low) < 1e-3 * max(abs(low), abs(high)) and axis.get_label_text():
                axis.set_label_text(f"{axis.get_label_text()}\n(tiny range: {low:.6g} to {high:.6g})")


def figure_target(path: str, option: str = "--figure") -> Path:
    """Where a figure will be written, checked before any work: a format matplotlib writes (by its
    suffix), in a folder that is not a file, and not an existing folder itself (else InputErrors)."""
    file = Path(path)
    formats = set(Figure().canvas.get_supported_filetypes()) - {"pgf", "raw", "rgba"}
    suffix = file.suffix.lower().lstrip(".")
    problem = ""
    if suffix not in formats:
        problem = (f"'{file.suffix or file.name}' is not a figure format; end the name with one of "
                   f"{', '.join('.' + f for f in sorted(formats))} (e.g. reliability.png)")
    elif file.is_dir():
        problem = "is a folder: give the figure's file name (e.g. out/figure.png)"
    elif any(parent.exists() and not parent.is_dir() for parent in file.parents):
        problem = "a parent of this path is a file, not a folder"
    if problem:
        raise InputErrors(InputError(f"{path}: {problem}", option))
    return file


def save(fig: Figure, file: Path) -> Path:
    """Write `fig` as a PNG to `file` (plain tick labels); returns `file`."""
    plain_ticks(fig)
    fig.savefig(file, dpi=DPI)
    return file
