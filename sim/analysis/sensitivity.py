"""Global sensitivity of a scenario's summary metrics to the model's parameters: Sobol' (2001)
first-order and total indices by the Saltelli et al. (2010) estimators of
`scipy.stats.sobol_indices`, with bootstrap intervals (Efron & Tibshirani 1993).

Each parameter is drawn uniformly over its *documented range* (:func:`documented_range`):

1. its range in the parameter registry (:mod:`sim.scenario.ranges`, declared on the schema field);
2. else its Field bounds when both ends are given (e.g. a `Unit` is 0-1);
3. else half to twice its default (a factor of two either way, a stated convention).

The design (Saltelli et al. 2010: the base matrices A and B from one scrambled Sobol' sample)
is drawn by the sweeps' design generator and each point applied as a sweep's is
(:mod:`sim.sweeps.design`, :mod:`sim.sweeps.points`). Every evaluation runs the scenario with the
same seed (common random numbers), so the indices measure the parameters' effect, not the draw
of the replications; the output is the mean of each metric over the replications, so with few
replications sampling noise adds a spurious share to every parameter's total index.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats._sensitivity_analysis import saltelli_2010, sample_AB  # as sobol_indices uses them

from sim.execution.backends import open_backend
from sim.execution.runner import run
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.ranges import REGISTRY, field_of
from sim.sweeps.design import design_rng, range_points, sample
from sim.sweeps.points import apply_point

__all__ = ["DEFAULT_PARAMETERS", "DEFAULT_METRICS", "documented_range", "Sensitivity", "sensitivity"]

DEFAULT_PARAMETERS = ("parameters.decision.war_cost", "parameters.decision.temperature",
                      "parameters.perception.default_intent", "parameters.alliances.honour_threat_shift",
                      "parameters.motives.optimism", "parameters.motives.war_fixed_cost")
"""Parameters varied unless `--param` names others: the ones the docs call the model's main levers."""
DEFAULT_METRICS = ("max_level", "n_belligerents", "n_drawn_in", "invocations_honoured", "mean_tension")
"""Summary metrics analysed unless `--metrics` names others."""


def _field(path: str):
    """The pydantic field of a dotted parameter path, or InputErrors."""
    field = field_of(path)
    if field is None or field.annotation is not float:
        raise InputErrors(InputError(f"{path}: not a real-valued parameter (parameters.<group>.<name> of "
                                     "sim/scenario/schema.py Parameters)", file="--param"))
    return field


def documented_range(path: str) -> tuple[float, float, str]:
    """(low, high, where the range comes from) of a real-valued parameter; see the module doc."""
    field = _field(path)
    entry = REGISTRY.get(path.removeprefix("parameters."))
    if entry is not None:
        return entry.low, entry.high, "registry"
    low = next((getattr(m, "ge", None) for m in field.metadata if getattr(m, "ge", None) is not None),
               next((getattr(m, "gt", None) for m in field.metadata if getattr(m, "gt", None) is not None), None))
    high = next((getattr(m, "le", None) for m in field.metadata if getattr(m, "le", None) is not None), None)
    if low is not None and high is not None:
        return float(low), float(high), "field bounds"
    return float(field.default) / 2, float(field.default) * 2, "default / 2 to default x 2"


DESIGN_KEY = (0x5E,)
"""The child stream of the analysis's seed that its design (then its bootstrap) draws from."""


def saltelli_design(n: int, ranges: list[tuple[float, float]], rng: np.random.Generator) -> np.ndarray:
    """The base matrices A and B, (2, d, n), of a Saltelli design: one scrambled 64-bit Sobol'
    sample of 2d columns (the sweeps' generator), A its first d, B its last d, each column mapped
    onto its parameter's range (Saltelli et al. 2010, sec. 5; as `scipy.stats.sobol_indices`
    draws them). The points evaluated are A's, B's and each AB_i's columns (B's row i into A)."""
    unit = sample("sobol", n, 2 * len(ranges), rng, bits=64)
    return range_points(unit, ranges * 2).T.reshape(2, len(ranges), n)


def _evaluate(task: tuple) -> list[float]:
    """Worker: the replication means of `metrics` for one point (summary table only kept)."""
    source, point, overrides, replications, seed, metrics = task
    summary = run(apply_point(source, point, overrides), replications=replications, seed=seed).summary
    return [float(pd.to_numeric(summary[m], errors="coerce").mean()) for m in metrics]


@dataclass
class Sensitivity:
    """The indices (one row per metric and parameter) and how they were made."""

    table: pd.DataFrame
    meta: dict


