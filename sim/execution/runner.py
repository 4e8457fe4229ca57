"""Running a scenario many times: seeds, workers, and the tables that come out.

A seed goes in at the top and one child seed per replication comes out of
`numpy.random.SeedSequence(seed).spawn(replications)`, drawn before any work is distributed;
replication k depends on its own seed only. So one worker and many give the same bytes, and
replication k of two scenarios run with the same seed shares its random streams (common random
numbers): their difference is the intervention, not the noise.
"""

from __future__ import annotations

import os
import pickle
import platform
import time
import uuid
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from sim.engine.tables import OPTIONAL, TABLES, format_row, headers
from sim.execution.backends import chunk_size, chunked, open_backend
from sim.execution.limits import MAX_ROWS, check_run
from sim.execution.output import CsvWriter, atomic_folder, write_json
from sim.execution.progress import progress_bar
from sim.execution.replication import Replication, RunTask, forget, run_replication, run_task
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.loading import resolved_dict, scenario_sha256
from sim.scenario.schema import Scenario
from sim.scenario.schemaerrors import input_errors

__all__ = ["Replication", "Result", "replication_seeds", "run_replication", "iter_replications", "run",
           "run_to_folder"]


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The seed of each replication: `SeedSequence(seed).spawn(replications)`, as 64-bit integers."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1, np.uint64)[0]) for c in children]


def iter_replications(scenario: Scenario, seeds: list[int], workers: int | None = 1,
                      horizon: float | None = None, as_text: bool = False, dask: str | None = None,
                      client: Any = None, backend: Any = None, reps: list[int] | None = None,
                      sources: bool = False, hazards: float | None = None) -> Iterator:
    """Yield replications in order, run on a backend of :mod:`sim.execution.backends` (the same
    as sweeps): `workers` local processes (0: all cores; 1: this process), a Dask cluster
    (`dask` = 'local' or a scheduler address, or a `client`), or a `backend` already open.

    With `as_text` each comes as its tables' CSV text (`.rep`, `.text[table]`), rendered by the worker.
    `reps` numbers the replications (default 0, 1, ...), for a run split into parts; with `sources`
    each also splits tension by source (sources.csv); with `hazards` each keeps the hazard ledger up
    to that day (`Replication.hazards`, :mod:`sim.model.ledger`).
    """
    pairs = list(zip(reps, seeds)) if reps is not None else list(enumerate(seeds))
    if backend is not None:
        yield from _on(backend, scenario, pairs, horizon, as_text, sources, hazards)
        return
    if dask is None and client is None:
        workers = max(1, min(workers or os.cpu_count() or 1, len(pairs)))
    with open_backend(workers or None, dask=dask, client=client) as opened:
        yield from _on(opened, scenario, pairs, horizon, as_text, sources, hazards)


def _on(backend: Any, scenario: Scenario, pairs: list, horizon: float | None, as_text: bool,
        sources: bool = False, hazards: float | None = None) -> Iterator:
    """The replications of `pairs`, in chunks of the shared size, in order."""
    key, data = uuid.uuid4().hex, pickle.dumps(scenario)
    chunks = chunked(pairs, chunk_size(len(pairs), backend.workers))
    tasks = (RunTask(key, data, horizon, as_text, tuple(chunk), sources, hazards) for chunk in chunks)
    try:
        for replications in backend.run(run_task, tasks, ordered=True):
            yield from replications
    finally:
        forget(key)  # the Setup this process built, when it ran chunks itself


def _resolved(scenario: Scenario, replications, seed, horizon, max_rows: int = MAX_ROWS) -> Scenario:
    """The scenario with the run's own replications, seed and horizon, checked (values and size)."""
    update = {k: v for k, v in (("replications", replications), ("seed", seed), ("horizon_days", horizon))
              if v is not None}
    try:
        resolved = scenario.model_validate({**scenario.model_dump(by_alias=True), **update}) if update else scenario
    except ValidationError as exc:
        flags = {"replications": "--reps", "seed": "--seed", "horizon_days": "--horizon"}
        raise InputErrors(input_errors(exc, {}, file="command line",
                                       label=lambda path: flags.get(str(path[0]), str(path[0])) if path else "")) from None
    check_run(resolved, max_rows=max_rows)
    return resolved


