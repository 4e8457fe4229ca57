"""The shipped defaults that come from a calibration (sim/data/calibration/) are that calibration's
chosen point, rounded to two significant figures, and its files are whole: a schema default edited
without recalibrating, or a calibration rerun without updating the schema, fails here."""

from __future__ import annotations

import json
from importlib import resources
from math import floor, log10

import pandas as pd
import pytest

from sim.history.calibration import default_value
from sim.scenario.parameterfile import parameter_overrides, read_ensemble

FOLDER = resources.files("sim") / "data" / "calibration"


def _two_figures(x: float) -> float:
    return round(x, 1 - int(floor(log10(abs(x)))))


def _chosen() -> dict[str, float]:
    return {k: float(v) for k, v in (o.text.split("=", 1) for o in parameter_overrides(str(FOLDER / "parameters.yaml")))}


def test_the_schema_defaults_are_the_calibrated_point():
    chosen = _chosen()
    assert set(chosen) == {"parameters.alliances.reliability", "parameters.alliances.honour_threat_shift",
                           "parameters.alliances.honour_correlation"}
    for path, value in chosen.items():
        assert default_value(path) == pytest.approx(_two_figures(value)), path


def test_the_calibration_files_agree_with_each_other():
    """The chosen point is plausible and has the least training Brier among the plausible points;
    the ensemble is exactly the plausible points; the scores are out of sample (era folds)."""
    design = pd.read_csv(FOLDER / "design.csv")
    meta = json.loads((FOLDER / "meta.json").read_text())
    chosen = design[design["chosen"] == 1].iloc[0]
    plausible = design[design["plausible"] == 1]
    assert chosen["plausible"] == 1 and chosen["brier_training"] == plausible["brier_training"].min()
    assert int(chosen["point"]) == meta["chosen"] and meta["folds"] == "era" and meta["replications"] == 10
    for path, value in _chosen().items():
        assert chosen[path] == pytest.approx(value)
    ensemble = read_ensemble(str(FOLDER / "ensemble.csv"))
    assert len(ensemble) == len(plausible) == len(meta["plausible"])
    assert not {106, 139} & set(meta["wars"]) and len(meta["wars"]) == 93
    table = pd.read_csv(FOLDER / "calibration_wars.csv")
    assert len(table) == len(design) * 93
