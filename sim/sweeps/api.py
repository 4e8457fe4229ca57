"""Parameter sweeps: every point of a design, each replicated with common random numbers.

Replication k of every point runs from `replication_seeds(seed, replications)[k]`, so two points
differ by their parameters, not their noise. Runs execute in local processes or on Dask
(:mod:`sim.sweeps.execute`), finished rows stream to a fsync'd journal (:mod:`sim.sweeps.store`), and at
the end `runs.csv`, `points.csv` (:mod:`sim.sweeps.summary`), `failures.csv` and `manifest.json`
are written. A sweep killed at any moment continues with `resume=True` and ends with the same bytes.

>>> result = sweep("scenarios/baseline_2022.yaml", {"parameters.decision.war_cost": [1.0, 4.0]},
...                replications=20, seed=1)  # doctest: +SKIP
>>> result.points[["parameters.decision.war_cost", "max_level_mean"]]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.engine.tables import format_value, summary_columns
from sim.execution.backends import chunk_size, open_backend
from sim.execution.limits import MAX_RUNS
from sim.execution.orphans import TEMP_MARK, clean_stale, temp_name
from sim.execution.output import check_target, move_into_place
from sim.scenario.errors import InputError, InputErrors
from sim.sweeps.execute import ChunkResult, ChunkTask, run_chunk
from sim.sweeps.manifest import check_resumable, manifest, write_manifest
from sim.sweeps.plan import SweepPlan, load_sweep, plan_sweep
from sim.sweeps.store import (
    FAILURE_JOURNAL,
    FAILURES,
    JOURNAL,
    OUTPUTS,
    POINTS,
    RUNS,
    FailureJournal,
    Journal,
    claim_folder,
    read_manifest,
    recover_journal,
    write_failures,
    write_sorted_runs,
)
from sim.sweeps.summary import write_points

__all__ = ["sweep", "run_sweep", "check_folder", "SweepResult", "SweepOutcome", "load_sweep", "plan_sweep", "read_table"]

Progress = Callable[[int, int], None]


@dataclass
class SweepOutcome:
    """How a sweep ended: its folder, and how many of its runs are done and how many failed."""

    folder: Path
    total: int
    done: int
    failed: int


@dataclass
class SweepResult:
    """A finished sweep's tables: DataFrames where pandas is installed, lists of rows otherwise."""

    runs: Any
    points: Any
    failures: Any
    manifest: dict
    out: Path | None


def sweep(scenario: Any, parameters: Mapping[str, Any], *, design: str = "grid",
          samples: int | None = None, replications: int | None = None, seed: int | None = None,
          overrides: Mapping[str, Any] | None = None, workers: int | None = 1, client: Any = None,
          out: str | Path | None = None, resume: bool = False, force: bool = False,
          name: str | None = None, max_runs: int = MAX_RUNS) -> SweepResult:
    """Sweep `parameters` ({dotted path: values or range}) of a scenario (path, mapping or Scenario).

    `design` is grid, random, lhs or sobol (`samples` points for the last three); `overrides`
    are fixed at every point (a sweep file's `set:`). Runs go to `workers` local processes (1, the
    default: this process; 0: every core; as :func:`sim.run`) or to a `dask.distributed.Client`.
    With `out` the tables are written there (as by the command line; `resume`, `force` as there);
    without, they are kept in memory only. A sweep of more than `max_runs` runs is refused before it starts.
    """
    plan = plan_sweep(scenario, parameters, design=design, samples=samples, replications=replications,
                      seed=seed, overrides=overrides, name=name, max_runs=max_runs)
    with tempfile.TemporaryDirectory(prefix="sweep-") as scratch:
        folder = Path(out) if out is not None else Path(scratch)
        with open_backend(workers or None, client=client) as backend:
            run_sweep(plan, folder, backend, resume=resume, force=force)
        return _result(folder, keep=out is not None)


def _result(folder: Path, keep: bool) -> SweepResult:
    """Read a sweep's tables back."""
    failures = folder / FAILURES
    return SweepResult(read_table(folder / RUNS), read_table(folder / POINTS),
                       read_table(failures) if failures.exists() else [], read_manifest(folder) or {},
                       folder if keep else None)


