"""Alliance commitments: when a pact is invoked, and how its members answer.

Vocabulary from the ATOP project (Leeds, Ritter, Mitchell & Long 2002, "Alliance Treaty
Obligations and Provisions", International Interactions 28): defence, offence, neutrality,
non-aggression and consultation obligations, each with conditions (the casus foederis: where an
attack must fall, by whom, whether the member must not have struck first). Members answer an
invocation once per war, correlated with the pact's leader, with a probability from the pact's
reliability shifted by their own stake (`sim.model.honour`). A `patron` commitment (an informal
guarantee of a client, e.g. the Taiwan Relations Act) is invoked like a defence pact when the
client it `protects` is attacked; the patron alone decides.

Collective defence answers the aggression (Snyder 1984 on entrapment; Johnson & Leeds 2011 on
defence pacts as deterrents of attack): the attacked aggressor's defensive pacts fire only when
its side was attacked first (`side_struck_first`).
"""

from __future__ import annotations

import numpy as np

from sim.model import commitments, honour
from sim.model.ladder import CLASH, MOBILISATION, WAR, Kind
from sim.model.perception import gradient, threats_to
from sim.model.replication import Process, ReplicationState
from sim.model.world import Pact, Place, great_circle_km
from sim.scenario.pactkinds import invoked_by, kind

__all__ = ["bound_to", "casus_foederis", "close_calls", "consultation", "defence", "fitted_joining", "honour_calls",
           "honour_probabilities", "on_armed_attack",
           "on_mobilisation", "on_war_under_way", "side_struck_first"]

# The obligations each side of an armed attack may invoke, in the order of sim.scenario.pactkinds
# (a stable order: the alliance stream's draws follow it). An attack on a member invokes the first
# of BY_ATTACKED its pact carries: defence, then the one-sided patron and guarantee.
BY_ATTACKED, BY_ATTACKER, BY_THREATENED = invoked_by("attacked"), invoked_by("attacker"), invoked_by("threatened")
DEFENCE = "defence"
SIDE = frozenset(k for k in BY_ATTACKED + BY_ATTACKER if kind(k).armed)  # mutual pacts that make a side in war
honour_probabilities = honour.honour_probabilities


def casus_foederis(pact: Pact, member: int, attacker: int, place: Place, member_struck_first: bool) -> bool:
    """Whether an armed attack by `attacker` on `member` at `place` falls under the pact's terms.

    An attack on Hawaii does not invoke NATO (Article 6 covers Europe, North America and the
    North Atlantic north of the Tropic of Cancer); a co-member's attack invokes nothing.
    """
    if member not in pact.members or (attacker in pact.members and not commitments.guarantor_violates(pact, attacker)):
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


def _mates(sim: ReplicationState, state: int) -> set[int]:
    """`state` and the members of its defence and offence pacts."""
    out = {state}
    for pact in sim.ties.pacts_of(state):
        if pact.obligations & SIDE:
            out.update(pact.members)
    return out


def side_struck_first(sim: ReplicationState, attacker: int, target: int) -> bool:
    """Whether `target`'s side struck first in the war under way against `attacker`'s side.

    The target's side: it and its defence/offence pact-mates. The attacker's side: it, its
    pact-mates, and every state already fighting the target. True when some y of the target's
    side struck the first blow against some x of the attacker's side they are still fighting:
    an ally joining a war against the aggressor, by its pact's entry or by its own decision,
    answers the aggression and does not invoke the aggressor's defensive pacts. Neither side
    includes the other belligerent: when the attacker is the target's own treaty partner (Iraq and
    Kuwait in the Arab League), the attacker's blow does not make the target's side the aggressor.
    """
    posture, first = sim.posture, sim.memory.struck_first
    fighting = (posture >= CLASH) | (posture.T >= CLASH)
    others = (_mates(sim, attacker) | set(np.flatnonzero(fighting[target]).tolist())) - {target}
    return any(first.get(frozenset((x, y))) == y and fighting[x, y]
               for y in _mates(sim, target) - {attacker} for x in others if x != y)


