"""What the behaviour modules may see and change of one replication: a typed protocol.

:mod:`sim.model.alliances`, :mod:`sim.model.actions`, :mod:`sim.model.attacks`, :mod:`sim.model.standing`,
:mod:`sim.model.termination`, :mod:`sim.model.commitments`, :mod:`sim.model.alignment`, :mod:`sim.model.answers`,
:mod:`sim.model.perception` and :mod:`sim.model.joining` act on a replication through
:class:`ReplicationState` only, never through an untyped engine object: mypy checks that the
engine (`sim.engine.simulation.Simulation`) provides every name listed here, and a behaviour
module that reaches for anything else fails the type check. The recorder is not part of it: the
model logs events through :meth:`ReplicationState.log` and never reads what was recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import simpy

from sim.model.honour import Call, HonourBook
from sim.model.ledger import HazardLedger
from sim.model.motives import Motives
from sim.model.world import Pact, Place, World
from sim.scenario.schema import Parameters

__all__ = ["Clock", "Conflict", "Forces", "IntentView", "Memory", "StandingView", "Streams", "Ties", "WarsView",
           "ReplicationState"]

Process = Generator[Any, Any, None]


@dataclass
class Forces:
    """A replication's forces now, as scenario actions and answers move them."""

    power: np.ndarray  # military expenditure (changed in place)
    offense: np.ndarray  # offense multipliers (changed in place)
    positions: dict[tuple[int, str], tuple[float, float, float]] = field(default_factory=dict)
    """(owner, place) -> (lat, lon, personnel) moved by `deploy`/`withdraw` in this replication."""


@dataclass
class Memory:
    """What the pacts remember in one replication (and, when a run asks, its hazards' chances)."""

    honour: HonourBook  # the pacts' answers, once per member per war (sim.model.honour)
    struck_first: dict[frozenset[int], int]  # who struck first in each dyad at war (not the recorder's)
    invoked: set[tuple] = field(default_factory=set)
    """Invocations already made: (pact, member, enemy), or (pact, member) for consultations."""
    places: dict[frozenset[int], Place] = field(default_factory=dict)
    """Where each dyad's first armed attack fell (the casus foederis of the joining decision's treaty term)."""
    calls: list[Call] = field(default_factory=list)
    """Members' obligations from invocations, answered by what they do (the fitted joining route)."""
    hazards: HazardLedger | None = None
    """The hazards' chances, when a run asks for them (:mod:`sim.model.ledger`): the decisions note
    them, nothing reads them in the run."""


@dataclass(frozen=True)
class Streams:
    """The model's own random streams of one replication (independent of the decisions')."""

    alliances: np.random.Generator  # alliance decisions: delays, honouring
    answers: np.random.Generator  # answers in peacetime (sim.model.answers)
    join: np.random.Generator  # joining decisions (sim.model.joining)


class Ties(Protocol):
    """What follows from power and pacts now (read-only; `restructure` recomputes it)."""

    baseline: np.ndarray  # the structural baseline of intent (pacts, relations), before standing acts
    gradient: np.ndarray  # G[i, j], the positional gradient (sim.model.reach)

    @property
    def ally(self) -> np.ndarray:
        """a[i, j]: how much j counts as i's ally."""

    @property
    def threat_share(self) -> np.ndarray:
        """C[i, j]: the capability part of the threat j poses to i."""

    def pacts_of(self, state: int) -> list[Pact]:
        """The pacts `state` belongs to."""

    def consultation_pacts(self) -> list[Pact]:
        """Pacts with an obligation a threatened member invokes."""


class IntentView(Protocol):
    """Perceived intent as the behaviour modules read and move it (`sim.engine.intent.Intent`)."""

    baseline: np.ndarray  # the baseline each cell relaxes to
    cause: np.ndarray  # the event that moved each cell most recently

    def all(self, t: float) -> np.ndarray:
        """I at time t (a new array)."""

    def at(self, i: int, j: int, t: float) -> float:
        """I[i, j] at time t."""

    def cells(self, rows: Any, cols: Any, t: float) -> np.ndarray:
        """I[rows[k], cols[k]] at time t."""

    def column(self, j: int, t: float) -> np.ndarray:
        """I[:, j] at time t: every state's view of j (a new array)."""

    def set(self, i: int, j: int, value: float, t: float, baseline: bool) -> None:
        """Set I[i, j] at time t (and its baseline when asked)."""

    def remember(self, i: int, j: int, move: float, event: int, t: float) -> None:
        """Name `event` as the cause of I[i, j]."""

    def rebase_cell(self, i: int, j: int, baseline: float, t: float) -> None:
        """Move I[i, j]'s baseline from time t; its value at t is kept and relaxes to the new baseline."""


