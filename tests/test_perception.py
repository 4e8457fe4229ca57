"""Threat perception against values computed by hand for a three-state world."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.intent import Intent
from sim.kernel import Observer
from sim.model.perception import alignment, capabilities, gradient, tension
from sim.model.world import Pact, great_circle_km

POWER = np.array([100.0, 50.0, 80.0])
G = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, 0.8], [0.2, 0.8, 1.0]])


def _pact(members, type_="defence", reliability=0.745):
    return Pact("P", type_, frozenset(), members, reliability, None, None, None, None, True, (1, 1), (1, 1))


def test_gradient_halves_at_d_half_and_falls_with_distance():
    """Boulding: g(0) = 1, g(d_half) = 1/2, g(2 d_half) = 1/5 for beta = 2."""
    assert gradient(np.array([0.0, 2500.0, 5000.0]), 2500.0, 2.0) == pytest.approx([1.0, 0.5, 0.2])


def test_great_circle_quarter_meridian():
    d = great_circle_km(np.array([0.0, 90.0]), np.array([0.0, 0.0]))
    assert d[0, 1] == pytest.approx(np.pi * 6371.0088 / 2, rel=1e-9)


def test_alignment_weights_defence_by_reliability_and_dialogue_less():
    weights = {"defence": 1.0, "dialogue": 0.15}
    a = alignment([_pact([1, 2]), _pact([0, 1], "dialogue", 1.0)], 3, weights)
    assert a[1, 2] == a[2, 1] == pytest.approx(0.745)
    assert a[0, 1] == pytest.approx(0.15)
    assert a[0, 2] == 0 and np.all(np.diag(a) == 0)


def test_capabilities_match_hand_computation():
    """B and C allied (0.745); A alone. Hostile reach counts the enemy's allies not allied to me."""
    a = alignment([_pact([1, 2])], 3, {"defence": 1.0})
    caps = capabilities(POWER, np.ones(3), G, a)
    assert caps.reach[0, 1] == pytest.approx(50 * 0.5 + 0.745 * 80 * 0.2)  # B plus ally C toward A
    assert caps.reach[0, 2] == pytest.approx(80 * 0.2 + 0.745 * 50 * 0.5)
    assert caps.reach[1, 0] == pytest.approx(100 * 0.5)
    assert caps.reach[1, 2] == pytest.approx(80 * 0.8)  # C's ally is B itself: not counted against B
    assert caps.own == pytest.approx([100.0, 50 + 0.745 * 80 * 0.8, 80 + 0.745 * 50 * 0.8])
    assert caps.share[0, 1] == pytest.approx(36.92 / (100 + 36.92))
    assert caps.share[1, 0] == pytest.approx(50 / (97.68 + 50))
    assert caps.deterred[0, 1] == pytest.approx(97.68 / (97.68 + 50))  # B's side if A attacked B


def test_offense_multiplies_projected_power_only():
    caps = capabilities(POWER, np.array([2.0, 1.0, 1.0]), G, np.zeros((3, 3)))
    assert caps.reach[1, 0] == pytest.approx(2 * 100 * 0.5)
    assert caps.own[0] == pytest.approx(100.0)


def test_zero_power_state_has_no_reach_and_no_division_error():
    """Iceland has no armed forces: power 0 must not produce NaN."""
    power = np.array([0.0, 0.0, 80.0])
    caps = capabilities(power, np.ones(3), G, np.zeros((3, 3)))
    assert np.all(np.isfinite(caps.share)) and np.all(np.isfinite(caps.deterred))
    assert caps.share[0, 1] == 0.0 and caps.share[0, 2] == pytest.approx(1.0 * 16 / 16)


def test_tension_combines_threats_as_independent_risks():
    intent = np.array([[0, 0.5, 0.2], [0.1, 0, 0], [0, 0, 0]])
    share = np.full((3, 3), 0.5)
    assert tension(intent, share)[0] == pytest.approx(1 - (1 - 0.25) * (1 - 0.1))
    assert tension(intent, share)[2] == 0.0


def test_intent_relaxes_to_half_the_gap_after_one_half_life():
    baseline = np.full((2, 2), 0.1)
    intent = Intent(baseline, half_life_days=90.0)
    intent.set(0, 1, 0.9, 0.0, baseline=False)
    assert intent.row(0, 90.0)[1] == pytest.approx(0.1 + 0.8 / 2)
    assert intent.row(0, 270.0)[1] == pytest.approx(0.1 + 0.8 / 8)


def test_intent_rise_is_bounded_and_remembers_the_strongest_cause():
    """Acts of state 2 seen without noise or spill-over: the target's view closes level/7 of the
    gap to 1 times the escalation gain, and each cell names the act that moved it most."""
    intent = Intent(np.zeros((3, 3)), half_life_days=90.0)
    observer = Observer(np.random.default_rng(0), np.ones((3, 3)), spillover=0.0, misperception=0.0,
                        escalation_gain=0.5, deescalation_gain=0.25, rate=intent.rate)
    a = np.zeros((3, 3))
    observer.bind(intent, a)
    observer.observe(2, 0, 7, 0, 7, 0.0)  # 2 acts against 0 at level 7: 0 sees half the gap closed
    assert intent.at(0, 2, 0.0) == 0.5 and intent.at(1, 2, 0.0) == 0.0 and intent.cause[0, 2] == 7
    a[1, 0] = a[0, 1] = 0.8  # 1 is allied to 0: it weighs an act against 0 by the pact weight
    observer.observe(2, 0, 7, 0, 8, 0.0)
    assert intent.at(0, 2, 0.0) == 0.75 and intent.at(1, 2, 0.0) == 0.5 * 0.8
    assert intent.cause[0, 2] == 7 and intent.cause[1, 2] == 8  # the second rise of 0's view was smaller
    for event in range(9, 60):
        observer.observe(2, 0, 7, 0, event, 1.0)
    assert np.all(intent.all(1.0) <= 1.0) and intent.at(0, 2, 1.0) > 0.99
    observer.observe(2, 0, 0, 7, 60, 1.0)  # a step down from 7 to 0 closes 0.25 of the gap to baseline
    assert intent.at(0, 2, 1.0) < 0.76
