"""`points.csv`: per sweep point, the mean of every metric with its 95% t-interval.

Computed in one streaming pass over the sorted `runs.csv` with running sums (Welford 1962), so the
memory used does not grow with the number of runs. An empty cell (a time that never came) is left
out of its metric's mean; `n` counts the point's finished replications.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from scipy import stats

__all__ = ["RunningMean", "t_interval", "write_points"]


class RunningMean:
    """Mean and variance of a stream of numbers, updated one value at a time (Welford 1962)."""

    def __init__(self) -> None:
        self.n, self.mean, self._m2 = 0, 0.0, 0.0

    def add(self, x: float) -> None:
        """Count one more value."""
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self._m2 += delta * (x - self.mean)

    @property
    def variance(self) -> float:
        """The sample variance (n - 1 in the denominator); nan below two values."""
        return self._m2 / (self.n - 1) if self.n > 1 else math.nan


def t_interval(acc: RunningMean, level: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high): the Student t confidence interval of the mean; None where undefined."""
    if acc.n == 0:
        return None, None, None
    if acc.n == 1:
        return acc.mean, None, None
    half = stats.t.ppf(0.5 + level / 2, acc.n - 1) * math.sqrt(acc.variance / acc.n)
    return acc.mean, acc.mean - half, acc.mean + half


def _number(text: str) -> float | None:
    """A CSV cell as a number: empty is None, true/false are 1/0."""
    if text == "":
        return None
    lowered = text.lower()
    if lowered in ("true", "false"):
        return float(lowered == "true")
    return float(text)


def _point_row(rows: Iterable[list[str]], first_metric: int, n_metrics: int) -> list[float | int | None]:
    """`n` then mean, ci_low, ci_high of each metric over one point's runs."""
    accs = [RunningMean() for _ in range(n_metrics)]
    n = 0
    for row in rows:
        n += 1
        for acc, cell in zip(accs, row[first_metric:]):
            value = _number(cell)
            if value is not None:
                acc.add(value)
    return [n, *itertools.chain.from_iterable(t_interval(acc) for acc in accs)]


def write_points(runs: Path, target: Path, points: Sequence[Sequence[str]], n_params: int,
                 fmt: Callable[[object], str]) -> None:
    """Write `points.csv` from the sorted `runs.csv`: point, parameters, n, per metric mean and CI."""
    tmp = target.with_name(f".{target.name}.tmp")
    with open(runs, encoding="utf-8", newline="") as src, open(tmp, "w", encoding="utf-8", newline="") as dst:
        reader = csv.reader(src)
        header = next(reader)
        params, metrics = header[3:3 + n_params], header[3 + n_params:]
        stat_cols = [f"{m}_{s}" for m in metrics for s in ("mean", "ci_low", "ci_high")]
        dst.write(",".join(["point", *params, "n", *stat_cols]) + "\n")
        groups = itertools.groupby(reader, key=lambda row: int(row[0]))
        group = next(groups, None)
        for index, values in enumerate(points):
            mine = group is not None and group[0] == index
            row = _point_row(group[1] if group is not None and mine else (), 3 + n_params, len(metrics))
            group = next(groups, None) if mine else group
            dst.write(",".join([str(index), *values, *(fmt(v) for v in row)]) + "\n")
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, target)
