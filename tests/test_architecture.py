"""The package layout is the architecture: imports flow one way, input -> model -> engine ->
execution -> analysis -> history -> cli, and no module imports another that (transitively) imports it."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest

SIM = Path(__file__).resolve().parents[1] / "sim"
LAYERS = ["scenario", "model", "kernel", "engine", "execution", "sweeps", "analysis", "history", "plot", "cli"]
FACADES = {"sim", "sim.__main__"}  # the lazy public API and `python -m sim` sit above everything


def _module(path: Path, root: Path = SIM) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
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


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the sim modules it imports, for the package at `root` (its data folder aside)."""
    return {_module(p, root): _imports(p) for p in sorted(root.rglob("*.py")) if "data" not in p.relative_to(root).parts}


GRAPH = import_graph(SIM)


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def upward_imports(graph: dict[str, set[str]], module: str) -> list[str]:
    """The modules `module` imports from a layer above its own."""
    return sorted(t for t in graph[module] if t != "sim" and (_layer(t) or 0) > (_layer(module) or 0))


def cyclic_modules(graph: dict[str, set[str]]) -> list[str]:
    """The modules that reach themselves through the imports of others."""
    def reach(start: str) -> set[str]:
        seen, stack = set(), [start]
        while stack:
            for nxt in graph.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen
    return sorted(m for m in graph if m not in FACADES and m in reach(m))


def test_every_module_belongs_to_a_layer():
    """A newcomer finds a concept by its folder: no module floats beside the packages."""
    loose = [m for m in GRAPH if _layer(m) is None and m not in FACADES | {"sim._version"}]
    assert not loose, f"modules outside the layered packages: {loose}"


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m not in FACADES))
def test_imports_flow_downward(module):
    """A module imports only its own package or the layers below it."""
    upward = upward_imports(GRAPH, module)
    assert not upward, f"{module} imports upward: {upward} (layers, bottom to top: {LAYERS})"


def test_no_import_cycles():
    """No module reaches itself through the imports of others."""
    cycles = cyclic_modules(GRAPH)
    assert not cycles, f"modules on an import cycle: {cycles}"


def _copy_of_the_package(folder: Path) -> Path:
    copy = folder / "sim"
    shutil.copytree(SIM, copy, ignore=shutil.ignore_patterns("data", "*.so", "*.c", "__pycache__"))
    return copy


def _flagged(graph: dict[str, set[str]]) -> dict[str, list[str]]:
    return {m: up for m in graph if m not in FACADES and (up := upward_imports(graph, m))}


def test_the_checker_catches_a_planted_upward_import(tmp_path):
    """The test itself works: in a copy of the package, an engine module that imports the CLI (inside
    a function, where it would not fail at import time) is caught, and nothing else is."""
    copy = _copy_of_the_package(tmp_path)
    assert _flagged(import_graph(copy)) == {}
    recording = copy / "engine" / "recording.py"
    recording.write_text(recording.read_text() + "\n\ndef _late():\n    from sim.cli.main import main\n    return main\n")
    assert _flagged(import_graph(copy)) == {"sim.engine.recording": ["sim.cli.main"]}


def test_the_checker_catches_a_planted_import_cycle(tmp_path):
    """Two model modules that import each other (one by `import`, one by `from`) are the cycle found."""
    copy = _copy_of_the_package(tmp_path)
    assert cyclic_modules(import_graph(copy)) == []
    (copy / "model" / "ping.py").write_text("import sim.model.pong\n")
    (copy / "model" / "pong.py").write_text("from sim.model.ping import x\n")
    assert cyclic_modules(import_graph(copy)) == ["sim.model.ping", "sim.model.pong"]


def _attributes(path: Path) -> set[str]:
    return {node.attr for node in ast.walk(ast.parse(path.read_text(), str(path))) if isinstance(node, ast.Attribute)}


@pytest.mark.parametrize("module", ["alliances", "actions", "attacks", "standing", "termination", "alignment",
                                    "answers", "joining"])
