"""The pre-registered test of a first-day share that depends on the joiner (docs/validation.md,
"Entry timing"; the registration is commit c7e4563, made before any estimate).

Over the 107 joinings of the joining equation's sample (held-out wars 106 and 139 are never
read), a logit of entry on the war's first day against a later entry on `owes_side` (an
obligation to the side joined: Leeds 2003; Leeds, Long & Mitchell 2000) and `log_km` (distance
delays entry: Boulding 1962; Joyce, Ghosn & Bayer 2013), against the constant share the simulator
uses. Prints the fit with its maximum-likelihood standard errors and with standard errors
clustered by war (the joinings of one war are not independent draws: a coalition decides
together), the registered likelihood-ratio test, the war-clustered Wald test of the same two
terms, and the fit without each of the wars with the most joinings.

    python benchmarks/first_day_covariates.py
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from scipy import stats

from sim.history.joiningfit import dataset

TERMS = ("owes_side", "log_km")
EXPECTED = {"owes_side": +1, "log_km": -1}


def joinings() -> pd.DataFrame:
    """The joinings of the joining equation's sample: war, day of entry and the two covariates."""
    frame = dataset()
    return frame.loc[frame["joined"] == 1, ["warnum", "state", "entry_day", *TERMS]].reset_index(drop=True)


def logit(frame: pd.DataFrame, clustered: bool):
    """statsmodels' Logit of entry on day 0 on the terms (standard errors clustered by war if asked)."""
    import statsmodels.api as sm

    y = (frame["entry_day"] == 0).astype(float)
    x = sm.add_constant(frame[list(TERMS)].astype(float), has_constant="add")
    if clustered:
        return sm.Logit(y, x).fit(disp=0, cov_type="cluster", cov_kwds={"groups": frame["warnum"].to_numpy()})
    return sm.Logit(y, x).fit(disp=0)


def constant_llf(frame: pd.DataFrame) -> float:
    """The log-likelihood of the constant share (n0 / n), the simulator's law."""
    n, n0 = len(frame), int((frame["entry_day"] == 0).sum())
    return n0 * np.log(n0 / n) + (n - n0) * np.log1p(-n0 / n)


def clustered_score(frame: pd.DataFrame) -> tuple[float, float]:
    """Rao's score test of the two terms at the constant share, the score's variance clustered by war
    (the sum over wars of each war's score outer product, times G / (G - 1)): chi-squared and p."""
    y = (frame["entry_day"] == 0).to_numpy(float)
    z = frame[list(TERMS)].to_numpy(float)
    parts = (z - z.mean(axis=0)) * (y - y.mean())[:, None]  # the terms residualised on the constant
    by_war = pd.DataFrame(parts).groupby(frame["warnum"].to_numpy()).sum().to_numpy()
    score, wars = parts.sum(axis=0), len(by_war)
    chi2 = float(score @ np.linalg.solve(by_war.T @ by_war * wars / (wars - 1), score))
    return chi2, float(stats.chi2.sf(chi2, len(TERMS)))


def main() -> int:
    frame = joinings()
    plain, clustered = logit(frame, False), logit(frame, True)
    table = pd.DataFrame({"coef": plain.params, "se_ml": plain.bse, "p_ml": plain.pvalues,
                          "se_war_clustered": clustered.bse, "p_war_clustered": clustered.pvalues})
    print(f"{len(frame)} joinings of {frame['warnum'].nunique()} wars, {int((frame['entry_day'] == 0).sum())} "
          "on the war's first day\n")
    print(table.to_string(float_format=lambda v: f"{v:.4g}"))
    lr = 2.0 * (plain.llf - constant_llf(frame))
    wald = clustered.wald_test(", ".join(f"{t} = 0" for t in TERMS), scalar=True)
    signs = all(np.sign(plain.params[t]) == s for t, s in EXPECTED.items())
    print(f"\nregistered test: likelihood ratio {lr:.2f}, p = {stats.chi2.sf(lr, len(TERMS)):.2g} (df {len(TERMS)}); "
          f"expected signs: {signs}")
    chi2, p = clustered_score(frame)
    print(f"clustered by war: Wald {float(wald.statistic):.2f}, p = {float(wald.pvalue):.3g}; score {chi2:.2f}, "
          f"p = {p:.3g} (df {len(TERMS)})\n")
    print("without each of the wars with the most joinings (coefficients; war-clustered p of the joint Wald test):")
    for war, count in frame["warnum"].value_counts().head(4).items():
        rest = frame[frame["warnum"] != war]
        fit = logit(rest, True)
        w = fit.wald_test(", ".join(f"{t} = 0" for t in TERMS), scalar=True)
        print(f"  war {war} ({count} joinings, {int((frame.loc[frame['warnum'] == war, 'entry_day'] == 0).sum())} "
              f"on day 0): " + ", ".join(f"{t} {fit.params[t]:+.3f}" for t in TERMS) + f"; p = {float(w.pvalue):.3g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
