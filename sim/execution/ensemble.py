"""Runs that carry model uncertainty: each replication draws one parameter set of an ensemble
(`alliance-sim calibrate`'s ensemble.csv) and runs with it.

The draw comes from the replication's own seed (a child `SeedSequence(seed, spawn_key=(ENSEMBLE_KEY,))`,
independent of the streams the simulation uses), so it is reproducible and independent of the
number of workers, and replication k uses the same simulation seed as in a run with fixed
parameters (common random numbers). Which set each replication used goes into meta.json
(`parameter_ensemble.set_of_replication`, with the values of the sets drawn and the file's path,
row count and sha256). The spread of outputs then mixes parameter
uncertainty with stochastic uncertainty (Kennedy & O'Hagan 2001); `compare` splits the two.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.tables import OPTIONAL, TABLES, headers
from sim.execution.backends import open_backend
from sim.execution.output import CsvWriter, atomic_folder, write_json
from sim.execution.runner import _meta, _resolved, iter_replications, replication_seeds
from sim.scenario.loading import load_scenario

__all__ = ["ENSEMBLE_KEY", "draw_sets", "ensemble_record", "run_ensemble_to_folder"]

ENSEMBLE_KEY = 0x16E5
"""Spawn key of the child seed that draws a replication's parameter set."""


def draw_sets(seeds: list[int], n_sets: int) -> list[int]:
    """Per replication seed, the index of its parameter set (uniform over `n_sets`)."""
    return [int(np.random.default_rng(np.random.SeedSequence(s, spawn_key=(ENSEMBLE_KEY,))).integers(n_sets))
            for s in seeds]


def _overrides(values: dict[str, float]) -> list[str]:
    return [f"{path}={float(value)!r}" for path, value in values.items()]


def ensemble_record(sets: Sequence[dict[str, float]], chosen: list[int], ensemble_file: str | os.PathLike = "") -> dict:
    """meta.json's `parameter_ensemble`: the file (path, rows, sha256 of its bytes), each
    replication's set and the values of the sets drawn, not every set (an ensemble may hold millions)."""
    path = Path(ensemble_file) if ensemble_file else None
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.is_file() else None
    return {"file": str(ensemble_file), "rows": len(sets), "sha256": digest, "set_of_replication": chosen,
            "drawn": {str(k): sets[k] for k in sorted(set(chosen))}}


def run_ensemble_to_folder(source: str | os.PathLike, overrides: list[str], sets: Sequence[dict[str, float]],
                           out: str | os.PathLike, replications: int | None = None, seed: int | None = None,
                           workers: int | None = 1, horizon: float | None = None, force: bool = False,
                           dask: str | None = None, ensemble_file: str = "",
                           tables: Iterable[str] = TABLES) -> tuple[Path, dict]:
    """Run `source` with each replication's drawn set (applied before `overrides`) and write the
    named `tables` (the four of `TABLES` by default; `sources` of `OPTIONAL` when named: each
    replication's tension split by source with its own set's structure) in replication order, with
    meta.json recording each replication's set (:func:`ensemble_record`)."""
    tables = tuple(tables)
    base = _resolved(load_scenario(source, overrides), replications, seed, horizon)
    start = time.perf_counter()
    seeds = replication_seeds(base.seed, base.replications)
    chosen = draw_sets(seeds, len(sets))
    texts: dict[int, Any] = {}
    with open_backend(workers or None, dask=dask) as backend:
        for k in sorted(set(chosen)):
            reps = [r for r, c in enumerate(chosen) if c == k]
            scenario = _resolved(load_scenario(source, _overrides(sets[k]) + list(overrides)), base.replications,
                                 base.seed, horizon)
            for rep in iter_replications(scenario, [seeds[r] for r in reps], as_text=True, backend=backend, reps=reps,
                                         sources="sources" in tables):
                texts[rep.rep] = rep
    head = headers(base.watch)
    with atomic_folder(out, force) as tmp:
        writers = {t: CsvWriter(tmp / f"{t}.csv", head[t]) for t in TABLES + OPTIONAL if t in tables}
        for rep in sorted(texts):
            for t, w in writers.items():
                w.file.write(texts[rep].text[t])
        for w in writers.values():
            w.close()
        meta = _meta(base, time.perf_counter() - start)
        if tables != TABLES:
            meta["tables"] = [t for t in TABLES + OPTIONAL if t in tables]
        meta["parameter_ensemble"] = ensemble_record(sets, chosen, ensemble_file)
        write_json(tmp / "meta.json", meta)
    return Path(out), meta
