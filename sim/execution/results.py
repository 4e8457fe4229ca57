"""Reading result folders back: one reader, typed columns, checked input.

Every table of a run (`summary`, `events`, `tension`, `states`, as CSV or, written with
`run --format parquet`, Parquet) and a sweep's `runs` table come back as DataFrames with the dtypes
of the CSV contract (:func:`sim.engine.tables.dtypes`): text columns as text even when every cell
is empty (`events.csv`'s `pact`), integers as `int64`, numbers that may be missing as `float64`.
`compare`, `plot` and the API read results through here.

A truncated, binary, edited or empty table is bad input at its file and line, never a traceback
deep inside pandas: each table must hold its key columns, numbers where numbers belong (finite: a
result of this program never holds inf or nan), rows of as many cells as the header, and a row.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from sim.engine.tables import OPTIONAL, TABLES, dtypes
from sim.scenario.errors import InputError, InputErrors

__all__ = ["REQUIRED", "FORMATS", "RunTables", "read_json", "read_run", "read_table", "table_file", "to_parquet",
           "parquet_problem"]

FORMATS = ("csv", "parquet")
PARQUET_INSTALL = 'python3 -m pip install "alliance-sim[parquet]" (or: python3 -m pip install pyarrow)'


def parquet_problem() -> str | None:
    """Why Parquet tables cannot be written or read here (pyarrow missing), or None."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return f"Parquet tables need pyarrow, which is not installed: {PARQUET_INSTALL}"
    return None


