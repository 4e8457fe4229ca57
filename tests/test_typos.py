"""Typos that used to pass validation (issue 11, item 2): a misspelt pact id made an empty pact, a
misspelt region tag made a treaty that could never apply; and states named by their COW code or
English name (`ROK`, `South Korea`) are accepted as the state they name."""

from __future__ import annotations

import pytest

from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario
from sim.scenario.pactkinds import PACT_KINDS
from tests.test_cli_input import cli


def errors(tmp_path, text: str, overrides=None) -> list[str]:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(InputErrors) as caught:
        load_scenario(path, overrides)
    return [str(e) for e in caught.value.errors]


def test_a_misspelt_pact_id_is_an_error_with_the_pact_meant(tmp_path):
    found = errors(tmp_path, "name: s\nalliances:\n  QAUD: {type: defence}\n")
    assert found == [f"{tmp_path}/s.yaml:3:3: alliances.QAUD: 'QAUD' is not a pact of world_2022 "
                     "(did you mean 'QUAD'?): a new pact needs at least two members"]


def test_a_set_that_makes_an_empty_pact_exits_2(tmp_path):
    (tmp_path / "s.yaml").write_text("name: s\n")
    result = cli("validate", str(tmp_path / "s.yaml"), "--set", "alliances.QAUD.type=defence")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "alliances.QAUD: 'QAUD' is not a pact of world_2022 (did you mean 'QUAD'?)" in result.stderr


def test_a_new_pact_that_says_what_it_is_loads(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nalliances:\n  PACT: {type: consultation, members: [USA, IND]}\n")
    assert load_scenario(path).alliances["PACT"].members == ["USA", "IND"]
    found = errors(tmp_path, "name: s\nalliances:\n  PACT: {members: [USA, IND]}\n")
    assert found[0].endswith(f"a new pact needs its type ({', '.join(k.name for k in PACT_KINDS)})")


@pytest.mark.parametrize("where", [
    "alliances:\n  QUAD: {regions: [indo_pacfic]}\n",
    "timeline:\n  - {at: 1, do: amend_alliance, pact: QUAD, set: {regions: [indo_pacfic]}}\n",
    "timeline:\n  - {at: 1, do: create_alliance, pact: P, alliance: {members: [USA, JPN], regions: [indo_pacfic]}}\n",
])
def test_a_region_no_place_carries_is_an_error(tmp_path, where):
    found = errors(tmp_path, "name: s\n" + where)
    assert len(found) == 1
    assert "no state or territory carries the region 'indo_pacfic' (did you mean 'indo_pacific'?)" in found[0]


def test_cow_codes_and_english_names_name_states(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("name: s\nalliances:\n  QUAD: {members: [USA, JPN, IND, AUS, ROK, New Zealand]}\n"
                    "timeline:\n  - {at: 1, do: attack, actor: DPRK, target: ROK}\n"
                    "watch: {states: [UKG]}\n")
    scenario = load_scenario(path)
    assert scenario.alliances["QUAD"].members == ["USA", "JPN", "IND", "AUS", "KOR", "NZL"]
    assert (scenario.timeline[0].actor, scenario.timeline[0].target) == ("PRK", "KOR")
    assert scenario.watch.states == ["GBR"]


def test_an_unknown_code_suggests_the_state_it_names(tmp_path):
    """`rok` (any case) suggests KOR, not the nearest spelling ROU."""
    found = errors(tmp_path, "name: s\nwatch: {states: [rok]}\nstates:\n  ROK: {power: 3}\n")
    assert "watch.states[0]: unknown state 'rok' (did you mean 'KOR'?)" in found[0]
    assert "states.ROK: 'ROK' is not a state of world_2022 (did you mean 'KOR'?)" in found[1]


def test_errors_number_a_child_files_actions_within_that_file(tmp_path):
    """The first action of a file that extends baseline_2022 is its timeline[0] (item 16)."""
    parent = tmp_path / "parent.yaml"
    parent.write_text("name: p\ntimeline:\n  - {at: 1, do: name_threat, actor: NATO, target: CHN}\n"
                      "  - {at: 2, do: name_threat, actor: NATO, target: CHNN}\n")
    found = errors(tmp_path, "name: s\nextends: parent.yaml\ntimeline:\n"
                   "  - {at: 3, do: attack, actor: RUS, target: ESTT}\n  - {at: 4, do: attack, actor: RUSS, target: EST}\n")
    assert [e.split(": ")[1] for e in found] == ["timeline[1].target", "timeline[0].target", "timeline[1].actor"]
    assert found[0].startswith(f"{parent}:4:") and found[1].startswith(f"{tmp_path}/s.yaml:4:")


COW = ("name: s\nworld: cow_1950\nhorizon_days: 10\nalliances:\n"
       "  NEW: {type: defence, members: [GBR, FRN], regions: [%s]}\n")


def test_a_cow_world_takes_its_region_tags_and_rejects_a_misspelt_one(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(COW % "europe")
    assert load_scenario(path).alliances["NEW"].regions == ["europe"]
    found = errors(tmp_path, COW % "europ")
    assert len(found) == 1 and "no state or territory carries the region 'europ' (did you mean 'europe'?)" in found[0]
    assert "regions: africa, americas, asia_oceania, europe, middle_east" in found[0]


def test_a_cow_world_reads_2022_ids_and_names_as_aliases_but_never_a_cow_abbreviation(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(COW % "europe" + "timeline:\n  - {at: 1, do: join_alliance, actor: South Korea, pact: NEW}\n")
    scenario = load_scenario(path)
    assert scenario.alliances["NEW"].members == ["UKG", "FRN"]  # GBR is the 2022 id of UKG
    assert scenario.timeline[0].actor == "ROK"
    # AUS is COW's Austria (not a member in 1950), never the 2022 world's Australia (COW's AUL)
    found = errors(tmp_path, COW.replace("GBR", "AUS") % "europe")
    assert len(found) == 1 and "'AUS'" in found[0]
