"""The CSV contract: table names, column headers and the canonical text of a value.

Fixed headers, rows sorted by replication then time, `\\n` line endings and one text for each
value make two runs comparable byte for byte.
"""

from __future__ import annotations

__all__ = ["TABLES", "SUMMARY_METRICS", "summary_columns", "headers", "format_value", "format_float", "format_row"]

TABLES = ("summary", "events", "tension", "states")

SUMMARY_METRICS = (
    "max_level", "t_first_clash", "n_belligerents", "n_drawn_in", "invocations",
    "invocations_honoured", "abandonments", "nuclear_use", "cascade_depth", "mean_tension",
    "peak_tension", "end_tension", "n_events",
)
EVENTS = ("rep", "t", "event_id", "cause_id", "kind", "actor", "target", "level", "pact", "detail")
TENSION = ("rep", "t", "state", "tension")
STATES = ("rep", "state", "max_level", "t_entry", "entered_via")


def summary_columns(watch) -> list[str]:
    """summary.csv's header: rep, seed, the metrics, then one column per watched quantity."""
    columns = ["rep", "seed", *SUMMARY_METRICS]
    for a, b in watch.dyads:
        columns += [f"war_{a}_{b}", f"clash_{a}_{b}", f"t_war_{a}_{b}", f"max_level_{a}_{b}"]
    for s in watch.states:
        columns += [f"tension_mean_{s}", f"tension_end_{s}", f"max_level_{s}", f"t_entry_{s}"]
    return columns


def headers(watch) -> dict[str, list[str]]:
    """The header of every table of a run."""
    return {"summary": summary_columns(watch), "events": list(EVENTS),
            "tension": list(TENSION), "states": list(STATES)}


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
