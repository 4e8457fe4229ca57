"""Designs of experiments: which points (parameter values) a sweep runs.

`grid` takes every combination of the listed values (the last parameter varies fastest).
`random`, `lhs` and `sobol` draw `samples` points in the unit hypercube (plain uniform, a Latin
hypercube, a scrambled Sobol' sequence: McKay, Beckman & Conover 1979; Sobol' 1967; Owen 1998,
through :mod:`scipy.stats.qmc`) and map each coordinate onto its parameter's range or choices.
The draws come from the sweep's seed alone, so the same file gives the same points everywhere.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import qmc

from sim.sweeps.schema import Choices, Range

__all__ = ["DESIGN_STREAM", "design_points", "grid_points", "unit_sample", "scale"]

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


def unit_sample(design: str, n: int, d: int, seed: int) -> np.ndarray:
    """An (n, d) sample of [0, 1)^d from a `random`, `lhs` or `sobol` design."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, DESIGN_STREAM]))
    if design == "random":
        return rng.random((n, d))
    if design == "lhs":
        return qmc.LatinHypercube(d, rng=rng).random(n)
    if design == "sobol":
        return qmc.Sobol(d, rng=rng).random_base2(max(0, math.ceil(math.log2(n))))[:n]
    raise ValueError(f"unknown design {design!r}")


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
