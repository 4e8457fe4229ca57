"""Calibration of chosen parameters on the COW wars: a space-filling design, history matching,
and cross-validated (out-of-sample) scores.

Method (docs/validation.md, "Calibration"):

1. **Design.** `points` parameter sets from a scrambled Sobol' sequence (Owen 1998;
   `scipy.stats.qmc.Sobol`) or a Latin hypercube (McKay, Beckman & Conover 1979) over the given
   bounds, drawn and applied to each war's scenario as the sweeps' are (:mod:`sim.sweeps.design`,
   :mod:`sim.sweeps.points`), plus the current defaults as point 0. Every point runs every training war with the
   same root seed: replication k of war w uses the same random numbers at every point (common
   random numbers), so differences between points are the parameters' effect, not noise.
2. **Loss.** Per (point, war) the sum of squared errors of the joining forecasts (the Brier
   1950 score times the candidates), from :func:`sim.history.validation.simulate_war`.
3. **History matching** (Craig, Goldstein, Seheult & Smith 1997; Vernon, Goldstein & Bower 2010).
   A point is implausible when the share of candidates it expects to join is far from the
   observed share of the training wars: I = |z - E| / sqrt(V_obs + V_disc + V_sim) > `cutoff`
   (3, Pukelsheim's 1994 three-sigma rule). V_obs = z(1 - z)/C is the binomial variance of the
   observed share over C candidates, V_disc = (`discrepancy` z)^2 the model discrepancy (the
   model is taken to be wrong by that fraction of the rate whatever its parameters), and
   V_sim = sum p(1 - p) / (R C^2) the Monte Carlo variance of the simulated share.
4. **Choice.** Of the plausible points (all, if none is), the one with the least training loss;
   the plausible points are the ensemble.
5. **Cross-validation** (Stone 1974). Steps 3-4 are repeated with each fold's wars left out (K
   folds of wars, or one era at a time) and the chosen point is scored on the left-out wars only,
   so every reported score is out of sample. Intervals: percentile bootstrap over wars.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.execution.backends import open_backend
from sim.history.validation import ERAS, HELD_OUT, WAR_LEVEL, War, simulate_war
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.parameterfile import parameter_problem
from sim.scenario.ranges import field_of
from sim.sweeps.design import design_rng, range_points, sample

__all__ = ["Bound", "Settings", "parse_bound", "default_value", "design", "point_values", "evaluate",
           "implausibility", "choose", "folds", "cross_validate", "RATIOS", "bootstrap_interval", "cv_scores",
           "Calibration", "calibrate", "assess"]

CUTOFF = 3.0
"""Implausibility cut-off (Pukelsheim 1994: 95% of any unimodal distribution lies within 3 sd)."""
DISCREPANCY = 0.25
"""Model discrepancy as a fraction of the observed joining rate (a stated judgement, not a fit):
at 0.25 a model that expects no joiners at all is implausible (I about 4) on the full record."""


@dataclass(frozen=True)
class Bound:
    """A calibrated parameter: its dotted path (`parameters.decision.war_cost`) and range."""

    path: str
    low: float
    high: float


@dataclass(frozen=True)
class Settings:
    """What a calibration runs: design size and method, replications, seed, level, folds."""

    points: int = 16
    method: str = "sobol"
    replications: int = 10
    seed: int = 0
    level: int = WAR_LEVEL
    folds: str = "era"
    cutoff: float = CUTOFF
    discrepancy: float = DISCREPANCY


def default_value(path: str) -> float:
    """The shipped default of a dotted parameter path, or InputErrors if there is none."""
    field = field_of(path)
    if field is None:
        raise InputErrors(InputError(f"{path}: not a parameter (see sim/scenario/schema.py Parameters)", file="--param"))
    node = field.get_default(call_default_factory=True)
    if not isinstance(node, (int, float)) or isinstance(node, bool):
        raise InputErrors(InputError(f"{path}: not a number, cannot be calibrated", file="--param"))
    return float(node)


def parse_bound(text: str) -> Bound:
    """`parameters.group.name=LOW:HIGH` as a Bound (checked against the schema)."""
    try:
        path, span = text.split("=")
        low, high = (float(x) for x in span.split(":"))
    except ValueError:
        raise InputErrors(InputError(f"give PATH=LOW:HIGH, e.g. parameters.decision.war_cost=1:10, got '{text}'",
                                     file="--param")) from None
    path = path if path.startswith("parameters.") else f"parameters.{path}"
    default_value(path)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise InputErrors(InputError(f"{path}: LOW and HIGH must be finite numbers, got {low}:{high}", file="--param"))
    if not low < high:
        raise InputErrors(InputError(f"{path}: LOW must be below HIGH, got {low}:{high}", file="--param"))
    for value in (low, high):
        problem = parameter_problem(path, value)
        if problem:
            raise InputErrors(InputError(f"{path}: {value:g} is outside the parameter's range ({problem})",
                                         file="--param"))
    return Bound(path, low, high)


DESIGN_KEY = (16,)
"""The child stream of the calibration's seed that its design draws from."""


