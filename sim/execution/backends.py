"""Where replications execute, for `run()` and sweeps alike: in this process, in local worker
processes, or on a Dask cluster; and how many replications go into one unit of work.

A backend maps a top-level (picklable, spawn-safe) function over tasks. It keeps a bounded window
of tasks in flight, so finished results never pile up, and yields results as they finish
(`ordered=False`, a sweep that sorts them on disk) or in submission order (`ordered=True`, a run
that writes replications in order). Every replication depends on its own seed only, so every
backend and every chunk size gives the same bytes.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from typing import Any

from sim.execution.guard import check_script_guard
from sim.execution.orphans import owner, watch_parent
from sim.scenario.errors import InputError, InputErrors

__all__ = ["InlineBackend", "ProcessBackend", "DaskBackend", "open_backend", "default_workers", "chunk_size",
           "chunked"]

Task = Any
Work = Callable[[Task], Any]


WORKERS_RULE = ("worker processes: 1 (the default) runs in this process; 0 uses every core; N starts N processes; "
                "the same rule for every command and for sim.run and sim.sweep")
"""The one rule for the number of workers, quoted by every command's `--workers` help."""


def default_workers() -> int:
    """All the cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def chunk_size(runs: int, workers: int) -> int:
    """Replications per unit of work: one in this process (Ctrl-C loses only the one running);
    else about 32 chunks per worker and at most 8 replications each, so idle workers at the end
    wait for one short chunk at most while the per-chunk cost (pickling a task) stays negligible."""
    if workers <= 1:
        return 1
    return max(1, min(8, runs // (32 * workers)))


def chunked(items: list, size: int) -> list[list]:
    """`items` in consecutive lists of `size`."""
    return [items[k:k + size] for k in range(0, len(items), size)]


class InlineBackend:
    """Runs in this process, one task at a time (one worker: no pool, no pickling)."""

    window = 1
    workers = 1

    def run(self, work: Work, tasks: Iterable[Task], ordered: bool = False) -> Iterator[Any]:
        """Yield each task's result as it finishes (in order: there is only one at a time)."""
        for task in tasks:
            yield work(task)

    def drain(self) -> list[Any]:
        """Nothing runs elsewhere: nothing to collect."""
        return []

    def close(self) -> None:
        """Nothing to release."""


class _WindowBackend:
    """Keeps at most `window` tasks in flight and yields results as they finish (or in order)."""

    window = 1
    workers = 1
    _pending: set = set()

    def _submit(self, work: Work, task: Task) -> Any:
        """Start a task; a future of its result."""
        raise NotImplementedError

    def _wait(self, pending: set) -> set:
        """The futures of `pending` that are done (at least one)."""
        raise NotImplementedError

    def run(self, work: Work, tasks: Iterable[Task], ordered: bool = False) -> Iterator[Any]:
        """Submit tasks as earlier ones finish; yield results in completion order, or with
        `ordered` in submission order (waiting for the oldest)."""
        tasks, self._pending = iter(tasks), set()
        queue: collections.deque = collections.deque()
        while True:
            for task in _take(tasks, self.window - len(self._pending)):
                future = self._submit(work, task)
                self._pending.add(future)
                if ordered:
                    queue.append(future)
            if not self._pending:
                return
            done = [queue[0]] if ordered else self._wait(self._pending)
            for future in done:
                result = future.result()
                self._pending.discard(future)
                if ordered:
                    queue.popleft()
                yield result


def _take(iterator: Iterator[Any], n: int) -> list[Any]:
    """Up to n next items."""
    return [item for _, item in zip(range(max(n, 0)), iterator)]


def _init_worker(main: tuple[int, str] | None = None) -> None:
    """A pool worker leaves Ctrl-C to the parent, which stops it cleanly, and exits as soon as the
    process that made the pool (`main`, :func:`sim.execution.orphans.owner`) dies: a killed run or
    sweep leaves no workers behind (:func:`sim.execution.orphans.watch_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(main)


class ProcessBackend(_WindowBackend):
    """Local worker processes (forkserver where available, with the engine imported before the
    fork: workers start fast and are safe beside the progress thread; else spawn)."""

    def __init__(self, workers: int):
        check_script_guard()  # before any worker re-imports an unguarded script
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["sim.execution.replication"])
        self.workers, self.window = workers, 4 * workers
        self._pool = futures.ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                                                 initargs=(owner(),))

    def _submit(self, work: Work, task: Task) -> futures.Future:
        return self._pool.submit(work, task)

    def _wait(self, pending: set) -> set:
        return futures.wait(pending, return_when=futures.FIRST_COMPLETED).done

    def drain(self) -> list[Any]:
        """Cancel the queued tasks; wait for the running ones and return what they finished."""
        running = [f for f in self._pending if not f.cancel()]
        self._pending = set()
        return [f.result() for f in futures.wait(running).done if f.exception() is None]

    def close(self) -> None:
        """Stop the workers once the tasks already running are done."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskBackend(_WindowBackend):
    """A `dask.distributed.Client`: a LocalCluster or the scheduler of several machines."""

    def __init__(self, client: Any):
        from distributed import wait

        self._client, self._wait_any = client, wait
        self.workers = max(1, sum(client.nthreads().values()))
        self.window = max(4, 2 * self.workers)

    def _submit(self, work: Work, task: Task) -> Any:
        return self._client.submit(work, task, pure=False)

    def _wait(self, pending: set) -> set:
        return set(self._wait_any(list(pending), return_when="FIRST_COMPLETED").done)

    def drain(self) -> list[Any]:
        """Return the tasks already finished and cancel the others (on a cluster, at once)."""
        finished = [f.result() for f in self._pending if f.status == "finished"]
        if self._pending:
            self._client.cancel(list(self._pending))
        self._pending = set()
        return finished

    def close(self) -> None:
        """The client belongs to the caller: nothing to release here."""


@contextlib.contextmanager
def open_backend(workers: int | None = None, dask: str | None = None, client: Any = None) -> Iterator[Any]:
    """The backend for a run or a sweep: a given Dask client, `dask` ('local' or a scheduler
    address), else `workers` local processes (default all cores; one runs in this process)."""
    with contextlib.ExitStack() as stack:
        if client is None and dask is not None:
            client = stack.enter_context(_dask_client(dask, workers))
        backend: InlineBackend | _WindowBackend
        if client is not None:
            backend = DaskBackend(client)
        elif (workers or default_workers()) == 1:
            backend = InlineBackend()
        else:
            backend = ProcessBackend(workers or default_workers())
        stack.callback(backend.close)
        yield backend


@contextlib.contextmanager
def _dask_client(address: str, workers: int | None) -> Iterator[Any]:
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
    check_script_guard()  # the LocalCluster's worker processes import the main script again
    with _sigint_ignored():  # the cluster's processes inherit it: Ctrl-C stops only this process
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=None,
                               silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:
        client.run(watch_parent, owner())  # this machine's workers exit if this process is killed
        yield client


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
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
