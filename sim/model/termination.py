"""How wars end, by both sides (docs/model.md, "War termination").

War is bargaining carried on by fighting (Wagner 2000, AJPS 44(3); Filson & Werner 2002, AJPS
46(4); Slantchev 2003, APSR 97(4)): battle outcomes move the attacker's holding of the stake toward
what the balance of forces allows, and fighting spends the optimism of *each* side about its own
chances (Blainey 1973). A war is settled when the two sides' expectations meet: when the share of
the stake the attacker would at least accept to stop is no more than the share the defender would
at most concede, given each side's estimate of the fighting to come and its own costs (a bargaining
range opens). Either side gives in when it holds almost nothing (Reiter 2009, How Wars End), and a
side exhausted by its costs stops (ceasefire). A war a state joined to fight beside an ally ends
with the war it joined. One SimPy process per war dyad: its reckonings are rare (weekly), so they
live in Python, off the kernel's hot path.

A war acts on its replication through :class:`sim.model.replication.ReplicationState` only: it logs its
end as an event (one of :data:`END_KINDS`, typed like every event of events.csv) and tells the
replication the war is over (`conflict.war_over`), which the recorder observes for `t_end_A_B`
(:mod:`sim.engine.metrics`); it never reads or writes the recorder itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.model.ladder import CLASH, Kind
from sim.model.motives import optimistic

if TYPE_CHECKING:
    from sim.model.replication import Process, ReplicationState
    from sim.scenario.schema import Termination

__all__ = ["END_KINDS", "HOPE_DRAWS", "Wars", "no_exit_alone", "agreement"]

END_KINDS = (Kind.SETTLEMENT, Kind.CAPITULATION, Kind.CEASEFIRE)
HOPE_DRAWS = 50
"""Draws of the two sides' hopes at most, until their terms do not meet (:meth:`Wars.hopes`)."""


