"""Perception events and answers in peacetime (docs/model.md, "Perception and answers").

An act that moves an observer's threat from its author by more than `perceive_threshold` is logged
as `perceive` (actor: the observer; target: the author; cause: the act), and the observer's memory
of that cell names the perception as its cause, so a chain reads act -> perceive -> decision.

A state named as a threat (`name_threat`) or encircled (a pact's change raises the capability a
hostile state brings to bear on it) answers within its peacetime repertoire, with probability
`answers.probability` after a delay drawn from `answers.delay_days` (Jervis 1976: a standing
policy is read as evidence of intent and answered; Walt 1987: states balance against a
threatening coalition, internally by arming and externally by showing resolve). The answer is
drawn uniformly from the repertoire:

- counter-naming: the answerer names its namers (or the encircling states) back, as a doctrine
  (`name_threat` of strength `answers.counter_strength`, standing while in force);
- a show of force at level 1-3 toward the most threatening of them (one rung above its posture,
  capped at 3: rhetoric, sanctions, a show of force; never a mobilisation or an attack);
- an arms increase: its military expenditure times 1 + `answers.arms_rate`;
- where alliances are endogenous (`alliances.endogenous`), alignment: the answerer seeks a pact
  against the most threatening of them at once, as its next alignment review would
  (:func:`sim.model.alignment.seek`: bandwagoning, joining a pact that opposes it, or forming one
  with the other states it threatens), rather than waiting for that review.

Each answer is logged as `answer` (cause: the perception it answers; detail: which answer).
It acts on a replication through :class:`sim.model.replication.ReplicationState` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model import alignment
from sim.model.ladder import SIGNALLING, Kind
from sim.model.perception import threats_to

if TYPE_CHECKING:
    from sim.model.replication import Process, ReplicationState

__all__ = ["perceived", "perceptions", "named", "encircled", "repertoire", "REPERTOIRE", "ALIGNMENT", "SHOW_TOP"]

REPERTOIRE = ("counter-naming", "show of force", "arms increase")
ALIGNMENT = "alignment"  # in the repertoire where alliances are endogenous
SHOW_TOP = SIGNALLING  # a peacetime answer stays below mobilisation


def perceived(sim: ReplicationState, source: int, before: np.ndarray, cause: int) -> list[tuple[int, int]]:
    """Log `perceive` for every observer whose threat from `source` rose above the threshold since
    `before` (intent column I[:, source] before the act); the perceptions (observer, event id).
    (An act's observation makes the same check in the compiled kernel, `sim.kernel.Observer`, and
    logs what it finds with :func:`perceptions`.)"""
    pp = sim.params.perception
    after = sim.intent.column(source, sim.clock.now)
    floor = pp.default_intent
    rise = (np.maximum(after - floor, 0.0) - np.maximum(before - floor, 0.0)) * sim.ties.threat_share[:, source]
    over = np.flatnonzero(rise > pp.perceive_threshold * (1.0 - floor)).tolist()
    return perceptions(sim, source, [(m, float(rise[m])) for m in over], cause)


def perceptions(sim: ReplicationState, source: int, rises: list[tuple[int, float]], cause: int) -> list[tuple[int, int]]:
    """Log `perceive` for each observer m whose threat from `source` rose by `rise` past the threshold
    (`(m, rise)` in `rises`); the perceptions (observer, event id)."""
    floor = sim.params.perception.default_intent
    out = []
    for m, rise in rises:
        event = sim.log(cause, Kind.PERCEIVE, m, source, detail=f"threat +{rise / (1.0 - floor):.3f}")  # floor < 1 here
        if sim.intent.cause[m, source] == cause:  # the act is what the observer remembers: now via its perception
            sim.intent.cause[m, source] = event
        out.append((m, event))
    return out


def named(sim: ReplicationState, target: int, namers: list[int], perceptions: list[tuple[int, int]]) -> None:
    """`target` was named by `namers`: it may answer (one answer per naming)."""
    mine = [event for m, event in perceptions if m == target]
    if mine and namers:
        _maybe_answer(sim, target, namers, mine[0])


def encircled(sim: ReplicationState, before: np.ndarray, members: list[int], cause: int) -> None:
    """A pact of `members` changed (cause: the scenario action). A state outside it that sees the
    capability share of a member it distrusts rise, so that its threat from that member grows by more
    than the threshold, perceives the pact as a coalition against it: its view of every member moves
    up by `encirclement` x the largest rise in share of its gap to 1 (a
    coalition is read by its aggregate intentions: Walt 1987, ch. 2; Snyder 1984's alliance security
    dilemma): at once and as a standing act, as a doctrine naming them would. Each member whose threat
    (intent and capability together) rose past the threshold is logged as perceived, and the state
    may answer."""
    now, pp = sim.clock.now, sim.params.perception
    share = sim.ties.threat_share
    inside = set(members)
    for m in range(len(share)):
        if m in inside:
            continue
        lifts = [float(share[m, j] - before[m, j]) for j in members]
        grown = [lift * _excess(sim.intent.at(m, j, now), pp.default_intent) for j, lift in zip(members, lifts)]
        if not grown or max(grown) <= pp.perceive_threshold:
            continue
        shift, hostile, first = pp.encirclement * max(lifts), [], None
        for j in members:  # as a doctrine naming them would (`name_threat`): now, and standing
            current = sim.intent.at(m, j, now)
            move = shift * (1.0 - current)
            sim.intent.set(m, j, current + move, now, baseline=False)
            sim.standing.impose(sim, m, j, shift)
            rise = (_excess(current + move, pp.default_intent) * float(share[m, j])
                    - _excess(current, pp.default_intent) * float(before[m, j]))  # threat: intent and capability
            if rise > pp.perceive_threshold:
                event = sim.log(cause, Kind.PERCEIVE, m, j, detail=f"threat +{rise:.3f} (encirclement)")
                sim.intent.remember(m, j, move, event, now)
                hostile.append(j)
                first = first or event
        if hostile and first is not None:
            _maybe_answer(sim, m, hostile, first)


def _excess(intent: float, floor: float) -> float:
    """Intent above the background, rescaled: u = (I - I_0)+ / (1 - I_0) (0 where none is above it)."""
    return (intent - floor) / (1.0 - floor) if intent > floor else 0.0


def repertoire(sim: ReplicationState) -> tuple[str, ...]:
    """The answers a state may draw from: alignment too where alliances are endogenous."""
    return REPERTOIRE + (ALIGNMENT,) if sim.params.alliances.endogenous else REPERTOIRE


def _maybe_answer(sim: ReplicationState, state: int, against: list[int], cause: int) -> None:
    params, kinds = sim.params.answers, repertoire(sim)
    rng = sim.streams.answers
    draw, delay, choice = rng.random(), rng.uniform(*params.delay_days), int(rng.integers(len(kinds)))
    if draw < params.probability:
        sim.clock.spawn(_answer(sim, state, sorted(against), cause, delay, kinds[choice]))


def _answer(sim: ReplicationState, state: int, against: list[int], cause: int, delay: float, kind: str) -> Process:
    yield sim.clock.timeout(delay)
    params, now = sim.params.answers, sim.clock.now
    threat = [float(threats_to(sim, np.array([state]), j)[0]) for j in against]
    worst = against[int(np.argmax(threat))]  # the first of the most threatening
    if kind == "counter-naming":
        event = sim.log(cause, Kind.ANSWER, state, worst, detail=kind)
        s = params.counter_strength
        for j in against:
            for observer, source in ((j, state), (state, j)):
                current = sim.intent.at(observer, source, now)
                sim.intent.set(observer, source, current + s * (1.0 - current), now, baseline=False)
                sim.intent.remember(observer, source, s * (1.0 - current), event, now)
                sim.standing.impose(sim, observer, source, s)
    elif kind == "show of force":
        level = min(int(sim.posture[state, worst]) + 1, SHOW_TOP)
        if level > sim.posture[state, worst]:
            event = sim.log(cause, Kind.ANSWER, state, worst, level, detail=kind)
            sim.act(state, worst, level, Kind.ANSWER, event=event, attack=False)
        else:  # already at the top of the peacetime repertoire: the answer is to hold it
            sim.log(cause, Kind.ANSWER, state, worst, level, detail="holds its show of force")
    elif kind == ALIGNMENT:
        event = sim.log(cause, Kind.ANSWER, state, worst, detail=kind)
        alignment.seek(sim, state, worst, event)
    else:
        sim.log(cause, Kind.ANSWER, state, None, detail=f"arms +{params.arms_rate:.0%}")
        sim.forces.power[state] *= 1.0 + params.arms_rate
        sim.restructure()
