"""Endogenous alignment: states balance, or bandwagon, against the threats they
perceive, and pacts weaken when the threat that made them recedes.

Balance-of-threat theory is above all a theory of alignment (Walt 1987, ch. 2 and 5): states
ally against the state that threatens them most; weak states next to a strong threat, with no
ally to turn to, may bandwagon with it instead. Allies weigh what a newcomer adds against the
risk that it drags them into its own quarrels (entrapment: Snyder 1984). Every
`alignment_interval_days` each state reviews its alignment, in index order:

    X = argmax_j T_ij;  if T_iX >= seek_threat and i is in no pact that opposes X:
      bandwagon   if p_i < bandwagon_power p_X, G[i, X] >= 1/2 and i has no defence ally:
                  i halves its baseline intent toward X (accommodation)
      join        the pact opposing X with the most power, if its members accept:
                  gain = mean_{m in pact} I_mX * p_i / (p_i + p_X)  >  entrapment_weight * max_{Y not in pact, Y != X} T_iY
      form        else a new defence pact with every other state as threatened by X, allied to
                  neither and in no pact that opposes X

A pact opposes X when X is not a member and its members' mean intent toward X (how hostile they
believe X to be) is at least `oppose_intent`: an alliance that balances X well keeps its members'
threat from X low, so their hostility, not their threat, says whom it opposes. A defence pact
whose members' mean intent toward every outsider is below `dissolve_intent` (the hostility
that made it has receded) loses a quarter of its reliability at each review, and dissolves below
0.1. A state with a defence, patron or guarantee commitment covering it has an
ally to turn to and does not bandwagon.
Each change is an event with a cause: the event that moved I[i, X] most (joins, formations,
bandwagoning), or none (weakening); a state that answers a naming or an encirclement by alignment
(:mod:`sim.model.answers`) seeks it at once, naming its answer as the cause.
`parameters.alliances.endogenous: false` (the default) freezes alliances as the scenario sets them.
"""

from __future__ import annotations

import numpy as np

from sim.model.actions import replace_pact
from sim.model.ladder import Kind
from sim.model.replication import Process, ReplicationState
from sim.model.world import Pact, compile_pact
from sim.scenario.schema import PactSpec

__all__ = ["ALIGNABLE", "opposes", "review", "reviews", "seek", "threat_matrix"]

ALIGNABLE = frozenset({"defence", "offence", "consultation", "dialogue", "partnership"})
DEFENCE = "defence"
COVERING = frozenset({DEFENCE, "patron", "guarantee"})  # commitments that give a state an ally to turn to


def threat_matrix(sim: ReplicationState) -> np.ndarray:
    """T[i, j] = I[i, j] C[i, j] now."""
    return sim.intent.all(sim.clock.now) * sim.ties.threat_share


def opposes(pact: Pact, x: int, intent: np.ndarray, level: float) -> bool:
    """X is not a member and the members' mean intent toward X is at least `level`."""
    return x not in pact.members and bool(intent[pact.members, x].mean() >= level)


def reviews(sim: ReplicationState) -> Process:
    """Process: every `alignment_interval_days`, review every state's alignment."""
    every = sim.params.alliances.alignment_interval_days
    while True:
        yield sim.clock.timeout(every)
        review(sim)


def review(sim: ReplicationState) -> None:
    """One review: weaken pacts whose threat receded, then let each state seek its alignment."""
    p = sim.params.alliances
    _weaken(sim, sim.intent.all(sim.clock.now), p.dissolve_intent)
    for i in range(sim.world.n):
        threat, intent = threat_matrix(sim), sim.intent.all(sim.clock.now)
        x = int(np.argmax(threat[i]))
        if threat[i, x] >= p.seek_threat and not any(opposes(q, x, intent, p.oppose_intent)
                                                      for q in sim.ties.pacts_of(i) if q.obligations & ALIGNABLE):
            _seek(sim, i, x, threat, intent)


def seek(sim: ReplicationState, i: int, x: int, cause: int) -> None:
    """i seeks its alignment against x now, as a review would (an answer in peacetime,
    :mod:`sim.model.answers`); what it does names `cause`."""
    _seek(sim, i, x, threat_matrix(sim), sim.intent.all(sim.clock.now), cause)


