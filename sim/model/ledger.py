"""The hazard ledger of a replication: the chances its hazards gave, for the conditional Monte Carlo
of the simulator's own probabilities (docs/validation.md, "Conditional Monte Carlo").

A forecast read as the share of R replications in which an event happened is noisy (binomial, and
tied at 0 for every event that happened in no run). The same runs also tell, at each decision at
risk, the chance h_t the event had at that decision given everything simulated so far. Summed over
the decisions at risk, up to and including the one at which the event happened (or the end), this
is the event's compensator: its expectation equals the event's probability (Doob-Meyer; Andersen,
Borgan, Gill & Keiding 1993, Statistical Models Based on Counting Processes, II.4), so its mean over
runs is an unbiased estimate of the simulator's probability, with much less variance than the share
(a Rao-Blackwellised estimator: conditional Monte Carlo, Ross 2013, Simulation, 9.4). The sum, not
1 - prod(1 - h_t): stopped at the event, the product is biased low (it drops the chance the run
would have had after the event had it not happened).

The ledger is kept only when a run asks for it (`sim.run(..., hazards=DAY)`, the validation and
the peacetime comparison); a normal run keeps none and draws, acts and writes the same bytes. It
notes only what those scores need:

* uses of force (:mod:`sim.model.force`): at each decision of state i, dt years after its previous
  one, the chance that it uses force at all, 1 - exp(-Lambda_i dt) (as `ForceDraws.draw`); the
  chance against j is that times lambda_ij / Lambda_i (:meth:`HazardLedger.force`);
* joining (:mod:`sim.model.joining`): at each joining interval of each war, for each state free to
  join, the chance that it joins either side, 1 - (1 - h_1)(1 - h_2) (:meth:`HazardLedger.joining`),
  and each side's: h_1 for the first striker's side, whose draw is read first, and (1 - h_1) h_2
  for the target's (the compensator of each mark of a marked point process is the sum of its own
  chances, so each side's probability is estimated the same way).

Only decisions up to day `until` are noted (the days the score reads).
"""

from __future__ import annotations

import bisect
import math

import numpy as np

__all__ = ["HazardLedger"]


class HazardLedger:
    """What one replication's hazards gave, by state (force) and by war and state (joining)."""

    def __init__(self, ids: list[str], until: float, force_rate: np.ndarray | None = None):
        n = len(ids)
        self.ids, self.until = list(ids), float(until)
        # lambda[i, j] per year and its row sums, one entry per change of rates (a scenario's change of
        # a pact: `set_rate`); the set-up's first (shared, never mutated)
        self.rates: list[tuple[np.ndarray, np.ndarray]] = []
        if force_rate is not None:
            self.set_rate(force_rate)
        self._last = [0.0] * n
        self.force_times: list[list[float]] = [[] for _ in range(n)]
        self.force_chances: list[list[float]] = [[] for _ in range(n)]  # 1 - exp(-Lambda_i dt) per decision
        self.force_epochs: list[list[int]] = [[] for _ in range(n)]  # the rates each decision drew with
        self.join_times: dict[tuple[str, str], list[float]] = {}
        self.join_sums: dict[tuple[str, str], list[np.ndarray]] = {}  # running sum per state
        self.side_sums: dict[tuple[str, str], list[np.ndarray]] = {}  # running sum per side (2 x n)

    def set_rate(self, force_rate: np.ndarray) -> None:
        """The decisions from now on draw with these rates (per year)."""
        self.rates.append((force_rate, force_rate.sum(axis=1)))

    def decision(self, i: int, now: float) -> None:
        """Note a decision of i at `now` (before it is taken): the chance it uses force at all."""
        dt, self._last[i] = (now - self._last[i]) / 365.0, now
        total = self.rates[-1][1][i] if self.rates else 0.0
        if now > self.until or dt <= 0.0 or total <= 0.0:
            return
        self.force_times[i].append(now)
        self.force_chances[i].append(-math.expm1(-total * dt))
        self.force_epochs[i].append(len(self.rates) - 1)

    def join_interval(self, first: int, target: int, now: float, free: np.ndarray, hazards: list[np.ndarray]) -> None:
        """Note a joining interval of the war of `first` and `target` ending at `now`: each state
        `free` to join may join one of its sides with the `hazards` of each side."""
        if now > self.until:
            return
        stay = np.ones(len(free))
        for h in hazards:
            stay = stay * (1.0 - h)
        key = (self.ids[first], self.ids[target])
        sums = self.join_sums.setdefault(key, [])
        step = np.where(free, 1.0 - stay, 0.0)
        self.join_times.setdefault(key, []).append(now)
        sums.append(sums[-1] + step if sums else step)
        first_side, target_side = hazards
        sides = np.where(free, np.stack([first_side, (1.0 - first_side) * target_side]), 0.0)
        by_side = self.side_sums.setdefault(key, [])
        by_side.append(by_side[-1] + sides if by_side else sides)

    def force(self, i: int, j: int, t: float) -> float:
        """The sum of i's chances of using force against j at its decisions up to day `t`: at each,
        its chance of using force at all times lambda_ij / Lambda_i of the rates it drew with."""
        k = bisect.bisect_right(self.force_times[i], t)
        return sum(chance * float(self.rates[e][0][i, j]) / float(self.rates[e][1][i])
                   for chance, e in zip(self.force_chances[i][:k], self.force_epochs[i][:k]))

    def force_matrix(self) -> np.ndarray:
        """F[i, j]: :meth:`force` of every directed dyad over the whole run (up to `until`)."""
        n = len(self.ids)
        out = np.zeros((n, n))
        for e, (rate, total) in enumerate(self.rates):
            whole = np.array([sum(c for c, k in zip(self.force_chances[i], self.force_epochs[i]) if k == e)
                              for i in range(n)])
            out += np.divide(whole[:, None] * rate, total[:, None], out=np.zeros_like(rate), where=total[:, None] > 0)
        return out

    def joining(self, war: tuple[str, str], state: int, t: float) -> float:
        """The sum of `state`'s chances of joining the war of `war` (its first striker and target)
        over the intervals up to day `t` at which it was free to."""
        times = self.join_times.get(war, [])
        k = bisect.bisect_right(times, t)
        return 0.0 if k == 0 else float(self.join_sums[war][k - 1][state])

    def joining_side(self, war: tuple[str, str], state: int, t: float, side: int) -> float:
        """As :meth:`joining`, the chances of joining one side only: `side` 0 the first striker's
        (`war[0]`), 1 the target's. The two sides' sums add up to :meth:`joining`'s."""
        times = self.join_times.get(war, [])
        k = bisect.bisect_right(times, t)
        return 0.0 if k == 0 else float(self.side_sums[war][k - 1][side, state])
