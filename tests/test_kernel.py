"""The compiled kernel (sim.kernel._kernel) gives bit for bit what its plain Python (sim.kernel.reference) gives:
reading intent and tension, the attention set, the logit choices with self-defence, the random draws, the
observation of acts, and whole replications of shipped scenarios."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

import sim.engine.intent
import sim.engine.recording
import sim.engine.simulation
import sim.engine.tables
import sim.kernel.reference as reference
import sim.model.attribution
import sim.model.perception
from sim.engine.intent import Intent
from sim.execution.runner import run
from sim.scenario.loading import load_scenario

ROOT = Path(__file__).resolve().parent.parent
_kernel = pytest.importorskip("sim.kernel._kernel", reason="the compiled kernel is not built: nothing to compare")


def random_intent(rng, n, epoch=0.0):
    """Intent with moved cells and remembered moves, as after some acts."""
    intent = Intent(rng.random((n, n)) * 0.2, 90.0)
    intent.dev[:] = rng.random((n, n)) * 0.5 * (rng.random((n, n)) < 0.7)
    intent.strength[:] = rng.random((n, n)) * 0.3
    intent.epoch[0] = epoch
    intent.refresh()
    return intent


def twin_of(intent):
    twin = Intent(intent.baseline, 90.0)
    for name in ("dev", "strength", "cause", "epoch"):
        getattr(twin, name)[...] = getattr(intent, name)
    twin.refresh()
    return twin


def same(a, b):
    return all(np.array_equal(getattr(a, f), getattr(b, f)) for f in ("baseline", "dev", "strength", "cause", "epoch"))


def test_intent_reads_one_clock_and_rescales_far_in_the_future():
    """Half the deviation is left after a half-life; past RESCALE e-foldings D and the strengths
    move to a new epoch (the kernel and the reference alike) and the values read stay the same."""
    rng = np.random.default_rng(3)
    fast = random_intent(rng, 4)
    slow = twin_of(fast)
    before = fast.all(0.0)
    assert np.allclose(fast.all(90.0) - fast.baseline, (before - fast.baseline) / 2, rtol=1e-12, atol=0)
    far = 1.5 * reference.RESCALE / fast.rate
    value = fast.baseline + fast.dev * np.exp(-fast.rate * far)
    assert fast.decay(far) == 1.0 == reference.decay(slow.dev, slow.strength, slow.epoch, -slow.rate, far)
    assert fast.epoch[0] == far and same(fast, slow)
    assert np.allclose(fast.all(far), value, rtol=1e-12, atol=0)


@pytest.mark.parametrize("n", [1, 55, 300])
@pytest.mark.parametrize("blocs, floor, aggregation", [(False, 0.0, 0.0), (True, 0.02, 0.0), (True, 0.3, 0.5),
                                                       (True, 0.02, 1.0), (True, 0.0, 0.7), ("few", 0.02, 0.5),
                                                       (True, 1.0, 0.5)])
def test_tension_matches_the_plain_python(n, blocs, floor, aggregation):
    """1 - prod_j f_ij exp(-H_i) (a bloc member's own threat in every f, what its allies add ranked
    in its bloc and weighted aggregation^r in H), row by row, read at one time; equal extras in a
    bloc and sure threats (x = 1) included; without blocs and floor it is 1 - prod_j (1 - I share)."""
    rng = np.random.default_rng(200 + n)
    fast = random_intent(rng, n)
    share = rng.random((n, n))
    alone = share * rng.random((n, n))
    if blocs:  # equal threats from pairs of sources (j - 1, j), some in the same bloc
        for m in (share, alone, fast.baseline, fast.dev):
            m[:, 1::2] = m[:, 0:n - 1:2]
        fast.refresh()
    sizes = 3 if blocs == "few" else max(n // 4, 1)  # "few": blocs of about n / 3 (sorted apart past 32)
    bloc = _numbered(rng.integers(0, sizes, n)) if blocs else np.arange(n, dtype=np.int64)
    for t in (60.0, 61.5, 400.0):
        want = np.empty(n)
        reference.tension_of(fast, share, alone, bloc, aggregation, floor, t, want)
        assert np.array_equal(fast.tension(share, t, alone, bloc, floor, aggregation), want)
        assert np.allclose(want, sim.model.perception.tension(fast.all(t), share, alone, bloc, floor, aggregation),
                           rtol=1e-12, atol=1e-15)
        if not blocs and floor == 0.0:
            assert np.allclose(want, 1.0 - np.prod(1.0 - fast.all(t) * share, axis=1), rtol=1e-12, atol=1e-15)
        rows = np.arange(n)[::-2].copy()  # each source's term, for sources.csv: some rows, in any order
        terms, now = np.empty((len(rows), n)), np.empty((len(rows), n))
        reference.tension_terms(fast, share, alone, bloc, aggregation, floor, t, rows, terms, now)
        fast_terms, fast_now = fast.terms(share, t, alone, bloc, floor, aggregation, rows)
        assert np.array_equal(fast_terms, terms) and np.array_equal(fast_now, now)
        assert np.array_equal(now, fast.all(t)[rows])
        assert np.allclose(terms, sim.model.perception.terms(fast.all(t)[rows], share[rows], alone[rows], bloc, floor,
                                                             aggregation), rtol=1e-12, atol=1e-15)
        assert np.allclose(1.0 - np.exp(-terms.sum(axis=1)), want[rows], rtol=1e-12, atol=1e-15)
    if blocs and n > 1:  # sure threats (x = 1) from bloc members make tension 1 in both (0 with a floor of 1)
        fast.baseline[0, :], fast.dev[0, :], share[0, :] = 1.0, 0.0, 1.0
        fast.refresh()
        want = np.empty(n)
        reference.tension_of(fast, share, alone, bloc, aggregation, floor, 400.0, want)
        assert np.array_equal(fast.tension(share, 400.0, alone, bloc, floor, aggregation), want)
        assert want[0] == (1.0 if floor < 1.0 else 0.0)
        terms, now = np.empty((1, n)), np.empty((1, n))
        reference.tension_terms(fast, share, alone, bloc, aggregation, floor, 400.0, np.array([0]), terms, now)
        assert np.array_equal(fast.terms(share, 400.0, alone, bloc, floor, aggregation, np.array([0]))[0], terms)
        assert np.isinf(terms).any() == (floor < 1.0)


@pytest.mark.parametrize("sizes", [4, 40])
def test_tension_of_many_rows_matches_the_plain_python(sizes):
    """From 512 states on, rows whose blocs all have at most 16 members take their extras 8 rows at a
    time (the lanes of `tension_extras_rows`); with a larger bloc, row by row: the same bits as the twin
    either way, equal extras and rows past the last full 8 included."""
    rng = np.random.default_rng(sizes)
    n = 517
    fast = random_intent(rng, n)
    share = rng.random((n, n))
    alone = share * rng.random((n, n))
    for m in (share, alone, fast.baseline, fast.dev):
        m[:, 1::2] = m[:, 0:n - 1:2]
    fast.refresh()
    bloc = _numbered(rng.integers(0, n // sizes, n))
    assert (np.bincount(bloc).max() <= 16) == (sizes == 4)
    want = np.empty(n)
    reference.tension_of(fast, share, alone, bloc, 0.5, 0.02, 61.5, want)
    assert np.array_equal(fast.tension(share, 61.5, alone, bloc, 0.02, 0.5), want)


def acted_on(rng, n, floor, actors):
    """Intent at a default of 0.02 but for a few hostile cells above it and a few calmer below it (as
    relations and pacts leave it), after acts of `actors` seen by every state through the Observer."""
    baseline = np.full((n, n), 0.02)
    for value in (0.32, 0.01):
        rows, cols = rng.integers(0, n, n // 10 + 1), rng.integers(0, n, n // 10 + 1)
        baseline[rows, cols] = value
    intent = Intent(baseline, 90.0)
    observer = _kernel.Observer(np.random.default_rng(5), rng.random((n, n)) * 0.5, spillover=0.3,
                                misperception=0.4, escalation_gain=0.6, deescalation_gain=0.25, rate=intent.rate,
                                default_intent=floor)
    observer.bind(intent, np.zeros((n, n)))
    for k, actor in enumerate(actors):
        observer.observe(int(actor), int(rng.integers(0, n)), int(rng.integers(1, 8)), 0, k, 10.0 + k)
    return intent


@pytest.mark.parametrize("n, sizes", [(55, 4), (600, 4), (600, 40)])
@pytest.mark.parametrize("moved", ["none", "few", "most", "all"])
@pytest.mark.parametrize("floor", [0.02, 0.0])
def test_tension_passes_over_columns_without_intent_above_the_floor_with_the_same_bits(n, sizes, moved, floor):
    """The members' extras of the columns that hold no intent above the floor (never moved, baseline
    at most the floor) are passed over: tension is the twin's, bit for bit, whether no column, a few,
    most or all have moved, by both extras paths (8 rows side by side from 512 states with blocs of
    at most 16; row by row with larger blocs), and with a floor of 0 under a default intent of 0.02,
    where every cell is above the floor and every column visited. The Observer marks the columns it moves, and only those."""
    rng = np.random.default_rng(n + sizes)
    actors = {"none": [], "few": rng.integers(0, n, 3), "most": rng.integers(0, n, 2 * n),
              "all": np.arange(n)}[moved]
    intent = acted_on(rng, n, floor, actors)
    assert np.array_equal(np.flatnonzero(intent.moved), np.unique(actors))
    assert np.array_equal(intent.moved, (intent.dev != 0).any(axis=0))  # every observer saw each act
    share = rng.random((n, n))
    alone = share * rng.random((n, n))
    bloc = _numbered(rng.integers(0, max(n // sizes, 1), n))
    for t in (20.0, 400.0):
        want = np.empty(n)
        reference.tension_of(intent, share, alone, bloc, 0.5, floor, t, want)
        got = intent.tension(share, t, alone, bloc, floor, 0.5)
        assert np.array_equal(got, want)
        visited = intent.moved.copy()
        intent.moved[:] = 1  # every member's extras taken, as the dense scan did
        assert np.array_equal(intent.tension(share, t, alone, bloc, floor, 0.5), want)
        intent.moved[:] = visited
    assert (want > 0).sum() >= (n if floor == 0.0 else 1)


def test_intent_keeps_its_column_summaries_through_every_write():
    """`moved` covers every column with a nonzero deviation and `top` bounds each column's baseline,
    after a scenario action, a standing act's rebase of one cell and a rebase of all (what tension
    relies on to pass over columns)."""
    rng = np.random.default_rng(8)
    intent = Intent(np.full((6, 6), 0.02), 90.0)
    assert not intent.moved.any() and np.all(intent.top == 0.02)
    intent.set(1, 2, 0.5, 3.0, baseline=False)
    intent.set(3, 4, 0.7, 4.0, baseline=True)
    intent.rebase_cell(0, 5, 0.4, 5.0)
    assert np.array_equal(np.flatnonzero(intent.moved), [2, 4, 5]) and intent.top[4] == 0.7 and intent.top[5] == 0.4
    baseline = rng.random((6, 6)) * 0.1
    intent.rebase(baseline, 6.0)
    assert np.array_equal(intent.moved, (intent.dev != 0).any(axis=0))
    assert np.array_equal(intent.top, baseline.max(axis=0))


def _numbered(labels: np.ndarray) -> np.ndarray:
    """Bloc labels renumbered 0.. in order of first appearance."""
    first: dict[int, int] = {}
    return np.array([first.setdefault(int(x), len(first)) for x in labels], dtype=np.int64)



@pytest.mark.parametrize("floor, sure", [(0.0, False), (0.02, False), (0.3, True)])
def test_the_split_by_source_matches_the_plain_python_and_the_array_definition(floor, sure):
    """sources.csv's parts, compiled and plain Python bit for bit; they are sim.model.attribution's
    table (to rounding) and add up to tension; a sure threat (an infinite term) takes it all."""
    rng = np.random.default_rng(7)
    k, r, n = 5, 4, 30
    base = rng.random((k, r, n)) * 0.6
    now = base + rng.normal(0, 0.2, (k, r, n))
    struct, share = rng.random((r, n)) * 0.6, rng.random((r, n))
    share0 = share * rng.random((r, n))
    log = -np.log1p(-np.clip(now - floor, 0, None) * share * rng.random((k, r, n)))
    log[rng.random((k, r, n)) < 0.2] = 0.0
    if sure:  # x = 1: intent 1 and a share of 1
        log[1, 2, [3, 7]], now[1, 2, [3, 7]], share[2, [3, 7]] = np.inf, 1.0, 1.0
    tau = 1.0 - np.exp(-log.sum(-1))
    args = (list(tau), list(log), list(now), list(base), struct, share, share0, floor, 0.02, 0.005)
    fast, slow = _kernel.split_sources(*args), reference.split_sources(*args)
    assert all(a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(fast, slow))
    table = sim.model.attribution.table(tau, log, now, base, struct, share[None], share0[None], floor, 0.02, 0.005)
    assert all(np.array_equal(a, b) for a, b in zip(fast[:4], table[:4]))
    assert np.allclose(fast[4], table[4], rtol=1e-12, atol=1e-15)
    sample, row, _, _, value = fast
    total = np.zeros((k, r))
    np.add.at(total, (sample, row), value)
    assert np.allclose(total, tau, rtol=0, atol=1e-12)
    if sure:  # the two sure threats share tension 1 evenly
        sourced = fast[2][(sample == 1) & (row == 2)]
        assert set(sourced.tolist()) <= {3, 7, n}


def test_lines_are_formatted_as_python_formats_them():
    """format_lines writes each value as Python's '%.6g' (no negative zero), compiled and plain alike."""
    values = np.concatenate([[0.0, -0.0, 1e-5, -1e-5, 123456.5, 1234567.0, 0.1 + 0.2, 5e-324, 1e300, -2.5e-7,
                              np.inf, -np.inf, np.nan], np.random.default_rng(5).normal(0, 1, 500)
                             * 10.0 ** np.random.default_rng(6).integers(-12, 12, 500)])
    times, states, cells = [b"0,1.5,", b"0,2,"], [b"USA,", b"CHN,", "T\u00fcrkiye,".encode()], [b"NATO/FRA,intent,",
                                                                                        b"other,capability,"]
    m = np.arange(len(values))
    time, state, cell = m % 2, m % 3, (m // 2) % 2
    text = _kernel.format_lines(times, states, cells, time, state, cell, values)
    assert text == reference.format_lines(times, states, cells, time, state, cell, values)
    want = [times[a].decode() + states[b].decode() + cells[c].decode() + sim.engine.tables.format_float(v)
            for a, b, c, v in zip(time, state, cell, values.tolist())]
    assert text.splitlines() == want

def test_tension_refuses_mismatched_arrays():
    intent = Intent(np.zeros((3, 3)), 90.0)
    with pytest.raises(ValueError, match="n-vectors"):
        _kernel.tension_of(intent, np.zeros((3, 3)), np.zeros((3, 3)), np.zeros(3, dtype=np.int64), 0.5, 0.0, 1.0,
                           np.empty(2))
    with pytest.raises(ValueError, match="bloc numbers"):
        _kernel.tension_of(intent, np.zeros((3, 3)), np.zeros((3, 3)), np.array([0, 5, 1], dtype=np.int64), 0.5, 0.0,
                           1.0, np.empty(3))
    with pytest.raises(ValueError, match="len\\(rows\\) x n"):
        _kernel.tension_terms(intent, np.zeros((3, 3)), np.zeros((3, 3)), np.zeros(3, dtype=np.int64), 0.5, 0.0, 1.0,
                              np.arange(2, dtype=np.intp), np.empty((3, 3)), np.empty((3, 3)))
    with pytest.raises(ValueError, match="rows must be"):
        _kernel.tension_terms(intent, np.zeros((3, 3)), np.zeros((3, 3)), np.zeros(3, dtype=np.int64), 0.5, 0.0, 1.0,
                              np.array([3], dtype=np.intp), np.empty((1, 3)), np.empty((1, 3)))


def random_joining(rng, n, k, spread):
    """A joining decision's inputs: covariates partly beyond their bounds and partly on them, the
    coefficients scaled by `spread` (p from 0 to 1 and e^-eta overflowing at 1000), free states and uniforms."""
    low, high = rng.normal(0, 2, k), rng.normal(0, 2, k)
    low, high = np.minimum(low, high), np.maximum(low, high)
    x = low + (high - low) * rng.uniform(-0.5, 1.5, (n, k))
    edge = rng.random((n, k))
    x = np.where(edge < 0.1, low, np.where(edge > 0.9, high, x))  # exactly on a bound
    coef = rng.normal(0, spread, k + 1)
    return x, coef, low, high, rng.random(n) < 0.7, rng.random(n)


@pytest.mark.parametrize("k", [0, 1, 3, 15, 40])
@pytest.mark.parametrize("spread", [0.5, 3.0, 40.0, 1000.0])
def test_joining_decisions_match_the_plain_python(k, spread):
    """The hazards of a joining side and who joins, compiled and plain Python bit for bit, for any
    number of covariates, covariates clipped to their bounds, p near 0 and 1 (and e^-eta beyond
    the largest double), at the war's start (its first-day decision too) and long into it, with
    and without a share of entries on the first day, later delays exponential (shape 1) or Weibull;
    both are, to rounding, the numpy definition: logistic(coef[0] + clip(x) @ coef[1:]) reached
    over the war (docs/model.md, "Joining")."""
    rng = np.random.default_rng(31 + k)
    extremes = set()
    for _ in range(60):
        n = int(rng.integers(1, 120))
        x, coef, low, high, free, u = random_joining(rng, n, k, spread)
        since, interval, mean = float(rng.choice([0.0, 30.0, 17.5, 900.0, 3000.0])), float(rng.choice([0.0, 30.0, 7.0])), 142.54
        share, shape = float(rng.choice([0.0, 0.4393, 1.0])), float(rng.choice([1.0, 0.7378, 2.5]))
        fast, slow = np.empty(n), np.empty(n)
        joined = _kernel.join_entries(x, coef, low, high, since, interval, mean, shape, share, free, u, fast)
        assert joined == reference.join_entries(x, coef, low, high, since, interval, mean, shape, share, free, u, slow)
        assert np.array_equal(fast, slow)
        assert joined == np.flatnonzero(free & (u < fast)).tolist()
        with np.errstate(over="ignore"):
            p = 1.0 / (1.0 + np.exp(-(coef[0] + np.clip(x, low, high) @ coef[1:])))
        # G(t) = q + (1 - q)(1 - e^(-(t/s)^k)); the decision at the war's start (since and interval 0)
        # takes the first day's mass: G(0-) = 0
        g0 = 0.0 if since == 0.0 and interval == 0.0 else share - (1.0 - share) * np.expm1(-(since / mean) ** shape)
        g1 = share - (1.0 - share) * np.expm1(-((since + interval) / mean) ** shape)
        assert np.allclose(fast, p * (g1 - g0) / np.maximum(1.0 - p * g0, 1e-12), rtol=1e-9, atol=1e-300)
        extremes |= {"near 0"} if (p < 1e-12).any() else set()
        extremes |= {"1"} if (p == 1.0).any() else set()
        extremes |= {"0"} if (p == 0.0).any() else set()  # e^-eta overflowed
    assert extremes >= ({"near 0", "1", "0"} if spread == 1000.0 else {"near 0", "1"} if spread == 40.0 else set())


def test_joining_decisions_at_the_edges_match_the_plain_python():
    """A sure joiner long into a war (1 - p G(t) at its floor 1e-12), a covariate that is NaN (no
    hazard, no entry) and bounds that cross (the upper one wins, as np.clip's): the same in both."""
    x = np.array([[0.0, 1.0], [np.nan, 0.5], [5.0, -5.0], [2.0, 2.0]])
    coef, low, high = np.array([800.0, 1.0, -1.0]), np.array([0.0, 1.0]), np.array([-1.0, 1.0])
    free, u = np.ones(4, dtype=bool), np.full(4, 1e-300)
    fast, slow = np.empty(4), np.empty(4)
    for since in (0.0, 1e5):
        joined = _kernel.join_entries(x, coef, low, high, since, 30.0, 142.54, 0.74, 0.44, free, u, fast)
        assert joined == reference.join_entries(x, coef, low, high, since, 30.0, 142.54, 0.74, 0.44, free, u, slow)
        assert np.array_equal(fast, slow, equal_nan=True) and np.isnan(fast[1]) and 1 not in joined
    assert fast[0] == 0.0  # g0 = g1 = 1: nothing left to join


def test_joining_decisions_refuse_mismatched_arrays():
    x, coef, low, high, free, u = random_joining(np.random.default_rng(1), 5, 3, 1.0)
    for module in (_kernel, reference):
        with pytest.raises(ValueError, match="1 \\+ k coefficients"):
            module.join_entries(x, coef[:-1], low, high, 0.0, 30.0, 142.54, 0.74, 0.44, free, u, np.empty(5))
        with pytest.raises(ValueError, match="n-vectors"):
            module.join_entries(x, coef, low, high, 0.0, 30.0, 142.54, 0.74, 0.44, free[:4], u, np.empty(5))
        for share in (-0.1, 1.5, float("nan")):
            with pytest.raises(ValueError, match="first-day share in 0..1"):
                module.join_entries(x, coef, low, high, 0.0, 30.0, 142.54, 0.74, share, free, u, np.empty(5))
        for scale, shape in ((0.0, 0.74), (142.54, 0.0), (142.54, float("nan"))):
            with pytest.raises(ValueError, match="positive delay scale and shape"):
                module.join_entries(x, coef, low, high, 0.0, 30.0, scale, shape, 0.44, free, u, np.empty(5))


def random_state(rng, n, kind):
    """Arrays for a Decider: intent, shares, level costs, postures with some attacks and ties."""
    intent = random_intent(rng, n)
    share = rng.random((n, n)) * (rng.random((n, n)) < 0.8)
    if kind == "ties":  # equal scores: the lower index must come first
        intent.baseline[:], intent.dev[:] = 0.5, 0.0
        intent.refresh()
        share[:] = np.round(share * 2) / 2
    posture = rng.integers(0, 8, (n, n)) * (rng.random((n, n)) < 0.2)
    np.fill_diagonal(posture, 0)
    war = rng.uniform(0, 8, (n, n))
    costs = (0.0,) * 5 + (war, 2 * war + rng.uniform(0, 5, (n, n)), 3 * war + 10.0)
    return intent, share, posture.astype(np.int8), costs, random_motives(rng, n)


def random_motives(rng, n):
    """Model v2's matrices: claims on some pairs (aim, expected gain), a first-strike value."""
    claimed = rng.random((n, n)) < 0.3
    return SimpleNamespace(aim=rng.uniform(0, 6, (n, n)) * claimed, gain=rng.uniform(0, 9, (n, n)) * claimed,
                           preempt=rng.uniform(0, 6, (n, n)))


@pytest.mark.parametrize("n, kind", [(2, "plain"), (5, "plain"), (55, "plain"), (55, "ties"), (300, "plain")])
def test_decisions_match_the_plain_python(n, kind):
    """A long sequence of decisions with the same streams: the same changes, the same draws, the
    same arrays afterwards, with postures changed between calls as the engine's acts would."""
    rng = np.random.default_rng(n + len(kind))
    intent, share, posture, costs, motives = random_state(rng, n, kind)
    twins = []
    for module in (_kernel, reference):
        state = twin_of(intent)
        gens = [np.random.default_rng(np.random.SeedSequence(7, spawn_key=(s,))) for s in range(n)]
        top = np.where(rng.random(n) < 0.2, 7, 6).astype(np.int64) if module is _kernel else twins[0][3]
        p = posture.copy()
        decider = module.Decider(gens, p, np.linspace(0.1, 0.99, n), top, attention=min(4, 50),
                                 precision=0.8, inertia=1.0, temperature=0.3, mean_interval=7.0, rate=0.0077)
        decider.bind(state, share, costs, motives)
        twins.append((decider, state, p, top))
    choices = rng.integers(0, n, 3000)
    times = np.cumsum(rng.random(3000))
    changes = 0
    for i, t in zip(choices.tolist(), times.tolist()):
        steps = [d.decide(i, t) for d, *_ in twins]
        while True:
            assert steps[0] == steps[1]
            if not isinstance(steps[0], tuple):
                break
            position, j, new, _ = steps[0]
            changes += 1
            for _, _, p, _ in twins:  # as act() would
                p[i, j] = new
            steps = [d.resume(i, position + 1) for d, *_ in twins]
    assert changes > 50 or n <= 2
    (_, a, pa, _), (_, b, pb, _) = twins
    assert same(a, b) and np.array_equal(pa, pb)


def test_the_waiting_time_is_the_streams_exponential_draw():
    gens, twins = [np.random.default_rng(3)], [np.random.default_rng(3)]
    decider = _kernel.Decider(gens, np.zeros((1, 1), np.int8), np.ones(1), np.full(1, 6, np.int64),
                              attention=3, precision=1.0, inertia=1.0, temperature=0.3, mean_interval=7.0,
                              rate=0.01)
    assert [decider.wait(0) for _ in range(50)] == [twins[0].exponential(7.0) for _ in range(50)]


def test_attention_beyond_the_kernels_buffer_is_refused():
    with pytest.raises(ValueError, match="at most 64"):
        _kernel.Decider([np.random.default_rng(k) for k in range(70)], np.zeros((70, 70), np.int8), np.ones(70),
                        np.full(70, 6, np.int64), attention=65, precision=1.0, inertia=1.0, temperature=0.3,
                        mean_interval=7.0, rate=0.01)


@pytest.mark.parametrize("n", [1, 3, 55, 300])
def test_observations_match_the_plain_python(n):
    """Steps up and down (and none), with noise, spill-over and allies of both sides, at random
    times: the same deviations, strengths and causes, the same draws consumed, and the same
    observers alarmed by each step up: those whose threat rose past the threshold, as
    `sim.model.answers.perceived` reads it from the columns of intent before and after."""
    rng = np.random.default_rng(100 + n)
    intent = random_intent(rng, n)
    a = rng.random((n, n)) * (rng.random((n, n)) < 0.3)
    g = rng.random((n, n))
    share = rng.random((n, n))
    floor, threshold = 0.02, 0.05
    twins = []
    for module in (_kernel, reference):
        state = twin_of(intent)
        gen = np.random.default_rng(5)
        observer = module.Observer(gen, np.ascontiguousarray(g.T), spillover=0.1, misperception=0.3, escalation_gain=0.5,
                                   deescalation_gain=0.25, rate=intent.rate, hostility_bias=0.2 if n % 2 else 0.0,
                                   default_intent=floor, perceive_threshold=threshold)
        observer.bind(state, np.ascontiguousarray(a.T), np.ascontiguousarray(share.T))
        twins.append((observer, state, gen))
    alarms = 0
    for event, t in enumerate(np.cumsum(rng.random(400)).tolist(), 1):
        i, j = rng.integers(n, size=2).tolist()
        level, old = rng.integers(8, size=2).tolist()
        before = twins[0][1].column(i, t)
        found = [observer.observe(i, j, level, old, event, t) for observer, _, _ in twins]
        assert found[0] == found[1]
        if level > old:
            rise = (np.maximum(twins[0][1].column(i, t) - floor, 0.0) - np.maximum(before - floor, 0.0)) * share[:, i]
            over = np.flatnonzero(rise > threshold * (1.0 - floor))
            assert found[0] == [(m, rise[m]) for m in over.tolist()]
            alarms += len(over)
        else:
            assert found[0] is None
    (_, fast, gen_fast), (_, slow, gen_slow) = twins
    assert same(fast, slow)
    assert gen_fast.random() == gen_slow.random()
    assert n == 1 or (fast.cause.any() and alarms > 0)


@pytest.mark.parametrize("name, horizon, fitted", [("baseline_2022", 240, False), ("taiwan_strait_war", 200, False),
                                                   ("russia_attacks_estonia", 200, False), ("baseline_2022", 240, True)])
def test_whole_replications_are_the_same_on_the_plain_python(name, horizon, fitted, monkeypatch, tmp_path):
    """Every table of a run (sources.csv too), byte for byte, with the kernel and with sim.kernel.reference swapped in
    (with the fitted use-of-force hazard too: its draws and the coercion cap are in the kernel; and the joining
    decision's hazards and draws, `join_entries`)."""
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides={"parameters.decision.fitted_force": fitted})
    fast = run(scenario, replications=3, seed=11, horizon=horizon, sources=True).write(tmp_path / "fast")
    monkeypatch.setattr(sim.engine.simulation, "Decider", reference.Decider)
    monkeypatch.setattr(sim.engine.simulation, "Observer", reference.Observer)
    monkeypatch.setattr(sim.engine.intent, "decay", reference.decay)
    monkeypatch.setattr(sim.engine.intent, "tension_of", reference.tension_of)
    monkeypatch.setattr(sim.engine.intent, "tension_terms", reference.tension_terms)
    monkeypatch.setattr(sim.engine.recording, "split_sources", reference.split_sources)
    monkeypatch.setattr(sim.engine.recording, "format_lines", reference.format_lines)
    monkeypatch.setattr(sim.engine.simulation, "join_entries", reference.join_entries)
    slow = run(scenario, replications=3, seed=11, horizon=horizon, sources=True).write(tmp_path / "slow")
    events = (fast / "events.csv").read_text().count("\n")
    assert events > 3 * 25
    assert (",use_of_force," in (fast / "events.csv").read_text()) == fitted
    if name != "baseline_2022":  # the wars of these scenarios are joined (the fitted joining decision)
        assert ",join," in (fast / "events.csv").read_text()
    for table in ("summary", "events", "tension", "states", "sources"):
        assert (fast / f"{table}.csv").read_bytes() == (slow / f"{table}.csv").read_bytes(), table


def test_a_finished_replication_is_freed_without_the_garbage_collector(tiny_scenario):
    """run() closes its processes, whose frames held the simulation in a cycle: dropping the last
    reference frees its arrays at once (otherwise each replication would take fresh memory)."""
    import gc
    import weakref

    from sim.engine.simulation import Setup, Simulation

    gc.disable()
    try:
        simulation = Simulation(Setup(tiny_scenario), seed=1, horizon=60)
        simulation.run()
        intent = weakref.ref(simulation.intent.dev)
        del simulation
        assert intent() is None
    finally:
        gc.enable()
