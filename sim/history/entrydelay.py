"""When a joiner enters its war, estimated from the record: the delay law of the joining
decision's timing (docs/model.md, "Joining", Timing).

The delays are those of the joining equation's sample (:func:`sim.history.joiningfit.dataset`): the
days from each war's first day to each joining's first day on its side (COW inter-state wars with
day-level `start1`, held-out wars 106 and 139 never read), 107 joinings of 93 wars. Their law is a
zero-inflated Weibull,

    G(t) = q + (1 - q) (1 - exp(-(t / s)^k)),   t >= 0,   s = m / Gamma(1 + 1/k),

a share q of entries on the war's first day (delay 0) and, for the rest, a Weibull of shape k and
mean m (k = 1: the exponential of mean m). The likelihood factors: q = n0 / n in closed form, and
k and the scale by maximum likelihood on the positive delays (scipy's `weibull_min.fit`, location
0); the standard errors of q, k and m are those of the observed information of the whole
likelihood in (q, k, m) (statsmodels' GenericLikelihoodModel, :func:`fit_numerically`, whose own
estimates are the same). :func:`alternatives` sets the laws of the positive part side by side: the
exponential (the Weibull of shape 1, which the likelihood-ratio test rejects), the Weibull and a
lognormal.

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

__all__ = ["FILE", "TERMS", "Delays", "delays", "fit", "fit_numerically", "fold_estimates", "alternatives", "table",
           "main"]

FILE = Path(__file__).resolve().parents[1] / "data" / "joining" / "entry_delay.csv"
TERMS = ("entry_first_day_share", "entry_delay_shape", "entry_mean_days")
"""The shipped rows, named as the schema's parameters (`parameters.joining`)."""


def delays() -> np.ndarray:
    """The record's delays (days) of the joinings of the equation's sample, in its row order."""
    frame = dataset()
    return frame.loc[frame["joined"] == 1, "entry_day"].to_numpy(dtype=float)


@dataclasses.dataclass(frozen=True)
class Delays:
    """The zero-inflated Weibull's estimates, their standard errors and the sample."""

    share: float  # q: the share of entries on the first day
    shape: float  # k: the Weibull's shape of the later delays (1: exponential)
    mean: float  # m: the mean of the later delays, days
    errors: tuple[float, float, float]  # standard errors of q, k, m
    n: int  # joinings
    first_day: int  # of which on the first day (n0)

    @property
    def scale(self) -> float:
        """s = m / Gamma(1 + 1/k), the Weibull's scale, days."""
        return self.mean / math.gamma(1.0 + 1.0 / self.shape)

    def cdf(self, t: np.ndarray) -> np.ndarray:
        """G(t), t >= 0."""
        z = np.asarray(t, dtype=float) / self.scale
        return self.share + (1.0 - self.share) * -np.expm1(-(z ** self.shape))


def _checked(days: np.ndarray) -> np.ndarray:
    days = np.asarray(days, dtype=float)
    if days.size == 0 or (days < 0).any() or not np.isfinite(days).all():
        raise ValueError("entry delays: a non-empty array of finite days >= 0 expected")
    n0 = int((days == 0).sum())
    if not 0 < n0 < len(days) - 1:
        raise ValueError(f"entry delays: {n0} of {len(days)} on the first day; the estimate needs both kinds")
    return days


def _weibull(positive: np.ndarray) -> tuple[float, float]:
    """(k, m): the maximum-likelihood Weibull of the positive delays, and its mean."""
    shape, _, scale = stats.weibull_min.fit(positive, floc=0)
    return float(shape), float(scale * math.gamma(1.0 + 1.0 / shape))


def fit(days: np.ndarray) -> Delays:
    """The maximum-likelihood estimates: q = n0 / n and (k, m) of the positive delays
    (:func:`_weibull`); the standard errors from the observed information of the whole likelihood
    (:func:`fit_numerically`, started at these estimates)."""
    days = _checked(days)
    n, n0 = len(days), int((days == 0).sum())
    shape, mean = _weibull(days[days > 0])
    _, errors = fit_numerically(days, start=(n0 / n, shape, mean))
    return Delays(n0 / n, shape, mean, (float(errors[0]), float(errors[1]), float(errors[2])), n, n0)


