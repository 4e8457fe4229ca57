"""The conditional Monte Carlo of the simulator's probabilities (`sim.model.ledger`): in small worlds
with high hazards, the mean of the per-run conditional chances agrees with the share of runs in
which the event happened, within the share's sampling error; a run that keeps the ledger draws
and writes the same bytes as one that does not."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from sim.execution.runner import run
from sim.history.peacetime import conditional_force, dyads
from sim.history.validation import conditional, conditional_sides, joined
from sim.scenario.loading import load_scenario

REPS = 400

STATES = {"AGG": (50.0, 10.0, 40.0), "NEU": (50.0, 14.0, 10.0), "ALLY": (50.5, 16.0, 5.0),
          "TWIN": (49.5, 16.0, 5.0), "BIG": (48.0, 20.0, 60.0), "FAR": (-35.0, 150.0, 5.0)}


def _war_world() -> dict:
    """AGG attacks NEU on day 0, their war held for two years; ALLY owes NEU defence. The joining
    equation's constant is raised by 3 so that the near states' chances of joining are high (where
    an estimator that stops a product of survivals at the event would fall short)."""
    from sim.model.joining import coefficients

    values = coefficients().values.copy()
    values[0] += 3.0
    states = {s: {"lat": lat, "lon": lon, "power": p} for s, (lat, lon, p) in STATES.items()}
    return {"name": "cmc", "world": "empty", "states": states, "horizon_days": 730,
            "alliances": {"P": {"type": "defence", "members": ["NEU", "ALLY"]}},
            "parameters": {"joining": {"enabled": True, "coefficients": values.tolist()}},
            "timeline": [{"at": 0, "do": "attack", "actor": "AGG", "target": "NEU", "level": 6, "hold_days": 730}]}


def _agrees(estimate: float, share: float, reps: int = REPS) -> bool:
    """Within four binomial standard errors of a share of `reps` runs, at the larger of the two
    (the conditional estimate's own error is smaller; a share of 1 run in 400 where 8 were expected
    must not set a tolerance of its own size)."""
    p = max(estimate, share)
    return abs(estimate - share) <= 4.0 * max(np.sqrt(p * (1.0 - p) / reps), 1.0 / reps)


@pytest.fixture(scope="module")
def war_run():
    return run(load_scenario(_war_world()), replications=REPS, seed=3, hazards=730.0)


def test_the_mean_conditional_chance_of_joining_is_the_share_of_runs_joined(war_run):
    war = SimpleNamespace(initiator="AGG", target="NEU")
    cmc = conditional(war_run, war, 730.0)
    per_rep = joined(war_run.frame("events"), war, 730.0)
    shares = {s: sum(s in rep for rep in per_rep.values()) / REPS for s in cmc}
    assert max(shares.values()) > 0.3, shares  # high hazards, where a biased estimator shows
    for state, share in shares.items():
        assert _agrees(cmc[state], share), (state, cmc[state], share)
    assert cmc["ALLY"] > cmc["TWIN"] > 0.0  # the treaty term, as in the share


def test_each_sides_conditional_chance_is_the_share_of_runs_joined_on_that_side(war_run):
    """The chance of joining each side (the attacker's, the target's), estimated from each side's
    own chances, agrees with the share of runs in which the state joined that side; the two add up
    to the chance of joining at all. ALLY, bound to the target, leans to the target's side."""
    war = SimpleNamespace(initiator="AGG", target="NEU")
    total, sides = conditional(war_run, war, 730.0), conditional_sides(war_run, war, 730.0)
    per_rep = joined(war_run.frame("events"), war, 730.0)
    for state, (one, two) in sides.items():
        shares = [sum(rep.get(state) == side for rep in per_rep.values()) / REPS for side in (1, 2)]
        assert _agrees(one, shares[0]) and _agrees(two, shares[1]), (state, one, two, shares)
        assert one + two == pytest.approx(total[state], abs=1e-12)
    assert sides["ALLY"][1] > 0.3 and sides["ALLY"][1] > 2.0 * sides["ALLY"][0], sides["ALLY"]


def test_a_run_that_keeps_the_ledger_writes_the_same_bytes(war_run):
    plain = run(load_scenario(_war_world()), replications=20, seed=3)
    kept = war_run.frame("events")
    assert plain.frame("events").equals(kept[kept.rep < 20].reset_index(drop=True))
    assert all(r.hazards is None for r in plain.replications)


