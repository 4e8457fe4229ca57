"""`states`, `pacts` and `scenarios` as a table (never broken mid-word when piped), CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from sim.cli.main import main
from sim.scenario.loading import load_scenario
from sim.scenario.worlddata import load_world
from tests.test_cli_input import ROOT


def out_of(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_states_piped_keeps_every_row_on_one_line(capsys):
    """Captured output is not a terminal: the table is printed at its natural width."""
    text = out_of(capsys, "states")
    world = load_world("world_2022")
    lines = text.splitlines()
    for sid, state in world.states.items():
        row = [line for line in lines if line.startswith(f"│ {sid} ")]
        assert len(row) == 1 and f" {state['name']} " in row[0], sid
    assert len({len(line) for line in lines[1:]}) == 1  # the box's lines all the same width
    assert all(line == line.rstrip() for line in lines)


@pytest.mark.parametrize("command", [["states"], ["pacts"], ["pacts", "--scenario", "quad_defence_pact"],
                                     ["scenarios", "--dir", str(ROOT / "scenarios")]])
def test_csv_and_json_hold_the_same_rows(capsys, command):
    rows = list(csv.DictReader(io.StringIO(out_of(capsys, *command, "--format", "csv"))))
    assert rows and rows == json.loads(out_of(capsys, *command, "--format", "json"))


def test_the_rows_are_the_data(capsys):
    states = {r["id"]: r for r in csv.DictReader(io.StringIO(out_of(capsys, "states", "--format", "csv")))}
    world = load_world("world_2022")
    assert set(states) == set(world.states) and states["USA"]["name"] == "United States"
    assert float(states["USA"]["power (US$ bn)"]) == pytest.approx(world.states["USA"]["power"], rel=1e-5)
    pacts = {r["id"]: r for r in json.loads(out_of(capsys, "pacts", "--scenario", "quad_defence_pact",
                                                   "--format", "json"))}
    quad = load_scenario("quad_defence_pact").alliances["QUAD"]  # a dialogue until the scenario's day-0 amendment
    assert pacts["QUAD"]["type"].startswith(quad.type) and pacts["QUAD"]["reliability"] == f"{quad.reliability:g}"
    assert pacts["QUAD"]["members"].count(",") + 1 == len(quad.members)


def test_scenarios_json_gives_whole_descriptions_and_lists_broken_files(capsys, tmp_path):
    (tmp_path / "ok.yaml").write_text("name: ok\ndescription: " + "word " * 60 + "[red]end\n")
    (tmp_path / "bad.yaml").write_text("a: [1\n")
    rows = {r["file"]: r for r in json.loads(out_of(capsys, "scenarios", "--dir", str(tmp_path), "--format", "json"))}
    assert rows["ok.yaml"]["description"].endswith("word [red]end") and rows["bad.yaml"]["description"].startswith(
        "unreadable")
    table = out_of(capsys, "scenarios", "--dir", str(tmp_path))
    assert "ok.yaml" in table and " ..." in table and "unreadable" in table
