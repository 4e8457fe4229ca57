"""The CSV contract: table names, column headers and the canonical text of a value.

Fixed headers, rows sorted by replication then time, `\\n` line endings and one text for each
value make two runs comparable byte for byte.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.engine.metrics import DYAD_METRICS, METRICS, STATE_METRICS, SUMMARY_METRICS

__all__ = ["TABLES", "OPTIONAL", "SUMMARY_METRICS", "EventRow", "summary_columns", "headers", "format_value",
           "format_float", "format_row", "DTYPES", "dtypes"]

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


# --- the types of the columns, for readers (sim.execution.results) ---------------------------

DTYPES: dict[str, dict[str, str]] = {
    "events": {"rep": "int64", "t": "float64", "event_id": "int64", "cause_id": "float64", "kind": "str",
               "actor": "str", "target": "str", "level": "float64", "pact": "str", "detail": "str"},
    "tension": {"rep": "int64", "t": "float64", "state": "str", "tension": "float64"},
    "states": {"rep": "int64", "state": "str", "max_level": "int64", "t_entry": "float64", "entered_via": "str"},
    "sources": {"rep": "int64", "t": "float64", "state": "str", "source": "str", "component": "str", "value": "float64"},
}
"""The pandas dtype of each column of the fixed tables. `str` is text (an empty cell is missing,
never the number NaN in a float column); a number column that may be empty (`cause_id`, `level`,
a time that never came) is `float64` with NaN there; the others are `int64`."""

_KIND_DTYPE = {"binary": "int64", "continuous": "float64", "time": "float64"}


def dtypes(table: str, columns) -> dict[str, str]:
    """The dtype of each of `columns` of `table` that the contract knows (summary.csv's from each
    metric's kind in :mod:`sim.engine.metrics`: binary `int64`, counts and tensions `float64`,
    times `float64` with NaN for never; `rep` `int64`, `seed` `uint64`); a sweep's `runs` table is
    summary.csv's columns plus `point` and the swept parameters (left to the reader to infer)."""
    if table in DTYPES:
        return {c: DTYPES[table][c] for c in columns if c in DTYPES[table]}
    kinds = {m.name: m.kind for m in METRICS}
    prefixes = sorted([(w.prefix, w.kind) for w in (*DYAD_METRICS, *STATE_METRICS)], key=lambda p: -len(p[0]))
    known = {"rep": "int64", "seed": "uint64", "point": "int64"}
    out = {}
    for column in columns:
        kind = kinds.get(column) or next((k for prefix, k in prefixes if column.startswith(prefix)), None)
        if column in known:
            out[column] = known[column]
        elif kind is not None and "." not in column:
            out[column] = _KIND_DTYPE[kind]
    return out
