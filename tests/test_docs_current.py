"""Docs that went stale (issue 11, item 17): defaults quoted in the shipped sweep files, run times,
and the licence field's form."""

from __future__ import annotations

import re
import tomllib

from sim.scenario.loading import load_scenario
from tests.test_cli_input import ROOT


def _default(path: str):
    node = load_scenario({"name": "d", "world": "empty"}).model_dump()
    for part in path.split("."):
        node = node[part]
    return node


def test_defaults_quoted_in_the_shipped_sweep_files_are_the_schemas():
    quoted = 0
    for sweep in (ROOT / "scenarios" / "sweeps").glob("*.yaml"):
        lines = sweep.read_text().splitlines()
        for comment, line in zip(lines, lines[1:]):
            found = re.search(r"\(default ([0-9.]+)\)", comment)
            path = re.match(r"\s+(parameters\.[\w.]+):", line)
            if found and path:
                assert float(found.group(1)) == _default(path.group(1)), (sweep.name, path.group(1))
                quoted += 1
    assert quoted >= 4


def test_no_doc_quotes_the_old_run_times():
    for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        assert "20-25 s" not in doc.read_text(), doc.name


def test_the_licence_is_an_spdx_expression():
    """setuptools deprecates the `license = {text = ...}` table (PEP 639)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "MIT"
    assert any(r.startswith("setuptools>=77") for r in project["build-system"]["requires"])


def test_the_readme_lists_every_summary_column():
    """The outputs table names every column summary.csv has (sim.engine.metrics), in order."""
    from sim.engine.metrics import DYAD_METRICS, STATE_METRICS, SUMMARY_METRICS

    row = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| `summary.csv`"))
    expected = [*SUMMARY_METRICS, *(f"{w.prefix}A_B" for w in DYAD_METRICS), *(f"{w.prefix}X" for w in STATE_METRICS)]
    listed = re.findall(r"[a-z_]+(?:A_B|X)?\b", " ".join(re.findall(r"`([^`]+)`", row)[1:]))
    assert [c for c in listed if c not in ("rep", "seed")] == expected


def test_no_scenario_comment_quotes_a_reliability_the_pact_does_not_have():
    """A comment saying a pact "stays at" or defaults to a reliability must match the loaded value."""
    from sim.scenario.loading import load_scenario

    quad = load_scenario(ROOT / "scenarios" / "quad_defence_pact.yaml").alliances["QUAD"].reliability
    for path in [ROOT / "scenarios" / "quad_defence_pact.yaml", ROOT / "scenarios" / "sweeps" / "quad_reliability.yaml"]:
        comments = " ".join(line for line in path.read_text().splitlines() if line.startswith("#"))
        quoted = {float(x) for x in re.findall(r"(?:stays at|default|reliability is)[^0-9]{0,40}([01]\.[0-9]+)", comments)}
        assert quoted == {quad}, (path.name, quoted, quad)


def test_the_run_every_scenario_loop_does_not_write_into_the_quick_starts_folder():
    loop = next(line for line in (ROOT / "docs" / "scenarios.md").read_text().splitlines()
                if line.startswith("for f in scenarios/*.yaml"))
    out = re.search(r"--out (\S+)", loop).group(1)
    assert out.startswith("results/") and out.replace("$(basename $f .yaml)", "baseline_2022") != "results/baseline_2022"
