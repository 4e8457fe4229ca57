"""Parameter files and parameter ensembles, the outputs of `alliance-sim calibrate`.

A *parameter file* is YAML with one top-level key, `parameters`, nested as in a scenario
(`parameters: {decision: {war_cost: 3.1}}`); `run --parameters FILE` applies it as `--set`
overrides (after the scenario, before the command line's own `--set`). A *parameter ensemble*
is a CSV with a `set` column and one column per dotted parameter path
(`parameters.decision.war_cost`); `run --parameters-ensemble FILE` draws one row per replication.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import yaml
from pydantic import ConfigDict, TypeAdapter, ValidationError

from sim.scenario.errors import InputError, InputErrors, format_path, suggest
from sim.scenario.ranges import field_of
from sim.scenario.schema import Parameters
from sim.scenario.schemaerrors import describe, input_errors
from sim.scenario.yamlsource import Override, error_at, find_mark, read_yaml

__all__ = ["flatten", "parameter_default", "parameter_problem", "parameter_overrides", "write_parameter_file",
           "Ensemble", "read_ensemble", "write_ensemble"]


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping as {dotted.path: leaf value}."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        out.update(flatten(value, path) if isinstance(value, dict) else {path: value})
    return out


def parameter_default(path: str) -> Any:
    """The schema default of a dotted parameter path (`parameters.decision.war_cost`), or None when
    the path names no parameter (a group, an unknown name, anything outside `parameters`)."""
    field = field_of(path)
    return None if field is None else field.get_default(call_default_factory=True)


def parameter_problem(path: str, value: float) -> str:
    """Why the schema refuses `value` for the parameter at `path` ('' when it takes it)."""
    _, *heads, leaf = path.split(".")
    doc: dict[str, Any] = {leaf: value}
    for head in reversed(heads):
        doc = {head: doc}
    try:
        Parameters.model_validate(doc)
    except ValidationError as exc:
        return "; ".join(describe(e, shown=False) for e in exc.errors())
    return ""


def parameter_overrides(path: str | Path) -> list[Override]:
    """The overrides of a parameter file, each marked with the file, line and column it was written
    at (so a bad value is reported there), or InputErrors (duplicate keys, bad YAML, wrong shape)."""
    doc = read_yaml(Path(path))
    extra = [key for key in doc.data if key != "parameters"]
    if extra or not isinstance(doc.data.get("parameters"), dict):
        where = (extra[0],) if extra else ("parameters",)
        raise InputErrors(error_at(doc.marks, where, "a parameter file holds one mapping, `parameters:` (as in a "
                                   "scenario: `parameters: {decision: {war_cost: 3.0}}`), e.g. written by "
                                   "`alliance-sim calibrate`"))
    leaves = _leaves(doc.data["parameters"], ("parameters",))
    empty = [error_at(doc.marks, key, "an empty mapping: give the parameters' values under it (or remove it)")
             for key, value in leaves if value == {}]
    if empty or not leaves:
        raise InputErrors(empty or error_at(doc.marks, ("parameters",), "no parameters: give some under "
                                            "`parameters:`, e.g. `parameters: {decision: {war_cost: 3.0}}`"))
    return [Override(key, value, f"{format_path(key)}={value}", find_mark(doc.marks, key)) for key, value in leaves]


def _leaves(mapping: dict, prefix: tuple) -> list[tuple[tuple, Any]]:
    """(path, value) of each value below a nested mapping (an empty mapping is a leaf)."""
    out: list[tuple[tuple, Any]] = []
    for key, value in mapping.items():
        path = prefix + (key,)
        out += _leaves(value, path) if isinstance(value, dict) and value else [(path, value)]
    return out


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


MAX_ENSEMBLE_BYTES = 200_000_000
"""Largest ensemble CSV read (calibrate writes a few kilobytes)."""


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
    """The rows of an ensemble CSV as parameter sets (its `set` order), or InputErrors naming the
    file, the line and the column of each bad cell. Every row is checked, drawn or not: a finite
    number that the parameter's schema field takes (its range)."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_ENSEMBLE_BYTES + 1)
    except (OSError, ValueError) as exc:
        raise InputErrors(InputError(f"cannot read the parameter ensemble: {getattr(exc, 'strerror', None) or exc}",
                                     file)) from None
    if len(raw) > MAX_ENSEMBLE_BYTES:
        raise InputErrors(InputError(f"larger than {MAX_ENSEMBLE_BYTES // 1_000_000} MB: not a parameter ensemble",
                                     file))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputErrors(InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start}): save it as UTF-8", file,
                                     raw[:exc.start].count(b"\n") + 1)) from None
    if "\0" in text:
        raise InputErrors(InputError("a NUL character: not a CSV text file", file, text[:text.index("\0")].count("\n") + 1))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        columns = _ensemble_columns(header, file)
        lines, cells = _ensemble_cells(reader, header, columns, file)
    except csv.Error as exc:
        raise InputErrors(InputError(f"not a CSV table: {exc}", file, reader.line_num)) from None
    if not lines:
        raise InputErrors(InputError("no parameter sets: a parameter ensemble needs at least one row under its "
                                     "header", file))
    values, errors = np.empty((len(lines), len(columns))), []
    for j, k in enumerate(columns):
        column = [_number(cell) for cell in cells[j]]
        errors += _column_errors(header[k], column, cells[j], lines, file, k + 1)
        if not errors:
            values[:, j] = column
    if errors:
        errors.sort(key=lambda e: (e.line or 0, e.column or 0))
        more = [InputError(f"... and {len(errors) - MAX_SHOWN} more bad cells", file)] if len(errors) > MAX_SHOWN else []
        raise InputErrors(errors[:MAX_SHOWN] + more)
    return Ensemble([header[k] for k in columns], values)


