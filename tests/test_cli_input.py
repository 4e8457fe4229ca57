"""The input commands from a shell: `validate`, `states`, `scenarios` (exit codes, no tracebacks)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from clirun import cli

ROOT = Path(__file__).resolve().parents[1]


def subprocess_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run `python -m sim ARGS` as a real process, with the repository importable."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_validate_good_file_prints_ok(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("name: good\ntimeline:\n  - {at: 0, do: name_threat, actor: NATO, target: CHN}\n")
    result = cli("validate", str(good))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {good} (55 states, 13 pacts, 1 actions)"


def test_validate_bad_file_exits_2_with_every_error_and_no_traceback(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("seed: 1\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nalliances:\n  QUAD: {members: [USA, JPN, INDIA, AUS]}\nseed: -1\n")
    result = subprocess_cli("validate", str(good), str(bad))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"ok {good}" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"error: {bad}:3:30: alliances.QUAD.members[2]: unknown state 'INDIA' (did you mean 'IND'?)"
    assert lines[1].startswith(f"error: {bad}:4:7: seed:")


def test_validate_yaml_syntax_error(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nstates: {TWN: {resolve: 0.7}\n")
    result = cli("validate", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{bad}:3:1: YAML syntax" in result.stderr


def test_validate_with_set(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("seed: 1\n")
    result = cli("validate", str(good), "--set", "parameters.decision.temprature=0.8")
    assert result.returncode == 2
    assert "did you mean 'temperature'" in result.stderr and "--set parameters.decision.temprature=0.8" in result.stderr


def test_validate_missing_file(tmp_path):
    result = cli("validate", str(tmp_path / "nothere.yaml"))
    assert result.returncode == 2 and "no scenario file" in result.stderr and "Traceback" not in result.stderr


def test_states_lists_the_world():
    result = cli("states")
    assert result.returncode == 0, result.stderr
    assert "55 states, 13 pacts" in result.stdout
    assert "estimate_no_sipri" in result.stdout and "Iceland" in result.stdout


def test_states_unknown_world_exits_2():
    result = cli("states", "--world", "wrld_2022")
    assert result.returncode == 2 and "did you mean 'world_2022'" in result.stderr


def test_states_user_csv(tmp_path):
    (tmp_path / "mine.csv").write_text("id,lat,lon,power\nAAA,1,2,3\n")
    result = cli("states", "--world", "mine.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "AAA" in result.stdout


def test_scenarios_lists_descriptions(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "one.yaml").write_text("name: one\ndescription: The first scenario.\n")
    (folder / "broken.yaml").write_text("name: [\n")
    result = cli("scenarios", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "one.yaml" in result.stdout and "The first scenario." in result.stdout
    assert "unreadable" in result.stdout


def test_scenarios_missing_folder_exits_2(tmp_path):
    result = cli("scenarios", "--dir", str(tmp_path / "none"))
    assert result.returncode == 2 and "no folder" in result.stderr