def _meta(scenario: Scenario, wall: float) -> dict:
    versions: dict[str, str | None] = {}
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

    def __init__(self, scenario: Scenario, replications: list[Replication], wall: float, sources: bool = False):
        self.scenario = scenario
        self.replications = replications
        self.tables = TABLES + (OPTIONAL if sources else ())  # the tables this run made
        self.meta = _meta(scenario, wall)
        self.headers = headers(scenario.watch)

    def rows(self, table: str) -> list[tuple]:
        """All rows of a table, in replication order."""
        return [row for r in self.replications for row in r.rows(table)]

    def frame(self, table: str = "summary"):
        """The table as a pandas DataFrame, read from the CSV text the run writes by the reader of
        result folders (:func:`sim.read_run`): the same values and dtypes as reading the written
        file back (text columns as text, a time that never came NaN)."""
        from sim.execution.results import read_table

        text = format_row(self.headers[table]) + "".join(map(format_row, self.rows(table)))
        return read_table(f"{table}.csv", table, allow_empty=True, text=text)

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
        writers = {t: CsvWriter(folder / f"{t}.csv", self.headers[t]) for t in self.tables}
        for rep in self.replications:
            for t, w in writers.items():
                w.rows(rep.rows(t))
        for w in writers.values():
            w.close()
        write_json(folder / "meta.json", self.meta)


def run(scenario: Scenario, replications: int | None = None, seed: int | None = None, workers: int | None = 1,
        horizon: float | None = None, progress: bool = False, dask: str | None = None,
        client: Any = None, max_rows: int = MAX_ROWS, sources: bool = False, hazards: float | None = None) -> Result:
    """Run a scenario's replications (default: the scenario's own count and seed) and keep the tables
    (with `sources`, sources.csv too: each watched state's tension split by source and component;
    with `hazards`, each replication's hazard ledger up to that day, `Result.replications[k].hazards`,
    for the conditional Monte Carlo of :mod:`sim.model.ledger`: the tables are the same).

    Runs on `workers` local processes (1, the default: this process; 0: every core), or on Dask: `dask` = 'local' or a scheduler
    address, or a `dask.distributed.Client` (the same backends as sweeps, the same bytes).
    A run whose tables would pass `max_rows` rows is refused before it starts (:mod:`sim.execution.limits`)."""
    scenario = _resolved(scenario, replications, seed, horizon, max_rows)
    start = time.perf_counter()
    seeds = replication_seeds(scenario.seed, scenario.replications)
    with progress_bar(len(seeds), scenario.name, enabled=progress) as advance:
        reps = []
        for rep in iter_replications(scenario, seeds, workers, dask=dask, client=client, sources=sources,
                                      hazards=hazards):
            reps.append(rep)
            advance()
    return Result(scenario, reps, time.perf_counter() - start, sources)


def run_to_folder(scenario: Scenario, out: str | os.PathLike, replications: int | None = None,
                  seed: int | None = None, workers: int | None = 1, horizon: float | None = None,
                  force: bool = False, progress: bool = False, dask: str | None = None,
                  client: Any = None, tables: Iterable[str] = TABLES,
                  max_rows: int = MAX_ROWS, table_format: str = "csv") -> tuple[Path, dict]:
    """Run and stream every replication's rows to disk as it arrives (memory stays flat); backends
    as for :func:`run`; write only the named `tables` (the four of `TABLES` by default; `sources` of
    `OPTIONAL` only when named; meta.json lists them when they are not the default).
    With `table_format` "parquet" each table is then stored as Parquet (typed; needs pyarrow)
    instead of CSV. A run that would write more than `max_rows` rows is refused before any work."""
    from sim.execution.results import FORMATS, parquet_problem, to_parquet  # pandas, only here

    tables = tuple(tables)
    if table_format not in FORMATS:
        raise InputErrors(InputError(f"unknown table format {table_format!r}: one of {', '.join(FORMATS)}"))
    if table_format == "parquet" and parquet_problem():
        raise InputErrors(InputError(str(parquet_problem()), "--format parquet"))
    scenario = _resolved(scenario, replications, seed, horizon, max_rows)
    start = time.perf_counter()
    seeds = replication_seeds(scenario.seed, scenario.replications)
    head = headers(scenario.watch)
    with atomic_folder(out, force) as tmp, progress_bar(len(seeds), scenario.name, enabled=progress) as advance:
        writers = {t: CsvWriter(tmp / f"{t}.csv", head[t]) for t in TABLES + OPTIONAL if t in tables}
        for rep in iter_replications(scenario, seeds, workers, as_text=True, dask=dask, client=client,
                                     sources="sources" in tables):
            for t, w in writers.items():
                w.file.write(rep.text[t])
            advance()
        for t, w in writers.items():
            w.close()
            if table_format == "parquet":
                to_parquet(tmp / f"{t}.csv", t)
        meta = _meta(scenario, time.perf_counter() - start)
        if tables != TABLES:
            meta["tables"] = [t for t in TABLES + OPTIONAL if t in tables]
        if table_format != "csv":
            meta["table_format"] = table_format
        write_json(tmp / "meta.json", meta)
    return Path(out), meta
