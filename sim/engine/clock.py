"""A replication's clock: SimPy's environment, the processes it runs, and the alarm that wakes a
state's decision early.

`Clock` is the SimPy environment itself (the engine's hot loops read `now` and `timeout` from it with
no layer between), with the two services the model asks of the scheduler besides waiting: start a
process (`spawn`, which keeps its generator so that `close` can end it) and wake states to decide now
(`alarm`). The model sees it through `sim.model.replication.Clock` (`now`, `timeout`, `spawn`,
`alarm`); running it (`run`) and starting the decision processes are the engine's. Its `timeout`
and `run` are SimPy's with less Python per event (the same events, in the same order), and a
state's decision sleep (`wake`, a `Wake`) is handled in `run`'s loop itself: the state decides
there, as its process would on resuming, without resuming its generator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from heapq import heappop, heappush
from typing import Any, cast

import simpy
from simpy.core import StopSimulation
from simpy.events import NORMAL, URGENT, Event, EventPriority, Timeout

from sim.model.replication import Process

__all__ = ["Clock", "Wake"]

_new = object.__new__


class Wake(Timeout):
    """A state's decision sleep (`Clock.wake`): SimPy's `Timeout` that also names the state."""

    state: int


class Clock(simpy.Environment):
    """The clock and scheduler of one replication of `n` states."""

    def __init__(self, n: int):
        super().__init__()
        self.decisions: list[simpy.Process] = []  # each state's decision process, once started
        self.alarmed = [-1.0] * n  # time of each state's last alarm
        self._generators: list[Process] = []  # every process's generator, closed by close()
        # a state's decision at a wake (`decide(state, now)`: the next sleep, or a change of posture
        # for `acts(state, change)`, which gives the next sleep), set by the engine
        self.decide: Callable[[int, float], Any] | None = None
        self.acts: Callable[[int, Any], float] | None = None

    def wake(self, delay: float, state: int) -> Wake:
        """`timeout(delay)` for the decision process of `state` (a `Wake`): the same event, scheduled
        the same way. When it fires, `run` takes the state's decision (`decide`, then `acts` on a
        change of posture) for the time to the next one and sleeps again, as the process would (see
        `run`)."""
        event = cast(Wake, self._sleep(Wake, delay, None))
        event.state = state
        return event

    def timeout(self, delay: float = 0, value: Any = None) -> Timeout:
        """SimPy's `Timeout(self, delay, value)`, built here (`_sleep`). tests/test_clock.py checks the
        two events agree."""
        return self._sleep(Timeout, delay, value)

    def _sleep(self, kind: type[Timeout], delay: float, value: Any) -> Timeout:
        """A `Timeout` (or `Wake`) built here: the same event as SimPy's, scheduled the same way (its
        time, priority and id from the same counter, so the same order), with two Python calls fewer
        (the class's and `schedule`); SimPy's own `Timeout.__init__` inlines `Event.__init__` the same
        way."""
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        event = _new(kind)
        event.env = self
        event.callbacks = []
        event._value = value
        event._delay = delay
        event._ok = True
        heappush(self._queue, (self._now + delay, NORMAL, next(self._eid), event))
        return event

    def run(self, until: Any = None) -> Any:
        """SimPy's `run` to a time `until` (anything else: SimPy's own), each event processed as
        `step` processes it (callbacks in order, a failed event not defused raised) but in this
        loop, without a call per event; the stop is SimPy's, an urgent event at `until`.

        A `Wake` that still has its process waiting on it (an alarm interrupts the process and takes
        it off) is the process's next step done here: with the process active, as SimPy makes it,
        the state's decision (`decide`, and `acts` on a change) gives the time to its next one, and a new `Wake`, as
        `wake` makes it, takes the process's callback, which waits on it as it would have
        after yielding it. The generator stays where it yielded, to be resumed by an alarm; the
        events, their order and what each decision sees are the same as resuming it."""
        if until is None or isinstance(until, Event):
            return super().run(until)
        at = until if isinstance(until, int) else float(until)
        if at <= self._now:
            raise ValueError(f"until ({at}) must be greater than the current simulation time")
        stop = Event(self)
        stop._ok, stop._value = True, None
        self.schedule(stop, URGENT, at - self._now)
        stop.callbacks.append(StopSimulation.callback)
        queue, decide, sleep, decisions = self._queue, self.decide, self._sleep, self.decisions
        acts = cast(Callable[[int, Any], float], self.acts)  # set with decide
        try:
            while True:  # the stop event is queued until it is processed: the queue is never empty here
                self._now, _, _, event = heappop(queue)
                callbacks, event.callbacks = event.callbacks, None  # type: ignore[assignment]
                if event.__class__ is Wake and callbacks and decide is not None:
                    state = event.state
                    process = self._active_proc = decisions[state]
                    delay = decide(state, self._now)
                    if delay.__class__ is tuple:
                        delay = acts(state, delay)
                    self._active_proc = None
                    event = sleep(Wake, delay, None)  # as `wake`
                    event.state = state  # type: ignore[attr-defined]  # a Wake
                    event.callbacks = callbacks  # [the process's _resume]
                    process._target = event
                    continue
                try:
                    for callback in callbacks:
                        callback(event)
                except StopSimulation:  # as `step`: the event's other callbacks are kept for later
                    event.callbacks = callbacks[callbacks.index(callback) + 1:]
                    self.schedule(event, EventPriority(-1))
                    raise
                if not event._ok and not hasattr(event, "_defused"):  # crash, as `step` does
                    exc = type(event._value)(*event._value.args)
                    exc.__cause__ = event._value
                    raise exc
        except StopSimulation as exc:
            return exc.args[0]

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
        otherwise stay allocated until the garbage collector found the cycle (`acts` too)."""
        self.decide = self.acts = None
        for generator in self._generators:
            generator.close()
