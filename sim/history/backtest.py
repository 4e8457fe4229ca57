"""Scoring a simulated forecast against the historical record (a :class:`sim.history.cases.History`).

Per scored state: the simulated probability of entering the war within the horizon, its Brier
(1950) score against the record, the Murphy (1973) skill score against a naive reference (only
the first attacker and its victim enter), and the entry-day error. Overall: the mean Brier score,
its skill, Kendall's (1938) tau between the simulated median entry order and the real order, and
how often each recorded pact invocation happened (and which unrecorded ones did).

Inputs are the run's `states` and `events` tables as pandas DataFrames (:meth:`Result.frame`),
so the scores can be checked on hand-made tables. Undefined scores are None (an empty CSV cell)
with a note saying why.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from sim.execution.output import atomic_folder, write_csv
from sim.execution.runner import Result, run
from sim.history.cases import History, check_ids, read_history, reference_pair
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario

__all__ = [
    "STATE_HEADER", "INVOCATION_HEADER", "OVERALL_HEADER", "Scores",
    "brier_score", "brier_skill_score", "entry_days", "censored_median", "entry_order_tau",
    "invocation_days", "score_states", "score_invocations", "score", "Backtest", "Replay", "backtest",
]

STATE_HEADER = [
    "state", "entered", "real_day", "p_entry", "brier", "p_reference", "brier_reference",
    "skill", "median_day", "median_day_if_entered", "day_error",
]
INVOCATION_HEADER = [
    "pact", "clause", "by", "against", "recorded", "real_day", "share", "median_day", "day_error",
]
OVERALL_HEADER = ["metric", "value", "note"]
NEVER = math.inf
UNDEFINED_SKILL = "undefined: the reference forecast is perfect on this record (BS_ref = 0)"


def brier_score(p, outcome) -> float:
    """Mean squared difference of forecast probabilities and 0/1 outcomes (Brier 1950); 0 is perfect."""
    p, outcome = np.asarray(p, float), np.asarray(outcome, float)
    return float(np.mean((p - outcome) ** 2))


def brier_skill_score(bs: float, bs_ref: float) -> float | None:
    """Murphy's (1973) skill score `1 - BS / BS_ref`: 1 perfect, 0 no better than the reference.

    None when `BS_ref` = 0: a perfect reference leaves no room for skill, so it is undefined.
    """
    return None if bs_ref == 0 else 1.0 - bs / bs_ref


def entry_days(states: pd.DataFrame, ids, replications: int, horizon: float) -> dict[str, np.ndarray]:
    """Per state, the entry day of each replication 0..replications-1 (`inf` = not by the horizon)."""
    days = {sid: np.full(replications, NEVER) for sid in ids}
    t = pd.to_numeric(states["t_entry"], errors="coerce")
    entered = states[t.notna() & (t <= horizon) & states["state"].isin(days)]
    for rep, sid, t_entry in zip(entered["rep"], entered["state"], t[entered.index]):
        days[sid][int(rep)] = float(t_entry)
    return days


def censored_median(days: np.ndarray) -> float:
    """Median entry day over all replications, `inf` when fewer than half entered by the horizon."""
    return float(np.median(days)) if len(days) else NEVER


def entry_order_tau(real: list[float], simulated: list[float]) -> tuple[float | None, float | None]:
    """Kendall's (1938) tau-b between real and simulated entry days (`inf` = never, tied last).

    (None, None) when either side is all ties: there is no order to compare.
    """
    real, simulated = _finite_rank(real), _finite_rank(simulated)
    if len(set(real)) < 2 or len(set(simulated)) < 2:
        return None, None
    result = kendalltau(real, simulated)
    return float(result.statistic), float(result.pvalue)


def _finite_rank(days: list[float]) -> list[float]:
    """Days with `inf` (never) replaced by a value after every finite day, so ranks stay right."""
    finite = [d for d in days if math.isfinite(d)]
    last = (max(finite) if finite else 0.0) + 1.0
    return [d if math.isfinite(d) else last for d in days]


def invocation_days(events: pd.DataFrame, horizon: float) -> pd.DataFrame:
    """First day of each simulated invocation per replication: `rep, pact, clause, by, against, t`.

    The clause invoked (`defence`, `offence`, `consultation`) is the event's `detail`.
    """
    inv = events[(events["kind"] == "invocation") & (pd.to_numeric(events["t"]) <= horizon)]
    frame = pd.DataFrame({
        "rep": inv["rep"].astype(int), "pact": inv["pact"].astype(str),
        "clause": inv["detail"].fillna("").astype(str).str.strip(),
        "by": inv["actor"].astype(str), "against": inv["target"].astype(str),
        "t": pd.to_numeric(inv["t"]),
    })
    keys = ["rep", "pact", "clause", "by", "against"]
    return frame.groupby(keys, as_index=False)["t"].min()


def _state_row(sid: str, history: History, days: np.ndarray, reference: set[str]) -> list:
    """One row of STATE_HEADER for a scored state."""
    outcome = int(history.states[sid].entered)
    real = history.entry_day(sid)
    p = float(np.mean(np.isfinite(days)))
    p_ref = 1.0 if sid in reference else 0.0
    bs, bs_ref = brier_score([p], [outcome]), brier_score([p_ref], [outcome])
    entered = days[np.isfinite(days)]
    if_entered = float(np.median(entered)) if len(entered) else None
    error = if_entered - real if if_entered is not None and real is not None else None
    median = censored_median(days)
    return [sid, outcome, real, p, bs, p_ref, bs_ref, brier_skill_score(bs, bs_ref),
            median if math.isfinite(median) else None, if_entered, error]


def score_states(history: History, days: dict[str, np.ndarray], reference: set[str]) -> list[list]:
    """Rows of STATE_HEADER, one per state of the record, in the record's order."""
    return [_state_row(sid, history, days[sid], reference) for sid in history.states]


