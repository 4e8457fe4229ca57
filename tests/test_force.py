"""Model v3, part 2 (issue 22): the use-of-force hazard fitted on the record, and wars that end by
both sides.

Statistical tests use fixed seeds; tolerances come from the sampling error (exact binomial or
Poisson bounds, scipy.stats)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.engine.simulation import Setup
from sim.execution.runner import run
from sim.model import force
from sim.model.termination import END_KINDS, agreement
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parent.parent
BETA = force.coefficients().beta
TERM = {t: k for k, t in enumerate(force.TERMS)}


def pairs_world(ratio: float, claim: bool = True, **fields) -> dict:
    """Two pairs of states 10,000 km apart: PA-PB at parity (power 50 each) and LA-LB at `ratio`
    (LA 50 x ratio, LB 50); in each pair the capitals are 1,000 km apart and, with `claim`, each
    state claims the other."""
    states = {"PA": {"lat": 0.0, "lon": 0.0, "power": 50.0}, "PB": {"lat": 0.0, "lon": 9.0, "power": 50.0},
              "LA": {"lat": 0.0, "lon": 90.0, "power": 50.0 * ratio}, "LB": {"lat": 0.0, "lon": 99.0, "power": 50.0}}
    claims = [{"claimant": a, "target": b, "value": 1.0}
              for a, b in (("PA", "PB"), ("PB", "PA"), ("LA", "LB"), ("LB", "LA"))] if claim else []
    parameters: dict = {"decision": {"fitted_force": True}}  # the default, stated: these tests are about the hazard
    for group, values in fields.pop("parameters", {}).items():
        parameters.setdefault(group, {}).update(values)
    data = {"name": "pairs", "world": "empty", "states": states, "claims": claims, "horizon_days": 365,
            "parameters": parameters}
    data.update(fields)
    return data


def undirected(rate: np.ndarray, a: int, b: int) -> float:
    return float(rate[a, b] + rate[b, a])


# --- the fit and its shipped coefficients ----------------------------------------------------

def test_the_shipped_coefficients_name_every_term_with_a_standard_error():
    rows = list(csv.DictReader((ROOT / "sim" / "data" / "force" / "coefficients.csv").open()))
    assert [r["term"] for r in rows] == list(force.TERMS)
    assert all(float(r["std_error"]) > 0 for r in rows)
    rows = list(csv.DictReader((ROOT / "sim" / "data" / "force" / "severity_coefficients.csv").open()))
    assert [r["term"] for r in rows] == list(force.SEVERITY_TERMS)
    assert all(float(r["std_error"]) > 0 for r in rows)
    assert (ROOT / "sim" / "data" / "force" / "README.md").is_file()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("statsmodels") is None, reason="needs the fit extra (statsmodels)")
def test_refitting_on_the_record_reproduces_the_shipped_coefficients():
    from sim.history import forcefit

    data = forcefit.dataset()
    result = forcefit.fit(data)
    shipped = force.coefficients()
    assert np.allclose(result.params, shipped.beta, rtol=1e-6, atol=1e-8)
    assert np.allclose(result.bse, shipped.se, rtol=1e-6, atol=1e-8)
    severe, shipped = forcefit.fit_severity(data), force.severity_coefficients()
    assert np.allclose(severe.params, shipped.beta, rtol=1e-6, atol=1e-8)
    assert np.allclose(severe.bse, shipped.se, rtol=1e-6, atol=1e-8)
    assert data["war"].sum() and (data["war"] <= data["force"]).all()  # a war is a use of force
    assert not data["year"].between(1914, 1918).any() and not data["year"].between(1939, 1945).any()


def test_the_held_out_years_are_every_fifth_and_the_peacetime_years_are_among_them():
    from sim.history.forcefit import HELD_OUT_YEARS, test_year, years
    from sim.history.peacetime import YEARS

    assert all(test_year(y) for y in YEARS)
    assert not HELD_OUT_YEARS & set(years())
    assert sum(test_year(y) for y in years()) == len([y for y in years() if y % 5 == 0])


# --- the hazard in the simulator -------------------------------------------------------------

def test_near_parity_dyads_with_a_claim_use_force_more_often_than_lopsided_ones():
    """The fitted shape in the simulator's own rates, then in its draws: 4,000 dyad-years each,
    counted by ForceDraws; the two counts differ beyond their Poisson error."""
    rate = Setup(load_scenario(pairs_world(ratio=100.0))).force_rate
    assert undirected(rate, 0, 1) > undirected(rate, 2, 3) * 1.1
    draws = force.ForceDraws(rate * 20.0, np.random.default_rng(7))  # scaled so the counts are large
    counts = np.zeros((4, 4))
    for year in range(1, 4001):
        for i in range(4):
            for j, _ in draws.draw(i, 365.0 * year):
                counts[i, j] += 1
    parity, lopsided = counts[0, 1] + counts[1, 0], counts[2, 3] + counts[3, 2]
    # conditional on the total, the parity count is binomial with share rate_p / (rate_p + rate_l)
    assert stats.binomtest(int(parity), int(parity + lopsided), 0.5, alternative="greater").pvalue < 0.01
    # competing risks: a use of force at all with 1 - exp(-20 Lambda_0), against PB with rate_01 / Lambda_0
    expected = -np.expm1(-rate[0].sum() * 20.0) * rate[0, 1] / rate[0].sum() * 4000
    assert stats.poisson.cdf(counts[0, 1], expected) > 0.001 and stats.poisson.sf(counts[0, 1], expected) > 0.001


def test_a_claim_raises_the_rate_and_no_claim_still_leaves_some():
    with_claim = Setup(load_scenario(pairs_world(ratio=1.0))).force_rate
    without = Setup(load_scenario(pairs_world(ratio=1.0, claim=False))).force_rate
    assert with_claim[0, 1] > 3 * without[0, 1] > 0  # exp(claim coefficient 1.30) = 3.7


def test_a_rapid_power_shift_moves_the_declining_sides_rate_as_the_record_says():
    """The declining side's rate changes with its loss of share by the fitted coefficient, whose
    sign is the record's (see sim/data/force/README.md)."""
    x = np.zeros((2, 2, len(force.TERMS)))
    x[..., TERM["const"]] = 1.0
    x[0, 1, TERM["claim"]] = x[1, 0, TERM["claim"]] = 1.0
    steady = force.hazard(x, BETA)[0, 1]
    x[0, 1, TERM["decline"]] = 0.2
    shifted = force.hazard(x, BETA)[0, 1]
    assert np.sign(shifted - steady) == np.sign(BETA[TERM["decline"]])


