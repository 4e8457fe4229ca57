"""The sweep command refuses bad combinations before any worker or cluster starts."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from clirun import cli
from factories import tiny

ROOT = Path(__file__).resolve().parents[1]


def _sweep(tmp_path, *args):
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(tiny(horizon_days=20), sort_keys=False))
    (tmp_path / "sweep.yaml").write_text(yaml.safe_dump({
        "name": "s", "scenario": "tiny.yaml", "replications": 2, "seed": 1, "design": "grid",
        "parameters": {"alliances.PACT.reliability": [0.5, 1.0]}}))
    start = time.monotonic()
    result = cli("sweep", "sweep.yaml", "--quiet", *args, cwd=tmp_path)
    return result, time.monotonic() - start


def test_workers_with_a_remote_scheduler_is_refused(tmp_path):
    result, _ = _sweep(tmp_path, "--workers", "2", "--dask", "tcp://127.0.0.1:9")
    assert result.returncode == 2 and "--workers has no effect" in result.stderr


@pytest.mark.slow
def test_an_existing_sweep_is_refused_before_connecting_to_a_cluster(tmp_path):
    first, _ = _sweep(tmp_path, "--workers", "1", "--out", "out")
    assert first.returncode == 0, first.stderr
    again, _ = _sweep(tmp_path, "--dask", "tcp://127.0.0.1:9", "--out", "out")
    assert again.returncode == 2 and "holds a sweep already" in again.stderr
    assert "Traceback" not in again.stderr