def on_armed_attack(sim: ReplicationState, attacker: int, target: int, place: Place, cause: int,
                    collective: bool = False, self_defence: bool = False) -> None:
    """Invoke every pact whose terms an armed attack meets: the target's defence pacts, the
    attacker's offence pacts, and consultation clauses of members who now feel threatened.

    An ally entering in collective defence (`collective`) answers the target's own aggression:
    the target counts as having struck first, so its defensive-only pacts stay silent. Neither
    self-defence nor collective defence lets the aggressor's side ask for consultations.
    """
    invoked: set[str] = set()
    calls = fitted_joining(sim)
    if calls:
        _fought(sim, attacker, target)
    for pact, invoker, enemy, clause in _invocations(sim, attacker, target, place, collective):
        if invoker == target:
            invoked.add(pact.id)
        if calls:
            _call(sim, pact, invoker, enemy, cause, clause)
        else:
            _once(sim, (pact.id, invoker, enemy), defence(sim, pact, invoker, enemy, enemy, cause, clause))
    if calls:
        invoked.clear()  # the invocation is a record, not a mobilisation: members alarmed still consult
    _consultations(sim, attacker, place, cause, invoked, collective or self_defence)


def _invocations(sim: ReplicationState, attacker: int, target: int, place: Place, collective: bool):
    """(pact, invoker, enemy, clause) of every pact an armed attack invokes: the target's defence
    (patron, guarantee) pacts whose casus foederis it meets, then the attacker's offence pacts."""
    struck_first = (collective or sim.memory.struck_first.get(frozenset((attacker, target))) == target
                    or side_struck_first(sim, attacker, target))
    for pact in sim.ties.pacts_of(target):
        clause = _clause(pact)
        if clause and casus_foederis(pact, target, attacker, place, struck_first) and \
                commitments.conditions_met(sim, pact, target, attacker):
            yield pact, target, attacker, clause
    for pact in sim.ties.pacts_of(attacker):
        for clause in BY_ATTACKER:
            if clause in pact.obligations and casus_foederis(pact, attacker, target, place, False):
                yield pact, attacker, target, clause


def _fighting(sim: ReplicationState, a: int, b: int) -> bool:
    return bool(sim.posture[a, b] >= CLASH or sim.posture[b, a] >= CLASH)


def _call(sim: ReplicationState, pact: Pact, invoker: int, enemy: int, cause: int, clause: str) -> None:
    """The invocation of `pact` for `invoker` against `enemy` when the fitted joining decision is on:
    logged as in the route of draws (`invocation`, once per pact, member and enemy), and each member
    it obliges is owed an answer (:class:`sim.model.honour.Call`), read later from what the member
    does (:func:`honour_calls`, :func:`close_calls`), never drawn: the treaty is the equation's
    `owes_side` term. The members obliged are those the route of draws asks: not already fighting
    the enemy, not protected by a one-sided pact, not bound to the enemy too (:func:`bound_to`),
    and not already owed an answer by the same pact in the same war (one answer per member per
    war, as `sim.model.honour` counts them)."""
    key = (pact.id, invoker, enemy)
    if key in sim.memory.invoked:
        return
    sim.memory.invoked.add(key)
    event = sim.log(cause, Kind.INVOCATION, invoker, enemy, None, pact.id, clause)
    war, calls = honour.war_of(sim.posture, enemy), sim.memory.calls
    owed = {c.member for c in calls if c.pact == pact.id and c.enemy in war and (c.open or (c.honoured and c.member in war))}
    for m in pact.members:
        if m in (invoker, enemy) or m in owed or _beside(sim, m, invoker, enemy) or bound_to(sim, m, enemy) or \
                (clause != DEFENCE and pact.protects is not None and m in pact.protects):
            continue
        calls.append(honour.Call(event, pact.id, clause, invoker, enemy, m))


def _beside(sim: ReplicationState, member: int, invoker: int, enemy: int) -> bool:
    """Whether `member` already fights on `invoker`'s side: it fights `enemy` or another state at
    war with the invoker (as a state that joins a coalition war against one of its belligerents
    is counted in it, whichever belligerent it engages)."""
    posture = sim.posture
    fights = (posture[member] >= CLASH) | (posture[:, member] >= CLASH)  # whom the member fights
    return bool(fights[enemy] or (fights & ((posture[invoker] >= CLASH) | (posture[:, invoker] >= CLASH))).any())


