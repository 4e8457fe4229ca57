"""The bundled 2022 world and users' own states CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sim.scenario.errors import InputErrors
from sim.scenario.schema import PactSpec, StateSpec
from sim.scenario.worlddata import bundled_worlds, load_world

REFERENCE = Path(__file__).resolve().parents[1] / "sim" / "data" / "world_2022" / "states.csv"


@pytest.fixture(scope="module")
def world():
    return load_world("world_2022")


def test_bundled_world_is_listed():
    """`world_2022` is a bundled dataset."""
    assert "world_2022" in bundled_worlds()


def test_55_states_and_13_pacts_load(world):
    """All 55 states of the reference table and the 13 commitments of 2022 load."""
    assert len(world.states) == 55
    assert sorted(world.pacts) == sorted(["NATO", "CSTO", "RUS_BLR", "ANZUS", "US_JPN", "US_ROK", "US_PHL",
                                          "CHN_PRK", "RUS_CHN", "TRA", "AUKUS", "QUAD", "FPDA"])


def test_every_state_and_pact_is_schema_valid(world):
    """The loader's dicts validate as StateSpec and PactSpec, with every state field given."""
    for state in world.states.values():
        spec = StateSpec.model_validate(state)
        assert None not in spec.model_dump().values()
    for pact in world.pacts.values():
        PactSpec.model_validate(pact)


def test_nato_has_the_30_members_with_an_accession_year(world):
    """NATO's members are exactly the states with `nato_accession` (Finland and Sweden not yet)."""
    with open(REFERENCE, newline="") as handle:
        acceded = {row["iso3"] for row in csv.DictReader(handle) if row["nato_accession"]}
    assert len(world.pacts["NATO"]["members"]) == 30
    assert set(world.pacts["NATO"]["members"]) == acceded
    assert "FIN" not in acceded and "SWE" not in acceded


def test_iceland_keeps_power_zero(world):
    """Iceland has no armed forces: its power stays 0, flagged as such."""
    assert world.states["ISL"]["power"] == 0.0
    assert world.info["ISL"]["milex_quality"] == "no_armed_forces"


def test_quality_flags_are_kept(world):
    """North Korea's figure is flagged as not from SIPRI; the USA's as verified."""
    assert world.info["PRK"]["milex_quality"] == "estimate_no_sipri"
    assert world.info["USA"]["milex_quality"] == "verified"


def test_state_defaults_and_regions(world):
    """Regions are split on `;`; offense and resolve take the neutral defaults."""
    turkey = world.states["TUR"]
    assert turkey["regions"] == ["europe", "middle_east"]
    assert turkey["offense"] == 1.0 and turkey["resolve"] == 0.5
    assert world.states["USA"]["nuclear"] is True and world.states["JPN"]["nuclear"] is False


def test_territories_attach_to_their_owner(world):
    """Hawaii lies in the Pacific only; the Okinawa base stands on Japanese soil."""
    usa = {t["name"]: t for t in world.states["USA"]["territories"]}
    assert usa["Hawaii"]["regions"] == ["pacific"]
    assert usa["Okinawa"]["soil"] == "JPN"
    assert "north_america" in usa["Alaska"]["regions"]
    gbr = world.states["GBR"]["territories"]
    assert gbr[0]["name"] == "Falklands" and gbr[0]["kind"] == "territory" and gbr[0]["personnel"] == 1100


def test_deployments_are_positions_of_their_owner_on_their_hosts_soil(world):
    """deployments.csv rows join their owner's places after territories.csv's, the host as soil;
    no figure stays empty (the model then assumes `perception.unknown_personnel`)."""
    usa = {t["name"]: t for t in world.states["USA"]["territories"]}
    korea = usa["Camp Humphreys (Pyeongtaek) and US Forces Korea"]
    assert (korea["soil"], korea["personnel"], korea["kind"]) == ("KOR", 25593, "base")
    kaliningrad = world.states["RUS"]["territories"][0]
    assert kaliningrad["name"].startswith("Kaliningrad") and "personnel" not in kaliningrad
    assert sum(len(s["territories"]) for s in world.states.values()) == 5 + 56


