"""A sweep file (or the arguments of :func:`sim.sweep`) -> a validated :class:`SweepPlan`.

Everything is checked before any run starts: the file's structure, the design, and every point:
each point's overrides (with `set:`) go through :func:`sim.scenario.loading.load_scenario`, and an error
about an override is placed at the line of the sweep file that wrote the value.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sim.execution.limits import MAX_RUNS, check_run, check_runs
from sim.execution.runner import replication_seeds
from sim.scenario.errors import InputError, InputErrors, format_path, suggest
from sim.scenario.loading import load_scenario, resolved_dict
from sim.scenario.schema import Scenario
from sim.scenario.schemaerrors import describe, input_errors
from sim.scenario.worlddata import EMPTY_WORLD
from sim.scenario.yamlsource import error_at, parse_path, read_yaml
from sim.sweeps.design import design_points
from sim.sweeps.points import apply_point
from sim.sweeps.schema import (
    PARAMETER_FORMS,
    Choices,
    Range,
    SweepSpec,
    design_problems,
)

__all__ = ["SweepPlan", "load_sweep", "plan_sweep"]

Marks = Mapping[tuple, tuple]
_RANGE_KEYS = [*Range.model_fields, "choices"]


@dataclass
class SweepPlan:
    """A validated sweep: the spec, the scenario source, the points and the replication seeds."""

    spec: SweepSpec
    scenario: Any
    base: Scenario
    points: list[dict[str, Any]]
    seeds: list[int]
    sha256: str
    file: str | None = None
    resolved: dict[str, Any] | None = None

    @property
    def parameters(self) -> list[str]:
        """The swept dotted paths, in the file's order."""
        return list(self.spec.parameters)

    @property
    def seed(self) -> int:
        """The seed the replication seeds come from."""
        return _seed(self.spec, self.base)

    @property
    def replications(self) -> int:
        """Replications per point."""
        return len(self.seeds)

    def overrides(self, point: int) -> dict[str, Any]:
        """The `set:` overrides and the point's values, as `load_scenario` takes them."""
        return {**self.spec.fixed, **self.points[point]}

    def scenario_at(self, point: int) -> Scenario:
        """The scenario of one point."""
        return _load_point(self.scenario, self.spec.fixed, self.resolved, self.points[point])


def load_sweep(path: str | Path, replications: int | None = None,
               overrides: Mapping[str, Any] | None = None, max_runs: int = MAX_RUNS) -> SweepPlan:
    """Read and validate a sweep file; its scenario path is relative to the file.

    `replications` and `overrides` (`{dotted.path: value}`, added to the file's `set:`) change the
    file's as `sweep --reps/--horizon/--set` do; a sweep resumed must be given the same. A sweep
    of more than `max_runs` runs is refused before any point is drawn."""
    path = Path(path)
    doc = read_yaml(path, str(path))
    changes: dict[str, Any] = {k: v for k, v in (("replications", replications), ("set", dict(overrides or {}))) if v}
    if isinstance(doc.data, dict) and changes:
        given = doc.data.get("set")
        fixed: dict[str, Any] = given if isinstance(given, dict) else {}
        doc.data.update(changes, set={**fixed, **changes.get("set", {})})
    spec = _spec(doc.data, doc.marks)
    scenario = Path(os.path.normpath(path.parent / spec.scenario))
    if not scenario.is_file():
        known = [p.name for p in scenario.parent.glob("*.y*ml")] if scenario.parent.is_dir() else []
        message = f"no scenario file '{scenario}'{suggest(scenario.name, known)}"
        raise InputErrors(_error(doc.marks, ("scenario",), message))
    given = json.dumps(changes, sort_keys=True, default=str).encode() if changes else b""
    digest = hashlib.sha256(path.read_bytes() + given).hexdigest()
    return _plan(spec, str(scenario), doc.marks, digest, str(path), max_runs)


def plan_sweep(scenario: Any, parameters: Mapping[str, Any], *, design: str = "grid",
               samples: int | None = None, replications: int | None = None, seed: int | None = None,
               overrides: Mapping[str, Any] | None = None, name: str | None = None,
               max_runs: int = MAX_RUNS) -> SweepPlan:
    """Validate the arguments of :func:`sim.sweep` (a scenario path, mapping or Scenario)."""
    if isinstance(scenario, Scenario):  # resolved: it holds its whole world already
        scenario = {**resolved_dict(scenario), "extends": None, "world": EMPTY_WORLD}
    data = {
        "name": name or _scenario_name(scenario), "scenario": str(scenario if isinstance(scenario, (str, Path)) else "<mapping>"),
        "design": design, "samples": samples, "replications": replications, "seed": seed,
        "set": dict(overrides or {}), "parameters": dict(parameters),
    }
    spec = _spec(data, {})
    identity = json.dumps([data, scenario], sort_keys=True, default=str)
    return _plan(spec, scenario, {}, hashlib.sha256(identity.encode()).hexdigest(), None, max_runs)


