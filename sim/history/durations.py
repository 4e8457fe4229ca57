"""How long the COW wars last in the model against the record (docs/validation.md, "War durations").

For each war run by the validation (:mod:`sim.history.validation`, without `hold_days` by
default), the simulated duration of the scripted dyad's war in each replication (`t_end` of the
first initiator and the first target; a war still under way when the run ends is censored there)
is set against the recorded duration. The COW data shipped here give years only, so the record is
an interval: a war from year y0 to y1 lasted between max(0, y1 - y0 - 1) and y1 - y0 + 1 years
(interval-censored). A war is *covered* when that interval meets the simulated 10-90% band
(Bennett & Stam 1996 model durations; the coverage of a central band is the calibration check of
Gneiting, Balabdaoui & Raftery 2007). The median ratio is the median over wars of the simulated
median over the record interval's midpoint; 95% intervals are percentile bootstraps over wars.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import beta

from sim.history.validation import DAYS_PER_YEAR, War

__all__ = ["BAND", "record_interval", "band", "duration_table", "duration_scores"]

BAND = (0.1, 0.9)
"""The simulated band a recorded duration is checked against."""


def record_interval(war: War) -> tuple[float, float]:
    """(low, high) days the war lasted, from its first and last calendar years."""
    years = war.end - war.onset
    return max(0.0, years - 1.0) * DAYS_PER_YEAR, (years + 1.0) * DAYS_PER_YEAR


def band(durations, run_days: float) -> tuple[float, float, float]:
    """(10%, 50%, 90%) quantiles of the simulated durations, a war not over by the run's end
    counted as longer than anything (inf)."""
    d = np.array([run_days * 10 if np.isnan(x) else x for x in durations], dtype=float)
    q = np.quantile(d, [BAND[0], 0.5, BAND[1]], method="inverted_cdf")
    return tuple(float(np.inf) if x >= run_days * 10 else float(x) for x in q)  # type: ignore[return-value]


def duration_table(wars: list[War], results: list[dict]) -> pd.DataFrame:
    """Per war: the record's interval, the simulated band and median, covered or not."""
    by_number = {w.warnum: w for w in wars}
    rows = []
    for r in results:
        war = by_number[r["warnum"]]
        low, high = record_interval(war)
        q10, q50, q90 = band(r["durations"], r["run_days"])
        ended = float(np.mean([not np.isnan(x) for x in r["durations"]]))
        rows.append([war.warnum, war.onset, war.era, low, high, q10, q50, q90, ended,
                     int(low <= q90 and high >= q10), q50 / ((low + high) / 2)])
    return pd.DataFrame(rows, columns=["warnum", "onset", "era", "record_low_days", "record_high_days", "sim_q10_days",
                                       "sim_median_days", "sim_q90_days", "share_ended", "covered", "median_ratio"])


def _rows(table: pd.DataFrame, era: str, seed: int) -> list[list]:
    n, k = len(table), int(table["covered"].sum())
    low = beta.ppf(0.025, k, n - k + 1) if k > 0 else 0.0
    high = beta.ppf(0.975, k + 1, n - k) if k < n else 1.0
    ratios = table["median_ratio"].to_numpy()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(n, 22)))
    boot = np.median(ratios[rng.integers(0, n, size=(2000, n))], axis=1)
    return [["all", era, "duration_coverage_10_90", k / n, float(low), float(high)],
            ["all", era, "duration_median_ratio", float(np.median(ratios)), *map(float, np.quantile(boot, [0.025, 0.975]))]]


def duration_scores(wars: list[War], results: list[dict], seed: int = 0) -> pd.DataFrame:
    """Rows `subset, era, metric, value, low, high` of validation_scores.csv: the share of wars
    covered by the simulated 10-90% band (Clopper-Pearson interval) and the median ratio
    (bootstrap over wars), over all wars and by era."""
    table = duration_table(wars, results)
    rows = _rows(table, "all", seed)
    for era in table["era"].drop_duplicates().sort_values():
        rows += _rows(table[table["era"] == era], era, seed)
    return pd.DataFrame(rows, columns=["subset", "era", "metric", "value", "low", "high"])