def to_parquet(csv_file: Path, table: str) -> Path:
    """Replace a result table's CSV by a Parquet file of the same typed columns (the one a later
    :func:`read_table` of either file gives); returns the Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    frame = read_table(csv_file, table, allow_empty=True)
    target = csv_file.with_suffix(".parquet")
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), target)
    csv_file.unlink()
    return target

REQUIRED: dict[str, tuple[str, ...]] = {
    # the columns a table must have to be one of this program's
    "summary": ("rep", "max_level"),
    "events": ("rep", "t", "kind", "actor"),
    "tension": ("rep", "t", "state", "tension"),
    "states": ("rep", "state", "max_level"),
    "runs": ("point", "rep"),
}
SMALL = ("summary", "runs")
"""Tables of one row a replication (or run), checked cell by cell for rows of the wrong length."""


def _fail(file: Path, message: str, line: int | None = None) -> NoReturn:
    raise InputErrors(InputError(message, str(file), line))


def table_file(folder: Path, table: str) -> Path | None:
    """The file of `table` in a result folder (`<table>.csv` or `<table>.parquet`), or None."""
    for suffix in (".csv", ".parquet"):
        if (folder / f"{table}{suffix}").is_file():
            return folder / f"{table}{suffix}"
    return None


def read_table(file: str | Path, table: str | None = None, required: tuple[str, ...] | None = None,
               allow_empty: bool = False, text: str | None = None) -> pd.DataFrame:
    """One result table (CSV or Parquet; `table` defaults to the file's stem), typed and checked;
    `required` replaces the columns it must have (:data:`REQUIRED`); a table with a header and no
    rows is refused unless `allow_empty`; `text` is the CSV's text when it is not on disk yet
    (`file` then only names it in messages)."""
    file = Path(file)
    table = table or file.stem
    required = REQUIRED.get(table, ()) if required is None else required
    frame = _read_parquet(file) if file.suffix == ".parquet" else _read_csv(file, table, text)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        _fail(file, f"not a {table} table of this program: no column {', '.join(missing)}", 1)
    if frame.empty and not allow_empty:
        _fail(file, "a header but no data rows (no replications): nothing to read", 2)
    for column, dtype in dtypes(table, frame.columns).items():
        frame[column] = _typed(file, frame, column, dtype, column in required)
    return frame


def _read_csv(file: Path, table: str, text: str | None = None) -> pd.DataFrame:
    try:
        text = file.read_bytes().decode("utf-8") if text is None else text
    except UnicodeDecodeError as exc:
        _fail(file, f"not a table of this program: not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        _fail(file, f"cannot read: {exc.strerror or exc}")
    if "\0" in text:
        _fail(file, "not a table of this program: it holds NUL bytes")
    if not text.strip():
        _fail(file, "empty file: no header row")
    if not text.endswith("\n"):  # every table this program writes ends with a line end
        _fail(file, "the last line is cut short (no line end): a truncated table; run again to write it whole",
              text.count("\n") + 1)
    if table in SMALL:
        _check_rows(file, text)
    header = next(csv.reader(io.StringIO(text)))
    text_columns = {c: "str" for c, d in dtypes(table, header).items() if d == "str"}
    try:
        return pd.read_csv(io.StringIO(text), dtype=text_columns, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, ValueError) as exc:
        _fail(file, f"not a well-formed CSV table: {str(exc).strip()}")


def _check_rows(file: Path, text: str) -> None:
    """Every row as long as the header (pandas would fill a short row with missing values)."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        _fail(file, f"not a well-formed CSV table: {exc}")
    width = len(rows[0])
    bad = [InputError(f"{len(r)} cells where the header has {width}", str(file), i + 1)
           for i, r in enumerate(rows[1:], start=1) if len(r) != width]
    if bad:
        raise InputErrors(bad[:5])


def _read_parquet(file: Path) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        _fail(file, f"reading Parquet tables needs pyarrow: {PARQUET_INSTALL}")
    try:
        return pq.read_table(file).to_pandas()
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        _fail(file, f"not a Parquet table of this program: {str(exc).strip()}")


def _typed(file: Path, frame: pd.DataFrame, column: str, dtype: str, required: bool) -> pd.Series:
    """The column in its dtype; a number column must hold finite numbers (InputErrors at the first
    cell that is not), a required one no empty cell (a short row, a cut file)."""
    series = frame[column]
    if dtype == "str":
        return series.astype("str").where(series.notna(), None) if series.dtype != "str" else series
    values = series if pd.api.types.is_numeric_dtype(series) else pd.to_numeric(series, errors="coerce")
    bad = (values.isna() & series.notna()) | np.isinf(values.astype(float).fillna(0))
    if required:
        bad |= series.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        _fail(file, f"column '{column}' is not numeric: {series.iloc[row]!r} where a number belongs "
                    "(an edited, cut or corrupt table?)", row + 2)
    if dtype != "float64" and values.isna().any():
        dtype = "float64"  # an optional whole-number column with empty cells (an edited table)
    if dtype == "uint64" and (values < 0).any():
        dtype = "int64"
    return values.astype(dtype)


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


@dataclass
class RunTables:
    """The tables of one run folder as typed DataFrames (None when the file is absent) and its meta.json."""

    name: str
    summary: pd.DataFrame | None = None
    events: pd.DataFrame | None = None
    tension: pd.DataFrame | None = None
    states: pd.DataFrame | None = None
    sources: pd.DataFrame | None = None
    """Where each watched state's tension comes from (`run --tables ...,sources`), when written."""
    meta: dict = field(default_factory=dict)

    @property
    def replications(self) -> int:
        """How many replications the run holds."""
        for table in (self.summary, self.states, self.tension, self.events):
            if table is not None:
                return int(table["rep"].nunique())
        return 0

    def __getitem__(self, table: str) -> pd.DataFrame | None:
        if table not in TABLES + OPTIONAL:
            raise KeyError(f"no table {table!r}: a run has {', '.join(TABLES + OPTIONAL)}")
        return getattr(self, table)


def read_run(folder: str | Path, name: str | None = None, allow_empty: bool = True) -> RunTables:
    """Read a run folder written by ``alliance-sim run`` or ``sim.Result.write`` (summary, events,
    tension, states, and sources when written, as CSV or Parquet, and meta.json), every column typed; the run is named after
    its folder unless `name` is given. A table with no rows (a run without events) is an empty
    DataFrame unless `allow_empty` is False (then bad input, as for a figure with nothing to draw)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputErrors(InputError("no such run folder", str(folder)))
    files = {t: table_file(folder, t) for t in TABLES + OPTIONAL}
    if all(files[t] is None for t in TABLES):
        raise InputErrors(InputError("no summary, events, tension or states table (.csv or .parquet) here",
                                     str(folder)))
    tables = {t: read_table(f, t, allow_empty=allow_empty) if f is not None else None for t, f in files.items()}
    return RunTables(name or folder.resolve().name, meta=read_json(folder / "meta.json"), **tables)
