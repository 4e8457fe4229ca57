"""Honour as alliances do it (model v2, issue 15 item 3): one decision per member per war,
correlated across members through the leader's latent, a reliability per pact and per member.

Known results on a synthetic world where nothing but the pact decides: the stake shift is off
(every member's probability is its reliability), the horizon ends before any member's own
decision could matter, so each member's entry probability must equal its reliability whatever
the number of enemies. Answers within a replication are correlated, so standard errors come
from the spread between replications (the replication is the cluster).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.execution.runner import run
from sim.model.honour import HonourBook, war_of
from sim.scenario.loading import load_scenario

MEMBERS = [f"M{k:02d}" for k in range(12)]
ENEMIES = ["EAA", "EBB", "ECC"]


def _scenario(enemies: int, reliability: float = 0.4, correlation: float = 0.5, **pact) -> dict:
    states = {m: {"lat": 10.0 + k, "lon": 5.0, "power": 10.0} for k, m in enumerate(MEMBERS)}
    states.update({e: {"lat": -5.0 - k, "lon": 0.0, "power": 30.0} for k, e in enumerate(ENEMIES)})
    states["M00"]["power"] = 100.0  # the leader
    timeline = [{"at": 0, "do": "attack", "actor": e, "target": "M00"} for e in ENEMIES[:enemies]]
    return {"name": "honour_wars", "world": "empty", "states": states, "horizon_days": 12,
            "alliances": {"PACT": {"type": "defence", "members": MEMBERS, "reliability": reliability,
                                   "consultation_days": [1, 2], "mobilisation_days": [1, 2], **pact}},
            "parameters": {"alliances": {"honour_threat_shift": 0.0, "honour_correlation": correlation},
                           "joining": {"enabled": False}},  # the route of draws, whose honour these tests read
            "timeline": timeline}


def _entered(enemies: int, reps: int, **kw) -> np.ndarray:
    """entered[rep, member]: whether each member (not the attacked M00) entered the war."""
    result = run(load_scenario(_scenario(enemies, **kw)), replications=reps, seed=5)
    e = result.frame("events")
    entries = e[(e.kind == "entry") & (e.pact == "PACT")]
    out = np.zeros((reps, len(MEMBERS) - 1), dtype=bool)
    for rep, actor in zip(entries.rep, entries.actor):
        out[rep, MEMBERS.index(actor) - 1] = True
    return out


def _cluster_z(entered: np.ndarray, p: float) -> float:
    per_rep = entered.mean(axis=1)
    return float((per_rep.mean() - p) / (per_rep.std(ddof=1) / math.sqrt(len(per_rep))))


@pytest.mark.parametrize("enemies", [1, 3])
def test_entry_probability_is_the_reliability_with_one_enemy_or_three(enemies):
    """A pact at 0.4 brings each member in 0.4 of the time (3.3 clustered standard errors, 300
    replications), with one enemy or three (v1: up to 1 - 0.6^3 = 0.78 with three); and with
    three enemies a member that enters fights all three (its one decision answers the war)."""
    entered = _entered(enemies, reps=300)
    assert abs(_cluster_z(entered, 0.4)) <= 3.3
    if enemies == 3:
        result = run(load_scenario(_scenario(3)), replications=20, seed=5)
        e = result.frame("events")
        answers = e[e.kind.isin(["honour", "abandon"])]
        assert not answers.duplicated(["rep", "actor"]).any()  # one answer per member per war
        entries = e[(e.kind == "entry") & (e.pact == "PACT")]
        per_member = entries.groupby(["rep", "actor"]).target.nunique()
        assert len(per_member) and (per_member == 3).all()


def test_members_answers_are_correlated_and_follow_the_leader():
    """With rho = 0.5 the members' entries are positively correlated (mean pairwise correlation of
    the 0/1 entries well above 0: the variance of each replication's entry count is more than
    twice the binomial one) and followers enter more often when the leader (M00 attacked, so the
    most powerful decider: M01 is not the leader; a pact naming M01 leader) enters; with rho = 0
    neither holds beyond sampling error."""
    correlated = _entered(1, reps=300, leader="M01")
    counts = correlated.sum(axis=1)
    binomial = correlated.shape[1] * 0.4 * 0.6
    assert counts.var(ddof=1) > 2 * binomial
    leader, followers = correlated[:, 0], correlated[:, 1:].mean(axis=1)
    assert stats.mannwhitneyu(followers[leader], followers[~leader], alternative="greater").pvalue < 1e-6
    independent = _entered(1, reps=300, leader="M01", correlation=0.0)
    ratio = independent.sum(axis=1).var(ddof=1) / binomial
    assert 0.6 < ratio < 1.5  # chi-square(299)/299 lies within this range with probability > 0.999


def test_a_member_can_have_its_own_reliability():
    """`member_reliability` sets one member's probability (0.9) apart from the pact's (0.4)."""
    entered = _entered(1, reps=300, member_reliability={"M05": 0.9})
    m05 = entered[:, MEMBERS.index("M05") - 1]
    assert stats.binomtest(int(m05.sum()), len(m05), 0.9).pvalue > 1e-3
    others = np.delete(entered, MEMBERS.index("M05") - 1, axis=1)
    assert abs(_cluster_z(others, 0.4)) <= 3.3


def test_the_war_is_the_connected_set_of_belligerents():
    posture = np.zeros((5, 5), dtype=np.int8)
    posture[0, 1] = 6
    posture[2, 1] = 5
    posture[3, 4] = 4  # coercion is not war
    assert war_of(posture, 0) == war_of(posture, 2) == {0, 1, 2}
    assert war_of(posture, 3) == {3}


def test_the_book_keeps_one_record_per_pact_and_war():
    """A second invocation in the same war finds the first record (and its shock); a new war
    (a disjoint set of belligerents) gets a new one."""
    book = HonourBook(np.random.default_rng(1), 0.5)
    posture = np.zeros((6, 6), dtype=np.int8)
    posture[0, 1] = posture[2, 1] = posture[4, 5] = 5
    first = book.record("P", 0, posture)
    assert book.record("P", 2, posture) is first
    assert book.record("P", 4, posture) is not first
    assert book.record("Q", 0, posture) is not first
