"""Casus foederis on the bundled 2022 world, and invocations in full runs."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pytest
from factories import tiny

from sim.engine.simulation import Setup
from sim.execution.runner import run
from sim.model.alliances import casus_foederis, honour_probabilities
from sim.scenario.loading import load_scenario


@pytest.fixture(scope="module")
def world():
    return Setup(load_scenario({"name": "w2022"})).world


def _pact(world, pact_id):
    return next(p for p in world.pacts if p.id == pact_id)


def _ok(world, pact_id, attacker, target, location=None, struck_first=False):
    i, j = world.index[attacker], world.index[target]
    return casus_foederis(_pact(world, pact_id), j, i, world.place(j, location), struck_first)


def test_attack_on_estonia_falls_under_nato_article_5(world):
    assert _ok(world, "NATO", "RUS", "EST")


def test_attack_on_hawaii_is_outside_nato_area_but_inside_anzus(world):
    assert not _ok(world, "NATO", "CHN", "USA", "Hawaii")
    assert _ok(world, "ANZUS", "CHN", "USA", "Hawaii")


def test_attack_on_ukraine_invokes_no_pact(world):
    ukr = world.index["UKR"]
    assert not any(ukr in p.members for p in world.pacts)


def test_us_japan_treaty_covers_us_forces_in_japan_not_the_us_homeland(world):
    assert _ok(world, "US_JPN", "CHN", "USA", "Okinawa")
    assert not _ok(world, "US_JPN", "CHN", "USA")


def test_defensive_only_pact_is_silent_when_the_member_struck_first(world):
    assert not _ok(world, "NATO", "RUS", "EST", struck_first=True)


def test_pact_with_named_adversaries_ignores_others(world):
    pact = _pact(world, "NATO")
    named = type(pact)(**{**pact.__dict__, "adversaries": frozenset({world.index["RUS"]})})
    est = world.index["EST"]
    assert casus_foederis(named, est, world.index["RUS"], world.place(est, None), False)
    assert not casus_foederis(named, est, world.index["BLR"], world.place(est, None), False)


def test_co_member_attack_invokes_nothing(world):
    assert not _ok(world, "NATO", "TUR", "GRC")


def test_honour_probability_centred_on_reliability():
    """A member whose stake equals the reference honours at its reliability; more stake, more
    often; reliabilities 0 and 1 are certain; each member its own reliability."""
    threats = np.array([0.1, 0.2, 0.3])
    p = honour_probabilities(np.full(3, 0.745), threats, 0.2, 2.0)
    assert p[0] < p[1] < p[2] and p[1] == pytest.approx(0.745)
    assert np.all(honour_probabilities(np.ones(3), threats, 0.2, 2.0) == 1.0)
    assert np.all(honour_probabilities(np.zeros(3), threats, 0.2, 2.0) == 0.0)
    mixed = honour_probabilities(np.array([0.2, 0.5, 0.9]), np.full(3, 0.2), 0.2, 2.0)
    assert mixed == pytest.approx([0.2, 0.5, 0.9])


class Invocation(NamedTuple):
    """An `invocation` event: the member that invoked, the attacker, the pact and the clause."""

    by: str
    against: str
    pact: str
    clause: str


def _invocations(scenario: dict, reps: int = 6, day: float | None = None):
    """The invocations of a run (those of day `day` only, when given: a scripted attack's)."""
    events = run(load_scenario(scenario), replications=reps, seed=3).rows("events")
    return [Invocation(e.actor, e.target, e.pact, e.detail) for e in events
            if e.kind == "invocation" and (day is None or e.t == day)], events


def _world_attack(location=None, target="EST", attacker="RUS"):
    return {"name": "attack", "horizon_days": 60, "timeline": [
        {"at": 1, "do": "attack", "actor": attacker, "target": target, "location": location}]}


def test_run_attack_on_estonia_invokes_nato_in_every_replication():
    """The attack (day 1) invokes Article 5 for Estonia against Russia in each of 6 replications,
    once (a state joining Russia's side and attacking Estonia invokes it again, against that state,
    as soon as the war's first day: the joining decision's first look)."""
    invocations, _ = _invocations(_world_attack(), day=1)
    nato = [i for i in invocations if i.pact == "NATO" and i.clause == "defence"]
    against_russia = [i for i in nato if i.against == "RUS"]
    assert len(against_russia) == 6 and all(i.by == "EST" for i in nato)


def test_run_strike_on_hawaii_invokes_anzus_not_nato():
    """The strike (day 1) invokes ANZUS, not NATO (Article 6 ends at the Tropic of Cancer); a later
    attack on the US homeland, e.g. China's answer to a joiner, may invoke NATO."""
    invocations, _ = _invocations(_world_attack("Hawaii", "USA", "CHN"), day=1)
    defence = {(i.by, i.pact) for i in invocations if i.clause == "defence"}
    assert ("USA", "ANZUS") in defence and ("USA", "NATO") not in defence


def test_run_attack_on_ukraine_invokes_no_defence_pact():
    invocations, _ = _invocations(_world_attack(target="UKR"))
    assert not [i for i in invocations if i.clause == "defence" and i.by == "UKR"]


def test_entries_follow_honours_after_the_delays():
    """Each entry is caused by an honour, which is caused by the invocation, after the delays (the
    route of draws: with the fitted joining decision, the default, an honour comes with its join)."""
    scenario = tiny(timeline=[{"at": 5, "do": "attack", "actor": "AAA", "target": "BBB", "hold_days": 30}],
                    alliances={"PACT": dict(type="defence", members=["BBB", "CCC"], reliability=1.0,
                                            consultation_days=[2, 3], mobilisation_days=[10, 12])},
                    parameters={"joining": {"enabled": False}})
    events = run(load_scenario(scenario), replications=5, seed=1).rows("events")
    by_id = {(e.rep, e.event_id): e for e in events}
    entries = [e for e in events if e.kind == "entry"]
    assert len(entries) == 5
    for e in entries:
        honour = by_id[(e.rep, e.cause_id)]
        invocation = by_id[(e.rep, honour.cause_id)]
        assert honour.kind == "honour" and invocation.kind == "invocation"
        assert 2 <= honour.t - invocation.t <= 3 and 10 <= e.t - honour.t <= 12


def test_consultation_is_asked_by_members_near_the_war_not_far_away():
    """Article 4: equally hostile views of Russia, but only the member next to Ukraine asks."""
    scenario = _world_attack(target="UKR")
    scenario["relations"] = [{"from": s, "to": "RUS", "intent": 0.7} for s in ("EST", "PRT")]
    invocations, _ = _invocations(scenario, reps=3)
    askers = {i.by for i in invocations if i.pact == "NATO" and i.clause == "consultation"}
    assert "EST" in askers and "PRT" not in askers


def test_consultation_respects_the_pacts_terms_and_the_aggressor_cannot_ask():
    """After Russia attacks Estonia: no FPDA consultation (it protects Malaysia and Singapore only),
    and Estonia's self-defence does not let Russia consult China under their 2001 treaty."""
    invocations, _ = _invocations(_world_attack(), reps=4)
    consultations = {(i.by, i.pact) for i in invocations if i.clause == "consultation"}
    assert not [c for c in consultations if c[1] == "FPDA"]
    assert ("RUS", "RUS_CHN") not in consultations


def test_consultation_proximity_is_measured_from_the_attacked_place():
    """A strike on Hawaii is far from every NATO capital: no NATO member asks for consultations."""
    scenario = _world_attack("Hawaii", "USA", "PRK")
    scenario["relations"] = [{"from": s, "to": "PRK", "intent": 0.9} for s in ("CAN", "GBR")]
    invocations, _ = _invocations(scenario, reps=3)
    assert not [i for i in invocations if i.pact == "NATO" and i.clause == "consultation"]
