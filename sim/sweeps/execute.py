"""Where a sweep's runs execute: in this process, in local worker processes, or on a Dask cluster.

The unit of work is a chunk: a few replications of one point, run by the top-level (picklable,
spawn-safe) :func:`run_chunk`, which returns finished rows as canonical CSV text and failures with
their tracebacks. A backend keeps a bounded window of chunks in flight and yields results as they
finish, in whatever order; the sweep sorts them on disk, so every backend gives the same bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import signal
import traceback
from concurrent import futures
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from sim.engine.simulation import Setup
from sim.engine.tables import format_row
from sim.execution.guard import owner, watch_parent
from sim.execution.runner import run_replication
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.schema import Scenario

__all__ = [
    "ChunkTask", "ChunkResult", "run_chunk", "InlineBackend", "ProcessBackend", "DaskBackend",
    "open_backend", "default_workers",
]


@dataclass(frozen=True)
class ChunkTask:
    """Replications `reps` ((rep, seed) pairs) of one point: its index, parameter values, scenario."""

    point: int
    values: tuple[Any, ...]
    scenario: Scenario
    reps: tuple[tuple[int, int], ...]


@dataclass
class ChunkResult:
    """What a chunk produced: metric names, one CSV line (with newline) per run, failure records."""

    point: int
    metrics: tuple[str, ...] = ()
    lines: list[str] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)


def run_chunk(task: ChunkTask) -> ChunkResult:
    """Run a chunk's replications; a run that raises becomes a failure record, the others go on."""
    result = ChunkResult(task.point)
    try:
        setup = Setup(task.scenario)
    except Exception as exc:  # the point's world cannot be built: each of its runs failed
        result.failures = [_failure(task, rep, seed, exc) for rep, seed in task.reps]
        return result
    for rep, seed in task.reps:
        try:
            summary = run_replication(setup, rep, seed).summary
        except Exception as exc:  # recorded with its traceback in failures.csv
            result.failures.append(_failure(task, rep, seed, exc))
            continue
        metrics = {k: v for k, v in summary.items() if k not in ("rep", "seed")}
        result.metrics = tuple(metrics)
        result.lines.append(format_row([task.point, rep, seed, *task.values, *metrics.values()]))
    return result


def _failure(task: ChunkTask, rep: int, seed: int, exc: BaseException) -> dict[str, Any]:
    """The failures.csv record of a run that raised."""
    return {
        "point": task.point, "rep": rep, "seed": seed, "values": list(task.values),
        "error": f"{type(exc).__name__}: {exc}", "traceback": "".join(traceback.format_exception(exc)),
    }


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class InlineBackend:
    """Runs in this process, one replication at a time (one worker: no pool, no pickling)."""

    window = 1

    def run(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Yield each replication's result as it finishes, so Ctrl-C loses only the one running."""
        for task in tasks:
            for pair in task.reps:
                yield run_chunk(dataclasses.replace(task, reps=(pair,)))

    def drain(self) -> list[ChunkResult]:
        """Nothing runs elsewhere: nothing to collect."""
        return []

    def close(self) -> None:
        """Nothing to release."""


class _WindowBackend:
    """Keeps at most `window` chunks in flight and yields results as they finish."""

    window = 1
    _pending: set = frozenset()

    def run(self, tasks: Iterable[ChunkTask]) -> Iterator[ChunkResult]:
        """Submit chunks as earlier ones finish; yield results in completion order."""
        tasks, self._pending = iter(tasks), set()
        while True:
            for task in _take(tasks, self.window - len(self._pending)):
                self._pending.add(self._submit(task))
            if not self._pending:
                return
            for future in self._wait(self._pending):
                self._pending.discard(future)
                yield future.result()


def _take(iterator: Iterator[Any], n: int) -> list[Any]:
    """Up to n next items."""
    return [item for _, item in zip(range(max(n, 0)), iterator)]


def _ignore_sigint(main: tuple[int, str] | None = None) -> None:
    """Workers leave Ctrl-C to the parent, which stops them cleanly, and exit if it dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(main)


class ProcessBackend(_WindowBackend):
    """Local worker processes (forkserver where available: safe beside the progress thread)."""

    def __init__(self, workers: int):
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload([__name__])  # workers fork with the engine imported
        self.window = 4 * workers
        self._pool = futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_sigint,
                                                 initargs=(owner(),))

    def _submit(self, task: ChunkTask) -> futures.Future:
        return self._pool.submit(run_chunk, task)

    def _wait(self, pending: set) -> set:
        return futures.wait(pending, return_when=futures.FIRST_COMPLETED).done

    def drain(self) -> list[ChunkResult]:
        """Cancel the queued chunks; wait for the running ones and return what they finished."""
        running = [f for f in self._pending if not f.cancel()]
        self._pending = set()
        return [f.result() for f in futures.wait(running).done if f.exception() is None]

    def close(self) -> None:
        """Stop the workers once the chunks already running are done."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend(_WindowBackend):
    """A `dask.distributed.Client`: a LocalCluster or the scheduler of several machines."""

    def __init__(self, client: Any):
        from distributed import wait

        self._client, self._wait_any = client, wait
        self.window = max(4, 2 * sum(client.nthreads().values()))

    def _submit(self, task: ChunkTask) -> Any:
        return self._client.submit(run_chunk, task, pure=False)

    def _wait(self, pending: set) -> set:
        return set(self._wait_any(list(pending), return_when="FIRST_COMPLETED").done)

    def drain(self) -> list[ChunkResult]:
        """Return the chunks already finished and cancel the others (on a cluster, at once)."""
        finished = [f.result() for f in self._pending if f.status == "finished"]
        if self._pending:
            self._client.cancel(list(self._pending))
        self._pending = set()
        return finished

    def close(self) -> None:
        """The client belongs to the caller: nothing to release here."""


@contextlib.contextmanager
def open_backend(workers: int | None = None, dask: str | None = None, client: Any = None):
    """The backend for a sweep: a given Dask client, `dask` ('local' or a scheduler address),
    else `workers` local processes (default all cores; one runs in this process)."""
    with contextlib.ExitStack() as stack:
        if client is None and dask is not None:
            client = stack.enter_context(_dask_client(dask, workers))
        if client is not None:
            backend: Any = DaskBackend(client)
        elif (workers or default_workers()) == 1:
            backend = InlineBackend()
        else:
            backend = ProcessBackend(workers or default_workers())
        stack.callback(backend.close)
        yield backend


@contextlib.contextmanager
def _dask_client(address: str, workers: int | None):
    """A client of a new LocalCluster (`local`) or of the scheduler at `address`."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise InputErrors('--dask needs dask.distributed: pip install ".[dask]"') from exc
    if address != "local":
        with _connect(Client, address) as client:
            yield client
        return
    n = workers or default_workers()
    with _sigint_ignored():  # the cluster's processes inherit it: Ctrl-C stops only this process
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None,
                               silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        yield client


@contextlib.contextmanager
def _sigint_ignored():
    """Ignore Ctrl-C while starting processes that should leave it to this one."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _connect(client: Any, address: str) -> Any:
    """A client of the scheduler at `address`; an unreachable or malformed address is bad input."""
    try:
        return client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputErrors(InputError(f"cannot reach a Dask scheduler at {address}: {exc}", "--dask")) from None
