"""The CSV contract: table names, column headers and the canonical text of a value.

Fixed headers, rows sorted by replication then time, `\\n` line endings and one text for each
value make two runs comparable byte for byte.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.engine.metrics import DYAD_METRICS, STATE_METRICS, SUMMARY_METRICS

__all__ = ["TABLES", "OPTIONAL", "SUMMARY_METRICS",
           "EventRow", "summary_columns", "headers", "format_value", "format_float", "format_row"]

TABLES = ("summary", "events", "tension", "states")
OPTIONAL = ("sources",)
"""Tables written only when asked for (`--tables ...,sources`; `run(..., sources=True)`): splitting
tension by source costs time at every sample (docs/performance.md)."""


class EventRow(NamedTuple):
    """A row of events.csv: the event `event_id` of replication `rep`, caused by `cause_id` (or by
    nothing), with the states named by id."""

    rep: int
    t: float
    event_id: int
    cause_id: int | None
    kind: str
    actor: str | None
    target: str | None
    level: int | None
    pact: str | None
    detail: str


EVENTS: tuple[str, ...] = EventRow._fields
TENSION = ("rep", "t", "state", "tension")
STATES = ("rep", "state", "max_level", "t_entry", "entered_via")
SOURCES = ("rep", "t", "state", "source", "component", "value")


def summary_columns(watch) -> list[str]:
    """summary.csv's header: rep, seed, the metrics, then the watched metrics of each dyad and state
    (all from :mod:`sim.engine.metrics`)."""
    columns = ["rep", "seed", *SUMMARY_METRICS]
    for a, b in watch.dyads:
        columns += [f"{w.prefix}{a}_{b}" for w in DYAD_METRICS]
    for s in watch.states:
        columns += [f"{w.prefix}{s}" for w in STATE_METRICS]
    return columns


def headers(watch) -> dict[str, list[str]]:
    """The header of every table of a run."""
    return {"summary": summary_columns(watch), "events": list(EVENTS),
            "tension": list(TENSION), "states": list(STATES), "sources": list(SOURCES)}


def format_value(value) -> str:
    """Canonical text: '' for None, 0/1 for booleans, integers as is, floats to 6 significant digits."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format_float(value)
    text = str(value)
    if any(c in text for c in _SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


_SPECIAL = ',"\r\n'
"""Characters that make a text cell quoted, as the csv module's QUOTE_MINIMAL does (a bare `\r`
ends a line for pandas and for csv readers)."""


def format_float(value: float) -> str:
    """A float's canonical text: 6 significant digits, and no negative zero."""
    text = f"{value:.6g}"
    return "0" if text == "-0" else text


def format_row(values) -> str:
    """One CSV line (with its newline)."""
    return ",".join([format_value(v) for v in values]) + "\n"