def design(bounds: list[Bound], settings: Settings) -> np.ndarray:
    """The design: row 0 the defaults, then `points` scrambled Sobol' or Latin-hypercube points
    (the sweeps' generator, :func:`sim.sweeps.design.sample`, on the seed's child stream 16)."""
    method = "sobol" if settings.method == "sobol" else "lhs"
    unit = sample(method, settings.points, len(bounds), design_rng(settings.seed, DESIGN_KEY))
    points = range_points(unit, [(b.low, b.high) for b in bounds])
    return np.vstack([[default_value(b.path) for b in bounds], points])


def point_values(bounds: list[Bound], row: np.ndarray) -> dict[str, float]:
    """A design row as a point, `{dotted path: value}`."""
    return {b.path: float(v) for b, v in zip(bounds, row)}


def _task(args: tuple) -> dict:
    """One (point, war): the war's loss, expected and real joiners, and simulated variance."""
    point, war, values, replications, seed, level = args
    result = simulate_war(war, replications, seed, levels=(level,), point=values)
    p = np.array([result["counts"][level][s] for s in result["candidates"]]) / replications
    y = np.array([int(s in war.sides) for s in result["candidates"]])
    return {"point": point, "warnum": war.warnum, "era": war.era, "candidates": len(y), "joined": int(y.sum()),
            "expected": float(p.sum()), "sse": float(((p - y) ** 2).sum()),
            "sim_var": float((p * (1 - p)).sum() / replications), "cpu_seconds": result["cpu_seconds"]}


def evaluate(bounds: list[Bound], points: np.ndarray, wars: list[War], settings: Settings,
             workers: int | None = 1, dask: str | None = None, progress=None) -> pd.DataFrame:
    """Run every (point, war) on a backend (processes or Dask); one row each, sorted."""
    if HELD_OUT & {w.warnum for w in wars}:
        raise InputErrors(InputError("wars 106 and 139 are held out and never calibrated on", file="--wars"))
    tasks = [(k, war, point_values(bounds, row), settings.replications, settings.seed,
              settings.level) for war in sorted(wars, key=lambda w: -w.horizon_days * (w.onset - 1700))
             for k, row in enumerate(points)]
    rows = []
    with open_backend(workers, dask=dask) as backend:
        for row in backend.run(_task, tasks):
            rows.append(row)
            progress and progress()
    return pd.DataFrame(rows).sort_values(["point", "warnum"]).reset_index(drop=True)


def implausibility(table: pd.DataFrame, settings: Settings) -> pd.Series:
    """Per point, the implausibility of its joining rate over the wars of `table`."""
    sums = table.groupby("point")[["candidates", "joined", "expected", "sim_var"]].sum()
    z = sums["joined"] / sums["candidates"]
    v_obs = z * (1 - z) / sums["candidates"]
    v_sim = sums["sim_var"] / sums["candidates"] ** 2
    return ((z - sums["expected"] / sums["candidates"]).abs()
            / np.sqrt(v_obs + (settings.discrepancy * z) ** 2 + v_sim)).rename("implausibility")


def choose(table: pd.DataFrame, settings: Settings) -> tuple[int, list[int]]:
    """The chosen point (least loss among the plausible) and the plausible points."""
    imp = implausibility(table, settings)
    plausible = sorted(imp.index[imp <= settings.cutoff]) or sorted(imp.index)
    loss = table.groupby("point")["sse"].sum()
    return int(loss.loc[plausible].idxmin()), [int(k) for k in plausible]


def folds(wars: list[War], how: str, seed: int) -> dict[str, list[int]]:
    """Fold name -> its wars: one era at a time (`era`) or K random folds of wars (`K`, e.g. `5`)."""
    if how == "era":
        return {name: [w.warnum for w in wars if w.era == name] for name, _, _ in ERAS
                if any(w.era == name for w in wars)}
    k = int(how)
    order = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(17,))).permutation(len(wars))
    return {f"fold {j + 1}": sorted(wars[i].warnum for i in order[j::k]) for j in range(k)}


def _climatology_sse(test: pd.DataFrame, rate: float) -> pd.Series:
    """Per war, the squared error of forecasting every candidate at `rate`."""
    return test["joined"] * (1 - rate) ** 2 + (test["candidates"] - test["joined"]) * rate ** 2


