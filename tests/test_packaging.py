"""Packaging promises: the declared licence ships as a file, the package is typed (PEP 561), the
extras are what their names say, and the build and the run agree on numpy."""

from __future__ import annotations

import re
import tomllib

from tests.test_cli_input import ROOT

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
BUILD = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]


def _names(requirements: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.-]+", r).group(0).lower() for r in requirements}


def test_the_mit_licence_ships_as_a_file():
    text = (ROOT / "LICENSE").read_text()
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    assert text.startswith("MIT License") and "alliance-sim contributors" in text
    assert "WITHOUT WARRANTY OF ANY KIND" in text


def test_the_package_is_typed():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert (ROOT / "sim" / "py.typed").is_file() and "py.typed" in setuptools["package-data"]["sim"]


def test_extras_test_without_linters_dev_with_them_none_empty():
    extras = PROJECT["optional-dependencies"]
    assert all(extras.values()), f"empty extras: {[k for k, v in extras.items() if not v]}"
    assert not _names(extras["test"]) & {"ruff", "mypy"}
    assert {"ruff", "mypy"} <= _names(extras["dev"])
    assert "pyarrow" in _names(extras["test"]) and _names(extras["parquet"]) == {"pyarrow"}


def test_build_and_run_numpy_floors_agree():
    floor = {r.split(">=")[1].split(",")[0] for r in [*BUILD, *PROJECT["dependencies"]] if r.startswith("numpy")}
    assert len(floor) == 1, f"numpy floors differ between the build and the run: {floor}"


def test_ci_installs_as_the_readme_says_then_the_linters():
    readme_command = re.search(r"^    (python3 -m pip install -e \"\.\[test\]\") && python3 -m pytest -q$",
                               (ROOT / "README.md").read_text(), re.M).group(1)
    installs = [line.split("  #")[0] for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.startswith("python3 -m pip install")]
    assert installs[0] == readme_command
    assert any('".[test,dev]"' in line or '".[dev]"' in line for line in installs[1:])
