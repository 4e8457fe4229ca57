"""What the benchmark measures: the bare SimPy floor, one replication, throughput, scaling, memory.

Every figure is a wall time from `time.perf_counter` (best of a few repeats where noted), so
ratios taken within one run hold on a machine shared with other work.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import simpy

from sim.engine.clock import Clock as ReplicationClock
from sim.engine.simulation import Setup, Simulation
from sim.execution.replication import replication_text
from sim.execution.runner import replication_seeds, run_replication, run_to_folder

__all__ = [
    "Clock", "Tape", "record_tape", "floor_seconds", "model_seconds", "throughput", "scaling",
    "peak_rss_mb", "peak_hwm_kb",
]

ROOT = Path(__file__).resolve().parent.parent


class Tape(ReplicationClock):
    """A replication's clock that notes, for each process, when it went to sleep and for how long."""

    def __init__(self, n: int):
        super().__init__(n)
        self.sleeps: dict = {}
        plain = self.timeout

        def timeout(delay=0, value=None):
            self.sleeps.setdefault(self.active_process, []).append((self.now, delay))
            return plain(delay, value)

        self.timeout = timeout
        wake = self.wake

        def wakes(delay, state):
            self.sleeps.setdefault(self.active_process, []).append((self.now, delay))
            return wake(delay, state)

        self.wake = wakes

    def run(self, until=None):
        """The replication's own run, every decision by its process resuming (through `wake`, noted
        above) rather than in the loop: the same events in the same order."""
        self.decide = None
        return super().run(until)


def record_tape(setup: Setup, seed: int) -> tuple[list[list[float]], int]:
    """Each process's sleeps as delays from time 0 (woken early by an alarm: the actual gap),
    and the number of SimPy events the replication scheduled."""
    sim = Simulation(setup, seed)
    sim.env = Tape(setup.world.n)
    sim.run()
    schedules = []
    for sleeps in sim.env.sleeps.values():
        starts = [t for t, _ in sleeps]
        gaps = [b - a for a, b in zip(starts, starts[1:])] + [sleeps[-1][1]]
        schedules.append(([starts[0]] if starts[0] > 0 else []) + gaps)
    return schedules, next(sim.env._eid)


def _sleeper(env, delays):
    for delay in delays:
        yield env.timeout(delay)