def _fought(sim: ReplicationState, a: int, b: int) -> None:
    """a and b now fight (an armed attack, or the answer to one): an open call on either that the
    fight puts on the invoker's side (against the call's enemy, or against another state at war
    with the invoker) is closed without an answer, as in the route of draws, where a member already
    fighting the enemy is not asked (it fights the enemy another way: attacked itself, or its own
    decision)."""
    for c in sim.memory.calls:
        if c.open and c.member in (a, b):
            other = b if c.member == a else a
            if other == c.enemy or _fighting(sim, other, c.invoker):
                c.open = False


def honour_calls(sim: ReplicationState, member: int, other: int) -> tuple[int, str] | None:
    """`member` joins a war now, attacking `other` (the fitted joining decision): log `honour` for
    each open call on it that the entry answers (`other` is the call's enemy, or is at war with the
    call's invoker: the entry is on the invoked side), caused by the invocation; return the first
    honour's event id and pact (the join's cause and pact), or None when the entry answers none."""
    first = None
    for c in sim.memory.calls:
        if c.open and c.member == member and (c.enemy == other or _fighting(sim, other, c.invoker)):
            c.open, c.honoured = False, True
            event = sim.log(c.event, Kind.HONOUR, member, c.enemy, WAR, c.pact, c.clause)
            first = first or (event, c.pact)
    return first


def close_calls(sim: ReplicationState, pair: frozenset[int] | None = None) -> None:
    """The war of the two states of `pair` ended (every war, at the horizon: None): each open call
    it owed is answered `abandon`, caused by the invocation. (A call on a member that came to fight
    the enemy another way was closed then, without an answer: :func:`_fought`.)"""
    for c in sim.memory.calls:
        if c.open and (pair is None or pair == {c.invoker, c.enemy}):
            c.open = False
            sim.log(c.event, Kind.ABANDON, c.member, c.enemy, None, c.pact, c.clause)


def fitted_joining(sim: ReplicationState) -> bool:
    """Whether the fitted joining decision (`sim.model.joining`) is on (the default). Then it is the
    only way a third state enters a war under way: an armed attack that meets a pact's casus
    foederis is logged as its invocation, but starts no mobilisation and draws no answer (the
    treaty is the equation's `owes_side` term), so no member draws a second answer for the same
    war; each member's answer is read from what it does (:func:`honour_calls`, :func:`close_calls`).
    A state attacked on its own soil still answers in self-defence, and consultation clauses still
    raise postures below war."""
    return bool(sim.params.joining.enabled)


def _consultations(sim: ReplicationState, attacker: int, place: Place, cause: int, invoked: set[str],
                   answering: bool) -> None:
    """Consultation clauses of members alarmed by the attack (not when it answers an aggression:
    self-defence or collective defence)."""
    if answering:
        return
    for pact in sim.ties.consultation_pacts():
        if pact.id not in invoked and attacker not in pact.members:
            _consult(sim, pact, attacker, place, cause)


def _clause(pact: Pact) -> str | None:
    """The obligation an attack on a member invokes: defence, patron or guarantee (or none)."""
    return next((c for c in BY_ATTACKED if c in pact.obligations), None)


def on_mobilisation(sim: ReplicationState, actor: int, target: int, cause: int) -> None:
    """`actor` mobilised against `target` (posture 4): pacts of the target whose `trigger_level`
    is 4 are invoked as by an armed attack on its homeland (the other side's mobilisation as a
    casus foederis)."""
    if fitted_joining(sim) and bool((sim.posture[actor] >= CLASH).any() or (sim.posture[:, actor] >= CLASH).any()):
        return  # a belligerent's mobilisation is part of its war, which only the joining decision widens
    place = sim.world.place(target, None)
    struck_first = side_struck_first(sim, actor, target)
    for pact in sim.ties.pacts_of(target):
        clause = _clause(pact)
        if clause and pact.trigger_level <= MOBILISATION and \
                casus_foederis(pact, target, actor, place, struck_first) and \
                commitments.conditions_met(sim, pact, target, actor):
            _once(sim, (pact.id, target, actor), defence(sim, pact, target, actor, actor, cause, clause))


