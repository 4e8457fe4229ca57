"""Replication metrics: their kinds and readable names, and one two-sample test per kind.

Each test returns a :class:`TestResult`: the difference B - A with a bootstrap interval, a p-value
and a named effect size. The kind of a metric picks the test:

- ``continuous``: Mann-Whitney U (Mann & Whitney 1947), or Wilcoxon's signed-rank test on the
  paired differences (Wilcoxon 1945) when both sides share their replication seeds.
- ``binary`` (0/1): Fisher's exact test on the 2x2 table (Fisher 1922), or McNemar's exact test on
  the discordant pairs (McNemar 1947) when paired; effect: Cohen's h (Cohen 1988).
- ``time`` to an event that may never come: right-censored at the horizon, log-rank test
  (Mantel 1966), Kaplan-Meier medians (Kaplan & Meier 1958), restricted mean time to the horizon
  (Royston & Parmar 2013) as the mean, and the log-rank (Peto) hazard ratio as the effect.

Intervals are Efron's bootstrap (Efron 1979; BCa, Efron 1987) from :func:`scipy.stats.bootstrap`,
drawn from a generator the caller seeds: no global random state.
"""

from __future__ import annotations

import math
import warnings
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.engine.metrics import metric, watched

__all__ = [
    "TestResult", "continuous", "binary", "time_to_event", "km_median", "adjust",
    "holm", "bootstrap_ci", "cohens_h", "censor", "metric_kind", "label", "generator", "KINDS", "ADJUSTMENTS",
]

KINDS = ("continuous", "binary", "time")
ADJUSTMENTS = {"holm": "Holm (1979) step-down", "bh": "Benjamini-Hochberg (1995) FDR"}


def _scipy_stats():
    """scipy.stats, imported on first use: it takes half a second, which every command would pay."""
    from scipy import stats

    return stats


RESAMPLES = 9999
BATCH = 500  # resamples held in memory at once: 500 x 10,000 replications x 8 bytes = 40 MB
@dataclass(frozen=True)
class TestResult:
    """One metric compared between A and B; ``p`` is NaN (shown "n/a") when there is nothing to test.

    For ``time`` metrics ``mean_a``/``mean_b`` are restricted means to the horizon (days) and
    ``median_a``/``median_b`` the Kaplan-Meier medians (``inf`` = not reached).
    """

    kind: str
    test: str
    paired: bool
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    diff: float
    ci_low: float
    ci_high: float
    p: float
    effect: float
    effect_name: str
    median_a: float = math.nan
    median_b: float = math.nan
    note: str = ""


def metric_kind(name: str, values: np.ndarray) -> str:
    """The kind that picks the test: the kind its metric declares (:mod:`sim.engine.metrics`: counts,
    ladder levels and tensions are ``continuous`` even when a run only shows 0 and 1). A column no
    metric declares is ``time`` if named ``t_*``, ``continuous`` if a tension, ``binary`` if it holds
    only 0 and 1, else ``continuous``."""
    declared = metric(name) or watched(name)
    if declared is not None:
        return declared.kind
    if name.startswith("t_"):
        return "time"
    if name.startswith("tension_") or name.endswith("_tension"):
        return "continuous"
    finite = values[np.isfinite(values)]
    return "binary" if len(finite) and np.isin(finite, (0.0, 1.0)).all() else "continuous"


def label(name: str) -> str:
    """A reader's name for a metric, as its metric declares it: ``war_CHN_USA`` -> ``war CHN-USA``."""
    declared, template = metric(name), watched(name)
    if declared is not None:
        return declared.label
    if template is not None:
        ids = name[len(template.prefix):]
        return template.label.format(ids.replace("_", "-"), ids.replace("_", "->", 1))
    return name.replace("_", " ")


