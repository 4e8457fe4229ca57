"""``sources.csv`` summed as a reader needs it: each state's tension split by source (the state, or
the bloc counted as one) and by component, per sampled day, over every replication.

A table of every watched state, source and component of a long run has tens of millions of rows
(``rep, t, state, source, component, value``): it is read in chunks, checked as it goes (its
columns; numbers where numbers belong, reported at their line), and only the sums are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.errors import InputError, InputErrors

__all__ = ["SOURCE_COLUMNS", "Sources", "read_sources"]

SOURCE_COLUMNS = ("rep", "t", "state", "source", "component", "value")


@dataclass
class Sources:
    """``sources.csv`` summed as the page needs it: per (state, t, source), per (state, component)."""

    by_source: pd.Series
    by_component: pd.Series
    replications: int
    days: int


def read_sources(file: Path, states: list[str] | None = None, chunk: int = 1_000_000) -> Sources:
    """``sources.csv`` (``rep, t, state, source, component, value``) read in chunks and summed for
    ``states`` (all when None), checked as it goes: its columns, and numbers where numbers belong
    (InputErrors at the first bad line). A table of every state, source and component of a long
    run has tens of millions of rows: nothing but the sums is kept."""
    by_source, by_component, reps, days = [], [], set(), set()
    try:
        reader = pd.read_csv(file, dtype={"state": str, "source": str, "component": str}, chunksize=chunk)
        for k, frame in enumerate(reader):
            missing = [c for c in SOURCE_COLUMNS if c not in frame.columns]
            if missing:
                raise InputErrors(InputError(f"not a sources table of this program: no column {', '.join(missing)}",
                                             str(file), 1))
            for column in ("rep", "t", "value"):
                values = pd.to_numeric(frame[column], errors="coerce")
                bad = values.isna() | ~np.isfinite(values.fillna(0))
                if bad.any():
                    row = int(np.flatnonzero(bad.to_numpy())[0])
                    raise InputErrors(InputError(f"column '{column}' holds {frame[column].iloc[row]!r} where a number "
                                                 "belongs (an edited or cut table?)", str(file), k * chunk + row + 2))
                frame[column] = values
            reps.update(frame["rep"].unique())
            days.update(frame["t"].unique())
            if states is not None:
                frame = frame[frame["state"].isin(states)]
            by_source.append(frame.groupby(["state", "t", "source"])["value"].sum())
            by_component.append(frame.groupby(["state", "component"])["value"].sum())
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputErrors(InputError(f"not a sources table of this program: {str(exc).strip()}", str(file))) from None
    if not reps:
        raise InputErrors(InputError("a header but no rows", str(file), 2))
    total = lambda parts, keys: pd.concat(parts).groupby(level=keys).sum()  # noqa: E731
    return Sources(total(by_source, [0, 1, 2]), total(by_component, [0, 1]), len(reps), len(days))
