"""Reach from where forces stand and bloc-aware tension (model v2, issue 15 items 1 and 2)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from factories import tiny

from sim.engine.simulation import Setup, Simulation
from sim.execution.runner import run
from sim.model import reach
from sim.model.perception import alignment, blocs, capabilities, gradient, tension
from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def world2022():
    return Setup(load_scenario({"name": "w2022"}))


def test_position_weight_is_personnel_over_personnel_plus_half():
    assert reach.position_weight(10_000, 10_000, 1_000) == 0.5
    assert reach.position_weight(None, 10_000, 1_000) == pytest.approx(1_000 / 11_000)
    assert reach.position_weight(0.0, 10_000, 1_000) == 0.0


def test_positions_only_add_reach_and_the_gradient_is_symmetric(world2022):
    """G >= the capital-to-capital gradient everywhere, G = G^T, G[i, i] = 1."""
    world, pp = world2022.world, world2022.params.perception
    g = gradient(world.distance, pp.distance_half_km, pp.distance_exponent)
    G = world2022.g
    assert np.all(G >= g - 1e-15) and np.allclose(G, G.T) and np.all(np.diag(G) == 1.0)


def test_us_forces_in_korea_put_the_usa_next_to_korea_and_china(world2022):
    """From Camp Humphreys (25,593: w = 0.72) the USA stands 0 km from Korea and 950 km from Beijing:
    G[KOR, USA] = w g(~0) and G[CHN, USA] far above the 0.05 of Washington's distance."""
    ids, G = world2022.world.index, world2022.g
    w = reach.position_weight(25_593, 10_000, 1_000)
    assert G[ids["KOR"], ids["USA"]] == pytest.approx(w, rel=0.01)
    assert G[ids["CHN"], ids["USA"]] > 0.5
    assert G[ids["NZL"], ids["USA"]] < G[ids["CHN"], ids["USA"]]


def test_deploy_and_withdraw_move_a_states_reach():
    """A new position brings its owner's power near; withdrawing it restores the old gradient."""
    timeline = [{"at": 1, "do": "deploy", "actor": "AAA", "location": "Fort", "lat": 10.0, "lon": 11.0,
                 "personnel": 20_000, "host": "CCC"},
                {"at": 2, "do": "withdraw", "actor": "AAA", "location": "Fort"}]
    setup = Setup(load_scenario(tiny(timeline=timeline, parameters={"perception": {"distance_half_km": 500.0}})))
    a, c = setup.world.index["AAA"], setup.world.index["CCC"]
    before = setup.g[c, a]
    sim = Simulation(setup, 1, horizon=1.5)
    sim.run()
    assert sim.g[c, a] > 2 * before and sim.structure.caps.share[c, a] > setup.structure.caps.share[c, a]
    sim = Simulation(setup, 1, horizon=3)
    sim.run()
    assert sim.g[c, a] == before


def test_withdrawing_from_an_unknown_place_is_an_input_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(textwrap.dedent("""\
        name: bad
        timeline:
          - {at: 1, do: withdraw, actor: USA, location: Okinwa}
    """))
    with pytest.raises(InputErrors) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert "timeline[0].location: 'Okinwa' is not a position of USA (did you mean 'Okinawa'?)" in message


def test_a_bloc_counts_its_members_own_power_once_and_what_allies_add_by_rank():
    """Thirty allies each at threat 0.2 with their reach (0.1 with their own capability): each own
    capability counts in full, what allies add (0.2 over 0.1) counts in full for the largest and
    kappa^r for the r-th after it, not thirty times (1 - 0.8^30 = 0.999: the old saturation)."""
    n = 32
    intent = np.zeros((n, n))
    intent[0, 1:] = 1.0
    share = np.zeros((n, n))
    share[0, 1:31] = 0.2
    share[0, 31] = 0.5
    alone = share / 2
    one_bloc = np.array([0] + [1] * 30 + [2], dtype=np.int64)
    extra = np.log(0.9 / 0.8)  # -log(1 - 0.2) + log(1 - 0.1)
    kappa = 0.5
    want = 1 - 0.9 ** 30 * np.exp(-extra * (1 - kappa ** 30) / (1 - kappa)) * 0.5
    assert tension(intent, share, alone, one_bloc, 0.0, kappa)[0] == pytest.approx(want, rel=1e-12)
    assert tension(intent, share, alone, one_bloc, 0.0, 1.0)[0] == pytest.approx(1 - 0.8 ** 30 * 0.5)
    assert tension(intent, share)[0] == pytest.approx(1 - 0.8 ** 30 * 0.5)  # no blocs: all independent
    assert tension(intent, share, alone, one_bloc, 0.0, 0.0)[0] == pytest.approx(1 - 0.9 ** 30 * (0.8 / 0.9) * 0.5)


def _world(rng, n):
    """A random world: positions, power and offence; state 0 the target."""
    where = rng.random((n, 2)) * 5_000.0
    g = gradient(np.linalg.norm(where[:, None] - where[None], axis=-1), 2_000.0, 2.0)
    return rng.lognormal(0.0, 1.0, n), rng.uniform(0.5, 1.5, n), g