def test_a_target_with_strong_allies_draws_fewer_uses_of_force():
    """The target's allies deter as the record says (Leeds 2003): PB, with a defence pact with a
    strong third state, faces a lower rate from PA than LB, with none (the fitted coefficient's
    sign); the severity logit no longer weighs the allies (not chosen by the held-out score), so the
    share of armed attacks is the same."""
    data = pairs_world(ratio=1.0)
    data["states"]["AL"] = {"lat": 0.0, "lon": 18.0, "power": 500.0}
    data["alliances"] = {"DEF": {"type": "defence", "members": ["PB", "AL"]}}
    setup = Setup(load_scenario(data))
    x = force.covariates(setup.scenario, setup.world, setup.stake)
    pa, pb, la, lb = (setup.world.index[s] for s in ("PA", "PB", "LA", "LB"))
    assert x[pa, pb, TERM["target_allies"]] == pytest.approx(np.log1p(500.0 / 50.0))
    assert x[la, lb, TERM["target_allies"]] == 0.0 and x[pb, pa, TERM["target_allies"]] == 0.0
    assert BETA[TERM["target_allies"]] < 0 and "target_allies" not in force.SEVERITY_TERMS
    assert setup.force_rate[pa, pb] < setup.force_rate[la, lb]
    assert setup.force_armed[pa, pb] == pytest.approx(setup.force_armed[la, lb])


