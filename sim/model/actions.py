"""Scenario actions: the timeline's exogenous events, each logged as `scenario.<action>` with no cause.

Actions on day 0 are applied before any state decides; later ones run as one process each.
An actor or target may name a pact, which stands for its members.
"""

from __future__ import annotations

from sim.model.world import compile_pact
from sim.scenario.schema import PactSpec

__all__ = ["timeline", "apply"]


def timeline(sim) -> None:
    """Apply day-0 actions now and schedule the others (stable order for equal days)."""
    for action in sorted(sim.setup.scenario.timeline, key=lambda a: a.at):
        if action.at <= 0:
            apply(sim, action)
        else:
            sim.spawn(_later(sim, action))


def _later(sim, action):
    yield sim.env.timeout(action.at)
    apply(sim, action)


def apply(sim, action) -> None:
    """Log the action as an event and carry it out."""
    actor = getattr(action, "actor", None) or getattr(action, "pact", None)
    target = getattr(action, "target", None) or getattr(action, "pact", None)
    level = getattr(action, "level", None)
    event = sim.rec.log(sim.env.now, None, f"scenario.{action.do}", actor, target, level,
                        getattr(action, "pact", None), action.note or "")
    HANDLERS[action.do](sim, action, event)


def _pairs(sim, action):
    for i in sim.members(action.actor):
        for j in sim.members(action.target):
            if i != j:
                yield i, j


def _attack(sim, action, event) -> None:
    for i, j in _pairs(sim, action):
        if sim.posture[i, j] < action.level:
            sim.act(i, j, action.level, "scenario.attack", event=event, location=action.location)


def _posture(sim, action, event) -> None:
    for i, j in _pairs(sim, action):
        sim.act(i, j, action.level, "scenario.posture", event=event, attack=False)
        if action.mutual:
            sim.act(j, i, action.level, "scenario.posture", event=event, attack=False)


def _name_threat(sim, action, event) -> None:
    """Naming a state as a threat in a doctrine: the named state reads hostility into the namers,
    and the namers commit to viewing it as hostile."""
    t, s = sim.env.now, action.strength
    targets = set()
    for i, j in _pairs(sim, action):
        for observer, source in ((j, i), (i, j)):
            current = sim.intent.at(observer, source, t)
            sim.intent.set(observer, source, current + s * (1.0 - current), t, baseline=False)
            sim.intent.remember(observer, source, s * (1.0 - current), event, t)
        targets.add(j)
    sim.alarm(sorted(targets), event)


def _join(sim, action, event) -> None:
    spec = _pact(sim, action.pact).spec
    if action.actor not in spec.members:
        _replace(sim, action.pact, spec.model_copy(update={"members": spec.members + [action.actor]}))


def _leave(sim, action, event) -> None:
    spec = _pact(sim, action.pact).spec
    if action.actor in spec.members:
        _replace(sim, action.pact, spec.model_copy(update={"members": [m for m in spec.members if m != action.actor]}))


def _create(sim, action, event) -> None:
    sim.pacts = [p for p in sim.pacts if p.id != action.pact]
    sim.pacts.append(compile_pact(action.pact, action.alliance, sim.world.index))
    sim.restructure()


def _amend(sim, action, event) -> None:
    """Change the pact as it is now (members who joined or left included)."""
    spec = _pact(sim, action.pact).spec.model_dump()
    spec.update(action.set)
    _replace(sim, action.pact, PactSpec.model_validate(spec))


def _replace(sim, pact_id: str, spec: PactSpec) -> None:
    """Put the pact compiled from `spec` in place of the pact `pact_id` (the one store of pacts)."""
    new = compile_pact(pact_id, spec, sim.world.index)
    sim.pacts = [new if p.id == pact_id else p for p in sim.pacts]
    sim.restructure()


def _scale_power(sim, action, event):
    states = sim.members(action.actor)
    steps = action.steps if action.over_days > 0 else 1
    power, offense = action.power ** (1 / steps), action.offense ** (1 / steps)
    sim.spawn(_ramp(sim, states, power, offense, steps, action.over_days / steps))


def _ramp(sim, states, power, offense, steps, interval):
    for k in range(steps):
        if k and interval > 0:
            yield sim.env.timeout(interval)
        sim.power[states] *= power
        sim.offense[states] *= offense
        sim.restructure()


def _set_intent(sim, action, event) -> None:
    t = sim.env.now
    for i, j in _pairs(sim, action):
        sim.intent.set(i, j, action.intent, t, action.baseline)
        if action.mutual:
            sim.intent.set(j, i, action.intent, t, action.baseline)


def _ceasefire(sim, action, event) -> None:
    for i, j in _pairs(sim, action):
        for a, b in ((i, j), (j, i)):
            if sim.posture[a, b] > action.level:
                sim.act(a, b, action.level, "scenario.ceasefire", event=event, attack=False)


def _pact(sim, pact_id: str):
    for pact in sim.pacts:
        if pact.id == pact_id:
            return pact
    raise KeyError(f"no pact {pact_id!r} at day {sim.env.now:g}")


HANDLERS = {
    "attack": _attack, "posture": _posture, "name_threat": _name_threat, "join_alliance": _join,
    "leave_alliance": _leave, "create_alliance": _create, "amend_alliance": _amend,
    "scale_power": _scale_power, "set_intent": _set_intent, "ceasefire": _ceasefire,
}