def _tension_of_target(world, intent, members, reliability, kappa):
    power, offence, g = world
    n = len(power)
    pacts = [SimpleNamespace(members=members, obligations=frozenset({"defence"}), reliability=reliability)]
    a = alignment(pacts, n, {"defence": 1.0})
    caps = capabilities(power, offence, g, a)
    return tension(intent, caps.share, caps.alone, blocs(pacts, n), 0.02, kappa)[0]


@pytest.mark.parametrize("kappa", [0.0, 0.5, 1.0])
def test_a_hostile_bloc_that_admits_a_state_or_tightens_never_lowers_the_targets_tension(kappa):
    """In 300 random worlds a state bound to no one else joining a bloc hostile to the target (state
    0), and the bloc's pact tightening, never lower the target's tension; they raise it in most.
    (Counted as the bloc's strongest member only, or with the members' own capability added at
    half weight, the target's tension fell when a strong state joined.)"""
    rng = np.random.default_rng(2022)
    rises = 0
    for _ in range(300):
        n = int(rng.integers(4, 9))
        world = _world(rng, n)
        intent = np.full((n, n), 0.02)
        intent[0, 1:] = rng.uniform(0.02, 1.0, n - 1)
        m = int(rng.integers(2, n - 1))  # bloc 1..m-1, m joins
        reliability = rng.uniform(0.2, 0.9)
        before = _tension_of_target(world, intent, list(range(1, m)), reliability, kappa)
        after = _tension_of_target(world, intent, list(range(1, m + 1)), reliability, kappa)
        tighter = _tension_of_target(world, intent, list(range(1, m + 1)), reliability + 0.1, kappa)
        assert after >= before - 1e-12 and tighter >= after - 1e-12
        rises += after > before + 1e-9
    assert rises > 150


@pytest.mark.parametrize("what_if, day, state, rise", [("quad_defence_pact", 1.0, "CHN", 0.005),
                                                       ("finland_sweden_join_nato", 700.0, "RUS", 0.0)])
def test_the_quad_pact_raises_chinas_tension_and_the_nordic_accession_russias_in_2022(what_if, day, state, rise):
    """On the 2022 world, with the baseline's intent held (capability and blocs alone), the Quad as a
    defence pact raises China's tension and Finland and Sweden in NATO raise Russia's (a little:
    Russia holds no rivalry with them, so they add through its NATO rivals' reach; the rest of the
    rise is the enlargement perceived as encirclement)."""
    base = Setup(load_scenario(ROOT / "scenarios" / "baseline_2022.yaml")).structure
    sim = Simulation(Setup(load_scenario(ROOT / "scenarios" / f"{what_if}.yaml")), 1, horizon=day)
    sim.run()
    c = sim.world.index[state]
    before, after = (tension(base.baseline, s.caps.share, s.caps.alone, s.bloc, s.background, s.aggregation)[c]
                     for s in (base, sim.structure))
    assert after > before + rise


def test_the_bloc_rule_changes_only_the_recorded_tension():
    """Decisions read the per-dyad threat, not tension: under any `bloc_aggregation` the events and
    states are the same; the tension is not."""
    def frames(kappa):
        scenario = load_scenario(ROOT / "scenarios" / "finland_sweden_join_nato.yaml",
                                 overrides=[f"parameters.perception.bloc_aggregation={kappa}"])
        result = run(scenario, replications=2, seed=3, horizon=400.0)
        return [result.frame(t) for t in ("events", "states", "tension")]

    low, high = frames(0.0), frames(1.0)
    pd.testing.assert_frame_equal(low[0], high[0])
    pd.testing.assert_frame_equal(low[1], high[1])
    assert (high[2].tension.to_numpy() > low[2].tension.to_numpy() + 1e-9).any()


def test_background_hostility_is_not_alarm():
    """Intent at the background floor adds nothing; above it, the excess is rescaled to 0..1."""
    intent = np.full((3, 3), 0.02)
    share = np.full((3, 3), 0.9)
    assert np.all(tension(intent, share, None, None, 0.02) == 0.0)
    intent[0, 1] = 0.51
    assert tension(intent, share, None, None, 0.02)[0] == pytest.approx(0.5 * 0.9)


def test_blocs_are_the_components_of_defence_pacts(world2022):
    """NATO and the US treaties in Asia make one bloc through the USA; the CSTO and the Union
    State another; the Taiwan Relations Act (a patron commitment) and the Quad (a dialogue) none."""
    ids, bloc = world2022.world.index, world2022.structure.bloc
    assert bloc[ids["EST"]] == bloc[ids["USA"]] == bloc[ids["JPN"]] == bloc[ids["AUS"]] == bloc[ids["KOR"]]
    assert bloc[ids["RUS"]] == bloc[ids["BLR"]] == bloc[ids["ARM"]] != bloc[ids["USA"]]
    assert bloc[ids["TWN"]] != bloc[ids["USA"]] and bloc[ids["IND"]] != bloc[ids["USA"]]
    assert list(blocs(world2022.world.pacts, world2022.world.n)[:3]) == [0, 0, 0]
