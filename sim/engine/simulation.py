"""One replication as SimPy processes: a decision process per state, one per scenario action,
one per pact invocation, and one recorder. No process ticks: intent relaxes lazily.

`Setup` holds what every replication of a scenario shares (arrays computed once);
`Simulation` holds one replication's mutable state and its processes.
"""

from __future__ import annotations

import zlib

import numpy as np
import simpy

import sim.model.alignment as alignment
import sim.model.attacks as attacks
import sim.model.attribution as attribution
import sim.model.perception as perception
import sim.model.reach as reach
from sim.engine.clock import Clock
from sim.engine.intent import Intent
from sim.engine.recording import Recorder
from sim.kernel import Decider, Observer, join_entries
from sim.model import alliances, answers, force, honour, joining, motives, nuclear
from sim.model.actions import timeline
from sim.model.decision import level_costs
from sim.model.honour import HonourBook
from sim.model.ladder import CLASH, NUCLEAR, WAR, Kind
from sim.model.ledger import HazardLedger
from sim.model.pacts import bind_members
from sim.model.replication import Forces, Memory, Streams
from sim.model.standing import Standing
from sim.model.termination import Wars, no_exit_alone
from sim.model.world import Pact, World, compile_world
from sim.scenario.pactkinds import invoked_by
from sim.scenario.schema import Scenario

__all__ = ["Setup", "Simulation", "simulate"]

class Setup:
    """Arrays shared by all replications of one scenario (never mutated by a replication)."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.params = scenario.parameters
        self.world: World = compile_world(scenario)
        self.g = self.gradient()
        self.g_t = np.ascontiguousarray(self.g.T)  # columns as rows, for the observation of acts
        self.structure = Structure(self, self.world.pacts, self.world.power, self.world.offense)
        self.stake = motives.stakes(scenario, self.world.index)  # S[i, j] from claims
        # the motives every replication starts from (each takes a copy: a war's outcome changes its own)
        self.motives = motives.Motives(self.params.motives, self.stake)
        self.motives.update(self.structure.theatre, self.structure.umbrella, self.structure.costs[5])
        d = self.params.decision
        self.force_rate = None  # uses of force per year, from the fitted hazard (sim.model.force)
        self.force_armed = None  # the chance that a use of force is an armed attack (the severity logit)
        if d.fitted_force:
            self.force_rate, self.force_armed = force.rates(scenario, self.world, self.stake, d.force_rate_scale)
        # the joining decision's setting (majors, rivalries, regimes, treaties), read once for every
        # replication that starts from this set-up (`sim.model.joining.process` checks that it does)
        self.joining = (joining.setting(self.world, self.world.pacts, scenario, self.world.power)
                        if self.params.joining.enabled else None)

    def gradient(self, extra: dict | None = None) -> np.ndarray:
        """G[i, j]: Boulding's gradient between the nearest positions of i and j (`sim.model.reach`),
        with a replication's own `deploy`/`withdraw` changes in `extra`."""
        pp = self.params.perception
        positions = reach.positions(self.world, pp.forward_half_personnel, pp.unknown_personnel, extra)
        return reach.positional_gradient(positions, self.world.n, pp.distance_half_km, pp.distance_exponent)


