"""Result tables read for plotting, checked first: a truncated, binary, edited or empty table is
bad input at its file and line, never a traceback deep inside pandas or matplotlib.

What each table must hold: its key columns, numbers where numbers belong (finite: a result of
this program never holds inf or nan), and at least one row.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.scenario.errors import InputError, InputErrors

__all__ = ["REQUIRED", "read_json", "read_table"]

REQUIRED: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # table: (columns it must have, numeric columns among all it may have)
    "summary": (("rep", "max_level"), ("rep", "seed", "max_level", "n_belligerents", "t_first_clash")),
    "events": (("rep", "t", "kind", "actor"), ("rep", "t", "level")),
    "tension": (("rep", "t", "state", "tension"), ("rep", "t", "tension")),
    "states": (("rep", "state", "max_level"), ("rep", "max_level", "t_entry")),
    "runs": (("point", "rep"), ("point", "rep", "seed")),
}
TEXT = {"state": str, "actor": str, "target": str, "pact": str, "cause_id": str, "event_id": str,
        "entered_via": str}


def _fail(file: Path, message: str, line: int | None = None) -> None:
    raise InputErrors(InputError(message, str(file), line))


def read_table(file: Path, table: str) -> pd.DataFrame:
    """A result table as a DataFrame, checked against :data:`REQUIRED` (InputErrors when not)."""
    try:
        frame = pd.read_csv(file, dtype=TEXT, encoding="utf-8", encoding_errors="strict")
    except UnicodeDecodeError as exc:
        _fail(file, f"not a table of this program: not UTF-8 text ({exc.reason} at byte {exc.start})")
    except pd.errors.EmptyDataError:
        _fail(file, "empty file: no header row")
    except (pd.errors.ParserError, ValueError) as exc:
        _fail(file, f"not a well-formed CSV table: {str(exc).strip()}")
    _check_ending(file, len(frame) + 1)
    required, numeric = REQUIRED[table]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        _fail(file, f"not a {table} table of this program: no column {', '.join(missing)}", 1)
    if frame.empty:
        _fail(file, "a header but no rows: nothing to draw", 2)
    for column in (c for c in numeric if c in frame.columns):
        _check_numbers(file, frame, column, column in required)
    return frame


def _check_ending(file: Path, lines: int) -> None:
    """Every table this program writes ends with a line end: a last line without one was cut short."""
    with open(file, "rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return
        handle.seek(-1, 2)
        if handle.read(1) != b"\n":
            _fail(file, "the last line is cut short (no line end): a truncated table; run again to write it whole",
                  lines)


def _check_numbers(file: Path, frame: pd.DataFrame, column: str, required: bool) -> None:
    """Numbers, finite; a required column has no empty cell (a short row, a cut file)."""
    values = pd.to_numeric(frame[column], errors="coerce")
    text = frame[column].astype(str).str.strip()
    bad = values.isna() & frame[column].notna() & (text != "") | np.isinf(values.fillna(0))
    bad |= frame[column].isna() if required else False
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        _fail(file, f"column '{column}' holds {frame[column].iloc[row]!r} where a number belongs "
                    "(an edited, cut or corrupt table?)", row + 2)
    frame[column] = values


def read_json(file: Path) -> dict[str, Any]:
    """A meta.json or manifest.json as a dict ({} when absent); corrupt is bad input."""
    if not file.is_file():
        return {}
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        doc = None
    except json.JSONDecodeError as exc:
        _fail(file, f"corrupt JSON: {exc.msg}", exc.lineno)
    if not isinstance(doc, dict):
        _fail(file, "corrupt: not a JSON object")
    horizon = doc.get("horizon_days")
    if horizon is not None and not (isinstance(horizon, (int, float)) and math.isfinite(horizon) and horizon > 0):
        _fail(file, f"horizon_days {horizon!r} is not a number of days")
    return doc