def generator(seed: int, key: str) -> np.random.Generator:
    """A bootstrap generator per metric from the user's seed (SeedSequence child keyed by name),
    so a metric draws the same resamples whichever other metrics are compared."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(key.encode()),)))


def _mean_diff(a, b, axis=-1):
    return np.mean(b, axis=axis) - np.mean(a, axis=axis)


def _mean(d, axis=-1):
    return np.mean(d, axis=axis)


def bootstrap_ci(data: tuple, rng: np.random.Generator, paired: bool = False,
                 level: float = 0.95) -> tuple[float, float]:
    """Bootstrap interval (Efron 1979) of mean(B) - mean(A), or of mean(d) for one sample of d.

    BCa first (Efron 1987); percentile when BCa degenerates (few distinct values); a point when
    every sample is constant.
    """
    statistic = _mean if len(data) == 1 else _mean_diff
    point = float(statistic(*data))
    if all(np.ptp(d) == 0 for d in data):
        return point, point
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = _scipy_stats().bootstrap(data, statistic, paired=paired, vectorized=True, rng=rng,
                               method=method, confidence_level=level, n_resamples=RESAMPLES,
                               batch=BATCH)
        low, high = (float(x) for x in res.confidence_interval)
        if math.isfinite(low) and math.isfinite(high):
            return low, high
    return point, point


def _degenerate(kind: str, test: str, paired: bool, a: np.ndarray, b: np.ndarray) -> TestResult | None:
    """A result without a test when a side is empty or both hold one and the same value."""
    values = np.unique(np.r_[a, b])
    if min(len(a), len(b)) and len(values) > 1:
        return None
    nan = math.nan
    if not min(len(a), len(b)):
        return TestResult(kind, test, paired, len(a), len(b), float(np.mean(a)) if len(a) else nan,
                          float(np.mean(b)) if len(b) else nan, nan, nan, nan, nan, nan, "n/a",
                          note="no values on one side: nothing to test")
    value, note = float(values[0]), f"constant value {values[0]:g} on both sides: nothing to test"
    return TestResult(kind, test, paired, len(a), len(b), value, value, 0.0, 0.0, 0.0, nan, 0.0, "n/a",
                      note=note)


def _ranked_biserial(d: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (Kerby 2014) of the non-zero differences."""
    d = d[d != 0]
    if len(d) == 0:
        return 0.0
    ranks = _scipy_stats().rankdata(np.abs(d))
    return float((ranks[d > 0].sum() - ranks[d < 0].sum()) / ranks.sum())


def continuous(a: np.ndarray, b: np.ndarray, rng: np.random.Generator,
               paired: bool = False) -> TestResult:
    """Mann-Whitney U (Mann & Whitney 1947), or Wilcoxon signed-rank (Wilcoxon 1945) when paired.

    Effect: rank-biserial correlation, from -1 (B always lower) to +1 (B always higher).
    """
    test = "Wilcoxon signed-rank" if paired else "Mann-Whitney U"
    if (untested := _degenerate("continuous", test, paired, a, b)) is not None:
        return untested
    low, high = bootstrap_ci((b - a,) if paired else (a, b), rng, paired=False)
    if paired:
        p, effect, note = _wilcoxon(b - a)
    else:
        u = _scipy_stats().mannwhitneyu(b, a, alternative="two-sided")
        p, effect, note = float(u.pvalue), 2 * float(u.statistic) / (len(a) * len(b)) - 1, ""
    return TestResult("continuous", test, paired, len(a), len(b), float(a.mean()), float(b.mean()),
                      float(b.mean() - a.mean()), low, high, p, effect, "rank-biserial r",
                      note=note)


def _wilcoxon(d: np.ndarray) -> tuple[float, float, str]:
    if np.all(d == 0):
        return 1.0, 0.0, "all paired differences are 0"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = float(_scipy_stats().wilcoxon(d, zero_method="wilcox").pvalue)
    return p, _ranked_biserial(d), ""


def cohens_h(p_a: float, p_b: float) -> float:
    """Cohen's h (Cohen 1988): 2 asin sqrt(p_B) - 2 asin sqrt(p_A); 0.2 small, 0.5 medium, 0.8 large."""
    return 2 * math.asin(math.sqrt(p_b)) - 2 * math.asin(math.sqrt(p_a))


def binary(a: np.ndarray, b: np.ndarray, rng: np.random.Generator,
           paired: bool = False) -> TestResult:
    """Difference of proportions: Fisher's exact test (Fisher 1922), McNemar's exact when paired.

    The difference is the risk difference B - A; the effect is Cohen's h.
    """
    test = "McNemar exact" if paired else "Fisher exact"
    if (untested := _degenerate("binary", test, paired, a, b)) is not None:
        return untested
    low, high = bootstrap_ci((b - a,) if paired else (a, b), rng)
    p, note = _mcnemar(a, b) if paired else _fisher(a, b)
    p_a, p_b = float(a.mean()), float(b.mean())
    return TestResult("binary", test, paired, len(a), len(b), p_a, p_b, p_b - p_a, low, high,
                      p, cohens_h(p_a, p_b), "Cohen's h", note=note)


def _fisher(a: np.ndarray, b: np.ndarray) -> tuple[float, str]:
    table = [[int(b.sum()), int(len(b) - b.sum())], [int(a.sum()), int(len(a) - a.sum())]]
    res = _scipy_stats().fisher_exact(table)
    return float(res.pvalue), f"odds ratio B/A {float(res.statistic):.3g}"


