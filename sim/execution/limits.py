"""What a run or sweep would cost, estimated before any work starts, and refused when too much.

A run writes `tension.csv` with one row per replication, sample (every `record_every_days`, plus
the end) and series (each state and watched dyad): that table dominates its rows and bytes, and its
samples are held in memory during a replication. Each state decides about every
`decision_interval_days`: that bounds the work. A sweep's runs are its points times replications.
A request past a limit is refused at once with the estimate and the options that reduce it,
rather than running for hours or filling the disk.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.scenario.errors import InputError, InputErrors
from sim.scenario.schema import Scenario

__all__ = [
    "BYTES_PER_ROW", "MAX_DECISIONS", "MAX_ROWS", "MAX_RUNS", "Estimate", "check_run", "check_runs", "check_total",
    "estimate",
    "late_actions",
]

MAX_ROWS = 50_000_000
"""Rows of `tension.csv` a run may write by default (about 1.5 GB); `--max-rows` allows more."""
MAX_DECISIONS = 2_000_000_000
"""State decisions a run may take (hours of a core); fewer replications or a shorter horizon reduce them."""
MAX_RUNS = 200_000
"""Runs (points x replications) a sweep may hold by default; `--max-runs` allows more."""
BYTES_PER_ROW = 30
"""About the bytes of one `tension.csv` row (`rep,t,state,tension`)."""


@dataclass(frozen=True)
class Estimate:
    """The size of a run: replications, samples per replication, series, rows, bytes, decisions."""

    replications: int
    samples: float
    series: int
    decisions: float

    @property
    def rows(self) -> float:
        """Rows of tension.csv."""
        return self.replications * self.samples * self.series

    @property
    def bytes(self) -> float:
        """About the bytes of tension.csv."""
        return self.rows * BYTES_PER_ROW


def estimate(scenario: Scenario, replications: int | None = None, horizon: float | None = None) -> Estimate:
    """The size of running `scenario` (its own replications and horizon unless given)."""
    reps = scenario.replications if replications is None else replications
    days = scenario.horizon_days if horizon is None else horizon
    samples = math.floor(days / scenario.record_every_days) + 2
    series = len(scenario.states) + len(scenario.watch.dyads)
    decisions = reps * len(scenario.states) * days / scenario.parameters.decision.decision_interval_days
    return Estimate(reps, samples, series, decisions)


def _size(n: float) -> str:
    return f"{n:.3g}"


_RUN_ADVICE = ("choose fewer --reps, a shorter --horizon, or a longer record interval "
               "(--set record_every_days=30), or allow it with --max-rows")


def check_run(scenario: Scenario, replications: int | None = None, horizon: float | None = None,
              max_rows: int = MAX_ROWS, advice: str = _RUN_ADVICE, where: str = "command line") -> Estimate:
    """The estimate, or InputErrors (at `where`) saying how large the run would be and how to make it
    smaller (`advice`)."""
    size = estimate(scenario, replications, horizon)
    if size.rows > max_rows:
        raise InputErrors(InputError(
            f"this run would write about {_size(size.rows)} rows of tension.csv (~{_size(size.bytes / 1e9)} GB: "
            f"{size.replications} replications x {_size(size.samples)} samples x {size.series} states and dyads), "
            f"more than the limit of {max_rows}: {advice}", where))
    if size.decisions > MAX_DECISIONS:
        raise InputErrors(InputError(
            f"this run would take about {_size(size.decisions)} state decisions (hours of work), more than "
            f"{MAX_DECISIONS}: choose fewer replications, a shorter horizon or a longer "
            "parameters.decision.decision_interval_days", where))
    return size


def late_actions(scenario: Scenario, horizon: float | None) -> list[str]:
    """The timeline actions a shorter `horizon` than the scenario's would leave out (a warning:
    `--horizon` cuts a run short on purpose, but never silently)."""
    if horizon is None:
        return []
    return [f"timeline[{i}] ({action.do} on day {action.at:g})" for i, action in enumerate(scenario.timeline)
            if action.at > horizon]


def check_runs(points: int, replications: int, max_runs: int = MAX_RUNS, where: InputError | None = None) -> None:
    """Refuse a sweep of more than `max_runs` runs before a point is drawn or checked."""
    check_total(f"this sweep has {points} points x {replications} replications", points * replications, max_runs,
                "fewer values or samples, fewer replications, or allow it with --max-runs", where)


def check_total(breakdown: str, runs: int, limit: int = MAX_RUNS, advice: str = "",
                where: InputError | None = None) -> None:
    """Refuse a study (a sweep, a calibration, a validation) of more than `limit` runs at once,
    saying how its size was counted (`breakdown`) and how to make it smaller (`advice`)."""
    if runs > limit:
        base = where or InputError("", "command line")
        raise InputErrors(InputError(f"{breakdown} = {runs} runs, more than the limit of {limit}: {advice}",
                                     base.file, base.line, base.column, base.path))
