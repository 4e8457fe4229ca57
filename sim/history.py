"""History files: what really happened after a scenario's day 0, to score a forecast against.

A history file names the scenario it replays, the calendar date of day 0 and the end of the
horizon, and for each scored state whether it entered the war by then and on which day, plus
the pact invocations on record (see docs/backtest.md). The record of invocations is closed:
an invocation it does not list is taken not to have happened.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .schema import Id, NonNegative, Strict

__all__ = ["EntryRecord", "InvocationRecord", "FirstAttack", "History"]


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
    def _day_iff_entered(self) -> "EntryRecord":
        dated = self.day is not None or self.date is not None
        if self.entered and not dated:
            raise ValueError("a state that entered needs the `day` or `date` of its entry")
        if not self.entered and dated:
            raise ValueError("a state that did not enter has no entry `day` or `date`")
        return self


class InvocationRecord(_Dated):
    """A recorded invocation of a pact clause by a member (NATO's Article 4 is `consultation`)."""

    pact: Id
    clause: Literal["defence", "consultation"] = Field(description="which obligation was invoked")
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

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")] | None = None
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

    @model_validator(mode="after")
    def _within_horizon(self) -> "History":
        if self.end <= self.day0:
            raise ValueError(f"`end` {self.end} is not after `day0` {self.day0}")
        for where, record in self._dated():
            day = record.day_after(self.day0)
            if day is not None and not 0 <= day <= self.horizon_days:
                raise ValueError(f"{where}: day {day:g} lies outside the horizon 0..{self.horizon_days:g}")
        return self

    def _dated(self):
        yield from ((f"states.{sid}", rec) for sid, rec in self.states.items())
        yield from ((f"invocations[{i}]", rec) for i, rec in enumerate(self.invocations))

    def entry_day(self, state: str) -> float | None:
        """The recorded entry day of `state` (None when it did not enter)."""
        return self.states[state].day_after(self.day0)

    def scenario_path(self, history_file: str | Path) -> Path:
        """The replayed scenario's path, resolved against the history file's folder."""
        path = Path(self.scenario)
        return path if path.is_absolute() else Path(history_file).parent / path
