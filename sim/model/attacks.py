"""What a step up the ladder sets in motion: a mobilisation invokes the pacts it triggers; an armed
attack (a crossing of `CLASH`) is answered by the target at once (self-defence) and invokes the
pacts whose terms it meets (:mod:`sim.model.alliances`); who struck first in each dyad is kept.

Collective defence answers the aggression (Johnson & Leeds 2011): a state whose first blow
against j answered j's aggression keeps answering it when it strikes j again after a truce.
"""

from __future__ import annotations

from sim.model import alliances
from sim.model.ladder import MOBILISATION, Kind
from sim.model.replication import ReplicationState
from sim.model.world import Place

__all__ = ["FirstStrikes", "armed_attack", "mobilised"]


class FirstStrikes:
    """Who struck first in each dyad at war, and the dyads whose first blow was collective defence."""

    def __init__(self) -> None:
        self.first: dict[frozenset[int], int] = {}  # who struck first in each dyad at war
        self.answering: set[frozenset[int]] = set()  # dyads whose first blow was collective defence

    def strike(self, i: int, j: int, collective: bool) -> bool:
        """Note who struck first in the dyad; return whether i's attack is collective defence. A
        state whose first blow against j answered j's aggression (a collective-defence entry) keeps
        answering it when it strikes j again after a truce (wars end): its later strikes
        do not make j's defensive pacts fire (Johnson & Leeds 2011), as its entry did not."""
        pair = frozenset((i, j))
        if pair not in self.first:
            self.first[pair] = i
            if collective:
                self.answering.add(pair)
        return collective or (pair in self.answering and self.first[pair] == i)


def mobilised(sim: ReplicationState, i: int, j: int, old: int, level: int, event: int, triggers: bool) -> None:
    """i's step from `old` to `level` toward j: a crossing of `MOBILISATION` invokes the pacts a
    mobilisation triggers (`triggers`: some pact's trigger level is below `CLASH`)."""
    if old < MOBILISATION <= level and triggers:
        alliances.on_mobilisation(sim, i, j, event)


def armed_attack(sim: ReplicationState, i: int, j: int, level: int, event: int, location: str | Place | None,
                 collective: bool = False, self_defence: bool = False) -> None:
    """The target answers at once (self-defence), and pacts whose terms are met are invoked. The
    attack falls on j's homeland, on its territory named `location`, or on the place given (a
    joiner's blow falls where the war it joins is fought: :mod:`sim.model.joining`)."""
    place = location if isinstance(location, Place) else sim.world.place(j, location)
    sim.memory.places.setdefault(frozenset((i, j)), place)  # the war's place: the first blow's, not the answer's
    if sim.posture[j, i] < level:
        sim.act(j, i, level, Kind.SELF_DEFENCE, cause=event)
    alliances.on_armed_attack(sim, i, j, place, event, collective, self_defence)
    sim.clock.alarm([j], event)
