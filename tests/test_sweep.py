"""Sweeps end to end on the real engine: validation with file:line, outputs, backends, resume, failures.

A tiny four-state world keeps each replication near 5 ms. Subprocess tests (kill, Ctrl-C, a real
`dask scheduler` and `dask worker`) have bounded waits and always end what they started.
"""

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import sim.sweeps.execute
from sim.cli.main import main as cli
from sim.execution.runner import replication_seeds
from sim.scenario.errors import InputErrors
from sim.sweeps.api import load_sweep, run_sweep, sweep
from sim.sweeps.execute import DaskBackend, InlineBackend, ProcessBackend
from sim.sweeps.store import claim_folder

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

STATES = """\
id,name,lat,lon,power,nuclear,regions
AAA,Alpha,50,10,100,true,europe
BBB,Beta,52,20,60,false,europe
CCC,Gamma,48,30,80,true,europe
DDD,Delta,40,15,30,false,europe
"""
SCENARIO = """\
name: tiny
world: states.csv
horizon_days: 120
replications: 4
seed: 1
alliances:
  PACT: {type: defence, members: [AAA, BBB]}
relations:
  - {from: CCC, to: BBB, intent: 0.6, mutual: true}
timeline:
  - {at: 5, do: attack, actor: CCC, target: BBB}
"""
GRID = """\
name: grid
scenario: tiny.yaml
replications: {reps}
seed: 7
set:
  alliances.PACT.type: defence
parameters:
  alliances.PACT.reliability: [0.25, 0.5, 0.75, 1.0]
"""


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "states.csv").write_text(STATES)
    (tmp_path / "tiny.yaml").write_text(SCENARIO)
    return tmp_path


def write(folder: Path, name: str, text: str) -> Path:
    (folder / name).write_text(text)
    return folder / name


def grid(folder: Path, reps: int = 6) -> Path:
    return write(folder, "grid.yaml", GRID.format(reps=reps))


def errors_of(path: Path) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        load_sweep(path)
    return [str(e) for e in caught.value.errors]


# --- validation --------------------------------------------------------------------------------

def test_bad_paths_and_values_are_reported_at_their_sweep_file_lines(folder):
    path = write(folder, "bad.yaml", """\
name: bad
scenario: tiny.yaml
set:
  alliances.PACT.type: defence
parameters:
  alliances.PAKT.reliability: [0.5]
  alliances.PACT.reliability: [0.5, 1.5]
  parameters.perception.distance_half_kmm: [100, 200]
""")
    assert errors_of(path) == [
        f"{path}:6:3: alliances.PAKT.reliability: alliances has no 'PAKT' (did you mean 'PACT'?): "
        "sweep a field the scenario has",
        f"{path}:7:37: alliances.PACT.reliability: Input should be less than or equal to 1 (got 1.5) (point 2)",
        f"{path}:8:3: parameters.perception.distance_half_kmm: parameters.perception has no "
        "'distance_half_kmm' (did you mean 'distance_half_km'?): sweep a field the scenario has",
    ]
    path.write_text(path.read_text().replace("type: defence", "typ: defence"))
    assert errors_of(path)[0] == f"{path}:4:23: alliances.PACT.typ: unknown field 'typ' (did you mean 'type'?)"


def test_bad_ranges_and_designs_are_reported_at_their_lines(folder):
    path = write(folder, "bad.yaml", """\
name: bad
scenario: tiny.yaml
design: sobol
samples: 12
parameters:
  alliances.PACT.reliability: {low: 0.9, high: 0.1}
""")
    assert errors_of(path) == [f"{path}:6:3: alliances.PACT.reliability: low 0.9 must be below high 0.1"]
    path.write_text(path.read_text().replace("0.9, high: 0.1", "0.5, high: 1.5"))
    assert errors_of(path) == [f"{path}:4:10: samples: a Sobol' design keeps its balance only with a "
                               "power of two samples; got 12 (try 16)"]
    path.write_text(path.read_text().replace("samples: 12", "samples: 16"))
    [error] = errors_of(path)
    assert error.startswith(f"{path}:6:3: alliances.PACT.reliability: Input should be less than or equal to 1")


