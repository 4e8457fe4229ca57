"""Worlds of any year from the COW/ATOP/rivalry data: `world: cow_YYYY` and `alliance-sim world`."""

from __future__ import annotations

import pytest
from clirun import cli

from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario
from sim.scenario.worlddata import bundled_worlds, load_world
from sim.scenario.yearworld import RIVALRY_INTENT, world_of_year, year_of


@pytest.fixture(scope="module")
def s1870():
    return load_scenario({"name": "w1870", "world": "cow_1870"})


@pytest.fixture(scope="module")
def s1950():
    return load_scenario({"name": "w1950", "world": "cow_1950"})


def test_1870_has_prussia_and_france_as_majors(s1870):
    """1870: Prussia (COW GMY) and France are members and both COW major powers."""
    world = world_of_year(1870)
    assert {"GMY", "FRN"} <= set(s1870.states)
    assert world.info["GMY"]["major"] == "yes" and world.info["FRN"]["major"] == "yes"
    assert world.info["USA"]["major"] == ""  # a major only from 1898
    assert s1870.states["FRN"].capital == "Paris" and not s1870.states["FRN"].nuclear


def test_1950_nato_defence_obligation_and_ussr(s1950):
    """1950: the USA and the UK owe each other defence (NATO, in ATOP's dyad data); the USSR is a member."""
    pact = s1950.alliances["USA-UKG"]
    assert pact.type == "defence" and sorted(pact.members) == ["UKG", "USA"] and pact.protects is None
    assert "RUS" in s1950.states and s1950.states["RUS"].nuclear and s1950.states["USA"].nuclear
    assert not s1950.states["UKG"].nuclear  # first test 1952


def test_power_is_a_percent_of_system_capabilities(s1950):
    """power = 100 x CINC: the members' shares add up to 100 (CINC is a share of the system)."""
    total = sum(state.power for state in s1950.states.values())
    assert total == pytest.approx(100.0, abs=1.0)


def test_rivalries_become_mutual_baseline_intent(s1950):
    """The USA-USSR rivalry (Thompson & Dreyer) is a mutual baseline intent of RIVALRY_INTENT."""
    relation = next(r for r in s1950.relations if {r.from_, r.to} == {"USA", "RUS"})
    assert relation.intent == RIVALRY_INTENT and relation.mutual


def test_scenario_relations_add_to_the_worlds_rivalries():
    """A scenario's own relations come after the world's rivalries instead of replacing them."""
    scenario = load_scenario({"name": "r", "world": "cow_1950",
                              "relations": [{"from": "FRN", "to": "SPN", "intent": 0.4}]})
    assert len(scenario.relations) == len(world_of_year(1950).relations) + 1
    assert scenario.relations[-1].to == "SPN"


def test_one_sided_obligation_protects_only_its_beneficiary():
    """An ATOP obligation owed one way only becomes a pact that protects only the state owed it."""
    pacts = world_of_year(1960).pacts
    assert pacts["USA-JPN_for_JPN"]["type"] == "defence"  # the 1960 treaty: the USA defends Japan
    one_sided = {pid: p for pid, p in pacts.items() if "_for_" in pid}
    for pid, pact in one_sided.items():
        assert pact["protects"] == [pid.split("_for_")[1]]


def test_brasilia_is_moved_to_the_city():
    """The source places Brasilia at the centre of Brazil; the world puts it at the city."""
    brazil = world_of_year(1970).states["BRA"]
    assert brazil["capital"] == "Brasilia" and brazil["lat"] == pytest.approx(-15.79, abs=0.1)
    assert world_of_year(1950).states["BRA"]["capital"] == "Rio de Janeiro"


@pytest.mark.parametrize("year", [1700, 1815, 2017])
def test_years_out_of_range_are_errors(year):
    """A year without COW membership data is an input error at `world:`, naming the range."""
    with pytest.raises(InputErrors, match=f"no COW world for {year}: years run from 1816 to 2016"):
        load_scenario({"name": "old", "world": f"cow_{year}"})


def test_names_and_the_data_folder_is_not_a_world():
    """`cow_1870` names a year; the peacesciencer folder is reference data, not a bundled world."""
    assert year_of("cow_1870") == 1870 and year_of("world_2022") is None
    assert "peacesciencer" not in bundled_worlds()
    with pytest.raises(InputErrors, match="cow_YYYY"):
        load_world("peacesciencer")


