"""The files of a calibration: the design with its scores, the per-war table, the
cross-validation, the chosen parameter file and the ensemble of plausible parameter sets."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from sim.analysis.calibration import Bound, Calibration, implausibility
from sim.analysis.validation_report import frame_rows
from sim.execution.output import atomic_folder, write_csv, write_json
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
    """Write every file of FILES atomically into `folder`."""
    table = design_table(cal)
    paths = [b.path for b in cal.bounds]
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


def read_design(folder: str | os.PathLike) -> tuple[list[Bound], np.ndarray, pd.DataFrame, dict]:
    """A written calibration's bounds, design points, per-(point, war) table and meta, for
    `calibrate --rescore` (InputErrors naming the file when one is missing or unreadable)."""
    import json

    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text())
        design = pd.read_csv(folder / "design.csv")
        table = pd.read_csv(folder / "calibration_wars.csv")
        bounds = [Bound(path, float(low), float(high)) for path, low, high in meta["bounds"]]
        points = design[[b.path for b in bounds]].to_numpy(float)
    except (OSError, ValueError, KeyError) as exc:
        raise InputErrors(InputError(f"not a calibration folder ({type(exc).__name__}: {exc}); give the --out "
                                     "folder of an earlier `alliance-sim calibrate`", file=str(folder))) from None
    return bounds, points, table, meta
