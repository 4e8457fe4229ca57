"""One replication and what it sends back: its rows (`Replication`) or its CSV text.

Also the worker side of a process pool. A spawned worker imports this module (and the engine
it needs), not the runner: nothing of the input or output layers, so it starts sooner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine.simulation import Setup, simulate
from sim.execution.guard import watch_parent
from sim.scenario.schema import Scenario

__all__ = ["Replication", "run_replication"]


@dataclass
class Replication:
    """The rows one replication contributes to each table."""

    rep: int
    seed: int
    summary: dict
    events: list = field(default_factory=list)
    tension: list = field(default_factory=list)
    states: list = field(default_factory=list)

    def rows(self, table: str) -> list:
        """Rows of `table` ('summary', 'events', 'tension' or 'states')."""
        return [tuple(self.summary.values())] if table == "summary" else getattr(self, table)


def run_replication(scenario: Scenario | Setup, rep: int, seed: int, horizon: float | None = None) -> Replication:
    """Run replication `rep` from its `seed` and return its rows."""
    setup = scenario if isinstance(scenario, Setup) else Setup(scenario)
    rec = simulate(setup, seed, horizon)
    return Replication(rep, seed, rec.summary(rep, seed), list(rec.event_rows(rep)),
                       list(rec.tension_rows(rep)), list(rec.state_rows(rep)))


@dataclass
class _Text:
    """A replication's rows as CSV text per table (what a worker sends back for a run written to disk:
    one string pickles and writes far faster than thousands of tuples)."""

    rep: int
    text: dict


def replication_text(setup: Setup, rep: int, seed: int, horizon: float | None = None) -> _Text:
    """Run replication `rep` and render its tables as CSV text (no rows in between)."""
    return _Text(rep, simulate(setup, seed, horizon).text(rep, seed))


_WORKER: dict = {}


def init_worker(scenario: Scenario, horizon: float | None, as_text: bool,
                main: tuple[int, str] | None = None) -> None:
    """Set up a pool worker: build the scenario's setup once; exit if the parent (`main`) dies."""
    watch_parent(main)
    _WORKER["setup"], _WORKER["horizon"], _WORKER["as_text"] = Setup(scenario), horizon, as_text


def run_chunk(chunk: list[tuple[int, int]]) -> list:
    run_one = replication_text if _WORKER["as_text"] else run_replication
    return [run_one(_WORKER["setup"], rep, seed, _WORKER["horizon"]) for rep, seed in chunk]


