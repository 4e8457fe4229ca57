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
