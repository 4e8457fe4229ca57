"""Perceived intent on one clock: the replication's mutable matrix of how hostile each state
believes each other to be, read and moved through the compiled kernel (`sim.kernel`)."""

from __future__ import annotations

import math

import numpy as np

from sim.kernel import decay, tension_of, tension_terms
from sim.kernel.reference import RESCALE

__all__ = ["Intent"]


class Intent:
    """Perceived intent I[i, j] in [0, 1]: how hostile i believes j to be.

    It relaxes exponentially toward `baseline` with the given half-life and jumps with observed
    acts. Every cell relaxes at the same rate, so one clock serves them all:
    I = baseline + D e^(-rate (t - epoch)), D being the deviation from the baseline scaled to the
    epoch. Reading intent at any time costs one exp and changes nothing; a move at time t stores
    D = (I - baseline) / e^(-rate (t - epoch)). Each cell remembers the event that moved it most
    and that move's size (`strength`, scaled like D, so older moves fade at the same rate), so a
    decision can name its cause. The compiled kernel (`sim.kernel._kernel`) reads and writes these
    arrays in place.

    Two column summaries let a tension sample pass over the columns that cannot be above its
    floor: `moved[j]` is 1 once any D[:, j] may have been made nonzero (kept by every method here
    and by the kernel's `Observer`), `top[j]` bounds the baseline of column j from above. A column
    with `moved` 0 and `top` at or below the floor holds no intent above it. Code that writes the
    arrays directly calls `refresh()` afterwards.
    """

    def __init__(self, baseline: np.ndarray, half_life_days: float):
        self.baseline = np.array(baseline, dtype=float)
        self.dev = np.zeros_like(self.baseline)
        self.strength = np.zeros_like(self.baseline)
        self.cause = np.zeros(self.baseline.shape, dtype=np.int64)
        self.epoch = np.zeros(1)  # rescaled far in the future (sim.kernel._kernel.decay)
        self.rate = math.log(2.0) / half_life_days
        self.moved = np.zeros(self.baseline.shape[1], dtype=np.uint8)  # D is 0 throughout
        self.top = self.baseline.max(axis=0, initial=-math.inf)

    def refresh(self) -> None:
        """Recompute the column summaries `moved` and `top` from the arrays (after writing them
        directly)."""
        self.moved[...] = (self.dev != 0.0).any(axis=0)
        self.top[...] = self.baseline.max(axis=0, initial=-math.inf)

    def decay(self, t: float) -> float:
        """e^(-rate (t - epoch)): the factor that reads D (and strengths) at time t.

        The kernel's `decay`, with its usual case (no rescaling) here: the same two operations and
        the same libm `exp`, so the same bits, without the kernel's call from Python (it takes three
        array views, most of its cost); past `RESCALE` e-foldings the kernel rescales in place."""
        x = -self.rate * (t - self.epoch.item(0))
        if x >= -RESCALE:
            return math.exp(x)
        return decay(self.dev, self.strength, self.epoch, -self.rate, t)

    def row(self, i: int, t: float) -> np.ndarray:
        """I[i, :] at time t (a new array)."""
        return self.baseline[i] + self.dev[i] * self.decay(t)

    def column(self, j: int, t: float) -> np.ndarray:
        """I[:, j] at time t: every state's view of j (a new array)."""
        return self.baseline[:, j] + self.dev[:, j] * self.decay(t)

    def all(self, t: float) -> np.ndarray:
        """The whole matrix at time t (a new array)."""
        return self.baseline + self.dev * self.decay(t)

    def at(self, i: int, j: int, t: float) -> float:
        """I[i, j] at time t."""
        return self.baseline.item(i, j) + self.dev.item(i, j) * self.decay(t)

    def cells(self, rows: np.ndarray | int, cols: np.ndarray | int, t: float) -> np.ndarray:
        """I[rows[k], cols[k]] at time t for each k (a new array; either may be one index)."""
        return self.baseline[rows, cols] + self.dev[rows, cols] * self.decay(t)

    def tension(self, share: np.ndarray, t: float, alone: np.ndarray | None = None, bloc: np.ndarray | None = None,
                floor: float = 0.0, aggregation: float = 0.0) -> np.ndarray:
        """Every state's tension at time t: `tension(self.all(t), share, alone, bloc, floor, aggregation)`
        (`sim.model.perception`), in one pass."""
        n = len(share)
        out = np.empty(n)
        bloc = np.arange(n, dtype=np.int64) if bloc is None else bloc
        tension_of(self, share, share if alone is None else alone, bloc, aggregation, floor, t, out)
        return out

    def terms(self, share: np.ndarray, t: float, alone: np.ndarray, bloc: np.ndarray, floor: float,
              aggregation: float, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each source's term of the tension of the states `rows` at time t (len(rows) x n): what
        `tension` multiplies, as logs, for splitting it by source; and the rows' intent at t
        (`sim.kernel.reference.tension_terms`)."""
        out, now = np.empty((len(rows), len(share))), np.empty((len(rows), len(share)))
        tension_terms(self, share, alone, bloc, aggregation, floor, t, np.ascontiguousarray(rows, dtype=np.intp), out,
                      now)
        return out, now

    def set(self, i: int, j: int, value: float, t: float, baseline: bool) -> None:
        """Set I[i, j] at time t (and its baseline when asked), as a scenario action does."""
        e = self.decay(t)
        if baseline:
            self.baseline[i, j] = value
            self.top[j] = max(self.top.item(j), value)
        self.dev[i, j] = (value - self.baseline.item(i, j)) / e
        self.moved[j] = 1

    def remember(self, i: int, j: int, move: float, event: int, t: float) -> None:
        """Name `event` as the cause of I[i, j], with the size of its move at time t."""
        self.cause[i, j] = event
        self.strength[i, j] = move / self.decay(t)

    def rebase_cell(self, i: int, j: int, baseline: float, t: float) -> None:
        """Move one cell's baseline from time t (a standing act, :mod:`sim.model.standing`): its value
        at t is kept and relaxes toward the new baseline from then on."""
        value = self.at(i, j, t)
        self.baseline[i, j] = baseline
        self.dev[i, j] = (value - baseline) / self.decay(t)
        self.top[j] = max(self.top.item(j), baseline)
        self.moved[j] = 1

    def rebase(self, baseline: np.ndarray, t: float) -> None:
        """New baselines from time t (pacts or power changed): intent keeps its value at t and
        relaxes toward the new baselines from then on (in place)."""
        e = self.decay(t)
        value = self.baseline + self.dev * e
        self.baseline[...] = baseline
        self.dev[...] = (value - self.baseline) / e
        self.refresh()
