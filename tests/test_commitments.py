"""Commitment forms of model v2 (issue 15 item 5): guarantees (a guarantor may be the violator;
of neutrality), conditional triggers (supporters, a minimum number of attackers, mobilisation),
pacts applying to a war under way, entry at alert. A synthetic world; reliability 1 so that every
invoked member answers and the tests read the pact's terms, not chance."""

from __future__ import annotations

import pytest

from sim.engine.simulation import Setup, Simulation
from sim.execution.runner import run
from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario

STATES = {"AGG": (0.0, 0.0, 60.0), "NEU": (0.0, 20.0, 5.0), "GA": (20.0, 20.0, 50.0), "GB": (20.0, 30.0, 50.0),
          "SUP": (-10.0, 0.0, 20.0), "THR": (-20.0, 20.0, 5.0)}
FAST = {"reliability": 1.0, "consultation_days": [1, 1], "mobilisation_days": [2, 2]}


def world(pacts: dict, timeline: list, horizon: float = 20) -> dict:
    states = {s: {"lat": lat, "lon": lon, "power": p} for s, (lat, lon, p) in STATES.items()}
    return {"name": "commitments", "world": "empty", "states": states, "horizon_days": horizon,
            "alliances": {k: {**FAST, **v} for k, v in pacts.items()},
            # nobody goes to war by its own choice (no fitted background force either), and a war
            # no hold keeps ends at its first reckoning (no optimism on either side); the pacts'
            # members enter by the route of draws (honour, entry), which these tests read, not by
            # the fitted joining decision (tests/test_joining.py)
            "parameters": {"decision": {"war_cost": 50.0, "force_rate_scale": 0.0},
                           "termination": {"mutual_optimism": 0.0}, "joining": {"enabled": False}},
            "timeline": timeline}


def attack(actor: str, target: str, at: float = 0) -> dict:
    return {"at": at, "do": "attack", "actor": actor, "target": target}


def invocations(scenario: dict, reps: int = 3):
    e = run(load_scenario(scenario), replications=reps, seed=4).frame("events")
    return e[e.kind == "invocation"], e[e.kind == "entry"]


GUARANTEE = {"GUAR": {"type": "guarantee", "members": ["GA", "GB", "NEU"], "protects": ["NEU"]}}


def test_a_guarantee_binds_its_guarantors_not_the_guaranteed():
    """An attack on the guaranteed state brings both guarantors in; an attack on a guarantor
    invokes nothing (the guarantee is one-sided)."""
    inv, entries = invocations(world(GUARANTEE, [attack("AGG", "NEU")]))
    assert set(inv.pact) == {"GUAR"} and set(entries.actor) == {"GA", "GB"}
    inv, _ = invocations(world(GUARANTEE, [attack("AGG", "GA")]))
    assert inv.empty


def test_a_guarantor_may_be_the_violator():
    """GA attacks the state it guarantees: the guarantee is invoked against GA, GB enters against
    it, and GA does not answer its own violation."""
    inv, entries = invocations(world(GUARANTEE, [attack("GA", "NEU")]))
    assert set(zip(inv.actor, inv.target)) == {("NEU", "GA")}
    assert set(zip(entries.actor, entries.target)) == {("GB", "GA")}


def test_a_guarantee_of_neutrality_lapses_for_a_state_that_struck_first():
    """NEU strikes THR first, then AGG attacks NEU. With `defensive_only: false` (so that the
    rule for an aggressor's side does not silence it first) a plain guarantee fires, a guarantee
    of neutrality does not (NEU is no longer neutral)."""
    timeline = [attack("NEU", "THR"), attack("AGG", "NEU", at=1)]
    plain = {"GUAR": {**GUARANTEE["GUAR"], "defensive_only": False}}
    inv, _ = invocations(world(plain, timeline))
    assert ("NEU", "AGG") in set(zip(inv.actor, inv.target))  # (and THR's self-defence, not defensive_only)
    neutrality = {"GUAR": {**plain["GUAR"], "neutrality_only": True}}
    inv, _ = invocations(world(neutrality, timeline))
    assert inv.empty