def on_war_under_way(sim: ReplicationState, pact: Pact, cause: int) -> None:
    """A pact created or joined during a war applies to it (unless `applies_to_war_under_way` is
    false): it is invoked for each member already under an armed attack it did not provoke."""
    clause = _clause(pact)
    if not clause or not pact.applies_to_war_under_way or fitted_joining(sim):
        return
    first = sim.memory.struck_first
    for member in pact.members:
        for attacker in sorted(commitments.attackers_of(sim.posture, member)):
            if first.get(frozenset((attacker, member))) == attacker and \
                    casus_foederis(pact, member, attacker, sim.world.place(member, None), False) and \
                    commitments.conditions_met(sim, pact, member, attacker):
                _once(sim, (pact.id, member, attacker), defence(sim, pact, member, attacker, attacker, cause, clause))


def _once(sim: ReplicationState, key: tuple, process: Process) -> None:
    """Start an invocation unless the same pact was already invoked for the same member against
    the same enemy in this replication (a renewed clash does not invoke a pact twice)."""
    if key in sim.memory.invoked:
        process.close()
        return
    sim.memory.invoked.add(key)
    sim.clock.spawn(process)


def _consult(sim: ReplicationState, pact: Pact, attacker: int, place: Place, cause: int) -> None:
    """Members alarmed enough ask for consultations, once per member and pact per replication.

    A member's alarm is its threat from the attacker times the attack's proximity, g(d(member's
    capital, attacked place)): a war next door threatens "territorial integrity, political
    independence or security" (NATO Art. 4) more than the same war far away. Only members the
    pact `protects` may ask (the FPDA: Malaysia and Singapore), and only about its `adversaries`.
    """
    if pact.adversaries is not None and attacker not in pact.adversaries:
        return
    members = np.array([m for m in pact.members if (pact.id, m) not in sim.memory.invoked
                        and (pact.protects is None or m in pact.protects)], dtype=int)
    if len(members) == 0:
        return
    world, pp = sim.world, sim.params.perception
    distance = great_circle_km(world.lat[members], world.lon[members], [place.lat], [place.lon])[:, 0]
    proximity = gradient(distance, pp.distance_half_km, pp.distance_exponent)
    threats = threats_to(sim, members, attacker) * proximity
    for m in members[threats >= sim.params.alliances.consultation_threat].tolist():
        _once(sim, (pact.id, m), consultation(sim, pact, m, attacker, cause, _threatened_clause(pact)))


def _threatened_clause(pact: Pact) -> str:
    """The first obligation of `pact` that a threatened member invokes (its consultation clause)."""
    return next(c for c in BY_THREATENED if c in pact.obligations)


def defence(sim: ReplicationState, pact: Pact, invoker: int, attacker: int, enemy: int, cause: int,
            clause: str) -> Process:
    """Process: the invocation, the consultation delay, each member's choice (once per war:
    `sim.model.honour`), then mobilisation. A member that answered earlier in the same war
    keeps its answer: it enters against this enemy too if it honoured, and stays out if not."""
    rng = sim.streams.alliances
    event = sim.log(cause, Kind.INVOCATION, invoker, attacker, None, pact.id, clause)
    alert = sim.posture[:, enemy].copy()  # who stood on alert when the casus foederis arose
    armed = _fight_level(sim, invoker, enemy) >= CLASH  # an armed attack, not a mobilisation trigger
    sim.clock.alarm(pact.members, event)
    yield sim.clock.timeout(_draw(rng, pact.consultation_days))
    np.maximum(alert, sim.posture[:, enemy], out=alert)
    war = sim.memory.honour.record(pact.id, enemy, sim.posture)
    deciders = [m for m in pact.members if m not in (invoker, enemy) and sim.posture[m, enemy] < CLASH
                and (clause == DEFENCE or pact.protects is None or m not in pact.protects)]
    for m in [m for m in deciders if m not in war.choices and bound_to(sim, m, enemy)]:
        war.choices[m] = (False, sim.log(event, Kind.ABSTAIN, m, enemy, None, pact.id, clause))
    new = [m for m in deciders if m not in war.choices]

    def delay(m: int) -> float:
        return _draw(rng, commitments.alert_delay(pact, int(alert[m])))

    entries = [(delay(m), m, war.choices[m][1]) for m in deciders if m in war.choices and war.choices[m][0]]
    for m, honoured in zip(new, _choices(sim, pact, new, enemy, war)):
        answer = sim.log(event, Kind.HONOUR if honoured else Kind.ABANDON, m, enemy, CLASH if honoured else None,
                         pact.id, clause)
        if honoured:
            entries.append((delay(m), m, answer))
        war.choices[m] = (honoured, answer)
    yield from _mobilise(sim, pact, sorted(entries), invoker, enemy, clause, armed)


