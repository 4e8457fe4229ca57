"""Scenario actions: the timeline's exogenous events, each logged as `scenario.<action>` with no cause.

Actions on day 0 are applied before any state decides; later ones run as one process each.
An actor or target may name a pact, which stands for its members.

Each action is one model in :mod:`sim.scenario.schema` (its fields and, in `refs`, what its ids
name) and one effect here, registered for that model with :func:`effect`; `tests/test_registries.py`
checks that every action of the schema has an effect and a row in docs/scenarios.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sim.model import answers
from sim.model.alliances import on_war_under_way
from sim.model.ladder import CLASH, scenario_kind
from sim.model.replication import Process, ReplicationState
from sim.model.world import Pact, compile_pact, members_of
from sim.scenario import schema
from sim.scenario.schema import PactSpec

__all__ = ["timeline", "apply", "effect", "EFFECTS"]

Effect = Callable[[ReplicationState, Any, int], None]
EFFECTS: dict[type, Effect] = {}


def effect(model: type) -> Callable[[Effect], Effect]:
    """Register the decorated function as the effect of the action `model` (a schema class)."""
    def register(function: Effect) -> Effect:
        EFFECTS[model] = function
        return function
    return register


def timeline(sim: ReplicationState, actions: Iterable[schema.Action]) -> None:
    """Apply day-0 actions now and schedule the others (stable order for equal days)."""
    for action in sorted(actions, key=lambda a: a.at):
        if action.at <= 0:
            apply(sim, action)
        else:
            sim.clock.spawn(_later(sim, action))


def _later(sim: ReplicationState, action: Any) -> Process:
    yield sim.clock.timeout(action.at)
    apply(sim, action)


def apply(sim: ReplicationState, action: Any) -> None:
    """Log the action as an event and carry it out."""
    actor = getattr(action, "actor", None) or getattr(action, "pact", None)
    target = getattr(action, "target", None) or getattr(action, "pact", None)
    level = getattr(action, "level", None)
    event = sim.log(None, scenario_kind(action.do), actor, target, level, getattr(action, "pact", None),
                    action.note or "")
    EFFECTS[type(action)](sim, action, event)



def _members(sim: ReplicationState, ref: str) -> list[int]:
    """Indices named by a state id, or the current members of a pact id."""
    return members_of(ref, sim.world.index, sim.pacts)


def _pairs(sim: ReplicationState, action: Any) -> Iterator[tuple[int, int]]:
    for i in _members(sim, action.actor):
        for j in _members(sim, action.target):
            if i != j:
                yield i, j


@effect(schema.AttackAction)
def _attack(sim: ReplicationState, action: schema.AttackAction, event: int) -> None:
    for i, j in _pairs(sim, action):
        if action.hold_days > 0:
            sim.conflict.wars.hold(i, j, sim.clock.now + action.hold_days)
        if sim.posture[i, j] < action.level:
            sim.act(i, j, action.level, scenario_kind("attack"), event=event, location=action.location)


@effect(schema.PostureAction)
def _posture(sim: ReplicationState, action: schema.PostureAction, event: int) -> None:
    """A standing posture, set silently (no attack is replayed). At a clash or war it is a war under
    way, whose aggressor is the posture's actor (the direction actor -> target, even when `mutual`):
    noted as the dyad's first striker unless one is known, as an armed attack would be, so that the
    war's sides, which pacts a blow invokes and who joins as collective defence read it
    (:mod:`sim.model.attacks`, :mod:`sim.model.joining`)."""
    for i, j in _pairs(sim, action):
        if action.level >= CLASH:
            sim.memory.struck_first.setdefault(frozenset((i, j)), i)
        sim.act(i, j, action.level, scenario_kind("posture"), event=event, attack=False)
        sim.standing.posture(sim, i, j, action.level)  # weighs while in force
        if action.mutual:
            sim.act(j, i, action.level, scenario_kind("posture"), event=event, attack=False)
            sim.standing.posture(sim, j, i, action.level)


@effect(schema.NameThreatAction)
def _name_threat(sim: ReplicationState, action: schema.NameThreatAction, event: int) -> None:
    """Naming a state as a threat in a doctrine: the named state reads hostility into the namers,
    and the namers commit to viewing it as hostile."""
    t, s = sim.clock.now, action.strength
    before = sim.intent.all(t)
    namers: dict[int, list[int]] = {}
    for i, j in _pairs(sim, action):
        for observer, source in ((j, i), (i, j)):
            current = sim.intent.at(observer, source, t)
            sim.intent.set(observer, source, current + s * (1.0 - current), t, baseline=False)
            sim.intent.remember(observer, source, s * (1.0 - current), event, t)
            sim.standing.impose(sim, observer, source, s)  # the doctrine stands
        namers.setdefault(j, []).append(i)
    perceptions = [p for source in sorted({k for pair in _pairs(sim, action) for k in pair})
                   for p in answers.perceived(sim, source, before[:, source], event)]
    for target, who in namers.items():
        answers.named(sim, target, who, perceptions)
    sim.clock.alarm(sorted(namers), event)


@effect(schema.JoinAllianceAction)
def _join(sim: ReplicationState, action: schema.JoinAllianceAction, event: int) -> None:
    spec = _spec(sim, action.pact)
    if action.actor not in spec.members:
        before = sim.ties.threat_share.copy()
        pact = replace_pact(sim, action.pact, spec.model_copy(update={"members": spec.members + [action.actor]}))
        answers.encircled(sim, before, pact.members, event)
        on_war_under_way(sim, pact, event)


@effect(schema.LeaveAllianceAction)
def _leave(sim: ReplicationState, action: schema.LeaveAllianceAction, event: int) -> None:
    spec = _spec(sim, action.pact)
    if action.actor in spec.members:
        replace_pact(sim, action.pact, spec.model_copy(update={"members": [m for m in spec.members if m != action.actor]}))


@effect(schema.CreateAllianceAction)
def _create(sim: ReplicationState, action: schema.CreateAllianceAction, event: int) -> None:
    before = sim.ties.threat_share.copy()
    sim.pacts = [p for p in sim.pacts if p.id != action.pact]
    sim.pacts.append(compile_pact(action.pact, action.alliance, sim.world.index, sim.params.alliances.reliability))
    sim.restructure()
    answers.encircled(sim, before, sim.pacts[-1].members, event)
    on_war_under_way(sim, sim.pacts[-1], event)


@effect(schema.AmendAllianceAction)
def _amend(sim: ReplicationState, action: schema.AmendAllianceAction, event: int) -> None:
    """Change the pact as it is now (members who joined or left included)."""
    spec = _spec(sim, action.pact).model_dump()
    spec.update(action.set)
    before = sim.ties.threat_share.copy()
    pact = replace_pact(sim, action.pact, PactSpec.model_validate(spec))
    answers.encircled(sim, before, pact.members, event)


def replace_pact(sim: ReplicationState, pact_id: str, spec: PactSpec, restructure: bool = True) -> Pact:
    """Put the pact compiled from `spec` in place of the pact `pact_id` (the one store of pacts);
    returns the new pact."""
    new = compile_pact(pact_id, spec, sim.world.index, sim.params.alliances.reliability)
    sim.pacts = [new if p.id == pact_id else p for p in sim.pacts]
    if restructure:
        sim.restructure()
    return new


@effect(schema.ScalePowerAction)
def _scale_power(sim: ReplicationState, action: schema.ScalePowerAction, event: int) -> None:
    states = _members(sim, action.actor)
    steps = action.steps if action.over_days > 0 else 1
    power, offense = action.power ** (1 / steps), action.offense ** (1 / steps)
    sim.clock.spawn(_ramp(sim, states, power, offense, steps, action.over_days / steps))


def _ramp(sim: ReplicationState, states: list[int], power: float, offense: float, steps: int,
          interval: float) -> Process:
    for k in range(steps):
        if k and interval > 0:
            yield sim.clock.timeout(interval)
        sim.forces.power[states] *= power
        sim.forces.offense[states] *= offense
        sim.restructure()


@effect(schema.SetIntentAction)
def _set_intent(sim: ReplicationState, action: schema.SetIntentAction, event: int) -> None:
    t = sim.clock.now
    for i, j in _pairs(sim, action):
        sim.intent.set(i, j, action.intent, t, action.baseline)
        if action.mutual:
            sim.intent.set(j, i, action.intent, t, action.baseline)


@effect(schema.CeasefireAction)
def _ceasefire(sim: ReplicationState, action: schema.CeasefireAction, event: int) -> None:
    for i, j in _pairs(sim, action):
        for a, b in ((i, j), (j, i)):
            if sim.posture[a, b] > action.level:
                sim.act(a, b, action.level, scenario_kind("ceasefire"), event=event, attack=False)
            sim.standing.lift(sim, b, a)


def _position(sim: ReplicationState, owner: int, name: str) -> tuple[float, float, float]:
    """(lat, lon, personnel) of a position of `owner` now: moved by the run, or as in the world."""
    if (owner, name) in sim.forces.positions:
        return sim.forces.positions[(owner, name)]
    place = sim.world.territories.get((owner, name))
    if place is None:
        raise KeyError(f"no position {name!r} of {sim.world.ids[owner]} at day {sim.clock.now:g}")
    personnel = sim.params.perception.unknown_personnel if place.personnel is None else place.personnel
    return place.lat, place.lon, personnel


@effect(schema.DeployAction)
def _deploy(sim: ReplicationState, action: schema.DeployAction, event: int) -> None:
    """Station forces: more personnel at a known position, or a new position (its lat, lon)."""
    owner = sim.world.index[action.actor]
    if action.lat is not None and action.lon is not None:
        known = sim.forces.positions.get((owner, action.location), (action.lat, action.lon, 0.0))
        sim.forces.positions[(owner, action.location)] = (action.lat, action.lon, known[2] + action.personnel)
    else:
        lat, lon, personnel = _position(sim, owner, action.location)
        sim.forces.positions[(owner, action.location)] = (lat, lon, personnel + action.personnel)
    sim.restructure(moved=True)


@effect(schema.WithdrawAction)
def _withdraw(sim: ReplicationState, action: schema.WithdrawAction, event: int) -> None:
    """Withdraw forces from a position (all of them unless `personnel` says how many)."""
    owner = sim.world.index[action.actor]
    lat, lon, personnel = _position(sim, owner, action.location)
    left = 0.0 if action.personnel is None else max(personnel - action.personnel, 0.0)
    sim.forces.positions[(owner, action.location)] = (lat, lon, left)
    sim.restructure(moved=True)


def _pact(sim: ReplicationState, pact_id: str) -> Pact:
    for pact in sim.pacts:
        if pact.id == pact_id:
            return pact
    raise KeyError(f"no pact {pact_id!r} at day {sim.clock.now:g}")


def _spec(sim: ReplicationState, pact_id: str) -> PactSpec:
    """The spec the pact `pact_id` was compiled from, as it is now (the one store of pacts)."""
    spec = _pact(sim, pact_id).spec
    if spec is None:
        raise KeyError(f"pact {pact_id!r} was not compiled from a spec")
    return spec

