"""One replication as SimPy processes: a decision process per state, one per scenario action,
one per pact invocation, and one recorder. No process ticks: intent relaxes lazily.

`Setup` holds what every replication of a scenario shares (arrays computed once);
`Simulation` holds one replication's mutable state and its processes.
"""

from __future__ import annotations

import copy
import zlib

import numpy as np
import simpy

from . import alliances, perception
from .actions import timeline
from .decision import CLASH, NUCLEAR, WAR, choose, desired_level, level_costs
from .recording import Recorder
from .schema import Scenario
from .world import Pact, World, compile_world, members_of

__all__ = ["Setup", "Simulation", "simulate"]

STRONG = {"defence", "offence"}
PACIFYING = {"neutrality", "non_aggression"}
BONDING = STRONG | PACIFYING | {"consultation"}


class Setup:
    """Arrays shared by all replications of one scenario (never mutated by a replication)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.params = scenario.parameters
        self.world: World = compile_world(scenario)
        pp = self.params.perception
        self.g = perception.gradient(self.world.distance, pp.distance_half_km, pp.distance_exponent)
        self.structure = Structure(self, self.world.pacts, self.world.power, self.world.offense)


class Structure:
    """What follows from power and pacts: alignment, capabilities, bonds, umbrellas, baselines."""

    def __init__(self, setup: Setup, pacts: list[Pact], power: np.ndarray, offense: np.ndarray):
        world, pp = setup.world, setup.params.perception
        n = world.n
        self.a = perception.alignment(pacts, n, pp.pact_weights)
        self.caps = perception.capabilities(power, offense, setup.g, self.a)
        self.bond = np.zeros((n, n))
        self.baseline = np.full((n, n), pp.default_intent)
        for pact in pacts:
            self._bind(pact, pp.pact_weights)
        np.fill_diagonal(self.baseline, 0.0)
        for rel in setup.scenario.relations:
            for i in world.members(rel.from_):
                for j in world.members(rel.to):
                    self.baseline[i, j] = rel.intent
                    if rel.mutual:
                        self.baseline[j, i] = rel.intent
        nuclear = world.nuclear.astype(float)
        self.umbrella = np.maximum(nuclear, (self.a * nuclear[None, :]).max(axis=1, initial=0.0))
        self.membership = [[p for p in pacts if i in p.members] for i in range(n)]
        self.consultative = [p for p in pacts if "consultation" in p.obligations]
        self.costs = level_costs(setup.params.decision, self.caps.deterred, self.umbrella[None, :], self.bond)

    def _bind(self, pact: Pact, weights: dict[str, float]) -> None:
        block = np.ix_(pact.members, pact.members)
        kinds = pact.obligations
        if kinds & BONDING:
            self.bond[block] = np.maximum(self.bond[block], pact.reliability)
        if kinds & STRONG:
            factor = 0.0
        elif kinds & PACIFYING:
            factor = 1.0 - pact.reliability
        else:
            factor = 1.0 - max(weights.get(k, 0.0) for k in kinds) * pact.reliability
        self.baseline[block] = np.minimum(self.baseline[block], self.baseline[block] * factor)


def _stream(seed: int, key: str) -> np.random.Generator:
    """An independent stream of this replication named by `key` (a state id or a purpose)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode()),)))


