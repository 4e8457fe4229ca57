"""Known result: with no threat shift and no correlation between members (honour_correlation 0),
each member honours an invocation with probability equal to the pact's reliability, independently:
the count of honours is binomial (here at Leeds et al. 2000's 0.745). Correlated answers are
tested in test_honour_wars.py."""

from __future__ import annotations

from scipy import stats

from sim.execution.runner import run
from sim.scenario.loading import load_scenario

MEMBERS = [f"M{k:02d}" for k in range(20)]


def _scenario(reliability: float, shift: float) -> dict:
    states = {m: dict(lat=10.0 + k, lon=5.0, power=10.0) for k, m in enumerate(MEMBERS)}
    states["AGG"] = dict(lat=0.0, lon=0.0, power=50.0)
    return {"name": "honour", "world": "empty", "states": states, "horizon_days": 12,
            "alliances": {"PACT": {"type": "defence", "members": MEMBERS, "reliability": reliability,
                                   "consultation_days": [1, 2], "mobilisation_days": [1, 2]}},
            "parameters": {"alliances": {"honour_threat_shift": shift, "honour_correlation": 0.0},
                           "joining": {"enabled": False}},  # the route of draws, whose honour these tests read
            "timeline": [{"at": 0, "do": "attack", "actor": "AGG", "target": "M00"}]}


def _answers(reliability: float, shift: float = 0.0, reps: int = 30):
    events = run(load_scenario(_scenario(reliability, shift)), replications=reps, seed=11).rows("events")
    honours = sum(1 for e in events if e.kind == "honour")
    abandons = sum(1 for e in events if e.kind == "abandon")
    return honours, abandons


def test_honour_count_is_binomial_with_the_reliability():
    honours, abandons = _answers(0.745)
    assert honours + abandons == 30 * 19  # every other member answers once per replication
    assert stats.binomtest(honours, honours + abandons, 0.745).pvalue > 1e-3


def test_reliability_one_and_zero_are_certain():
    assert _answers(1.0, shift=2.0, reps=3)[1] == 0
    assert _answers(0.0, shift=2.0, reps=3)[0] == 0
