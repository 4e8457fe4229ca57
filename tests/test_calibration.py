"""`alliance-sim calibrate`: bounds, the design, history matching, out-of-sample cross-validation,
the held-out wars, the parameter file and the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from clirun import cli
from scipy.stats import qmc

from sim.cli.main import main
from sim.history import calibration as c
from sim.history import validation as v
from sim.history.calibration_report import write_calibration
from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario
from sim.scenario.parameterfile import parameter_overrides, write_parameter_file

pytestmark = pytest.mark.xdist_group(__name__)
"""Under xdist (`--dist loadgroup`, pyproject.toml) one worker runs this module: `small_calibration` is shared by
three tests, run once."""

BOUNDS = [c.Bound("parameters.perception.default_intent", 0.0, 0.8), c.Bound("parameters.decision.temperature", 0.1, 2)]


def _cli(*args, cwd=None):
    return cli(*args, cwd=cwd or Path.cwd())


@pytest.mark.parametrize("text, message", [("parameters.decision.war_cost", "PATH=LOW:HIGH"),
                                            ("parameters.decision.nope=0:1", "not a parameter"),
                                            ("parameters.decision.war_cost=3:1", "LOW must be below HIGH"),
                                            ("parameters.motives.world_claims=0:1", "not a number")])
def test_bad_bounds_are_input_errors(text, message):
    with pytest.raises(InputErrors, match=message):
        c.parse_bound(text)


def test_bound_without_prefix_and_defaults():
    assert c.parse_bound("decision.war_cost=1:9") == c.Bound("parameters.decision.war_cost", 1.0, 9.0)
    assert c.default_value("parameters.perception.default_intent") == 0.02


@pytest.mark.parametrize("method", ["sobol", "lhs"])
def test_design_defaults_first_then_space_filling_within_bounds(method):
    settings = c.Settings(points=8, method=method, seed=5)
    points = c.design(BOUNDS, settings)
    assert points.shape == (9, 2) and list(points[0]) == [0.02, 0.3]
    assert (points[1:, 0] >= 0).all() and (points[1:, 0] <= 0.8).all() and (points[1:, 1] <= 2).all()
    assert np.array_equal(points, c.design(BOUNDS, settings))
    # one point in each eighth of each axis: a stratified (space-filling) design, not a random one
    for j, b in enumerate(BOUNDS):
        cells = np.floor((points[1:, j] - b.low) / (b.high - b.low) * 8)
        assert sorted(cells) == list(range(8))


@pytest.mark.filterwarnings("ignore:The balance properties")
@pytest.mark.parametrize("method, points", [("sobol", 10), ("sobol", 16), ("lhs", 7)])
def test_the_design_is_scipys_sampler_on_the_seeds_child_stream(method, points):
    """Drawn through the sweeps' generator, the design is still scipy's sampler on the seed's child
    stream 16, its first `points` draws scaled to the bounds: the published designs, to the bit."""
    rng = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(16,)))
    sampler = qmc.Sobol(len(BOUNDS), seed=rng) if method == "sobol" else qmc.LatinHypercube(len(BOUNDS), seed=rng)
    expected = qmc.scale(sampler.random(points), [b.low for b in BOUNDS], [b.high for b in BOUNDS])
    got = c.design(BOUNDS, c.Settings(points=points, method=method, seed=3))[1:]
    assert got.tobytes() == expected.tobytes()


def _table(sse: dict[tuple[int, int], float], expected: dict[int, float]) -> pd.DataFrame:
    """A synthetic (point, war) table: 100 candidates and 2 joiners per war."""
    rows = [{"point": p, "warnum": w, "era": "1816-1913" if w < 100 else "1946-2003", "candidates": 100, "joined": 2,
             "expected": expected[p], "sse": s, "sim_var": 0.0, "cpu_seconds": 0.0} for (p, w), s in sse.items()]
    return pd.DataFrame(rows)


def test_implausibility_by_hand_and_choice_among_the_plausible():
    """I = |z - E/C| / sqrt(z(1-z)/C + (d z)^2 + V_sim/C^2); the least-loss point is refused when implausible."""
    sse = {(p, w): loss for p, loss in ((0, 3.0), (1, 1.0), (2, 2.0)) for w in (1, 2)}
    table = _table(sse, {0: 2.0, 1: 30.0, 2: 3.0})
    settings = c.Settings(cutoff=3.0, discrepancy=0.5)
    imp = c.implausibility(table, settings)
    z = 4 / 200
    assert imp[1] == pytest.approx(abs(z - 60 / 200) / np.sqrt(z * (1 - z) / 200 + (0.5 * z) ** 2))
    assert imp[0] == pytest.approx(0.0)
    assert c.choose(table, settings) == (2, [0, 2])  # point 1 has least loss but expects 15 times the joiners
    assert c.choose(table, c.Settings(cutoff=1e-9))[0] == 0
    assert c.choose(_table(sse, {0: 90.0, 1: 90.0, 2: 90.0}), settings) == (1, [0, 1, 2])  # none plausible: all


def test_folds_partition_the_wars():
    wars = v.read_wars()
    for how in ("era", "5"):
        parts = c.folds(wars, how, seed=1)
        numbers = [n for members in parts.values() for n in members]
        assert sorted(numbers) == sorted(w.warnum for w in wars)
    assert set(c.folds(wars, "era", 0)) == {"1816-1913", "1914-1945", "1946-2003"}
    assert len(c.folds(wars, "5", 0)) == 5


def test_cross_validation_chooses_without_the_left_out_wars():
    """Point 1 is best on wars 1-2 only and point 2 on 101-102 only: leaving out 1816-1913 must
    choose point 2 and score it on wars 1-2, and the reverse; nothing is scored in sample."""
    wars = [v.War(n, 1850 if n < 100 else 1990, 1850 if n < 100 else 1990, "A", "B", {}) for n in (1, 2, 101, 102)]
    sse = {(0, w): 2.0 for w in (1, 2, 101, 102)}
    sse.update({(1, 1): 0.5, (1, 2): 0.5, (1, 101): 9.0, (1, 102): 9.0})
    sse.update({(2, 1): 9.0, (2, 2): 9.0, (2, 101): 0.5, (2, 102): 0.5})
    table = _table(sse, {0: 2.0, 1: 2.0, 2: 2.0})
    cv = c.cross_validate(table, wars, c.Settings(folds="era"))
    chosen = dict(zip(cv["warnum"], cv["point"]))
    assert chosen == {1: 2, 2: 2, 101: 1, 102: 1}
    assert list(cv["sse_calibrated"]) == [9.0] * 4 and list(cv["sse_default"]) == [2.0] * 4
    scores = c.cv_scores(cv).set_index("metric")
    assert scores.loc["skill_calibrated_vs_default", "value"] == pytest.approx(1 - 36 / 8)


@pytest.mark.parametrize("number", [106, 139])
def test_calibration_never_takes_the_held_out_wars(number):
    """Not as a number (input error), not as a War object (refused before any run), and the
    default training set is the 93 other wars."""
    with pytest.raises(InputErrors, match="held out"):
        v.pick_wars(v.read_wars(), [1, number])
    fake = v.War(number, 1914 if number == 106 else 1939, 1918, "GMY", "FRN", {})
    with pytest.raises(InputErrors, match="held out"):
        c.evaluate(BOUNDS, c.design(BOUNDS, c.Settings(points=2)), [fake], c.Settings(points=2))
    assert main(["calibrate", "--quick", "--param", "decision.war_cost=1:9", "--wars", f"1,{number}",
                 "--out", "/tmp/never_written"]) == 2


def test_command_without_parameters_is_an_input_error(capsys):
    assert main(["calibrate", "--quick"]) == 2
    assert "--param PATH=LOW:HIGH" in capsys.readouterr().err


@pytest.mark.slow
def test_command_errors_in_a_subprocess():
    result = subprocess.run([sys.executable, "-m", "sim.cli.main", "calibrate", "--quick", "--param",
                             "decision.war_cost=1:9", "--wars", "1,106", "--out", "/tmp/x"], capture_output=True, text=True)
    assert result.returncode == 2 and "war 106: held out" in result.stderr and "Traceback" not in result.stderr


def test_parameter_file_round_trip(tmp_path):
    path = write_parameter_file({"parameters.decision.war_cost": 3.5, "parameters.perception.default_intent": 0.1},
                                tmp_path / "p.yaml", "a comment")
    assert yaml.safe_load(path.read_text()) == {"parameters": {"decision": {"war_cost": 3.5},
                                                               "perception": {"default_intent": 0.1}}}
    scenario = load_scenario("scenarios/taiwan_strait_war.yaml", parameter_overrides(path))
    assert scenario.parameters.decision.war_cost == 3.5 and scenario.parameters.perception.default_intent == 0.1
    (tmp_path / "bad.yaml").write_text("decision: {war_cost: 1}\n")
    with pytest.raises(InputErrors, match="one mapping, `parameters:`"):
        parameter_overrides(tmp_path / "bad.yaml")


@pytest.fixture(scope="module")
def small_calibration():
    wars = v.pick_wars(v.read_wars(), [1, 4, 7])
    settings = c.Settings(points=2, replications=2, seed=2, level=5, folds="3")
    return c.calibrate(BOUNDS, wars, settings), wars, settings


def test_common_random_numbers_and_point_zero_is_the_shipped_model(small_calibration):
    """Point 0 reproduces simulate_war with no override, war by war (same seeds at every point)."""
    cal, wars, settings = small_calibration
    for war in wars[:2]:
        result = v.simulate_war(war, settings.replications, settings.seed, levels=(5,))
        p = np.array([result["counts"][5][s] for s in result["candidates"]]) / settings.replications
        y = np.array([s in war.sides for s in result["candidates"]])
        row = cal.table[(cal.table["point"] == 0) & (cal.table["warnum"] == war.warnum)].iloc[0]
        assert row["sse"] == pytest.approx(((p - y) ** 2).sum())
    assert len(cal.table) == 3 * 3 and set(cal.cv["warnum"]) == {1, 4, 7}


def test_outputs_of_a_calibration(small_calibration, tmp_path):
    cal = small_calibration[0]
    folder = write_calibration(cal, tmp_path / "cal")
    design = pd.read_csv(folder / "design.csv")
    ensemble = pd.read_csv(folder / "ensemble.csv")
    assert design["chosen"].sum() == 1 and design.loc[design["chosen"] == 1, "plausible"].item() == 1
    assert list(ensemble["point"]) == list(design.loc[design["plausible"] == 1, "point"])
    chosen = design[design["chosen"] == 1].iloc[0]
    overrides = [o.text for o in parameter_overrides(folder / "parameters.yaml")]
    assert overrides == sorted(f"{b.path}={float(chosen[b.path])}" for b in cal.bounds)
    assert set(pd.read_csv(folder / "cv_scores.csv")["metric"]) >= {"brier_calibrated", "skill_calibrated_vs_climatology"}


@pytest.mark.slow
def test_quick_command_same_files_with_one_or_two_workers(tmp_path):
    outs = []
    for workers in ("1", "2"):
        result = _cli("calibrate", "--quick", "--param", "perception.default_intent=0:0.5", "--level", "5",
                      "--workers", workers, "--out", str(tmp_path / workers), "--quiet")
        assert result.returncode == 0, result.stderr
        outs.append(tmp_path / workers)
    for name in ("design.csv", "ensemble.csv", "parameters.yaml", "cv_scores.csv", "calibration_wars.csv"):
        if name == "calibration_wars.csv":
            a, b = (pd.read_csv(o / name).drop(columns="cpu_seconds") for o in outs)
            pd.testing.assert_frame_equal(a, b)
        else:
            assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()


def test_spec_file_and_its_errors(tmp_path, capsys):
    """A spec gives the parameters and options; the command line overrides it; unknown keys are errors."""
    spec = tmp_path / "spec.yaml"
    spec.write_text("parameters:\n  parameters.perception.default_intent: [0, 0.5]\nwars: '1,4'\npoints: 2\n"
                    "reps: 1\nfolds: 2\nlevel: 5\n")
    assert main(["calibrate", "--spec", str(spec), "--points", "4", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    design = pd.read_csv(tmp_path / "out" / "design.csv")
    assert len(design) == 5 and list(design.columns[1:2]) == ["parameters.perception.default_intent"]
    assert set(pd.read_csv(tmp_path / "out" / "calibration_wars.csv")["warnum"]) == {1, 4}
    spec.write_text("parameters: {}\npointz: 3\n")
    assert main(["calibrate", "--spec", str(spec), "--out", str(tmp_path / "bad")]) == 2
    assert "spec.yaml:2:9: pointz: unknown key 'pointz' (did you mean 'points'?)" in capsys.readouterr().err


@pytest.mark.slow
def test_calibration_on_a_local_dask_cluster_gives_the_same_design(tmp_path):
    pytest.importorskip("distributed")
    args = ["calibrate", "--param", "perception.default_intent=0:0.5", "--wars", "1,4,7", "--points", "2", "--reps", "2",
            "--folds", "3", "--level", "5", "--quiet"]
    inline = _cli(*args, "--out", str(tmp_path / "inline"))
    dask = _cli(*args, "--dask", "local", "--workers", "2", "--out", str(tmp_path / "dask"))
    assert inline.returncode == 0 and dask.returncode == 0, dask.stderr
    for name in ("design.csv", "cv_scores.csv", "parameters.yaml"):
        assert (tmp_path / "inline" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes()


def test_rescore_reproduces_a_calibration_and_takes_other_folds(small_calibration, tmp_path):
    """`calibrate --rescore DIR` re-chooses and cross-validates the written design without
    simulating: with the same folds it writes the same scores byte for byte; with one war per fold
    (leave one war out) every war is scored by a choice made without it; a folder that is not a
    calibration is an input error (exit 2)."""
    cal = small_calibration[0]
    folder = write_calibration(cal, tmp_path / "cal")
    same = _cli("calibrate", "--rescore", str(folder), "--out", str(tmp_path / "same"), "--quiet")
    assert same.returncode == 0, same.stderr
    for name in ("cv_scores.csv", "cv_wars.csv", "design.csv", "parameters.yaml"):
        assert (tmp_path / "same" / name).read_bytes() == (folder / name).read_bytes(), name
    loo = _cli("calibrate", "--rescore", str(folder), "--folds", "3", "--cutoff", "0.5", "--out",
               str(tmp_path / "loo"), "--quiet")
    assert loo.returncode == 0, loo.stderr
    cv = pd.read_csv(tmp_path / "loo" / "cv_wars.csv")
    assert sorted(cv["warnum"]) == [1, 4, 7] and cv["fold"].nunique() == 3
    assert json.loads((tmp_path / "loo" / "meta.json").read_text())["cutoff"] == 0.5
    bad = _cli("calibrate", "--rescore", str(tmp_path), "--out", str(tmp_path / "x"))
    assert bad.returncode == 2 and "not a calibration folder" in bad.stderr and "Traceback" not in bad.stderr
