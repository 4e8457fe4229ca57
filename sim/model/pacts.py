"""What a pact does among its members in peacetime, as its kinds say (:mod:`sim.scenario.pactkinds`):
bonds (the cost of breaching it, :mod:`sim.model.decision`) and calmer baselines of intent."""

from __future__ import annotations

import numpy as np

from sim.model.world import Pact
from sim.scenario.pactkinds import kind

__all__ = ["bind_members"]


def bind_members(pact: Pact, weights: dict[str, float], bond: np.ndarray, baseline: np.ndarray) -> None:
    """Bonds (breach costs) and calmer baselines among a pact's members, in place: 0 intent under
    an armed obligation, times (1 - reliability) under a pacifying one, else less by the strongest
    kind's weight times reliability."""
    block = np.ix_(pact.members, pact.members)
    kinds = [kind(k) for k in pact.obligations]
    if any(k.bonding for k in kinds):
        bond[block] = np.maximum(bond[block], pact.reliability)
    if any(k.armed for k in kinds):
        factor = 0.0
    elif any(k.pacifying for k in kinds):
        factor = 1.0 - pact.reliability
    else:
        factor = 1.0 - max(weights.get(k, 0.0) for k in pact.obligations) * pact.reliability
    baseline[block] = np.minimum(baseline[block], baseline[block] * factor)
