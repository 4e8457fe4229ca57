"""The escalation ladder and the kinds of events a replication logs: each declared once, here.

The ladder condenses Kahn's 44 rungs (On Escalation, 1965) to eight levels (docs/model.md). The
other modules, the recorder, the metrics and the docs read the levels and the event kinds from
this module; the compiled kernel's own constants (`sim/kernel/_kernel.pyx`, a C enum) are held
equal to them by tests/test_ladder.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = ["Level", "LEVEL_NAMES", "NORMAL", "COERCION", "SIGNALLING", "MOBILISATION", "CLASH", "WAR", "NUCLEAR",
           "TOP", "Kind", "EventKind", "EVENT_KINDS", "SCENARIO", "scenario_kind", "is_registered", "markdown_table"]


class Level(IntEnum):
    """A posture toward one counterpart: how far up the ladder a state stands."""

    NORMAL = 0
    RHETORIC = 1
    COERCION = 2
    SIGNALLING = 3
    MOBILISATION = 4
    CLASH = 5  # an armed clash: a posture that crosses into it is an armed attack
    WAR = 6
    NUCLEAR = 7


LEVEL_NAMES: tuple[str, ...] = tuple(level.name.lower().replace("clash", "armed clash") for level in Level)
"""The levels' names for people, in order: 'normal' ... 'armed clash', 'war', 'nuclear'."""

# Plain ints for the hot paths: numpy treats a Python int as a weak scalar (a uint8 posture plus
# an int stays uint8) but an IntEnum as an int64, so arithmetic on postures uses these.
NORMAL, COERCION, SIGNALLING = int(Level.NORMAL), int(Level.COERCION), int(Level.SIGNALLING)
MOBILISATION, CLASH, WAR, NUCLEAR = int(Level.MOBILISATION), int(Level.CLASH), int(Level.WAR), int(Level.NUCLEAR)
TOP = NUCLEAR


class Kind(StrEnum):
    """The kinds of events.csv's `kind` column (a timeline action's is `scenario.<do>`: see
    :func:`scenario_kind`)."""

    ESCALATE = "escalate"
    DEESCALATE = "deescalate"
    SELF_DEFENCE = "self_defence"
    USE_OF_FORCE = "use_of_force"
    INVOCATION = "invocation"
    HONOUR = "honour"
    ABANDON = "abandon"
    ABSTAIN = "abstain"
    ENTRY = "entry"
    JOIN = "join"
    CONSULTATION = "consultation"
    SETTLEMENT = "settlement"
    CAPITULATION = "capitulation"
    CEASEFIRE = "ceasefire"
    ALIGN_BANDWAGON = "align.bandwagon"
    ALIGN_JOIN = "align.join"
    ALIGN_FORM = "align.form"
    ALIGN_WEAKEN = "align.weaken"
    ALIGN_DISSOLVE = "align.dissolve"
    PERCEIVE = "perceive"
    ANSWER = "answer"


SCENARIO = "scenario."
"""The prefix of a timeline action's kind: `scenario.attack`, `scenario.posture`, ..."""


def scenario_kind(do: str) -> str:
    """The kind a timeline action `do` is logged as."""
    return SCENARIO + do


@dataclass(frozen=True)
class EventKind:
    """What an event of a kind says: which of `actor`, `target`, `level`, `pact`, `detail` it fills,
    its meaning, and whether it carries a cause (`cause_id`): always, never, or when one exists."""

    kind: str
    fields: str
    meaning: str
    cause: str  # "always", "never" or "if any"


