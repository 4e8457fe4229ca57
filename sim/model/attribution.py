"""Where a state's tension comes from: its tension split by source and by component.

Tension is tau_i = 1 - prod_j (1 - y_ij) over sources j (`sim.model.perception.factors`):
y_ij = u_ij W_ij, u being intent above the background I_0 (u = (I - I_0)+ / (1 - I_0)) and W the
capability share C_ij for the strongest source of a bloc, the member's own share times
`bloc_aggregation` for the others. The split is exact (the parts add up to tau_i) and follows
the formula's own structure:

- sources: tau_i is shared in proportion to -log(1 - y_ij), the additive form of a product of
  independent survivals (1 - tau_i = prod_j (1 - y_ij));
- components: a source's part is split in proportion to the terms of y_ij that add up to it:

      capability   u(structural baseline) W0_ij       W0: the same share if i had no allies (P(i) = p_i)
      alliances    u(structural baseline) (W_ij - W0_ij)     what i's own allies take off (<= 0)
      standing     (u(baseline in force) - u(structural baseline)) W_ij     standing acts in force
      intent       (u(now) - u(baseline in force)) W_ij     observed acts (the spiral), fading

Only the names of components and of the bloc come from here; the engine keeps the arrays.
"""

from __future__ import annotations

import numpy as np

from sim.model.perception import excess

__all__ = ["COMPONENTS", "split", "bloc_names"]

COMPONENTS = ("capability", "alliances", "standing", "intent")


def split(tau: np.ndarray, now: np.ndarray, base: np.ndarray, struct: np.ndarray, share: np.ndarray,
          share0: np.ndarray, joint: np.ndarray, joint0: np.ndarray, bloc: np.ndarray, floor: float) -> np.ndarray:
    """parts[k, r, j, c]: the part of tau[k, r] (sample k, observer row r) that source j's component
    c (of `COMPONENTS`) makes, for rows of intent `now`, its baseline in force `base` and its
    structural baseline `struct` (k x r x n), the capability shares `share`, the members' own
    `joint` (`sim.model.perception.factors`) and both without the observer's allies (`share0`,
    `joint0`) of those rows (k x r x n or r x n), and the blocs `bloc` (n). parts.sum((2, 3))
    equals tau to rounding."""
    u_now, u_base, u_struct = excess(now, floor), excess(base, floor), excess(struct, floor)
    x = u_now * share
    strongest = x > 0  # a state that is its own bloc is its strongest source
    for b in np.flatnonzero(np.bincount(bloc) > 1):
        cols = np.flatnonzero(bloc == b)
        strongest[..., cols] = False
        first = cols[x[..., cols].argmax(axis=-1)]  # the first of the largest, as the kernel counts it
        k, r = np.indices(first.shape)
        strongest[k, r, first] = x[k, r, first] > 0
    weight, weight0 = np.where(strongest, share, joint), np.where(strongest, share0, joint0)
    threat = u_now * weight  # 1 - f: each source's threat as the kernel multiplies it
    with np.errstate(divide="ignore"):
        log = -np.log1p(-np.minimum(threat, 1.0))
    sure = np.isinf(log)
    log = np.where(sure.any(axis=-1, keepdims=True), sure.astype(float), log)  # a sure threat takes it all
    total = log.sum(axis=-1, keepdims=True)
    source = np.zeros(x.shape)
    np.divide(log * tau[..., None], total, out=source, where=total > 0)
    pieces = np.stack(np.broadcast_arrays(u_struct * weight0, u_struct * (weight - weight0),
                                          (u_base - u_struct) * weight, (u_now - u_base) * weight), axis=-1)
    parts = np.zeros(pieces.shape)
    np.divide(pieces * source[..., None], threat[..., None], out=parts, where=threat[..., None] > 0)
    return parts


def bloc_names(pacts, bloc: np.ndarray, kinds: frozenset[str] = frozenset({"defence", "offence"})) -> list[str]:
    """Each bloc's name: the id of its largest defence or offence pact (the first of equals), or ''
    for a state that is its own bloc."""
    best: dict[int, tuple[int, str]] = {}
    for pact in pacts:
        if pact.obligations & kinds and len(pact.members) > 1:
            b = int(bloc[pact.members[0]])
            if b not in best or len(pact.members) > best[b][0]:
                best[b] = (len(pact.members), pact.id)
    return [best[b][1] if b in best else "" for b in range(int(bloc.max(initial=-1)) + 1)]
