"""When a joiner enters its war, estimated from the record: the delay distribution of the joining
decision's timing (docs/model.md, "Joining", Timing).

The delays are those of the joining equation's sample (:func:`sim.history.joiningfit.dataset`): the
days from each war's first day to each joining's first day on its side (COW inter-state wars with
day-level `start1`, held-out wars 106 and 139 never read), 107 joinings of 93 wars. Their law is a
zero-inflated exponential,

    G(t) = q + (1 - q) (1 - exp(-t / m)),   t >= 0,

a share q of entries on the war's first day (delay 0) and an exponential with mean m for the rest.
Its maximum-likelihood estimates have a closed form, q = n0 / n and m = the mean of the positive
delays, with observed-information standard errors sqrt(q (1 - q) / n) and m / sqrt(n - n0)
(:func:`fit`); statsmodels' GenericLikelihoodModel gives the same numbers by numerical optimisation
(:func:`fit_numerically`, tests/test_entrydelay.py). The exponential is set against a Weibull for the
positive part (:func:`alternatives`: log-likelihood, AIC, and the likelihood-ratio test of the
exponential as the Weibull of shape 1).

    python -m sim.history.entrydelay refit     # rewrite sim/data/joining/entry_delay.csv
    python -m sim.history.entrydelay check     # refit and compare with the shipped file

statsmodels is needed here only (the `fit` extra); the simulator reads the shipped schema defaults.
"""

from __future__ import annotations

import dataclasses
import io
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.history.joiningfit import dataset, write_table

__all__ = ["FILE", "TERMS", "Delays", "delays", "fit", "fit_numerically", "alternatives", "table", "main"]

FILE = Path(__file__).resolve().parents[1] / "data" / "joining" / "entry_delay.csv"
TERMS = ("entry_first_day_share", "entry_mean_days")
"""The shipped rows, named as the schema's parameters (`parameters.joining`)."""


def delays() -> np.ndarray:
    """The record's delays (days) of the joinings of the equation's sample, in its row order."""
    frame = dataset()
    return frame.loc[frame["joined"] == 1, "entry_day"].to_numpy(dtype=float)


@dataclasses.dataclass(frozen=True)
class Delays:
    """The zero-inflated exponential's estimates, their standard errors and the sample."""

    share: float  # q: the share of entries on the first day
    share_se: float
    mean: float  # m: the mean of the positive delays, days
    mean_se: float
    n: int  # joinings
    first_day: int  # of which on the first day (n0)
    loglik: float

    def cdf(self, t: np.ndarray) -> np.ndarray:
        """G(t), t >= 0."""
        return self.share + (1.0 - self.share) * -np.expm1(-np.asarray(t, dtype=float) / self.mean)


def _loglik(days: np.ndarray, share: float, mean: float) -> float:
    zero = days == 0
    return float(zero.sum() * math.log(share) + (~zero).sum() * math.log1p(-share)
                 + stats.expon.logpdf(days[~zero], scale=mean).sum())


def fit(days: np.ndarray) -> Delays:
    """The maximum-likelihood estimates in closed form: the likelihood factors into a binomial in q
    (n0 first-day entries of n) and an exponential in m (the n - n0 positive delays)."""
    days = np.asarray(days, dtype=float)
    if days.size == 0 or (days < 0).any() or not np.isfinite(days).all():
        raise ValueError("entry delays: a non-empty array of finite days >= 0 expected")
    n, n0 = len(days), int((days == 0).sum())
    if not 0 < n0 < n:
        raise ValueError(f"entry delays: {n0} of {n} on the first day; the estimate needs both kinds")
    share, positive = n0 / n, days[days > 0]
    mean = float(positive.mean())
    return Delays(share, math.sqrt(share * (1.0 - share) / n), mean, mean / math.sqrt(len(positive)), n, n0,
                  _loglik(days, share, mean))


