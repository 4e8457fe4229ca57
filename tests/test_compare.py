"""`alliance-sim compare`: statistics against known answers, pairing, censoring, adjustment, errors."""

from __future__ import annotations

import csv
import json
import math
import subprocess
from pathlib import Path

import numpy as np
import pytest
from clirun import cli
from hypothesis import given, settings
from hypothesis import strategies as hs
from scipy import stats as st

import sim.analysis.stats as stats
from sim.analysis.compare import compare, compare_by, label, read_table, render
from sim.scenario.errors import InputErrors

ROOT = Path(__file__).resolve().parents[1]


def write_run(folder: Path, columns: dict[str, list], horizon: float | None = 730,
              seeds: list[int] | None = None) -> Path:
    """A run folder with summary.csv (rep, seed, then ``columns``; None -> empty cell) and meta.json."""
    folder.mkdir(parents=True, exist_ok=True)
    n = len(next(iter(columns.values())))
    seeds = list(range(1000, 1000 + n)) if seeds is None else seeds
    with open(folder / "summary.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["rep", "seed", *columns])
        for k in range(n):
            writer.writerow([k, seeds[k], *("" if c[k] is None else c[k] for c in columns.values())])
    if horizon is not None:
        meta = {"horizon_days": horizon, "replications": n, "seed": 1,
                "scenario": {"name": folder.name, "states": {}, "watch": {}}}
        (folder / "meta.json").write_text(json.dumps(meta))
    return folder


def synthetic(n: int = 80, seed: int = 0, tension_shift: float = 0.0, p_war: float = 0.2,
              clash_rate: float = 0.002, horizon: float = 730) -> dict[str, list]:
    """Replication metrics with known distributions; times beyond the horizon come out empty."""
    rng = np.random.default_rng(seed)
    clash = rng.exponential(1 / clash_rate, n)
    return {
        "max_level": rng.integers(2, 8, n).tolist(),
        "t_first_clash": [round(t, 1) if t < horizon else None for t in clash],
        "mean_tension": (rng.normal(0.3, 0.05, n) + tension_shift).round(5).tolist(),
        "war_CHN_USA": (rng.random(n) < p_war).astype(int).tolist(),
        "nuclear_use": [0] * n,
    }


def row(report, metric):
    """The report row of one metric."""
    return next(r for r in report.rows if r.metric == metric)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`alliance-sim compare ...` from the repository root (in-process)."""
    return cli("compare", *args)


def test_identical_inputs_give_zero_difference_and_no_significance(tmp_path):
    data = synthetic()
    report = compare(write_run(tmp_path / "a", data), write_run(tmp_path / "b", data))
    assert report.pairing.startswith("paired")
    for r in report.rows:
        assert r.result.diff == 0
        assert not r.p_adj < 0.05
    assert render(report).count("significant") == 1 and "\nnone\n" in render(report)


def test_identical_values_with_other_seeds_are_unpaired_and_not_significant(tmp_path):
    data = synthetic()
    a = write_run(tmp_path / "a", data)
    b = write_run(tmp_path / "b", data, seeds=list(range(5000, 5080)))
    report = compare(a, b)
    assert report.pairing.startswith("unpaired")
    assert row(report, "mean_tension").result.test == "Mann-Whitney U"
    assert row(report, "mean_tension").result.p == pytest.approx(1.0)
    assert row(report, "war_CHN_USA").result.p == pytest.approx(1.0)


def test_planted_shift_is_found_and_its_interval_covers_it(tmp_path):
    a = write_run(tmp_path / "a", synthetic(seed=1))
    b = write_run(tmp_path / "b", synthetic(seed=2, tension_shift=0.05), seeds=list(range(80)))
    r = row(compare(a, b, seed=3), "mean_tension")
    assert r.p_adj < 0.001
    assert r.result.ci_low < 0.05 < r.result.ci_high and r.result.ci_low > 0
    assert r.result.effect > 0.5  # rank-biserial: B mostly higher
    assert not row(compare(a, b), "max_level").p_adj < 0.05


def test_binary_metric_uses_fisher_and_matches_scipy(tmp_path):
    a = write_run(tmp_path / "a", {"war_X_Y": [1] * 10 + [0] * 50})
    b = write_run(tmp_path / "b", {"war_X_Y": [1] * 30 + [0] * 30}, seeds=list(range(60)))
    r = row(compare(a, b), "war_X_Y").result
    assert r.test == "Fisher exact" and r.kind == "binary"
    assert r.p == pytest.approx(st.fisher_exact([[30, 30], [10, 50]]).pvalue)
    assert r.diff == pytest.approx(20 / 60)
    assert r.effect == pytest.approx(2 * math.asin(math.sqrt(0.5)) - 2 * math.asin(math.sqrt(1 / 6)))
    assert r.effect_name == "Cohen's h"


def test_paired_binary_uses_mcnemar_on_discordant_pairs(tmp_path):
    a_col = [0] * 40 + [1] * 10 + [0] * 10
    b_col = [0] * 40 + [1] * 8 + [0] * 2 + [1] * 10   # 10 pairs 0->1, 2 pairs 1->0
    a = write_run(tmp_path / "a", {"war_X_Y": a_col})
    b = write_run(tmp_path / "b", {"war_X_Y": b_col})
    r = row(compare(a, b), "war_X_Y").result
    assert r.test == "McNemar exact" and r.paired
    assert r.p == pytest.approx(st.binomtest(10, 12, 0.5).pvalue)


def test_pairs_are_matched_by_seed_not_by_row_order(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.normal(0, 1, 40)
    a = write_run(tmp_path / "a", {"m": x.round(6).tolist()}, seeds=list(range(40)))
    b = write_run(tmp_path / "b", {"m": (x[::-1] + 0.1).round(6).tolist()}, seeds=list(range(40))[::-1])
    r = row(compare(a, b), "m").result
    assert r.test == "Wilcoxon signed-rank" and r.paired
    assert r.ci_low == pytest.approx(0.1, abs=1e-5) and r.ci_high == pytest.approx(0.1, abs=1e-5)
    assert r.p < 1e-6 and r.effect == pytest.approx(1.0)


def logrank_by_hand(ta, ea, tb, eb):
    """Mantel's log-rank chi-square, one event time at a time (independent of scipy)."""
    o_minus_e = var = 0.0
    for t in np.unique(np.r_[ta[ea], tb[eb]]):
        n_a, n_b = (ta >= t).sum(), (tb >= t).sum()
        d_a, d_b = ((ta == t) & ea).sum(), ((tb == t) & eb).sum()
        n, d = n_a + n_b, d_a + d_b
        o_minus_e += d_a - d * n_a / n
        var += d * (n_a / n) * (n_b / n) * (n - d) / max(n - 1, 1)
    return st.chi2.sf(o_minus_e ** 2 / var, 1)


def test_log_rank_on_censored_times_matches_a_hand_computation():
    a = np.array([5, 8, 12, np.nan, 20, np.nan, 3, np.nan])
    b = np.array([30, np.nan, np.nan, 45, np.nan, np.nan, np.nan, 50])
    res = stats.time_to_event(a, b, 60.0, np.random.default_rng(0))
    (ta, ea), (tb, eb) = stats.censor(a, 60.0), stats.censor(b, 60.0)
    assert res.p == pytest.approx(logrank_by_hand(ta, ea, tb, eb), rel=1e-9)
    assert res.mean_a == pytest.approx((5 + 8 + 12 + 60 + 20 + 60 + 3 + 60) / 8)  # restricted mean
    assert res.median_a == 12.0          # S falls to 4/8 at day 12: the first time S <= 0.5
    assert res.median_b == math.inf      # 3 of 8 events: more than half censored, not reached
    assert res.effect < 1                # B has the lower hazard


def test_km_median_not_reached_is_reported_in_words(tmp_path):
    a = write_run(tmp_path / "a", {"t_first_clash": [100, 200, None, None, None, None]})
    b = write_run(tmp_path / "b", {"t_first_clash": [10, 20, 30, 40, None, None]}, seeds=[9] * 6)
    r = row(compare(a, b), "t_first_clash").result
    assert r.median_a == math.inf and r.median_b == 30.0
    assert "Kaplan-Meier median day not reached -> 30 " in render(compare(a, b))
    assert json.loads(render(compare(a, b), "json"))["rows"][0]["median_a"] == "not reached"


def test_horizon_falls_back_to_the_largest_time_and_says_so(tmp_path):
    a = write_run(tmp_path / "a", {"t_war_X_Y": [10, None, 300]}, horizon=None)
    b = write_run(tmp_path / "b", {"t_war_X_Y": [20, 400, None]}, horizon=None)
    report = compare(a, b)
    assert "largest observed time (400 days)" in report.horizon
    assert row(report, "t_war_X_Y").result.mean_a == pytest.approx((10 + 400 + 300) / 3)


def test_no_events_on_either_side_is_not_testable(tmp_path):
    a = write_run(tmp_path / "a", {"t_war_X_Y": [None] * 5})
    b = write_run(tmp_path / "b", {"t_war_X_Y": [None] * 5})
    r = row(compare(a, b), "t_war_X_Y")
    assert math.isnan(r.result.p) and "never came" in r.result.note and r.result.diff == 0


def test_constant_metrics_report_zero_and_na_with_a_reason(tmp_path):
    a = write_run(tmp_path / "a", {"nuclear_use": [0] * 20, "n_events": [7] * 20})
    b = write_run(tmp_path / "b", {"nuclear_use": [0] * 20, "n_events": [7] * 20}, seeds=list(range(20)))
    report = compare(a, b)
    for r in report.rows:
        assert r.result.diff == 0 and math.isnan(r.p_adj) and "constant" in r.result.note
    assert "n/a" in render(report) and "over 0 tests" in render(report)


def test_holm_matches_a_hand_computation():
    p = np.array([0.01, 0.04, 0.03, 0.005])
    # sorted: 0.005*4=0.02, 0.01*3=0.03, 0.03*2=0.06, 0.04*1=0.04 -> running max 0.06
    assert stats.holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.adjust(np.r_[p, np.nan], "holm")[:4] == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert stats.adjust(p, "bh") == pytest.approx(st.false_discovery_control(p))


def test_report_adjusts_over_the_tested_metrics_and_names_the_method(tmp_path):
    a = write_run(tmp_path / "a", synthetic(seed=1))
    b = write_run(tmp_path / "b", synthetic(seed=2, tension_shift=0.02, p_war=0.5))
    for method, name in (("holm", "Holm (1979)"), ("bh", "Benjamini-Hochberg (1995)")):
        report = compare(a, b, adjust=method)
        raw = [r.result.p for r in report.rows]
        assert [r.p_adj for r in report.rows] == pytest.approx(list(stats.adjust(raw, method)), nan_ok=True)
        assert name in render(report)


def test_plain_language_line_for_a_significant_proportion(tmp_path):
    a = write_run(tmp_path / "a", {"clash_CHN_TWN": [1] * 10 + [0] * 70})
    b = write_run(tmp_path / "b", {"clash_CHN_TWN": [1] * 40 + [0] * 40}, seeds=list(range(80)))
    text = render(compare(a, b))
    assert "armed clash CHN->TWN: 12.5% -> 50.0%, +37.5 points [" in text
    assert "p < 0.001" in text


def test_same_seed_same_interval_other_seed_other_draws(tmp_path):
    a = write_run(tmp_path / "a", synthetic(seed=1))
    b = write_run(tmp_path / "b", synthetic(seed=2), seeds=list(range(80)))
    first, again = (row(compare(a, b, seed=7), "mean_tension").result for _ in range(2))
    other = row(compare(a, b, seed=8), "mean_tension").result
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)


