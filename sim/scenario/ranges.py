"""The parameter registry: each model parameter's default, range, unit and source, read from its
schema field (declared there once with :func:`sim.scenario.schema.ranged`).

The range is the one over which results were checked (docs/model.md, "Parameters"): the test that
no parameter decides by itself runs both ends of each range (tests/test_motives.py),
benchmarks/prcc.py draws its Latin hypercube over them, `alliance-sim sensitivity` draws over them,
the parameter table of docs/model.md is :func:`markdown_table` and docs/scenarios.md's tables of
`parameters` are :func:`group_table`, one per group (tests/test_ranges.py). Print them with
``python3 -m sim.scenario.ranges`` (docs/model.md's) or ``python3 -m sim.scenario.ranges GROUP``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from pydantic.fields import FieldInfo

from sim.scenario.schema import Parameters

__all__ = ["Entry", "REGISTRY", "DOCUMENTED_RANGES", "YEAR_WORLD_RANGES", "field_of", "markdown_table", "GROUPS",
           "group_table", "main"]


@dataclass(frozen=True)
class Entry:
    """One parameter of the registry, by its path below `parameters.` (e.g. ``decision.war_cost``)."""

    path: str
    default: float
    low: float
    high: float
    unit: str
    source: str
    scope: str
    description: str


def field_of(path: str) -> FieldInfo | None:
    """The schema field of `parameters.<group>.<name>`, or None: the one look-up of a parameter by
    path (its default, bounds and registry entry), for sensitivity and calibration alike."""
    parts = path.split(".")
    group = Parameters.model_fields.get(parts[1]) if len(parts) == 3 and parts[0] == "parameters" else None
    return getattr(group.annotation, "model_fields", {}).get(parts[2]) if group is not None else None


def _registry() -> dict[str, Entry]:
    entries = {}
    for group, group_field in Parameters.model_fields.items():
        for name, field in getattr(group_field.annotation, "model_fields", {}).items():
            extra = field.json_schema_extra
            if isinstance(extra, dict) and "range" in extra:
                low, high = extra["range"]
                entries[f"{group}.{name}"] = Entry(f"{group}.{name}", float(field.default), float(low), float(high),
                                                  str(extra["unit"]), str(extra["source"]), str(extra["scope"]),
                                                  field.description or "")
    return entries


REGISTRY: dict[str, Entry] = _registry()
"""Every parameter with a declared range, in the schema's order."""

DOCUMENTED_RANGES: dict[str, tuple[float, float]] = {
    p: (e.low, e.high) for p, e in REGISTRY.items() if e.scope == "all worlds"}
"""The range of each parameter that acts in every world."""

YEAR_WORLD_RANGES: dict[str, tuple[float, float]] = {
    p: (e.low, e.high) for p, e in REGISTRY.items() if e.scope == "year worlds"}
"""Parameters that act only in the worlds of any year (`cow_YYYY`: the claims of their rivalries,
`sim.scenario.yearworld.RIVALRY_CLAIMS`) and the range checked for each: the peacetime fit
(`alliance-sim peacetime --fit`, sim/history/peacefit.py) runs its whole grid over it. They are kept
out of :data:`DOCUMENTED_RANGES`, whose checks run the 2022 baseline, where they change nothing."""


def _number(x: float) -> str:
    return f"{x:g}"


def markdown_table() -> str:
    """The registry as the parameter table of docs/model.md."""
    lines = ["| parameter | default | range | unit | source |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| `{e.path}` | {_number(e.default)} | {_number(e.low)} - {_number(e.high)} | {e.unit} | {e.source} |"
              for e in REGISTRY.values()]
    return "\n".join(lines)


GROUPS: tuple[str, ...] = tuple(Parameters.model_fields)
"""The groups of `parameters`, in the schema's order."""


def _default(value: object) -> str:
    """A default as a scenario file writes it."""
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_default(v) for v in value) + "]"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_default(v)}" for k, v in value.items())
    return str(value)


def group_table(group: str) -> str:
    """Every field of `parameters.<group>` with its default, its range where the registry has one, and
    its meaning (the field's description): a table of docs/scenarios.md's `parameters`."""
    lines = ["| field | default | range | meaning |", "| --- | --- | --- | --- |"]
    for name, field in getattr(Parameters.model_fields[group].annotation, "model_fields", {}).items():
        entry = REGISTRY.get(f"{group}.{name}")
        span = f"{_number(entry.low)} - {_number(entry.high)} {entry.unit}" if entry else ""
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `{name}` | {_default(field.get_default(call_default_factory=True))} | {span} | {meaning} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print docs/model.md's parameter table, or with a group's name that group's table of docs/scenarios.md."""
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] not in GROUPS:
        print(f"unknown group {args[0]!r}: one of {', '.join(GROUPS)}", file=sys.stderr)
        return 2
    print(group_table(args[0]) if args else markdown_table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