def fit_numerically(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same estimates (q, m) and their standard errors by statsmodels' GenericLikelihoodModel
    (Newton's method from a neutral start; the standard errors from the numerical Hessian)."""
    from statsmodels.base.model import GenericLikelihoodModel

    days = np.asarray(days, dtype=float)

    class ZeroInflatedExponential(GenericLikelihoodModel):
        def loglikeobs(self, params):
            share, mean = params
            if not (0.0 < share < 1.0 and mean > 0.0):
                return np.full(len(self.endog), -np.inf)
            return np.where(self.endog == 0, math.log(share),
                            math.log1p(-share) - math.log(mean) - self.endog / mean)

    model = ZeroInflatedExponential(days, None, extra_params_names=["share", "mean"])
    start = np.array([0.5, float(days.mean()) or 1.0])
    result = model.fit(start_params=start, method="nm", maxiter=5000, xtol=1e-10, ftol=1e-12, disp=False)
    result = model.fit(start_params=result.params, method="newton", maxiter=100, disp=False)
    return np.asarray(result.params), np.asarray(result.bse)


def alternatives(days: np.ndarray) -> pd.DataFrame:
    """The positive delays' law, the exponential against a Weibull and a lognormal (each with the
    first-day share, whose term is common to all): log-likelihood of the positive part, parameters,
    AIC, and for the Weibull the likelihood-ratio test of the exponential (its shape 1)."""
    positive = np.asarray(days, dtype=float)
    positive = positive[positive > 0]
    mean = float(positive.mean())
    ll_exp = float(stats.expon.logpdf(positive, scale=mean).sum())
    shape, _, scale = stats.weibull_min.fit(positive, floc=0)
    ll_weibull = float(stats.weibull_min.logpdf(positive, shape, 0, scale).sum())
    sigma, _, median = stats.lognorm.fit(positive, floc=0)
    ll_lognormal = float(stats.lognorm.logpdf(positive, sigma, 0, median).sum())
    lr = 2.0 * (ll_weibull - ll_exp)
    rows = [("exponential", f"mean {mean:.2f}", 1, ll_exp, 2 * 1 - 2 * ll_exp, math.nan),
            ("weibull", f"shape {shape:.3f}, scale {scale:.2f}", 2, ll_weibull, 2 * 2 - 2 * ll_weibull,
             float(stats.chi2.sf(lr, 1))),
            ("lognormal", f"sigma {sigma:.3f}, median {median:.2f}", 2, ll_lognormal, 2 * 2 - 2 * ll_lognormal, math.nan)]
    return pd.DataFrame(rows, columns=["law", "estimates", "parameters", "loglik", "aic", "lr_p_value"])


def table(estimate: Delays) -> pd.DataFrame:
    """The shipped rows: each term's estimate, standard error and 95% Wald interval, and the sample."""
    rows = []
    for term, value, se in zip(TERMS, (estimate.share, estimate.mean), (estimate.share_se, estimate.mean_se)):
        rows.append({"term": term, "estimate": value, "std_err": se, "ci_low": value - 1.959963984540054 * se,
                     "ci_high": value + 1.959963984540054 * se, "joinings": estimate.n,
                     "first_day": estimate.first_day})
    return pd.DataFrame(rows)


def read(text: str) -> dict[str, tuple[float, float]]:
    """term -> (estimate, std_err) of the CSV text of :func:`table`."""
    frame = pd.read_csv(io.StringIO(text))
    if list(frame["term"]) != list(TERMS):
        raise ValueError(f"entry delay terms {list(frame['term'])}, expected {list(TERMS)}")
    return {t: (float(v), float(s)) for t, v, s in zip(frame["term"], frame["estimate"], frame["std_err"])}


def main(argv: list[str] | None = None) -> int:
    """`refit` writes the shipped estimates; `check` compares a refit with them (exit 1 if they differ)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv not in (["refit"], ["check"]):
        print("usage: python -m sim.history.entrydelay refit|check", file=sys.stderr)
        return 2
    days = delays()
    estimate = table(fit(days))
    if argv == ["refit"]:
        write_table(FILE, estimate)
        print(estimate.to_string(index=False))
        print(alternatives(days).to_string(index=False))
        return 0
    shipped = read(FILE.read_text(encoding="utf-8"))
    gap = max(abs(shipped[t][k] - row[c]) for t, row in zip(TERMS, estimate.to_dict("records"))
              for k, c in ((0, "estimate"), (1, "std_err")))
    print(f"largest difference from the shipped entry delay estimates: {gap:.3g}")
    return 0 if gap < 1e-6 else 1


if __name__ == "__main__":
    raise SystemExit(main())