def test_pact_reliability_is_read_from_the_chosen_prior(world):
    """Berkemeier & Fuhrmann (2018) by type: defence pacts 0.41, others their overall 0.50."""
    assert world.pacts["NATO"]["reliability"] == 0.41 and world.pacts["CHN_PRK"]["reliability"] == 0.41
    assert world.pacts["TRA"]["reliability"] == 0.50 and world.pacts["QUAD"]["reliability"] == 0.50


def test_treaty_scopes(world):
    """Hawaii (pacific) is inside ANZUS's regions but outside NATO's; US-Japan is coded by soil."""
    assert "pacific" in world.pacts["ANZUS"]["regions"]
    assert "pacific" not in world.pacts["NATO"]["regions"]
    assert world.pacts["US_JPN"]["soil"] == ["JPN"]
    assert world.pacts["ANZUS"]["members"] == ["AUS", "USA"]
    assert world.pacts["TRA"]["type"] == "patron"
    assert world.pacts["FPDA"]["protects"] == ["MYS", "SGP"]


def test_every_pact_member_is_a_state(world):
    """No pact names a state missing from the dataset."""
    for pact in world.pacts.values():
        for key in ("members", "soil", "protects", "adversaries"):
            assert set(pact.get(key) or []) <= set(world.states)


def test_marks_point_into_the_data_files(world):
    """Each value remembers its file and line (for errors about world data)."""
    file, line, column = world.marks[("states", "PRK", "power")]
    assert file.endswith("states.csv") and line == 42 and column == 40
    assert world.marks[("alliances", "NATO", "members", 0)][0].endswith("pacts.yaml")


def test_unknown_bundled_world_suggests_the_nearest():
    with pytest.raises(InputErrors) as info:
        load_world("wrld_2022")
    assert "did you mean 'world_2022'" in str(info.value)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_csv_with_pacts_beside_it(tmp_path):
    """A user's CSV needs only id, lat, lon, power; a pacts.yaml beside it is read too."""
    _write(tmp_path, "mine.csv", "id,lat,lon,power,regions\nAAA,10,20,5,europe;asia\nBBB,11,21,0,\n")
    _write(tmp_path, "pacts.yaml", "P1:\n  members: [AAA, BBB]\n")
    world = load_world("mine.csv", tmp_path)
    assert world.states["AAA"]["regions"] == ["europe", "asia"]
    assert world.states["BBB"]["name"] == "BBB" and world.states["BBB"]["power"] == 0.0
    assert world.pacts == {"P1": {"members": ["AAA", "BBB"]}}


def test_user_csv_without_pacts_has_none(tmp_path):
    _write(tmp_path, "mine.csv", "id,lat,lon,power\nAAA,10,20,5\n")
    assert load_world(str(tmp_path / "mine.csv")).pacts == {}


def test_bad_rows_report_file_line_and_column(tmp_path):
    """Every bad cell is reported at once, with its line and column."""
    _write(tmp_path, "bad.csv", "id,lat,lon,power,nuclear\nAAA,10,20,5,true\nBBB,100,20,x,maybe\nAAA,1,1,1,\n")
    with pytest.raises(InputErrors) as info:
        load_world("bad.csv", tmp_path)
    text = [str(e) for e in info.value.errors]
    assert any("bad.csv:3:12: power: 'x' is not a number" in t for t in text)
    assert any("bad.csv:3:14: nuclear: 'maybe' is not true or false" in t for t in text)
    assert any("bad.csv:3:5: lat:" in t and "90" in t for t in text)
    assert any("bad.csv:4:1: id: state id 'AAA' is used twice" in t for t in text)


