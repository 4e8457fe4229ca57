"""History files: what really happened after a scenario's day 0, to score a forecast against.

A history file names the scenario it replays, the calendar date of day 0 and the end of the
horizon, and for each scored state whether it entered the war by then and on which day, plus
the pact invocations on record (see docs/backtest.md). The record of invocations is closed:
an invocation it does not list is taken not to have happened.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from sim.scenario.errors import InputError, InputErrors, suggest
from sim.scenario.pactkinds import PACT_KINDS
from sim.scenario.schema import (
    MAX_HORIZON_DAYS,
    AttackAction,
    CreateAllianceAction,
    Id,
    JoinAllianceAction,
    NonNegative,
    Scenario,
    Strict,
)
from sim.scenario.schemaerrors import describe, input_errors
from sim.scenario.yamlsource import Document, error_at, read_yaml

__all__ = [
    "EntryRecord", "InvocationRecord", "FirstAttack", "History", "read_history", "check_ids", "reference_pair",
]


class _Dated(Strict):
    """A record that happened on a `day` after day 0, or on a calendar `date`."""

    day: NonNegative | None = Field(None, description="days after day 0")
    date: dt.date | None = Field(None, description="calendar date (converted to a day with `day0`)")
    note: str | None = None
    source: str | None = None

    @model_validator(mode="after")
    def _one_of_day_or_date(self):
        if self.day is not None and self.date is not None:
            raise ValueError("give either `day` or `date`, not both")
        return self

    def day_after(self, day0: dt.date) -> float | None:
        """The record's day counted from `day0` (None when it gives neither day nor date)."""
        if self.date is not None:
            return float((self.date - day0).days)
        return self.day


class EntryRecord(_Dated):
    """Whether a state entered the war within the horizon, and on which day if it did."""

    entered: bool

    @model_validator(mode="after")
    def _day_iff_entered(self) -> EntryRecord:
        dated = self.day is not None or self.date is not None
        if self.entered and not dated:
            raise ValueError("a state that entered needs the `day` or `date` of its entry")
        if not self.entered and dated:
            raise ValueError("a state that did not enter has no entry `day` or `date`")
        return self


if TYPE_CHECKING:
    Clause = str
else:  # the obligations someone invokes (sim.scenario.pactkinds): defence, offence, consultation
    Clause = Literal[tuple(k.name for k in PACT_KINDS if k.invoked)]


class InvocationRecord(_Dated):
    """A recorded invocation of a pact clause by a member (NATO's Article 4 is `consultation`)."""

    pact: Id
    clause: Clause = Field(description="which obligation was invoked")
    by: Id = Field(description="the member that invoked it")
    against: Id | None = Field(None, description="the attacker or threat named; any when omitted")


class FirstAttack(Strict):
    """The war's first attacker and its victim: the naive reference forecast says only they enter."""

    attacker: Id
    victim: Id


class History(Strict):
    """A history file: the record a scenario's forecast is scored against.

    Scores: Brier (1950) score and Murphy (1973) skill score of the entry probabilities,
    Kendall (1938) rank correlation of the entry order, entry-day errors, invocation shares.
    """

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")] | None = Field(
        None, description="names the output folder results/backtest_<name>/; default the file's stem"
    )
    description: str = ""
    scenario: str = Field(description="the scenario file replayed, relative to the history file")
    day0: dt.date = Field(description="the calendar date of the scenario's day 0")
    end: dt.date = Field(description="last day of the horizon (inclusive)")
    first_attack: FirstAttack | None = Field(
        None, description="default: the earliest `attack` action of the scenario's timeline"
    )
    states: dict[Id, EntryRecord] = Field(min_length=1, description="the scored states")
    invocations: list[InvocationRecord] = []
    sources: list[str] = []

    @property
    def horizon_days(self) -> float:
        """Days from day 0 to the end of the horizon."""
        return float((self.end - self.day0).days)

    def dated(self):
        """`(path, record)` of every dated record: states' entries, then invocations."""
        yield from ((("states", sid), rec) for sid, rec in self.states.items())
        yield from ((("invocations", i), rec) for i, rec in enumerate(self.invocations))

    def entry_day(self, state: str) -> float | None:
        """The recorded entry day of `state` (None when it did not enter)."""
        return self.states[state].day_after(self.day0)

    def scenario_path(self, history_file: str | os.PathLike) -> Path:
        """The replayed scenario's path, resolved against the history file's folder."""
        path = Path(self.scenario)
        return path if path.is_absolute() else Path(history_file).parent / path


def read_history(path: str | os.PathLike) -> tuple[History, Document]:
    """Read and validate a history file; every problem is an InputError at its file:line:column."""
    doc = read_yaml(Path(path), str(path))
    try:
        history = History.model_validate(doc.data)
    except ValidationError as exc:
        raise InputErrors(input_errors(exc, doc.marks, message=_message)) from None
    errors = _horizon_errors(history, doc) + _scenario_errors(history, doc, path)
    if errors:
        raise InputErrors(errors)
    if history.name is None:
        history.name = Path(path).stem
    return history, doc


def _message(err: Any) -> str:
    """A pydantic error's message; an unknown key gets the nearest field allowed where it stands."""
    return describe(err, _fields_at(tuple(err["loc"])[:-1]))