def _scenario_name(scenario: Any) -> str:
    """A sweep's default name: its scenario's name or file stem."""
    if isinstance(scenario, Mapping):
        return str(scenario.get("name", "sweep"))
    return Path(scenario).stem


def _spec(data: Mapping[str, Any], marks: Marks) -> SweepSpec:
    """The sweep model, or every structural problem at its line."""
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise InputErrors(_by_line(input_errors(exc, marks, message=_message, loc=_loc, label=_label))) from None
    problems = design_problems(spec)
    if problems:
        raise InputErrors([_error(marks, path, message) for path, message in problems])
    return spec


def _by_line(errors: Iterable[InputError]) -> list[InputError]:
    """Errors in the order of the file."""
    return sorted(errors, key=lambda e: (e.file or "", e.line or 0, e.column or 0))


def _label(path: tuple) -> str:
    """A path of the sweep file as the user reads it: a parameter by its dotted path alone."""
    return format_path(path[1:] if path[:1] in (("parameters",), ("set",)) and len(path) > 1 else path)


def _error(marks: Marks, path: tuple, message: str) -> InputError:
    """An error at a path of the sweep file, a parameter named by its dotted path alone."""
    return dataclasses.replace(error_at(marks, path, message), path=_label(path))


def _loc(loc: tuple) -> tuple:
    """A pydantic location without the tag of the parameter form (`values`, `range`, `choices`)."""
    if len(loc) > 2 and loc[0] == "parameters" and loc[2] in PARAMETER_FORMS:
        return loc[:2] + loc[3:]
    return tuple(loc)


_FORMS = "a list of values, {choices: [...]} or a range {low: ..., high: ...}"


def _message(error: Mapping[str, Any]) -> str:
    """A message that says what is wrong and, where it can, what was meant."""
    kind, loc, value = error["type"], error["loc"], error.get("input")
    if kind == "extra_forbidden":
        known = [f.alias or n for n, f in SweepSpec.model_fields.items()] if len(loc) == 1 else _RANGE_KEYS
        return describe(error, known)
    if len(loc) == 3 and loc[0] == "parameters" and kind.endswith("_type"):
        return f"give {_FORMS} (got {value!r})"
    return describe(error)


def _plan(spec: SweepSpec, scenario: Any, marks: Marks, digest: str, file: str | None,
          max_runs: int = MAX_RUNS) -> SweepPlan:
    """Load the base scenario (with `set:`), draw the points, check each one, draw the seeds."""
    found: dict[tuple, InputError] = {}
    try:
        base = _load(scenario, spec.fixed, _where(spec, spec.fixed, None, marks))
        _missing_paths(spec, base, marks, found)
    except InputErrors as exc:
        base = None
        _keep_first(found, exc.errors)
    _check_size(spec, base, marks, max_runs)
    points = design_points(spec.design, spec.parameters, spec.samples, _seed(spec, base))
    resolved = _resolved(spec, base)
    _check_points(scenario, spec, points, marks, found, resolved)
    if found or base is None:
        raise InputErrors(_by_line(found.values()))
    seeds = replication_seeds(_seed(spec, base), spec.replications or base.replications)
    return SweepPlan(spec, scenario, base, points, seeds, digest, file, resolved)


_RUN_TOO_LARGE = "each run of the sweep holds its samples in memory: a longer record_every_days or a shorter horizon"


def _grid_count(parameter: Any) -> int:
    """Values a grid takes of one parameter: its list or its choices (a range is refused earlier)."""
    if isinstance(parameter, Choices):
        return len(parameter.choices)
    return len(parameter) if isinstance(parameter, list) else 1


def _check_size(spec: SweepSpec, base: Scenario | None, marks: Marks, max_runs: int) -> None:
    """Refuse a sweep too large to run (points x replications) or whose runs are each too large,
    before any point is drawn or loaded."""
    if spec.design == "grid":
        points = math.prod(_grid_count(p) for p in spec.parameters.values())
        where = ("parameters",)
    else:
        points, where = spec.samples or 0, ("samples",)
    replications = spec.replications or (base.replications if base is not None else 1)
    check_runs(points, replications, max_runs, error_at(marks, where, ""))
    if base is not None:
        try:
            check_run(base, replications=1, advice=_RUN_TOO_LARGE)
        except InputErrors as exc:
            raise InputErrors([_error(marks, ("scenario",), e.message) for e in exc.errors]) from None


def _resolved(spec: SweepSpec, base: Scenario | None) -> dict[str, Any] | None:
    """The base scenario (with `set:`) as a mapping that holds its whole world, for fast point
    loading (no YAML parsed again); None when a swept path changes the world itself."""
    if base is None or any(parse_path(key)[0] == "world" for key in spec.parameters):
        return None
    return {**resolved_dict(base), "extends": None, "world": EMPTY_WORLD}


