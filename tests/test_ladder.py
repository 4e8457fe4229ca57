"""The ladder and the event kinds are declared once (sim/model/ladder.py): the compiled kernel's
constants, the schema's bounds and names, the docs and every logged kind agree with it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from factories import tiny

from sim.execution.runner import run_replication
from sim.model import ladder
from sim.model.ladder import EVENT_KINDS, LEVEL_NAMES, Kind, Level
from sim.scenario import schema
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _kernel_enum() -> dict[str, int]:
    """The `cdef enum:` block of sim/kernel/_kernel.pyx, as name -> value."""
    text = (ROOT / "sim" / "kernel" / "_kernel.pyx").read_text()
    block = re.search(r"^cdef enum:\n((?:    \w+ = \d+\n)+)", text, re.M)
    assert block, "no `cdef enum:` block in _kernel.pyx"
    return {name: int(value) for name, value in re.findall(r"(\w+) = (\d+)", block.group(1))}


def test_the_kernels_constants_are_the_ladders():
    assert _kernel_enum() == {"MOBILISE": Level.MOBILISATION, "CLASH": Level.CLASH, "LEVELS": len(Level)}


def test_the_schemas_bounds_and_names_are_the_ladders():
    """The scenario layer sits below the model, so it keeps its own bounds: held equal here."""
    def bounds(model, name: str) -> tuple[int, int]:
        meta = {type(m).__name__: m for m in model.model_fields[name].metadata}
        return meta["Ge"].ge, meta["Le"].le

    assert schema.LEVELS == LEVEL_NAMES and len(LEVEL_NAMES) == len(Level)
    assert bounds(schema.PostureAction, "level") == (Level.NORMAL, Level.NUCLEAR)
    assert bounds(schema.AttackAction, "level") == (Level.CLASH, Level.NUCLEAR)
    assert schema.AttackAction.model_fields["level"].default == Level.CLASH
    assert bounds(schema.PactSpec, "trigger_level") == (Level.MOBILISATION, Level.CLASH)
    assert schema.PactSpec.model_fields["trigger_level"].default == Level.CLASH


def test_the_plain_ints_are_the_levels():
    assert (ladder.MOBILISATION, ladder.CLASH, ladder.WAR, ladder.NUCLEAR) == (4, 5, 6, 7) == tuple(Level)[4:]
    assert type(ladder.CLASH) is int and ladder.TOP == max(Level)


def _literal_kinds() -> list[str]:
    """Calls of `.log(cause, KIND, ...)` or `.act(i, j, level, KIND, ...)` anywhere in sim/ whose kind is
    a string literal (not routed through the registry)."""
    found = []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                position = {"log": 1, "act": 3}.get(node.func.attr)
                if position is not None and len(node.args) > position:
                    arg = node.args[position]
                    if isinstance(arg, ast.Constant | ast.JoinedStr):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_module_logs_a_kind_outside_the_registry():
    assert not _literal_kinds()


def test_every_kind_a_run_logs_is_registered():
    """An attack on a pact member with consultation and endogenous alignment on logs many kinds; each is
    registered (a planted unknown kind is not)."""
    pact = dict(type="defence", clauses=["consultation"], members=["BBB", "CCC"], reliability=0.5,
                consultation_days=1, mobilisation_days=1)
    scenario = tiny(alliances={"PACT": pact}, horizon_days=400,
                    timeline=[{"at": 1, "do": "attack", "actor": "AAA", "target": "BBB"}],
                    parameters={"alliances": {"endogenous": True, "alignment_interval_days": 30}})
    kinds = {e.kind for seed in range(4) for e in run_replication(load_scenario(scenario), seed, seed).events}
    assert {"scenario.attack", Kind.INVOCATION, Kind.SELF_DEFENCE} <= kinds
    assert all(ladder.is_registered(k) for k in kinds), kinds - set(Kind)
    assert not ladder.is_registered("invasion") and not ladder.is_registered("scenario.")


def test_every_kind_is_documented_once_in_the_registry_and_the_docs():
    assert {k.kind for k in EVENT_KINDS} == set(Kind) | {"scenario.<do>"}
    assert all(k.cause in ("always", "never", "if any") for k in EVENT_KINDS)
    assert ladder.markdown_table() in (ROOT / "docs" / "architecture.md").read_text()


@pytest.mark.parametrize("kind", sorted(Kind))
def test_a_kind_is_written_as_its_name(kind):
    """events.csv holds the plain name (a StrEnum member formats as its value)."""
    from sim.engine.tables import format_value

    assert format_value(kind) == str(kind) == kind.value