class Wars:
    """The wars of one replication, keyed by the unordered pair of belligerents. It keeps no
    reference to the simulation (the processes get it), so a finished replication is freed at once:
    the one listener of :attr:`on_start` that holds it (the joining process's) is taken off when the
    clock closes that process."""

    def __init__(self, params: Termination, generator: np.random.Generator) -> None:
        self.rng, self.params = generator, params
        self.active: set[frozenset[int]] = set()
        self.held: dict[frozenset[int], float] = {}
        self.parents: dict[frozenset[int], set[frozenset[int]]] = {}  # a joined war -> the wars it joined
        self.sides: dict[frozenset[int], tuple[int, int]] = {}  # (attacker, defender) of each war under way
        # called with (a, b) when a war starts (:meth:`begin`): the joining decision's first look at a
        # war on its first day (`sim.model.joining.process`), which this module does not import
        self.on_start: list[Callable[[int, int], None]] = []
        self.silent_starts: set[frozenset[int]] = set()  # wars set by a standing posture, not an attack

    def hold(self, a: int, b: int, until: float) -> None:
        """The war between a and b does not end by bargaining before day `until` (a scripted war the
        user asserts lasts: `attack`'s `hold_days`); fortunes and costs still accrue."""
        key = frozenset((a, b))
        self.held[key] = max(self.held.get(key, 0.0), until)

    def begin(self, sim: ReplicationState, a: int, b: int, entry: bool = False, attack: bool = True) -> None:
        """A posture of a toward b crossed level 5: start the dyad's war unless one is under way, and
        tell those listening (:attr:`on_start`). A war opened by an ally's `entry` (collective
        defence, an offence clause) is a joined war: it ends with the war(s) it joined (:meth:`end`),
        the wars in which an ally of a fights b. A war set without an `attack` (a standing posture,
        a war under way when the scenario opens) is noted as past its first day (:meth:`silent`)."""
        key = frozenset((a, b))
        if key not in self.active:
            parents = self._joined_wars(sim, a, b) if entry else set()
            self.active.add(key)
            if attack:
                self.silent_starts.discard(key)
            else:
                self.silent_starts.add(key)
            self.sides[key] = (a, b)
            if parents:
                self.parents[key] = parents
            sim.clock.spawn(self.fight(sim, a, b, key))
            for started in self.on_start:
                started(a, b)

    def attach(self, a: int, b: int, war: frozenset[int]) -> None:
        """The war of a and b is a's entry into `war` (the joining decision, `sim.model.joining`): a
        joined war, it ends with `war` (:meth:`end`) while that is under way."""
        key = frozenset((a, b))
        if key in self.active and war in self.active and key != war:
            self.parents.setdefault(key, set()).add(war)

    def silent(self, a: int, b: int) -> bool:
        """Whether the war of a and b (its last start) was set by a standing posture, without an armed
        attack: a war already under way, whose first day is not the day it was set."""
        return frozenset((a, b)) in self.silent_starts

    def fighting(self, a: int, b: int) -> bool:
        """Whether a war between a and b is under way."""
        return frozenset((a, b)) in self.active

    def _joined_wars(self, sim: ReplicationState, a: int, b: int) -> set[frozenset[int]]:
        """The wars under way in which an ally of a fights b."""
        found = set()
        for key in self.active:
            if b in key:
                (other,) = key - {b}
                if other != a and sim.ties.ally[a, other] > 0:
                    found.add(key)
        return found

    @staticmethod
    def balance(sim: ReplicationState, a: int, b: int) -> float:
        """The chance the balance of forces in the theatre gives a against b (no optimism)."""
        return sim.conflict.motives.p.item(a, b)

    def stake(self, sim: ReplicationState, a: int, b: int) -> float:
        """W: what the war is about, at least the stake of a war no claim explains."""
        s = sim.conflict.motives.stake
        return max(s.item(a, b), s.item(b, a), self.params.security_stake)

    def fight(self, sim: ReplicationState, a: int, b: int, key: frozenset[int]) -> Process:
        """The war's process: reckon every `step_days` until it ends (see the module)."""
        clock, active, held, posture = sim.clock, self.active, self.held, sim.posture  # the same objects all war
        start, x, paid = clock.now, 0.0, [0.0, 0.0]
        hopes = self.hopes(sim, a, b)
        step, nuclear = self.params.step_days, bool(sim.world.nuclear[b])
        while key in active:
            yield clock.timeout(step)
            if key not in active:  # ended with the war it joined
                break
            if posture.item(a, b) < CLASH and posture.item(b, a) < CLASH:
                sim.conflict.war_over(a, b)  # left by the states' own decisions
                self._close(key)
                break
            p = self.balance(sim, a, b)
            x = self._battle(x, p, paid)
            if nuclear:  # a nuclear defender losing ground (sim.model.nuclear)
                sim.conflict.desperation(b, a, min(x / self.params.capitulation, 1.0))
            now = clock.now
            if now < held.get(key, 0.0):
                continue
            ending = self._ending(sim, a, b, x, p, paid, now - start, hopes, joined=key in self.parents)
            if ending:
                self.end(sim, a, b, *ending)
                break
        sim.conflict.desperation(b, a, 0.0)

    def hopes(self, sim: ReplicationState, a: int, b: int) -> tuple[float, float]:
        """Each side's private optimism about its own chances at the war's start (`mutual_optimism` x
        an exponential draw of mean 1), drawn given the war's premise: the two sides' terms do not
        meet when it begins, a war being a failure to agree (Fearon 1995; Blainey 1973). Without
        the condition, a war whose two draws were both small was settled at its first reckoning, one
        decision interval after it began (Russia-Ukraine on day 7 in 4 of 40 runs of the 2022
        baseline). The terms are those the sides would hold at the first reckoning had the front
        not moved (holding 0, optimism spent for `step_days`); at most :data:`HOPE_DRAWS` draws,
        after which the last stands (a war no optimism can prolong, e.g. `mutual_optimism` 0)."""
        p = self.balance(sim, a, b)
        if self.stake(sim, a, b) <= 0.0:  # a war over nothing (`security_stake` 0, no claim) has no terms:
            return float(self.rng.exponential()), float(self.rng.exponential())  # exhaustion ends it
        for _ in range(HOPE_DRAWS):
            hopes = (float(self.rng.exponential()), float(self.rng.exponential()))
            if agreement(*self.reservations(sim, a, b, 0.0, p, self.params.step_days, hopes)) is None:
                break
        return hopes

    def _battle(self, x: float, p: float, paid: list[float]) -> float:
        """One step of fighting: the attacker's holding moves toward the balance p with noise; each
        side pays the burden, the weaker more."""
        q, dt = self.params, self.params.step_days
        x = min(max(x + q.rate * (p - x) * dt + q.sd * math.sqrt(dt) * self.rng.standard_normal(), 0.0), 1.0)
        paid[0] += q.burden * dt / 365 * 2 * (1 - p)
        paid[1] += q.burden * dt / 365 * 2 * p
        return x

    def reservations(self, sim: ReplicationState, a: int, b: int, x: float, p: float,
                     elapsed: float, hopes: tuple[float, float] = (1.0, 1.0),
                     stake: float | None = None) -> tuple[float, float]:
        """(r_a, r_b) in shares of the stake held by a: the least a accepts to stop and the most b
        concedes, each from its own estimate of a's chances and its own cost of the fighting to
        come. Each side is optimistic about its own chances by `mutual_optimism` x its `hopes`
        (drawn at the war's start, exponential with mean 1: private information) on the logit
        scale, spent by fighting over `learning_days`."""
        q = self.params
        fade = q.mutual_optimism * math.exp(-elapsed / q.learning_days)  # each war draws its own hopes
        look = 1.0 - math.exp(-q.rate * q.horizon_days)
        w = self.stake(sim, a, b) if stake is None else stake  # `stake`: read by the caller at this reckoning
        cost = q.burden * q.horizon_days / 365 * 2 / w
        hope_a, hope_b = float(optimistic(p, fade * hopes[0])), float(optimistic(p, -fade * hopes[1]))
        return x + (hope_a - x) * look - cost * (1 - p), x + (hope_b - x) * look + cost * p

    def _ending(self, sim: ReplicationState, a: int, b: int, x: float, p: float, paid: list[float],
                elapsed: float, hopes: tuple[float, float], joined: bool) -> tuple[str, str, float] | None:
        """(kind, cause, share won by a) if the war ends at this reckoning, else None. A joined war
        ends only by capitulation or exhaustion here; otherwise with the war it joined."""
        q, ids, w = self.params, sim.world.ids, self.stake(sim, a, b)
        if x >= q.capitulation:
            return Kind.CAPITULATION, f"{ids[b]} gave in: {ids[a]} held {x:.2f} of the stake", 1.0
        if x <= 1.0 - q.capitulation and elapsed >= q.learning_days:
            return Kind.CAPITULATION, f"{ids[a]} gave up its bid: it held {x:.2f} of the stake", 0.0
        for side, cost in zip((a, b), paid):
            if cost >= q.exhaustion * w:
                return Kind.CEASEFIRE, f"exhaustion of {ids[side]} (cost {cost:.2f} of stake {w:.2f})", x
        if joined:
            return None
        r_a, r_b = self.reservations(sim, a, b, x, p, elapsed, hopes, w)
        share = agreement(r_a, r_b)
        if share is not None:
            return Kind.SETTLEMENT, (f"both sides agreed: {ids[a]} accepts at least {r_a:.2f}, {ids[b]} concedes "
                                  f"at most {r_b:.2f}; settled at {share:.2f}"), share
        return None

    def _close(self, key: frozenset[int]) -> None:
        self.active.discard(key)
        self.sides.pop(key, None)
        self.parents.pop(key, None)

    def end(self, sim: ReplicationState, a: int, b: int, kind: str, cause: str, share: float) -> None:
        """Log the end, bring both postures down to the truce level, resolve a's claim by its share
        (:meth:`sim.model.motives.Motives.resolve`), then end the wars joined to this one that
        joined no other war still under way."""
        truce, key = self.params.truce_level, frozenset((a, b))
        event = sim.log(None, kind, a, b, truce, None, cause)
        for i, j in ((a, b), (b, a)):
            if sim.posture[i, j] > truce:
                sim.act(i, j, truce, kind, event=event, attack=False)
        sim.conflict.war_over(a, b)
        sim.conflict.motives.resolve(a, b, share, kind)
        self._close(key)
        for child, parents in list(self.parents.items()):
            parents.discard(key)
            if not parents and child in self.active:
                x, y = self.sides[child]
                ids = sim.world.ids
                self.end(sim, x, y, kind, f"the war it joined ({ids[a]}-{ids[b]}) ended", 0.0)


def no_exit_alone(level: int, new: int, at_war: bool) -> int:
    """The rung a state's own choice may take toward its enemy in a war under way (`at_war`): not
    below the armed-clash rung. A war ends by both sides (settlement, capitulation, ceasefire) or
    with the war it joined, each a logged end; a belligerent's choice alone does not leave it. When
    both sides could step down by their own choices, a war in which a great power fought (Russia's
    held attack on Estonia, North Korea's strike on Hawaii) ended silently at its first reckoning,
    one decision interval in, and an ally could leave the war it joined without a logged peace."""
    if at_war and new < CLASH <= level:
        return CLASH
    return new


def agreement(r_a: float, r_b: float) -> float | None:
    """The settlement both sides accept, or None: a share s of the stake to the attacker with
    r_a <= s <= r_b exists only when r_a <= r_b (the bargaining range); s is its midpoint, within [0, 1]."""
    if r_a > r_b:
        return None
    return min(max((r_a + r_b) / 2.0, 0.0), 1.0)
