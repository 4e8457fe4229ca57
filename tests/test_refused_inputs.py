"""Inputs that were accepted without a word and are now refused before any work, with file, line
and field, exit status 2: a state claiming itself, contradictory claims, `protects` naming
non-members or nobody (in a pact, a guarantee, a patron pact and through `amend_alliance`), pact
counts given as booleans or text, and positions whose timing does not hold (`deploy` with `lat`
and no `lon`, a `withdraw` before the `deploy` it undoes), and bad rows of a world's claims.csv."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from sim.cli.main import main
from sim.execution.runner import run
from sim.scenario.loading import load_scenario

CASES = {
    "self_claim": ("claims:\n  - {claimant: CHN, target: CHN, value: 1.0}\n", 3, "claims itself"),
    "conflicting_claims": ("claims:\n  - {claimant: CHN, target: JPN, value: 1.0}\n"
                           "  - {claimant: CHN, target: JPN, value: 0.5}\n", 4, "already gives CHN's claim on JPN"),
    "protects_non_member": ("alliances:\n  D1: {type: defence, members: [USA, JPN], protects: [KOR]}\n", 3,
                            "'KOR' is not a member of the pact"),
    "protects_nobody": ("alliances:\n  D1: {type: defence, members: [USA, JPN], protects: []}\n", 3, "names nobody"),
    "guarantee_of_a_non_member": ("alliances:\n  G1: {type: guarantee, members: [GBR, FRA], protects: [BEL]}\n", 3,
                                  "'BEL' is not a member"),
    "patron_without_client": ("alliances:\n  P1: {type: patron, members: [USA, TWN]}\n", 3,
                              "a patron pact names its client in `protects`"),
    "patron_of_a_non_member": ("alliances:\n  P1: {type: patron, members: [USA, TWN], protects: [PHL]}\n", 3,
                               "'PHL' is not a member"),
    "amend_protects_non_member": ("timeline:\n  - {at: 10, do: amend_alliance, pact: TRA, set: {protects: [JPN]}}\n",
                                  3, "'JPN' is not a member of the pact (members: USA, TWN)"),
    "amend_protects_nobody": ("timeline:\n  - {at: 10, do: amend_alliance, pact: NATO, set: {protects: []}}\n", 3,
                              "names nobody"),
    "amend_patron_to_nobody": ("timeline:\n  - {at: 10, do: amend_alliance, pact: TRA, set: {protects: null}}\n", 3,
                               "a patron pact names its client"),
    "min_attackers_boolean": ("alliances:\n  D1: {type: defence, members: [USA, JPN], min_attackers: true}\n", 3,
                              "valid integer (got True)"),
    "min_attackers_text": ("alliances:\n  D1: {type: defence, members: [USA, JPN], min_attackers: '2'}\n", 3,
                           "valid integer (got '2')"),
    "trigger_level_text": ("alliances:\n  D1: {type: defence, members: [USA, JPN], trigger_level: '4'}\n", 3,
                           "valid integer (got '4')"),
    "trigger_level_boolean": ("alliances:\n  D1: {type: defence, members: [USA, JPN], trigger_level: false}\n", 3,
                              "valid integer (got False)"),
    "deploy_lat_without_lon": ("timeline:\n  - {at: 5, do: deploy, actor: USA, location: Poznan, personnel: 1000, "
                               "lat: 52.4}\n", 3, "'lat' without 'lon'"),
    "withdraw_before_deploy": ("timeline:\n  - {at: 10, do: withdraw, actor: USA, location: Rzeszow}\n"
                               "  - {at: 20, do: deploy, actor: USA, location: Rzeszow, personnel: 900, lat: 50.0, "
                               "lon: 22.0}\n", 3, "only by a deploy on day 20, not surely before this withdraw"),
    "reinforce_before_deploy": ("timeline:\n  - {at: [5, 30], do: deploy, actor: USA, location: Rzeszow, "
                                "personnel: 900, lat: 50.0, lon: 22.0}\n"
                                "  - {at: 20, do: deploy, actor: USA, location: Rzeszow, personnel: 100}\n", 4,
                                "only by a deploy on day 30"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_refused_with_file_line_and_field(name, tmp_path, capsys):
    body, line, message = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"name: {name}\n{body}")
    with contextlib.chdir(tmp_path):
        assert main(["validate", path.name]) == 2
    err = capsys.readouterr().err
    assert f"{path.name}:{line}:" in err and message in err, err
    assert "Traceback" not in err


def test_what_is_allowed_still_runs(tmp_path):
    """The same inputs done right: equal duplicate claims, a member protected after it joins,
    a withdraw after its deploy, a reinforcement of a deployed position: they load and run."""
    scenario = load_scenario({
        "name": "fine", "horizon_days": 60,
        "claims": [{"claimant": "CHN", "target": "JPN", "value": 0.5}, {"claimant": "CHN", "target": "JPN", "value": 0.5}],
        "timeline": [
            {"at": 5, "do": "join_alliance", "actor": "JPN", "pact": "TRA"},
            {"at": 10, "do": "amend_alliance", "pact": "TRA", "set": {"protects": ["TWN", "JPN"]}},
            {"at": 5, "do": "deploy", "actor": "USA", "location": "Rzeszow", "personnel": 900, "lat": 50.0, "lon": 22.0},
            {"at": 6, "do": "deploy", "actor": "USA", "location": "Rzeszow", "personnel": 100},
            {"at": 30, "do": "withdraw", "actor": "USA", "location": "Rzeszow"},
        ]})
    result = run(scenario, replications=2, seed=1)
    assert len(result.summary["rep"]) == 2


def _world(folder: Path, claims: str) -> Path:
    folder.mkdir()
    (folder / "states.csv").write_text("id,lat,lon,power\nAAA,0,0,10\nBBB,0,10,5\nCCC,10,0,5\n")
    (folder / "claims.csv").write_text(claims)
    scenario = folder.parent / f"{folder.name}.yaml"
    scenario.write_text(f"name: {folder.name}\nworld: {folder.name}/states.csv\n")
    return scenario


@pytest.mark.parametrize("row, column, message", [
    ("AAA,AAA,0.5", 5, "claims itself"),
    ("AAA,ZZZ,0.5", 5, "unknown state 'ZZZ'"),
    ("AAA,BBB,1.5", 9, "'1.5' is not a stake"),
    ("AAA,BBB,nan", 9, "'nan' is not a stake"),
])
def test_a_world_folders_claims_are_checked_with_file_line_column(tmp_path, capsys, row, column, message):
    scenario = _world(tmp_path / "w", f"claimant,target,stake_value\nBBB,CCC,0.4\n{row}\n")
    assert main(["validate", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert f"w/claims.csv:3:{column}:" in err and message in err, err


def test_a_world_folders_claims_are_read_into_the_scenario(tmp_path):
    """Two claims on one pair combine; a claim on a state the scenario removes goes with it."""
    scenario = _world(tmp_path / "w", "claimant,target,stake_value,object\nAAA,BBB,0.5,x\nAAA,BBB,0.5,y\nCCC,AAA,0.2,z\n")
    loaded = load_scenario(scenario)
    assert [(c.claimant, c.target, c.value) for c in loaded.world_claims] == [
        ("AAA", "BBB", 0.5), ("AAA", "BBB", 0.5), ("CCC", "AAA", 0.2)]
    assert [c.object for c in load_scenario(scenario, ["states.CCC=null"]).world_claims] == ["x", "y"]