EVENT_KINDS: tuple[EventKind, ...] = (
    EventKind(scenario_kind("<do>"), "as the action's fields", "a timeline action, applied on its day", "never"),
    EventKind(Kind.ESCALATE, "actor, target, level",
              "a decision raised `posture[actor, target]` to `level`; a posture that crosses into level 5 is an armed "
              "attack", "if any"),
    EventKind(Kind.DEESCALATE, "actor, target, level", "a decision lowered `posture[actor, target]` to `level`", "if any"),
    EventKind(Kind.SELF_DEFENCE, "actor, target, level", "the attacked `actor` answers its attacker `target` at once",
              "always"),
    EventKind(Kind.USE_OF_FORCE, "actor, target, level", "`actor` uses force against `target`, drawn from the "
              "hazard fitted on the MID record (sim.model.force): at level 5 an armed attack (the fitted share that "
              "reaches war), at level 4 an incident below war that invokes no pact", "if any"),
    EventKind(Kind.INVOCATION, "actor, target, pact, detail",
              "pact `pact` (clause `detail`) invoked for `actor`, the attacked (or threatened) member, against `target`, "
              "the attacker (with the fitted joining decision a record of the call: no draw, no mobilisation)", "always"),
    EventKind(Kind.HONOUR, "actor, target, level, pact, detail", "member `actor` answers the invocation: it will fight "
              "`target` (with the fitted joining decision, the default: logged when it joins the invoked side, just "
              "before its `join`)", "always"),
    EventKind(Kind.ABANDON, "actor, target, pact, detail", "member `actor` answers the invocation: it stands aside "
              "(with the fitted joining decision: logged when the war it was owed ends, or at the horizon, without "
              "its entry)", "always"),
    EventKind(Kind.ABSTAIN, "actor, target, pact, detail", "a member bound by its own pact to defend `target` as well "
              "stands aside, without a draw", "always"),
    EventKind(Kind.ENTRY, "actor, target, level, pact", "an honouring member takes the field against `target` after "
              "mobilisation, at the rung its partner fights at, unless that war has ended", "always"),
    EventKind(Kind.JOIN, "actor, target, level, pact", "the fitted joining decision (the default route): `actor` "
              "joins a war under way, attacking `target`, the other side's first belligerent, at the war rung; `pact` "
              "the commitment it owed its side, and cause its `honour` when the entry answers an invocation",
              "if any"),
    EventKind(Kind.CONSULTATION, "actor, target, level, pact", "a consultation-clause invocation raises `actor`'s "
              "posture toward `target` to 1..3", "always"),
    EventKind(Kind.SETTLEMENT, "actor, target, level, detail", "the war of `actor` (the side that crossed level 5 "
              "first) and `target` ended by a bargain; `level` = the truce level both postures come down to; "
              "`detail` = the cause in words", "never"),
    EventKind(Kind.CAPITULATION, "actor, target, level, detail", "that war ended as one side gave in (fields as "
              "`settlement`)", "never"),
    EventKind(Kind.CEASEFIRE, "actor, target, level, detail", "that war ended by exhaustion (fields as `settlement`)",
              "never"),
    EventKind(Kind.ALIGN_BANDWAGON, "actor, target", "endogenous alignment (off by default): weak `actor` "
              "halves its baseline hostility toward the strong, near threat `target`", "if any"),
    EventKind(Kind.ALIGN_JOIN, "actor, target, pact", "`actor` joins pact `pact`, which opposes `target`", "if any"),
    EventKind(Kind.ALIGN_FORM, "actor, target, pact, detail", "`actor` forms defence pact `pact` against `target` "
              "with the states in `detail` (;-separated)", "if any"),
    EventKind(Kind.ALIGN_WEAKEN, "actor, pact, detail", "pact `pact` (led by `actor`), whose members no longer "
              "see a threat, loses reliability (now `detail`)", "never"),
    EventKind(Kind.ALIGN_DISSOLVE, "actor, pact, detail", "that pact's reliability fell below 0.1: it dissolves",
              "never"),
    EventKind(Kind.PERCEIVE, "actor, target, detail", "an act raised the threat the observer `actor` perceives from "
              "`target` (the act's author, or a member of a pact whose change reads as encirclement) by more than "
              "`perception.perceive_threshold` (`detail`: `threat +0.123`, `(encirclement)` for a pact's change); "
              "`actor`'s later decisions toward `target` name it as their cause (sim/model/answers.py)", "always"),
    EventKind(Kind.ANSWER, "actor, target, level, detail", "a named or encircled `actor` answers in peacetime: "
              "`detail` `counter-naming`, `show of force` (`level` 1-3 toward `target`), `holds its show of force` "
              "or `arms +7%` (sim/model/answers.py)", "always"),
)


def is_registered(kind: str) -> bool:
    """Whether `kind` is a kind of :data:`EVENT_KINDS` (or a timeline action's `scenario.<do>`)."""
    return kind in Kind.__members__.values() or (kind.startswith(SCENARIO) and len(kind) > len(SCENARIO))


def markdown_table() -> str:
    """The event kinds as the table of docs/architecture.md's "Event kinds" section."""
    lines = ["| kind | fields | meaning | cause id |", "| --- | --- | --- | --- |"]
    lines += [f"| `{k.kind}` | {k.fields} | {k.meaning} | {k.cause} |" for k in EVENT_KINDS]
    return "\n".join(lines)
