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


@pytest.mark.parametrize("group", ranges.GROUPS)
def test_the_scenario_docs_tables_are_generated_from_the_schema_and_the_registry(group):
    """docs/scenarios.md's `parameters` tables are `python3 -m sim.scenario.ranges GROUP`'s: a field
    added, a default or a range changed, a description reworded, and this fails until the table is
    pasted again."""
    assert ranges.group_table(group) in (DOCS / "scenarios.md").read_text(), \
        f"docs/scenarios.md: paste the output of `python3 -m sim.scenario.ranges {group}`"


def test_a_group_table_has_a_row_for_every_field_with_its_default_and_range():
    """The generator itself: every field of the group, the schema's default as a scenario file writes
    it, and the registry's range where it has one."""
    for group in ranges.GROUPS:
        rows = [line.split(" | ") for line in ranges.group_table(group).splitlines()[2:]]
        fields = Parameters.model_fields[group].annotation.model_fields
        assert [r[0].strip("| `") for r in rows] == list(fields)
        for (name, default, span, meaning) in rows:
            path = f"{group}.{name.strip('| `')}"
            assert meaning.strip(" |")
            if path in REGISTRY:
                entry = REGISTRY[path]
                assert float(default) == pytest.approx(entry.default)
                assert span == f"{entry.low:g} - {entry.high:g} {entry.unit}"
            else:
                assert span == ""
    table = ranges.group_table("termination")
    assert "| `rate` | 0.00273973 |  |" in table and "| `truce_level` | 3 |  |" in table
    assert "| `consultation_levels` | [1, 3] |  |" in ranges.group_table("alliances")
    assert "| `coefficients` | null |  |" in ranges.group_table("joining")
    assert "| `endogenous` | false |  |" in ranges.group_table("alliances")


def test_the_command_prints_the_tables_and_refuses_an_unknown_group(capsys):
    assert ranges.main([]) == 0 and capsys.readouterr().out == ranges.markdown_table() + "\n"
    assert ranges.main(["nuclear"]) == 0 and capsys.readouterr().out == ranges.group_table("nuclear") + "\n"
    assert ranges.main(["nuke"]) == 2 and "unknown group 'nuke'" in capsys.readouterr().err