def test_after_1945_and_far_from_parity_fewer_uses_of_force_are_wars():
    """The severity logit's long-peace and parity terms (Gaddis 1986, Mueller 1989; Reed 2003): the
    same dyad's use of force is less often an armed attack in a world after 1945 than before, and
    less often between unequal states than at parity; a major power's more often (Bremer 1992)."""
    gamma = force.severity_coefficients().beta
    x = np.zeros((2, 2, len(force.TERMS)))
    x[..., TERM["const"]] = 1.0
    before = force.armed_share(x, gamma)[0, 1]
    x[..., TERM["post_1945"]] = 1.0
    after = force.armed_share(x, gamma)[0, 1]
    assert after < before
    unequal = x.copy()
    unequal[..., TERM["log_ratio_sq"]] = np.log(20.0) ** 2
    assert force.armed_share(unequal, gamma)[0, 1] < after
    major = x.copy()
    major[0, 1, TERM["major_i"]] = 1.0
    assert force.armed_share(major, gamma)[0, 1] > after


def test_only_the_fitted_share_of_uses_of_force_are_armed_attacks_and_incidents_invoke_no_pact():
    """A use of force is an armed attack with the severity logit's chance (the record: 7.8% of
    uses of force reached war); an incident below war is logged at rung 4 and invokes no pact.
    500 replications at 100 times the fitted rate, PB allied to CC: the armed share is binomial."""
    data = pairs_world(ratio=1.0, parameters={"decision": {"force_rate_scale": 100.0}})
    data["states"]["CC"] = {"lat": 0.0, "lon": 18.0, "power": 50.0}
    data["alliances"] = {"DEF": {"type": "defence", "members": ["PB", "CC"], "reliability": 1.0}}
    scenario = load_scenario(data)
    share = Setup(scenario).force_armed[0, 1]
    events = run(scenario, replications=500, seed=6).frame("events")
    used = events[(events.kind == "use_of_force") & (events.actor == "PA") & (events.target == "PB")]
    armed = int((used.level >= 5).sum())
    assert set(used.level) <= {4.0, 5.0} and len(used) > 100
    assert stats.binomtest(armed, len(used), share).pvalue > 0.001, (armed, len(used), share)
    invoked = events[events.kind == "invocation"]
    incidents = used[used.level < 5]
    assert not set(zip(incidents.rep, incidents.event_id)) & set(zip(invoked.rep, invoked.cause_id))
    assert set(zip(used[used.level >= 5].rep, used[used.level >= 5].event_id)) & set(zip(invoked.rep, invoked.cause_id))


def test_the_choice_alone_stops_at_coercion_and_uses_of_force_come_from_the_hazard():
    """With the hazard off (scale 0), a claimant with a strong edge presses its claim by coercion
    and never crosses rung 5 on its own; with the v2 rule it does."""
    data = pairs_world(ratio=20.0, parameters={"decision": {"force_rate_scale": 0.0}})
    events = run(load_scenario(data), replications=20, seed=3).frame("events")
    decided = events[events.kind.isin(["escalate", "use_of_force"])]
    assert decided.level.max() <= 4 and (decided.level == 4).any()
    v2 = pairs_world(ratio=20.0, parameters={"decision": {"fitted_force": False}})
    events = run(load_scenario(v2), replications=20, seed=3).frame("events")
    assert (events[events.kind == "escalate"].level >= 5).any()


def test_the_simulator_uses_force_at_the_fitted_rate():
    """Uses of force by PA on PB over 400 replications of a year against the fitted rate
    (exact Poisson bounds at 0.1% each side)."""
    scenario = load_scenario(pairs_world(ratio=1.0, parameters={"decision": {"force_rate_scale": 5.0}}))
    rate = Setup(scenario).force_rate[0, 1]
    events = run(scenario, replications=400, seed=5).frame("events")
    first = events[(events.kind == "use_of_force") & (events.actor == "PA") & (events.target == "PB")]
    k = first.rep.nunique()
    # the first use of force in a replication: P = 1 - exp(-rate x 365 days) per replication, less
    # the time spent at war after PB struck first (a small share at these rates)
    p = -np.expm1(-rate)
    assert stats.binomtest(k, 400, p).pvalue > 0.001 or k < 400 * p, (k, 400 * p)
    assert k > 0.6 * 400 * p


# --- two-sided termination ----------------------------------------------------------------------

