"""The package layout is the architecture: imports flow one way, input -> model -> engine ->
execution -> analysis -> cli, and no module imports another that (transitively) imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"
LAYERS = ["scenario", "model", "kernel", "engine", "execution", "sweeps", "analysis", "plot", "cli"]
FACADES = {"sim", "sim.__main__"}  # the lazy public API and `python -m sim` sit above everything


def _module(path: Path) -> str:
    parts = list(path.relative_to(SIM.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every sim module that `path` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("sim.")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("sim"):
            found.add(node.module)
    return found


GRAPH = {_module(p): _imports(p) for p in sorted(SIM.rglob("*.py")) if "data" not in p.relative_to(SIM).parts}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_belongs_to_a_layer():
    """A newcomer finds a concept by its folder: no module floats beside the packages."""
    loose = [m for m in GRAPH if _layer(m) is None and m not in FACADES | {"sim._version"}]
    assert not loose, f"modules outside the layered packages: {loose}"


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m not in FACADES))
def test_imports_flow_downward(module):
    """A module imports only its own package or the layers below it."""
    upward = [t for t in GRAPH[module] if t != "sim" and (_layer(t) or 0) > (_layer(module) or 0)]
    assert not upward, f"{module} imports upward: {upward} (layers, bottom to top: {LAYERS})"


def test_no_import_cycles():
    """No module reaches itself through the imports of others."""
    def reach(start: str) -> set[str]:
        seen, stack = set(), [start]
        while stack:
            for nxt in GRAPH.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen
    cycles = sorted(m for m in GRAPH if m not in FACADES and m in reach(m))
    assert not cycles, f"modules on an import cycle: {cycles}"


def test_the_checker_sees_upward_imports():
    """The test itself works: the CLI imports the engine's layers, never the reverse."""
    assert _layer("sim.cli.main") > _layer("sim.engine.simulation") > _layer("sim.scenario.schema")
    assert any(t.startswith("sim.scenario") for t in GRAPH["sim.scenario.loading"] | GRAPH["sim.execution.runner"])


def _attributes(path: Path) -> set[str]:
    return {node.attr for node in ast.walk(ast.parse(path.read_text(), str(path))) if isinstance(node, ast.Attribute)}


@pytest.mark.parametrize("module", ["alliances", "actions", "standing", "termination"])
def test_the_model_acts_on_the_typed_state_and_never_reads_the_recorder(module):
    """alliances, actions, standing acts and war termination reach a replication only through
    `ReplicationState` (mypy checks the names), and the recorder is not one of them: the model
    logs, the recorder observes; nor do they reach the engine's setup or structure."""
    from sim.model.state import ReplicationState

    used = _attributes(SIM / "model" / f"{module}.py")
    assert "rec" not in used and "setup" not in used and "structure" not in used
    assert "rec" not in ReplicationState.__dict__ and "log" in ReplicationState.__dict__