def test_metric_kinds_and_labels():
    assert stats.metric_kind("t_entry_TWN", np.array([np.nan, 3.0])) == "time"
    assert stats.metric_kind("n_belligerents", np.array([0.0, 1.0])) == "continuous"
    assert stats.metric_kind("war_A_B", np.array([0.0, 1.0])) == "binary"
    assert stats.metric_kind("mean_tension", np.array([0.2, 0.4])) == "continuous"
    assert stats.metric_kind("peak_tension", np.array([1.0, 1.0])) == "continuous"
    assert stats.metric_kind("tension_end_CHN", np.array([0.0, 1.0])) == "continuous"
    assert stats.metric_kind("custom_flag", np.array([0.0, 1.0, np.nan])) == "binary"
    assert label("war_CHN_USA") == "war CHN-USA" and label("t_entry_TWN") == "days to TWN entering a war"


def write_sweep(folder: Path, n: int = 40) -> Path:
    """A sweep's runs.csv: reliability 0.25 (more wars) and 0.5/0.75 (fewer), shared seeds per point."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(11)
    with open(folder / "runs.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["point", "rep", "seed", "alliances.QUAD.reliability", "max_level",
                         "war_CHN_USA", "t_first_clash", "mean_tension"])
        for point, rel in enumerate((0.25, 0.5, 0.75)):
            for rep in range(n):
                war = int(rng.random() < (0.7 if rel == 0.25 else 0.1))
                clash = round(float(rng.uniform(1, 300)), 1) if war else ""
                tension = round(float(rng.normal(0.3 + (0.1 if rel == 0.25 else 0), 0.03)), 4)
                writer.writerow([point, rep, 100 + rep, rel, int(rng.integers(3, 7)), war, clash, tension])
    manifest = {"parameters": {"alliances.QUAD.reliability": [0.25, 0.5, 0.75]},
                "scenario": {"horizon_days": 365}}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_compare_by_sweeps_each_value_against_the_reference(tmp_path):
    report = compare_by(write_sweep(tmp_path / "s") / "runs.csv", "alliances.QUAD.reliability", "0.5")
    groups = {r.group for r in report.rows}
    assert groups == {"0.25", "0.75"}
    assert report.pairing == "paired: replications matched on seed" and "365 days" in report.horizon
    war = {r.group: r for r in report.rows if r.metric == "war_CHN_USA"}
    assert war["0.25"].p_adj < 0.001 and not war["0.75"].p_adj < 0.05
    assert "over 8 tests" in " ".join(report.notes)
    assert "[alliances.QUAD.reliability=0.25] war CHN-USA" in render(report)


def write_text(file: Path, text: str) -> Path:
    """Write ``text`` to ``file`` (making its folder) and return the file."""
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text)
    return file


@pytest.mark.parametrize("make, message", [
    (lambda p: write_run(p / "b", {"other": [1, 2]}), "no shared metrics"),
    (lambda p: write_text(p / "b" / "summary.csv", ""), "empty file"),
    (lambda p: write_text(p / "b" / "summary.csv", "rep,seed,max_level\n"), "no replications"),
    (lambda p: write_run(p / "b", {"max_level": [3, "high"]}), "column 'max_level' is not numeric"),
    (lambda p: write_run(p / "b", {"max_level": [3, 4]}, horizon=365), "different horizons"),
    (lambda p: p / "missing", "no such file"),
])
def test_bad_inputs_exit_2_with_a_message(tmp_path, make, message):
    a = write_run(tmp_path / "a", {"max_level": [3, 5]})
    result = run_cli(str(a), str(make(tmp_path)))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_bad_options_exit_2(tmp_path):
    a = write_run(tmp_path / "a", {"max_level": [3, 5]})
    assert "unknown metric 'max_levle' (did you mean 'max_level'?)" in run_cli(
        str(a), str(a), "--metrics", "max_levle").stderr
    sweep = write_sweep(tmp_path / "s")
    for args, message in (([str(sweep), "--by", "alliances.QUAD.reliability"], "--by needs --ref"),
                          ([str(sweep), "--by", "alliances.QUAD.reliabilty", "--ref", "1"], "did you mean"),
                          ([str(sweep), "--by", "alliances.QUAD.reliability", "--ref", "2"], "values: 0.25"),
                          ([str(a)], "give two result sets"), ([str(a), str(a), "--alpha", "2"], "alpha")):
        result = run_cli(*args)
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)


@pytest.mark.slow
def test_cli_writes_every_format(tmp_path):
    a = write_run(tmp_path / "a", synthetic(seed=1))
    b = write_run(tmp_path / "b", synthetic(seed=2, p_war=0.6))
    for fmt in ("table", "csv", "markdown", "json"):
        out = tmp_path / f"report.{fmt}"
        result = run_cli(str(a), str(b / "summary.csv"), "--format", fmt, "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert "war CHN-USA" in out.read_text()
    assert len(json.loads((tmp_path / "report.json").read_text())["rows"]) == 5
    assert next(csv.DictReader(open(tmp_path / "report.csv")))["test"] == "Wilcoxon signed-rank"


def test_read_table_rejects_ragged_rows(tmp_path):
    (tmp_path / "summary.csv").write_text("rep,seed,max_level\n0,1,3\n1,2\n")
    with pytest.raises(InputErrors, match="2 cells where the header has 3"):
        read_table(tmp_path)


def test_compare_by_pairs_replications_at_the_same_pooled_values(tmp_path):
    folder = tmp_path / "s2"
    folder.mkdir()
    rng = np.random.default_rng(4)
    noise = rng.normal(0, 0.05, (2, 20))          # common random numbers: one draw per (b, rep)
    with open(folder / "runs.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["point", "rep", "seed", "p.a", "p.b", "mean_tension"])
        for point, (a, b) in enumerate((a, b) for a in (0, 1) for b in (0, 1)):
            for rep in range(20):
                value = round(0.3 + 0.01 * a + 0.2 * b + noise[b, rep], 6)
                writer.writerow([point, rep, 500 + rep, a, b, value])
    report = compare_by(folder, "p.a", "0")
    assert report.pairing == "paired: replications matched on seed, p.b"
    r = row(report, "mean_tension").result
    assert r.test == "Wilcoxon signed-rank" and r.diff == pytest.approx(0.01, abs=1e-6)
    assert row(report, "mean_tension").p_adj < 0.001


P_VALUES = hs.lists(hs.floats(0, 1, allow_nan=False), min_size=1, max_size=30)


@given(P_VALUES)
def test_holm_never_lowers_a_p_value_and_keeps_their_order(ps):
    p = np.array(ps)
    adjusted = stats.holm(p)
    assert np.all(adjusted >= p - 1e-12) and np.all(adjusted <= 1)
    order = np.argsort(p, kind="stable")
    assert np.all(np.diff(adjusted[order]) >= -1e-12)
    assert np.all(adjusted <= np.minimum(1, len(p) * p) + 1e-12)  # never worse than Bonferroni


@settings(max_examples=25, deadline=None)
@given(hs.lists(hs.integers(0, 6), min_size=2, max_size=40), hs.integers(0, 2**32 - 1))
def test_any_sample_gives_a_result_and_identical_sides_never_differ(values, seed):
    a = np.array(values, dtype=float)
    rng = np.random.default_rng(seed)
    for test in (stats.continuous, stats.binary):
        for paired in (False, True):
            data = (a > 3).astype(float) if test is stats.binary else a
            r = test(data, data.copy(), rng, paired=paired)
            assert r.diff == 0 and not r.p < 0.05
            assert r.ci_low <= 0 <= r.ci_high or math.isnan(r.ci_low)


def test_runs_of_different_lengths_pair_on_their_shared_seeds(tmp_path):
    rng = np.random.default_rng(8)
    x = rng.normal(0, 1, 60).round(6)
    a = write_run(tmp_path / "a", {"m": x[:40].tolist()}, seeds=list(range(40)))
    b = write_run(tmp_path / "b", {"m": (x + 0.2).tolist()}, seeds=list(range(60)))
    report = compare(a, b)
    assert report.pairing.endswith("20 replications without a partner left out")
    r = row(report, "m").result
    assert r.paired and r.n_a == r.n_b == 40 and r.diff == pytest.approx(0.2, abs=1e-5)
