"""`run --parameters-ensemble`: reproducible draws from the replication seeds, common random
numbers with fixed-parameter runs, wider intervals, and the variance split `compare` reports."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.analysis.ensemble_variance import ensemble_sets, render_split, variance_split
from sim.cli.main import main
from sim.execution.ensemble import draw_sets, run_ensemble_to_folder
from sim.execution.runner import replication_seeds, run
from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario
from sim.scenario.parameterfile import read_ensemble, write_ensemble

pytestmark = pytest.mark.xdist_group(__name__)
"""Under xdist (`--dist loadgroup`, pyproject.toml) one worker runs this module: `runs` is shared by five tests, run
once."""

SCENARIO = "scenarios/taiwan_strait_war.yaml"
SETS = [{"parameters.perception.default_intent": 0.02}, {"parameters.perception.default_intent": 0.6}]


def test_draws_are_reproducible_uniform_and_depend_on_the_seed_only():
    seeds = replication_seeds(0, 4000)
    drawn = draw_sets(seeds, 4)
    assert drawn == draw_sets(seeds, 4) and drawn[100:110] == draw_sets(seeds[100:110], 4)
    counts = np.bincount(drawn, minlength=4)
    assert stats.chisquare(counts).pvalue > 0.001


def test_ensemble_csv_round_trip_and_errors(tmp_path):
    path = write_ensemble(SETS, tmp_path / "e.csv", {"point": [3, 5]})
    assert read_ensemble(path) == SETS
    (tmp_path / "bad.csv").write_text("set,war_cost\n0,1\n")
    with pytest.raises(InputErrors, match="parameters.<group>.<name>"):
        read_ensemble(tmp_path / "bad.csv")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("ensemble")
    ensemble = write_ensemble(SETS, base / "ensemble.csv")
    assert main(["run", SCENARIO, "--reps", "20", "--seed", "4", "--parameters-ensemble", str(ensemble),
                 "--out", str(base / "ens"), "--quiet"]) == 0
    assert main(["run", SCENARIO, "--reps", "20", "--seed", "4", "--out", str(base / "fixed"), "--quiet"]) == 0
    return base


def test_each_replication_is_the_fixed_run_of_its_set(runs, tmp_path):
    """Replication k with set j is, byte for byte, replication k of a run with set j's parameters
    (the same seed): the draw adds no other randomness and the sets share random numbers."""
    sets = ensemble_sets(runs / "ens")
    summary = pd.read_csv(runs / "ens" / "summary.csv")
    assert len(sets) == 20 and set(sets) == {0, 1} and list(summary["rep"]) == list(range(20))
    for j, values in enumerate(SETS):
        scenario = load_scenario(SCENARIO, [f"{k}={v}" for k, v in values.items()])
        run(scenario, replications=20, seed=4).write(tmp_path / str(j))
        fixed = pd.read_csv(tmp_path / str(j) / "summary.csv")
        mine = [k for k, s in enumerate(sets) if s == j]
        pd.testing.assert_frame_equal(summary.iloc[mine].reset_index(drop=True), fixed.iloc[mine].reset_index(drop=True),
                                      check_dtype=False)
    meta = json.loads((runs / "ens" / "meta.json").read_text())["parameter_ensemble"]
    assert meta["drawn"] == {str(j): values for j, values in enumerate(SETS)} and meta["rows"] == 2
    assert meta["sha256"] == hashlib.sha256((runs / "ensemble.csv").read_bytes()).hexdigest()


def test_intervals_are_wider_with_the_ensemble(runs):
    """The 95% t-interval of mean tension over 20 replications is wider with parameter uncertainty:
    the variance ratio is far beyond what sampling noise gives (F test, p < 1e-6)."""
    fixed = pd.read_csv(runs / "fixed" / "summary.csv")["mean_tension"]
    ens = pd.read_csv(runs / "ens" / "summary.csv")["mean_tension"]
    width = {name: 2 * stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))
             for name, x in (("fixed", fixed), ("ensemble", ens))}
    assert width["ensemble"] > 2 * width["fixed"]
    assert stats.f.sf(ens.var() / fixed.var(), len(ens) - 1, len(fixed) - 1) < 1e-6


def test_variance_split_of_the_ensemble_run(runs):
    split = variance_split(runs / "ens").set_index("metric")
    row = split.loc["mean_tension"]
    assert row["var_total"] == pytest.approx(row["var_between_sets"] + row["var_within_sets"])
    assert row["share_parameters"] > 0.9
    assert variance_split(runs / "fixed").empty and ensemble_sets(runs / "fixed") is None
    assert "model uncertainty" in render_split("x", split.reset_index())


def test_variance_split_by_hand_and_pure_noise(tmp_path):
    """Two sets of 3: between = 1, within = 2/3 (population variances); the random-effects
    parameter component is (MSB - MSW)/n0 = (6 - 1)/3. Identically distributed sets give a
    parameter share near 0."""
    (tmp_path / "summary.csv").write_text("rep,seed,y\n" + "".join(f"{k},0,{y}\n" for k, y in
                                                                  enumerate([0, 1, 2, 2, 3, 4])))
    (tmp_path / "meta.json").write_text(json.dumps({"parameter_ensemble": {"set_of_replication": [0, 0, 0, 1, 1, 1]}}))
    row = variance_split(tmp_path).set_index("metric").loc["y"]
    assert row["var_between_sets"] == pytest.approx(1.0) and row["var_within_sets"] == pytest.approx(2 / 3)
    assert row["sigma2_parameters"] == pytest.approx(5 / 3)
    rng = np.random.default_rng(1)
    y, sets = rng.normal(size=2000), rng.integers(0, 4, 2000)
    (tmp_path / "summary.csv").write_text("rep,seed,y\n" + "".join(f"{k},0,{v}\n" for k, v in enumerate(y)))
    (tmp_path / "meta.json").write_text(json.dumps({"parameter_ensemble": {"set_of_replication": sets.tolist()}}))
    assert variance_split(tmp_path).set_index("metric").loc["y", "share_parameters"] < 0.02


def test_compare_reports_the_split(runs, capsys):
    assert main(["compare", str(runs / "fixed"), str(runs / "ens"), "--metrics", "mean_tension"]) == 0
    out = capsys.readouterr().out
    assert "model uncertainty in" in out and "mean_tension" in out


@pytest.mark.slow
def test_same_bytes_with_two_workers(runs, tmp_path):
    run_ensemble_to_folder(SCENARIO, [], SETS, tmp_path / "w2", replications=20, seed=4, workers=2)
    for table in ("summary.csv", "events.csv", "tension.csv"):
        assert (tmp_path / "w2" / table).read_bytes() == (runs / "ens" / table).read_bytes()


def test_run_parameters_file_is_the_same_as_set(tmp_path):
    """`run --parameters FILE` gives the bytes of the same values given with --set; --set wins."""
    from sim.scenario.parameterfile import write_parameter_file

    path = write_parameter_file({"parameters.perception.default_intent": 0.4}, tmp_path / "p.yaml")
    common = [SCENARIO, "--reps", "3", "--quiet"]
    assert main(["run", *common, "--parameters", str(path), "--out", str(tmp_path / "file")]) == 0
    assert main(["run", *common, "--set", "parameters.perception.default_intent=0.4", "--out", str(tmp_path / "set")]) == 0
    assert (tmp_path / "file" / "summary.csv").read_bytes() == (tmp_path / "set" / "summary.csv").read_bytes()
    assert main(["run", *common, "--parameters", str(path), "--set", "parameters.perception.default_intent=0.02",
                 "--out", str(tmp_path / "both")]) == 0
    assert main(["run", *common, "--out", str(tmp_path / "plain")]) == 0
    assert (tmp_path / "both" / "summary.csv").read_bytes() == (tmp_path / "plain" / "summary.csv").read_bytes()


@pytest.mark.parametrize("cell, message", [("nan", "finite number"), ("-1.0", "greater than or equal to 0"),
                                           ("inf", "finite number"), ("abc", "not a finite number"), ("", "not a finite number"),
                                           ("1.5", "less than or equal to 1")])
def test_every_row_is_checked_at_load_not_only_the_drawn_ones(tmp_path, capsys, cell, message):
    """A bad set on line 5 of 6 is refused before any work, with file, line and column, though no
    replication of a 2-replication run would draw it; no output folder is made."""
    rows = ["0.1", "0.2", "0.3", cell, "0.4"]
    path = tmp_path / "e.csv"
    path.write_text("set,parameters.decision.war_cost,parameters.perception.default_intent\n"
                    + "".join(f"{k},6.0,{v}\n" for k, v in enumerate(rows)))
    out = tmp_path / "out"
    assert main(["run", SCENARIO, "--reps", "2", "--parameters-ensemble", str(path), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:5:3: parameters.perception.default_intent" in err and message in err, err
    assert "Traceback" not in err and not out.exists()


def test_an_unknown_parameter_column_is_refused_at_the_header(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("set,parameters.decision.war_cst\n0,6.0\n")
    with pytest.raises(InputErrors, match=r"e.csv:1:2: .*war_cst.*did you mean 'parameters.decision.war_cost'"):
        read_ensemble(path)


def test_tables_are_honoured_with_an_ensemble(tmp_path):
    ensemble = write_ensemble(SETS, tmp_path / "ensemble.csv")
    assert main(["run", SCENARIO, "--reps", "2", "--parameters-ensemble", str(ensemble), "--tables", "summary",
                 "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["meta.json", "summary.csv"]
    assert json.loads((tmp_path / "out" / "meta.json").read_text())["tables"] == ["summary"]


def test_sources_are_honoured_with_an_ensemble(tmp_path):
    """`--tables ...,sources` with an ensemble writes sources.csv, and each replication's rows are
    those of the fixed run of its set (the split read with that set's parameters), byte for byte."""
    ensemble = write_ensemble(SETS, tmp_path / "ensemble.csv")
    assert main(["run", SCENARIO, "--reps", "4", "--seed", "2", "--parameters-ensemble", str(ensemble), "--tables",
                 "summary,tension,sources", "--out", str(tmp_path / "out"), "--quiet"]) == 0  # sets 0, 1, 1, 0
    assert json.loads((tmp_path / "out" / "meta.json").read_text())["tables"] == ["summary", "tension", "sources"]
    sources = pd.read_csv(tmp_path / "out" / "sources.csv")
    sets = ensemble_sets(tmp_path / "out")
    assert sorted(sources["rep"].unique()) == [0, 1, 2, 3] and set(sets) == {0, 1}
    for j, values in enumerate(SETS):
        scenario = load_scenario(SCENARIO, [f"{k}={v}" for k, v in values.items()])
        run(scenario, replications=4, seed=2, sources=True).write(tmp_path / str(j))
        fixed = pd.read_csv(tmp_path / str(j) / "sources.csv")
        mine = [k for k, s in enumerate(sets) if s == j]
        pd.testing.assert_frame_equal(sources[sources.rep.isin(mine)].reset_index(drop=True),
                                      fixed[fixed.rep.isin(mine)].reset_index(drop=True))


def test_a_million_sets_are_not_copied_into_meta(tmp_path):
    """meta.json records the file (path, rows, sha256) and the sets drawn, not every set."""
    n = 1_000_000
    path = tmp_path / "big.csv"
    intents = np.linspace(0.0, 1.0, n).tolist()
    path.write_text("set,parameters.perception.default_intent\n" + "".join(f"{k},{v!r}\n" for k, v in enumerate(intents)))
    folder, meta = run_ensemble_to_folder(SCENARIO, [], read_ensemble(path), tmp_path / "out", replications=2, seed=4,
                                          ensemble_file=str(path))
    record = json.loads((folder / "meta.json").read_text())["parameter_ensemble"]
    assert (folder / "meta.json").stat().st_size < 100_000 and record["rows"] == n
    assert record["drawn"] == {str(k): {"parameters.perception.default_intent": intents[k]}
                               for k in record["set_of_replication"]}
