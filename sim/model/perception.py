"""Threat perception: Walt's balance of threat with Boulding's loss-of-strength gradient.

Walt (1985, "Alliance Formation and the Balance of World Power", International Security 9(4);
1987, The Origins of Alliances) names four sources of threat: aggregate power, proximity,
offensive capability and perceived intentions. Power reaches across distance through Boulding's
(1962, Conflict and Defense) loss-of-strength gradient. Capabilities change only when power or
alliances change, so they are matrices recomputed on those (rare) events; intent changes with
every observed act and relaxes on one clock (read when needed, never ticked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.model.replication import ReplicationState

__all__ = ["gradient", "alignment", "Capabilities", "capabilities", "threats_to", "tension", "terms", "terms_of", "survival_log",
           "excess", "blocs"]


_LOG2_LARGEST = 1024.0 - 1e-9
"""Below this log2 a power is a finite double (the largest is just under 2**1024): the margin is
far above the error of computing the log2, so a power computed below it never overflows."""


def gradient(distance_km: np.ndarray, half_km: float, exponent: float) -> np.ndarray:
    """Boulding's loss-of-strength gradient g(d) = 1 / (1 + (d / d_half)^beta); g(0) = 1.

    Where (d / d_half)^beta would pass the largest double, g is computed as (d / d_half)^-beta, which
    equals 1 / (1 + (d / d_half)^beta) to double precision there, so no power overflows; elsewhere
    the arithmetic (and every bit of the result) is the plain formula's."""
    ratio = np.asarray(distance_km, dtype=float) / half_km
    near = exponent * np.log2(np.maximum(ratio, 1.0)) < _LOG2_LARGEST  # log2 of ratio ** exponent
    power = np.power(ratio, exponent, out=np.zeros_like(ratio), where=near)
    far = np.power(ratio, -exponent, out=np.zeros_like(ratio), where=~near)
    return np.where(near, 1.0 / (1.0 + power), far)


def alignment(pacts, n: int, weights: dict[str, float]) -> np.ndarray:
    """a[i, k]: how far i counts on k: the strongest pact they share, its type weight times reliability."""
    a = np.zeros((n, n))
    for pact in pacts:
        w = max(weights.get(t, 0.0) for t in pact.obligations) * pact.reliability
        if w <= 0 or len(pact.members) < 2:
            continue
        block = np.ix_(pact.members, pact.members)
        a[block] = np.maximum(a[block], w)
    np.fill_diagonal(a, 0.0)
    return a


@dataclass
class Capabilities:
    """Derived capability matrices.

    reach[i, j]  P(j->i): power j and its allies (not allied to i) can bring to bear on i;
    own[i]       P(i): i's power plus its allies' power reaching i, weighted by reliability;
    share[i, j]  P(j->i) / (P(i) + P(j->i)): the capability part of the threat j poses to i;
    deterred[i, j]  the other side's share of the local balance if i attacked j:
                    P(j) / (P(j) + P(i->j)), the deterrent that enters i's cost of war;
    alone[i, j]  o_j p_j g_ij / (P(i) + o_j p_j g_ij): j's share with its own capability only, what
                 it threatens i with by itself (`terms`).
    """

    reach: np.ndarray
    own: np.ndarray
    share: np.ndarray
    deterred: np.ndarray
    alone: np.ndarray


def capabilities(power, offense, g, a) -> Capabilities:
    """Compute reach, own strength, threat share and deterrence from power, gradient and alignment.

    P(j->i) = o_j p_j g_ij + sum_k a_jk [k not allied to i] o_k p_k g_ik
    P(i)    = p_i + sum_k a_ik p_k g_ik
    """
    n = len(power)
    w = offense * power
    allied = (a > 0) | np.eye(n, dtype=bool)
    solo = g * w[None, :]
    reach = solo + ((~allied) * solo) @ a.T
    np.fill_diagonal(reach, 0.0)
    np.fill_diagonal(solo, 0.0)
    own = power + (a * g) @ power
    share = _ratio(reach, own[:, None] + reach)
    deterred = _ratio(own[None, :], own[None, :] + reach.T)
    np.fill_diagonal(deterred, 0.0)
    return Capabilities(reach, own, share, deterred, _ratio(solo, own[:, None] + solo))


def threats_to(sim: ReplicationState, observers: np.ndarray, source: int) -> np.ndarray:
    """T[m, source] = I[m, source] x C[m, source] for each observer m, now."""
    if len(observers) == 0:
        return np.zeros(0)
    return sim.intent.cells(observers, source, sim.clock.now) * sim.ties.threat_share[observers, source]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


