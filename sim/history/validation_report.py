"""The validation on the COW wars end to end: simulate the wars, score them, write the tables.

`run_validation()` returns a :class:`Validation` holding every table as a DataFrame;
`Validation.write(folder)` writes them atomically (`alliance-sim validation` does both, see
docs/validation.md). Joining is scored at the war rung (:data:`sim.history.validation.WAR_LEVEL`)
and, as a sensitivity check, at the armed-clash rung (5), from the same runs.
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.execution.output import atomic_folder, write_csv, write_json
from sim.execution.progress import progress_bar
from sim.history import validation_scores as scores
from sim.history.durations import duration_scores, duration_table
from sim.history.entrytiming import entry_scores, entry_table
from sim.history.validation import (
    HELD_OUT,
    WAR_LEVEL,
    War,
    climatology,
    forecast,
    pick_wars,
    read_wars,
    war_scenario,
)
from sim.model.ladder import CLASH

__all__ = ["LEVELS", "CV_FOLDS", "Validation", "run_validation", "statistical_forecasts", "fold_overrides",
           "frame_rows"]

LEVELS = {WAR_LEVEL: "war", CLASH: "armed_clash"}
"""Join levels scored: the war rung (the headline) and the armed-clash rung (sensitivity)."""


@dataclass
class Validation:
    """A validation's tables: pairs, wars, scores and reliability, each with a `level` column."""

    wars: list[War]
    pairs: pd.DataFrame
    war_scores: pd.DataFrame
    scores: pd.DataFrame
    reliability: pd.DataFrame
    durations: pd.DataFrame = field(default_factory=pd.DataFrame)
    entries: pd.DataFrame = field(default_factory=pd.DataFrame)
    meta: dict = field(default_factory=dict)

    def frames(self, level: int) -> pd.DataFrame:
        """The pairs scored at one join level."""
        return self.pairs[self.pairs["level"] == level]

    def score(self, metric: str, level: int = WAR_LEVEL, era: str = "all", subset: str = "all") -> tuple:
        """(value, low, high) of one score."""
        s = self.scores
        row = s[(s["level"] == level) & (s["era"] == era) & (s["metric"] == metric) & (s["subset"] == subset)].iloc[0]
        return row["value"], row["low"], row["high"]

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSVs written, by file stem."""
        return {"validation_pairs": self.pairs, "validation_wars": self.war_scores,
                "validation_scores": self.scores, "validation_reliability": self.reliability,
                "validation_durations": self.durations, "validation_entries": self.entries}

    def write(self, folder: str | os.PathLike, force: bool = False, extra=None) -> Path:
        """Write every table, meta.json and anything `extra(tmp_folder)` adds, in one atomic move."""
        with atomic_folder(folder, force) as tmp:
            for name, frame in self.tables.items():
                write_csv(tmp / f"{name}.csv", list(frame.columns), frame_rows(frame))
            write_json(tmp / "meta.json", self.meta)
            if extra is not None:
                extra(tmp)
        return Path(folder)


def frame_rows(frame: pd.DataFrame) -> list[list]:
    """Rows as plain Python values; NaN becomes an empty cell."""
    return [[None if isinstance(v, float) and math.isnan(v) else v for v in row]
            for row in frame.astype(object).itertuples(index=False, name=None)]


def _by_level(make, levels) -> pd.DataFrame:
    return pd.concat([make(level).assign(level=level) for level in levels], ignore_index=True)


CV_FOLDS = ("war", "era")
"""Folds of the fitted forecasts (`--cv`): leave one war out, or leave one era out."""


def statistical_forecasts(pairs: pd.DataFrame, cv: str = "war") -> tuple[pd.DataFrame, str]:
    """`pairs` with the fitted joining equation's forecast (`p_baseline`, `p_baseline_record_side`)
    and the three-feature lookup's (`p_lookup`), each refitted without the war (or era, `cv`) it
    forecasts; and a note ('' or why the equation's forecast is missing: statsmodels not installed)."""
    from sim.history import joiningfit

    key = {"war": "warnum", "era": "era"}[cv]
    note = ""
    try:
        oos = joiningfit.cross_validated(cv)
        oos = oos.rename(columns={"p_any": "p_baseline", "p_record_side": "p_baseline_record_side"})
        oos = oos[["warnum", "state", "p_baseline", "p_baseline_record_side", "p_lookup"]]
    except ImportError:
        note = "statsmodels is not installed (pip install '.[fit]'): no baseline_ rows"
        oos = joiningfit.lookup(joiningfit.dataset(), key)
    merged = pairs.merge(oos, on=["warnum", "state"], how="left", validate="many_to_one")
    if merged["p_lookup"].isna().any():
        missing = merged.loc[merged["p_lookup"].isna(), ["warnum", "state"]].drop_duplicates().head().values.tolist()
        raise RuntimeError(f"no statistical forecast for candidates {missing}")
    return merged, note


def fold_overrides(cv: str, wars: list[int] | None = None, given: list[str] | None = None) -> dict[int, list[str]]:
    """Per war (all, or the numbers in `wars`), the overrides that give the simulator's joining
    decision the coefficients fitted without that war (or era), and the delay law of entries
    (`entry_first_day_share`, `entry_delay_shape`, `entry_mean_days`) fitted without its joinings
    (or its era's): the headline and the entry timing are out of sample when the joining decision
    is on. Without statsmodels the shipped coefficients are used (in sample); the delay law needs
    scipy only. A parameter the user sets (`given`, `--set PATH=VALUE`) keeps the user's value."""
    from sim.history import entrydelay, joiningfit

    chosen = None if wars is None else tuple(wars)
    taken = {text.split("=", 1)[0].strip() for text in given or []}
    out: dict[int, list[str]] = {}
    if "parameters.joining.coefficients" not in taken:
        try:
            folds = joiningfit.fold_coefficients(cv, chosen)
        except ImportError:
            folds = {}
        for w, values in folds.items():
            out.setdefault(w, []).append("parameters.joining.coefficients=[" + ", ".join(f"{v:.17g}" for v in values) + "]")
    names = [f"parameters.joining.{term}" for term in entrydelay.TERMS]
    for w, estimates in entrydelay.fold_estimates(cv, chosen).items():
        out.setdefault(w, []).extend(f"{name}={value:.17g}" for name, value in zip(names, estimates) if name not in taken)
    return out


def run_validation(wars: list[int] | None = None, replications: int = 20, seed: int = 0, workers: int | None = 1,
                   overrides=None, progress: bool = False, pacts: str = "dyads", cv: str = "war",
                   hold: bool = False) -> Validation:
    """Simulate the COW wars (all 93, or the numbers in `wars`) and score who joined.

    Held-out wars (106, 139) are dropped when read and rejected if named. Climatology is the
    leave-one-war-out base rate over all 93 wars, so it is out of sample for every war. Beside the
    simulation, the fitted joining equation and the three-feature lookup forecast the same pairs,
    refitted without the war (`cv="war"`) or era (`cv="era"`) they forecast.
    """
    everything = read_wars()
    chosen = pick_wars(everything, wars)
    clim = climatology(everything)
    war_scenario(chosen[0], overrides, pacts, hold)  # a bad --set is an input error before any fitting
    start = time.perf_counter()
    per_war = fold_overrides(cv, [w.warnum for w in chosen], list(overrides or []))
    with progress_bar(len(chosen), "wars", enabled=progress) as advance:
        results = forecast(chosen, replications, seed, workers, overrides, tuple(LEVELS), advance, pacts, per_war,
                           hold)
    wall = time.perf_counter() - start
    pairs = _by_level(lambda lv: scores.pairs(chosen, results, clim, replications, lv), LEVELS)
    pairs, note = statistical_forecasts(pairs, cv)
    per_level = {lv: pairs[pairs["level"] == lv] for lv in LEVELS}
    return Validation(
        wars=chosen, pairs=pairs,
        war_scores=_by_level(lambda lv: scores.war_table(per_level[lv], chosen), LEVELS),
        scores=pd.concat([_by_level(lambda lv: scores.score_table(per_level[lv], seed, replications), LEVELS),
                          duration_scores(chosen, results, seed).assign(level=WAR_LEVEL),
                          entry_scores(chosen, results).assign(level=WAR_LEVEL)], ignore_index=True),
        durations=duration_table(chosen, results), entries=entry_table(chosen, results),
        reliability=_by_level(lambda lv: scores.reliability(per_level[lv]), LEVELS),
        meta={"wars": [w.warnum for w in chosen], "held_out": sorted(HELD_OUT), "replications": replications,
              "seed": seed, "war_seeds": {r["warnum"]: r["seed"] for r in results}, "levels": LEVELS,
              "overrides": list(overrides or []), "pacts": pacts, "cv": cv, "hold": hold,
              "statistical_forecasts": note or "baseline_ (fitted joining equation) and lookup_ (three features)",
              "workers": workers, "wall_time_s": round(wall, 1),
              "cpu_seconds_in_wars": round(sum(r["cpu_seconds"] for r in results), 1)})