def _mcnemar(a: np.ndarray, b: np.ndarray) -> tuple[float, str]:
    up, down = int(np.sum((a == 0) & (b == 1))), int(np.sum((a == 1) & (b == 0)))
    note = f"discordant pairs: {up} 0->1, {down} 1->0"
    if up + down == 0:
        return 1.0, note
    return float(_scipy_stats().binomtest(up, up + down, 0.5).pvalue), note


def km_median(time: np.ndarray, event: np.ndarray) -> float:
    """Kaplan-Meier median (Kaplan & Meier 1958) via :func:`scipy.stats.ecdf`; ``inf`` if not reached."""
    if not event.any():
        return math.inf
    sf = _scipy_stats().ecdf(_scipy_stats().CensoredData(uncensored=time[event], right=time[~event])).sf
    below = np.nonzero(sf.probabilities <= 0.5)[0]
    return float(sf.quantiles[below[0]]) if len(below) else math.inf


def censor(values: np.ndarray, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Times (NaN = never came) -> (time clipped at the horizon, event happened before it)."""
    event = np.isfinite(values) & (values < horizon)
    return np.where(event, values, horizon), event


def _peto_hazard_ratio(ta, ea, tb, eb) -> float:
    """Hazard ratio B/A as (O_B/E_B)/(O_A/E_A) from the log-rank table (Peto et al. 1977)."""
    times = np.unique(np.r_[ta[ea], tb[eb]])
    n_a = (ta[None, :] >= times[:, None]).sum(axis=1)
    n_b = (tb[None, :] >= times[:, None]).sum(axis=1)
    d_a = ((ta[None, :] == times[:, None]) & ea).sum(axis=1)
    d_b = ((tb[None, :] == times[:, None]) & eb).sum(axis=1)
    d = d_a + d_b
    e_a, e_b = (d * n_a / (n_a + n_b)).sum(), (d * n_b / (n_a + n_b)).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (d_b.sum() / e_b) / (d_a.sum() / e_a)
    return float(ratio) if np.isfinite(ratio) else (math.inf if d_a.sum() == 0 else math.nan)


def time_to_event(a: np.ndarray, b: np.ndarray, horizon: float, rng: np.random.Generator,
                  paired: bool = False) -> TestResult:
    """Log-rank test (Mantel 1966) of times censored at ``horizon`` (NaN = the event never came).

    Every censoring here is at the horizon, so the Kaplan-Meier restricted mean to the horizon is
    the plain mean of the clipped times; its difference gets the bootstrap interval.
    """
    (ta, ea), (tb, eb) = censor(a, horizon), censor(b, horizon)
    counts = f"events {int(ea.sum())}/{len(a)} vs {int(eb.sum())}/{len(b)}"
    result: dict[str, Any] = dict(kind="time", test="log-rank", paired=paired, n_a=len(a), n_b=len(b),
                  mean_a=float(ta.mean()), mean_b=float(tb.mean()), diff=float(tb.mean() - ta.mean()),
                  effect_name="hazard ratio B/A", median_a=km_median(ta, ea), median_b=km_median(tb, eb))
    if not (ea.any() or eb.any()):
        note = f"the event never came before the horizon on either side ({counts})"
        return TestResult(ci_low=0.0, ci_high=0.0, p=math.nan, effect=math.nan, note=note, **result)
    low, high = bootstrap_ci((tb - ta,) if paired else (ta, tb), rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = float(_scipy_stats().logrank(_censored(ta, ea), _censored(tb, eb)).pvalue)
    note = counts + ("; the log-rank test ignores the pairing" if paired else "")
    if math.isnan(p):
        note += "; log-rank undefined: every event on one and the same day"
    return TestResult(ci_low=low, ci_high=high, p=p, effect=_peto_hazard_ratio(ta, ea, tb, eb),
                      note=note, **result)


def _censored(time: np.ndarray, event: np.ndarray) -> Any:
    return _scipy_stats().CensoredData(uncensored=time[event], right=time[~event])


def holm(p: np.ndarray) -> np.ndarray:
    """Holm's (1979) step-down adjustment: sorted p_(i) times (m - i + 1), running max, capped at 1."""
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    adjusted = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    out = np.empty(m)
    out[order] = adjusted
    return out


def adjust(p: np.ndarray, method: str = "holm") -> np.ndarray:
    """Adjust the finite p-values for their number (Holm 1979, or Benjamini & Hochberg 1995).

    NaN p-values (metrics with nothing to test) stay NaN and do not count in the family.
    """
    if method not in ADJUSTMENTS:
        raise ValueError(f"unknown adjustment {method!r}; choose from {', '.join(ADJUSTMENTS)}")
    p = np.asarray(p, dtype=float)
    out = np.full(len(p), math.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = holm(p[ok]) if method == "holm" else _scipy_stats().false_discovery_control(p[ok], method="bh")
    return out