def _fields_at(loc: tuple) -> list[str]:
    """The field names allowed at `loc` of a history file."""
    if loc and loc[0] == "states":
        return list(EntryRecord.model_fields)
    if loc and loc[0] == "invocations":
        return list(InvocationRecord.model_fields)
    if loc and loc[0] == "first_attack":
        return list(FirstAttack.model_fields)
    return list(History.model_fields)


def _horizon_errors(history: History, doc: Document) -> list[InputError]:
    """`end` after `day0`, and every recorded day within the horizon 0..horizon_days."""
    if history.end <= history.day0:
        return [error_at(doc.marks, ("end",), f"end {history.end} is not after day0 {history.day0}")]
    if history.horizon_days > MAX_HORIZON_DAYS:
        return [error_at(doc.marks, ("end",), f"{history.horizon_days:g} days from day0 to end: more than the "
                         f"longest horizon a scenario may run ({MAX_HORIZON_DAYS:g} days)")]
    errors = []
    for path, record in history.dated():
        day = record.day_after(history.day0)
        if day is not None and not 0 <= day <= history.horizon_days:
            where = path + ("date" if record.date is not None else "day",)
            message = f"day {day:g} lies outside the horizon 0..{history.horizon_days:g} ({history.day0} to {history.end})"
            errors.append(error_at(doc.marks, where, message))
    return errors


def _scenario_errors(history: History, doc: Document, path: str | os.PathLike) -> list[InputError]:
    """The replayed scenario file must exist (nearest file name suggested)."""
    scenario = history.scenario_path(path)
    if scenario.is_file():
        return []
    known = [p.name for p in scenario.parent.glob("*.y*ml")] if scenario.parent.is_dir() else []
    message = f"no scenario file '{scenario}'{suggest(scenario.name, known)}"
    return [error_at(doc.marks, ("scenario",), message)]


def check_ids(history: History, doc: Document, scenario: Scenario) -> None:
    """State and pact ids of the record must exist in the scenario's world; raises InputErrors.

    An unknown id is reported at its line with the nearest known id; an invoking state must be
    a member of the pact, and the clause one the pact has.
    """
    states = list(scenario.states)
    errors = [_unknown(doc, ("states", sid), sid, states, "state") for sid in history.states]
    if history.first_attack:
        for role in ("attacker", "victim"):
            sid = getattr(history.first_attack, role)
            errors.append(_unknown(doc, ("first_attack", role), sid, states, "state"))
    for i, record in enumerate(history.invocations):
        errors += _invocation_errors(doc, i, record, scenario)
    found = [e for e in errors if e is not None]
    if found:
        raise InputErrors(found)


def _unknown(doc: Document, path: tuple, sid: str, known: list[str], what: str) -> InputError | None:
    """An error for an id not among `known`, or None."""
    if sid in known:
        return None
    return error_at(doc.marks, path, f"unknown {what} '{sid}'{suggest(sid, known)}")


def _pacts(scenario: Scenario) -> dict[str, tuple[list[str], set[str]]]:
    """Each pact's clauses and every state that is ever a member (timeline creations and joins too)."""
    specs = {pid: p for pid, p in scenario.alliances.items() if p is not None}
    specs.update({a.pact: a.alliance for a in scenario.timeline if isinstance(a, CreateAllianceAction)})
    pacts = {pid: ([p.type, *p.clauses], set(p.members)) for pid, p in specs.items()}
    for action in scenario.timeline:
        if isinstance(action, JoinAllianceAction) and action.pact in pacts:
            pacts[action.pact][1].add(action.actor)
    return pacts


def _invocation_errors(doc: Document, i: int, record: InvocationRecord, scenario: Scenario) -> list:
    """Unknown ids, a state that is never a member invoking, or a clause the pact does not have."""
    pacts, states = _pacts(scenario), list(scenario.states)
    errors = [_unknown(doc, ("invocations", i, "by"), record.by, states, "state")]
    if record.against:
        errors.append(_unknown(doc, ("invocations", i, "against"), record.against, states, "state"))
    if record.pact not in pacts:
        return errors + [_unknown(doc, ("invocations", i, "pact"), record.pact, list(pacts), "pact")]
    clauses, members = pacts[record.pact]
    if record.by in states and record.by not in members:
        errors.append(error_at(doc.marks, ("invocations", i, "by"), f"'{record.by}' is not a member of {record.pact}"))
    if record.clause not in clauses:
        message = f"{record.pact} has no {record.clause} clause (it has: {', '.join(clauses)})"
        errors.append(error_at(doc.marks, ("invocations", i, "clause"), message))
    return errors


def reference_pair(history: History, doc: Document, scenario: Scenario) -> tuple[str, str]:
    """(first attacker, its victim) of the naive reference forecast.

    From the history's `first_attack`, else the earliest `attack` action of the scenario's
    timeline; a scenario without one needs `first_attack` (an InputError otherwise).
    """
    if history.first_attack:
        return history.first_attack.attacker, history.first_attack.victim
    attacks = [a for a in scenario.timeline if isinstance(a, AttackAction)]
    if not attacks:
        message = "the scenario has no `attack` action: name the reference with first_attack: {attacker: .., victim: ..}"
        raise InputErrors(error_at(doc.marks, (), message))
    first = min(attacks, key=lambda a: a.at)
    return first.actor, first.target