def _matches(first: pd.DataFrame, record) -> pd.Series:
    """Which simulated first invocations match a recorded one (any target when `against` is None)."""
    hit = (first["pact"] == record.pact) & (first["clause"] == record.clause) & (first["by"] == record.by)
    return hit & (first["against"] == record.against) if record.against else hit


def _invocation_row(key: tuple, real: float | None, found: pd.DataFrame, replications: int) -> list:
    """One row of INVOCATION_HEADER from the simulated first days `found` (several rows per rep may match)."""
    per_rep = found.groupby("rep")["t"].min()
    median = float(per_rep.median()) if len(per_rep) else None
    error = median - real if median is not None and real is not None else None
    return [*key, real, len(per_rep) / replications, median, error]


def score_invocations(history: History, first: pd.DataFrame, replications: int) -> list[list]:
    """Rows of INVOCATION_HEADER: each recorded invocation, then each unrecorded simulated one.

    Unrecorded rows (recorded = 0) are sorted by how often they happened, most frequent first.
    """
    rows, matched = [], pd.Series(False, index=first.index)
    for record in history.invocations:
        hit = _matches(first, record)
        matched |= hit
        key = (record.pact, record.clause, record.by, record.against, 1)
        rows.append(_invocation_row(key, record.day_after(history.day0), first[hit], replications))
    extra = []
    for key, found in first[~matched].groupby(["pact", "clause", "by", "against"]):
        extra.append(_invocation_row((*key, 0), None, found, replications))
    return rows + sorted(extra, key=lambda r: (-r[INVOCATION_HEADER.index("share")], r[:4]))


@dataclass
class Scores:
    """A backtest's tables, each `(header, rows)`: `states`, `invocations`, `overall`."""

    states: list[list]
    invocations: list[list]
    overall: list[list] = field(default_factory=list)

    @property
    def tables(self) -> dict[str, tuple[list[str], list[list]]]:
        """`{"backtest_states": (header, rows), ...}`, named as the CSVs they are written to."""
        return {
            "backtest_states": (STATE_HEADER, self.states),
            "backtest_invocations": (INVOCATION_HEADER, self.invocations),
            "backtest_overall": (OVERALL_HEADER, self.overall),
        }


def _column(rows: list[list], name: str, header: list[str] = STATE_HEADER) -> list:
    """The values of one named column of `rows`."""
    k = header.index(name)
    return [r[k] for r in rows]


def _order_rows(state_rows: list[list]) -> list[list]:
    """Overall rows for Kendall's (1938) tau of the entry order."""
    real = [NEVER if d is None else d for d in _column(state_rows, "real_day")]
    sim = [NEVER if d is None else d for d in _column(state_rows, "median_day")]
    tau, p = entry_order_tau(real, sim)
    note = ("all states tie in the record or in the simulation: no order to compare" if tau is None
            else "Kendall (1938) tau-b, simulated median entry day vs real day; never = tied last")
    return [["kendall_tau", tau, note], ["kendall_p", p, "two-sided p-value of tau"]]


def _day_rows(state_rows: list[list]) -> list[list]:
    """Overall rows for entry-day errors over states that entered in the record and in simulation."""
    errors = np.array([e for e in _column(state_rows, "day_error") if e is not None], float)
    note = "median simulated day (replications that entered) minus real day"
    return [
        ["n_day_errors", len(errors), "states that entered both in the record and in simulation"],
        ["mean_abs_day_error", float(np.mean(np.abs(errors))) if len(errors) else None, note],
        ["median_day_error", float(np.median(errors)) if len(errors) else None, note],
    ]


