"""The parameter registry: each model parameter's default, range, unit and source, read from its
schema field (declared there once with :func:`sim.scenario.schema.ranged`).

The range is the one over which results were checked (docs/model.md, "Parameters"): the test that
no parameter decides by itself runs both ends of each range (tests/test_motives.py),
benchmarks/prcc.py draws its Latin hypercube over them, `alliance-sim sensitivity` draws over them,
and the parameter table of docs/model.md is :func:`markdown_table` (tests/test_ranges.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic.fields import FieldInfo

from sim.scenario.schema import Parameters

__all__ = ["Entry", "REGISTRY", "DOCUMENTED_RANGES", "YEAR_WORLD_RANGES", "field_of", "markdown_table"]


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
