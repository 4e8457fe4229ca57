"""The ladder choice: the desired level, the costs, and the logit rule's frequencies."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.model.decision import choose, desired_level, level_costs
from sim.scenario.schema import Decision


def test_desired_level_is_linear_at_resolve_one_half_and_rises_with_resolve():
    assert desired_level(0.5, 0.5) == pytest.approx(3.5)
    assert desired_level(0.5, 0.8) > desired_level(0.5, 0.5) > desired_level(0.5, 0.2)
    assert desired_level(0.0, 0.9) == 0.0 and desired_level(1.0, 0.3) == pytest.approx(7.0)


def test_costs_start_at_armed_clash_and_grow_with_deterrence_and_nuclear_umbrella():
    p = Decision()
    costs = level_costs(p, deterred=0.5, umbrella=1.0, bond=0.0)
    assert costs[:5] == (0.0,) * 5
    assert costs[5] == pytest.approx(p.war_cost * 0.5)
    assert costs[6] == pytest.approx(2 * p.war_cost * 0.5 + p.nuclear_deterrence)
    assert costs[7] == pytest.approx(3 * p.war_cost * 0.5 + p.nuclear_deterrence + p.nuclear_taboo)
    assert level_costs(p, 0.9, 0.0, 0.0)[5] > level_costs(p, 0.1, 0.0, 0.0)[5]
    assert level_costs(p, 0.5, 0.0, 0.745)[5] == pytest.approx(p.war_cost * 0.5 + p.breach_cost * 0.745)


def _logit(level, desired, costs, p, top):
    options = range(max(level - 1, 0), min(level + 2, top) + 1)
    u = [-p.precision * (k - desired) ** 2 - costs[k] - p.inertia * abs(k - level) for k in options]
    w = [math.exp(x / p.temperature) for x in u]
    return list(options), [x / sum(w) for x in w]


@pytest.mark.parametrize("level,desired,top", [(2, 3.4, 7), (0, 1.2, 6), (5, 6.5, 6), (4, 5.0, 7)])
def test_choice_frequencies_match_the_logit_probabilities(level, desired, top):
    """Chi-square goodness of fit over 20,000 draws (seeded); fails only if the rule is wrong."""
    p = Decision(temperature=0.8)
    costs = level_costs(p, 0.4, 0.5, 0.0)
    options, probs = _logit(level, desired, costs, p, top)
    rng = np.random.default_rng(12345)
    draws = [choose(level, desired, costs, p, top, u) for u in rng.random(20_000)]
    observed = [draws.count(k) for k in options]
    assert set(draws) <= set(options)
    expected = [q * len(draws) for q in probs]
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_choice_never_leaves_the_allowed_steps_or_the_top():
    p = Decision()
    for u in np.linspace(0, 0.999999, 101):
        assert 4 <= choose(5, 7.0, (0.0,) * 8, p, 6, float(u)) <= 6
        assert 0 <= choose(0, 0.0, (0.0,) * 8, p, 7, float(u)) <= 2
