"""Injected faults: SIGKILL of `run` and `sweep` at random moments, two runs into one folder, a
full disk, and the leftovers a killed process leaves behind.

What must hold: an earlier result survives a killed `--force` untouched; a killed run's workers
exit by themselves; the next run into the same parent leaves no temporary folder or lock file;
of two concurrent runs into one folder one is refused; a full disk is a clean error (exit 1) after
which `sweep --resume` completes with the same bytes as a sweep never interrupted.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from clirun import cli
from factories import tiny

from sim.execution.orphans import TEMP_MARK, clean_stale, process_gone, temp_name
from sim.sweeps.store import recover_journal

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline_2022.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _sim(*args, cwd) -> subprocess.CompletedProcess:
    """The command in-process (tests/clirun.py): the runs that set a fault up or check what it left
    need no process of their own (an exception escaping fails the test, as a traceback would reach
    the user); the ones killed, or racing for a folder, are real processes (`_start`)."""
    return cli(*args, cwd=cwd)


def _start(*args, cwd) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _children(pid: int) -> list[int]:
    """The live descendants of `pid` (Linux /proc): workers, a forkserver and its children."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[-1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, frontier = [], [pid]
    while frontier:
        kids = [child for child, parent in parents.items() if parent in frontier]
        found += kids
        frontier = kids
    return found


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if not process_gone(p)]
        if not alive:
            return []
        time.sleep(0.1)
    return [p for p in pids if not process_gone(p)]