def test_structure_errors_say_what_was_meant(folder):
    path = write(folder, "bad.yaml", """\
name: bad
scenario: tiny.yaml
design: lhd
sample: 3
parameters:
  alliances.PACT.reliability: {low: 0.1, hihg: 0.9}
  parameters.decision.war_cost: 3
""")
    assert errors_of(path) == [
        f"{path}:3:9: design: Input should be 'grid', 'random', 'lhs' or 'sobol' (got 'lhd') (did you mean 'lhs'?)",
        f"{path}:4:9: sample: unknown field 'sample' (did you mean 'samples'?)",
        f"{path}:6:3: alliances.PACT.reliability.high: 'high' is required",
        f"{path}:6:48: alliances.PACT.reliability.hihg: unknown field 'hihg' (did you mean 'high'?)",
        f"{path}:7:33: parameters.decision.war_cost: give a list of values, {{choices: [...]}} or a range "
        "{low: ..., high: ...} (got 3)",
    ]


def test_the_command_line_prints_errors_exits_2_and_writes_nothing(folder, capsys):
    path = write(folder, "bad.yaml", "name: bad\nscenario: tiny.yml\nparameters: {seed: [1]}\n")
    assert cli(["sweep", str(path), "--out", str(folder / "out")]) == 2
    assert f"error: {path}:2:11: scenario: no scenario file" in capsys.readouterr().err
    assert not (folder / "out").exists()
    assert cli(["sweep", str(grid(folder)), "--out", str(folder / "out"), "--dask", "nonsense"]) == 2
    assert "error: --dask: cannot reach a Dask scheduler at nonsense: missing port" in capsys.readouterr().err
    assert not (folder / "out").exists()


# --- outputs and backends ----------------------------------------------------------------------

def run_with(backend, plan_file: Path, out: Path):
    return run_sweep(load_sweep(plan_file), out, backend)


def test_runs_points_and_manifest(folder):
    out = folder / "out"
    outcome = run_with(InlineBackend(), grid(folder), out)
    assert (outcome.total, outcome.done, outcome.failed) == (24, 24, 0)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "points.csv", "runs.csv"]
    runs = pd.read_csv(out / "runs.csv")
    assert list(runs.columns[:4]) == ["point", "rep", "seed", "alliances.PACT.reliability"]
    assert list(runs[["point", "rep"]].itertuples(index=False)) == [(p, r) for p in range(4) for r in range(6)]
    assert (runs.groupby("point").seed.apply(list) == [replication_seeds(7, 6)] * 4).all()  # CRN
    points = pd.read_csv(out / "points.csv")
    assert list(points.n) == [6] * 4 and list(points["alliances.PACT.reliability"]) == [0.25, 0.5, 0.75, 1.0]
    means = runs.groupby("point").invocations_honoured.mean()
    assert points.invocations_honoured_mean.round(4).tolist() == means.round(4).tolist()
    assert (points.invocations_honoured_ci_low <= means.values + 1e-9).all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["design"] == "grid" and manifest["runs_done"] == 24
    assert manifest["name"] == "grid" and manifest["horizon_days"] == 120 and manifest["replications"] == 6
    assert manifest["points"][1] == {"point": 1, "values": {"alliances.PACT.reliability": 0.5},
                                     "done": "0-5", "failed": []}
    assert len(manifest["sweep_sha256"]) == 64


def test_one_worker_two_workers_and_dask_give_the_same_bytes(folder):
    from distributed import Client, LocalCluster

    path = grid(folder)
    run_with(InlineBackend(), path, folder / "one")
    pool = ProcessBackend(2)
    try:
        run_with(pool, path, folder / "two")
    finally:
        pool.close()
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        run_with(DaskBackend(client), path, folder / "dask")
    one = (folder / "one" / "runs.csv").read_bytes()
    assert one == (folder / "two" / "runs.csv").read_bytes() == (folder / "dask" / "runs.csv").read_bytes()
    assert (folder / "one" / "points.csv").read_bytes() == (folder / "dask" / "points.csv").read_bytes()


def test_an_existing_sweep_is_kept_without_force_and_a_changed_file_is_not_resumed(folder, capsys):
    path, out = grid(folder), str(folder / "out")
    assert cli(["sweep", str(path), "--out", out, "--workers", "1", "--quiet"]) == 0
    assert cli(["sweep", str(path), "--out", out, "--quiet"]) == 2
    assert "holds a sweep already; --resume continues it, --force starts over" in capsys.readouterr().err
    path.write_text(path.read_text().replace("seed: 7", "seed: 8"))
    assert cli(["sweep", str(path), "--out", out, "--resume", "--quiet"]) == 2
    assert "the sweep file changed since this sweep began" in capsys.readouterr().err
    assert cli(["sweep", str(path), "--out", out, "--force", "--workers", "1", "--quiet"]) == 0
    with claim_folder(Path(out)):  # as a sweep still running there would
        assert cli(["sweep", str(path), "--out", out, "--resume", "--quiet"]) == 2
    assert "another sweep is writing to this folder now" in capsys.readouterr().err