def test_a_guarantee_must_name_the_guaranteed_and_a_guarantor():
    with pytest.raises(InputErrors, match="a guarantee names the guaranteed states in `protects`"):
        load_scenario(world({"GUAR": {"type": "guarantee", "members": ["NEU"], "protects": ["NEU"]}}, []))


def test_a_minimum_number_of_attackers():
    """Invoked only when at least two states attack the member."""
    pact = {"TWO": {"type": "defence", "members": ["NEU", "GA"], "min_attackers": 2}}
    inv, _ = invocations(world(pact, [attack("AGG", "NEU")]))
    assert inv.empty
    inv, _ = invocations(world(pact, [attack("AGG", "NEU"), attack("SUP", "NEU", at=1)]))
    assert set(inv.pact) == {"TWO"} and set(inv.rep) == {0, 1, 2}


def test_an_attack_by_x_supported_by_y():
    """Invoked on AGG's attack only when SUP supports it (mobilised against the member)."""
    pact = {"SUPP": {"type": "defence", "members": ["NEU", "GA"], "adversaries": ["AGG"], "supporters": ["SUP"]}}
    inv, _ = invocations(world(pact, [attack("AGG", "NEU")]))
    assert inv.empty
    support = {"at": 0, "do": "posture", "actor": "SUP", "target": "NEU", "level": 4}
    inv, _ = invocations(world(pact, [support, attack("AGG", "NEU", at=1)]))
    assert set(zip(inv.actor, inv.target)) == {("NEU", "AGG")}


def test_the_other_sides_mobilisation_as_a_trigger():
    """With `trigger_level: 4`, AGG's mobilisation against NEU (posture 4 by its own decision)
    invokes the pact; with the default 5 it does not."""
    def mobilise(trigger_level: int):
        pact = {"MOB": {"type": "defence", "members": ["NEU", "GA"], "trigger_level": trigger_level}}
        sim = Simulation(Setup(load_scenario(world(pact, []))), 1, horizon=10)
        ids = sim.world.index
        sim.act(ids["AGG"], ids["NEU"], 4, "escalate")
        sim.run()
        return [(e[4], e[5], e[8]) for e in sim.rec.event_rows(0) if e[4] in ("invocation", "entry")]

    rows = mobilise(4)
    assert ("invocation", "NEU", "MOB") in rows and ("entry", "GA", "MOB") in rows
    assert mobilise(5) == []


def test_a_member_on_alert_enters_within_days():
    """GA stands at posture 4 toward AGG when the pact is invoked: it enters within
    `alert_mobilisation_days` (1 day) instead of the pact's 20-30 days."""
    pact = {"ALERT": {"type": "defence", "members": ["NEU", "GA", "GB"], "mobilisation_days": [20, 30],
                      "alert_mobilisation_days": [1, 1]}}
    alert = {"at": 0, "do": "posture", "actor": "GA", "target": "AGG", "level": 4}
    held = {**attack("AGG", "NEU"), "hold_days": 40}  # the war lasts until GB's mobilisation is over
    _, entries = invocations(world(pact, [alert, held], horizon=40))
    delays = dict(zip(zip(entries.rep, entries.actor), entries.t))
    assert all(delays[(rep, "GA")] == 2.0 for rep in range(3))  # 1 day consultation + 1 day alert
    assert all(21.0 <= delays[(rep, "GB")] <= 31.0 for rep in range(3))


@pytest.mark.parametrize("applies", [True, False])
def test_a_pact_made_during_a_war_applies_to_it(applies):
    """AGG attacks NEU on day 0; on day 2 NEU and GA sign a defence pact: it is invoked for the
    war under way (GA enters against AGG on day 5, before the war's first weekly check), unless
    `applies_to_war_under_way: false`."""
    create = {"at": 2, "do": "create_alliance", "pact": "LATE",
              "alliance": {**FAST, "members": ["NEU", "GA"], "applies_to_war_under_way": applies}}
    inv, entries = invocations(world({}, [attack("AGG", "NEU"), create]))
    if applies:
        assert set(zip(inv.pact, inv.actor, inv.target)) == {("LATE", "NEU", "AGG")} and set(inv.t) == {2.0}
        assert set(zip(entries.actor, entries.target)) == {("GA", "AGG")}
    else:
        assert inv.empty and entries.empty