def _junk(parent: Path) -> list[str]:
    """Hidden leftovers of this program (coverage.py's own data files, written when the suite runs
    under .ci/coverage, are not ours)."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".") and not p.name.startswith(".coverage"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "meta.json"}


def _kill_at_work(args, cwd: Path, ready, rng: random.Random, spread: float) -> tuple[int, list[int]]:
    """Start the command, wait until `ready(proc)` says it is at work (its workers started, its journal
    holds a record), SIGKILL it a random further delay of up to `spread` seconds later; its exit
    status and its children then. Waiting for the work, not for a fixed time, kills it mid-way on a
    fast machine and a loaded one alike."""
    proc = _start(*args, cwd=cwd)
    deadline = time.monotonic() + 120
    while proc.poll() is None and not ready(proc) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(rng.uniform(0.0, spread))
    children = _children(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return proc.returncode, children


def _workers_started(proc: subprocess.Popen) -> bool:
    return len(_children(proc.pid)) >= 2


@pytest.mark.slow
def test_sigkill_of_run_force_keeps_the_old_result_and_leaves_no_orphans_or_junk(tmp_path):
    """Killed at random moments while replacing a result with --force and two workers: the old
    result is whole afterwards (or the new one, complete), the workers exit by themselves, and
    the next run into the folder leaves nothing behind."""
    assert _sim("run", BASELINE, "--reps", 8, "--out", "out", "--quiet", cwd=tmp_path).returncode == 0
    before = _files(tmp_path / "out")
    rng = random.Random(12)
    for _ in range(3):
        status, workers = _kill_at_work(["run", BASELINE, "--reps", 600, "--workers", 2, "--out", "out",
                                         "--force", "--quiet"], tmp_path, _workers_started, rng, 1.0)
        assert status == -signal.SIGKILL
        assert workers, "the run was killed before its workers started"
        assert not _wait_gone(workers, 10), "worker processes outlived the killed run"
        after = _files(tmp_path / "out")
        assert after == before or len(after["summary.csv"].splitlines()) == 601
    done = _sim("run", BASELINE, "--reps", 8, "--out", "out", "--force", "--quiet", cwd=tmp_path)
    assert done.returncode == 0 and _files(tmp_path / "out") == before
    assert _junk(tmp_path) == []


@pytest.mark.slow
def test_sigkill_of_sweep_force_keeps_the_old_sweep_and_resume_after_a_kill_gives_the_same_bytes(tmp_path):
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(tiny(replications=2, horizon_days=200)))
    (tmp_path / "w.yaml").write_text(yaml.safe_dump({
        "name": "w", "scenario": "tiny.yaml", "replications": 300, "seed": 2,
        "parameters": {"parameters.decision.war_cost": [1.0, 2.0, 4.0, 8.0]}}))
    args = ["sweep", "w.yaml", "--out", "out", "--quiet", "--workers", 2]
    assert _sim(*args, cwd=tmp_path).returncode == 0
    before = _files(tmp_path / "out")
    rng = random.Random(5)
    for _ in range(2):
        status, workers = _kill_at_work(args + ["--force"], tmp_path, _workers_started, rng, 0.5)
        assert status == -signal.SIGKILL, "the sweep ended before it was killed: make it longer"
        assert not _wait_gone(workers, 10), "worker processes outlived the killed sweep"
        assert _files(tmp_path / "out") == before
    assert _sim(*args, "--force", cwd=tmp_path).returncode == 0
    assert _files(tmp_path / "out") == before and _junk(tmp_path) == []
    shutil.rmtree(tmp_path / "out")
    journal = tmp_path / "out" / "runs.partial.csv"

    def recorded(proc):  # the journal holds a finished run: the resume has work done to keep
        return journal.exists() and journal.read_bytes().count(b"\n") >= 2

    assert _kill_at_work(args, tmp_path, recorded, rng, 0.3)[0] == -signal.SIGKILL
    assert 2 <= journal.read_bytes().count(b"\n") <= 1200, "killed before any run was kept, or after all"
    resumed = _sim(*args, "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert {k: v for k, v in _files(tmp_path / "out").items() if k != "manifest.json"} == \
        {k: v for k, v in before.items() if k != "manifest.json"}


@pytest.mark.slow
def test_two_concurrent_runs_into_one_folder_one_is_refused(tmp_path):
    procs = [_start("run", BASELINE, "--reps", 30, "--out", "out", "--quiet", cwd=tmp_path) for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    refused = next(err for code, err in results if code == 2)
    assert "Traceback" not in refused and ("another alliance-sim command" in refused or "exists" in refused)
    assert len((tmp_path / "out" / "summary.csv").read_text().splitlines()) == 31
    assert _junk(tmp_path) == []


def test_a_second_writer_is_refused_while_the_first_holds_the_folder(tmp_path):
    """The lock in-process: a run into a folder another process is writing is refused at once."""
    from sim.execution.output import atomic_folder
    from sim.scenario.errors import InputErrors

    with atomic_folder(tmp_path / "out") as first:
        (first / "meta.json").write_text("{}")
        with pytest.raises(InputErrors, match="another alliance-sim command is writing"), \
                atomic_folder(tmp_path / "out", force=True):
            pass
    assert (tmp_path / "out" / "meta.json").exists() and _junk(tmp_path) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_folders_of_dead_processes_are_removed_and_nothing_else(tmp_path):
    dead, live = tmp_path / ".r.tmp-dead", tmp_path / temp_name(tmp_path / "r")
    name = temp_name(tmp_path / "r").split(".", 2)[2]  # PID-START-HOST-RANDOM.tmp of this process
    dead = tmp_path / (".r." + name.replace(str(os.getpid()), str(_dead_pid()), 1).replace(
        name.split("-")[1], "", 1))
    for folder in (dead, live):
        folder.mkdir()
        (folder / TEMP_MARK).write_text("x")
    unmarked = tmp_path / (".q." + name.replace(str(os.getpid()), str(_dead_pid()), 1))
    unmarked.mkdir()  # the same kind of name, but nothing proves it ours: kept
    user = tmp_path / ".thesis.tmp"
    user.mkdir()
    stale_lock, live_lock = tmp_path / ".r.lock", tmp_path / ".s.lock"
    stale_lock.write_text(str(_dead_pid()))
    live_lock.write_text(str(os.getpid()))
    assert sorted(clean_stale(tmp_path)) == sorted([dead, stale_lock])
    assert live.exists() and unmarked.exists() and user.exists() and live_lock.exists()


def test_force_refuses_a_folder_that_is_not_a_result_and_replaces_one_that_is(tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "thesis.tex").write_text("\\documentclass{article}")
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny(replications=2)))
    refused = _sim("run", path, "--out", thesis, "--force", "--quiet", cwd=tmp_path)
    assert refused.returncode == 2 and "not a result of alliance-sim" in refused.stderr
    assert (thesis / "thesis.tex").exists()
    for special in ("/dev/null", "."):
        done = _sim("run", path, "--out", special, "--force", "--quiet", cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert _junk(tmp_path) == []


def test_a_torn_record_inside_the_journal_is_dropped_and_the_rest_kept(tmp_path):
    journal = tmp_path / "runs.partial.csv"
    # a disk that filled up cut "0,1,2,0.75" short; after space was freed the next record followed it
    journal.write_bytes(b"point,rep,seed,x\n0,0,1,0.5\n0,1,2,0.71,0,1,0.25\n1,1,2,\xff\n0,1,2,0.75\n1,1")
    header, done = recover_journal(journal, (2, 2))
    assert header == "point,rep,seed,x"
    assert done.tolist() == [[True, True], [False, False]]
    assert journal.read_bytes() == b"point,rep,seed,x\n0,0,1,0.5\n0,1,2,0.75\n"


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir(exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, check=False).returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "48k"):
        pytest.skip("needs root on Linux to mount a size-limited tmpfs (a full disk cannot be made otherwise)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True, check=False)


def test_a_full_disk_is_a_clean_error_and_the_sweep_resumes_after_space_is_freed(small_disk, tmp_path):
    run = _sim("run", BASELINE, "--reps", 4, "--out", small_disk / "r", "--quiet", cwd=tmp_path)
    assert run.returncode == 1 and "disk is full" in run.stderr and "Traceback" not in run.stderr
    assert list(small_disk.iterdir()) == []  # nothing half-written, no temporary folder
    (tmp_path / "w.yaml").write_text(yaml.safe_dump({
        "name": "w", "scenario": str(BASELINE), "replications": 40, "seed": 4, "set": {"horizon_days": 120},
        "parameters": {"parameters.decision.war_cost": [1.0, 2.0, 4.0, 8.0]}}))
    args = ["sweep", "w.yaml", "--quiet", "--workers", 1]
    full = _sim(*args, "--out", small_disk / "s", cwd=tmp_path)
    assert full.returncode == 1 and "disk is full" in full.stderr and "--resume" in full.stderr
    assert "Traceback" not in full.stderr
    kept = (small_disk / "s" / "runs.partial.csv").read_bytes().count(b"\n") - 1  # the header
    assert 0 < kept < 160, f"{kept} runs kept: the disk must fill part-way through the sweep"
    subprocess.run(["mount", "-o", "remount,size=8M", str(small_disk)], check=True)
    resumed = _sim(*args, "--out", small_disk / "s", "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    clean = _sim(*args, "--out", tmp_path / "clean", cwd=tmp_path)
    assert clean.returncode == 0
    for table in ("runs.csv", "points.csv"):
        assert (small_disk / "s" / table).read_bytes() == (tmp_path / "clean" / table).read_bytes()
