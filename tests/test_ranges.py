"""The parameter registry (sim/scenario/ranges.py): each parameter's default, range, unit and source
declared once on its schema field; the ranges, sensitivity, calibration and the docs read it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.analysis.sensitivity import documented_range
from sim.history.calibration import default_value
from sim.scenario import ranges
from sim.scenario.ranges import DOCUMENTED_RANGES, REGISTRY, YEAR_WORLD_RANGES
from sim.scenario.schema import Parameters

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_docs_parameter_table_is_the_registry():
    assert ranges.markdown_table() in (DOCS / "model.md").read_text()


def test_the_ranges_split_the_registry_by_the_worlds_they_act_in():
    assert set(DOCUMENTED_RANGES) | set(YEAR_WORLD_RANGES) == set(REGISTRY)
    assert not set(DOCUMENTED_RANGES) & set(YEAR_WORLD_RANGES)
    assert len(DOCUMENTED_RANGES) == 28 and set(YEAR_WORLD_RANGES) == {"motives.rivalry_stake", "motives.positional_stake"}


@pytest.mark.parametrize("path", sorted(REGISTRY))
def test_each_entry_is_valid_and_read_alike_by_sensitivity_and_calibration(path):
    """The default lies in the range, the range within what the schema accepts; sensitivity draws
    over the registry's range and calibration starts from its default."""
    entry = REGISTRY[path]
    group, name = path.split(".")
    field = type(getattr(Parameters(), group)).model_fields[name]
    bounds = {type(m).__name__: m for m in field.metadata}
    low_ok = bounds.get("Ge", None) is None or entry.low >= bounds["Ge"].ge
    high_ok = bounds.get("Le", None) is None or entry.high <= bounds["Le"].le
    assert entry.low <= entry.default <= entry.high and entry.low < entry.high and low_ok and high_ok, entry
    assert entry.unit and entry.source
    assert documented_range(f"parameters.{path}") == (entry.low, entry.high, "registry")
    assert default_value(f"parameters.{path}") == entry.default == getattr(getattr(Parameters(), group), name)


def test_no_description_writes_a_second_range():
    """A range in a field's description ("(0-3)") would be a second source that can disagree."""
    written = re.compile(r"\((?:range )?-?[0-9.]+\s*-\s*[0-9.]+[;)]")
    stale = [f"{g}.{n}" for g, f in Parameters.model_fields.items()
             for n, field in getattr(f.annotation, "model_fields", {}).items() if written.search(field.description or "")]
    assert not stale, stale


def _scenarios_tables() -> dict[str, str]:
    """`group.field` -> the default written in docs/scenarios.md's `parameters` tables."""
    text = (DOCS / "scenarios.md").read_text()
    section = text[text.index("### `parameters`"):]
    section = section[:section.index("\n### ", 1)]
    written, group = {}, None
    for line in section.splitlines():
        heading = re.match(r"^`(\w+)`", line)
        if heading:
            group = heading.group(1)
        row = re.match(r"^\| (`[^|]+`) \| ([^|]+) \|", line)
        if row and group and row.group(1) != "`field`":
            names = re.findall(r"`([\w.]+)`", row.group(1))
            defaults = [d.strip() for d in row.group(2).split(", ")] if len(names) > 1 else [row.group(2).strip()]
            prefix = names[0].split(".")[0] + "." if "." in names[0] else group + "."
            for name, default in zip(names, defaults):
                written[name if "." in name else prefix + name] = default
    return written


def _value(text: str):
    first = text.split(" (")[0]
    if first.startswith("["):
        return [float(x) for x in first.strip("[]").split(",")]
    if first in ("true", "false"):
        return first == "true"
    if first == "null":
        return None
    if "/" in first:
        top, bottom = first.split("/")
        return float(top) / float(bottom)
    return float(first)


def test_the_scenario_docs_tables_name_every_parameter_with_its_default():
    """docs/scenarios.md's parameter tables list every field of the five groups, each with the
    schema's default (the registry's, for a parameter with a range)."""
    written = _scenarios_tables()
    fields = {f"{g}.{n}": field for g, f in Parameters.model_fields.items()
              for n, field in getattr(f.annotation, "model_fields", {}).items()}
    missing = sorted(set(fields) - set(written))
    assert not missing, f"docs/scenarios.md has no row for {missing}"
    for path, text in written.items():
        default = fields[path].get_default(call_default_factory=True)
        default = list(default) if isinstance(default, tuple) else default
        if isinstance(default, dict):
            continue  # pact_weights: by kind, held by tests/test_registries.py
        if default is None:  # a field that is unset by default (joining.coefficients: the shipped fit)
            assert _value(text) is None, f"{path}: docs say {text}, the schema None"
            continue
        assert _value(text) == pytest.approx(default), f"{path}: docs say {text}, the schema {default}"
        if path in REGISTRY:
            assert REGISTRY[path].default == pytest.approx(_value(text))
