"""Shipped scenarios by name from any folder (issue 11, item 7). That an installed package holds
them is checked by tests/smoke_base_install.sh (which runs `alliance-sim run NAME` from an empty folder)."""

from __future__ import annotations

import sim
from sim.scenario.shipped import shipped_names
from tests.test_cli_input import ROOT, cli


def test_a_shipped_scenario_loads_by_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sim.load_scenario("baseline_2022").name == "baseline_2022"
    assert "sweeps/quad_reliability" in shipped_names() and "taiwan_strait_war" in shipped_names()


def test_commands_take_names_outside_the_project(tmp_path):
    listing = cli("scenarios", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert "baseline_2022.yaml" in listing.stdout and str(ROOT / "scenarios") in listing.stdout.replace("\n", "")
    run = cli("run", "hawaii_strike", "--reps", "2", "--horizon", "20", "--quiet", "--out", "h", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "h" / "summary.csv").read_text().count("\n") == 3
    assert cli("validate", "sweeps/quad_reliability", "history/ukraine_2022", cwd=tmp_path).returncode == 0
    typo = cli("run", "hawai_strike", cwd=tmp_path)
    assert typo.returncode == 2 and "(did you mean 'hawaii_strike'?)" in typo.stderr
