"""Reach from where forces stand: Boulding's loss-of-strength gradient from the nearest position.

Boulding (1962, Conflict and Defense, ch. 12) measures a state's strength at a place by its
strength at home less a loss per unit of distance from its *home base*; a state with bases
abroad has several home bases, and its strength at a place is the largest it can bring from
any of them. Here a state projects power from its capital (weight 1) and from every territory,
base, rotational deployment and fleet it keeps away from the capital (`territories.csv`,
`deployments.csv`), each weighted by the personnel stationed there:

    w_p = N_p / (N_p + N_half)        (capital: w = 1; no figure: N_p = `unknown_personnel`)

Both sides stand somewhere, so the gradient between states i and j is the best pair of their
positions: a threat to a state's forces abroad is a threat to that state (Walt 1987, ch. 2:
proximity is where power can be brought to bear):

    G[i, j] = max over positions q of i, p of j of  w_q w_p g(d(q, p)),   g(d) = 1 / (1 + (d / d_half)^beta)

G[i, j] >= g(d(capital_i, capital_j)): positions only ever add reach. `G` replaces the
capital-to-capital gradient everywhere the model reads proximity (reach, own strength,
deterrence, the spill-over of observed acts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model.perception import gradient
from sim.model.world import World, great_circle_km

__all__ = ["Positions", "position_weight", "positional_gradient", "positions"]


@dataclass(frozen=True)
class Positions:
    """Where each state's forces stand: parallel arrays, one entry a position, owners ascending."""

    owner: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray


def position_weight(personnel: float | None, half: float, unknown: float) -> float:
    """w = N / (N + N_half): the share of its owner's power a position away from home projects."""
    n = unknown if personnel is None else personnel
    return n / (n + half) if n > 0 else 0.0


def positions(world: World, half: float, unknown: float, extra: dict | None = None) -> Positions:
    """Every state's capital (weight 1) and places away from it (weight by personnel).

    `extra` maps (owner, name) -> (lat, lon, personnel) for positions a replication added or
    changed (`deploy`, `withdraw`); a personnel of 0 removes a position.
    """
    rows = {(i, ""): (float(world.lat[i]), float(world.lon[i]), 1.0) for i in range(world.n)}
    for (owner, name), place in world.territories.items():
        rows[(owner, name)] = (place.lat, place.lon, position_weight(place.personnel, half, unknown))
    for (owner, name), (lat, lon, personnel) in (extra or {}).items():
        rows[(owner, name)] = (lat, lon, position_weight(personnel, half, unknown))
    keys = sorted(k for k, v in rows.items() if v[2] > 0)
    table = np.array([rows[k] for k in keys], dtype=float).reshape(-1, 3)
    return Positions(np.array([k[0] for k in keys], dtype=np.intp), table[:, 0], table[:, 1], table[:, 2])


def positional_gradient(pos: Positions, n: int, half_km: float, exponent: float) -> np.ndarray:
    """G[i, j]: the best pair of positions of i and j, w_q w_p g(d(q, p)) (see the module)."""
    pair = gradient(great_circle_km(pos.lat, pos.lon), half_km, exponent)
    pair = pair * pos.weight[:, None] * pos.weight[None, :]
    starts = np.flatnonzero(np.r_[True, pos.owner[1:] != pos.owner[:-1]])
    by_row = np.maximum.reduceat(pair, starts, axis=0)
    out = np.maximum.reduceat(by_row, starts, axis=1)
    if len(starts) != n:
        raise ValueError("every state needs its capital among the positions")
    return out
