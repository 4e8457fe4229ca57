"""Sweep designs and the sweep file model: sizes, bounds, integer and log ranges, reproducibility;
the one generator's published designs and the one way a point becomes a scenario."""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError
from scipy.stats import qmc

from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario
from sim.sweeps.design import design_points, grid_points, unit_sample
from sim.sweeps.points import apply_point
from sim.sweeps.schema import Choices, Range, SweepSpec, design_problems
from sim.sweeps.summary import RunningMean, t_interval


def spec(**fields):
    base = {"name": "s", "scenario": "x.yaml", "parameters": {"a.b": [1, 2]}}
    return SweepSpec.model_validate({**base, **fields})


def test_grid_takes_every_combination_last_parameter_fastest():
    points = grid_points({"a": [1, 2], "b": Choices(choices=["x", "y", "z"])})
    assert len(points) == 6
    assert points[:3] == [{"a": 1, "b": "x"}, {"a": 1, "b": "y"}, {"a": 1, "b": "z"}]


@pytest.mark.parametrize("design", ["random", "lhs", "sobol"])
def test_sampled_designs_have_their_size_bounds_and_are_reproducible(design):
    params = {
        "lin": Range(low=-1, high=3),
        "log": Range(low=0.01, high=100, log=True),
        "int": Range(low=2, high=5, integer=True),
        "pick": Choices(choices=["a", "b"]),
    }
    points = design_points(design, params, 64, seed=7)
    assert len(points) == 64
    assert points == design_points(design, params, 64, seed=7)
    assert points != design_points(design, params, 64, seed=8)
    assert all(-1 <= p["lin"] <= 3 and 0.01 <= p["log"] <= 100 for p in points)
    assert {p["int"] for p in points} == {2, 3, 4, 5}
    assert all(isinstance(p["int"], int) for p in points)
    assert {p["pick"] for p in points} == {"a", "b"}
    decades = np.histogram(np.log10([p["log"] for p in points]), bins=4, range=(-2, 2))[0]
    assert decades.min() >= 8  # log scale: every decade gets its share


def test_latin_hypercube_puts_one_point_in_each_stratum():
    unit = unit_sample("lhs", 20, 3, seed=1)
    for column in unit.T:
        assert sorted((column * 20).astype(int)) == list(range(20))


def test_sobol_points_are_balanced():
    unit = unit_sample("sobol", 16, 2, seed=3)
    counts = np.histogram2d(unit[:, 0], unit[:, 1], bins=4, range=[[0, 1], [0, 1]])[0]
    assert (counts == 1).all()


def test_prccs_published_hypercube_is_drawn_by_the_sweeps_generator():
    """benchmarks/prcc.py's design (the table of docs/model.md) is scipy's Latin hypercube seeded
    with the integer as it was, scaled to the documented ranges: the same bytes."""
    spec = importlib.util.spec_from_file_location("prcc", Path(__file__).parents[1] / "benchmarks" / "prcc.py")
    assert spec is not None and spec.loader is not None
    prcc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(prcc)
    low, high = (np.array([r[k] for r in prcc.RANGES.values()]) for k in (0, 1))
    published = qmc.scale(qmc.LatinHypercube(d=len(low), seed=2022).random(512), low, high)
    assert prcc.design(512, 2022).tobytes() == published.tobytes()


def test_a_point_is_its_values_over_the_fixed_overrides():
    """A point's values are set as they are: the scenario is the one `--set` of their exact text
    makes, over the fixed overrides; a point's value wins over a fixed one of the same path; and a
    value whose text YAML does not read as a number (1e-05) is set all the same."""
    path, cost, optimism = "scenarios/quad_defence_pact.yaml", "parameters.decision.war_cost", "parameters.motives.optimism"
    point = {cost: 6.123456789012345, optimism: 0.25}
    texts = [f"{key}={value!r}" for key, value in point.items()]
    fixed = ["parameters.decision.temperature=0.2", f"{cost}=3"]
    assert apply_point(path, point, fixed) == load_scenario(path, [*fixed, *texts])
    assert apply_point(path, point, {"parameters.decision.temperature": 0.2}) == load_scenario(path, [fixed[0], *texts])
    assert apply_point(path, point).parameters.decision.war_cost == point[cost]
    assert apply_point(path, point, fixed) != load_scenario(path, fixed)
    assert apply_point(path, {optimism: 1e-05}).parameters.motives.optimism == 1e-05
    with pytest.raises(InputErrors, match="valid number"):
        load_scenario(path, [f"{optimism}={1e-05!r}"])


@pytest.mark.parametrize("bad, words", [
    ({"low": 2, "high": 1}, "must be below"),
    ({"low": 0, "high": 1, "log": True}, "needs low > 0"),
    ({"low": 0.5, "high": 3, "integer": True}, "whole low and high"),
    ({"low": 0, "high": 1, "step": 2}, "Extra inputs"),
])
def test_bad_ranges_are_refused(bad, words):
    with pytest.raises(ValidationError, match=words):
        spec(design="lhs", samples=4, parameters={"a.b": bad})


def test_design_and_parameters_must_fit_together():
    assert design_problems(spec()) == []
    grid_range = design_problems(spec(parameters={"a.b": {"low": 0, "high": 1}}))
    assert grid_range[0][0] == ("parameters", "a.b") and "not a range" in grid_range[0][1]
    assert "needs `samples`" in design_problems(spec(design="lhs"))[0][1]
    assert "try 64" in design_problems(spec(design="sobol", samples=60))[0][1]
    assert "both fixed" in design_problems(spec(set={"a.b": 3}))[0][1]
    assert "may not span lines" in design_problems(spec(parameters={"a.b": {"choices": ["x", "y\nz"]}}))[0][1]


def test_running_mean_matches_numpy_and_the_t_interval_covers_it():
    data = np.random.default_rng(0).normal(3, 2, 50)
    acc = RunningMean()
    for x in data:
        acc.add(float(x))
    mean, low, high = t_interval(acc)
    assert math.isclose(mean, data.mean()) and math.isclose(acc.variance, data.var(ddof=1))
    half = 2.0096 * data.std(ddof=1) / math.sqrt(50)  # t(0.975, 49)
    assert math.isclose(high - mean, half, rel_tol=1e-4) and math.isclose(mean - low, half, rel_tol=1e-4)