def fold_estimates(folds: str = "war", wars: tuple[int, ...] | None = None) -> dict[int, tuple[float, float, float]]:
    """Per war (all, or the numbers in `wars`): the estimates (q, k, m) fitted without its joinings
    (`war`) or without its era's (`era`), as :func:`fit` finds them (q = n0 / n, the Weibull's
    maximum-likelihood shape and mean; no standard errors), for the validation's folds: the delays
    of a war's entries are then out of sample, as its joiners are."""
    frame = dataset()
    key = {"war": "warnum", "era": "era"}[folds]
    joined = frame[frame["joined"] == 1]
    wanted = frame if wars is None else frame[frame["warnum"].isin(wars)]
    fitted: dict[object, tuple[float, float, float]] = {}
    out = {}
    for war, value in wanted[["warnum", key]].drop_duplicates("warnum").itertuples(index=False):
        if value not in fitted:
            days = _checked(joined.loc[joined[key] != value, "entry_day"].to_numpy(dtype=float))
            shape, mean = _weibull(days[days > 0])
            fitted[value] = (float((days == 0).mean()), shape, mean)
        out[int(war)] = fitted[value]
    return out


def fit_numerically(days: np.ndarray, start: tuple[float, float, float] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The estimates (q, k, m) and their standard errors by statsmodels' GenericLikelihoodModel
    (Newton's method, from `start`, or from a neutral start (q 0.5, k 1, m the mean delay) refined by
    Nelder-Mead; the standard errors from the numerical Hessian of the log-likelihood)."""
    from statsmodels.base.model import GenericLikelihoodModel

    days = _checked(days)

    class ZeroInflatedWeibull(GenericLikelihoodModel):
        def loglikeobs(self, params):
            share, shape, mean = params
            if not (0.0 < share < 1.0 and shape > 0.0 and mean > 0.0):
                return np.full(len(self.endog), -np.inf)
            scale = mean / math.gamma(1.0 + 1.0 / shape)
            z = np.where(self.endog > 0, self.endog, scale) / scale
            later = math.log1p(-share) + math.log(shape / scale) + (shape - 1.0) * np.log(z) - z ** shape
            return np.where(self.endog == 0, math.log(share), later)

    model = ZeroInflatedWeibull(days, None, extra_params_names=["share", "shape", "mean"])
    if start is None:
        first = model.fit(start_params=np.array([0.5, 1.0, float(days.mean())]), method="nm",
                          maxiter=20000, xtol=1e-12, ftol=1e-14, disp=False)
        start = (float(first.params[0]), float(first.params[1]), float(first.params[2]))
    result = model.fit(start_params=np.array(start), method="newton", maxiter=100, disp=False)
    return np.asarray(result.params), np.asarray(result.bse)


def alternatives(days: np.ndarray) -> pd.DataFrame:
    """The positive delays' law, the exponential against the Weibull and a lognormal (each with the
    first-day share, whose term is common to all): log-likelihood of the positive part, parameters,
    AIC, and for the Weibull the likelihood-ratio test of the exponential (the Weibull of shape 1)."""
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
    for term, value, se in zip(TERMS, (estimate.share, estimate.shape, estimate.mean), estimate.errors):
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
    """`refit` writes the shipped estimates; `check` compares a refit with them (exit 1 if an estimate
    moved by 1e-6 or a standard error, from a numerical Hessian, by 1e-4 of itself)."""
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
    gap = max(abs(shipped[t][0] - row["estimate"]) for t, row in zip(TERMS, estimate.to_dict("records")))
    gap_se = max(abs(shipped[t][1] / row["std_err"] - 1.0) for t, row in zip(TERMS, estimate.to_dict("records")))
    print(f"largest difference from the shipped entry delay estimates: {gap:.3g} "
          f"(standard errors, relative: {gap_se:.3g})")
    return 0 if gap < 1e-6 and gap_se < 1e-4 else 1


if __name__ == "__main__":
    raise SystemExit(main())