def test_the_mean_conditional_chance_of_a_use_of_force_is_the_share_of_runs_with_one():
    """Two pairs of claimants at parity and apart, their hazard scaled up 60 times: per dyad, the
    conditional estimate of a use of force in the year against the share of 400 runs."""
    states = {"PA": {"lat": 0.0, "lon": 0.0, "power": 50.0}, "PB": {"lat": 0.0, "lon": 9.0, "power": 50.0},
              "LA": {"lat": 0.0, "lon": 90.0, "power": 500.0}, "LB": {"lat": 0.0, "lon": 99.0, "power": 50.0}}
    claims = [{"claimant": a, "target": b, "value": 1.0} for a, b in (("PA", "PB"), ("PB", "PA"), ("LA", "LB"))]
    scenario = load_scenario({"name": "pairs", "world": "empty", "states": states, "claims": claims,
                              "horizon_days": 365, "parameters": {"decision": {"force_rate_scale": 60.0}}})
    result = run(scenario, replications=REPS, seed=5, hazards=365.0)
    events = result.frame("events")
    hits = events[((pd.to_numeric(events.level) >= 5) | (events.kind == "use_of_force")) & events.target.notna()]
    table = dyads(scenario)
    cmc = conditional_force(result, hits, table)
    pairs = {(r, *sorted(p)) for r, *p in zip(hits.rep, hits.actor, hits.target)}
    share = np.array([sum((r, *sorted((a, b))) in pairs for r in range(REPS)) / REPS
                      for a, b in zip(table.a, table.b)])
    assert share.max() > 0.3, share
    for estimate, observed in zip(cmc, share):
        assert _agrees(estimate, observed), (cmc, share)


def _pact_world(pact: bool) -> dict:
    """PA and PB, claimants at parity 1,000 km apart, and a bystander; with `pact`, on day 120 a
    scenario event makes PA and PB a defence pact (a what-if's `create_alliance`)."""
    states = {"PA": {"lat": 0.0, "lon": 0.0, "power": 50.0}, "PB": {"lat": 0.0, "lon": 9.0, "power": 50.0},
              "FAR": {"lat": 40.0, "lon": 120.0, "power": 50.0}}
    claims = [{"claimant": a, "target": b, "value": 1.0} for a, b in (("PA", "PB"), ("PB", "PA"))]
    timeline = [{"at": 120, "do": "create_alliance", "pact": "AB",
                 "alliance": {"type": "defence", "members": ["PA", "PB"]}}] if pact else []
    return {"name": "pact_midrun", "world": "empty", "states": states, "claims": claims, "horizon_days": 365,
            "parameters": {"decision": {"force_rate_scale": 20.0}}, "timeline": timeline}


def test_a_pact_made_mid_run_changes_the_rate_of_force_from_that_day():
    """The hazard's alliance terms are read again when a scenario event changes a pact: the rates the
    decisions draw with after day 120 are those of the world with the pact (`force.rates`), before it
    those without, in every run; without the event the rates never change."""
    from sim.engine.simulation import Setup
    from sim.model import force

    with_pact = load_scenario(_pact_world(True))
    setup = Setup(with_pact)
    result = run(with_pact, replications=20, seed=4, hazards=365.0)
    assert all(len(r.hazards.rates) == 2 for r in result.replications)
    ledger = result.replications[0].hazards
    before, after = ledger.rates[0][0], ledger.rates[1][0]
    pacts = [*setup.world.pacts, *_compiled_pacts(with_pact, setup)]
    expected, _ = force.rates(with_pact, setup.world, setup.stake, 20.0, pacts)
    np.testing.assert_array_equal(after, expected)
    np.testing.assert_array_equal(before, setup.force_rate)
    assert after[0, 1] > before[0, 1]  # a shared defence pact: more uses of force in the record (+0.21)
    assert after[2, 0] < before[2, 0]  # the target's allies: PB now backs PA against FAR (-0.09)
    times, epochs = ledger.force_times[0], ledger.force_epochs[0]
    assert all((e == 1) == (t >= 120) for t, e in zip(times, epochs))
    without = run(load_scenario(_pact_world(False)), replications=20, seed=4, hazards=365.0)
    assert all(len(r.hazards.rates) == 1 for r in without.replications)


def _compiled_pacts(scenario, setup):
    from sim.model.world import compile_pact

    action = scenario.timeline[0]
    return [compile_pact(action.pact, action.alliance, setup.world.index, scenario.parameters.alliances.reliability)]


def test_the_kernel_and_its_python_twin_draw_alike_after_a_pact_changes_the_rates(monkeypatch):
    """`Decider.set_force` in the compiled kernel and in `sim.kernel.reference`: the same events, byte
    for byte, in a world whose rates change on day 120 (uses of force before and after)."""
    import sim.engine.simulation
    from sim.kernel import reference

    data = _pact_world(True)
    data["parameters"]["decision"]["force_rate_scale"] = 200.0
    scenario = load_scenario(data)
    fast = run(scenario, replications=8, seed=8).frame("events")
    monkeypatch.setattr(sim.engine.simulation, "Decider", reference.Decider)
    slow = run(scenario, replications=8, seed=8).frame("events")
    force = fast[fast.kind == "use_of_force"]
    assert (force.t < 120).any() and (force.t > 120).any()
    assert fast.equals(slow)
