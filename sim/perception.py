"""Threat perception: Walt's balance of threat with Boulding's loss-of-strength gradient.

Walt (1985, "Alliance Formation and the Balance of World Power", International Security 9(4);
1987, The Origins of Alliances) names four sources of threat: aggregate power, proximity,
offensive capability and perceived intentions. Power reaches across distance through Boulding's
(1962, Conflict and Defense) loss-of-strength gradient. Capabilities change only when power or
alliances change, so they are matrices recomputed on those (rare) events; intent changes with
every observed act and relaxes on one clock (read when needed, never ticked).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .kernel import decay, tension_of

__all__ = ["gradient", "alignment", "Capabilities", "capabilities", "Intent", "tension"]


def gradient(distance_km: np.ndarray, half_km: float, exponent: float) -> np.ndarray:
    """Boulding's loss-of-strength gradient g(d) = 1 / (1 + (d / d_half)^beta); g(0) = 1."""
    return 1.0 / (1.0 + (np.asarray(distance_km) / half_km) ** exponent)


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
                    P(j) / (P(j) + P(i->j)), the deterrent that enters i's cost of war.
    """

    reach: np.ndarray
    own: np.ndarray
    share: np.ndarray
    deterred: np.ndarray


def capabilities(power, offense, g, a) -> Capabilities:
    """Compute reach, own strength, threat share and deterrence from power, gradient and alignment.

    P(j->i) = o_j p_j g_ij + sum_k a_jk [k not allied to i] o_k p_k g_ik
    P(i)    = p_i + sum_k a_ik p_k g_ik
    """
    n = len(power)
    w = offense * power
    allied = (a > 0) | np.eye(n, dtype=bool)
    reach = g * w[None, :] + ((~allied) * g * w[None, :]) @ a.T
    np.fill_diagonal(reach, 0.0)
    own = power + (a * g) @ power
    share = _ratio(reach, own[:, None] + reach)
    deterred = _ratio(own[None, :], own[None, :] + reach.T)
    np.fill_diagonal(deterred, 0.0)
    return Capabilities(reach, own, share, deterred)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(np.broadcast(num, den).shape)
    np.divide(num, den, out=out, where=den > 0)
    return out


class Intent:
    """Perceived intent I[i, j] in [0, 1]: how hostile i believes j to be.

    It relaxes exponentially toward `baseline` with the given half-life and jumps with observed
    acts. Every cell relaxes at the same rate, so one clock serves them all:
    I = baseline + D e^(-rate (t - epoch)), D being the deviation from the baseline scaled to the
    epoch. Reading intent at any time costs one exp and changes nothing; a move at time t stores
    D = (I - baseline) / e^(-rate (t - epoch)). Each cell remembers the event that moved it most
    and that move's size (`strength`, scaled like D, so older moves fade at the same rate), so a
    decision can name its cause. The compiled kernel (`sim._kernel`) reads and writes these
    arrays in place.
    """

    def __init__(self, baseline: np.ndarray, half_life_days: float):
        self.baseline = np.array(baseline, dtype=float)
        self.dev = np.zeros_like(self.baseline)
        self.strength = np.zeros_like(self.baseline)
        self.cause = np.zeros(self.baseline.shape, dtype=np.int64)
        self.epoch = np.zeros(1)  # rescaled far in the future (sim._kernel.decay)
        self.rate = math.log(2.0) / half_life_days

    def decay(self, t: float) -> float:
        """e^(-rate (t - epoch)): the factor that reads D (and strengths) at time t."""
        return decay(self.dev, self.strength, self.epoch, -self.rate, t)

    def row(self, i: int, t: float) -> np.ndarray:
        """I[i, :] at time t (a new array)."""
        return self.baseline[i] + self.dev[i] * self.decay(t)

    def all(self, t: float) -> np.ndarray:
        """The whole matrix at time t (a new array)."""
        return self.baseline + self.dev * self.decay(t)

    def at(self, i: int, j: int, t: float) -> float:
        """I[i, j] at time t."""
        return self.baseline.item(i, j) + self.dev.item(i, j) * self.decay(t)

    def cells(self, rows: np.ndarray, cols: np.ndarray, t: float) -> np.ndarray:
        """I[rows[k], cols[k]] at time t for each k (a new array; either may be one index)."""
        return self.baseline[rows, cols] + self.dev[rows, cols] * self.decay(t)

    def tension(self, share: np.ndarray, t: float) -> np.ndarray:
        """Every state's tension at time t: `tension(self.all(t), share)`, in one pass."""
        out = np.empty(len(share))
        tension_of(self, share, t, out)
        return out

    def set(self, i: int, j: int, value: float, t: float, baseline: bool) -> None:
        """Set I[i, j] at time t (and its baseline when asked), as a scenario action does."""
        e = self.decay(t)
        if baseline:
            self.baseline[i, j] = value
        self.dev[i, j] = (value - self.baseline.item(i, j)) / e

    def remember(self, i: int, j: int, move: float, event: int, t: float) -> None:
        """Name `event` as the cause of I[i, j], with the size of its move at time t."""
        self.cause[i, j] = event
        self.strength[i, j] = move / self.decay(t)

    def rebase(self, baseline: np.ndarray, t: float) -> None:
        """New baselines from time t (pacts or power changed): intent keeps its value at t and
        relaxes toward the new baselines from then on (in place)."""
        e = self.decay(t)
        value = self.baseline + self.dev * e
        self.baseline[...] = baseline
        self.dev[...] = (value - self.baseline) / e


def tension(intent: np.ndarray, share: np.ndarray) -> np.ndarray:
    """A state's tension tau_i = 1 - prod_j (1 - T_ij), with T = I * share."""
    return 1.0 - np.prod(1.0 - intent * share, axis=1)