def test_a_run_that_raises_is_recorded_and_the_others_go_on(folder, monkeypatch, capsys):
    """Failures injected by the test around the real engine: two runs at reliability 0.5 raise,
    and the world of reliability 1.0 cannot be built (every run of that point fails)."""
    real, real_setup = sim.sweeps.execute.run_replication, sim.sweeps.execute.Setup

    def flaky(setup, rep, seed):
        if setup.scenario.alliances["PACT"].reliability == 0.5 and rep in (1, 4):
            raise ValueError("injected by the test")
        return real(setup, rep, seed)

    def flaky_setup(scenario):
        if scenario.alliances["PACT"].reliability == 1.0:
            raise RuntimeError("no world today")
        return real_setup(scenario)

    monkeypatch.setattr(sim.sweeps.execute, "run_replication", flaky)
    monkeypatch.setattr(sim.sweeps.execute, "Setup", flaky_setup)
    out = folder / "out"
    assert cli(["sweep", str(grid(folder)), "--out", str(out), "--workers", "1", "--quiet"]) == 1
    assert "8 of 24 runs failed" in capsys.readouterr().err
    with open(out / "failures.csv", newline="") as handle:
        failures = list(csv.DictReader(handle))
    assert [(f["point"], f["rep"], f["alliances.PACT.reliability"]) for f in failures[:3]] == [
        ("1", "1", "0.5"), ("1", "4", "0.5"), ("3", "0", "1")]
    assert failures[0]["error"] == "ValueError: injected by the test" and "flaky" in failures[0]["traceback"]
    assert failures[2]["error"] == "RuntimeError: no world today" and "flaky_setup" in failures[2]["traceback"]
    assert failures[0]["seed"] == str(replication_seeds(7, 6)[1])
    assert len(pd.read_csv(out / "runs.csv")) == 16
    assert pd.read_csv(out / "points.csv").n.tolist() == [6, 4, 6, 0]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "failed runs" and manifest["points"][1]["failed"] == [1, 4]
    assert manifest["points"][3] == {"point": 3, "values": {"alliances.PACT.reliability": 1.0}, "done": "",
                                     "failed": [0, 1, 2, 3, 4, 5]}
    monkeypatch.setattr(sim.sweeps.execute, "run_replication", real)  # resume tries them again
    monkeypatch.setattr(sim.sweeps.execute, "Setup", real_setup)
    assert cli(["sweep", str(grid(folder)), "--out", str(out), "--resume", "--quiet"]) == 0
    assert not (out / "failures.csv").exists() and len(pd.read_csv(out / "runs.csv")) == 24


def test_the_python_api_returns_dataframes_and_keeps_nothing_without_out(folder, monkeypatch):
    monkeypatch.chdir(folder)
    result = sweep("tiny.yaml", {"alliances.PACT.reliability": {"low": 0.1, "high": 0.9},
                                 "parameters.decision.war_cost": {"low": 1, "high": 4, "integer": True}},
                   design="lhs", samples=4, replications=3, seed=2, workers=1)
    assert isinstance(result.runs, pd.DataFrame) and len(result.runs) == 12 and len(result.points) == 4
    assert result.runs["parameters.decision.war_cost"].isin([1, 2, 3, 4]).all()
    assert result.out is None and result.manifest["design"] == "lhs" and not (folder / "results").exists()
    import sim

    assert sim.sweep is sweep  # the function; its module is sim.sweeps.api
    assert len(sim.sweep("tiny.yaml", {"alliances.PACT.reliability": [1.0]}, replications=1, workers=1).runs) == 1


def test_the_python_api_takes_a_loaded_scenario_and_gives_plain_rows_without_pandas(folder, monkeypatch):
    from sim.scenario.loading import load_scenario

    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    result = sweep(load_scenario(folder / "tiny.yaml"), {"alliances.PACT.reliability": [0.5, 1.0]},
                   replications=2, seed=7, workers=1, out=folder / "out")
    assert [(r["point"], r["rep"], r["alliances.PACT.reliability"]) for r in result.runs] == [
        (0, 0, 0.5), (0, 1, 0.5), (1, 0, 1), (1, 1, 1)]
    assert result.runs[0]["seed"] == replication_seeds(7, 2)[0] and result.points[1]["n"] == 2
    assert result.out == folder / "out" and (folder / "out" / "runs.csv").exists()


# --- interruption ------------------------------------------------------------------------------

