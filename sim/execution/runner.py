"""Running a scenario many times: seeds, workers, and the tables that come out.

A seed goes in at the top and one child seed per replication comes out of
`numpy.random.SeedSequence(seed).spawn(replications)`, drawn before any work is distributed;
replication k depends on its own seed only. So one worker and many give the same bytes, and
replication k of two scenarios run with the same seed shares its random streams (common random
numbers): their difference is the intervention, not the noise.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import multiprocessing
import os
import platform
import time
from importlib import metadata
from pathlib import Path
from typing import Iterator

import numpy as np
from pydantic import ValidationError

from sim.engine.simulation import Setup
from sim.engine.tables import TABLES, headers
from sim.execution.guard import owner
from sim.execution.limits import MAX_ROWS, check_run
from sim.execution.output import CsvWriter, atomic_folder, write_json
from sim.execution.progress import progress_bar
from sim.execution.replication import (
    Replication,
    init_worker,
    replication_text,
    run_chunk,
    run_replication,
)
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.loading import resolved_dict, scenario_sha256
from sim.scenario.schema import Scenario

__all__ = ["Replication", "Result", "replication_seeds", "run_replication", "iter_replications", "run",
           "run_to_folder"]


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The seed of each replication: `SeedSequence(seed).spawn(replications)`, as 64-bit integers."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1, np.uint64)[0]) for c in children]


def _chunks(pairs: list, workers: int) -> list[list]:
    """About 32 chunks per worker (at most 8 replications each): idle workers at the end wait for one
    short chunk at most, while the per-chunk cost (a pickled list of seeds) stays negligible."""
    size = max(1, min(8, len(pairs) // (workers * 32)))
    return [pairs[k:k + size] for k in range(0, len(pairs), size)]


def _in_order(pool, chunks: list[list], window: int) -> Iterator:
    """Results of `run_chunk` in order, with at most `window` chunks submitted and not yet consumed,
    so finished replications never pile up in memory (`Executor.map` would submit them all)."""
    pending: collections.deque = collections.deque()
    for chunk in chunks:
        pending.append(pool.submit(run_chunk, chunk))
        if len(pending) >= window:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


def iter_replications(scenario: Scenario, seeds: list[int], workers: int = 1,
                      horizon: float | None = None, as_text: bool = False) -> Iterator:
    """Yield replications in order; with several workers they run in separate processes.

    With `as_text` each comes as its tables' CSV text (`.rep`, `.text[table]`), rendered by the worker.
    """
    pairs = list(enumerate(seeds))
    workers = max(1, min(workers or os.cpu_count() or 1, len(pairs)))
    if workers == 1:
        setup = Setup(scenario)
        run_one = replication_text if as_text else run_replication
        for rep, seed in pairs:
            yield run_one(setup, rep, seed, horizon)
        return
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=init_worker,
                                initargs=(scenario, horizon, as_text, owner())) as pool:
        yield from _in_order(pool, _chunks(pairs, workers), 4 * workers)


def _resolved(scenario: Scenario, replications, seed, horizon, max_rows: int = MAX_ROWS) -> Scenario:
    """The scenario with the run's own replications, seed and horizon, checked (values and size)."""
    update = {k: v for k, v in (("replications", replications), ("seed", seed), ("horizon_days", horizon))
              if v is not None}
    try:
        resolved = scenario.model_validate({**scenario.model_dump(by_alias=True), **update}) if update else scenario
    except ValidationError as exc:
        flags = {"replications": "--reps", "seed": "--seed", "horizon_days": "--horizon"}
        raise InputErrors([InputError(f"{e['msg']} (got {e.get('input')!r})", "command line",
                                      path=flags.get(str(e["loc"][0]), str(e["loc"][0])) if e["loc"] else "")
                           for e in exc.errors()]) from None
    check_run(resolved, max_rows=max_rows)
    return resolved


def _meta(scenario: Scenario, wall: float) -> dict:
    versions = {}
    for package in ("alliance-sim", "simpy", "numpy", "scipy", "pydantic"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "scenario": resolved_dict(scenario), "sha256": scenario_sha256(scenario),
        "name": scenario.name, "seed": scenario.seed, "replications": scenario.replications,
        "horizon_days": scenario.horizon_days, "versions": versions,
        "python": platform.python_version(), "wall_time_s": round(wall, 3),
    }


class Result:
    """The tables of a run, in memory: write them to a folder or read them as DataFrames."""

    def __init__(self, scenario: Scenario, replications: list[Replication], wall: float):
        self.scenario = scenario
        self.replications = replications
        self.meta = _meta(scenario, wall)
        self.headers = headers(scenario.watch)

    def rows(self, table: str) -> list[tuple]:
        """All rows of a table, in replication order."""
        return [row for r in self.replications for row in r.rows(table)]

    def frame(self, table: str = "summary"):
        """The table as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows(table), columns=self.headers[table])

    @property
    def summary(self):
        """summary.csv as a DataFrame."""
        return self.frame("summary")

    def write(self, folder: str | os.PathLike, force: bool = False) -> Path:
        """Write every table and meta.json atomically into `folder`."""
        with atomic_folder(folder, force) as tmp:
            self.write_tables(tmp)
        return Path(folder)

    def write_tables(self, folder: Path) -> None:
        """Write every table and meta.json into an existing (temporary) folder."""
        writers = {t: CsvWriter(folder / f"{t}.csv", self.headers[t]) for t in TABLES}
        for rep in self.replications:
            for t, w in writers.items():
                w.rows(rep.rows(t))
        for w in writers.values():
            w.close()
        write_json(folder / "meta.json", self.meta)


def run(scenario: Scenario, replications: int | None = None, seed: int | None = None, workers: int = 1,
        horizon: float | None = None, progress: bool = False, max_rows: int = MAX_ROWS) -> Result:
    """Run a scenario's replications (default: the scenario's own count and seed) and keep the tables.

    A run whose tables would pass `max_rows` rows is refused before it starts (:mod:`sim.execution.limits`)."""
    scenario = _resolved(scenario, replications, seed, horizon, max_rows)
    start = time.perf_counter()
    seeds = replication_seeds(scenario.seed, scenario.replications)
    with progress_bar(len(seeds), scenario.name, enabled=progress) as advance:
        reps = []
        for rep in iter_replications(scenario, seeds, workers):
            reps.append(rep)
            advance()
    return Result(scenario, reps, time.perf_counter() - start)


def run_to_folder(scenario: Scenario, out: str | os.PathLike, replications: int | None = None,
                  seed: int | None = None, workers: int = 1, horizon: float | None = None,
                  force: bool = False, progress: bool = False, max_rows: int = MAX_ROWS) -> tuple[Path, dict]:
    """Run and stream every replication's rows to disk as it arrives (memory stays flat)."""
    scenario = _resolved(scenario, replications, seed, horizon, max_rows)
    start = time.perf_counter()
    seeds = replication_seeds(scenario.seed, scenario.replications)
    head = headers(scenario.watch)
    with atomic_folder(out, force) as tmp, progress_bar(len(seeds), scenario.name, enabled=progress) as advance:
        writers = {t: CsvWriter(tmp / f"{t}.csv", head[t]) for t in TABLES}
        for rep in iter_replications(scenario, seeds, workers, as_text=True):
            for t, w in writers.items():
                w.file.write(rep.text[t])
            advance()
        for w in writers.values():
            w.close()
        meta = _meta(scenario, time.perf_counter() - start)
        write_json(tmp / "meta.json", meta)
    return Path(out), meta
