"""What a state wants from another and what it expects war to bring (docs/model.md, "Motives, war and its end").

A claim gives a stake S[i, j] in [0, 1]. The chance of prevailing comes from the coalitions each
side can expect at the theatre through a contest success function (Bueno de Mesquita 1981, The
War Trap; Hirshleifer 1989, Public Choice 63), read with an optimistic bias (Blainey 1973, The
Causes of War), shadowed by the target's nuclear umbrella (Jervis 1989, The Meaning of the Nuclear
Revolution). The expected value of the stake is a utility term of the war rungs weighed against
the status quo and the decision rule's costs of war (Fearon 1995, International Organization 49(3)); a mobilised
opponent adds the value of striking first, scaled by the offence-defence balance (Schelling 1960,
The Strategy of Conflict, ch. 9; Van Evera 1984, International Security 9(1)).

Everything here is computed in Python when structure changes (a restructure) or a war ends, and
handed to the compiled kernel as matrices, so the decision's hot path stays compiled.
"""

from __future__ import annotations

import copy

import numpy as np

from sim.scenario.yearworld import claim_stakes

__all__ = ["Motives", "coalition_strength", "optimistic", "prevail", "stakes"]


def stakes(scenario, index: dict[str, int]) -> np.ndarray:
    """S[i, j]: the world's claims, as the loader read them into the scenario (`world_claims`; a
    `cow_YYYY` world's rivalries valued here at this scenario's stake parameters; several on one
    target combine as 1 - prod(1 - v)), then the scenario's `claims` pair by pair (value 0 removes
    one)."""
    n = len(index)
    keep = np.ones((n, n))
    if scenario.parameters.motives.world_claims:
        for row in claim_stakes(scenario.world_claims, scenario.parameters.motives):
            keep[index[row["claimant"]], index[row["target"]]] *= 1.0 - row["stake_value"]
    s = 1.0 - keep
    for claim in scenario.claims:
        s[index[claim.claimant], index[claim.target]] = claim.value
    np.fill_diagonal(s, 0.0)
    return s


def coalition_strength(caps) -> tuple[np.ndarray, np.ndarray]:
    """(A, B): if i attacked j, A[i, j] is i's coalition at j (i and its allies: P(i->j)), B[i, j] is
    j's coalition at home (P(j)). `caps` are `perception.capabilities` computed on the positional
    gradient of `sim.model.reach` (where forces stand: capitals, territories, bases, deployments,
    moved by `deploy`/`withdraw`) with allies weighted by `sim.model.honour.expected` (each ally's
    own reliability in the pact that would call it in), the one notion of reach and honour the
    rest of the model uses."""
    attack = np.ascontiguousarray(caps.reach.T)
    defend = np.broadcast_to(caps.own[None, :], attack.shape).copy()
    return attack, defend


def prevail(attack: np.ndarray, defend: np.ndarray, exponent: float, odb: float) -> np.ndarray:
    """p = A^k / (A^k + (delta B)^k) with the defender's advantage delta = 1 + 2 (1 - odb)
    (3 under defence dominance, the 3:1 rule; 1 under offence dominance); 0 on the diagonal."""
    a = attack ** exponent
    b = ((1.0 + 2.0 * (1.0 - odb)) * defend) ** exponent
    p = np.zeros(a.shape)
    np.divide(a, a + b, out=p, where=(a + b) > 0)
    np.fill_diagonal(p, 0.0)
    return p


def optimistic(p: np.ndarray | float, bias: float) -> np.ndarray | float:
    """Blainey's optimism: logit(p^) = logit(p) + bias (0 and 1 stay as they are); a float for a float
    (the same value, without numpy's overhead on one number: a war reckons it every step)."""
    if isinstance(p, float):
        odds = float(np.exp(bias)) * p
        den = odds + (1.0 - p)
        if den != 0.0 or not odds + 1.0 - p > 0:
            return odds / den if odds + 1.0 - p > 0 else 0.0
    p = np.asarray(p, dtype=float)
    odds = np.exp(bias) * p
    out = np.zeros(p.shape)
    np.divide(odds, odds + (1.0 - p), out=out, where=(odds + 1.0 - p) > 0)
    return out


class Motives:
    """The matrices one replication's kernel reads: `aim` (the level a claim is pressed to:
    pressure x stake, plus the expected net value of war when positive, at most 6),
    `gain` (expected value of the stake, a utility of the war rungs) and `preempt` (the value of
    striking first at an opponent mobilised against you). Stakes are this replication's own copy:
    a war's outcome resolves them (`resolve`)."""

    def __init__(self, params, stake: np.ndarray):
        self.params, self.stake = params, stake.copy()
        n = len(stake)
        self.sober = np.zeros((n, n), dtype=bool)  # dyads whose optimism a war has spent
        self.p = np.zeros((n, n))
        self.aim, self.gain, self.preempt = (np.zeros((n, n)) for _ in range(3))

    def copy(self) -> Motives:
        """An independent copy: its own stakes, optimism spent and matrices (what a replication
        changes), the same parameters."""
        other = copy.copy(self)
        for name in ("stake", "sober", "p", "aim", "gain", "preempt"):
            setattr(other, name, getattr(self, name).copy())
        return other

    def update(self, caps, umbrella: np.ndarray, clash_cost: np.ndarray) -> None:
        """Recompute from the capabilities, the nuclear umbrellas and the decision rule's cost of the clash rung
        (after a restructure) in place, so the kernel's views stay valid."""
        m = self.params
        self.clash_cost = clash_cost
        attack, defend = coalition_strength(caps)
        self.p[...] = prevail(attack, defend, m.csf_exponent, m.odb) * (1.0 - m.nuclear_shadow * umbrella[None, :])
        self._derive()

    def _derive(self, cells: tuple = (Ellipsis,)) -> None:
        """`gain`, `aim` and `preempt` from p, the stakes, the optimism spent and the cost of the clash,
        in the `cells` given (an index: every cell by default). Each cell is its own inputs' arithmetic,
        so recomputing only the cells whose inputs changed leaves the same numbers as recomputing all."""
        m = self.params
        p, stake = self.p[cells], self.stake[cells]
        hopeful = np.where(self.sober[cells], p, optimistic(p, m.optimism))
        gain = self.gain[cells] = m.stake_weight * hopeful * stake
        net = gain - self.clash_cost[cells]  # EU(war) - EU(status quo); clash_cost holds the fixed cost
        self.aim[cells] = np.minimum(m.pressure * stake + np.maximum(net, 0.0) * (stake > 0), 6.0)
        self.preempt[...] = m.first_strike * m.odb

    def resolve(self, a: int, b: int, share: float, kind: str) -> None:
        """A war a started against b ended with a winning `share` of the stake: a's claim keeps what
        it did not win, S <- S (1 - share) (a settlement or a ceasefire freezes the rest of
        the claim; a failed bid, share 0, leaves it whole; only the defender's capitulation, share 1,
        resolves it). Either side reads its chances without optimism from now on."""
        self.stake[a, b] = self.stake[a, b] * (1.0 - share)
        self.sober[a, b] = self.sober[b, a] = True
        self._derive(([a, b], [b, a]))  # the two cells whose inputs changed (a full pass: 1,000 x 1,000 cells)