class Clock:
    """Wall and CPU seconds of a block (CPU time is what a loaded, shared machine does not inflate).
    CPU time is this thread's: BLAS helper threads that spin after a matrix product would count
    in the process's."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.thread_time() - self.cpu


def floor_seconds(schedules: list[list[float]], horizon: float) -> tuple[Clock, int]:
    """Wall and CPU time of a bare SimPy program with the same processes and wake-ups, doing nothing
    else, and the number of events it scheduled."""
    with Clock() as clock:
        env = simpy.Environment()
        for delays in schedules:
            env.process(_sleeper(env, delays))
        env.run(until=horizon)
    return clock, next(env._eid)


def model_seconds(setup: Setup, rep: int, seed: int) -> Clock:
    """Wall and CPU time of one replication with its rows (as a worker produces them)."""
    with Clock() as clock:
        run_replication(setup, rep, seed)
    return clock


def text_seconds(setup: Setup, rep: int, seed: int, sources: bool) -> Clock:
    """Wall and CPU time of one replication rendered as the CSV text a run writes (the command
    line's path), with or without sources.csv (the attribution of tension)."""
    with Clock() as clock:
        replication_text(setup, rep, seed, sources=sources)
    return clock


def throughput(scenario, replications: int, workers: int) -> dict:
    """Replications per second of `run_to_folder` (the command line's path), pool start-up included,
    and the CPU seconds it took per replication in this process and its workers."""
    before = _cpu_own()
    with tempfile.TemporaryDirectory() as tmp, Clock() as clock, _DescendantsCpu(workers > 1) as workers_cpu:
        run_to_folder(scenario, Path(tmp) / "out", replications=replications, workers=workers)
    return {"per_second": replications / clock.wall,
            "cpu_per_rep": (_cpu_own() - before + workers_cpu.seconds) / replications}


def _cpu_own() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class _DescendantsCpu:
    """CPU seconds used by every process below this one while the block runs (worker processes may be
    grandchildren, forked by a forkserver, which `RUSAGE_CHILDREN` never sees): sampled every 10 ms,
    so a worker's last few milliseconds before it exits may be missed. Off (0 s, no polling
    thread) for a run in this process alone."""

    def __init__(self, enabled: bool = True):
        self.enabled, self.seconds = enabled, 0.0

    def __enter__(self):
        import threading

        if not self.enabled:
            return self

        import psutil

        self._me, self._seen, self._start = psutil.Process(), {}, {}
        for child in self._children():
            self._start[child.pid] = self._cpu(child)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _children(self):
        return self._me.children(recursive=True)

    @staticmethod
    def _cpu(process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    def _poll(self) -> None:
        import psutil

        while not self._done.wait(0.01):
            for child in self._children():
                try:
                    self._seen[child.pid] = self._cpu(child)
                except psutil.Error:
                    pass

    def __exit__(self, *exc):
        if not self.enabled:
            return
        self._done.set()
        self._thread.join()
        self.seconds = sum(cpu - self._start.get(pid, 0.0) for pid, cpu in self._seen.items())


def scaling(scenario, repeats: int = 1) -> dict:
    """Seconds per scheduled SimPy event and events per simulated day of one replication (best of
    `repeats`, and of enough repeats to fill about a second when a replication is short: a small
    world's 7 ms replication is otherwise at the mercy of one scheduler hiccup). The previous
    replication is dropped before the next starts, as in a worker."""
    setup = Setup(scenario)
    seed = replication_seeds(scenario.seed, 1)[0]
    best, cpu, events, done = float("inf"), float("inf"), 0, 0
    while done < repeats or (done < 20 and best * done < 1.0):
        with Clock() as clock:
            sim = Simulation(setup, seed)
            sim.run()
        best, cpu, events, horizon = min(best, clock.wall), min(cpu, clock.cpu), next(sim.env._eid), sim.horizon
        del sim
        done += 1
    return {"n": setup.world.n, "seconds": best, "events": events, "per_event_us": 1e6 * best / events,
            "cpu_per_event_us": 1e6 * cpu / events, "events_per_day": events / horizon}


def tension_samples(scenario) -> dict:
    """CPU time of each tension sample (`Intent.tension`, the kernel's `tension_of`) over one
    replication: the mean and the number of samples."""
    sim = Simulation(Setup(scenario), replication_seeds(scenario.seed, 1)[0])
    tension, cpu = sim.intent.tension, []

    def timed(*args, **kwargs):
        start = time.thread_time()
        out = tension(*args, **kwargs)
        cpu.append(time.thread_time() - start)
        return out

    sim.intent.tension = timed  # type: ignore[method-assign]
    sim.run()
    return {"samples": len(cpu), "mean_ms": 1e3 * sum(cpu) / len(cpu)}


_CHILD = """
import json, sys, tempfile, threading, time
import psutil
sys.path[:0] = [{root!r}, {bench!r}]
from scenario import benchmark_scenario
from measure import peak_hwm_kb
workers, done = {{}}, threading.Event()

def poll():  # the workers' resident memory, sampled (they are gone when the run returns)
    me = psutil.Process()
    while not done.wait(0.1):
        for child in me.children(recursive=True):
            try:
                workers[child.pid] = max(workers.get(child.pid, 0), child.memory_info().rss >> 10)
            except psutil.Error:
                pass

threading.Thread(target=poll, daemon=True).start()
start = time.perf_counter()
{body}
done.set()
print(json.dumps({{"self_kb": peak_hwm_kb(), "workers_kb": max(workers.values(), default=0),
                  "seconds": time.perf_counter() - start}}))
"""


def peak_hwm_kb() -> int:
    """This process's peak resident memory in kB: VmHWM, which starts afresh at exec (ru_maxrss
    keeps the peak of the parent it was forked from, so a child of a big process looks big)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_mb(body: str) -> dict:
    """Run `body` in a fresh Python process; its peak resident memory and its largest worker's, in MB."""
    code = _CHILD.format(root=str(ROOT), bench=str(ROOT / "benchmarks"), body=body)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {"self_mb": data["self_kb"] / 1024, "workers_mb": data["workers_kb"] / 1024, "seconds": data["seconds"]}