def read_table(path: Path) -> Any:
    """A CSV table as a pandas DataFrame (runs.csv typed by the reader of result tables,
    :func:`sim.execution.results.read_table`), or as a list of dicts of numbers and text without pandas."""
    try:
        import pandas
    except ImportError:
        return _plain_rows(path)
    if path.name == RUNS:
        from sim.execution.results import read_table as read_result_table

        return read_result_table(path, "runs", allow_empty=True)
    return pandas.read_csv(path)


def _plain_rows(path: Path) -> list[dict[str, Any]]:
    """A CSV table as a list of dicts, cells read as numbers where they are numbers."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [{k: _cell(v) for k, v in row.items()} for row in csv.DictReader(handle)]


def _cell(text: str) -> Any:
    """A CSV cell as int, float, None (empty) or text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return None if text == "" else text


def run_sweep(plan: SweepPlan, folder: str | Path, backend: Any, *, resume: bool = False,
              force: bool = False, progress: Callable[[int, int], None] | None = None) -> SweepOutcome:
    """Run the plan's unfinished runs on `backend`, journaling each, then write the final tables.

    `progress(done, failed)` is called as runs finish. Ctrl-C (KeyboardInterrupt) leaves the
    journal and a manifest marked `interrupted` that say which runs are done, and re-raises.
    """
    folder = Path(folder)
    if force and not resume and check_folder(folder, plan, resume, force):
        return _replace_sweep(plan, folder, backend, progress)
    with claim_folder(folder):
        _prepare(folder, plan, resume, force)
        shape = (len(plan.points), plan.replications)
        header = _header(plan)
        done = _recover(folder, shape, header)
        for stale in (FAILURE_JOURNAL, RUNS, POINTS, FAILURES):  # failed runs are tried again on resume
            (folder / stale).unlink(missing_ok=True)
        outcome = SweepOutcome(folder, done.size, int(done.sum()), 0)
        _execute(plan, backend, done, outcome, header, progress)
        return _finish(plan, outcome, done)