def cross_validate(table: pd.DataFrame, wars: list[War], settings: Settings) -> pd.DataFrame:
    """Per left-out war: its candidates, joiners and the out-of-sample squared errors of the
    calibrated choice (made without its fold), the defaults and the training climatology."""
    out = []
    for name, members in folds(wars, settings.folds, settings.seed).items():
        train, test = table[~table["warnum"].isin(members)], table[table["warnum"].isin(members)]
        if train.empty:
            continue
        best, plausible = choose(train, settings)
        base = train[train["point"] == 0]
        rate = base["joined"].sum() / base["candidates"].sum()
        chosen, default = test[test["point"] == best], test[test["point"] == 0].set_index("warnum")
        for row in chosen.itertuples(index=False):
            out.append({"fold": name, "warnum": row.warnum, "era": row.era, "point": best,
                        "plausible": len(plausible), "candidates": row.candidates, "joined": row.joined,
                        "sse_calibrated": row.sse, "sse_default": default.loc[row.warnum, "sse"],
                        "sse_climatology": float(_climatology_sse(pd.DataFrame([row._asdict()]), rate).iloc[0])})
    return pd.DataFrame(out)


RATIOS = {
    "brier_calibrated": ("sse_calibrated", "candidates", False),
    "brier_default": ("sse_default", "candidates", False),
    "brier_climatology": ("sse_climatology", "candidates", False),
    "skill_calibrated_vs_climatology": ("sse_calibrated", "sse_climatology", True),
    "skill_calibrated_vs_default": ("sse_calibrated", "sse_default", True),
    "skill_default_vs_climatology": ("sse_default", "sse_climatology", True),
}
"""Headline scores as ratios of sums over pairs: name -> (numerator, denominator, as skill 1 - ratio)."""


def bootstrap_interval(num: np.ndarray, den: np.ndarray, skill: bool, seed: int = 0,
                       draws: int = 2000) -> tuple[float, float]:
    """95% percentile interval of sum(num)/sum(den) (or 1 minus it), resampling wars with
    replacement (Efron & Tibshirani 1993): candidates of one war share its world."""
    index = np.random.default_rng(seed).integers(0, len(num), (draws, len(num)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = num[index].sum(axis=1) / den[index].sum(axis=1)
    values = (1.0 - ratio if skill else ratio)[np.isfinite(ratio)]
    return (float(np.percentile(values, 2.5)), float(np.percentile(values, 97.5))) if len(values) else (np.nan, np.nan)


def cv_scores(cv: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """The headline out-of-sample scores (pooled over every left-out pair), with intervals."""
    rows = []
    for name, (top, bottom, skill) in RATIOS.items():
        num, den = cv[top].to_numpy(float), cv[bottom].to_numpy(float)
        value = num.sum() / den.sum() if den.sum() > 0 else np.nan
        low, high = bootstrap_interval(num, den, skill, seed)
        rows.append({"metric": name, "value": float(1.0 - value if skill else value), "low": low, "high": high})
    return pd.DataFrame(rows)


@dataclass
class Calibration:
    """Everything a calibration produced (written by :mod:`sim.history.calibration_report`)."""

    bounds: list[Bound]
    settings: Settings
    points: np.ndarray
    table: pd.DataFrame
    chosen: int
    plausible: list[int]
    cv: pd.DataFrame
    scores: pd.DataFrame
    meta: dict


def calibrate(bounds: list[Bound], wars: list[War], settings: Settings, workers: int | None = 1,
              dask: str | None = None, progress=None) -> Calibration:
    """Design, simulate, history-match, choose on all training wars, and cross-validate."""
    start, cpu = time.perf_counter(), time.process_time()
    points = design(bounds, settings)
    table = evaluate(bounds, points, wars, settings, workers, dask, progress)
    return assess(bounds, points, table, wars, settings, {
        "workers": workers, "dask": dask, "wall_time_s": round(time.perf_counter() - start, 2),
        "cpu_seconds_in_wars": round(float(table["cpu_seconds"].sum()), 2),
        "cpu_seconds_here": round(time.process_time() - cpu, 2)})


def assess(bounds: list[Bound], points: np.ndarray, table: pd.DataFrame, wars: list[War], settings: Settings,
           meta: dict) -> Calibration:
    """History-match, choose on all training wars and cross-validate a simulated design (`table`,
    one row per point and war): the part of a calibration that needs no simulation, so that a
    design can be rescored with other folds, cut-off or discrepancy (`calibrate --rescore`)."""
    chosen, plausible = choose(table, settings)
    cv = cross_validate(table, wars, settings)
    imp = implausibility(table, settings)
    meta = {"wars": [w.warnum for w in wars], "points": len(points), **meta,
            "none_plausible": bool((imp > settings.cutoff).all()), **settings.__dict__}
    return Calibration(bounds, settings, points, table, chosen, plausible, cv, cv_scores(cv, settings.seed), meta)
