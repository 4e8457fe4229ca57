"""Same scenario and seed give the same bytes, with one worker or two; common random numbers."""

from __future__ import annotations

import filecmp

import numpy as np
from factories import tiny

from sim.execution.runner import replication_seeds, run, run_to_folder
from sim.scenario.loading import load_scenario

FILES = ("summary.csv", "events.csv", "tension.csv", "states.csv")


def _scenario(**fields):
    return load_scenario(tiny(timeline=[{"at": 20, "do": "attack", "actor": "AAA", "target": "BBB"}], **fields))


def test_same_seed_same_bytes(tmp_path):
    scenario = _scenario()
    run_to_folder(scenario, tmp_path / "a", replications=6, seed=5)
    run_to_folder(scenario, tmp_path / "b", replications=6, seed=5)
    for name in FILES:
        assert filecmp.cmp(tmp_path / "a" / name, tmp_path / "b" / name, shallow=False), name


def test_one_worker_equals_two_workers(tmp_path):
    scenario = _scenario()
    run_to_folder(scenario, tmp_path / "one", replications=8, seed=9, workers=1)
    run_to_folder(scenario, tmp_path / "two", replications=8, seed=9, workers=2)
    for name in FILES:
        assert filecmp.cmp(tmp_path / "one" / name, tmp_path / "two" / name, shallow=False), name


def test_different_seed_different_events():
    scenario = _scenario()
    a = run(scenario, replications=3, seed=1).rows("events")
    b = run(scenario, replications=3, seed=2).rows("events")
    assert a != b


def test_replication_seeds_come_from_seedsequence_spawn():
    children = np.random.SeedSequence(42).spawn(3)
    assert replication_seeds(42, 3) == [int(c.generate_state(1, np.uint64)[0]) for c in children]
    assert replication_seeds(42, 5)[:3] == replication_seeds(42, 3)


def test_common_random_numbers_events_agree_until_the_intervention():
    """Two scenarios differing only in a late action draw the same numbers before it."""
    base = load_scenario(tiny())
    late = load_scenario(tiny(timeline=[{"at": 90, "do": "name_threat", "actor": "CCC", "target": "AAA"}]))
    a, b = run(base, replications=5, seed=4), run(late, replications=5, seed=4)
    assert a.rows("summary")[0][1] == b.rows("summary")[0][1]  # same replication seeds
    before = lambda rows: [r for r in rows if r[1] < 90]  # noqa: E731
    assert before(a.rows("events")) == before(b.rows("events"))
    assert a.rows("events") != b.rows("events")
