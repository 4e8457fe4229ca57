"""Fitting a stake of the worlds of any year to peacetime uses of force, out of sample.

The stake that a `cow_YYYY` world gives each side of a strategic rivalry
(`parameters.motives.rivalry_stake`, :data:`sim.scenario.yearworld.RIVALRY_CLAIMS`) is fitted so
that the model's uses of force among rival dyad-years (:mod:`sim.history.peacetime`, stratum
`rivalry`) match the militarised interstate disputes on record (GML MID 2.2.1; Gibler, Miller &
Little 2016) in the *training* years, and scored on the *test* years it never saw.

Method (docs/validation.md, "Fitting the rivalry stake"): the objective is the Poisson deviance
(McCullagh & Nelder 1989, Generalized Linear Models, 2nd ed., s. 2.3) of the record's count y of
uses of force among rival dyad-years against the model's expected count mu = (replications that
used force) / replications, summed over the training years' dyad-years; mu is floored at half a
replication's hit (0.5 / replications) so that a model that never uses force has a finite
deviance. Every value is run with the same seeds (common random numbers: `model_force` seeds each
year by the root seed and the year only), so differences between values are not noise. The
objective is evaluated on a grid over the parameter's bounds, then refined by Brent's bounded
method (`scipy.optimize.minimize_scalar`) between the best grid point's neighbours; the value
returned is the best point evaluated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar

from sim.history.peacetime import YEARS, _interval, peacetime
from sim.scenario.ranges import YEAR_WORLD_RANGES

__all__ = ["FITTABLE", "StakeFit", "split_years", "deviance", "brier", "fit_stake"]

FITTABLE = {name.removeprefix("motives."): bounds for name, bounds in YEAR_WORLD_RANGES.items()}
"""Parameters of `parameters.motives` that `fit_stake` fits -> the range it searches (their ranges
in `sim.scenario.ranges.YEAR_WORLD_RANGES`, the schema's bounds)."""
STRATUM = "rivalry"
"""The 0/1 column of the dyad table whose 1-rows are the dyad-years the fit matches."""
GRID_POINTS = 11


def split_years(years=YEARS) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(training, test): alternate years, the first in training (1830, 1880, 1925, 1975 against
    1855, 1900, 1955, 1995 for the default years), so both halves span the two centuries."""
    years = tuple(sorted(years))
    return years[0::2], years[1::2]


def deviance(record: float, expected: float) -> float:
    """Poisson deviance 2 [y log(y / mu) - (y - mu)] of a count y against its expectation mu > 0."""
    return 2.0 * ((record * math.log(record / expected) if record > 0 else 0.0) - (record - expected))


def brier(frame: pd.DataFrame, climatology: float | None = None) -> float:
    """Mean squared error of the dyad-years' use-of-force probabilities (the model's share of
    replications, or a constant `climatology`) against the record's 0/1."""
    p = frame["model_use_of_force"] / frame["reps"] if climatology is None else climatology
    return float(np.mean((p - frame["record_use_of_force"]) ** 2))


@dataclass
class StakeFit:
    """A fitted stake: the value, the objective at every value tried, and the scores in and out of sample."""

    parameter: str
    value: float
    train_years: tuple[int, ...]
    test_years: tuple[int, ...]
    evaluations: pd.DataFrame
    """value, deviance on the training years, model and record counts there (sorted by value)."""
    scores: pd.DataFrame
    """sample (train/test) x stake (fitted/zero): dyad-years, rates with 95% intervals, deviance, Brier."""


class _Objective:
    """The training deviance of one parameter's values, each run once (common random numbers)."""

    def __init__(self, parameter: str, years, replications: int, seed: int, overrides):
        self.parameter, self.years, self.reps, self.seed = parameter, years, replications, seed
        self.overrides = list(overrides or [])
        self.runs: dict[tuple[float, tuple[int, ...]], pd.DataFrame] = {}

    def frame(self, value: float, years=None) -> pd.DataFrame:
        """The stratum's dyad-years of `years` (default: training) with the parameter at `value`."""
        years, value = tuple(years or self.years), round(float(value), 6)
        if (value, years) not in self.runs:
            change = f"parameters.motives.{self.parameter}={value!r}"
            dyads, _ = peacetime(years, self.reps, self.seed, self.overrides + [change])
            self.runs[(value, years)] = dyads[dyads[STRATUM] == 1]
        return self.runs[(value, years)]

    def __call__(self, value: float) -> float:
        frame = self.frame(value)
        expected = max(frame["model_use_of_force"].sum() / self.reps, 0.5 / self.reps)
        return deviance(float(frame["record_use_of_force"].sum()), expected)


def fit_stake(parameter: str = "rivalry_stake", years=YEARS, replications: int = 20, seed: int = 0,
              overrides=None) -> StakeFit:
    """Fit `parameters.motives.<parameter>` on the training half of `years` (:func:`split_years`)
    and score it on the test half (module docstring for the method)."""
    low, high = FITTABLE[parameter]
    train, test = split_years(years)
    objective = _Objective(parameter, train, replications, seed, overrides)
    grid = np.linspace(low, high, GRID_POINTS)
    values = {float(v): objective(v) for v in grid}
    best = min(values, key=lambda v: values[v])
    step = (high - low) / (GRID_POINTS - 1)
    bounds = (max(low, best - step), min(high, best + step))
    refined = minimize_scalar(objective, bounds=bounds, method="bounded", options={"xatol": 0.01})
    values[round(float(refined.x), 6)] = float(refined.fun)
    value = min(values, key=lambda v: (values[v], v))
    return StakeFit(parameter, value, train, test, _evaluations(objective, values), _scores(objective, value, test))


def _evaluations(objective: _Objective, values: dict[float, float]) -> pd.DataFrame:
    rows = [(v, d, int(objective.frame(v)["model_use_of_force"].sum()) / objective.reps,
             int(objective.frame(v)["record_use_of_force"].sum()), len(objective.frame(v)))
            for v, d in sorted(values.items())]
    return pd.DataFrame(rows, columns=["value", "train_deviance", "model_expected", "record_count", "dyad_years"])


def _scores(objective: _Objective, value: float, test) -> pd.DataFrame:
    """Rates, deviance and Brier scores at the fitted value and at 0, on training and test years;
    the Brier score's reference is the training years' record rate (climatology)."""
    train_rate = objective.frame(value)["record_use_of_force"].mean()
    rows = []
    for sample, years in (("train", objective.years), ("test", test)):
        for label, v in (("fitted", value), ("zero", 0.0)):
            frame = objective.frame(v, years)
            k, n, reps = int(frame["model_use_of_force"].sum()), len(frame), objective.reps
            y = int(frame["record_use_of_force"].sum())
            rows.append([sample, label, v, ",".join(map(str, years)), n, k / (n * reps), *_interval(k, n * reps),
                         y / n, *_interval(y, n), deviance(y, max(k / reps, 0.5 / reps)), brier(frame),
                         brier(frame, train_rate)])
    return pd.DataFrame(rows, columns=["sample", "stake", "value", "years", "dyad_years", "model_rate", "model_low",
                                       "model_high", "record_rate", "record_low", "record_high", "deviance",
                                       "brier", "brier_climatology"])