def _replace_sweep(plan: SweepPlan, folder: Path, backend: Any, progress: Progress | None) -> SweepOutcome:
    """`--force` over an earlier sweep: the new one runs in a temporary folder beside it and
    replaces it only when complete, so a kill midway leaves the earlier sweep whole."""
    with claim_folder(folder):
        check_target(folder, force=True)
        clean_stale(folder.parent)
        tmp = folder.with_name(temp_name(folder))
        tmp.mkdir()
        try:
            (tmp / TEMP_MARK).write_text("sweep\n", encoding="utf-8")
            outcome = run_sweep(plan, tmp, backend, progress=progress)
            (tmp / TEMP_MARK).unlink()
            move_into_place(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    outcome.folder = folder
    return outcome


def check_folder(folder: str | Path, plan: SweepPlan, resume: bool = False, force: bool = False) -> list[str]:
    """The sweep outputs already in `folder`; refuse to overwrite them without `force` or to resume
    a different sweep. Changes nothing, so callers can check before starting workers."""
    folder = Path(folder)
    if os.path.lexists(folder) and not folder.is_dir():  # a file or device is never written over
        raise InputErrors(InputError("is a file, not a folder: choose another --out", str(folder)))
    existing = [name for name in OUTPUTS if (folder / name).exists()]
    if existing and resume:
        check_resumable(folder, read_manifest(folder), plan)
    elif existing and not force:
        raise InputErrors(InputError("holds a sweep already; --resume continues it, --force starts over",
                                     str(folder)))
    return existing


def _prepare(folder: Path, plan: SweepPlan, resume: bool, force: bool) -> None:
    """Check the folder (see :func:`check_folder`); `force` clears an earlier sweep's outputs."""
    existing = check_folder(folder, plan, resume, force)
    if existing and force and not resume:
        for name in existing:
            (folder / name).unlink()


def _header(plan: SweepPlan) -> str:
    """runs.csv's header: point, rep, seed, the swept parameters, the summary metrics."""
    metrics = summary_columns(plan.base.watch)[2:]
    return ",".join(["point", "rep", "seed", *plan.parameters, *metrics])


def _recover(folder: Path, shape: tuple[int, int], header: str):
    """The runs already in the journal (complete lines only)."""
    if not (folder / JOURNAL).exists() and (folder / RUNS).exists():  # a finished sweep: same format
        shutil.copyfile(folder / RUNS, folder / JOURNAL)
    found, done = recover_journal(folder / JOURNAL, shape)
    if found is not None and found != header:
        raise InputErrors(InputError("its columns differ from this sweep's; start over with --force",
                                     str(folder / JOURNAL)))
    return done


def _execute(plan: SweepPlan, backend: Any, done, outcome: SweepOutcome, header: str,
             progress: Progress | None) -> None:
    """Run what is not done; journal each chunk; on any stop write a manifest that says so."""
    folder = outcome.folder
    write_manifest(folder, manifest(plan, done, folder, "running"))
    journal, failures = Journal(folder / JOURNAL, header), FailureJournal(folder / FAILURE_JOURNAL)
    expected = tuple(header.split(",")[3 + len(plan.parameters):])
    progress = progress or (lambda done, failed: None)
    record = functools.partial(_record, expected=expected, journal=journal, failures=failures, done=done,
                               outcome=outcome, progress=progress)
    progress(outcome.done, outcome.failed)
    try:
        for result in backend.run(run_chunk, _tasks(plan, done, backend.workers)):
            record(result)
    except KeyboardInterrupt:
        _salvage(backend, record)
        _stopped(plan, folder, done.shape, "interrupted")
        raise
    except BaseException:
        _stopped(plan, folder, done.shape, "stopped by an error")
        raise
    finally:
        journal.close()
        failures.close()


def _record(result: ChunkResult, expected: tuple, journal: Journal, failures: FailureJournal,
            done, outcome: SweepOutcome, progress: Progress) -> None:
    """Journal a chunk's rows and failures, count them, and report progress."""
    if result.lines and result.metrics != expected:
        raise RuntimeError(f"point {result.point}: summary columns {result.metrics} differ from {expected}")
    journal.append(result.lines)
    failures.append(result.failures)
    for line in result.lines:
        done[result.point, int(line.split(",", 2)[1])] = True
    outcome.done += len(result.lines)
    outcome.failed += len(result.failures)
    progress(outcome.done, outcome.failed)


def _salvage(backend: Any, record: Callable[[ChunkResult], None]) -> None:
    """After Ctrl-C: journal what the workers already finished (a second Ctrl-C skips it)."""
    try:
        for result in backend.drain():
            record(result)
    except KeyboardInterrupt:
        pass


def _stopped(plan: SweepPlan, folder: Path, shape: tuple[int, int], status: str) -> None:
    """The manifest of a stopped sweep, restating the journal (the truth whatever the timing)."""
    try:
        _, journaled = recover_journal(folder / JOURNAL, shape)
        write_manifest(folder, manifest(plan, journaled, folder, status))
    except (OSError, InputErrors):  # a full disk: the journal is the truth; resume restates it
        pass


def _tasks(plan: SweepPlan, done, workers: int) -> Iterator[ChunkTask]:
    """Chunks of the unfinished runs, point by point (each point's scenario loaded once), of the
    size `run()` uses too (:func:`sim.execution.backends.chunk_size`)."""
    size = chunk_size(int((~done).sum()), workers)
    for point in range(len(plan.points)):
        todo = [rep for rep in range(plan.replications) if not done[point, rep]]
        if not todo:
            continue
        scenario, values = plan.scenario_at(point), tuple(plan.points[point].values())
        for start in range(0, len(todo), size):
            reps = tuple((rep, plan.seeds[rep]) for rep in todo[start:start + size])
            yield ChunkTask(point, values, scenario, reps)


def _finish(plan: SweepPlan, outcome: SweepOutcome, done) -> SweepOutcome:
    """Write runs.csv (sorted), points.csv, failures.csv and the final manifest."""
    folder = outcome.folder
    write_sorted_runs(folder / JOURNAL, folder / RUNS, done.shape)
    values = [[format_value(v) for v in point.values()] for point in plan.points]
    write_points(folder / RUNS, folder / POINTS, values, len(plan.parameters), format_value)
    write_failures(folder / FAILURE_JOURNAL, folder / FAILURES, plan.parameters)
    status = "complete" if outcome.done == outcome.total else "failed runs"
    write_manifest(folder, manifest(plan, done, folder, status))
    for journal in (JOURNAL, FAILURE_JOURNAL):  # runs.csv now holds the same lines, sorted
        (folder / journal).unlink()
    return outcome

