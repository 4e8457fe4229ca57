"""`alliance-sim sensitivity`: documented ranges, Sobol' indices that find the parameter that
matters, reproducibility, and the command's files."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats
from scipy.stats._sensitivity_analysis import sample_A_B

from sim.analysis.sensitivity import DESIGN_KEY, documented_range, saltelli_design, sensitivity
from sim.cli.main import main
from sim.scenario.errors import InputErrors
from sim.sweeps.design import design_rng

SCENARIO = "scenarios/taiwan_strait_war.yaml"
PARAMS = ["parameters.perception.default_intent", "parameters.decision.temperature"]


@pytest.mark.parametrize("path, expected", [
    ("parameters.motives.optimism", (0.0, 1.0, "registry")),
    ("parameters.motives.stake_weight", (0.0, 8.0, "registry")),
    ("parameters.perception.default_intent", (0.0, 1.0, "field bounds")),
    ("parameters.decision.war_cost", (2.0, 12.0, "registry")),
    ("parameters.decision.decision_interval_days", (3.5, 14.0, "default / 2 to default x 2")),
])
def test_documented_ranges(path, expected):
    assert documented_range(path) == expected


@pytest.mark.parametrize("path", ["parameters.decision.attention", "parameters.decision.nope", "decision.war_cost"])
def test_not_a_real_parameter_is_an_input_error(path):
    with pytest.raises(InputErrors, match="not a real-valued parameter"):
        documented_range(path)


def test_the_design_is_the_one_sobol_indices_would_draw():
    """A and B come from the sweeps' generator; they are the matrices scipy's `sobol_indices` draws
    from the same generator (64-bit scrambled Sobol', 2d columns), and leave it in the same state
    for the bootstrap."""
    ranges = [(2.0, 12.0), (0.0, 1.0), (0.1, 0.5)]
    ours, scipys = design_rng(5, DESIGN_KEY), design_rng(5, DESIGN_KEY)
    expected = sample_A_B(16, [stats.uniform(low, high - low) for low, high in ranges], scipys)
    assert saltelli_design(16, ranges, ours).tobytes() == expected.tobytes()
    assert ours.random() == scipys.random()


@pytest.fixture(scope="module")
def indices():
    return sensitivity(SCENARIO, PARAMS, ["mean_tension"], n=8, replications=2, seed=1, resamples=200)


def test_the_parameter_that_drives_tension_dominates(indices):
    """Baseline intent over 0-1 drives mean tension; the decision temperature over 0.1-0.5 barely
    does: its total index is small and below intent's interval."""
    table = indices.table.set_index("parameter")
    intent, temperature = table.loc[PARAMS[0]], table.loc[PARAMS[1]]
    assert intent["total_low"] > temperature["total"]
    assert intent["total"] > 0.5 and temperature["total"] < 0.3
    assert intent["first_low"] <= intent["first_order"] <= intent["first_high"]
    assert indices.meta["evaluations"] == 8 * (2 + 2)


def test_same_indices_again():
    """The same seed gives the same indices and intervals (on a quarter of the fixture's budget)."""
    first, again = (sensitivity(SCENARIO, PARAMS, ["mean_tension"], n=4, replications=1, seed=1, resamples=50)
                    for _ in range(2))
    pd.testing.assert_frame_equal(first.table, again.table)


def test_a_parameter_both_varied_and_fixed_is_an_input_error(capsys):
    args = ["sensitivity", SCENARIO, "--param", "decision.war_cost", "--set", "parameters.decision.war_cost=3"]
    assert main(args) == 2
    assert "parameters.decision.war_cost is both varied (--param) and fixed (--set)" in capsys.readouterr().err


def test_bad_budget_is_an_input_error(capsys):
    assert main(["sensitivity", SCENARIO, "--n", "6"]) == 2
    assert "--n must be a power of 2" in capsys.readouterr().err


@pytest.mark.slow
def test_command_writes_table_and_figure(tmp_path):
    figure = tmp_path / "fig.png"
    assert main(["sensitivity", SCENARIO, "--n", "4", "--reps", "1", "--resamples", "20", "--workers", "2",
                 "--param", "perception.default_intent", "--param", "decision.temperature", "--metrics",
                 "mean_tension,n_belligerents", "--out", str(tmp_path / "s"), "--figure", str(figure), "--quiet"]) == 0
    table = pd.read_csv(tmp_path / "s" / "sensitivity.csv")
    assert len(table) == 4 and set(table["metric"]) == {"mean_tension", "n_belligerents"}
    assert figure.read_bytes()[:4] == b"\x89PNG" and (tmp_path / "s" / "sensitivity.png").is_file()
