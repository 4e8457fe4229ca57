"""`alliance-sim run` end to end: outputs, --set, --force, and bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from clirun import cli
from factories import tiny

ROOT = Path(__file__).resolve().parents[1]


def _process(*args, cwd):
    """`python -m sim ARGS` as a real process (a smoke test of the whole path)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, env=env, capture_output=True, text=True)


def _sim(*args, cwd):
    """The command in-process (tests/clirun.py)."""
    return cli(*args, cwd=cwd)


def _write(tmp_path, data) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_run_writes_every_table_with_the_contract_columns(tmp_path):
    path = _write(tmp_path, tiny())
    result = _process("run", str(path), "--reps", "3", "--out", "out", "--quiet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == ["events.csv", "meta.json", "states.csv", "summary.csv", "tension.csv"]
    head = (out / "summary.csv").read_text().splitlines()[0].split(",")
    assert head[:15] == ["rep", "seed", "max_level", "t_first_clash", "n_belligerents", "n_drawn_in", "invocations",
                         "invocations_honoured", "abandonments", "nuclear_use", "cascade_depth", "mean_tension",
                         "peak_tension", "end_tension", "n_events"]
    assert "war_AAA_BBB" in head and "tension_end_BBB" in head
    assert (out / "events.csv").read_text().startswith("rep,t,event_id,cause_id,kind,actor,target,level,pact,detail\n")
    assert len((out / "summary.csv").read_text().splitlines()) == 4
    meta = json.loads((out / "meta.json").read_text())
    assert meta["replications"] == 3 and len(meta["sha256"]) == 64 and meta["versions"]["simpy"]


def test_set_overrides_a_parameter(tmp_path):
    path = _write(tmp_path, tiny())
    result = _sim("run", str(path), "--reps", "2", "--out", "out", "--quiet",
                  "--set", "parameters.decision.temperature=0.8", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    meta = json.loads((tmp_path / "out" / "meta.json").read_text())
    assert meta["scenario"]["parameters"]["decision"]["temperature"] == 0.8


def test_existing_output_needs_force(tmp_path):
    path = _write(tmp_path, tiny())
    assert _sim("run", str(path), "--reps", "2", "--out", "out", "--quiet", cwd=tmp_path).returncode == 0
    before = (tmp_path / "out" / "summary.csv").read_text()
    again = _sim("run", str(path), "--reps", "3", "--out", "out", "--quiet", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr and "Traceback" not in again.stderr
    assert (tmp_path / "out" / "summary.csv").read_text() == before
    forced = _sim("run", str(path), "--reps", "3", "--out", "out", "--quiet", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and len((tmp_path / "out" / "summary.csv").read_text().splitlines()) == 4


def test_misspelt_state_gives_file_line_and_suggestion(tmp_path):
    data = tiny()
    path = tmp_path / "bad.yaml"
    text = yaml.safe_dump(data, sort_keys=False).replace("- BBB\n    - CCC", "- BBB\n    - CCCC")
    path.write_text(text)
    line = text.splitlines().index("    - CCCC") + 1
    result = _sim("run", str(path), "--out", "out", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"bad.yaml:{line}:" in result.stderr and "'CCCC'" in result.stderr and "did you mean 'CCC'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_bad_set_path_is_named(tmp_path):
    path = _write(tmp_path, tiny())
    result = _sim("run", str(path), "--set", "parameters.decision.temprature=0.8", cwd=tmp_path)
    assert result.returncode == 2 and "temprature" in result.stderr and "temperature" in result.stderr


def test_bad_command_line_number(tmp_path):
    path = _write(tmp_path, tiny())
    result = _sim("run", str(path), "--reps", "0", cwd=tmp_path)
    assert result.returncode == 2 and "--reps" in result.stderr


def test_python_api_result_frames_and_write(tmp_path):
    import sim

    result = sim.run(sim.load_scenario(tiny()), replications=2, seed=1)
    assert list(result.summary["rep"]) == [0, 1]
    result.write(tmp_path / "api")
    assert (tmp_path / "api" / "events.csv").exists()


def test_ctrl_c_leaves_no_output_and_exits_130(tmp_path):
    """An interrupted run writes nothing: its temporary folder is removed, the target never appears."""
    import signal
    import time

    path = _write(tmp_path, tiny(replications=100000))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sim", "run", str(path), "--out", "out", "--quiet"], cwd=tmp_path,
                            env=env, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".out.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out.*"))
