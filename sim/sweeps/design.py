"""Designs of experiments: which points (parameter values) a parameter experiment runs.

The one design generator of the project: sweeps, calibration (:mod:`sim.history.calibration`),
sensitivity (:mod:`sim.analysis.sensitivity`) and benchmarks/prcc.py draw their points here.

`grid` takes every combination of the listed values (the last parameter varies fastest).
`random`, `lhs` and `sobol` draw points in the unit hypercube (:func:`sample`: plain uniform, a
Latin hypercube, a scrambled Sobol' sequence: McKay, Beckman & Conover 1979; Sobol' 1967; Owen
1998, through :mod:`scipy.stats.qmc`) and :func:`scale` maps each coordinate onto its parameter's
range or choices. The draws come from a seed alone, each command keeping its own stream
(:func:`design_rng`), so the same file or command gives the same points everywhere.
A point is `{dotted path: value}`; :func:`sim.sweeps.points.apply_point` makes it a scenario.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import qmc

from sim.sweeps.schema import Choices, Range

__all__ = ["DESIGN_STREAM", "design_rng", "design_points", "grid_points", "unit_sample", "sample", "scale",
           "range_points"]

DESIGN_STREAM = 0x5EED_DE51  # mixed into the seed so design draws never share a stream with runs

Point = dict[str, Any]


def design_points(design: str, parameters: Mapping[str, Any], samples: int | None, seed: int) -> list[Point]:
    """The points of a design, in order: `{dotted path: value}` per point."""
    if design == "grid":
        return grid_points(parameters)
    unit = unit_sample(design, samples or 0, len(parameters), seed)
    columns = [scale(param, unit[:, j]) for j, param in enumerate(parameters.values())]
    return [dict(zip(parameters, row)) for row in zip(*columns)]


def grid_points(parameters: Mapping[str, Any]) -> list[Point]:
    """Every combination of the parameters' values, the last parameter varying fastest."""
    levels = [p.choices if isinstance(p, Choices) else list(p) for p in parameters.values()]
    return [dict(zip(parameters, combo)) for combo in itertools.product(*levels)]


def design_rng(seed: int, spawn_key: tuple[int, ...] | None = None) -> np.random.Generator:
    """The generator a design draws from: a sweep's (`spawn_key` None) is keyed by
    :data:`DESIGN_STREAM`; calibration and sensitivity keep their own child streams of `seed`."""
    if spawn_key is None:
        return np.random.default_rng(np.random.SeedSequence([seed, DESIGN_STREAM]))
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=spawn_key))


def unit_sample(design: str, n: int, d: int, seed: int) -> np.ndarray:
    """A sweep's (n, d) sample of [0, 1)^d from a `random`, `lhs` or `sobol` design."""
    return sample(design, n, d, design_rng(seed))


def sample(design: str, n: int, d: int, rng: Any, *, bits: int = 30) -> np.ndarray:
    """An (n, d) sample of [0, 1)^d: `random` (uniform), `lhs` (Latin hypercube) or `sobol`
    (scrambled Sobol' with `bits` bits, its first n points: the first 2^m, m = ceil(log2 n), cut
    to n). `rng` is a Generator (or a seed as :mod:`scipy.stats.qmc` takes it: an integer keeps
    benchmarks/prcc.py's published hypercube)."""
    if design == "random":
        return np.asarray(rng.random((n, d)))
    if design == "lhs":
        return qmc.LatinHypercube(d, seed=rng).random(n)
    if design == "sobol":
        return qmc.Sobol(d, seed=rng, bits=bits).random_base2(max(0, math.ceil(math.log2(n))))[:n]
    raise ValueError(f"unknown design {design!r}")


def range_points(unit: np.ndarray, ranges: Sequence[tuple[float, float]]) -> np.ndarray:
    """A unit sample mapped column by column onto linear (low, high) ranges, as :func:`scale`
    maps a sweep's range: an (n, len(ranges)) array of values."""
    columns = [scale(Range(low=low, high=high), unit[:, j]) for j, (low, high) in enumerate(ranges)]
    return np.array(columns, dtype=float).T.reshape(len(unit), len(ranges))


def scale(param: Any, u: np.ndarray) -> list[Any]:
    """Map unit coordinates onto a parameter: a range (linear, log, integer) or a list of choices."""
    if isinstance(param, Range):
        return _scale_range(param, u)
    options: Sequence[Any] = param.choices if isinstance(param, Choices) else param
    index = np.minimum((u * len(options)).astype(int), len(options) - 1)
    return [options[i] for i in index]


def _scale_range(r: Range, u: np.ndarray) -> list[Any]:
    """Uniform on [low, high), on its logarithm with `log`, or over low..high inclusive with `integer`."""
    high = r.high + 1 if r.integer else r.high
    if r.log:
        values = np.exp(np.log(r.low) + u * (np.log(high) - np.log(r.low)))
    else:
        values = r.low + u * (high - r.low)
    if r.integer:
        return [int(v) for v in np.clip(np.floor(values), r.low, r.high)]
    return [float(v) for v in np.clip(values, r.low, r.high)]
