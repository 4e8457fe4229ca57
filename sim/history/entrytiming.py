"""When the joiners enter, in the model against the record (docs/validation.md, "When joiners enter").

The COW inter-state war data give each participant's first day in the war (`start1`), so the
delay of each real joiner's entry after its war's first day is known to the day (the held-out
wars are never read). For each war run by the validation (:mod:`sim.history.validation`), the
simulated day of entry of each real joiner in each replication in which it entered (any route, at
the war rung) is set against its recorded delay: the joiner is *covered* when the recorded delay
lies within the simulated 10-90% band of its entry days (the calibration check of a central
band, Gneiting, Balabdaoui & Raftery 2007, as for the wars' durations in
:mod:`sim.history.durations`). A joiner that entered in fewer than :data:`MIN_RUNS` runs has no
band and is not scored. The medians compare the pooled delays: every simulated entry of a scored
joiner against the recorded delays of the same joiners.
"""

from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd
from scipy.stats import beta

from sim.history.validation import War, participation_days
from sim.scenario.yearworld import read_table

__all__ = ["MIN_RUNS", "BAND", "record_entry_days", "entry_table", "entry_scores"]

MIN_RUNS = 3
"""Runs in which a real joiner must enter for its simulated band to be scored."""
BAND = (0.1, 0.9)
"""The simulated band a recorded delay is checked against."""


@functools.cache
def _first_days() -> dict[tuple[int, str], str]:
    """(war, COW abbreviation) -> the participant's first day in the war (the earlier of its spells
    and sides); held-out wars left out."""
    abbreviation = {int(r["ccode"]): r["stateabb"] for r in read_table("cow_states")}
    days: dict[tuple[int, str], str] = {}
    for row in participation_days():
        warnum = int(row["warnum"])
        key = (warnum, abbreviation[int(row["ccode"])])
        days[key] = min(days.get(key, row["start1"]), row["start1"])
    return days


def record_entry_days(war: War) -> dict[str, float]:
    """Each real joiner's delay (days) after the war's first day, by its COW abbreviation."""
    start = dt.date.fromisoformat(war.start)
    return {state: float((dt.date.fromisoformat(day) - start).days)
            for (warnum, state), day in _first_days().items()
            if warnum == war.warnum and state in war.sides and state not in (war.initiator, war.target)}


def entry_table(wars: list[War], results: list[dict]) -> pd.DataFrame:
    """Per (war, real joiner): its recorded delay, the runs in which it entered, the simulated 10%,
    50% and 90% of its entry days where it entered in :data:`MIN_RUNS` runs or more, covered or not."""
    by_number = {w.warnum: w for w in wars}
    rows = []
    for r in results:
        war = by_number[r["warnum"]]
        for state, recorded in sorted(record_entry_days(war).items()):
            days = np.asarray(r.get("entry_days", {}).get(state, []), dtype=float)
            if len(days) >= MIN_RUNS:
                q10, q50, q90 = (float(q) for q in np.quantile(days, [BAND[0], 0.5, BAND[1]], method="inverted_cdf"))
                covered = int(q10 <= recorded <= q90)
            else:
                q10 = q50 = q90 = np.nan
                covered = -1
            rows.append([war.warnum, war.onset, war.era, state, recorded, len(days), q10, q50, q90, covered])
    return pd.DataFrame(rows, columns=["warnum", "onset", "era", "state", "record_day", "runs_entered",
                                       "sim_q10_day", "sim_median_day", "sim_q90_day", "covered"])


def _rows(table: pd.DataFrame, pooled: dict[tuple[int, str], list[float]], era: str) -> list[list]:
    scored = table[table["covered"] >= 0]
    n, k = len(scored), int(scored["covered"].sum())
    rows = [["all", era, "entry_joiners_scored", float(n), None, None]]
    if n == 0:
        return rows
    low = beta.ppf(0.025, k, n - k + 1) if k > 0 else 0.0
    high = beta.ppf(0.975, k + 1, n - k) if k < n else 1.0
    simulated = np.concatenate([pooled[(w, s)] for w, s in zip(scored["warnum"], scored["state"])])
    recorded = scored["record_day"].to_numpy(float)
    return rows + [["all", era, "entry_coverage_10_90", k / n, float(low), float(high)],
                   ["all", era, "entry_median_days", float(np.median(simulated)), None, None],
                   ["all", era, "record_entry_median_days", float(np.median(recorded)), None, None],
                   ["all", era, "entry_within_30_days", float(np.mean(simulated <= 30.0)), None, None],
                   ["all", era, "record_entry_within_30_days", float(np.mean(recorded <= 30.0)), None, None]]


def entry_scores(wars: list[War], results: list[dict]) -> pd.DataFrame:
    """Rows `subset, era, metric, value, low, high` of validation_scores.csv, over all wars and by
    era: the real joiners scored, the share covered by their simulated 10-90% band (Clopper-Pearson
    interval), the median delay of their simulated entries against the median of their recorded
    delays, and the share of each within 30 days (the decision interval)."""
    table = entry_table(wars, results)
    pooled = {(r["warnum"], s): [float(d) for d in days] for r in results for s, days in r.get("entry_days", {}).items()}
    rows = _rows(table, pooled, "all")
    for era in table["era"].drop_duplicates().sort_values():
        rows += _rows(table[table["era"] == era], pooled, era)
    return pd.DataFrame(rows, columns=["subset", "era", "metric", "value", "low", "high"])