def _foreground_signals() -> None:
    """Ctrl-C as a terminal's foreground job has it: a suite started in the background by a
    non-interactive shell (`pytest ... &`) ignores SIGINT, the command would inherit that, and
    Python then never raises KeyboardInterrupt (the sweep ran to its end and exited 0)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(path: Path, out: Path, *extra: str) -> subprocess.Popen:
    """The command in a process group of its own, as a terminal's foreground job."""
    return subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(path), "--out", str(out),
                             "--quiet", *extra], env=ENV, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_foreground_signals)


def wait_for_lines(journal: Path, lines: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        if journal.exists() and journal.read_bytes().count(b"\n") > lines:
            return
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"the sweep did not reach {lines} journal lines (exit {proc.poll()})")


@pytest.mark.slow
def test_a_killed_sweep_resumes_to_the_same_bytes(folder):
    path = grid(folder, reps=100)
    run_with(InlineBackend(), path, folder / "whole")
    out = folder / "killed"
    proc = start(path, out, "--workers", "1")
    try:
        wait_for_lines(out / "runs.partial.csv", 40, proc)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
    assert not (out / "runs.csv").exists()
    with open(out / "runs.partial.csv", "a") as journal:
        journal.write("2,99,123")  # a torn last line: not trusted
    outcome = run_sweep(load_sweep(path), out, InlineBackend(), resume=True)
    assert outcome.done == 400
    assert (out / "runs.csv").read_bytes() == (folder / "whole" / "runs.csv").read_bytes()


@pytest.mark.slow
def test_ctrl_c_stops_cleanly_with_a_consistent_manifest(folder):
    # 4,000 runs: a loaded machine can deliver hundreds of results to the journal in one burst, and
    # a sweep of 400 was then finished before the signal arrived (exit 0); the signal is sent at
    # 40 lines, so the size costs nothing
    path = grid(folder, reps=1000)
    out = folder / "out"
    proc = start(path, out, "--workers", "2")
    try:
        wait_for_lines(out / "runs.partial.csv", 40, proc)
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the worker processes too
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert err.strip().splitlines() == [f"interrupted: finished runs are kept in {out}/; continue with --resume"]
    manifest = json.loads((out / "manifest.json").read_text())
    journal_rows = (out / "runs.partial.csv").read_bytes().count(b"\n") - 1
    assert manifest["status"] == "interrupted" and manifest["runs_done"] == journal_rows > 0


# --- a real Dask scheduler and worker ----------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def scheduler(tmp_path):
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [subprocess.Popen(dask + ["--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                      "--no-dashboard"], env=ENV, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "2",
                  "--no-dashboard", "--death-timeout", "30"]
        procs.append(subprocess.Popen(worker, env=ENV, cwd=tmp_path,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout="20s") as client:
            client.wait_for_workers(1, timeout=30)
        yield address
    finally:
        for proc in reversed(procs):
            proc.kill()
            proc.wait(10)


@pytest.mark.slow
def test_a_real_dask_scheduler_and_worker_give_the_same_bytes(folder, scheduler):
    path = grid(folder)
    run_with(InlineBackend(), path, folder / "one")
    assert cli(["sweep", str(path), "--out", str(folder / "cluster"), "--dask", scheduler, "--quiet"]) == 0
    assert (folder / "one" / "runs.csv").read_bytes() == (folder / "cluster" / "runs.csv").read_bytes()


# --- the shipped examples ----------------------------------------------------------------------

@pytest.mark.parametrize("name, points, reps", [("quad_reliability", 4, 100), ("perception_lhs", 64, 50)])
def test_the_shipped_sweep_files_are_valid(name, points, reps):
    plan = load_sweep(ROOT / "scenarios" / "sweeps" / f"{name}.yaml")
    assert (len(plan.points), plan.replications) == (points, reps)
    if name == "quad_reliability":
        assert all(plan.scenario_at(p).alliances["QUAD"].type == "defence" for p in range(points))
        assert [plan.scenario_at(p).alliances["QUAD"].reliability for p in range(points)] == [0.25, 0.5, 0.75, 1.0]


@pytest.mark.slow
def test_the_example_script_sweeps_from_python():
    script = ROOT / "scenarios" / "sweeps" / "example_script.py"
    done = subprocess.run([sys.executable, str(script), "--workers", "1", "--replications", "2",
                           "--horizon", "60"], env=ENV,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["alliances.QUAD.reliability", "parameters.decision.war_cost", "n",
                                "max_level_mean", "max_level_ci_low", "max_level_ci_high"]
    assert len(lines) == 7
