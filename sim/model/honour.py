"""Honour as alliances do it: one decision per member per war, correlated across members.

Reliability is measured per alliance and per war: Leeds, Long & Mitchell (2000, JCR 44(5)) count
an alliance honoured or violated once for each war in which its casus foederis arose, and
Berkemeier & Fuhrmann (2018, Research & Politics 5(2)) recode the same unit. So a member
decides once for a war, whatever the number of enemies and invocations, and later invocations
in the same war find its answer made. A war is the connected set of states fighting one
another (postures at level 5 or more, either way); two wars that merge become one.

Members do not decide independently: a pact's members share its fate in a war (Snyder 1984,
"The Security Dilemma in Alliance Politics", World Politics 36(4): abandonment by one weakens the
whole), and the leader's choice carries the others. With a Gaussian copula, member m's latent is

    X_m = sqrt(rho) S + sqrt(1 - rho) e_m,   S, e_m ~ N(0, 1),   the leader's X = S,

and m honours when Phi(X_m) < p_m, so that P(honour) = p_m exactly whatever rho (the marginal
is the reliability; rho is the correlation of the latents). The pact-wide shock S is the
leader's latent: followers honour more often when the leader honours.
Each member's p_m moves with its own stake, its threat from the enemy T_m, against the
pact's members' mean (Leeds 2003, IO 57(4): states honour where their interests are at stake):

    p_m = logistic(logit(r_m) + shift (T_m - mean_{k in pact} T_k)),

r_m the member's reliability (the pact's, or one set for the member by the scenario).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from sim.model.ladder import CLASH
from sim.model.world import Pact
from sim.scenario.pactkinds import kind

__all__ = ["Call", "HonourBook", "WarRecord", "expected", "honour_probabilities", "leader_of", "war_of"]


@dataclass
class WarRecord:
    """A pact's answers in one war: an enemy that names the war, the pact-wide shock, the choices."""

    enemy: int
    shock: float
    choices: dict[int, tuple[bool, int]] = field(default_factory=dict)  # member -> (honoured, event id)


@dataclass
class Call:
    """One member's obligation from one invocation, when the fitted joining decision is on
    (`sim.model.alliances`): the member's answer is not drawn but read from what it does. It is
    `open` until answered: honoured when the member joins the war on the invoked side, abandoned
    when the war it was owed ends (or the replication's horizon comes) without its entry."""

    event: int  # the invocation's event id: the cause of the answer
    pact: str
    clause: str
    invoker: int
    enemy: int
    member: int
    open: bool = True
    honoured: bool = False


def war_of(posture: np.ndarray, state: int) -> set[int]:
    """The states fighting `state`'s war: its connected component over postures >= 5 (either way)."""
    fighting = (posture >= CLASH) | (posture.T >= CLASH)
    seen, frontier = {state}, [state]
    while frontier:
        k = frontier.pop()
        for j in np.flatnonzero(fighting[k]).tolist():
            if j not in seen:
                seen.add(j)
                frontier.append(j)
    return seen


def honour_probabilities(reliabilities: np.ndarray, threats: np.ndarray, reference: float,
                         shift: float) -> np.ndarray:
    """p_m = logistic(logit(r_m) + shift (T_m - reference)); a reliability of 0 or 1 is certain."""
    r = np.asarray(reliabilities, dtype=float)
    inner = (r > 0.0) & (r < 1.0)
    logit = np.log(np.where(inner, r, 0.5) / np.where(inner, 1.0 - r, 0.5)) + shift * (threats - reference)
    return np.where(inner, logistic(logit), r)


_LARGEST_EXPONENT = 709.7827
"""exp(x) is a finite double for x up to log(largest double) = 709.78271289...; below this it is."""


def logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), computed as exp(x) where exp(-x) would pass the largest double (they are
    equal to double precision there), so nothing overflows; elsewhere bit for bit the plain formula."""
    x = np.asarray(x, dtype=float)
    near = -x < _LARGEST_EXPONENT
    plain = 1.0 / (1.0 + np.exp(-x, out=np.zeros_like(x), where=near))
    return np.where(near, plain, np.exp(x, out=np.zeros_like(x), where=~near))


def expected(pacts: list[Pact], n: int) -> np.ndarray:
    """h[i, k]: the probability that k fights for i in a war, as the decisions above make it: the
    reliability r_k of k in the strongest pact that obliges k to answer an attack on i with arms
    (defence, offence, patron, guarantee; a one-sided pact only from guarantor to guaranteed).

    The stake shift is centred on the pact's members (its mean over them is 0), so r_k is the
    expected answer before the war shows who is most threatened. This is the ally weighting of
    the chances of prevailing (`sim.model.motives`): a state expects the coalition its allies
    would honour, at the rate they honour (Berkemeier & Fuhrmann 2018)."""
    h = np.zeros((n, n))
    for pact in pacts:
        if not any(kind(c).fights for c in pact.obligations):
            continue
        protects = pact.protects
        one_sided = protects is not None and "defence" not in pact.obligations
        for i in pact.members:
            if protects is not None and i not in protects:
                continue
            for k in pact.members:
                if k != i and not (one_sided and protects is not None and k in protects):
                    h[i, k] = max(h[i, k], pact.reliability_of(k))
    return h


def leader_of(pact, power: np.ndarray) -> int:
    """The pact's leader: the one it names, else its most powerful member (lowest index on ties)."""
    if pact.leader is not None and pact.leader in pact.members:
        return pact.leader
    return max(pact.members, key=lambda m: (power[m], -m))


class HonourBook:
    """A replication's honour decisions: per pact, one `WarRecord` for each war it was invoked in."""

    def __init__(self, rng: np.random.Generator, correlation: float):
        self.rng, self.rho = rng, correlation
        self.records: dict[str, list[WarRecord]] = {}

    def record(self, pact_id: str, enemy: int, posture: np.ndarray) -> WarRecord:
        """The pact's record of the war `enemy` fights now; a new one (with its shock) for a new war."""
        war = war_of(posture, enemy)
        for rec in self.records.setdefault(pact_id, []):
            if rec.enemy in war:
                return rec
        rec = WarRecord(enemy, float(self.rng.standard_normal()))
        self.records[pact_id].append(rec)
        return rec

    def draw(self, rec: WarRecord, members: list[int], p: np.ndarray, leader: int) -> list[bool]:
        """Each new member's choice: Phi(X_m) < p_m with the latents of the module docstring."""
        a, b = math.sqrt(self.rho), math.sqrt(1.0 - self.rho)
        latents = [rec.shock if m == leader else a * rec.shock + b * float(self.rng.standard_normal())
                   for m in members]
        return [_phi(x) < q for x, q in zip(latents, p.tolist())]


def _phi(x: float) -> float:
    """The standard normal distribution function."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))
