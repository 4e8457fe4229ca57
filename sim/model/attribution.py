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

`table` is the split over whole arrays, the readable definition; the engine computes the same
cell by cell in the compiled kernel (`sim.kernel.reference.split_sources`, equal to it to rounding),
from the kernel's terms (`sim.kernel.reference.tension_terms`), and takes the names of components
and of the blocs from here.
"""

from __future__ import annotations

import numpy as np

from sim.model.perception import excess

__all__ = ["COMPONENTS", "table", "bloc_names"]

COMPONENTS = ("capability", "alliances", "standing", "intent")


def table(tau: np.ndarray, log: np.ndarray, now: np.ndarray, base: np.ndarray, struct: np.ndarray, share: np.ndarray,
          share0: np.ndarray, floor: float, min_source: float, min_part: float) -> tuple[np.ndarray, ...]:
    """(sample, row, source, component, value) of the parts of tau[k, r] (sample k, observer row r)
    kept for sources.csv, in its order: sample by sample, row by row, sources by decreasing part
    with `other` (source n) last, components in order. The part of source j is tau's share in
    proportion to L_ij, its term (`log`, k x r x n: the kernel's, `sim.kernel.reference.tension_terms`,
    which `sim.model.perception.terms` gives to rounding); its component c (of `COMPONENTS`)
    the share of that part in proportion to c's term of x_ij. A source that makes less than
    `min_source` of tau, or a component that makes less than `min_part` of it, is summed into
    `other`'s component; parts that are 0 are left out. Rows of intent `now`, its baseline in force
    `base` and its structural baseline `struct` are k x r x n; the capability shares `share`, the
    same without the observer's allies `share0` are k x r x n or r x n. The values of each (k, r) add up to tau[k, r] to
    rounding."""
    u_now, u_base, u_struct = excess(now, floor), excess(base, floor), excess(struct, floor)
    x = u_now * share
    sure = np.isinf(log)
    if sure.any():  # a sure threat takes it all
        log = np.where(sure.any(axis=-1, keepdims=True), sure.astype(float), log)
    total = log.sum(axis=-1, keepdims=True)
    part = log * (tau[..., None] / np.where(total > 0, total, 1.0))  # each source's part of tau
    ratio = np.zeros(x.shape)  # per unit of its threat x
    np.divide(part, x, out=ratio, where=x > 0)
    share, share0, u_base, u_struct = (np.broadcast_to(a, x.shape) for a in (share, share0, u_base, u_struct))
    small = np.abs(part) < min_source * tau[..., None]
    n = x.shape[-1]
    # other: every component of the small sources, summed over them
    weight = np.where(small, ratio, 0.0)
    structural = u_struct * weight
    other = np.stack([(structural * share0).sum(-1), (structural * (share - share0)).sum(-1),
                      ((u_base - u_struct) * share * weight).sum(-1), ((u_now - u_base) * share * weight).sum(-1)],
                     axis=-1)
    k, r, j = np.nonzero(~small & (part != 0))
    at = (k, r, j)
    structural = u_struct[at] * ratio[at]
    pieces = np.stack([structural * share0[at], structural * (share[at] - share0[at]),
                       (u_base[at] - u_struct[at]) * share[at] * ratio[at],
                       (u_now[at] - u_base[at]) * share[at] * ratio[at]], axis=-1)
    rank = -pieces.sum(-1)  # sources by decreasing part
    tiny = np.abs(pieces) < min_part * tau[k, r][:, None]
    cell = ((k * x.shape[1] + r) * len(COMPONENTS))[:, None] + np.arange(len(COMPONENTS))
    other += np.bincount(cell.ravel(), np.where(tiny, pieces, 0.0).ravel(), other.size).reshape(other.shape)
    pieces = np.where(tiny, 0.0, pieces)
    keep_k, keep_c = np.nonzero(pieces)
    ok, orow, oc = np.nonzero(other)
    sample = np.concatenate([k[keep_k], ok])
    row = np.concatenate([r[keep_k], orow])
    source = np.concatenate([j[keep_k], np.full(len(ok), n)])
    component = np.concatenate([keep_c, oc])
    value = np.concatenate([pieces[keep_k, keep_c], other[ok, orow, oc]])
    rank = np.concatenate([rank[keep_k], np.full(len(ok), np.inf)])  # `other` last
    order = np.lexsort((component, source, rank, row, sample))
    return sample[order], row[order], source[order], component[order], value[order]


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