def _load_point(scenario: Any, fixed: Mapping[str, Any], resolved: dict[str, Any] | None,
                point: Mapping[str, Any]) -> Scenario:
    """A point's scenario: its values over the resolved base; on a problem, loaded again from
    the source so that errors carry the scenario file's lines."""
    if resolved is not None:
        try:
            return apply_point(resolved, point)
        except InputErrors:
            pass
    return apply_point(scenario, point, fixed)


def _seed(spec: SweepSpec, base: Scenario | None) -> int:
    """The sweep's seed, or its scenario's (0 while checking a scenario that did not load)."""
    if spec.seed is not None:
        return spec.seed
    return base.seed if base is not None else 0


_MISSING = ": sweep a field the scenario has"


def _missing_paths(spec: SweepSpec, base: Scenario, marks: Marks, found: dict) -> None:
    """A swept path must name a field the scenario has (a typo must not add a new pact)."""
    data = resolved_dict(base)
    for key in spec.parameters:
        node: Any = data
        for depth, part in enumerate(parse_path(key)):
            if isinstance(node, dict) and part in node or isinstance(node, list) and part in range(len(node)):
                node = node[part]
                continue
            known = [str(k) for k in node] if isinstance(node, dict) else []
            where = format_path(parse_path(key)[:depth]) or "the scenario"
            message = f"{where} has no '{part}'{suggest(str(part), known)}{_MISSING}"
            _keep_first(found, [_error(marks, ("parameters", key), message)])
            break


def _check_points(scenario: Any, spec: SweepSpec, points: list[dict[str, Any]], marks: Marks,
                  found: dict, resolved: dict[str, Any] | None) -> None:
    """Load every point's scenario; keep the first problem at each place, naming its point."""
    for index, point in enumerate(points):
        overrides = {**spec.fixed, **point}
        try:
            loaded = _load_point(scenario, spec.fixed, resolved, point)
        except InputErrors as exc:
            where = _where(spec, overrides, point, marks)
            _keep_first(found, [_relocate(e, where) for e in exc.errors], f" (point {index})")
            continue
        try:
            check_run(loaded, replications=1, advice=_RUN_TOO_LARGE)
        except InputErrors as exc:
            _keep_first(found, [_error(marks, ("parameters",), e.message) for e in exc.errors], f" (point {index})")


def _keep_first(found: dict, errors: list[InputError], suffix: str = "") -> None:
    """Remember the first error at each place (file, line, column, field), one per missing path
    (an error about a missing path's parent, such as a new pact's, is the same problem)."""
    reported = {e.path for e in found.values() if e.message.endswith(_MISSING)}
    for error in errors:
        key = (error.file, error.line, error.column, error.path)
        covered = any(r == error.path or r.startswith(error.path + ".") for r in reported if error.path)
        if key not in found and not covered:
            found[key] = dataclasses.replace(error, message=error.message + suffix)


def _load(scenario: Any, overrides: Mapping[str, Any], where: Mapping[str, tuple]) -> Scenario:
    """The scenario with overrides; errors about an override are moved to the sweep file."""
    try:
        return load_scenario(scenario, dict(overrides))
    except InputErrors as exc:
        raise InputErrors([_relocate(e, where) for e in exc.errors]) from None


def _where(spec: SweepSpec, overrides: Mapping[str, Any], point: Mapping[str, Any] | None,
           marks: Marks) -> dict[str, tuple]:
    """For each override's `--set` name, the sweep file's (file, line, column) of its value."""
    where = {}
    for key, value in overrides.items():
        path = _value_path(spec, key, value) if point is not None and key in point else ("set", key)
        mark = error_at(marks, path, "")
        if mark.file is None:  # no sweep file (the Python API): keep the `--set` names
            continue
        where[f"--set {key}={value!r}"] = where[f"--set {key}"] = (mark.file, mark.line, mark.column)
    return where


def _value_path(spec: SweepSpec, key: str, value: Any) -> tuple:
    """Where a swept value was written: its list item for lists and choices, else the parameter."""
    param = spec.parameters[key]
    if isinstance(param, list):
        return ("parameters", key, _index(param, value))
    if isinstance(param, Choices):
        return ("parameters", key, "choices", _index(param.choices, value))
    return ("parameters", key)


def _index(values: list[Any], value: Any) -> int:
    """The position of a value (its type too: True is not 1)."""
    return next(i for i, v in enumerate(values) if v == value and type(v) is type(value))


def _relocate(error: InputError, where: Mapping[str, tuple]) -> InputError:
    """An override's error placed at the sweep file line that wrote the override."""
    if error.file is None or error.file not in where:
        return error
    file, line, column = where[error.file]
    return InputError(error.message, file, line, column, error.path)