def test_missing_and_misspelt_columns(tmp_path):
    _write(tmp_path, "bad.csv", "id,lat,lon,resolv\nAAA,10,20,0.5\n")
    with pytest.raises(InputErrors) as info:
        load_world("bad.csv", tmp_path)
    text = str(info.value)
    assert "unknown column 'resolv' (did you mean 'resolve'?)" in text
    assert "missing column(s) power" in text


def test_missing_user_csv(tmp_path):
    with pytest.raises(InputErrors, match="no states CSV"):
        load_world("nothere.csv", tmp_path)


CASES = [  # attacker, target, location, pacts with a defence or consultation duty that the attack invokes
    ("CHN", "USA", "Hawaii", {"ANZUS", "US_ROK", "US_PHL"}),
    ("CHN", "USA", None, {"NATO", "ANZUS"}),
    ("RUS", "USA", "Alaska", {"NATO", "ANZUS", "US_ROK", "US_PHL"}),
    ("CHN", "USA", "Okinawa", {"US_JPN", "ANZUS", "US_ROK", "US_PHL"}),
    ("CHN", "USA", "Guam", {"ANZUS", "US_ROK", "US_PHL"}),
    ("PRK", "JPN", None, {"US_JPN"}),
    ("RUS", "GBR", "Falklands", set()),
    ("RUS", "TUR", None, {"NATO"}),
    ("CHN", "MYS", None, {"FPDA"}),
    ("CHN", "GBR", None, {"NATO"}),
    ("USA", "PRK", None, {"CHN_PRK"}),
    ("CHN", "TWN", None, set()),  # the TRA is a partnership: no obligation
    ("USA", "RUS", None, {"CSTO", "RUS_BLR", "RUS_CHN"}),
    ("UKR", "KAZ", None, {"CSTO"}),
]


@pytest.mark.parametrize("attacker, target, location, expected", CASES)
def test_bundled_treaty_scopes(attacker, target, location, expected):
    """The bundled scopes follow the treaty texts: Hawaii is outside NATO's Art. 6 area but in
    ANZUS's Pacific Area; US forces on Okinawa fall under the US-Japan treaty, the US homeland
    does not; the Falklands lie outside every pact; FPDA protects only Malaysia and Singapore."""
    from sim.model.alliances import casus_foederis
    from sim.model.world import compile_world
    from sim.scenario.loading import load_scenario

    world = compile_world(load_scenario({"name": "scopes"}))
    member, enemy = world.index[target], world.index[attacker]
    place = world.place(member, location)
    duties = [p for p in world.pacts if p.obligations & {"defence", "consultation"}]
    holds = {p.id for p in duties if casus_foederis(p, member, enemy, place, member_struck_first=False)}
    assert holds == expected


def test_empty_world_has_nothing():
    """`world: empty` lets a scenario (a resolved one, say) bring every state and pact itself."""
    world = load_world("empty")
    assert world.states == {} and world.pacts == {}


def test_relations_yaml_beside_a_states_csv(tmp_path):
    """A `relations.yaml` beside a states CSV gives the world's baseline intents; a bad one is an
    error at its file and line."""
    from sim.scenario.loading import load_scenario

    (tmp_path / "states.csv").write_text("id,lat,lon,power\nAAA,0,0,1\nBBB,0,10,1\n")
    (tmp_path / "relations.yaml").write_text("relations:\n  - {from: AAA, to: BBB, intent: 0.4, mutual: true}\n")
    scenario = load_scenario({"name": "r", "world": str(tmp_path / "states.csv")})
    assert [(r.from_, r.to, r.intent, r.mutual) for r in scenario.relations] == [("AAA", "BBB", 0.4, True)]
    (tmp_path / "relations.yaml").write_text("relations:\n  - {from: AAA, to: BBB, intent: 2}\n")
    with pytest.raises(InputErrors, match=r"relations.yaml:2:.*relations\[0\]"):
        load_world(str(tmp_path / "states.csv"))
