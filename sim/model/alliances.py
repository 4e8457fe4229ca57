"""Alliance commitments: when a pact is invoked, and how its members answer.

Vocabulary from the ATOP project (Leeds, Ritter, Mitchell & Long 2002, "Alliance Treaty
Obligations and Provisions", International Interactions 28): defence, offence, neutrality,
non-aggression and consultation obligations, each with conditions (the casus foederis: where an
attack must fall, by whom, whether the member must not have struck first). Members honour an
invocation with a probability from the pact's reliability (Leeds, Long & Mitchell 2000, JCR 44(5):
about 74.5% of commitments honoured), shifted by each member's own threat from the enemy.
"""

from __future__ import annotations

import math

import numpy as np

from sim.model.perception import gradient
from sim.model.state import Process, ReplicationState
from sim.model.world import Pact, Place, great_circle_km
from sim.scenario.pactkinds import invoked_by, kind

__all__ = ["casus_foederis", "honour_probabilities", "on_armed_attack", "defence", "consultation"]

CLASH = 5
# The obligations each side of an armed attack may invoke, in the order of sim.scenario.pactkinds
# (a stable order: the alliance stream's draws follow it).
BY_ATTACKED, BY_ATTACKER, BY_THREATENED = invoked_by("attacked"), invoked_by("attacker"), invoked_by("threatened")


def casus_foederis(pact: Pact, member: int, attacker: int, place: Place, member_struck_first: bool) -> bool:
    """Whether an armed attack by `attacker` on `member` at `place` falls under the pact's terms.

    An attack on Hawaii does not invoke NATO (Article 6 covers Europe, North America and the
    North Atlantic north of the Tropic of Cancer); a co-member's attack invokes nothing.
    """
    if member not in pact.members or attacker in pact.members:
        return False
    if pact.protects is not None and member not in pact.protects:
        return False
    if pact.adversaries is not None and attacker not in pact.adversaries:
        return False
    if pact.defensive_only and member_struck_first:
        return False
    if pact.regions is None and pact.soil is None:
        return True
    in_region = pact.regions is not None and bool(pact.regions & place.regions)
    on_soil = pact.soil is not None and place.soil in pact.soil
    return in_region or on_soil


def honour_probabilities(reliability: float, threats: np.ndarray, shift: float) -> np.ndarray:
    """P(honour) = logistic(logit(reliability) + shift (T_m - mean T)) for each deciding member m.

    Centring on the members' mean keeps the pact-wide share near its reliability while members
    more threatened by the enemy honour more often.
    """
    if reliability <= 0.0 or reliability >= 1.0 or len(threats) == 0:
        return np.full(len(threats), float(reliability))
    logit = math.log(reliability / (1.0 - reliability)) + shift * (threats - threats.mean())
    return 1.0 / (1.0 + np.exp(-logit))


def on_armed_attack(sim: ReplicationState, attacker: int, target: int, place: Place, cause: int,
                    collective: bool = False, self_defence: bool = False) -> None:
    """Invoke every pact whose terms an armed attack meets: the target's defence pacts, the
    attacker's offence pacts, and consultation clauses of members who now feel threatened.

    An ally entering in collective defence (`collective`) answers the target's own aggression:
    the target counts as having struck first, so its defensive-only pacts stay silent. Neither
    self-defence nor collective defence lets the aggressor's side ask for consultations.
    """
    struck_first = collective or sim.struck_first.get(frozenset((attacker, target))) == target
    invoked = set()
    for pact in sim.pacts_of(target):
        for clause in BY_ATTACKED:
            if clause in pact.obligations and casus_foederis(pact, target, attacker, place, struck_first):
                invoked.add(pact.id)
                _once(sim, (pact.id, target, attacker), defence(sim, pact, target, attacker, attacker, cause, clause))
    for pact in sim.pacts_of(attacker):
        for clause in BY_ATTACKER:
            if clause in pact.obligations and casus_foederis(pact, attacker, target, place, False):
                _once(sim, (pact.id, attacker, target), defence(sim, pact, attacker, target, target, cause, clause))
    if collective or self_defence:
        return
    for pact in sim.consultation_pacts():
        if pact.id not in invoked and attacker not in pact.members:
            _consult(sim, pact, attacker, place, cause)


