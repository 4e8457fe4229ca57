"""A point of a parameter experiment is the run it names: a one-point sweep gives `run`'s summary
rows, and so do the points `sensitivity` evaluates; a calibration point gives `validation`'s
forecast. The world's claims travel inside the resolved scenario a sweep point is reloaded from
(`world: empty`), so a sweep over a 2022 scenario no longer runs without them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.sensitivity import _model
from sim.execution.backends import open_backend
from sim.execution.runner import run
from sim.history import calibration as c
from sim.history import validation as v
from sim.scenario.loading import load_scenario
from tests.regenerate_golden import shipped

REPS, SEED = 3, 7
NO_CLAIMS = {"parameters.motives.world_claims": False}


def _run_rows(source, overrides=None, tmp=None) -> pd.DataFrame:
    """summary.csv of `run`, as text."""
    folder = run(load_scenario(source, overrides), replications=REPS, seed=SEED, workers=1).write(tmp)
    return pd.read_csv(folder / "summary.csv", dtype=str, keep_default_na=False)


def _sweep_rows(source, parameters: dict, tmp) -> pd.DataFrame:
    """runs.csv of a one-point sweep, as text, without the point and parameter columns."""
    sim.sweep(source, parameters, replications=REPS, seed=SEED, workers=1, out=tmp)
    rows = pd.read_csv(tmp / "runs.csv", dtype=str, keep_default_na=False)
    return rows.drop(columns=["point", *parameters])


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_a_one_point_sweep_is_the_run(path, tmp_path):
    """Every shipped scenario: the sweep of its own horizon gives run's rows, byte for byte; and
    its world's claims matter (the rows without them differ), so the test has teeth."""
    horizon = load_scenario(path).horizon_days
    expected = _run_rows(path, tmp=tmp_path / "run")
    pd.testing.assert_frame_equal(_sweep_rows(str(path), {"horizon_days": [horizon]}, tmp_path / "sweep"), expected)
    assert not _run_rows(path, NO_CLAIMS, tmp_path / "bare").equals(expected)


def test_a_sweep_point_of_a_resolved_scenario_keeps_the_claims(tmp_path):
    """`sim.sweep(Scenario)`: the resolved scenario, reloaded with `world: empty`, is the run."""
    path = "scenarios/quad_defence_pact.yaml"
    expected = _run_rows(path, tmp=tmp_path / "run")
    got = _sweep_rows(load_scenario(path), {"horizon_days": [730.0]}, tmp_path / "sweep")
    pd.testing.assert_frame_equal(got, expected)


def test_a_sweep_of_a_rivalry_stake_is_the_run_with_that_stake(tmp_path):
    """A cow_YYYY world's claims are carried as rivalry types and valued by the point's own
    parameters: a swept `rivalry_stake` is the run with `--set` of it, and it matters."""
    mapping = {"name": "rivals_1870", "world": "cow_1870", "horizon_days": 365.0}
    stake = "parameters.motives.rivalry_stake"
    expected = _run_rows(mapping, {stake: 0.6}, tmp_path / "run")
    pd.testing.assert_frame_equal(_sweep_rows(mapping, {stake: [0.6]}, tmp_path / "sweep"), expected)
    assert not _run_rows(mapping, {stake: 0.0}, tmp_path / "zero").equals(expected)


def test_a_sensitivity_point_is_the_run():
    """The function `sobol_indices` calls gives, per parameter column, the means of `run`'s rows."""
    path, metrics = "scenarios/quad_defence_pact.yaml", ["max_level", "n_belligerents", "mean_tension"]
    paths, values = ["parameters.decision.war_cost", "parameters.motives.optimism"], [6.0, 0.4]
    overrides = [f"{p}={x!r}" for p, x in zip(paths, values)]
    with open_backend(1) as backend:
        got = _model(path, [], paths, metrics, REPS, SEED, backend, [])(np.array([[x] for x in values]))[:, 0]

    def means(extra: list[str]) -> np.ndarray:
        summary = run(load_scenario(path, overrides + extra), replications=REPS, seed=SEED, workers=1).summary
        return np.array([pd.to_numeric(summary[m]).mean() for m in metrics])

    np.testing.assert_array_equal(got, means([]))
    assert not np.array_equal(got, means(["parameters.motives.world_claims=false"]))


def test_a_calibration_point_is_the_validation_forecast():
    """A calibration point (a rivalry stake: the default 1, then 0) scores the forecast that
    `validation` makes with the same parameters: same candidates and squared error. In the
    Russo-Turkish war of 1828 (COW 4) the rivalry claims matter under the default rules (the fitted
    hazard of force and the fitted joining decision: 0.87 expected joiners with them, 0.67 without,
    in 60 runs; 4 runs, 0.5 and 0.5 since the joining decision's first-day share, are too few to
    tell)."""
    war = v.pick_wars(v.read_wars(), [4])
    settings = c.Settings(points=1, replications=60, seed=3, level=5)
    bound = c.Bound("parameters.motives.rivalry_stake", 0.0, 1.0)
    table = c.evaluate([bound], np.array([[1.0], [0.0]]), war, settings)

    def score(stake: float) -> tuple[float, int]:
        forecast = v.forecast(war, settings.replications, settings.seed, overrides=[f"{bound.path}={stake!r}"],
                              levels=(5,))[0]
        p = np.array([forecast["counts"][5][s] for s in forecast["candidates"]]) / settings.replications
        y = np.array([s in war[0].sides for s in forecast["candidates"]])
        return float(((p - y) ** 2).sum()), len(y)

    for point, stake in enumerate([1.0, 0.0]):
        row = table[table["point"] == point].iloc[0]
        assert (row["sse"], row["candidates"]) == score(stake)
    assert table.loc[0, "expected"] > table.loc[1, "expected"]
