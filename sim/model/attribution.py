"""Where a state's tension comes from: its tension split by source and by component.

Tension is tau_i = 1 - exp(-sum_j L_ij) over sources j (`sim.model.perception.terms`): L_ij is
-log(1 - x_ij), x_ij = u_ij C_ij, u being intent above the background I_0
(u = (I - I_0)+ / (1 - I_0)) and C the capability share, for a state outside every bloc; for a
bloc member, its own capability's term plus what its allies add, weighted by its rank in the
bloc. The split is exact (the parts add up to tau_i) and follows the formula's own structure:

- sources: tau_i is shared in proportion to L_ij, each source's term of the sum;
- components: a source's part is split in proportion to the terms of x_ij that add up to it:

      capability   u(structural baseline) C0_ij       C0: the same share if i had no allies (P(i) = p_i)
      alliances    u(structural baseline) (C_ij - C0_ij)     what i's own allies take off (<= 0)
      standing     (u(baseline in force) - u(structural baseline)) C_ij     standing acts in force
      intent       (u(now) - u(baseline in force)) C_ij     observed acts (the spiral), fading

Only the names of components and of the bloc come from here; the engine keeps the arrays.
"""

from __future__ import annotations

import numpy as np

from sim.model.perception import excess, terms

__all__ = ["COMPONENTS", "split", "bloc_names"]

COMPONENTS = ("capability", "alliances", "standing", "intent")


def split(tau: np.ndarray, now: np.ndarray, base: np.ndarray, struct: np.ndarray, share: np.ndarray,
          share0: np.ndarray, alone: np.ndarray, bloc: np.ndarray, floor: float, aggregation: float) -> np.ndarray:
    """parts[k, r, j, c]: the part of tau[k, r] (sample k, observer row r) that source j's component
    c (of `COMPONENTS`) makes, for rows of intent `now`, its baseline in force `base` and its
    structural baseline `struct` (k x r x n), the capability shares `share`, the same without the
    observer's allies `share0` and with the source's own capability only `alone` of those rows
    (k x r x n or r x n), the blocs `bloc` (n) and `bloc_aggregation`
    (`sim.model.perception.terms`). parts.sum((2, 3)) equals tau to rounding."""
    u_now, u_base, u_struct = excess(now, floor), excess(base, floor), excess(struct, floor)
    x = u_now * share
    log = terms(now, share, alone, bloc, floor, aggregation)  # each source's term, as the kernel weighs it
    sure = np.isinf(log)
    log = np.where(sure.any(axis=-1, keepdims=True), sure.astype(float), log)  # a sure threat takes it all
    total = log.sum(axis=-1, keepdims=True)
    source = np.zeros(x.shape)
    np.divide(log * tau[..., None], total, out=source, where=total > 0)
    pieces = np.stack(np.broadcast_arrays(u_struct * share0, u_struct * (share - share0),
                                          (u_base - u_struct) * share, (u_now - u_base) * share), axis=-1)
    parts = np.zeros(pieces.shape)
    np.divide(pieces * source[..., None], x[..., None], out=parts, where=x[..., None] > 0)
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
