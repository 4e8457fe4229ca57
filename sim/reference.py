"""The compiled kernel (`sim._kernel`) in plain Python: the readable definition of a state's
decision, of every state's observation of an act, and of the relaxation of intent.

The kernel must give exactly what these give: `tests/test_kernel.py` checks it bit for bit, on
random inputs and on whole replications of the shipped scenarios. They are not used to simulate
(a replication takes some ten times longer with them), but `Decider`, `Observer` and `relax`
here have the kernel's signatures, so a replication can be run on them (see the tests).
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np

from .decision import CLASH, choose, desired_level
from .perception import tension

__all__ = ["relax", "relax_tension", "Decider", "Observer"]


def relax(value, base, stamp, weight, neg_rate: float, t: float) -> None:
    """value = base + (value - base) e^(neg_rate (t - stamp)), weight *= the same decay, stamp = t,
    cell by cell of these 2-D views, in place."""
    for index in np.ndindex(value.shape):
        decay = math.exp(neg_rate * (t - stamp[index].item()))
        base_value = base[index].item()
        value[index] = base_value + (value[index].item() - base_value) * decay
        weight[index] = weight[index].item() * decay
        stamp[index] = t


def relax_tension(value, baseline, stamp, weight, share, neg_rate: float, t: float, out) -> None:
    """Relax all of intent to time t in place; every state's tension in `out`."""
    relax(value, baseline, stamp, weight, neg_rate, t)
    out[:] = tension(value, share)


class Decider:
    """A replication's decisions (the interface of `sim._kernel.Decider`)."""

    def __init__(self, generators, posture, resolve, top, *, attention, precision, inertia, temperature,
                 mean_interval, rate):
        self.rngs, self.posture, self.resolve, self.top = list(generators), posture, resolve, top
        self.k = min(attention, len(self.rngs) - 1)
        self.p = SimpleNamespace(precision=precision, inertia=inertia, temperature=temperature)
        self.mean, self.neg_rate = mean_interval, -rate
        self.pending: dict[int, list[tuple[int, float]]] = {}

    def bind(self, value, baseline, stamp, weight, share, costs) -> None:
        """Point at the current intent arrays, threat shares and level costs."""
        self.value, self.baseline, self.stamp, self.weight, self.share = value, baseline, stamp, weight, share
        self.costs = costs

    def wait(self, i: int) -> float:
        """The time to state i's next decision."""
        return self.rngs[i].exponential(self.mean)

    def decide(self, i: int, t: float):
        """Relax row i of intent; weigh the k counterparts with the highest threat + posture."""
        rows = slice(i, i + 1)
        relax(self.value[rows], self.baseline[rows], self.stamp[rows], self.weight[rows], self.neg_rate, t)
        n = len(self.rngs)
        threat = [self.value[i, j].item() * self.share[i, j].item() for j in range(n)]
        others = sorted((j for j in range(n) if j != i), key=lambda j: (-(threat[j] + self.posture[i, j].item()), j))
        self.pending[i] = [(j, threat[j]) for j in others[:self.k]]
        return self.resume(i, 0)

    def resume(self, i: int, position: int):
        """Draw a rung toward each remaining counterpart; stop at the first change of posture."""
        free, (clash, war, nuclear) = self.costs[:5], self.costs[5:]
        for c, (j, threat) in enumerate(self.pending[i][position:], position):
            level = self.posture[i, j].item()
            if threat <= 0 and level == 0:
                continue
            desired = desired_level(threat, self.resolve[i].item())
            costs = list(free) + [clash[i, j].item(), war[i, j].item(), nuclear[i, j].item()]
            attacked = self.posture[j, i].item()
            if attacked >= CLASH:  # self-defence (UN Charter Art. 51): hold the attacker's level at no war cost
                desired = max(desired, attacked)
                costs = [0.0 if rung <= attacked else cost for rung, cost in enumerate(costs)]
            new = choose(level, desired, costs, self.p, self.top[i].item(), self.rngs[i].random())
            if new != level:
                return (c, j, new, level)
        return self.wait(i)


class Observer:
    """Every state's view of an actor's intent after it changes a posture (`sim._kernel.Observer`)."""

    def __init__(self, generator, g_t, *, spillover, misperception, escalation_gain, deescalation_gain, rate):
        self.rng, self.g_t, self.n = generator, g_t, len(g_t)
        self.spill, self.sigma = spillover, misperception
        self.up_gain, self.down_gain, self.neg_rate = escalation_gain, deescalation_gain, -rate

    def bind(self, value, baseline, stamp, weight, cause, a_t) -> None:
        """Point at the intent arrays and the current alignment, transposed (a_t[j, m] = a[m, j])."""
        self.value, self.baseline, self.stamp, self.weight, self.cause = value, baseline, stamp, weight, cause
        self.a_t = a_t

    def observe(self, i: int, j: int, level: int, old: int, event: int, t: float) -> None:
        """I[:, i] after i moved its posture toward j from `old` to `level`: the target weighs the act
        1, its allies by the pact weight, others by spill-over times proximity; i's allies discount
        it by their alignment with i, i ignores it; every observer with its own lognormal noise."""
        sigma = self.sigma
        noise = [math.exp(sigma * z - sigma * sigma / 2) for z in self.rng.standard_normal(self.n).tolist()]
        if level == old:
            return
        column = (slice(None), slice(i, i + 1))
        relax(self.value[column], self.baseline[column], self.stamp[column], self.weight[column], self.neg_rate, t)
        scale = self.up_gain * level / 7 if level > old else self.down_gain * (old - level) / 7
        for m in range(self.n):
            w = max(self.a_t[j, m].item(), self.spill * self.g_t[j, m].item())
            w = (1.0 if m == j else w) * (1.0 - self.a_t[i, m].item())
            step = scale * (0.0 if m == i else w) * noise[m]
            current = self.value[m, i].item()
            if level > old:
                rise = step * (1.0 - current)
                self.value[m, i] = current + rise
                if rise > self.weight[m, i]:
                    self.cause[m, i], self.weight[m, i] = event, rise
            else:
                self.value[m, i] = current - min(step, 1.0) * max(current - self.baseline[m, i].item(), 0.0)
