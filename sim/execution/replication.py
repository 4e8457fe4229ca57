"""One replication and what it sends back: its rows (`Replication`) or its CSV text.

Also the worker side of a process pool. A spawned worker imports this module (and the engine
it needs), not the runner: nothing of the input or output layers, so it starts sooner.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field

from sim.engine.simulation import Setup, simulate
from sim.engine.tables import EventRow
from sim.model.ledger import HazardLedger
from sim.scenario.schema import Scenario

__all__ = ["Replication", "RunTask", "run_replication", "replication_text", "run_task", "forget"]


@dataclass
class Replication:
    """The rows one replication contributes to each table.

    Events are kept as plain tuples (`event_tuples`: a run may keep hundreds of thousands, and the
    garbage collector stops tracking plain tuples, not NamedTuples) and read as typed `EventRow`s
    through `events` and `rows("events")`."""

    rep: int
    seed: int
    summary: dict
    event_tuples: list = field(default_factory=list)
    tension: Sequence = field(default_factory=list)  # a TensionRows: made as they are read
    states: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    hazards: HazardLedger | None = None  # the hazards' chances, when the run asked (sim.model.ledger)

    @property
    def events(self) -> list[EventRow]:
        """Rows of events.csv, fields by name (`e.kind`, `e.cause_id`)."""
        return [EventRow._make(row) for row in self.event_tuples]

    def rows(self, table: str) -> Sequence:
        """Rows of `table` ('summary', 'events', 'tension', 'states' or 'sources')."""
        return [tuple(self.summary.values())] if table == "summary" else getattr(self, table)


def run_replication(scenario: Scenario | Setup, rep: int, seed: int, horizon: float | None = None,
                    sources: bool = False, hazards: float | None = None) -> Replication:
    """Run replication `rep` from its `seed` and return its rows (sources.csv's too with `sources`;
    the hazard ledger up to day `hazards` when given)."""
    setup = scenario if isinstance(scenario, Setup) else Setup(scenario)
    rec = simulate(setup, seed, horizon, sources, hazards)
    return Replication(rep, seed, rec.summary(rep, seed), list(rec.event_tuples(rep)),
                       rec.tension_rows(rep), list(rec.state_rows(rep)), list(rec.source_rows(rep)), rec.hazards)


@dataclass
class _Text:
    """A replication's rows as CSV text per table (what a worker sends back for a run written to disk:
    one string pickles and writes far faster than thousands of tuples)."""

    rep: int
    text: dict


def replication_text(setup: Setup, rep: int, seed: int, horizon: float | None = None, sources: bool = False) -> _Text:
    """Run replication `rep` and render its tables as CSV text (no rows in between)."""
    return _Text(rep, simulate(setup, seed, horizon, sources).text(rep, seed))


@dataclass(frozen=True)
class RunTask:
    """A chunk of a run for a backend: replications `reps` ((rep, seed) pairs) of a scenario.

    `key` names the run, so that a worker builds the scenario's `Setup` once for all the chunks
    of a run it receives, not once per chunk; the scenario travels pickled once by the caller
    (`scenario_pickle`), so a chunk costs a copy of bytes, not a pickling of the whole world."""

    key: str
    scenario_pickle: bytes
    horizon: float | None
    as_text: bool
    reps: tuple[tuple[int, int], ...]
    sources: bool = False  # also split tension by source (sources.csv)
    hazards: float | None = None  # also keep the hazard ledger up to this day (sim.model.ledger)


_SETUP: dict[str, Setup] = {}  # this worker's Setup of the run it serves, by the run's key


def run_task(task: RunTask) -> list:
    """Run a chunk's replications in order: their rows (`Replication`) or, with `as_text`, their text."""
    setup = _SETUP.get(task.key)
    if setup is None:
        _SETUP.clear()
        setup = _SETUP[task.key] = Setup(pickle.loads(task.scenario_pickle))
    if task.as_text:
        return [replication_text(setup, rep, seed, task.horizon, task.sources) for rep, seed in task.reps]
    return [run_replication(setup, rep, seed, task.horizon, task.sources, task.hazards) for rep, seed in task.reps]


def forget(key: str) -> None:
    """Drop the Setup of run `key` from this process (its arrays can be large)."""
    _SETUP.pop(key, None)
