"""``sources.csv`` summed as a reader needs it: each state's tension split by source (the state, or
the bloc counted as one) and by component, per sampled day, over every replication; only the sums
of the states asked for are kept (``rep, t, state, source, component, value``)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["SOURCE_COLUMNS", "Sources", "summarise"]

SOURCE_COLUMNS = ("rep", "t", "state", "source", "component", "value")


@dataclass
class Sources:
    """``sources.csv`` summed as the page needs it: per (state, t, source), per (state, component)."""

    by_source: pd.Series
    by_component: pd.Series
    replications: int
    days: int


def summarise(frame: pd.DataFrame, states: list[str] | None = None) -> Sources:
    """The sums of a sources table (typed, as :func:`sim.execution.results.read_run` reads it) for
    ``states`` (all when None): per (state, t, source) and per (state, component)."""
    reps, days = int(frame["rep"].nunique()), int(frame["t"].nunique())
    if states is not None:
        frame = frame[frame["state"].isin(states)]
    return Sources(frame.groupby(["state", "t", "source"])["value"].sum(),
                   frame.groupby(["state", "component"])["value"].sum(), max(reps, 1), max(days, 1))
