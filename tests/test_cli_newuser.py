"""What a new user meets on the command line (issue 11): files of every kind, shipped scenarios by
name, the direction of `compare`."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli_input import ROOT, cli

SHIPPED = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").rglob("*.yaml"))


def test_validate_checks_each_shipped_file_by_its_own_schema():
    """Scenario, sweep and history files alike: no false errors (item 6)."""
    result = cli("validate", *SHIPPED)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "ok scenarios/sweeps/perception_lhs.yaml (sweep: 64 points x 50 replications)" in result.stdout
    assert "ok scenarios/history/ukraine_2022.yaml (history ukraine_2022 to 2022-12-31)" in result.stdout


def test_validate_reports_a_sweep_files_own_errors(tmp_path):
    bad = tmp_path / "bad_sweep.yaml"
    bad.write_text(f"name: s\nscenario: {ROOT}/scenarios/baseline_2022.yaml\nparameters:\n  seed: [1, 2]\nreplicatons: 3\n")
    result = cli("validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{bad}:5:14: replicatons: unknown field 'replicatons' (did you mean 'replications'?)" in result.stderr


def test_run_on_a_sweep_or_history_file_names_the_command_to_use():
    for file, command in (("scenarios/sweeps/quad_reliability.yaml", "sweep"),
                          ("scenarios/history/ukraine_2022.yaml", "backtest")):
        result = cli("run", file)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert f"run it with `alliance-sim {command} {file}`" in result.stderr