def _once(sim: ReplicationState, key: tuple, process: Process) -> None:
    """Start an invocation unless the same pact was already invoked for the same member against
    the same enemy in this replication (a renewed clash does not invoke a pact twice)."""
    if key in sim.invoked:
        process.close()
        return
    sim.invoked.add(key)
    sim.start_invocation(process)


def _consult(sim: ReplicationState, pact: Pact, attacker: int, place: Place, cause: int) -> None:
    """Members alarmed enough ask for consultations, once per member and pact per replication.

    A member's alarm is its threat from the attacker times the attack's proximity, g(d(member's
    capital, attacked place)): a war next door threatens "territorial integrity, political
    independence or security" (NATO Art. 4) more than the same war far away. Only members the
    pact `protects` may ask (the FPDA: Malaysia and Singapore), and only about its `adversaries`.
    """
    if pact.adversaries is not None and attacker not in pact.adversaries:
        return
    members = np.array([m for m in pact.members if (pact.id, m) not in sim.invoked
                        and (pact.protects is None or m in pact.protects)], dtype=int)
    if len(members) == 0:
        return
    world, pp = sim.world, sim.params.perception
    distance = great_circle_km(world.lat[members], world.lon[members], [place.lat], [place.lon])[:, 0]
    proximity = gradient(distance, pp.distance_half_km, pp.distance_exponent)
    threats = sim.threats_to(members, attacker) * proximity
    for m in members[threats >= sim.params.alliances.consultation_threat].tolist():
        _once(sim, (pact.id, m), consultation(sim, pact, m, attacker, cause, _threatened_clause(pact)))


def _threatened_clause(pact: Pact) -> str:
    """The first obligation of `pact` that a threatened member invokes (its consultation clause)."""
    return next(c for c in BY_THREATENED if c in pact.obligations)


def defence(sim: ReplicationState, pact: Pact, invoker: int, attacker: int, enemy: int, cause: int,
            clause: str) -> Process:
    """Process: the invocation, the consultation delay, each member's choice, then mobilisation."""
    rng = sim.rng_alliance
    event = sim.log(cause, "invocation", invoker, attacker, None, pact.id, clause)
    sim.alarm(pact.members, event)
    yield sim.env.timeout(_draw(rng, pact.consultation_days))
    deciders = [m for m in pact.members if m not in (invoker, enemy) and sim.posture[m, enemy] < CLASH]
    p = honour_probabilities(pact.reliability, sim.threats_to(np.array(deciders, dtype=int), enemy),
                             sim.params.alliances.honour_threat_shift)
    entries = []
    for m, prob in zip(deciders, p.tolist()):
        if rng.random() < prob:
            honour = sim.log(event, "honour", m, enemy, CLASH, pact.id, clause)
            entries.append((_draw(rng, pact.mobilisation_days), m, honour))
        else:
            sim.log(event, "abandon", m, enemy, None, pact.id, clause)
    yield from _mobilise(sim, pact, sorted(entries), enemy, clause)


def _mobilise(sim: ReplicationState, pact: Pact, entries: list, enemy: int, clause: str) -> Process:
    waited = 0.0
    for delay, member, honour in entries:
        if delay > waited:
            yield sim.env.timeout(delay - waited)
            waited = delay
        if sim.posture[member, enemy] < CLASH:
            sim.act(member, enemy, CLASH, "entry", cause=honour, pact=pact.id, collective=kind(clause).invoked == "attacked")


def consultation(sim: ReplicationState, pact: Pact, invoker: int, attacker: int, cause: int,
                 clause: str = "consultation") -> Process:
    """Process: a member asks for consultations (NATO's Article 4); after the delay the others
    raise their posture toward the attacker to a level in `consultation_levels` (1..3)."""
    rng = sim.rng_alliance
    event = sim.log(cause, "invocation", invoker, attacker, None, pact.id, clause)
    yield sim.env.timeout(_draw(rng, pact.consultation_days))
    low, high = sim.params.alliances.consultation_levels
    for m in pact.members:
        level = int(rng.integers(low, high + 1))
        if m != attacker and sim.posture[m, attacker] < level:
            sim.act(m, attacker, level, "consultation", cause=event, pact=pact.id)


def _draw(rng: np.random.Generator, days: tuple[float, float]) -> float:
    low, high = days
    return low if high <= low else float(rng.uniform(low, high))