def _choices(sim: ReplicationState, pact: Pact, members: list[int], enemy: int, war: honour.WarRecord) -> list[bool]:
    """New members' choices: p_m from their reliability and stake against the pact's mean stake."""
    if not members:
        return []
    stakes = threats_to(sim, np.array(pact.members, dtype=int), enemy)
    mine = stakes[[pact.members.index(m) for m in members]]
    p = honour_probabilities(np.array([pact.reliability_of(m) for m in members]), mine, float(stakes.mean()),
                             sim.params.alliances.honour_threat_shift)
    return sim.memory.honour.draw(war, members, p, honour.leader_of(pact, sim.forces.power))


def bound_to(sim: ReplicationState, member: int, enemy: int) -> bool:
    """Whether `member` owes `enemy` armed help itself (a defence, offence, patron or guarantee
    obligation that covers an attack on `enemy`): a state bound to both belligerents is obliged to
    neither and stands aside (event `abstain`). Treaties that bind many states say so for wars among
    their parties (Inter-American Treaty of Reciprocal Assistance 1947, Art. 7: the parties call for
    a cease-fire and mediate; Pact of the League of Arab States 1945, Art. 5: the Council
    mediates); in a world coded as bilateral pacts (`cow_YYYY`) this is how such a treaty's members
    keep out of a war between two of them, as they do in a world coded as cliques."""
    for pact in sim.ties.pacts_of(member):
        if enemy in pact.members and any(kind(c).fights for c in pact.obligations) and \
                (pact.protects is None or enemy in pact.protects):
            return True
    return False


def _fight_level(sim: ReplicationState, invoker: int, enemy: int) -> int:
    """The rung at which `invoker` and `enemy` fight: the higher of their postures toward each other."""
    return int(max(sim.posture[invoker, enemy], sim.posture[enemy, invoker]))


def _mobilise(sim: ReplicationState, pact: Pact, entries: list, invoker: int, enemy: int, clause: str,
              armed: bool) -> Process:
    """Honouring members take the field, each after its delay, at the rung their partner fights at
    (a co-belligerent joins the war, not a skirmish beside it: COW counts an ally as a participant
    of the war it joins, Sarkees & Wayman 2010), at least an armed clash and at most war (level 6;
    nuclear use stays each state's own decision). A partner whose fight with the enemy has ended
    by then (a truce: `sim.model.termination`) no longer calls for help, and nobody enters."""
    waited = 0.0
    for delay, member, answer in entries:
        if delay > waited:
            yield sim.clock.timeout(delay - waited)
            waited = delay
        level = _fight_level(sim, invoker, enemy)
        if armed and level < CLASH:
            return
        if sim.posture[member, enemy] < CLASH:
            sim.act(member, enemy, min(max(level, CLASH), WAR), Kind.ENTRY, cause=answer, pact=pact.id,
                    collective=kind(clause).invoked == "attacked")


def consultation(sim: ReplicationState, pact: Pact, invoker: int, attacker: int, cause: int,
                 clause: str = "consultation") -> Process:
    """Process: a member asks for consultations (NATO's Article 4); after the delay the others
    raise their posture toward the attacker to a level in `consultation_levels` (1..3)."""
    rng = sim.streams.alliances
    event = sim.log(cause, Kind.INVOCATION, invoker, attacker, None, pact.id, clause)
    yield sim.clock.timeout(_draw(rng, pact.consultation_days))
    low, high = sim.params.alliances.consultation_levels
    for m in pact.members:
        level = int(rng.integers(low, high + 1))
        if m != attacker and sim.posture[m, attacker] < level:
            sim.act(m, attacker, level, Kind.CONSULTATION, cause=event, pact=pact.id)


def _draw(rng: np.random.Generator, days: tuple[float, float]) -> float:
    low, high = days
    return low if high <= low else float(rng.uniform(low, high))