class Structure:
    """What follows from power and pacts: alignment, capabilities, bonds, umbrellas, baselines."""

    def __init__(self, setup: Setup, pacts: list[Pact], power: np.ndarray, offense: np.ndarray,
                 g: np.ndarray | None = None):
        world, pp = setup.world, setup.params.perception
        n = world.n
        self.a = perception.alignment(pacts, n, pp.pact_weights)
        self.a_t = np.ascontiguousarray(self.a.T)
        g = self.gradient = setup.g if g is None else g
        self.caps = perception.capabilities(power, offense, g, self.a)
        self.share_t = np.ascontiguousarray(self.caps.share.T)  # columns as rows, for the observation of acts
        # the coalitions each side expects, on the same positional gradient, allies at their honour rates
        expected = honour.expected(pacts, n)
        self.theatre = perception.capabilities(power, offense, g, expected)
        self.bloc = perception.blocs(pacts, n)
        self.bloc_names = attribution.bloc_names(pacts, self.bloc)
        # for attribution (sim.model.attribution): the same shares if i had no allies (P(i) = p_i)
        self.share0 = _alone(self.caps.reach, power)
        self.background = pp.default_intent
        self.aggregation = pp.bloc_aggregation  # what allies add to a bloc member's reach: the r-th largest counts kappa^r
        self.bond = np.zeros((n, n))
        self.baseline = np.full((n, n), pp.default_intent)
        for pact in pacts:
            bind_members(pact, pp.pact_weights, self.bond, self.baseline)
        np.fill_diagonal(self.baseline, 0.0)
        for rel in setup.scenario.relations:
            for i in world.members(rel.from_):
                for j in world.members(rel.to):
                    self.baseline[i, j] = rel.intent
                    if rel.mutual:
                        self.baseline[j, i] = rel.intent
        # the shadow by arsenal, extended by each patron's honour x reach (sim.model.nuclear)
        self.umbrella = nuclear.umbrella(nuclear.deterrent(world, setup.params.nuclear), expected, g)
        self.membership = [[p for p in pacts if i in p.members] for i in range(n)]
        self.consultative = [p for p in pacts if p.obligations & _THREATENED]
        self.mobilisation_triggers = any(p.trigger_level < CLASH for p in pacts)
        self.costs = level_costs(setup.params.decision, self.caps.deterred, self.umbrella[None, :], self.bond,
                                 setup.params.motives.war_fixed_cost, setup.params.nuclear.retaliation)


    @property
    def ally(self) -> np.ndarray:
        """a[i, j]: how much j counts as i's ally."""
        return self.a

    @property
    def threat_share(self) -> np.ndarray:
        """C[i, j]: the capability part of the threat j poses to i."""
        return self.caps.share

    def pacts_of(self, state: int) -> list[Pact]:
        """The pacts `state` belongs to."""
        return self.membership[state]

    def consultation_pacts(self) -> list[Pact]:
        """Pacts with a consultation obligation (type or clause)."""
        return self.consultative


_THREATENED = frozenset(invoked_by("threatened"))


def _alone(reach: np.ndarray, power: np.ndarray) -> np.ndarray:
    """reach[i, j] / (p_i + reach[i, j]): a capability share if i stood alone (0 where both are 0)."""
    den = power[:, None] + reach
    return np.divide(reach, den, out=np.zeros_like(reach), where=den > 0)


