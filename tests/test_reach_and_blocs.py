"""Reach from where forces stand and bloc-aware tension (model v2, issue 15 items 1 and 2)."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest
from factories import tiny

from sim.engine.simulation import Setup, Simulation
from sim.model import reach
from sim.model.perception import blocs, gradient, tension
from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario


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


def test_a_bloc_counts_once():
    """Counted once (no `joint`, bloc_aggregation 0) thirty allies each at threat 0.2 alarm like
    one (0.2), not like thirty (1 - 0.8^30 = 0.999); two independent blocs combine as
    1 - prod (1 - T). With aggregation the others add their own threat (`joint`), less than if
    each counted in full."""
    n = 32
    intent = np.zeros((n, n))
    intent[0, 1:] = 1.0
    share = np.zeros((n, n))
    share[0, 1:31] = 0.2
    share[0, 31] = 0.5
    one_bloc = np.array([0] + [1] * 30 + [2], dtype=np.int64)
    assert tension(intent, share, one_bloc)[0] == pytest.approx(1 - 0.8 * 0.5)
    assert tension(intent, share)[0] == pytest.approx(1 - 0.8 ** 30 * 0.5)
    own = 0.5 * 0.02 * (share > 0)  # each member's own capability share, kappa 0.5
    assert tension(intent, share, one_bloc, 0.0, own)[0] == pytest.approx(1 - 0.8 * 0.99 ** 29 * 0.5)


def test_background_hostility_is_not_alarm():
    """Intent at the background floor adds nothing; above it, the excess is rescaled to 0..1."""
    intent = np.full((3, 3), 0.02)
    share = np.full((3, 3), 0.9)
    assert np.all(tension(intent, share, None, 0.02) == 0.0)
    intent[0, 1] = 0.51
    assert tension(intent, share, None, 0.02)[0] == pytest.approx(0.5 * 0.9)


def test_blocs_are_the_components_of_defence_pacts(world2022):
    """NATO and the US treaties in Asia make one bloc through the USA; the CSTO and the Union
    State another; the Taiwan Relations Act (a patron commitment) and the Quad (a dialogue) none."""
    ids, bloc = world2022.world.index, world2022.structure.bloc
    assert bloc[ids["EST"]] == bloc[ids["USA"]] == bloc[ids["JPN"]] == bloc[ids["AUS"]] == bloc[ids["KOR"]]
    assert bloc[ids["RUS"]] == bloc[ids["BLR"]] == bloc[ids["ARM"]] != bloc[ids["USA"]]
    assert bloc[ids["TWN"]] != bloc[ids["USA"]] and bloc[ids["IND"]] != bloc[ids["USA"]]
    assert list(blocs(world2022.world.pacts, world2022.world.n)[:3]) == [0, 0, 0]
