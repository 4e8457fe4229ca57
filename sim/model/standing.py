"""Standing acts weigh on perception while in force (docs/model.md, "Standing acts").

A blockade, sanctions, a deployment (a scenario `posture` at levels 2-4) or a doctrine naming a
threat (`name_threat`) is not a single event that fades: while it is in force it shifts the
baseline to which the observer's perceived intent relaxes (Jervis 1976, ch. 3: a standing policy
is read as evidence of intent for as long as it stands). A later `posture` below level 2 or a
`ceasefire` between the same states lifts it. The shift lives in this replication only and is
added to the structural baseline whenever pacts or power change.

It acts on a replication through :class:`sim.model.replication.ReplicationState` only (its structural
`baseline` and its `intent`), never on the engine's internals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.ladder import COERCION, MOBILISATION, TOP

if TYPE_CHECKING:
    from sim.model.replication import ReplicationState

__all__ = ["Standing"]



class Standing:
    """Baseline shifts of one replication: shift[(observer, source)] while an act is in force."""

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self.shift: dict[tuple[int, int], float] = {}

    def over(self, baseline: np.ndarray) -> np.ndarray:
        """The structural baseline plus every shift in force (the same array when none is)."""
        if not self.shift:
            return baseline
        out = baseline.copy()
        for (m, s), value in self.shift.items():
            out[m, s] = min(out[m, s] + value, 1.0)
        return out

    def impose(self, sim: ReplicationState, observer: int, source: int, share: float) -> None:
        """Raise observer's baseline view of source by `share` of its gap to 1, while in force."""
        base = float(sim.ties.baseline[observer, source])
        self.shift[(observer, source)] = max(self.shift.get((observer, source), 0.0), share * (1.0 - base))
        self._rebase(sim, observer, source)

    def lift(self, sim: ReplicationState, observer: int, source: int) -> None:
        """End the act's weight: intent relaxes to the structural baseline again."""
        if self.shift.pop((observer, source), None) is not None:
            self._rebase(sim, observer, source)

    def posture(self, sim: ReplicationState, actor: int, target: int, level: int) -> None:
        """A scenario posture: levels 2-4 stand in the target's view of the actor; below 2 lift it."""
        if COERCION <= level <= MOBILISATION:
            self.impose(sim, target, actor, self.weight * level / TOP)
        elif level < COERCION:
            self.lift(sim, target, actor)

    def _rebase(self, sim: ReplicationState, observer: int, source: int) -> None:
        """Move one cell's baseline; its intent keeps its value now and relaxes to the new baseline."""
        base = min(float(sim.ties.baseline[observer, source]) + self.shift.get((observer, source), 0.0), 1.0)
        sim.intent.rebase_cell(observer, source, base, sim.clock.now)
