"""A sweep's unit of work: a chunk of replications of one point, and the worker function that runs it.

A chunk is run by the top-level (picklable, spawn-safe) :func:`run_chunk`, which returns finished
rows as canonical CSV text and failures with their tracebacks. Chunks run on the backends shared
with `run()` (:mod:`sim.execution.backends`: this process, local worker processes or a Dask
cluster), which yield results as they finish, in whatever order; the sweep sorts them on disk, so
every backend gives the same bytes.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

from sim.engine.simulation import Setup
from sim.engine.tables import format_row
from sim.execution.backends import DaskBackend, InlineBackend, ProcessBackend, default_workers, open_backend
from sim.execution.runner import run_replication
from sim.scenario.schema import Scenario

__all__ = [
    "ChunkTask", "ChunkResult", "run_chunk", "InlineBackend", "ProcessBackend", "DaskBackend",
    "open_backend", "default_workers",
]


@dataclass(frozen=True)
class ChunkTask:
    """Replications `reps` ((rep, seed) pairs) of one point: its index, parameter values, scenario."""

    point: int
    values: tuple[Any, ...]
    scenario: Scenario
    reps: tuple[tuple[int, int], ...]


@dataclass
class ChunkResult:
    """What a chunk produced: metric names, one CSV line (with newline) per run, failure records."""

    point: int
    metrics: tuple[str, ...] = ()
    lines: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run a chunk's replications; a run that raises becomes a failure record, the others go on."""
    result = ChunkResult(task.point)
    try:
        setup = Setup(task.scenario)
    except Exception as exc:  # the point's world cannot be built: each of its runs failed
        result.failures = [_failure(task, rep, seed, exc) for rep, seed in task.reps]
        return result
    for rep, seed in task.reps:
        try:
            summary = run_replication(setup, rep, seed).summary
        except Exception as exc:  # recorded with its traceback in failures.csv
            result.failures.append(_failure(task, rep, seed, exc))
            continue
        metrics = {k: v for k, v in summary.items() if k not in ("rep", "seed")}
        result.metrics = tuple(metrics)
        result.lines.append(format_row([task.point, rep, seed, *task.values, *metrics.values()]))
    return result


def _failure(task: ChunkTask, rep: int, seed: int, exc: BaseException) -> dict[str, Any]:
    """The failures.csv record of a run that raised."""
    return {
        "point": task.point, "rep": rep, "seed": seed, "values": list(task.values),
        "error": f"{type(exc).__name__}: {exc}", "traceback": "".join(traceback.format_exception(exc)),
    }
