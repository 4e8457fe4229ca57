"""The shipped scenarios: what each file says, and that a what-if differs from the baseline by
exactly its intervention. No simulation runs here (see test_scenarios_behaviour.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.engine.simulation import Setup, Simulation
from sim.execution.runner import replication_seeds
from sim.scenario.loading import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
BASELINE = SCENARIOS / "baseline_2022.yaml"
WHAT_IFS = {
    "nato_strategic_concept_china": {"timeline"},
    "quad_defence_pact": {"timeline"},
    "quad_expansion": {"alliances"},
    "aukus_submarines": {"timeline"},
    "global_nato": {"timeline"},
    "taiwan_strait_blockade": {"timeline"},
    "taiwan_strait_war": {"timeline"},
    "taiwan_invasion": {"timeline"},
    "russia_attacks_estonia": {"timeline"},
    "hawaii_strike": {"timeline"},
    "finland_sweden_join_nato": {"timeline"},
}
STRESS_TESTS = {  # issue 23: a headline what-if, then the war of taiwan_strait_war
    "nato_china_then_taiwan_war": "nato_strategic_concept_china",
    "quad_pact_then_taiwan_war": "quad_defence_pact",
    "global_nato_then_taiwan_war": "global_nato",
}
SHIPPED = ["baseline_2022", *WHAT_IFS, *STRESS_TESTS]
OWN = {"name", "description", "extends"}  # fields every file sets for itself


def load(name: str):
    return load_scenario(SCENARIOS / f"{name}.yaml")


def dump(scenario) -> dict:
    return scenario.model_dump(mode="json", by_alias=True)


def test_every_shipped_file_is_listed_here():
    """A new scenario file must be added to these tests (and to docs/scenarios.md)."""
    assert sorted(p.stem for p in SCENARIOS.glob("*.yaml")) == sorted(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_file_has_a_header_a_description_and_its_name(name):
    """Each file opens with a comment citing its facts and question, and describes itself."""
    text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    header = text.split("\nname:")[0]
    assert header.startswith("# ") and "Question:" in header
    scenario = load(name)
    assert scenario.name == name
    assert len(scenario.description) > 40


@pytest.mark.parametrize("name", WHAT_IFS)
def test_what_if_differs_from_the_baseline_by_its_intervention_only(name):
    """Only the intervention's fields differ; the baseline's timeline comes first, unchanged,
    inherited through `extends` (the file lists only its own actions)."""
    base, child = dump(load("baseline_2022")), dump(load(name))
    assert child["extends"] == "baseline_2022.yaml"
    changed = {key for key in base if base[key] != child[key]} - OWN
    assert changed == WHAT_IFS[name]
    assert child["timeline"][:len(base["timeline"])] == base["timeline"]
    own = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")).get("timeline") or []
    assert len(child["timeline"]) == len(base["timeline"]) + len(own)


@pytest.mark.parametrize("name", STRESS_TESTS)
def test_stress_test_is_its_what_if_then_the_war_over_taiwan(name):
    """A stress test extends its what-if and adds exactly the war of taiwan_strait_war."""
    parent, child, war = dump(load(STRESS_TESTS[name])), dump(load(name)), dump(load("taiwan_strait_war"))
    assert child["extends"] == f"{STRESS_TESTS[name]}.yaml"
    assert {key for key in parent if parent[key] != child[key]} - OWN == {"timeline"}
    assert child["timeline"] == parent["timeline"] + war["timeline"][len(dump(load("baseline_2022"))["timeline"]):]


def test_baseline_encodes_the_war_under_way_silently():
    """Russia and Ukraine stand at war (level 6) from day 0 without a new armed attack."""
    actions = [a for a in load("baseline_2022").timeline if a.at == 0 and {a.actor, a.target} == {"RUS", "UKR"}]
    assert [(a.do, a.level, a.mutual) for a in actions] == [("posture", 6, True)]


def test_baseline_keeps_the_quad_a_dialogue_and_aukus_a_partnership():
    scenario = load("baseline_2022")
    assert scenario.alliances["QUAD"].type == "dialogue"
    assert scenario.alliances["AUKUS"].type == "partnership"
    assert scenario.alliances["TRA"].type == "patron"  # model v2: an informal commitment (docs/model.md)
    assert (scenario.horizon_days, scenario.replications) == (730, 100)


def test_madrid_summit_names_china_on_day_56():
    """29 June 2022 is day 56 from 4 May 2022."""
    action = load("nato_strategic_concept_china").timeline[-1]
    assert (action.do, action.at, action.actor, action.target) == ("name_threat", 56, "NATO", "CHN")


def test_finland_and_sweden_raise_the_reach_of_nato_on_russia():
    """After both accessions (day 673) Russia's capability matrices see Finland and Sweden with
    NATO's power behind them (allies' reach), and NATO's total reach on Russia grows."""
    base = Setup(load("baseline_2022"))
    setup = Setup(load("finland_sweden_join_nato"))
    sim = Simulation(setup, replication_seeds(1, 1)[0], horizon=674)
    sim.run()
    ids = setup.world.index
    rus, fin, swe = ids["RUS"], ids["FIN"], ids["SWE"]
    before, after = base.structure.caps, sim.structure.caps
    for newcomer in (fin, swe):
        assert after.reach[rus, newcomer] > 2 * before.reach[rus, newcomer]
        assert after.share[rus, newcomer] > before.share[rus, newcomer]
    old = setup.world.members("NATO")
    new = old + [fin, swe]
    assert after.reach[rus, new].sum() > before.reach[rus, new].sum()
    assert np.all(after.reach[rus, old] >= before.reach[rus, old] - 1e-12)
