"""One execution layer: `run()` and sweeps share the backends (this process, local processes, Dask)
and the chunking policy; every backend and chunk size gives the same bytes."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from clirun import cli
from factories import tiny

from sim.engine.tables import TABLES
from sim.execution.backends import DaskBackend, InlineBackend, ProcessBackend, chunk_size, chunked, open_backend
from sim.execution.progress import progress_bar
from sim.execution.runner import iter_replications, replication_seeds, run
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def _sim(*args, cwd):
    return cli(*args, cwd=cwd)


def test_one_worker_runs_one_replication_per_task_and_many_share_bounded_chunks():
    assert chunk_size(1000, 1) == 1
    assert chunk_size(10, 2) == 1
    assert chunk_size(640, 2) == 8 and chunk_size(100_000, 4) == 8
    assert chunk_size(320, 2) == 5  # about 32 chunks per worker
    assert chunked(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]


def test_process_backend_yields_in_order_when_asked_and_all_results_otherwise(tiny_scenario):
    seeds = replication_seeds(3, 12)
    inline = [r.summary for r in iter_replications(tiny_scenario, seeds, backend=InlineBackend())]
    pool = ProcessBackend(2)
    try:
        ordered = [r.summary for r in iter_replications(tiny_scenario, seeds, backend=pool)]
        unordered = sorted(pool.run(abs, [-3, 1, -2]))
    finally:
        pool.close()
    assert ordered == inline and [s["rep"] for s in ordered] == list(range(12))
    assert unordered == [1, 2, 3]


def test_open_backend_picks_this_process_for_one_worker_and_a_pool_for_more():
    with open_backend(1) as one, open_backend(2) as two:
        assert isinstance(one, InlineBackend) and isinstance(two, ProcessBackend) and two.workers == 2


def _tables(folder: Path) -> dict[str, bytes]:
    return {t: (folder / f"{t}.csv").read_bytes() for t in TABLES}


@pytest.mark.slow
def test_run_on_a_local_dask_cluster_gives_the_same_bytes(tmp_path):
    """`alliance-sim run --dask local` works like `sweep --dask`, with the bytes of one worker."""
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(tiny(), sort_keys=False))
    one = _sim("run", str(path), "--reps", "6", "--out", "one", "--quiet", cwd=tmp_path)
    dask = _sim("run", str(path), "--reps", "6", "--out", "dask", "--dask", "local", "--workers", "2", "--quiet",
                cwd=tmp_path)
    assert one.returncode == 0 and dask.returncode == 0, dask.stderr
    assert _tables(tmp_path / "one") == _tables(tmp_path / "dask")


def test_run_with_a_dask_client_gives_the_bytes_of_one_worker(tiny_scenario, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as client:
        on_dask = run(tiny_scenario, replications=5, seed=2, client=client)
    alone = run(tiny_scenario, replications=5, seed=2)
    assert _tables(on_dask.write(tmp_path / "a")) == _tables(alone.write(tmp_path / "b"))


def test_run_dask_bad_input_is_an_error_without_traceback(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(tiny(), sort_keys=False))
    bad = _sim("run", str(path), "--out", "x", "--dask", "nonsense", "--quiet", cwd=tmp_path)
    assert bad.returncode == 2 and "cannot reach a Dask scheduler at nonsense" in bad.stderr
    both = _sim("run", str(path), "--out", "x", "--dask", "tcp://127.0.0.1:1", "--workers", "2", cwd=tmp_path)
    assert both.returncode == 2 and "--workers has no effect with --dask tcp://127.0.0.1:1" in both.stderr
    assert "Traceback" not in bad.stderr + both.stderr
    assert load_scenario(path).name  # the file itself is fine


def test_the_progress_bar_counts_runs_on_stderr(capsys):
    with progress_bar(3, "tiny", enabled=True) as advance:
        advance()
        advance(2, extra="1 failed")
    err = capsys.readouterr().err
    assert "tiny" in err and "3/3" in err and "1 failed" in err
    with progress_bar(3, "off", enabled=False) as advance:
        advance()
    assert capsys.readouterr().err == ""


def test_a_sweep_on_a_terminal_shows_runs_done_and_failed(tmp_path, capsys, monkeypatch):
    from sim.cli.commands.sweep import _bar

    plan = SimpleNamespace(points=[{}, {}], replications=2, spec=SimpleNamespace(name="grid"))
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    with _bar(plan, quiet=False) as progress:
        progress(2, 1)
        progress(3, 1)
    err = capsys.readouterr().err
    assert "sweep grid" in err and "4/4" in err and "1 failed" in err
    with _bar(plan, quiet=True) as progress:
        assert progress is None


def test_dask_drain_returns_what_finished_and_cancels_the_rest():
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None) as client:
        backend = DaskBackend(client)
        results = backend.run(abs, range(-20, 0))
        first = next(results)
        finished = backend.drain()
        results.close()
    assert first in range(1, 21) and set(finished) <= set(range(1, 21)) and first not in finished
    assert backend._pending == set() and InlineBackend().drain() == []
