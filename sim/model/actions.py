"""Scenario actions: the timeline's exogenous events, each logged as `scenario.<action>` with no cause.

Actions on day 0 are applied before any state decides; later ones run as one process each.
An actor or target may name a pact, which stands for its members.
"""

from __future__ import annotations

from sim.model.alliances import on_war_under_way
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
    pact, state = _pact(sim, action.pact), sim.world.index[action.actor]
    if state not in pact.members:
        pact.members = sorted(pact.members + [state])
        sim.restructure()
        on_war_under_way(sim, pact, event)


def _leave(sim, action, event) -> None:
    pact, state = _pact(sim, action.pact), sim.world.index[action.actor]
    if state in pact.members:
        pact.members = [m for m in pact.members if m != state]
        sim.restructure()


def _create(sim, action, event) -> None:
    sim.pacts = [p for p in sim.pacts if p.id != action.pact]
    sim.pacts.append(compile_pact(action.pact, action.alliance, sim.world.index))
    sim.pact_specs[action.pact] = action.alliance
    sim.restructure()
    on_war_under_way(sim, sim.pacts[-1], event)


def _amend(sim, action, event) -> None:
    spec = sim.pact_specs[action.pact].model_dump()
    spec.update(action.set)
    new = PactSpec.model_validate(spec)
    sim.pact_specs[action.pact] = new
    sim.pacts = [compile_pact(action.pact, new, sim.world.index) if p.id == action.pact else p for p in sim.pacts]
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


def _position(sim, owner: int, name: str) -> tuple[float, float, float]:
    """(lat, lon, personnel) of a position of `owner` now: moved by the run, or as in the world."""
    if (owner, name) in sim.positions:
        return sim.positions[(owner, name)]
    place = sim.world.territories.get((owner, name))
    if place is None:
        raise KeyError(f"no position {name!r} of {sim.world.ids[owner]} at day {sim.env.now:g}")
    personnel = sim.params.perception.unknown_personnel if place.personnel is None else place.personnel
    return place.lat, place.lon, personnel


def _deploy(sim, action, event) -> None:
    """Station forces: more personnel at a known position, or a new position (its lat, lon)."""
    owner = sim.world.index[action.actor]
    if action.lat is not None and action.lon is not None:
        known = sim.positions.get((owner, action.location), (action.lat, action.lon, 0.0))
        sim.positions[(owner, action.location)] = (action.lat, action.lon, known[2] + action.personnel)
    else:
        lat, lon, personnel = _position(sim, owner, action.location)
        sim.positions[(owner, action.location)] = (lat, lon, personnel + action.personnel)
    sim.reposition(sim.positions)


def _withdraw(sim, action, event) -> None:
    """Withdraw forces from a position (all of them unless `personnel` says how many)."""
    owner = sim.world.index[action.actor]
    lat, lon, personnel = _position(sim, owner, action.location)
    left = 0.0 if action.personnel is None else max(personnel - action.personnel, 0.0)
    sim.positions[(owner, action.location)] = (lat, lon, left)
    sim.reposition(sim.positions)


def _pact(sim, pact_id: str):
    for pact in sim.pacts:
        if pact.id == pact_id:
            return pact
    raise KeyError(f"no pact {pact_id!r} at day {sim.env.now:g}")


HANDLERS = {
    "attack": _attack, "posture": _posture, "name_threat": _name_threat, "join_alliance": _join,
    "leave_alliance": _leave, "create_alliance": _create, "amend_alliance": _amend,
    "scale_power": _scale_power, "set_intent": _set_intent, "ceasefire": _ceasefire,
    "deploy": _deploy, "withdraw": _withdraw,
}
