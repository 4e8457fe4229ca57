"""Resource limits: a run's size is estimated and a too-large run or sweep refused at once."""

from __future__ import annotations

import time

import pytest
from factories import tiny

from sim.execution.limits import MAX_RUNS, check_run, estimate
from sim.execution.runner import run
from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario
from sim.sweeps.plan import plan_sweep


def test_the_estimate_counts_replications_samples_and_series():
    """tiny: 3 states and 1 watched dyad; 120 days sampled every 7 (17 samples) plus the start and end."""
    scenario = load_scenario(tiny(replications=10, record_every_days=7.0))
    size = estimate(scenario)
    assert (size.replications, size.samples, size.series) == (10, 19, 4)
    assert size.rows == 10 * 19 * 4 and size.bytes == size.rows * 30
    assert estimate(scenario, replications=2, horizon=14.0).rows == 2 * 4 * 4
    real = run(scenario, replications=2, seed=1, horizon=14.0).rows("tension")
    assert len(real) <= estimate(scenario, replications=2, horizon=14.0).rows


def test_a_run_too_large_is_refused_with_the_estimate_and_max_rows_allows_it():
    scenario = load_scenario(tiny(record_every_days=1e-3))
    with pytest.raises(InputErrors, match=r"about 1\.92e\+06 rows .*--max-rows") as caught:
        check_run(scenario, replications=4, max_rows=1_000_000)
    assert "record_every_days" in str(caught.value)
    assert check_run(scenario, replications=4, max_rows=2_000_000).rows > 1_000_000


def test_a_huge_sweep_is_refused_before_any_point_is_drawn():
    grid = {f"parameters.decision.{p}": list(range(1, 11)) for p in
            ("war_cost", "inertia", "nuclear_taboo", "breach_cost", "precision", "nuclear_deterrence")}
    start = time.monotonic()
    with pytest.raises(InputErrors, match="1000000 points x 2 replications"):
        plan_sweep(tiny(), grid, replications=2)
    assert time.monotonic() - start < 5
    with pytest.raises(InputErrors, match="--max-runs"):
        plan_sweep(tiny(), {"parameters.decision.war_cost": [1.0, 2.0]}, replications=4, max_runs=7)
    assert len(plan_sweep(tiny(), {"parameters.decision.war_cost": [1.0, 2.0]}, replications=4, max_runs=8).points) == 2
    assert MAX_RUNS == 200_000