def _ensemble_columns(header: list[str], file: str) -> list[int]:
    """Indices of the header's parameter columns, each a known parameter named once."""
    columns = [k for k, name in enumerate(header) if name.startswith("parameters.")]
    if not columns:
        raise InputErrors(InputError("a parameter ensemble needs columns named parameters.<group>.<name> "
                                     "(as written by `alliance-sim calibrate`)", file, 1))
    problems = []
    for k in columns:
        name = header[k]
        if header.index(name) != k:
            problems.append(InputError(f"column '{name}' is written twice", file, 1, k + 1))
        elif not _is_number(parameter_default(name)):
            known = [f"parameters.{g}.{f}" for g, group in Parameters.model_fields.items()
                     for f in getattr(group.annotation, "model_fields", {})]
            problems.append(InputError(f"column '{name}' names no numeric parameter (see `parameters` in "
                                       f"docs/scenarios.md){suggest(name, known)}", file, 1, k + 1))
    if problems:
        raise InputErrors(problems)
    return columns


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _ensemble_cells(reader, header: list[str], columns: list[int], file: str) -> tuple[list[int], list[list[str]]]:
    """The line of each row and the text of each parameter column; a row must have as many cells as
    the header."""
    lines: list[int] = []
    cells: list[list[str]] = [[] for _ in columns]
    for row in reader:
        if not row:
            continue
        if len(row) != len(header):
            raise InputErrors(InputError(f"{len(row)} cells where the header has {len(header)}: every row gives "
                                         "each column once", file, reader.line_num))
        lines.append(reader.line_num)
        for j, k in enumerate(columns):
            cells[j].append(row[k])
    return lines, cells


def _number(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        return math.nan


def _column_errors(name: str, column: list[float], cells: list[str], lines: list[int], file: str,
                   position: int) -> list[InputError]:
    """Each cell of a column that is not a finite number, or that its schema field refuses (out of
    its range: checked in one pass in pydantic-core), at its line."""
    errors = [InputError(f"'{cells[r][:40]}' is not a finite number", file, lines[r], position, name)
              for r, value in enumerate(column) if not math.isfinite(value)]
    if errors:
        return errors
    field = field_of(name)
    cell: Any = Annotated.__class_getitem__((field.annotation, *field.metadata))  # type: ignore[attr-defined,union-attr]
    try:
        TypeAdapter(list[cell], config=ConfigDict(allow_inf_nan=False)).validate_python(column)
        return []
    except ValidationError as exc:
        marks = {(r,): (file, line, position) for r, line in enumerate(lines)}
        return input_errors(exc, marks, message=lambda err: f"{describe(err)}: every set must be a valid parameter set",
                            label=lambda path: name)


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
