"""Parameter files and parameter ensembles, the outputs of `alliance-sim calibrate`.

A *parameter file* is YAML with one top-level key, `parameters`, nested as in a scenario
(`parameters: {decision: {war_cost: 3.1}}`); `run --parameters FILE` applies it as `--set`
overrides (after the scenario, before the command line's own `--set`). A *parameter ensemble*
is a CSV with a `set` column and one column per dotted parameter path
(`parameters.decision.war_cost`); `run --parameters-ensemble FILE` draws one row per replication.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import yaml

from sim.scenario.errors import InputError, InputErrors

__all__ = ["flatten", "parameter_overrides", "write_parameter_file", "Ensemble", "read_ensemble", "write_ensemble"]


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping as {dotted.path: leaf value}."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.update(flatten(value, path) if isinstance(value, dict) else {path: value})
    return out


def parameter_overrides(path: str | Path) -> list[str]:
    """The `--set` overrides of a parameter file (PATH=VALUE strings), or InputErrors."""
    try:
        doc = yaml.safe_load(Path(path).read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise InputErrors(InputError(f"cannot read the parameter file: {exc}", file=str(path))) from None
    if not isinstance(doc, dict) or set(doc) != {"parameters"} or not isinstance(doc["parameters"], dict):
        raise InputErrors(InputError("a parameter file holds one mapping, `parameters:` (as in a scenario), "
                                     "e.g. written by `alliance-sim calibrate`", file=str(path)))
    return [f"{key}={value}" for key, value in flatten(doc, "").items()]


def write_parameter_file(values: dict[str, float], path: str | Path, comment: str = "") -> Path:
    """Write {dotted parameter path: value} as a nested `parameters:` YAML file."""
    doc: dict[str, Any] = {}
    for dotted, value in values.items():
        node = doc
        *heads, leaf = dotted.split(".")
        for head in heads:
            node = node.setdefault(head, {})
        node[leaf] = float(value)
    text = "".join(f"# {line}\n" for line in comment.splitlines()) + yaml.safe_dump(doc, sort_keys=True)
    Path(path).write_text(text)
    return Path(path)


MAX_SHOWN = 10
"""Bad cells of an ensemble reported one by one (the rest are counted)."""


class Ensemble(Sequence):
    """The parameter sets of an ensemble CSV, one a row: `ensemble[k]` is {dotted path: value}.
    The values are held as one array, so an ensemble of millions of sets stays small."""

    def __init__(self, columns: list[str], values: np.ndarray):
        self.columns, self.values = list(columns), values

    def __len__(self) -> int:
        return len(self.values)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        return dict(zip(self.columns, self.values[k].tolist()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)


def read_ensemble(path: str | Path) -> Ensemble:
    """The rows of an ensemble CSV as parameter sets (its `set` order), every row checked against
    the parameter's schema field (a number in its range; not NaN or infinite), so a set no
    replication happens to draw is refused too; or InputErrors naming the file, the line and the
    column of each bad cell."""
    import pandas as pd

    try:
        header = pd.read_csv(path, nrows=0).columns
        columns = [(k, str(c)) for k, c in enumerate(header) if str(c).strip().startswith("parameters.")]
        table = pd.read_csv(path, usecols=[k for k, _ in columns], dtype=str, keep_default_na=False) if columns else None
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputErrors(InputError(f"cannot read the parameter ensemble: {exc}", file=str(path))) from None
    if table is None or table.empty:
        raise InputErrors(InputError("a parameter ensemble needs at least one row and columns named "
                                     "parameters.<group>.<name> (as written by `alliance-sim calibrate`)",
                                     file=str(path)))
    names = [name.strip() for _, name in columns]
    unknown = [InputError(f"'{name}' is not a parameter of sim/scenario/schema.py Parameters{hint}", str(path),
                          1, k + 1, name) for (k, _), name in zip(columns, names) if (hint := _unknown(name)) is not None]
    values, errors = np.empty((len(table), len(columns))), []
    for j, ((k, _), name) in enumerate(zip(columns, names)):
        text = table.iloc[:, j].str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        values[:, j] = numbers
        if not any(e.path == name for e in unknown):
            cells = np.where(numbers.isna() & ~text.str.lower().isin(["nan", "+nan", "-nan"]), text, numbers)
            errors += _column_errors(name, cells.tolist(), str(path), k + 1)
    if unknown or errors:
        raise InputErrors(unknown + _with_lines(errors, path))
    return Ensemble(names, values)


def _with_lines(errors: list[InputError], path: str | Path) -> list[InputError]:
    """The first errors in file order, their row numbers (`line` holds the row index) turned into
    the file's line numbers, the rest counted."""
    if not errors:
        return []
    with open(path, newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        lines = [reader.line_num for row in reader if row]
    placed = [dataclasses.replace(e, line=lines[e.line] if e.line is not None and e.line < len(lines) else None)
              for e in errors]
    shown = sorted(placed, key=lambda e: (e.line or 0, e.column or 0))[:MAX_SHOWN]
    if len(errors) > MAX_SHOWN:
        shown.append(InputError(f"... and {len(errors) - MAX_SHOWN} more bad cells", str(path)))
    return shown


def _field(name: str) -> Any:
    """The schema field of `parameters.<group>.<name>`, or None."""
    from sim.scenario.schema import Parameters

    parts = name.split(".")
    group = Parameters.model_fields.get(parts[1]) if len(parts) == 3 else None
    model = getattr(group, "annotation", None)
    return getattr(model, "model_fields", {}).get(parts[2]) if group is not None else None


def _unknown(name: str) -> str | None:
    """None for a real parameter path, else a hint (nearest name) for the error."""
    from sim.scenario.errors import suggest
    from sim.scenario.schema import Parameters

    if _field(name) is not None:
        return None
    known = [f"parameters.{g}.{f}" for g, group in Parameters.model_fields.items()
             for f in getattr(group.annotation, "model_fields", {})]
    return suggest(name, known) or ""


def _column_errors(name: str, column: list, file: str, position: int) -> list[InputError]:
    """Each cell of a column that its schema field refuses (one pass in pydantic-core); `line`
    holds the row index until :func:`_with_lines` places it."""
    from pydantic import ConfigDict, TypeAdapter, ValidationError

    field = _field(name)
    cell: Any = Annotated.__class_getitem__((field.annotation, *field.metadata))  # type: ignore[attr-defined]
    adapter: TypeAdapter = TypeAdapter(list[cell], config=ConfigDict(allow_inf_nan=False))
    try:
        adapter.validate_python(column)
        return []
    except ValidationError as exc:
        return [InputError(f"{err['msg']} (got {err.get('input')!r}): every set must be a valid parameter set",
                           file, int(err["loc"][0]), position, name) for err in exc.errors()]


def write_ensemble(sets: list[dict[str, float]], path: str | Path, extra: dict[str, list] | None = None) -> Path:
    """Write parameter sets (and per-set `extra` columns) as an ensemble CSV."""
    columns = list(sets[0]) if sets else []
    extra = extra or {}
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["set", *columns, *extra])
        for k, values in enumerate(sets):
            writer.writerow([k, *(repr(float(values[c])) for c in columns), *(extra[e][k] for e in extra)])
    return Path(path)