class StandingView(Protocol):
    """The standing acts in force (`sim.model.standing.Standing`), as actions move them."""

    def posture(self, sim: ReplicationState, actor: int, target: int, level: int) -> None:
        """A scenario posture: levels 2-4 stand in the target's view of the actor; below 2 lift it."""

    def impose(self, sim: ReplicationState, observer: int, source: int, share: float) -> None:
        """Raise observer's baseline view of source by `share` of its gap to 1, while in force."""

    def lift(self, sim: ReplicationState, observer: int, source: int) -> None:
        """End the act's weight: intent relaxes to the structural baseline again."""


class WarsView(Protocol):
    """The wars under way (`sim.model.termination.Wars`), as the `attack` action holds them and the
    joining decision attaches an entry to the war it joins."""

    def hold(self, a: int, b: int, until: float) -> None:
        """The war between a and b does not end by bargaining before day `until`."""

    def attach(self, a: int, b: int, war: frozenset[int]) -> None:
        """The war of a and b is a's entry into `war` (the joining decision): it ends with it."""

    def silent(self, a: int, b: int) -> bool:
        """Whether the war of a and b was set by a standing posture (already under way), not an attack."""

    @property
    def on_start(self) -> list[Callable[[int, int], None]]:
        """Called with (a, b) when the war of a and b starts (the joining decision's first look)."""


class Clock(Protocol):
    """The replication's time and scheduler (`sim.engine.clock.Clock`, a SimPy environment): what
    day it is, waiting, starting a process, and the alarm that wakes a state's decision early. The
    model's processes (invocations, wars, answers, scenario actions, alliance reviews, the joining
    decision) live on it; running it is the engine's."""

    @property
    def now(self) -> float:
        """The day now."""

    def timeout(self, delay: float = 0, value: Any = None) -> simpy.Timeout:
        """An event `delay` days from now (a process yields it to wait)."""

    def spawn(self, generator: Process) -> simpy.Process:
        """Run a generator (an invocation, a war, a later action) as a process of this replication."""

    def alarm(self, states: Iterable[int], cause: int) -> None:
        """Wake states early to decide now (at most once per state per instant), with `cause` as the reason."""


class Conflict(Protocol):
    """What the wars under way read and report (:mod:`sim.model.termination`; the `attack` action
    holds a war through `wars`): the motives they are fought over, and the two things a war tells the
    engine, that it ended and how badly a side is losing."""

    @property
    def motives(self) -> Motives:
        """Stakes, chances of prevailing and the matrices the kernel reads (:mod:`sim.model.motives`)."""

    @property
    def wars(self) -> WarsView:
        """The wars under way and how they end (:mod:`sim.model.termination`)."""

    def war_over(self, a: int, b: int) -> None:
        """The war of a and b ended now (the engine lets the recorder observe it)."""

    def desperation(self, i: int, j: int, loss: float) -> None:
        """i is losing its war with j by `loss` in [0, 1]: its nuclear costs toward j fall (`sim.model.nuclear`)."""


class ReplicationState(Protocol):
    """One replication's state and the engine services the model calls (Mesa's agents reach their
    model the same way: through a small, named surface)."""

    pacts: list[Pact]  # the one store of pacts now: each keeps its spec; actions replace and amend them

    @property
    def clock(self) -> Clock:
        """The day now, waiting, starting processes and alarms (the replication's scheduler)."""

    @property
    def world(self) -> World:
        """States, places and distances (read-only)."""

    @property
    def params(self) -> Parameters:
        """The scenario's parameters."""

    @property
    def streams(self) -> Streams:
        """The model's random streams."""

    @property
    def posture(self) -> np.ndarray:
        """posture[i, j]: i's level toward j (0..7)."""

    @property
    def forces(self) -> Forces:
        """Power, offense and positions now (changed in place; `restructure` after)."""

    @property
    def intent(self) -> IntentView:
        """Perceived intent."""

    @property
    def ties(self) -> Ties:
        """What follows from power and pacts now: alignment, threat shares, the gradient, baselines."""

    @property
    def standing(self) -> StandingView:
        """The standing acts in force and their baseline shifts (:mod:`sim.model.standing`)."""

    @property
    def conflict(self) -> Conflict:
        """The wars under way, their motives, and what a war reports (ended; a side losing)."""

    @property
    def memory(self) -> Memory:
        """Who struck first, the invocations made, the pacts' answers per war."""

    def log(self, cause: int | None, kind: str, actor: Any, target: Any, level: int | None = None,
            pact: str | None = None, detail: str = "") -> int:
        """Log an event now and return its id."""

    def act(self, i: int, j: int, level: int, kind: str, cause: int | None = None, pact: str | None = None,
            event: int | None = None, location: str | Place | None = None, attack: bool = True,
            collective: bool = False) -> int:
        """Set posture[i, j] = level, with everything that follows."""

    def restructure(self, moved: bool = False) -> None:
        """Recompute what follows from forces and pacts after they changed (`moved`: positions
        changed, a new positional gradient first)."""
