"""How wars end (docs/model.md, "War termination").

War is bargaining carried on by fighting (Filson & Werner 2002, AJPS 46(4); Slantchev 2003,
APSR 97(4)): battle outcomes move each side's holding of the stake toward what the balance of
forces allows, fighting spends the optimism that made the war possible (Blainey 1973), and a side
stops when continuing is worth less than stopping; a defender facing the loss of nearly everything
gives in (Reiter 2009, How Wars End). One SimPy process per war dyad: its reckonings are rare
(weekly), so they live in Python, off the kernel's hot path.

A war acts on its replication through :class:`sim.model.replication.ReplicationState` only: it logs its
end as an event (one of :data:`END_KINDS`, typed like every event of events.csv) and tells the
replication the war is over (`war_over`), which the recorder observes for `t_end_A_B`
(:mod:`sim.engine.metrics`); it never reads or writes the recorder itself.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.model.ladder import CLASH, Kind
from sim.model.motives import optimistic

if TYPE_CHECKING:
    from sim.model.replication import Process, ReplicationState
    from sim.scenario.schema import Termination

__all__ = ["END_KINDS", "Wars"]

END_KINDS = (Kind.SETTLEMENT, Kind.CAPITULATION, Kind.CEASEFIRE)


class Wars:
    """The wars of one replication, keyed by the unordered pair of belligerents. It keeps no
    reference to the simulation (the processes get it), so a finished replication is freed at once."""

    def __init__(self, params: Termination, generator: np.random.Generator) -> None:
        self.rng, self.params = generator, params
        self.active: set[frozenset[int]] = set()
        self.held: dict[frozenset[int], float] = {}

    def hold(self, a: int, b: int, until: float) -> None:
        """The war between a and b does not end by bargaining before day `until` (a scripted war the
        user asserts lasts: `attack`'s `hold_days`); fortunes and costs still accrue."""
        key = frozenset((a, b))
        self.held[key] = max(self.held.get(key, 0.0), until)

    def begin(self, sim: ReplicationState, a: int, b: int) -> None:
        """A posture of a toward b crossed level 5: start the dyad's war unless one is under way."""
        key = frozenset((a, b))
        if key not in self.active:
            self.active.add(key)
            sim.spawn(self.fight(sim, a, b, key))

    @staticmethod
    def balance(sim: ReplicationState, a: int, b: int) -> float:
        """The chance the balance of forces in the theatre gives a against b (no optimism).

        forces deployed and allies actually at war go here."""
        return float(sim.motives.p[a, b])

    def stake(self, sim: ReplicationState, a: int, b: int) -> float:
        """W: what the war is about, at least the stake of a war no claim explains."""
        s = sim.motives.stake
        return max(float(s[a, b]), float(s[b, a]), self.params.security_stake)

    @staticmethod
    def joined(sim: ReplicationState, a: int, b: int) -> bool:
        """A war with no claim of its own that an ally of a (or b) is still fighting against the other:
        it lasts as long as that war (collective defence)."""
        posture = sim.posture
        s = sim.motives.stake
        if s[a, b] > 0 or s[b, a] > 0:
            return False
        for x, y in ((a, b), (b, a)):
            allies = sim.ties.ally[x] > 0
            if (allies & ((posture[y] >= CLASH) | (posture[:, y] >= CLASH))).any():
                return True
        return False

    def fight(self, sim: ReplicationState, a: int, b: int, key: frozenset[int]) -> Process:
        """The war's process: reckon every `step_days` until it ends (see the module)."""
        start, x, paid = sim.env.now, 0.0, [0.0, 0.0]
        while True:
            yield sim.env.timeout(self.params.step_days)
            if sim.posture[a, b] < CLASH and sim.posture[b, a] < CLASH:
                sim.war_over(a, b)  # left by the states' own decisions
                break
            p = self.balance(sim, a, b)
            x = self._battle(x, p, paid)
            if sim.world.nuclear[b]:  # a nuclear defender losing ground (sim.model.nuclear)
                sim.desperation(b, a, min(x / self.params.capitulation, 1.0))
            if self.joined(sim, a, b) or sim.env.now < self.held.get(key, 0.0):
                continue
            ending = self._ending(sim, a, b, x, self._gain(sim, a, b, x, p, start), paid)
            if ending:
                self.end(sim, a, b, *ending)
                break
        self.active.discard(key)
        sim.desperation(b, a, 0.0)

    def _battle(self, x: float, p: float, paid: list[float]) -> float:
        """One step of fighting: the attacker's holding moves toward the balance p with noise; each
        side pays the burden, the weaker more."""
        q, dt = self.params, self.params.step_days
        x = min(max(x + q.rate * (p - x) * dt + q.sd * math.sqrt(dt) * self.rng.standard_normal(), 0.0), 1.0)
        paid[0] += q.burden * dt / 365 * 2 * (1 - p)
        paid[1] += q.burden * dt / 365 * 2 * p
        return x

    def _gain(self, sim: ReplicationState, a: int, b: int, x: float, p: float, start: float) -> float:
        """What the attacker expects to gain by fighting on over its horizon, with the optimism
        fighting has not yet spent."""
        q = self.params
        bias = 0.0 if sim.motives.sober[a, b] else sim.params.motives.optimism * math.exp(
            -(sim.env.now - start) / q.learning_days)
        look = 1.0 - math.exp(-q.rate * q.horizon_days)
        return self.stake(sim, a, b) * (float(optimistic(p, bias)) - x) * look

    def _ending(self, sim: ReplicationState, a: int, b: int, x: float, gain: float,
                paid: list[float]) -> tuple[str, str, float] | None:
        """(kind, cause, share won by a) if the war ends at this reckoning, else None."""
        q, ids, w = self.params, sim.world.ids, self.stake(sim, a, b)
        if x >= q.capitulation:
            return Kind.CAPITULATION, f"{ids[b]} gave in: {ids[a]} held {x:.2f} of the stake", 1.0
        if gain <= q.burden * q.horizon_days / 365 * 2 * (1 - self.balance(sim, a, b)):
            return Kind.SETTLEMENT, f"{ids[a]}'s expected gain {gain:.3f} no longer worth the cost; held {x:.2f}", x
        for side, cost in zip((a, b), paid):
            if cost >= q.exhaustion * w:
                return Kind.CEASEFIRE, f"exhaustion of {ids[side]} (cost {cost:.2f} of stake {w:.2f})", x
        return None

    def end(self, sim: ReplicationState, a: int, b: int, kind: str, cause: str, share: float) -> None:
        """Log the end, bring both postures down to the truce level, resolve a's claim by its share."""
        truce = self.params.truce_level
        event = sim.log(None, kind, a, b, truce, None, cause)
        for i, j in ((a, b), (b, a)):
            if sim.posture[i, j] > truce:
                sim.act(i, j, truce, kind, event=event, attack=False)
        sim.war_over(a, b)
        sim.motives.resolve(a, b, share, settled=kind != Kind.CEASEFIRE)
