"""The files of a calibration: the design with its scores, the per-war table, the
cross-validation, the chosen parameter file and the ensemble of plausible parameter sets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from sim.engine.tables import format_float
from sim.execution.output import atomic_folder, write_csv, write_json
from sim.history.calibration import Bound, Calibration, implausibility, parse_bound
from sim.history.validation_report import frame_rows
from sim.scenario.errors import InputError, InputErrors
from sim.scenario.parameterfile import write_ensemble, write_parameter_file

__all__ = ["design_table", "write_calibration", "read_design", "FILES"]

FILES = ("design.csv", "calibration_wars.csv", "cv_wars.csv", "cv_scores.csv", "parameters.yaml", "ensemble.csv",
         "meta.json")
"""What `alliance-sim calibrate` writes into its output folder."""


def design_table(cal: Calibration) -> pd.DataFrame:
    """Per design point: its values, training loss (Brier over all training pairs), implausibility,
    whether it is plausible and whether it was chosen."""
    sums = cal.table.groupby("point")[["sse", "candidates", "expected", "joined"]].sum()
    frame = pd.DataFrame(cal.points, columns=[b.path for b in cal.bounds])
    frame.insert(0, "point", range(len(frame)))
    frame["brier_training"] = (sums["sse"] / sums["candidates"]).to_numpy()
    frame["expected_joiners"] = sums["expected"].to_numpy()
    frame["joiners"] = sums["joined"].to_numpy()
    frame["implausibility"] = implausibility(cal.table, cal.settings).to_numpy()
    frame["plausible"] = frame["point"].isin(cal.plausible).astype(int)
    frame["chosen"] = (frame["point"] == cal.chosen).astype(int)
    return frame


def _write_frame(path: Path, frame: pd.DataFrame) -> None:
    write_csv(path, list(frame.columns), frame_rows(frame))


def write_calibration(cal: Calibration, folder: str | os.PathLike, force: bool = False) -> Path:
    """Write every file of FILES atomically into `folder`.

    Every file holds a design point as design.csv does, at the canonical 6 significant digits (the
    simulated point differs by at most 5e-6 of its value), so that `calibrate --rescore`, which
    reads design.csv, writes the same parameters.yaml and ensemble.csv."""
    table = design_table(cal)
    paths = [b.path for b in cal.bounds]
    table[paths] = np.vectorize(lambda v: float(format_float(v)), otypes=[float])(table[paths].to_numpy(float))
    with atomic_folder(folder, force) as tmp:
        _write_frame(tmp / "design.csv", table)
        _write_frame(tmp / "calibration_wars.csv", cal.table)
        _write_frame(tmp / "cv_wars.csv", cal.cv)
        _write_frame(tmp / "cv_scores.csv", cal.scores)
        chosen = table.loc[cal.chosen]
        write_parameter_file({p: chosen[p] for p in paths}, tmp / "parameters.yaml",
                             f"alliance-sim calibrate: design point {cal.chosen} of {len(table)}, "
                             f"training Brier {chosen['brier_training']:.5f}\n"
                             "use: alliance-sim run SCENARIO --parameters parameters.yaml")
        plausible = table[table["plausible"] == 1]
        write_ensemble([{p: row[p] for p in paths} for _, row in plausible.iterrows()], tmp / "ensemble.csv",
                       {"point": list(plausible["point"]), "brier_training": list(plausible["brier_training"]),
                        "implausibility": list(plausible["implausibility"])})
        write_json(tmp / "meta.json", {**cal.meta, "chosen": cal.chosen, "plausible": cal.plausible,
                                       "bounds": [[b.path, b.low, b.high] for b in cal.bounds]})
    return Path(folder)


_WAR_COLUMNS = ("point", "warnum", "era", "candidates", "joined", "expected", "sse", "sim_var")
"""Columns of calibration_wars.csv that rescoring reads."""


def read_design(folder: str | os.PathLike) -> tuple[list[Bound], np.ndarray, pd.DataFrame, dict]:
    """A written calibration's bounds, design points, per-(point, war) table and meta, for
    `calibrate --rescore` (InputErrors naming the file when one is missing, unreadable or damaged)."""
    import json

    folder = Path(folder)
    if not folder.is_dir():
        raise InputErrors(InputError("no such folder: give the --out folder of an earlier `alliance-sim calibrate`",
                                     str(folder)))
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _damaged(folder / "meta.json", f"cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    bounds = _bounds(meta, folder / "meta.json")
    design = _table(folder / "design.csv", ["point", *(b.path for b in bounds)])
    table = _table(folder / "calibration_wars.csv", list(_WAR_COLUMNS), text=("era",))
    points = design[[b.path for b in bounds]].to_numpy(float)
    if sorted(set(table["point"])) != list(range(len(points))) or list(design["point"]) != list(range(len(points))):
        raise _damaged(folder / "calibration_wars.csv", f"its points are not those of design.csv (0..{len(points) - 1})")
    return bounds, points, table, meta


def _damaged(file: Path, problem: str) -> InputErrors:
    return InputErrors(InputError(f"{problem}: not a calibration folder as `alliance-sim calibrate` writes it; give "
                                  "the --out folder of an earlier calibration (or run it again)", str(file)))


def _bounds(meta: object, file: Path) -> list[Bound]:
    """meta.json's `bounds`: [[PATH, LOW, HIGH], ...] of known parameters, LOW below HIGH, both finite;
    and the other keys rescoring reads."""
    needed = ("bounds", "wars", "replications", "method", "seed", "level", "folds", "cutoff", "discrepancy")
    if not isinstance(meta, dict) or any(k not in meta for k in needed):
        raise _damaged(file, f"a calibration's meta.json holds {', '.join(needed)}")
    rows = meta["bounds"]
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) and len(r) == 3 for r in rows):
        raise _damaged(file, "`bounds` is not a list of [PATH, LOW, HIGH]")
    if not isinstance(meta["wars"], list) or not all(isinstance(n, int) and not isinstance(n, bool)
                                                      for n in meta["wars"]):
        raise _damaged(file, "`wars` is not a list of war numbers")
    try:
        return [parse_bound(f"{path}={float(low)!r}:{float(high)!r}") for path, low, high in rows]
    except (InputErrors, TypeError, ValueError) as exc:
        problem = exc.errors[0].message if isinstance(exc, InputErrors) else str(exc)
        raise _damaged(file, f"`bounds`: {problem}") from None


def _table(file: Path, columns: list[str], text: tuple[str, ...] = ()) -> pd.DataFrame:
    """A CSV of the folder with these columns, every cell but the `text` ones a finite number."""
    import csv
    import io

    try:
        content = file.read_text(encoding="utf-8")
        rows = list(csv.reader(io.StringIO(content, newline="")))
        frame = pd.read_csv(io.StringIO(content))
    except (OSError, ValueError, csv.Error, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _damaged(file, f"cannot read it ({getattr(exc, 'strerror', None) or str(exc).strip()[:120]})") from None
    short = next((k for k, row in enumerate(rows) if len(row) != len(rows[0])), None)
    if short is not None or not content.endswith("\n"):
        line = len(rows) if short is None else short + 1
        raise InputErrors(InputError("a row cut short or with extra cells (a truncated or edited table): not a "
                                     "calibration folder as `alliance-sim calibrate` writes it", str(file), line))
    missing = [c for c in columns if c not in frame.columns]
    if missing or frame.empty:
        raise _damaged(file, f"no column {', '.join(missing)}" if missing else "no rows")
    for column in columns:
        if column in text:
            continue
        values = pd.to_numeric(frame[column], errors="coerce")
        if not np.isfinite(values.to_numpy(float)).all():
            row = int(np.flatnonzero(~np.isfinite(values.to_numpy(float)))[0])
            raise InputErrors(InputError(f"'{frame[column].iloc[row]}' is not a finite number: not a calibration "
                                         "folder as `alliance-sim calibrate` writes it", str(file), row + 2,
                                         path=column))
        frame[column] = values
    return frame
