"""`manifest.json`: what a sweep is (file, sha256, design, points), how far it got, and resume checks.

The journal is the record of finished runs; the manifest restates it (per point, the replications
done as ranges such as `0-24,50-99`, and those that failed) whenever the sweep starts, stops or
ends. A resume is refused when the sweep file or its resolved scenario has changed since.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from sim import __version__
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.loading import scenario_sha256
from sim.sweeps.plan import SweepPlan
from sim.sweeps.store import FAILURE_JOURNAL, MANIFEST, atomic_write_text, read_failures

__all__ = ["manifest", "write_manifest", "check_resumable", "rep_ranges"]


def rep_ranges(done: np.ndarray) -> str:
    """The indices set in a boolean row as ranges: `0-24,30,40-99` ('' when none)."""
    ranges, start = [], None
    for k, flag in enumerate([*done.tolist(), False]):
        if flag and start is None:
            start = k
        elif not flag and start is not None:
            ranges.append(f"{start}" if k - 1 == start else f"{start}-{k - 1}")
            start = None
    return ",".join(ranges)


def manifest(plan: SweepPlan, done: np.ndarray, folder: Path, status: str) -> dict[str, Any]:
    """The manifest of a sweep in `folder` with the runs in `done` finished."""
    failed = _failed_reps(folder / FAILURE_JOURNAL)
    spec = plan.spec
    return {
        "name": spec.name, "sweep_file": plan.file, "sweep_sha256": plan.sha256,
        "scenario": str(plan.scenario) if plan.file else spec.scenario,
        "scenario_sha256": scenario_sha256(plan.base), "design": spec.design, "samples": spec.samples,
        "replications": plan.replications, "seed": plan.seed, "set": spec.fixed,
        "horizon_days": plan.base.horizon_days,
        "parameters": {k: _jsonable(v) for k, v in spec.parameters.items()},
        "package_version": _version(), "status": status, "runs_total": int(done.size),
        "runs_done": int(done.sum()), "runs_failed": sum(len(v) for v in failed.values()),
        "points": [_point(i, values, done[i], failed.get(i, [])) for i, values in enumerate(plan.points)],
    }


def _point(index: int, values: dict[str, Any], done: np.ndarray, failed: list[int]) -> dict[str, Any]:
    return {"point": index, "values": values, "done": rep_ranges(done), "failed": sorted(failed)}


def _failed_reps(journal: Path) -> dict[int, list[int]]:
    """Failed replications by point."""
    failed: dict[int, list[int]] = {}
    for record in read_failures(journal):
        failed.setdefault(record["point"], []).append(record["rep"])
    return failed


def _jsonable(parameter: Any) -> Any:
    return parameter if isinstance(parameter, list) else parameter.model_dump()


def _version() -> str:
    """The installed package's version, or the source tree's."""
    try:
        return metadata.version("alliance-sim")
    except metadata.PackageNotFoundError:
        return __version__


def write_manifest(folder: Path, data: dict[str, Any]) -> None:
    """Replace the manifest atomically (a kill never leaves half a manifest)."""
    atomic_write_text(folder / MANIFEST, json.dumps(data, indent=1, sort_keys=True, default=str) + "\n")


def check_resumable(folder: Path, old: dict[str, Any] | None, plan: SweepPlan) -> None:
    """Refuse to resume a folder that holds no manifest, or a different sweep or scenario."""
    if old is None:
        raise InputErrors(InputError(f"no {MANIFEST} to resume from; start over with --force", str(folder)))
    if old.get("sweep_sha256") != plan.sha256:
        then = str(old.get("sweep_sha256"))[:12]
        raise InputErrors(InputError(f"the sweep file changed since this sweep began (sha256 {then} then, "
                                     f"{plan.sha256[:12]} now); --force starts over, --out keeps both", str(folder)))
    if old.get("scenario_sha256") != scenario_sha256(plan.base):
        raise InputErrors(InputError("the scenario changed since this sweep began; --force starts over, "
                                     "--out keeps both", str(folder)))
