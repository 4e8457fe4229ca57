"""The optimised engine functions give exactly what the plain expressions they replaced give.

References are the straightforward versions (as first written); every comparison is bitwise,
because a replication must not change by one ulp when the engine gets faster. No timing here:
speed is measured by `python benchmarks/run.py`.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.decision import choose, level_costs
from sim.engine import Setup, _smallest
from sim.perception import Intent
from sim.runner import run, run_to_folder
from sim.schema import Decision


def reference_choose(level, desired, costs, p, top, u):
    low, high = max(level - 1, 0), min(level + 2, top)
    if high < low:
        return level
    utilities = [-p.precision * (k - desired) ** 2 - costs[k] - p.inertia * abs(k - level)
                 for k in range(low, high + 1)]
    best = max(utilities)
    weights = [math.exp((x - best) / p.temperature) for x in utilities]
    threshold = u * sum(weights)
    for k, w in enumerate(weights):
        threshold -= w
        if threshold < 0:
            return low + k
    return high


def reference_relax(intent, rows, cols, t):
    decay = np.exp(-intent.rate * (t - intent.stamp[rows, cols]))
    base = intent.baseline[rows, cols]
    intent.value[rows, cols] = base + (intent.value[rows, cols] - base) * decay
    intent.weight[rows, cols] *= decay
    intent.stamp[rows, cols] = t
    return intent.value[rows, cols]


def random_intent(rng, n):
    intent = Intent(rng.random((n, n)) * 0.2, 90.0)
    intent.value = np.clip(intent.baseline + rng.random((n, n)) * 0.5, 0, 1)
    intent.weight, intent.stamp = rng.random((n, n)) * 0.3, rng.random((n, n)) * 50.0
    return intent


def copy_of(intent):
    twin = Intent(intent.baseline, 90.0)
    twin.value, twin.weight, twin.stamp = intent.value.copy(), intent.weight.copy(), intent.stamp.copy()
    return twin


def same(a, b):
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("value", "weight", "stamp", "baseline"))


@pytest.mark.parametrize("n", [2, 55, 300])
def test_relaxing_in_place_matches_the_plain_expression(n):
    """Rows, columns, single cells and the whole matrix, in a random order of times and places."""
    rng = np.random.default_rng(n)
    fast = random_intent(rng, n)
    slow = copy_of(fast)
    for t in np.sort(rng.random(40) * 400.0):
        i, j, what = int(rng.integers(n)), int(rng.integers(n)), int(rng.integers(4))
        if what == 0:
            got, want = fast.row(i, t), reference_relax(slow, i, slice(None), t)
        elif what == 1:
            got, want = fast._relax(slice(None), j, t), reference_relax(slow, slice(None), j, t)
        elif what == 2:
            got, want = fast._relax(i, j, t), reference_relax(slow, i, j, t)
        else:
            got, want = fast.all(t), reference_relax(slow, slice(None), slice(None), t)
        assert np.array_equal(got, want) and same(fast, slow)


def test_the_logit_choice_matches_the_plain_version():
    rng = np.random.default_rng(1)
    for _ in range(20000):
        p = Decision(temperature=float(rng.choice([0.05, 0.3, 1.0])), precision=float(rng.uniform(0.1, 3)),
                     inertia=float(rng.choice([0.0, 1.0, 2.5])))
        level, top, desired = int(rng.integers(8)), int(rng.choice([6, 7, rng.integers(8)])), float(rng.uniform(0, 8))
        costs = (0.0,) * 5 + tuple(rng.uniform(0, 10, 3).tolist())
        u = float(rng.random())
        assert choose(level, desired, costs, p, top, u) == reference_choose(level, desired, costs, p, top, u)


@pytest.mark.parametrize("n", [10, 80, 257, 600])
def test_the_attention_set_matches_argpartition_ties_included(n):
    """Distinct scores, many ties (halves) and integer postures with small threats."""
    rng = np.random.default_rng(n)
    for trial in range(300):
        k = int(rng.integers(1, min(n - 1, 6)))
        kind = trial % 3
        scores = (rng.random(n) if kind == 0 else np.round(rng.random(n) * 4) / 2 if kind == 1
                  else -(rng.random(n) * 0.1 + rng.integers(0, 3, n)))
        want = sorted(scores.argpartition(k - 1)[:k].tolist(), key=scores.item)
        before = scores.copy()
        assert _smallest(scores, k) == want
        assert np.array_equal(scores, before)


def test_precomputed_level_costs_are_the_scalar_costs(tiny_scenario):
    setup = Setup(tiny_scenario)
    s, p, n = setup.structure, setup.params.decision, setup.world.n
    for i in range(n):
        for j in range(n):
            want = level_costs(p, s.caps.deterred[i, j], s.umbrella[j], s.bond[i, j])
            got = (*s.costs[:5], s.costs[5][i, j], s.costs[6][i, j], s.costs[7][i, j])
            assert [float(x) for x in got] == [float(x) for x in want]


@pytest.mark.parametrize("workers", [1, 2])
def test_csv_text_from_workers_equals_the_rows_written_in_memory(tiny_scenario, tmp_path, workers):
    """run_to_folder (workers render CSV text) writes what Result.write (rows) writes."""
    streamed, _ = run_to_folder(tiny_scenario, tmp_path / "streamed", replications=4, seed=3, workers=workers,
                                horizon=120)
    kept = run(tiny_scenario, replications=4, seed=3, horizon=120).write(tmp_path / "kept")
    for table in ("summary", "events", "tension", "states"):
        assert (streamed / f"{table}.csv").read_bytes() == (kept / f"{table}.csv").read_bytes()
