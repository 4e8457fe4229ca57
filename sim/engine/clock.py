"""A replication's clock: SimPy's environment, the processes it runs, and the alarm that wakes a
state's decision early.

`Clock` is the SimPy environment itself (the engine's hot loops read `now` and `timeout` from it with
no layer between), with the two services the model asks of the scheduler besides waiting: start a
process (`spawn`, which keeps its generator so that `close` can end it) and wake states to decide now
(`alarm`). The model sees it through `sim.model.replication.Clock` (`now`, `timeout`, `spawn`,
`alarm`); running it (`run`) and starting the decision processes are the engine's.
"""

from __future__ import annotations

from collections.abc import Iterable

import simpy

from sim.model.replication import Process

__all__ = ["Clock"]


class Clock(simpy.Environment):
    """The clock and scheduler of one replication of `n` states."""

    def __init__(self, n: int):
        super().__init__()
        self.decisions: list[simpy.Process] = []  # each state's decision process, once started
        self.alarmed = [-1.0] * n  # time of each state's last alarm
        self._generators: list[Process] = []  # every process's generator, closed by close()

    def spawn(self, generator: Process) -> simpy.Process:
        """Run a generator as a process of this replication."""
        self._generators.append(generator)
        return self.process(generator)

    def alarm(self, states: Iterable[int], cause: int) -> None:
        """Wake states early to decide now (attacked, an ally's invocation, named as a threat)."""
        now, decisions = self.now, self.decisions
        for s in states:
            proc = decisions[s] if decisions else None
            if proc is None or self.alarmed[s] >= now or proc is self.active_process:
                continue
            self.alarmed[s] = now  # at most one alarm per state per instant: no same-time loops
            proc.interrupt(cause)

    def close(self) -> None:
        """End the processes still waiting: their frames refer to the replication, which would
        otherwise stay allocated until the garbage collector found the cycle."""
        for generator in self._generators:
            generator.close()