def _stream(seed: int, key: str) -> np.random.Generator:
    """An independent stream of this replication named by `key` (a state id or a purpose)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode()),)))


class Simulation:
    """One replication: state, processes and records."""

    def __init__(self, setup: Setup, seed: int, horizon: float | None = None, sources: bool = False,
                 hazards: float | None = None):
        scenario, world = setup.scenario, setup.world
        self.setup, self.scenario, self.world, self.params = setup, scenario, world, setup.params
        self.horizon = float(horizon or scenario.horizon_days)
        self.env = Clock(world.n)  # the model reads it as `clock`
        self.rec = Recorder(world.ids, scenario.watch, self.horizon)
        self.sources = sources  # keep what splits tension by source (sources.csv) at every sample
        # the hazards' chances up to day `hazards`, for the conditional Monte Carlo (sim.model.ledger)
        self.hazards = None if hazards is None else HazardLedger(world.ids, hazards, setup.force_rate)
        self.rngs = [_stream(seed, "decide:" + s) for s in world.ids]
        self.rng_noise = _stream(seed, "perceive")
        self.streams = Streams(alliances=_stream(seed, "alliances"), answers=_stream(seed, "answers"),
                               join=_stream(seed, "join"))
        self.forces = Forces(world.power.copy(), world.offense.copy())
        self.g = setup.g
        self.pacts = list(world.pacts)  # pacts are frozen: a change replaces one (sim.model.actions)
        self.structure = setup.structure
        self.losing: dict[tuple[int, int], float] = {}  # (i, j): how badly i is losing its war with j
        self.costs = self.structure.costs
        self.motives = setup.motives.copy()
        self.wars = Wars(self.params.termination, _stream(seed, "terminate"))
        self.standing = Standing(self.params.perception.standing_weight)  # acts in force
        self.intent = Intent(self.structure.baseline, self.params.perception.intent_half_life_days)
        self.posture = np.zeros((world.n, world.n), dtype=np.int8)  # levels 0..7: one byte keeps a row in cache
        self.strikes = attacks.FirstStrikes()
        self.memory = Memory(HonourBook(self.streams.alliances, self.params.alliances.honour_correlation),
                             self.strikes.first, hazards=self.hazards)
        self.top = np.where(world.nuclear, NUCLEAR, WAR)
        ab = np.array(self.rec.dyads, dtype=np.intp).reshape(-1, 2)  # the watched dyads' cells a -> b, then b -> a
        self._dyad_cells = np.concatenate([ab[:, 0] * world.n + ab[:, 1], ab[:, 1] * world.n + ab[:, 0]])
        d = self.params.decision
        self.kernel = Decider(self.rngs, self.posture, np.ascontiguousarray(world.resolve, dtype=float),
                              np.ascontiguousarray(self.top, dtype=np.int64), attention=d.attention,
                              precision=d.precision, inertia=d.inertia, temperature=d.temperature,
                              mean_interval=d.decision_interval_days, rate=self.intent.rate,
                              force_rate=setup.force_rate,  # the fitted hazard (sim.model.force), or None
                              force_generator=None if setup.force_rate is None else _stream(seed, "force"),
                              force_armed=setup.force_armed)
        self.observer = self._observer(setup.g_t)
        # a decision: the kernel's, noted in the hazard ledger first when the run keeps one
        self._decide = (self.kernel.decide if self.hazards is None or setup.force_rate is None
                        else self._noted(self.kernel.decide))
        self._force_basis: list | None = None  # the pacts the hazard's alliance terms were read from (when asked)
        self._bind()

    @property
    def ties(self) -> Structure:
        """What follows from power and pacts now, as the model reads it (`sim.model.replication.Ties`)."""
        return self.structure

    @property
    def clock(self) -> Clock:
        """The time now, waiting, starting processes and alarms, as the model reads them
        (`sim.model.replication.Clock`)."""
        return self.env

    @property
    def conflict(self) -> Simulation:
        """The wars under way, their motives, `war_over` and `desperation`, as the model reads them
        (`sim.model.replication.Conflict`: mypy checks this class provides it)."""
        return self

    def _bind(self) -> None:
        """Point the kernel at the current intent arrays and structure."""
        intent, structure = self.intent, self.structure
        self.costs = nuclear.desperate_costs(self.costs, structure.costs, self.losing, self.params.nuclear.desperation)
        self.kernel.bind(intent, structure.caps.share, self.costs, self.motives)
        self.observer.bind(intent, structure.a_t, structure.share_t)

    def _observer(self, g_t: np.ndarray) -> Observer:
        """Every state's observation of acts on the gradient `g_t` (transposed), with the perception
        check of `sim.model.answers.perceived`."""
        pp = self.params.perception
        return Observer(self.rng_noise, g_t, spillover=pp.spillover, misperception=pp.misperception,
                        escalation_gain=pp.escalation_gain, deescalation_gain=pp.deescalation_gain,
                        rate=self.intent.rate, hostility_bias=pp.hostility_bias, default_intent=pp.default_intent,
                        perceive_threshold=pp.perceive_threshold)

    # --- processes ---------------------------------------------------------------------------
    def log(self, cause: int | None, kind: str, actor, target, level: int | None = None, pact: str | None = None,
            detail: str = "") -> int:
        """Log an event now (the recorder observes it) and return its id."""
        return self.rec.log(self.env.now, cause, kind, actor, target, level, pact, detail)

    def war_over(self, a: int, b: int) -> None:
        """The war of a and b ended now (the recorder observes it for `t_end_A_B`); the calls it owed
        that no member answered are abandoned (`sim.model.alliances.close_calls`)."""
        self.rec.war_end(self.env.now, a, b)
        alliances.close_calls(self, frozenset((a, b)))

    def desperation(self, i: int, j: int, loss: float) -> None:
        """i is losing its war with j by `loss` in [0, 1] (0: no longer): rewrite the nuclear costs
        it decides with toward j (`sim.model.nuclear.desperate_costs`)."""
        if loss > 0.0:
            self.losing[(i, j)] = loss
        elif self.losing.pop((i, j), None) is None:
            return
        old, base = self.costs, self.structure.costs
        self.costs = nuclear.desperate_costs(old, base, self.losing, self.params.nuclear.desperation, [(i, j)])
        if self.costs is not old:  # to or from private copies: the kernel must read the new arrays
            self.kernel.bind(self.intent, self.structure.caps.share, self.costs, self.motives)

    def run(self) -> Recorder:
        """Start every process, run to the horizon, take the last sample; return the records.

        Then end the processes still waiting: their frames refer to this simulation, so until
        the garbage collector found the cycle its arrays (tens of MB at 1,000 states) would stay
        allocated, and the next replication would take fresh memory instead of reusing them."""
        timeline(self, self.scenario.timeline)
        clock = self.env
        clock.decisions = [clock.spawn(self.decisions(i)) for i in range(self.world.n)]
        clock.decide, clock.acts = self._decide, self.acts  # what `step` does, in the clock's loop
        if self.params.alliances.endogenous:
            clock.spawn(alignment.reviews(self))
        if self.params.joining.enabled:
            clock.spawn(joining.process(self, self.scenario, join_entries, self.setup.joining))
        clock.spawn(self.recorder())
        clock.run(until=self.horizon)
        alliances.close_calls(self)  # calls still unanswered at the horizon: abandoned
        self.sample()
        clock.close()
        self.rec.hazards = self.hazards
        return self.rec

    def decisions(self, i: int):
        """Perceive, choose a rung toward the most threatening counterparts, act; sleep until the
        next decision (exponential, mean `decision_interval_days`) or an alarm. Most decisions
        change nothing: the kernel's step is called here and Python acts only on a change (`acts`).
        The clock takes the decisions at the end of a sleep itself (`Clock.run`, as `step` does);
        the generator resumes only when an alarm interrupts it."""
        step, wake, wait = self.step, self.env.wake, self.kernel.wait(i)
        while True:
            try:
                yield wake(wait, i)
            except simpy.Interrupt:
                pass
            wait = step(i)

    def step(self, i: int) -> float:
        """State i's decision now: the kernel's step, Python's acts on a change; the next sleep."""
        wait = self._decide(i, self.env._now)  # SimPy's `now` without its property call
        if wait.__class__ is tuple:
            wait = self.acts(i, wait)
        return wait

    def _noted(self, decide):
        """`decide`, each decision's chance of a use of force noted in the hazard ledger first."""
        note = self.hazards.decision

        def noted(i: int, t: float):
            note(i, t)
            return decide(i, t)
        return noted

    def recorder(self):
        """Sample every state's tension every `record_every_days` (the horizon is sampled at the end)."""
        every, k = self.setup.scenario.record_every_days, 0
        while k * every < self.horizon:
            if k * every > self.env.now:
                yield self.env.timeout(k * every - self.env.now)
            self.sample()
            k += 1

    # --- behaviour ---------------------------------------------------------------------------
    def acts(self, i: int, step: tuple | float) -> float:
        """Act on each change of posture of i's decision, from the kernel's `step` on (the compiled kernel
        weighs the `attention` counterparts with the highest threat plus standing posture and draws a
        rung toward each: `sim.kernel.reference.Decider` is its plain Python; with the fitted hazard,
        `sim.model.force`, it first draws an unprovoked use of force, an armed attack (position -1) or
        an incident below war (position -2), and caps the choice's steps at coercion); a war under
        way ends by both sides, not by one's choice (`no_exit_alone`); the time to the next decision."""
        kernel, now = self.kernel, self.env.now
        while isinstance(step, tuple):
            position, j, new, level = step
            cause = self.intent.cause.item(i, j) or None
            if position < 0:  # a use of force drawn from the fitted hazard; then the counterparts
                # an armed attack: the target answers, pacts are invoked, a war begins; an incident
                # below war: coercion at rung 4 at most, no casus foederis
                self.act(i, j, new, Kind.USE_OF_FORCE, cause=cause, attack=position == -1)
                step = kernel.attend(i, now)
                continue
            if new < CLASH <= level:
                new = no_exit_alone(level, new, self.wars.fighting(i, j))
            if new != level:
                self.act(i, j, new, Kind.ESCALATE if new > level else Kind.DEESCALATE, cause=cause)
            step = kernel.resume(i, position + 1)
        return step

    def act(self, i: int, j: int, level: int, kind: str, cause=None, pact=None, event=None,
            location=None, attack=True, collective=False) -> int:
        """Set posture[i, j] = level: log it (unless `event` is given), let every state observe it,
        and let the model answer what the step sets in motion (:mod:`sim.model.attacks`)."""
        old = self.posture.item(i, j)
        self.posture[i, j] = level
        if event is None:
            event = self.rec.log(self.env._now, cause, kind, i, j, level, pact)
        self.rec.posture(i, j, level)
        self.observe(i, j, level, old, event)
        if attack:
            attacks.mobilised(self, i, j, old, level, event, self.structure.mobilisation_triggers)
        if old < CLASH <= level:
            if attack:
                collective = self.strikes.strike(i, j, collective)
            # the war runs until both sides end it, or with the war an entry joined (sim.model.termination)
            self.wars.begin(self, i, j, entry=kind == Kind.ENTRY, attack=attack)
            self.rec.clash(self.env.now, i, j, event, kind, pact, attack)
            if attack:
                attacks.armed_attack(self, i, j, level, event, location, collective, kind == Kind.SELF_DEFENCE)
        return event

    def observe(self, i: int, j: int, level: int, old: int, event: int) -> None:
        """Every state updates its view of i's intent: target 1, its allies by the pact weight,
        others by spill-over times proximity; i's own allies not at all; with lognormal noise
        (the compiled kernel: `sim.kernel.reference.Observer` is its plain Python). A step up whose
        threat moves an observer past `perceive_threshold` is logged as `perceive` (`sim.model.answers`;
        the kernel finds them in the same pass)."""
        alarmed = self.observer.observe(i, j, level, old, event, self.env._now)
        if alarmed:
            answers.perceptions(self, i, alarmed, event)

    def sample(self) -> None:
        """Record every state's tension and the watched dyads' at the current time."""
        t, share, intent = self.env.now, self.structure.caps.share, self.intent
        tension = intent.tension(share, t, self.structure.caps.alone, self.structure.bloc, self.structure.background,
                                 self.structure.aggregation)
        e, cells, m = intent.decay(t), self._dyad_cells, len(self.rec.dyads)
        threat = (intent.baseline.take(cells) + intent.dev.take(cells) * e) * share.take(cells)
        self.rec.sample(t, tension, np.maximum(threat[:m], threat[m:]).tolist())  # the larger direction's
        if self.sources:
            rows, structure = self.rec.attributed, self.structure
            terms, now = intent.terms(share, t, structure.caps.alone, structure.bloc, structure.background,
                                      structure.aggregation, rows)
            self.rec.keep_sources(t, tension[rows], terms, now, intent.baseline[rows], structure)

    def restructure(self, moved: bool = False) -> None:
        """Recompute what follows from forces and pacts after a scenario changed them (`moved`:
        forces moved, `deploy` or `withdraw`: a new gradient and observers that read it first)."""
        if moved:
            self._reposition(self.forces.positions)
        self.structure = Structure(self.setup, self.pacts, self.forces.power, self.forces.offense, self.g)
        self.intent.rebase(self.standing.over(self.structure.baseline), self.env.now)
        self.motives.update(self.structure.theatre, self.structure.umbrella, self.structure.costs[5])
        self._rebase_force()
        self._bind()

    def _rebase_force(self) -> None:
        """With the fitted hazard, read its alliance terms (a shared defence pact, another shared pact,
        the target's allies) again from the pacts in force when a scenario changed which states a pact
        binds or whether it is a defence pact: a what-if's pact changes the rate of force from the
        moment it is made, not only tension (`sim.model.force.rates`; every other term as at the start)."""
        if self.setup.force_rate is None:
            return
        if self._force_basis is None:
            self._force_basis = _pact_terms(self.world.pacts)  # the set-up's
        basis = _pact_terms(self.pacts)
        if basis == self._force_basis:
            return
        self._force_basis = basis
        rate, armed = force.rates(self.scenario, self.world, self.setup.stake,
                                  self.params.decision.force_rate_scale, self.pacts)
        self.kernel.set_force(rate, armed)
        if self.hazards is not None:
            self.hazards.set_rate(rate)

    def _reposition(self, extra: dict) -> None:
        """Forces moved (`deploy`, `withdraw`): a new gradient and observers that read it."""
        self.g = self.setup.gradient(extra)
        self.observer = self._observer(np.ascontiguousarray(self.g.T))


def _pact_terms(pacts: list[Pact]) -> list[tuple[bool, tuple[int, ...]]]:
    """What the use-of-force hazard reads of the pacts (`sim.model.force.covariates`): each pact's
    members and whether it is a defence pact."""
    return sorted(("defence" in p.obligations, tuple(sorted(p.members))) for p in pacts)


def simulate(setup: Setup, seed: int, horizon: float | None = None, sources: bool = False,
             hazards: float | None = None) -> Recorder:
    """Run one replication from its seed and return its records (with `sources`, what splits each
    watched state's tension by source at every sample: `Recorder.source_rows`; with `hazards`, the
    hazards' chances up to that day as `Recorder.hazards`, :mod:`sim.model.ledger`)."""
    return Simulation(setup, seed, horizon, sources, hazards).run()