def _seek(sim: ReplicationState, i: int, x: int, threat: np.ndarray, intent: np.ndarray,
          cause: int | None = None) -> None:
    p, power = sim.params.alliances, sim.forces.power
    cause = cause or int(sim.intent.cause[i, x]) or None
    allied = any(q.obligations & COVERING and (q.protects is None or i in q.protects or DEFENCE in q.obligations)
                 for q in sim.ties.pacts_of(i))
    if power[i] < p.bandwagon_power * power[x] and sim.ties.gradient[i, x] >= 0.5 and not allied:
        sim.intent.set(i, x, sim.intent.baseline[i, x] * 0.5, sim.clock.now, baseline=True)
        sim.log(cause, Kind.ALIGN_BANDWAGON, i, x, None, None, "")
        return
    candidates = [q for q in sim.pacts if q.obligations & ALIGNABLE and i not in q.members
                  and opposes(q, x, intent, p.oppose_intent)]
    for pact in sorted(candidates, key=lambda q: -float(power[q.members].sum())):
        if _accepts(pact, i, x, threat, intent, power, p.entrapment_weight):
            spec = pact.spec
            if spec is None:
                continue
            joiner = sim.world.ids[i]
            replace_pact(sim, pact.id, spec.model_copy(update={"members": spec.members + [joiner]}), restructure=False)
            sim.log(cause, Kind.ALIGN_JOIN, i, x, None, pact.id, "")
            sim.restructure()
            return
    _form(sim, i, x, threat, intent, cause)


def _accepts(pact: Pact, i: int, x: int, threat: np.ndarray, intent: np.ndarray, power: np.ndarray,
             weight: float) -> bool:
    """Members accept when the newcomer's gain against X exceeds its other quarrels (entrapment)."""
    gain = float(intent[pact.members, x].mean()) * power[i] / (power[i] + power[x])
    others = [y for y in range(len(power)) if y != x and y != i and y not in pact.members]
    risk = max((float(threat[i, y]) for y in others), default=0.0)
    return gain > weight * risk


def _form(sim: ReplicationState, i: int, x: int, threat: np.ndarray, intent: np.ndarray, cause: int | None) -> None:
    """A new defence pact of i and every other state as threatened by X, allied to neither, and in
    no pact that opposes X already (whose members have just refused i, or would be asked)."""
    p = sim.params.alliances
    partners = [j for j in range(sim.world.n) if j not in (i, x) and threat[j, x] >= p.seek_threat
                and sim.ties.ally[j, x] == 0 and sim.ties.ally[i, j] == 0
                and not any(opposes(q, x, intent, p.oppose_intent) for q in sim.ties.pacts_of(j))]
    if not partners:
        return
    pact_id = f"ALIGN_{sim.world.ids[x]}_{len(sim.pacts)}"
    members = [sim.world.ids[k] for k in sorted([i] + partners)]
    spec = PactSpec.model_validate({"type": "defence", "members": members, "adversaries": [sim.world.ids[x]],
                                    "name": f"alignment against {sim.world.ids[x]}"})
    sim.pacts.append(compile_pact(pact_id, spec, sim.world.index, sim.params.alliances.reliability))
    sim.log(cause, Kind.ALIGN_FORM, i, x, None, pact_id, ";".join(members))
    sim.restructure()


def _weaken(sim: ReplicationState, intent: np.ndarray, floor: float) -> None:
    """Defence pacts whose members no longer see any outsider as hostile lose reliability, then dissolve."""
    changed = False
    for pact in list(sim.pacts):
        outsiders = [y for y in range(sim.world.n) if y not in pact.members]
        if DEFENCE not in pact.obligations or not outsiders or len(pact.members) < 2:
            continue
        if float(intent[np.ix_(pact.members, outsiders)].mean(axis=0).max()) >= floor:
            continue
        reliability = pact.reliability * 0.75
        kind = Kind.ALIGN_DISSOLVE if reliability < 0.1 else Kind.ALIGN_WEAKEN
        sim.log(None, kind, pact.members[0], None, None, pact.id, f"{reliability:.3f}")
        if kind == Kind.ALIGN_DISSOLVE:
            sim.pacts = [q for q in sim.pacts if q.id != pact.id]
        elif pact.spec is not None:
            replace_pact(sim, pact.id, pact.spec.model_copy(update={"reliability": reliability}), restructure=False)
        changed = True
    if changed:
        sim.restructure()
