"""Nuclear arsenals: the shadow a state's own arsenal and its patrons' cast (docs/model.md, "Nuclear arsenals").

Own deterrent. A survivable second strike deters any attacker from total war whatever its size
(Waltz 1981, "The Spread of Nuclear Weapons: More May Be Better", Adelphi Paper 171); an arsenal
that could be destroyed or intercepted deters less, the more so the smaller it is:

    D_i = 1                                          second strike (or a nuclear state whose arsenal is unknown)
    D_i = small_arsenal * W_i / (W_i + warheads_half)   no second strike, W_i warheads
    D_i = 0                                          not nuclear

Extended deterrence. A patron's umbrella over a protege is worth what the patron is expected to
risk for it: the probability it fights for the protege (`sim.model.honour.expected`, its
reliability in the pact) times its stake there, read as its reach at the protege (the positional
gradient of `sim.model.reach`: forces forward are a trip wire). Huth (1988, Extended Deterrence
and the Prevention of War) and Danilovic (2001, Journal of Conflict Resolution 45(3)) find
extended deterrence credible where the patron's stakes in the protege are high:

    U_j = max(D_j, max_k h[j, k] G[k, j] D_k)

U is graded, not a flag (1 for any nuclear state and every ally of one would be the flag). It shades the chance
of imposing a claim (`sim.model.motives`) and prices the top rungs (`sim.model.decision`);
limited war (level 5) carries no nuclear cost: the stability-instability paradox (Snyder 1965,
"The Balance of Power and the Balance of Terror"; Jervis 1984, The Illogic of American Nuclear
Strategy). Between nuclear powers total war comes only from the logit's noise or from
desperation: a state losing a war forgoes a share of the nuclear costs toward its enemy as the
enemy's holding nears capitulation (`desperate_costs`).
"""

from __future__ import annotations

import numpy as np

from sim.model.world import World

__all__ = ["deterrent", "umbrella", "desperate_costs"]


def deterrent(world: World, params) -> np.ndarray:
    """D_i of every state (see the module): 1 with a second strike or an unknown arsenal, a
    saturating share of `small_arsenal` in the warheads without, 0 if not nuclear."""
    n = world.n
    warheads = np.full(n, np.nan) if world.warheads is None else world.warheads
    second = np.full(n, np.nan) if world.second_strike is None else world.second_strike
    small = params.small_arsenal * np.nan_to_num(warheads) / (np.nan_to_num(warheads) + params.warheads_half)
    survivable = np.isnan(second) | (second > 0) | np.isnan(warheads)
    return np.where(world.nuclear, np.where(survivable, 1.0, small), 0.0)


def umbrella(own: np.ndarray, honour: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """U_j = max(D_j, max_k h[j, k] G[k, j] D_k): the stronger of a state's own deterrent and
    its most credible patron's (`honour` h[j, k]: k fights for j; `reach` G[k, j])."""
    extended = honour * reach.T * own[None, :]
    return np.maximum(own, extended.max(axis=1, initial=0.0))


def desperate_costs(costs: tuple, base: tuple, losing: dict[tuple[int, int], float], share: float,
                    cells: list[tuple[int, int]] | None = None) -> tuple:
    """The costs a replication decides with: `base` (its structure's) with, for each dyad (i, j) in
    `losing` (i is losing its war with j by d in [0, 1]), the nuclear part of levels 6 and 7 cut by
    share x d (what a state about to lose everything no longer fears losing).

    `costs` are the arrays last returned: with `cells` (the dyads whose loss changed) only those
    cells are rewritten in place, which the kernel sees without a rebind; without, fresh copies
    of `base` are made (after a restructure). No dyad losing: `base` itself."""
    if not losing:
        return base
    if cells is None or costs[6] is base[6]:
        costs, cells = base[:6] + (base[6].copy(), base[7].copy()), list(losing)
    clash = base[5]
    for i, j in cells:
        cut = 1.0 - share * losing.get((i, j), 0.0)
        costs[6][i, j] = 2 * clash[i, j] + (base[6][i, j] - 2 * clash[i, j]) * cut
        costs[7][i, j] = 3 * clash[i, j] + (base[7][i, j] - 3 * clash[i, j]) * cut
    return costs