def _brier_rows(state_rows: list[list]) -> list[list]:
    """Overall rows for the Brier (1950) score and Murphy's (1973) skill score."""
    bs = float(np.mean(_column(state_rows, "brier")))
    bs_ref = float(np.mean(_column(state_rows, "brier_reference")))
    skill = brier_skill_score(bs, bs_ref)
    return [
        ["n_states", len(state_rows), "scored states (those in the record)"],
        ["brier", bs, "Brier (1950): mean (p_entry - entered)^2 over scored states"],
        ["brier_reference", bs_ref, "naive reference: only the first attacker and its victim enter"],
        ["skill", skill, UNDEFINED_SKILL if skill is None else "Murphy (1973): 1 - brier / brier_reference"],
    ]


def _invocation_summary(rows: list[list]) -> list[list]:
    """Overall rows on recorded and unrecorded invocations."""
    flags, shares = _column(rows, "recorded", INVOCATION_HEADER), _column(rows, "share", INVOCATION_HEADER)
    recorded = [share for flag, share in zip(flags, shares) if flag == 1]
    extra = [share for flag, share in zip(flags, shares) if flag == 0]
    return [
        ["invocations_recorded", len(recorded), "pact invocations in the record"],
        ["mean_share_recorded", float(np.mean(recorded)) if recorded else None,
         "mean share of replications in which a recorded invocation happened"],
        ["invocations_unrecorded", len(extra), "distinct invocations simulated but not in the record"],
        ["expected_unrecorded", float(np.sum(extra)), "unrecorded invocations per replication (sum of shares)"],
    ]


def score(history: History, states: pd.DataFrame, events: pd.DataFrame, replications: int,
          reference: tuple[str, str]) -> Scores:
    """Score a run's `states` and `events` tables against `history`.

    `reference` is (first attacker, its victim): the naive forecast gives them p = 1, others 0.
    """
    horizon = history.horizon_days
    days = entry_days(states, history.states, replications, horizon)
    state_rows = score_states(history, days, set(reference))
    inv_rows = score_invocations(history, invocation_days(events, horizon), replications)
    overall = [["replications", replications, ""], ["horizon_days", horizon, f"{history.day0} to {history.end}"]]
    overall += _brier_rows(state_rows) + _order_rows(state_rows)
    overall += _day_rows(state_rows) + _invocation_summary(inv_rows)
    return Scores(state_rows, inv_rows, overall)


@dataclass
class Backtest:
    """A scored replay: the record, the run, the reference pair and the scores."""

    history: History
    result: Result
    reference: tuple[str, str]
    scores: Scores

    def write(self, folder: str | os.PathLike, force: bool = False) -> Path:
        """Write the run's CSVs and meta.json plus backtest_*.csv, all in one atomic move."""
        with atomic_folder(folder, force) as tmp:
            self.result.write_tables(tmp)
            for name, (header, rows) in self.scores.tables.items():
                write_csv(tmp / f"{name}.csv", header, rows)
        return Path(folder)



@dataclass
class Replay:
    """A history file read and checked against its scenario, ready to run and score."""

    history: History
    scenario: Scenario
    reference: tuple[str, str]

    @classmethod
    def read(cls, history_file: str | os.PathLike) -> Replay:
        """Read the history and its scenario; ids and the reference pair checked (InputErrors)."""
        history, doc = read_history(history_file)
        scenario = load_scenario(history.scenario_path(history_file))
        check_ids(history, doc, scenario)
        return cls(history, scenario, reference_pair(history, doc, scenario))

    def run(self, replications: int | None = None, seed: int | None = None, workers: int = 1,
            progress: bool = False) -> Backtest:
        """Run the scenario to the history's horizon and score it against the record."""
        result = run(self.scenario, replications, seed, workers, horizon=self.history.horizon_days,
                     progress=progress)
        reps = result.scenario.replications
        scores = score(self.history, result.frame("states"), result.frame("events"), reps, self.reference)
        scores.overall[:0] = [["scenario", result.scenario.name, self.history.scenario],
                              ["seed", result.scenario.seed, "root seed of the run"]]
        return Backtest(self.history, result, self.reference, scores)


def backtest(history_file: str | os.PathLike, replications: int | None = None, seed: int | None = None,
             workers: int = 1, progress: bool = False) -> Backtest:
    """Replay a history file's scenario to the history's horizon and score it against the record.

    Entry probabilities are scored with the Brier (1950) score and Murphy's (1973) skill score,
    the entry order with Kendall's (1938) tau. Bad input raises :class:`sim.scenario.errors.InputErrors`.
    """
    return Replay.read(history_file).run(replications, seed, workers, progress)