class Simulation:
    """One replication: state, processes and records."""

    def __init__(self, setup: Setup, seed: int, horizon: float | None = None):
        scenario, world = setup.scenario, setup.world
        self.setup, self.world, self.params = setup, world, setup.params
        self.horizon = float(horizon or scenario.horizon_days)
        self.env = simpy.Environment()
        self.rec = Recorder(world.ids, scenario.watch, self.horizon)
        self.rngs = [_stream(seed, "decide:" + s) for s in world.ids]
        self.rng_noise = _stream(seed, "perceive")
        self.rng_alliance = _stream(seed, "alliances")
        self.power, self.offense = world.power.copy(), world.offense.copy()
        self.pacts = copy.deepcopy(world.pacts)
        self.pact_specs = {p: spec for p, spec in scenario.alliances.items() if spec is not None}
        self.structure = setup.structure
        self.intent = perception.Intent(self.structure.baseline, self.params.perception.intent_half_life_days)
        self.posture = np.zeros((world.n, world.n), dtype=np.int64)
        self.invoked: set = set()  # (pact, member, enemy) already invoked
        self.top = np.where(world.nuclear, NUCLEAR, WAR)
        self.alarmed = [-1.0] * world.n  # time of each state's last alarm
        self.attention = min(self.params.decision.attention, world.n - 1)
        self.processes: list = []

    # --- queries -----------------------------------------------------------------------------
    def members(self, ref: str) -> list[int]:
        """Indices named by a state id, or the current members of a pact id."""
        return members_of(ref, self.world.index, self.pacts)

    def pacts_of(self, state: int) -> list[Pact]:
        """The pacts `state` belongs to now."""
        return self.structure.membership[state]

    def consultation_pacts(self) -> list[Pact]:
        """Pacts with a consultation obligation (type or clause)."""
        return self.structure.consultative

    def threats_to(self, observers: np.ndarray, source: int) -> np.ndarray:
        """T[m, source] for each observer m, at the current time."""
        if len(observers) == 0:
            return np.zeros(0)
        t = self.env.now
        intent = np.array([self.intent.row(m, t)[source] for m in observers.tolist()])
        return intent * self.structure.caps.share[observers, source]

    # --- processes ---------------------------------------------------------------------------
    def run(self) -> Recorder:
        """Start every process, run to the horizon, take the last sample; return the records."""
        timeline(self)
        self.processes = [self.env.process(self.decisions(i)) for i in range(self.world.n)]
        self.env.process(self.recorder())
        self.env.run(until=self.horizon)
        self.sample()
        return self.rec

    def decisions(self, i: int):
        """Perceive, choose a rung toward the most threatening counterparts, act; sleep until the
        next decision (exponential, mean `decision_interval_days`) or an alarm."""
        rng, mean = self.rngs[i], self.params.decision.decision_interval_days
        while True:
            try:
                yield self.env.timeout(rng.exponential(mean))
            except simpy.Interrupt:
                pass
            self.decide(i)

    def recorder(self):
        """Sample every state's tension every `record_every_days` (the horizon is sampled at the end)."""
        every, k = self.setup.scenario.record_every_days, 0
        while k * every < self.horizon:
            if k * every > self.env.now:
                yield self.env.timeout(k * every - self.env.now)
            self.sample()
            k += 1

    def start_invocation(self, generator) -> None:
        """Run an invocation as its own process."""
        self.env.process(generator)

    def alarm(self, states, cause: int) -> None:
        """Wake states early to decide now (attacked, an ally's invocation, named as a threat)."""
        now = self.env.now
        for s in states:
            proc = self.processes[s] if self.processes else None
            if proc is None or self.alarmed[s] >= now or proc is self.env.active_process:
                continue
            self.alarmed[s] = now  # at most one alarm per state per instant: no same-time loops
            proc.interrupt(cause)

    # --- behaviour ---------------------------------------------------------------------------
    def decide(self, i: int) -> None:
        """Weigh the `attention` counterparts with the highest threat (and standing postures)."""
        structure, posture, n = self.structure, self.posture, self.world.n
        threat = self.intent.row(i, self.env.now) * structure.caps.share[i]
        order = np.negative(threat + posture[i])  # the counterparts' order: highest score first
        order[i] = 1.0
        k = self.attention
        candidates = _smallest(order, k) if k < n - 1 else sorted(range(n), key=order.item)
        rng, resolve, top, costs = self.rngs[i], self.world.resolve.item(i), self.top.item(i), structure.costs
        free, (clash, war, nuclear) = costs[:5], costs[5:]  # costs of levels 0-4, then matrices for 5, 6, 7
        for j in candidates:
            level = posture.item(i, j)
            if j == i or (threat.item(j) <= 0 and level == 0):
                continue
            desired = desired_level(threat.item(j), resolve)
            rung_costs = free + (clash.item(i, j), war.item(i, j), nuclear.item(i, j))
            attacked = posture.item(j, i)
            if attacked >= CLASH:  # self-defence (UN Charter Art. 51): hold the attacker's level at no war cost
                desired = max(desired, attacked)
                rung_costs = [0.0 if k <= attacked else c for k, c in enumerate(rung_costs)]
            new = choose(level, desired, rung_costs, self.params.decision, top, rng.random())
            if new != level:
                cause = self.intent.cause.item(i, j) or None
                self.act(i, j, new, "escalate" if new > level else "deescalate", cause=cause)

    def act(self, i: int, j: int, level: int, kind: str, cause=None, pact=None, event=None,
            location=None, attack=True, collective=False) -> int:
        """Set posture[i, j] = level: log it (unless `event` is given), let every state observe it,
        and treat a crossing of level 5 as an armed attack."""
        old = int(self.posture[i, j])
        self.posture[i, j] = level
        if event is None:
            event = self.rec.log(self.env.now, cause, kind, i, j, level, pact)
        self.rec.posture(i, j, level)
        self.observe(i, j, level, old, event)
        if old < CLASH <= level:
            self.rec.clash(self.env.now, i, j, event, kind, pact, attack)
            if attack:
                self.armed_attack(i, j, level, event, location, collective, kind == "self_defence")
        return event

    def observe(self, i: int, j: int, level: int, old: int, event: int) -> None:
        """Every state updates its view of i's intent: target 1, its allies by the pact weight,
        others by spill-over times proximity; i's own allies not at all; with lognormal noise."""
        pp, a = self.params.perception, self.structure.a
        w = np.maximum(a[:, j], pp.spillover * self.setup.g[:, j])
        w[j] = 1.0
        w *= 1.0 - a[:, i]
        w[i] = 0.0
        sigma = pp.misperception
        noise = np.exp(sigma * self.rng_noise.standard_normal(self.world.n) - sigma * sigma / 2)
        if level > old:
            self.intent.raise_column(i, pp.escalation_gain * level / 7 * w * noise, self.env.now, event)
        elif level < old:
            self.intent.lower_column(i, np.minimum(pp.deescalation_gain * (old - level) / 7 * w * noise, 1.0),
                                     self.env.now)

    def armed_attack(self, i: int, j: int, level: int, event: int, location, collective=False,
                     self_defence=False) -> None:
        """The target answers at once (self-defence), and pacts whose terms are met are invoked."""
        if self.posture[j, i] < level:
            self.act(j, i, level, "self_defence", cause=event)
        place = self.world.place(j, location)
        alliances.on_armed_attack(self, i, j, place, event, collective, self_defence)
        self.alarm([j], event)

    def sample(self) -> None:
        """Record every state's tension and the watched dyads' at the current time."""
        t = self.env.now
        threat = np.multiply(self.intent.all(t), self.structure.caps.share)
        dyads = [float(max(threat[a, b], threat[b, a])) for a, b in self.rec.dyads]
        tension = 1.0 - np.subtract(1.0, threat, out=threat).prod(axis=1)
        self.rec.sample(t, tension, dyads)

    def restructure(self) -> None:
        """Recompute what follows from power and pacts after a scenario changed them."""
        self.intent.all(self.env.now)
        self.structure = Structure(self.setup, self.pacts, self.power, self.offense)
        self.intent.baseline = self.structure.baseline.copy()


def _smallest(values: np.ndarray, k: int) -> list[int]:
    """Indices of the k smallest values, smallest first: `sorted(values.argpartition(k - 1)[:k],
    key=values.item)`. On long rows (argpartition costs some 50 argmin passes at 1,000 states) by
    k + 1 passes of argmin instead, unless two of the k + 1 smallest are equal (then argpartition
    decides, as before, which ties come first). Needs k < len(values)."""
    if len(values) > 256:
        found, saved = [], []
        for _ in range(k + 1):  # the (k + 1)-th shows whether the k-th is unique
            j = int(values.argmin())
            found.append(j)
            saved.append(values.item(j))
            values[j] = np.inf
        values[found] = saved
        if all(a < b for a, b in zip(saved, saved[1:])):
            return found[:k]
    return sorted(values.argpartition(k - 1)[:k].tolist(), key=values.item)


def simulate(setup: Setup, seed: int, horizon: float | None = None) -> Recorder:
    """Run one replication from its seed and return its records."""
    return Simulation(setup, seed, horizon).run()