def tension(intent: np.ndarray, share: np.ndarray, alone: np.ndarray | None = None, bloc: np.ndarray | None = None,
            floor: float = 0.0, aggregation: float = 0.0) -> np.ndarray:
    """A state's tension: tau_i = 1 - exp(-sum_j L_ij), L_ij source j's term (see `terms`).

    Without blocs (every state its own) and floor 0 this is 1 - prod_j (1 - I_ij share_ij). The
    kernel's `tension_of` computes the same in a fixed order of operations (this one may differ
    from it in the last bits)."""
    return 1.0 - np.exp(-np.sum(terms(intent, share, alone, bloc, floor, aggregation), axis=-1))


def survival_log(x: np.ndarray) -> np.ndarray:
    """-log(1 - x), the additive form of a threat x in [0, 1] (inf at 1)."""
    with np.errstate(divide="ignore"):
        return -np.log1p(-np.minimum(x, 1.0))


def terms(intent: np.ndarray, share: np.ndarray, alone: np.ndarray | None = None, bloc: np.ndarray | None = None,
          floor: float = 0.0, aggregation: float = 0.0) -> np.ndarray:
    """L[..., i, j] = -log of the chance that source j's threat to i does not materialise, so that
    tau_i = 1 - exp(-sum_j L_ij) (rows of any leading shape).

    x_ij = u_ij share_ij, u_ij = (I_ij - I_0)+ / (1 - I_0): j's threat to i, intent above the
    background `floor` I_0 times its capability share (its reach with its allies'); y_ij =
    u_ij alone_ij, the same with j's own capability only. A state that is its own bloc counts in
    full, L = -log(1 - x). Blocs (`bloc[j]`, numbered 0..) are the states defence or offence pacts
    bind together. Each member of a bloc counts its own capability in full, -log(1 - y), once: the
    bloc's aggregate power (Walt 1987). What its allies add to its reach, e_ij = -log(1 - x_ij) +
    log(1 - y_ij), is the same allied capability counted again through every member, so the
    extras are ranked in the bloc by decreasing size and the r-th (from 0) counts `aggregation`^r
    (kappa; an ordered weighted sum, Yager 1988): the largest in full, the others a geometric
    fraction, at most 1 / (1 - kappa) times the largest however many members there are. The sum
    rises with every member's threat and with membership, and own capabilities never drop out: a
    bloc that tightens its pacts, or admits a state bound to no one else, never lowers the tension
    of a target allied to none of them (docs/model.md, "Bloc-aware tension")."""
    return terms_of(excess(intent, floor), share, alone, bloc, aggregation)


def terms_of(u: np.ndarray, share: np.ndarray, alone: np.ndarray | None = None, bloc: np.ndarray | None = None,
             aggregation: float = 0.0) -> np.ndarray:
    """`terms` from intent above the floor u (`excess`)."""
    n = share.shape[-1]
    bloc = np.arange(n) if bloc is None else np.asarray(bloc)
    x = u * share
    alone = share if alone is None else alone
    sizes = np.bincount(bloc)
    single = sizes[bloc] == 1
    own = np.where(single, x, np.minimum(u * alone, x))
    out = survival_log(own)
    sure = x >= 1.0
    extra = np.where(sure, np.inf, np.log1p((x - own) / np.where(sure, 1.0, 1.0 - x)))
    for b in np.flatnonzero(sizes > 1):
        cols = np.flatnonzero(bloc == b)
        ranked = extra[..., cols]
        order = np.argsort(-ranked, axis=-1, kind="stable")  # the lower index first among equals
        weight = np.empty(order.shape)  # aggregation^rank, the powers taken once per rank
        powers = np.power(float(aggregation), np.arange(len(cols), dtype=float))
        np.put_along_axis(weight, order, np.broadcast_to(powers, order.shape), axis=-1)
        counted = (ranked > 0) & (weight > 0)
        out[..., cols] += np.where(counted, weight * np.where(counted, ranked, 0.0), 0.0)
    return out


def excess(intent, floor: float):
    """u = (I - I_0)+ / (1 - I_0): intent above the background floor, rescaled to 0..1 (0 where none
    is above it, also when the floor is 1)."""
    above = np.maximum(np.asarray(intent, dtype=float) - floor, 0.0)
    return np.divide(above, 1.0 - floor, out=np.zeros_like(above), where=above > 0)


def blocs(pacts, n: int, kinds: frozenset[str] = frozenset({"defence", "offence"})) -> np.ndarray:
    """bloc[j]: the connected component of j among states bound by pacts of `kinds`, numbered in
    order of each component's lowest index (so that the numbering is reproducible)."""
    parent = list(range(n))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for pact in pacts:
        if pact.obligations & kinds:
            for m in pact.members[1:]:
                parent[root(m)] = root(pact.members[0])
    labels: dict[int, int] = {}
    return np.array([labels.setdefault(root(k), len(labels)) for k in range(n)], dtype=np.int64)
