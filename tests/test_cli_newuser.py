"""What a new user meets on the command line (issue 11): files of every kind, shipped scenarios by
name, the direction of `compare`."""

from __future__ import annotations

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


def test_compare_says_the_direction_in_help_and_in_every_format(tmp_path):
    """B - A, in --help and in the header of the table, markdown, csv and json (item 10)."""
    from tests.test_compare import write_run

    a = write_run(tmp_path / "a", {"max_level": [1, 2, 3, 4]})
    b = write_run(tmp_path / "b", {"max_level": [3, 4, 5, 6]})
    assert "B - A" in " ".join(cli("compare", "--help").stdout.split())
    outputs = {fmt: cli("compare", str(a), str(b), "--format", fmt).stdout for fmt in ("table", "markdown", "csv", "json")}
    assert "difference = B - A (positive: higher in B)" in outputs["table"].splitlines()[4]
    assert "difference = B - A" in outputs["markdown"]
    assert outputs["csv"].splitlines()[0].split(",")[10] == "diff_b_minus_a"
    assert float(outputs["csv"].splitlines()[1].split(",")[10]) == 2
    assert '"difference": "B - A"' in outputs["json"].splitlines()[1]


def test_the_docs_quote_compare_with_the_baseline_as_a():
    """docs/scenarios.md reports what-if - baseline, so its command gives the baseline as A."""
    text = (ROOT / "docs" / "scenarios.md").read_text()
    assert "compare results/every/baseline_2022 results/every/global_nato" in text
    assert "compare results/every/global_nato results/every/baseline_2022" not in text


def test_pacts_lists_type_members_scope_reliability_and_delays():
    """`alliance-sim pacts` (item 8): the world's pacts, or a scenario's after its changes."""
    world = cli("pacts")
    assert world.returncode == 0, world.stderr
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in world.stdout.splitlines() if line.startswith("│") and line.split("│")[1].strip()}
    assert len(rows) == 13
    assert rows["QUAD"] == ["dialogue", "4: USA, JPN, IND, AUS", "anywhere", "0.5", "7-30", "30-90"]  # reliability.csv
    assert rows["US_JPN"][2].startswith("soil of JPN")
    scenario = cli("pacts", "--scenario", "scenarios/quad_expansion.yaml")  # the scenario's own pacts
    assert any("QUAD" in line and "6: USA" in line for line in scenario.stdout.splitlines())
    bad = cli("pacts", "--world", "world_2023")
    assert bad.returncode == 2 and "did you mean 'world_2022'" in bad.stderr


def test_run_writes_only_the_tables_asked_for_and_samples_as_often_as_asked(tmp_path):
    """`--tables summary,events` and `--record-every DAYS` keep outputs small (item 12)."""
    args = ("run", "scenarios/hawaii_strike.yaml", "--reps", "2", "--horizon", "120", "--quiet")
    small = cli(*args, "--tables", "summary,events", "--record-every", "30", "--out", str(tmp_path / "small"))
    full = cli(*args, "--out", str(tmp_path / "full"))
    assert small.returncode == full.returncode == 0, small.stderr
    assert sorted(p.name for p in (tmp_path / "small").iterdir()) == ["events.csv", "meta.json", "summary.csv"]
    assert (tmp_path / "small" / "events.csv").read_bytes() == (tmp_path / "full" / "events.csv").read_bytes()
    sampled = cli(*args, "--record-every", "30", "--out", str(tmp_path / "sampled"))
    assert sampled.returncode == 0
    times = {line.split(",")[1] for line in (tmp_path / "sampled" / "tension.csv").read_text().splitlines()[1:]}
    assert times == {"0", "30", "60", "90", "120"}
    bad = cli(*args, "--tables", "sumary")
    assert bad.returncode == 2 and "unknown table 'sumary' (did you mean 'summary'?)" in bad.stderr


def test_sweep_takes_reps_horizon_and_set_like_run(tmp_path):
    """`sweep --reps 2 --horizon 30 --set ...` (item 9); a bad value is an input error."""
    out = tmp_path / "sw"
    result = cli("sweep", "sweeps/quad_reliability", "--reps", "2", "--horizon", "30", "--workers", "1",
                 "--set", "parameters.decision.temperature=0.5", "--out", str(out), "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = (out / "runs.csv").read_text().splitlines()
    assert len(lines) == 1 + 4 * 2
    manifest = (out / "manifest.json").read_text()
    assert '"horizon_days": 30' in manifest and '"parameters.decision.temperature": 0.5' in manifest
    bad = cli("sweep", "sweeps/quad_reliability", "--reps", "0", cwd=tmp_path)
    assert bad.returncode == 2 and "--reps must be above 0" in bad.stderr
