"""The conditions of a casus foederis, beyond the pact kinds.

ATOP codes conditions on a commitment's activation (Leeds, Ritter, Mitchell & Long 2002): the
attacker's identity, the number of attackers, whether the ally provoked the attack, and
triggers short of war. These predicates read a replication's postures; `sim.model.alliances`
calls them where a pact may be invoked.

- A `guarantee` is one-sided: its guarantors (members not in `protects`) promise to defend the
  guaranteed (`protects`), who promise nothing. A guarantor may itself be the violator: its
  attack on a guaranteed state still binds the other guarantors.
- `neutrality_only`: a guarantee of neutrality lapses for a guaranteed state that has struck the
  first blow in a war it is fighting (it is no longer neutral).
- `supporters`: invoked only when one of these supports the attack: it fights the member or
  mobilises against it (posture 4+), "an attack by X supported by Y".
- `min_attackers`: invoked only when at least this many states are attacking the member.
- `trigger_level` 4: the other side's mobilisation against a member is itself a casus foederis.
- `alert_mobilisation_days`: a member on alert (posture 4+ toward the enemy when the pact is
  invoked or when it decides) enters within these days instead of the pact's `mobilisation_days`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.ladder import CLASH, MOBILISATION
from sim.model.world import Pact

if TYPE_CHECKING:
    from sim.model.replication import ReplicationState

__all__ = [
    "GUARANTEE",
    "alert_delay",
    "attackers_of",
    "conditions_met",
    "guarantor_violates",
    "neutral",
]

GUARANTEE = "guarantee"


def guarantor_violates(pact: Pact, attacker: int) -> bool:
    """Whether `attacker` is a guarantor of `pact` attacking: its co-guarantors stay bound."""
    return GUARANTEE in pact.obligations and attacker in pact.members and (
        pact.protects is None or attacker not in pact.protects)


def attackers_of(posture: np.ndarray, member: int, level: int = CLASH) -> set[int]:
    """States at `level` or more toward `member`."""
    return set(np.flatnonzero(posture[:, member] >= level).tolist()) - {member}


def neutral(struck_first: dict, posture: np.ndarray, state: int) -> bool:
    """A state is neutral while it has struck the first blow against nobody it is still fighting."""
    fighting = (posture[state] >= CLASH) | (posture[:, state] >= CLASH)
    return not any(struck_first.get(frozenset((state, x))) == state for x in np.flatnonzero(fighting).tolist())


def conditions_met(sim: ReplicationState, pact: Pact, member: int, attacker: int) -> bool:
    """The pact's further conditions on an attack by `attacker` on `member` (module docstring)."""
    posture = sim.posture
    if pact.min_attackers > 1 and len(attackers_of(posture, member) | {attacker}) < pact.min_attackers:
        return False
    if pact.supporters is not None and not any(
            posture[y, member] >= MOBILISATION for y in pact.supporters if y not in (attacker, member)):
        return False
    return not (pact.neutrality_only and not neutral(sim.memory.struck_first, posture, member))


def alert_delay(pact: Pact, level: int) -> tuple[float, float]:
    """A member's mobilisation delay: the alert range when its posture toward the enemy (at the
    invocation or at its decision, the higher) is 4 or more."""
    if pact.alert_mobilisation_days is not None and level >= MOBILISATION:
        return pact.alert_mobilisation_days
    return pact.mobilisation_days