def _saltelli(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> np.ndarray:
    """First-order and total indices, (2, s, d), as `sobol_indices` computes them (centred by the
    mean of f_A and f_B; Saltelli et al. 2010 estimators)."""
    mean = np.mean([f_a, f_b], axis=(0, -1)).reshape(-1, 1)
    return np.array(saltelli_2010(f_a - mean, f_b - mean, f_ab - mean)).reshape(2, *f_a.shape[:1], f_ab.shape[0])


def _pages(raw: np.ndarray, n: int, d: int) -> np.ndarray:
    """The evaluations of the AB_i columns, (s, n d), as f_AB, (d, s, n)."""
    return np.moveaxis(raw.reshape((-1, n, d)), -1, 0)


def _bootstrap(log: list[np.ndarray], n: int, d: int, resamples: int, rng: np.random.Generator):
    """95% BCa intervals of the indices, resampling the n base rows with `rng` (scipy's
    `SobolResult.bootstrap` draws from NumPy's global state, which this project never uses)."""
    f_a, f_b, raw = log
    f_ab = _pages(raw, n, d)
    result = stats.bootstrap((np.arange(n),), lambda idx: _saltelli(f_a[:, idx], f_b[:, idx], f_ab[..., idx]),
                             n_resamples=resamples, method="BCa", vectorized=False, rng=rng)
    return result.confidence_interval.low, result.confidence_interval.high


def _model(source, overrides, paths, metrics, replications, seed, backend, log):
    """The model: parameter columns in (each a point, applied as a sweep's is), metric rows out
    (on the backend); each output is kept in `log`."""
    def func(x: np.ndarray) -> np.ndarray:
        tasks = [(source, {p: float(v) for p, v in zip(paths, column)}, list(overrides), replications, seed, metrics)
                 for column in x.T]
        out = np.array(list(backend.run(_evaluate, tasks, ordered=True)), dtype=float).T
        means = np.nanmean(np.where(np.isfinite(out), out, np.nan), axis=1, keepdims=True)
        log.append(np.where(np.isfinite(out), out, np.nan_to_num(means)))
        return log[-1]
    return func


def sensitivity(source, paths: list[str], metrics: list[str], n: int = 32, replications: int = 4, seed: int = 0,
                overrides: list[str] | None = None, workers: int | None = 1, dask: str | None = None,
                resamples: int = 999) -> Sensitivity:
    """Sobol' indices of `metrics` over `paths` (documented ranges), n a power of 2."""
    ranges = {p: documented_range(p) for p in paths}
    start, log = time.perf_counter(), list[np.ndarray]()
    rng = design_rng(seed, DESIGN_KEY)
    a, b = saltelli_design(n, [r[:2] for r in ranges.values()], rng)
    with open_backend(workers, dask=dask) as backend, np.errstate(divide="ignore", invalid="ignore"), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")  # BCa on a metric the parameters never move: its interval is NaN
        func = _model(source, overrides or [], paths, metrics, replications, seed, backend, log)
        f_a, f_b = func(a), func(b)
        f_ab = _pages(func(np.moveaxis(sample_AB(a, b), 0, -1).reshape(len(paths), -1)), n, len(paths))
        result = stats.sobol_indices(func={"f_A": f_a, "f_B": f_b, "f_AB": f_ab}, n=n)
        mean = np.mean([f_a, f_b], axis=(0, -1)).reshape(-1, 1)
        for evaluations in log:  # the bootstrap resamples them centred, as the indices are
            evaluations -= mean
        low, high = _bootstrap(log, n, len(paths), resamples, rng)
    shape = (len(metrics), len(paths))  # scipy drops the metric axis when there is one metric
    first, total = np.reshape(result.first_order, shape), np.reshape(result.total_order, shape)
    rows = [{"metric": m, "parameter": p, "low": ranges[p][0], "high": ranges[p][1], "range_from": ranges[p][2],
             "first_order": first[i, j], "first_low": low[0, i, j], "first_high": high[0, i, j],
             "total": total[i, j], "total_low": low[1, i, j], "total_high": high[1, i, j]}
            for i, m in enumerate(metrics) for j, p in enumerate(paths)]
    evaluations = np.hstack(log)
    meta = {"n": n, "evaluations": int(evaluations.shape[1]), "replications": replications, "seed": seed,
            "parameters": paths, "metrics": metrics, "resamples": resamples,
            "metric_sd": dict(zip(metrics, np.nanstd(evaluations, axis=1).tolist())),
            "wall_time_s": round(time.perf_counter() - start, 2)}
    return Sensitivity(pd.DataFrame(rows), meta)
