"""The replication's clock builds SimPy's timeouts itself (`Clock.timeout`, for speed): the same
events, scheduled the same way, so every replication wakes in the same order."""

from __future__ import annotations

import pytest
import simpy
from simpy.events import Timeout

from sim.engine.clock import Clock


def test_timeout_is_simpys_event():
    clock, plain = Clock(1), simpy.Environment()
    for env in (clock, plain):
        env.run(until=2.5)
    ours, theirs = clock.timeout(1.5, "v"), Timeout(plain, 1.5, "v")
    assert type(ours) is Timeout
    assert {k: v for k, v in vars(ours).items() if k != "env"} == {k: v for k, v in vars(theirs).items() if k != "env"}
    assert ours.env is clock
    assert [entry[:3] for entry in clock._queue] == [entry[:3] for entry in plain._queue]  # time, priority, id
    assert ours.triggered and ours.ok and ours.value == "v"


def test_negative_delay_is_refused_as_simpy_does():
    with pytest.raises(ValueError, match="Negative delay"):
        Clock(1).timeout(-1.0)


def _wakes(env) -> list[tuple[float, str]]:
    """Processes sleeping equal and unequal delays, interrupting one another: who woke when."""
    seen: list[tuple[float, str]] = []

    def sleeper(name, delays):
        for d in delays:
            try:
                yield env.timeout(d)
            except simpy.Interrupt:
                seen.append((env.now, name + " interrupted"))
            seen.append((env.now, name))

    def interrupter(victim):
        yield env.timeout(1.0)
        victim.interrupt()
        yield env.timeout(0)
        seen.append((env.now, "interrupter"))

    a = env.process(sleeper("a", [1.0, 1.0, 0.5, 0.0]))
    env.process(sleeper("b", [0.5, 1.5, 0.5]))
    env.process(sleeper("c", [2.0, 0.0, 0.5]))
    env.process(interrupter(a))
    env.run(until=10)
    return seen


def test_processes_wake_in_the_same_order_as_on_plain_simpy():
    assert _wakes(Clock(3)) == _wakes(simpy.Environment())


def test_run_stops_and_crashes_as_simpy_does():
    def failing(env):
        yield env.timeout(1.0)
        raise KeyError("boom")

    for env in (Clock(1), simpy.Environment()):
        env.process(failing(env))
        with pytest.raises(KeyError, match="boom"):
            env.run(until=5)
    clock, plain = Clock(1), simpy.Environment()
    for env in (clock, plain):
        env.run(until=3)
        env.run(until=4.5)
    assert clock.now == plain.now == 4.5
    assert [entry[:3] for entry in clock._queue] == [entry[:3] for entry in plain._queue]


def _decisions(fast: bool) -> tuple[list, list]:
    """Three states sleeping between decisions (`Clock.wake`), alarmed from outside and by one
    another's decisions: who decided when, and the queue left at the end."""
    clock, seen = Clock(3), []
    delays = [iter([0.5, 1.0, 0.25] * 20), iter([0.7, 0.3] * 30), iter([1.1, 0.2, 0.6] * 20)]

    def step(i):
        seen.append((clock.now, i, clock.active_process is clock.decisions[i]))
        if i == 1 and clock.now > 2.0:
            clock.alarm([0, 2], cause=None)  # a decision that wakes others
        return next(delays[i])

    def decisions(i):
        wait = next(delays[i])
        while True:
            try:
                yield clock.wake(wait, i)
            except simpy.Interrupt:
                seen.append((clock.now, i, "alarmed"))
            wait = step(i)

    def alarms():
        yield clock.timeout(1.3)
        clock.alarm([0, 2], cause=None)
        yield clock.timeout(0.4)
        clock.alarm([1], cause=None)

    clock.decisions = [clock.spawn(decisions(i)) for i in range(3)]
    if fast:  # else every wake resumes its process, as plain SimPy does
        # state 0's decision changes nothing (a float: the next sleep); the others' change a posture
        clock.decide = lambda i, now: step(i) if i == 0 else ("changed", i)
        clock.acts = lambda i, change: step(change[1])
    clock.spawn(alarms())
    clock.run(until=6)
    return seen, [entry[:3] for entry in clock._queue]


def test_decisions_taken_in_the_loop_are_the_processes_own():
    fast, slow = _decisions(True), _decisions(False)
    assert any(entry[2] == "alarmed" for entry in slow[0])
    assert fast == slow
