"""The metrics of a replication: one registry of summary.csv's columns, each with its kind, label and computation.

Everything about a metric is declared here once (a registry of reporters, as Mesa's `DataCollector`
declares its model reporters): its column name, its kind (which picks the statistical test of
:mod:`sim.analysis.stats`: ``continuous``, ``binary`` or ``time`` to an event), its reader's label, its
meaning (the docs table) and how it is computed from a replication's records. summary.csv's
header, the recorder's row, `compare`'s choice of test, the labels and the table in docs/model.md
all derive from :data:`METRICS`, :data:`DYAD_METRICS` and :data:`STATE_METRICS`. Adding a metric is
one entry here plus its test.

A computation reads only what the recorder observed (its events and samples), never model state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from sim.model import ladder

__all__ = ["Metric", "Watched", "METRICS", "DYAD_METRICS", "STATE_METRICS", "SUMMARY_METRICS", "metric",
           "watched", "markdown_table"]

Kind = Literal["continuous", "binary", "time"]
DIRECT = frozenset({"attack", "decision", "self_defence", "scenario"})  # ways into a war not through a pact


@dataclass(frozen=True)
class Metric:
    """One column of summary.csv: `compute(records, tensions)` gives its value for a replication
    (`tensions`: the samples as a (sample, state) array)."""

    name: str
    kind: Kind
    label: str
    meaning: str
    compute: Callable[[Any, np.ndarray], Any]


@dataclass(frozen=True)
class Watched:
    """A column per watched dyad (`prefix` + ``A_B``) or state (`prefix` + ``X``): `compute(records,
    tensions, *indices)`; `label` is formatted with ``{0}`` = ``A-B`` (or ``X``) and ``{1}`` = ``A->B``."""

    prefix: str
    kind: Kind
    label: str
    meaning: str
    compute: Callable[..., Any]


def _count(kind: str) -> Callable[[Any, np.ndarray], int]:
    return lambda rec, tensions: rec.count(kind)


def _honoured(rec, tensions) -> int:
    """Invocations that at least one member honoured: the distinct causes of `honour` events."""
    return len(rec.causes(ladder.Kind.HONOUR))


def _drawn_in(rec, tensions) -> int:
    return sum(1 for v in rec.via if v and v not in DIRECT)


METRICS: tuple[Metric, ...] = (
    Metric("max_level", "continuous", "highest ladder level", "highest posture reached by any state",
           lambda rec, tensions: int(rec.max_level.max(initial=0))),
    Metric("t_first_clash", "time", "days to first armed clash",
           "day of the first armed attack; empty if none (standing wars set by `posture` do not count)",
           lambda rec, tensions: rec.first_clash),
    Metric("n_belligerents", "continuous", "states at war", "states party to an armed clash or standing war",
           lambda rec, tensions: sum(t is not None for t in rec.t_entry)),
    Metric("n_drawn_in", "continuous", "states drawn in by pacts",
           "belligerents who entered through a pact or by the fitted joining decision (`join`)",
           _drawn_in),
    Metric("invocations", "continuous", "pact invocations", "`invocation` events (defence, offence and consultation)",
           _count(ladder.Kind.INVOCATION)),
    Metric("invocations_honoured", "continuous", "invocations honoured",
           "defence/offence invocations honoured by at least one member", _honoured),
    Metric("abandonments", "continuous", "abandonments", "`abandon` events: members who did not honour",
           _count(ladder.Kind.ABANDON)),
    Metric("nuclear_use", "binary", "nuclear use", "1 if any state reached level 7",
           lambda rec, tensions: int(rec.max_level.max(initial=0) >= ladder.NUCLEAR)),
    Metric("cascade_depth", "continuous", "cascade depth", "the largest number of war-entry steps along one cause chain",
           lambda rec, tensions: max(rec.depth)),
    Metric("mean_tension", "continuous", "mean tension", "tension over samples and states",
           lambda rec, tensions: float(tensions.mean())),
    Metric("peak_tension", "continuous", "peak tension", "highest state tension at any sample",
           lambda rec, tensions: float(tensions.max())),
    Metric("end_tension", "continuous", "tension at the end", "mean state tension at the horizon",
           lambda rec, tensions: float(tensions[-1].mean())),
    Metric("n_events", "continuous", "events", "rows of events.csv", lambda rec, tensions: len(rec)),
)

DYAD_METRICS: tuple[Watched, ...] = (
    Watched("war_", "binary", "war {0}", "1 if A and B fought",
            lambda rec, tensions, k, a, b: int(frozenset((a, b)) in rec.t_war)),
    Watched("clash_", "binary", "armed clash {1}", "1 if A struck B first",
            lambda rec, tensions, k, a, b: int(rec.struck_first.get(frozenset((a, b))) == a)),
    Watched("t_war_", "time", "days to war {0}", "day A and B first fought; empty if never",
            lambda rec, tensions, k, a, b: rec.t_war.get(frozenset((a, b)))),
    Watched("max_level_", "continuous", "highest level {0}", "highest posture between A and B",
            lambda rec, tensions, k, a, b: rec.dyad_max[k]),
    Watched("t_end_", "time", "days to the end of war {0}",
            "day the first war of A and B ended (settlement, capitulation, ceasefire or left by both); "
            "empty if never or still on at the horizon",
            lambda rec, tensions, k, a, b: rec.t_end.get(frozenset((a, b)))),
)

STATE_METRICS: tuple[Watched, ...] = (
    Watched("tension_mean_", "continuous", "mean tension of {0}", "X's tension over the samples",
            lambda rec, tensions, i: float(tensions[:, i].mean())),
    Watched("tension_end_", "continuous", "end tension of {0}", "X's tension at the horizon",
            lambda rec, tensions, i: float(tensions[-1, i])),
    Watched("max_level_", "continuous", "highest level {0}", "X's highest posture",
            lambda rec, tensions, i: int(rec.max_level[i])),
    Watched("t_entry_", "time", "days to {0} entering a war", "day X entered a war; empty if never",
            lambda rec, tensions, i: rec.t_entry[i]),
)

SUMMARY_METRICS: tuple[str, ...] = tuple(m.name for m in METRICS)
_BY_NAME = {m.name: m for m in METRICS}


def metric(name: str) -> Metric | None:
    """The metric whose column is `name`, or None."""
    return _BY_NAME.get(name)


def watched(name: str) -> Watched | None:
    """The watched-column template `name` starts with (the longest prefix), or None."""
    found = [w for w in DYAD_METRICS + STATE_METRICS if name.startswith(w.prefix)]
    return max(found, key=lambda w: len(w.prefix), default=None)


def markdown_table() -> str:
    """The table of summary.csv's columns in docs/model.md (a test holds the docs to it)."""
    lines = ["| column | kind | label | meaning |", "| --- | --- | --- | --- |"]
    lines += [f"| `{m.name}` | {m.kind} | {m.label} | {m.meaning} |" for m in METRICS]
    lines += [f"| `{w.prefix}A_B` | {w.kind} | {w.label.format('A-B', 'A->B')} | {w.meaning} |" for w in DYAD_METRICS]
    lines += [f"| `{w.prefix}X` | {w.kind} | {w.label.format('X', 'X')} | {w.meaning} |" for w in STATE_METRICS]
    return "\n".join(lines) + "\n"
