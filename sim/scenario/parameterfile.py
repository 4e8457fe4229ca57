"""Parameter files and parameter ensembles, the outputs of `alliance-sim calibrate`.

A *parameter file* is YAML with one top-level key, `parameters`, nested as in a scenario
(`parameters: {decision: {war_cost: 3.1}}`); `run --parameters FILE` applies it as `--set`
overrides (after the scenario, before the command line's own `--set`). A *parameter ensemble*
is a CSV with a `set` column and one column per dotted parameter path
(`parameters.decision.war_cost`); `run --parameters-ensemble FILE` draws one row per replication.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import InputError, InputErrors

__all__ = ["flatten", "parameter_overrides", "write_parameter_file", "read_ensemble", "write_ensemble"]


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


def read_ensemble(path: str | Path) -> list[dict[str, float]]:
    """The rows of an ensemble CSV as {dotted parameter path: value} (its `set` order), or InputErrors."""
    try:
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise InputErrors(InputError(f"cannot read the parameter ensemble: {exc}", file=str(path))) from None
    columns = [c for c in (rows[0] if rows else {}) if c.startswith("parameters.")]
    if not rows or not columns:
        raise InputErrors(InputError("a parameter ensemble needs at least one row and columns named "
                                     "parameters.<group>.<name> (as written by `alliance-sim calibrate`)",
                                     file=str(path)))
    try:
        return [{c: float(row[c]) for c in columns} for row in rows]
    except (TypeError, ValueError) as exc:
        raise InputErrors(InputError(f"a parameter value is not a number: {exc}", file=str(path))) from None


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