def test_the_model_acts_on_the_typed_state_and_never_reads_the_recorder(module):
    """The behaviour modules reach a replication only through `ReplicationState` (mypy checks the
    names), and the recorder is not one of them: the model logs, the recorder observes; nor do they
    reach the engine's setup or structure, or SimPy's environment (time and scheduling are `clock`'s)."""
    from sim.model.replication import ReplicationState

    used = _attributes(SIM / "model" / f"{module}.py")
    assert "rec" not in used and "setup" not in used and "structure" not in used and "env" not in used
    assert "rec" not in ReplicationState.__dict__ and "log" in ReplicationState.__dict__


def test_the_protocol_the_model_sees_stays_small():
    """`ReplicationState` is a small, named surface: related members are grouped (`clock`, `forces`,
    `ties`, `memory`, `streams`, `conflict`) rather than added one by one. A new member must take the
    place of one, or join a group."""
    from sim.model.replication import ReplicationState

    members = set(ReplicationState.__annotations__) | {k for k in vars(ReplicationState) if not k.startswith("_")}
    assert len(members) <= 15, sorted(members)
    assert not {"motives", "wars", "war_over", "desperation"} & members  # the war-facing ones are `conflict`'s
    assert not {"env", "spawn", "alarm"} & members  # time and scheduling are `clock`'s


PACKAGES = sorted(p for p in SIM.rglob("*") if p.is_dir() and "data" not in p.relative_to(SIM).parts
                  and p.name != "__pycache__" and any(p.glob("*.py")))


@pytest.mark.parametrize("folder", PACKAGES, ids=lambda p: _module(p / "__init__.py"))
def test_every_package_is_explicit_and_its_public_names_exist(folder):
    """Each folder of modules is a regular package (an `__init__.py` with a docstring saying what the
    layer is), and each name in its `__all__` is one of its modules or attributes."""
    import importlib

    assert (folder / "__init__.py").is_file(), f"{folder} is an implicit namespace package"
    package = importlib.import_module(_module(folder / "__init__.py"))
    assert package.__doc__ and package.__file__
    modules = {p.stem for p in folder.glob("*.py")} | {p.name for p in folder.iterdir() if (p / "__init__.py").exists()}
    missing = [n for n in getattr(package, "__all__", []) if n not in modules and not hasattr(package, n)]
    assert not missing, f"{package.__name__}.__all__ names nothing called {missing}"


def test_the_install_finds_every_package_and_the_data():
    """pyproject.toml's package discovery takes every package and the data folders (package data)."""
    import tomllib

    setuptools = pytest.importorskip("setuptools")
    config = tomllib.loads((SIM.parent / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = set(setuptools.find_namespace_packages(str(SIM.parent), include=config["packages"]["find"]["include"]))
    assert {_module(p / "__init__.py") for p in PACKAGES} | {"sim.data.world_2022", "sim.data.calibration"} <= found
    assert config["package-data"]["sim"] == ["data/**/*", "py.typed", "plot/templates/*.j2"]  # the report's page template


HISTORY = re.compile(r"\bissue \d+|\bmodel v[12]\b|\bv[12]'s\b|\bthe v1\b|\bpart [12] \(", re.IGNORECASE)


def test_the_code_carries_no_project_history():
    """Comments and docstrings of the package and the benchmarks say what the code is, not which
    issue or model version brought it (git keeps the history)."""
    files = [*sorted(SIM.rglob("*.py*")), *sorted((SIM.parent / "benchmarks").glob("*.py"))]
    notes = [f"{p.relative_to(SIM.parent)}:{n}: {line.strip()}" for p in files
             if p.suffix in (".py", ".pyx") and "data" not in p.relative_to(SIM.parent).parts
             for n, line in enumerate(p.read_text().splitlines(), 1) if HISTORY.search(line)]
    assert not notes, "\n".join(notes)


def test_docs_list_every_module():
    """docs/architecture.md names every module of every package (by file name, under its package)."""
    text = (SIM.parent / "docs" / "architecture.md").read_text()
    missing = [m for m in GRAPH if m not in FACADES and "." in m.removeprefix("sim.")
               and f"{m.rsplit('.', 1)[1]}.py" not in text and f"{m.rsplit('.', 1)[1]}/" not in text]
    assert not missing, f"docs/architecture.md does not name {missing}"