@pytest.mark.slow
def test_world_command_prints_and_writes(tmp_path):
    """`alliance-sim world --year 1950 --out DIR` writes a folder that loads as a world; 1700 exits 2."""
    out = tmp_path / "w1950"
    done = cli("world", "--year", "1950", "--out", out)
    assert done.returncode == 0, done.stderr
    scenario = load_scenario({"name": "copy", "world": str(out / "states.csv")})
    assert len(scenario.states) == 75 and scenario.alliances["USA-UKG"].type == "defence"
    original = load_scenario({"name": "copy", "world": "cow_1950"})
    assert scenario.relations == original.relations and len(scenario.relations) == 33
    assert scenario.alliances == original.alliances
    assert list(scenario.states) == list(original.states)
    for sid, state in scenario.states.items():  # numbers written with 6 significant digits
        assert state.power == pytest.approx(original.states[sid].power, rel=1e-5)
        assert (state.lat, state.nuclear, state.regions) == (pytest.approx(original.states[sid].lat, rel=1e-5),
                                                            original.states[sid].nuclear, original.states[sid].regions)
    bad = cli("world", "--year", "1700")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "no COW world for 1700" in bad.stderr


def test_cliques_group_a_treaty_into_one_pact():
    """`cow_1956_cliques`: the Warsaw Pact's eight states form one defence pact, so Hungary and the
    USSR are co-members (an attack by one on the other invokes nothing); every mutual dyad
    obligation of the bilateral world is still carried by some pact of the clique world."""
    scenario = load_scenario({"name": "c", "world": "cow_1956_cliques"})
    warsaw = [p for p in scenario.alliances.values() if {"HUN", "RUS", "POL"} <= set(p.members)]
    assert len(warsaw) == 1 and warsaw[0].type == "defence" and len(warsaw[0].members) == 8
    cliques = [set(p.members) for p in scenario.alliances.values() if p.protects is None]
    for pid, pact in world_of_year(1956).pacts.items():
        if "protects" not in pact:
            assert any(set(pact["members"]) <= c for c in cliques), pid
    assert len(scenario.alliances) < len(world_of_year(1956).pacts)


def test_audited_capitals_replace_the_source_spells():
    """The source puts the Ottoman capital in Ankara from 1816 and China's in Beijing throughout;
    the audited spells (CAPITAL_SPELLS) give Constantinople until October 1923 and the Nationalist
    capitals of 1928-1949, and every spell of the audit names its source."""
    from sim.scenario.yearworld import CAPITAL_SPELLS, capital_at

    assert world_of_year(1897).states["TUR"]["capital"] == "Constantinople"
    assert world_of_year(1930).states["TUR"]["capital"] == "Ankara"
    assert world_of_year(1932).states["CHN"]["capital"] == "Nanjing"
    assert capital_at(710, "1939-05-11")[0] == "Chongqing"
    assert capital_at(710, "1950-06-25")[0] == "Beijing"
    assert capital_at(640, "1923-10-12")[0] == "Constantinople" and capital_at(640, "1923-10-13")[0] == "Ankara"
    for spells in CAPITAL_SPELLS.values():
        assert all(source for *_rest, source in spells)
        assert all(a[1] < b[0] for a, b in zip(spells, spells[1:]))  # in order, not overlapping


def test_prior_worlds_take_the_obligations_of_the_year_before():
    """`cow_YYYY_prior` keeps the year's states and takes the ATOP obligations in force the year
    before: a treaty signed in the year is not in it (the German-Ottoman alliance of 2 August
    1914 is in cow_1914, not in cow_1914_prior; the states are the same)."""
    from sim.scenario.yearworld import cow_world

    this, prior = cow_world("cow_1914"), cow_world("cow_1914_prior")
    assert set(this.states) == set(prior.states) and prior.name == "cow_1914_prior"
    assert "GMY-TUR" in this.pacts and "GMY-TUR" not in prior.pacts
    assert set(prior.pacts) == set(cow_world("cow_1913").pacts) & set(prior.pacts)