def test_a_settlement_needs_both_sides_to_agree():
    assert agreement(0.6, 0.4) is None  # the attacker wants more than the defender concedes
    assert agreement(0.3, 0.5) == pytest.approx(0.4)
    assert agreement(-0.2, -0.1) == 0.0 and agreement(1.1, 1.3) == 1.0


def war(*timeline, parameters=None, reps=60, horizon=1460.0, ally=False):
    return run(load_scenario(war_world(*timeline, parameters=parameters, horizon=horizon, ally=ally)),
               replications=reps, seed=9)


def war_world(*timeline, parameters=None, horizon=1460.0, ally=False) -> dict:
    states = {"AAA": {"lat": 0.0, "lon": 0.0, "power": 100.0, "regions": ["r"]},
              "BBB": {"lat": 0.0, "lon": 9.0, "power": 80.0, "regions": ["r"]}}
    alliances = {}
    if ally:
        states["CCC"] = {"lat": 0.0, "lon": 18.0, "power": 100.0, "regions": ["r"]}
        alliances = {"DEF": {"type": "defence", "members": ["BBB", "CCC"], "reliability": 1.0, "regions": ["r"]}}
    data = {"name": "war", "world": "empty", "states": states, "alliances": alliances,
            "claims": [{"claimant": "AAA", "target": "BBB", "value": 1.0}], "horizon_days": horizon,
            "timeline": list(timeline) or [{"at": 0, "do": "attack", "actor": "AAA", "target": "BBB", "level": 5}],
            "parameters": {"decision": {"force_rate_scale": 0.0}, **(parameters or {})},
            "watch": {"dyads": [["AAA", "BBB"], ["CCC", "AAA"]] if ally else [["AAA", "BBB"]]}}
    return data


def test_each_sides_optimism_delays_the_settlement():
    """With no optimism the sides agree at the first reckoning; with each side hopeful, the war
    lasts until fighting has spent enough of it (every replication, the same seeds)."""
    quick = war(parameters={"termination": {"mutual_optimism": 0.0}}).frame("summary").t_end_AAA_BBB
    slow = war(parameters={"termination": {"mutual_optimism": 3.0}}).frame("summary").t_end_AAA_BBB
    assert quick.max() <= 7.0 + 1e-9
    assert slow.median() > 4 * quick.median() and slow.quantile(0.9) > slow.quantile(0.1) + 28.0


def test_every_settlement_lies_in_both_sides_range():
    events = war(parameters={"termination": {"mutual_optimism": 2.0}}).frame("events")
    settled = events[events.kind == "settlement"]
    assert len(settled) > 20
    for detail in settled.detail:
        numbers = [float(w.rstrip(";,")) for w in detail.replace(";", " ").split() if w[:1].isdigit() or w[:1] == "-"]
        least, most, share = numbers[-3:]
        assert least <= share + 1e-9 or share == 0.0
        assert share <= most + 1e-9 or share == 1.0
        assert least <= most


def test_an_allys_war_ends_when_the_war_it_joined_ends():
    """CCC enters by its pact's route of draws (reliability 1; the joiner of the fitted decision is
    tested in tests/test_joining.py)."""
    result = war(ally=True, parameters={"termination": {"mutual_optimism": 2.0}, "joining": {"enabled": False}})
    summary = result.frame("summary")
    joined = summary[summary.war_CCC_AAA.astype(bool)]
    assert len(joined) >= 10
    events = result.frame("events")
    for rep, row in joined.iterrows():
        ends = events[(events.rep == rep) & events.kind.isin(END_KINDS)]
        own = ends[((ends.actor == "CCC") & (ends.target == "AAA")) | ((ends.actor == "AAA") & (ends.target == "CCC"))]
        if np.isnan(row.t_end_AAA_BBB):
            continue
        # the ally's war ended at the same instant, or earlier by a logged capitulation or exhaustion
        assert row.t_end_CCC_AAA == row.t_end_AAA_BBB or (len(own) and own.iloc[0].kind != "settlement"), (
            rep, row.t_end_CCC_AAA, row.t_end_AAA_BBB)


def test_a_failed_bid_freezes_the_claim_and_a_settlement_keeps_what_was_not_won():
    from sim.engine.simulation import Simulation

    sim = Simulation(Setup(load_scenario(pairs_world(ratio=1.0))), seed=1)
    sim.motives.resolve(0, 1, 0.0, "capitulation")
    assert sim.motives.stake[0, 1] == 1.0
    sim.motives.resolve(0, 1, 0.25, "settlement")
    assert sim.motives.stake[0, 1] == pytest.approx(0.75)


def test_peacetime_counts_every_dyad_with_a_use_of_force_whatever_the_order_of_its_names():
    """The peacetime table's model count is the number of replications with a posture at rung 5
    or more in the dyad or a use of force below war, read from the events (a lookup by unsorted
    names once missed half)."""
    import numpy as np

    from sim.execution.runner import run as run_scenario
    from sim.history.peacetime import model_force

    table = model_force(1880, 2, 0)
    scenario = load_scenario({"name": "peace_1880", "world": "cow_1880", "horizon_days": 365.0,
                              "record_every_days": 365.0})
    seed = int(np.random.SeedSequence(0, spawn_key=(1880,)).generate_state(1, np.uint32)[0])
    events = run_scenario(scenario, replications=2, seed=seed).frame("events")
    hits = events[((events.level >= 5) | (events.kind == "use_of_force")) & events.target.notna()
                  & (events.kind != "honour")]
    expected = len({(r, *sorted((a, b))) for r, a, b in zip(hits.rep, hits.actor, hits.target)})
    assert table.model_use_of_force.sum() == expected > 0


@pytest.mark.slow
def test_a_war_begins_with_terms_that_do_not_meet_and_outlasts_its_first_reckoning():
    """A war is a failure to agree: its hopes are drawn so that the two sides' terms do not meet
    when it begins. Unconditioned, both small draws settled the war at its first reckoning, one
    decision interval in (Russia-Ukraine on day 7 in 4 of 40 runs of the 2022 baseline)."""
    from sim.engine.simulation import Simulation
    from sim.model.termination import HOPE_DRAWS

    sim = Simulation(Setup(load_scenario(war_world(parameters={"termination": {"mutual_optimism": 2.0}}))), seed=4)
    wars, q = sim.wars, sim.wars.params
    p = wars.balance(sim, 0, 1)
    # unconditioned, a sizeable share of these draws meets at once (both hopes small)
    met = sum(agreement(*wars.reservations(sim, 0, 1, 0.0, p, q.step_days,
                                           (wars.rng.exponential(), wars.rng.exponential()))) is not None
              for _ in range(200))
    assert met > 10
    for _ in range(200):
        assert agreement(*wars.reservations(sim, 0, 1, 0.0, p, q.step_days, wars.hopes(sim, 0, 1))) is None
    assert HOPE_DRAWS >= 20
    # no run of the baseline ends Russia-Ukraine at its first reckoning (4 of 40 did)
    summary = run(load_scenario(ROOT / "scenarios" / "baseline_2022.yaml"), replications=100, seed=2022).frame("summary")
    assert not (summary.t_end_RUS_UKR <= q.step_days).any(), summary.t_end_RUS_UKR.min()


@pytest.mark.slow
def test_no_belligerent_leaves_a_war_under_way_by_its_own_choice():
    """A war ends by both sides or with the war it joined, each a logged end: a belligerent's own
    choice does not take it below the armed-clash rung. When it could, both sides' stepping down
    ended a great power's war silently at its first reckoning (1 of 40 runs of hawaii_strike and of
    russia_attacks_estonia, seed 2022)."""
    from sim.model.ladder import CLASH
    from sim.model.termination import no_exit_alone

    assert no_exit_alone(6, 3, True) == CLASH and no_exit_alone(6, 3, False) == 3
    assert no_exit_alone(4, 2, True) == 2 and no_exit_alone(6, 5, True) == 5
    for name, pair in (("hawaii_strike", "PRK_USA"), ("russia_attacks_estonia", "RUS_EST")):
        summary = run(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), replications=40, seed=2022).frame("summary")
        lasted = summary[f"t_end_{pair}"] - summary[f"t_war_{pair}"]
        assert summary[f"t_war_{pair}"].notna().all() and not (lasted <= 7.0).any(), (name, lasted.min())
