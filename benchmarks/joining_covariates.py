"""The pre-registered test of candidate covariates of the joining equation (docs/validation.md,
"Candidate covariates for 1914-1945: the pre-registered test").

Each candidate is added alone to the equation shipped before the test (:data:`BASE`) and
judged by the rule fixed before any score was computed: (a) its likelihood-ratio test on the
full fitting sample (the 93 wars; 106 and 139 are never read) gives p < 0.05 with the expected
sign, and (b) the leave-one-war-out Brier skill against climatology of the direct equation does
not fall. Era scores are not computed here.

    python benchmarks/joining_covariates.py lr          # (a), seconds
    python benchmarks/joining_covariates.py lowo        # (b), minutes: 93 refits per equation
    python benchmarks/joining_covariates.py score       # after the test: (a) with rows clustered by war

The likelihood-ratio test is taken with `nuclear_other` at its maximum-likelihood limit (minus
infinity: its rows, none a joiner, contribute 0 and are left out) in both equations; a candidate
no row of which with value 1 joined (separation) is taken at its limit the same way.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from scipy import stats

from sim.history import joiningfit
from sim.history.validation import climatology, read_wars
from sim.model.joining import COVARIATES, any_side

CANDIDATES = {"war_third": -1, "power_third": +1}
"""Pre-registered candidates and the sign each is expected to carry."""
BASE = tuple(t for t in COVARIATES if t not in CANDIDATES)
"""The equation the candidates were tested against: the 16 covariates shipped before the test
(`war_third`, adopted by it, is in :data:`COVARIATES` since)."""


def _llf(frame: pd.DataFrame, terms: list[str]) -> tuple[float, np.ndarray, np.ndarray]:
    x = np.column_stack([np.ones(len(frame)), frame[terms].to_numpy(float)])
    r = joiningfit._logit(frame["joined"].to_numpy(float), x)
    if not r.mle_retvals["converged"]:
        raise RuntimeError(f"maximum likelihood does not converge with {terms[-1]}")
    return float(r.llf), np.asarray(r.params), np.asarray(r.bse)


def lr_tests(frame: pd.DataFrame) -> pd.DataFrame:
    """Per candidate: its estimate, s.e., the LR statistic against the shipped equation, p, the sign."""
    base_terms = [t for t in BASE if t != "nuclear_other"]
    sample = frame[frame["nuclear_other"] == 0]
    base, _, _ = _llf(sample, base_terms)
    rows = []
    for term, sign in CANDIDATES.items():
        hit = sample[term] == 1
        separated = bool(set(sample[term].unique()) <= {0.0, 1.0} and hit.any() and not sample.loc[hit, "joined"].any())
        if separated:  # the term's estimate runs to -inf: its rows contribute 0 to the likelihood
            llf, coef, se = _llf(sample[~hit], base_terms)[0], -np.inf, np.nan
        else:
            llf, params, bse = _llf(sample, [*base_terms, term])
            coef, se = params[-1], bse[-1]
        lr = 2.0 * (llf - base)
        p = float(stats.chi2.sf(lr, 1))
        rows.append({"term": term, "expected_sign": sign, "coef": coef, "std_err": se, "separated": separated,
                     "rows_with_term": int((sample[term] != 0).sum()), "lr": lr, "p_value": p,
                     "passes_a": bool(p < 0.05 and np.sign(coef) == sign)})
    return pd.DataFrame(rows)


def score_tests(frame: pd.DataFrame) -> pd.DataFrame:
    """Per candidate, Rao's score test of adding it to the equation it was tested against, evaluated
    at the fit without it (so a separated term is no obstacle), with the model's variance of the
    score and with the variance clustered by war (a war's candidates are not independent draws;
    the sum over wars of each war's score squared, times G / (G - 1)). The score is taken for the
    candidate residualised on the other terms with the fit's weights p (1 - p) (the efficient
    score). Checked after the registered test, which assumed independent rows."""
    base_terms = [t for t in BASE if t != "nuclear_other"]
    sample = frame[frame["nuclear_other"] == 0]
    x = np.column_stack([np.ones(len(sample)), sample[base_terms].to_numpy(float)])
    y = sample["joined"].to_numpy(float)
    p = 1.0 / (1.0 + np.exp(-(x @ joiningfit._logit(y, x).params)))
    w = p * (1.0 - p)
    rows = []
    for term, sign in CANDIDATES.items():
        z = sample[term].to_numpy(float)
        z = z - x @ np.linalg.solve((x * w[:, None]).T @ x, (x * w[:, None]).T @ z)
        parts = z * (y - p)
        by_war = pd.Series(parts).groupby(sample["warnum"].to_numpy()).sum()
        wars = len(by_war)
        model, clustered = parts.sum() ** 2 / (z * z * w).sum(), parts.sum() ** 2 / ((by_war ** 2).sum() * wars / (wars - 1))
        rows.append({"term": term, "expected_sign": sign, "score": parts.sum(), "chi2": model,
                     "p_value": float(stats.chi2.sf(model, 1)), "chi2_war_clustered": clustered,
                     "p_value_war_clustered": float(stats.chi2.sf(clustered, 1))})
    return pd.DataFrame(rows)


def lowo_skill(frame: pd.DataFrame, terms: tuple[str, ...]) -> tuple[float, float]:
    """The leave-one-war-out Brier skill against climatology and AUC of the direct equation with
    `terms`, each war forecast by the equation fitted without it, covariates held to the full
    sample's range (as the shipped equation's :meth:`Coefficients.linear`)."""
    x_all = frame[list(terms)].to_numpy(float)
    low, high = x_all.min(axis=0), x_all.max(axis=0)
    p = np.empty(len(frame))
    for war in frame["warnum"].drop_duplicates():
        held = (frame["warnum"] == war).to_numpy()
        b = joiningfit.fit(frame[~held], terms).params
        p[held] = 1.0 / (1.0 + np.exp(-(b[0] + np.clip(x_all[held], low, high) @ b[1:])))
    wide = frame.assign(p=p).pivot_table(index=["warnum", "state"], columns="side", values=["p", "joined"], sort=True)
    per = pd.DataFrame({"p": any_side(wide[("p", "A")].to_numpy(), wide[("p", "B")].to_numpy()),
                        "joined": np.maximum(wide[("joined", "A")], wide[("joined", "B")]).to_numpy()},
                       index=wide.index).reset_index()
    per["clim"] = per["warnum"].map(climatology(read_wars()))
    skill = 1.0 - ((per["p"] - per["joined"]) ** 2).sum() / ((per["clim"] - per["joined"]) ** 2).sum()
    yes, no = per.loc[per["joined"] == 1, "p"], per.loc[per["joined"] == 0, "p"]
    auc = stats.mannwhitneyu(yes, no).statistic / (len(yes) * len(no))
    return float(skill), float(auc)


def main(argv: list[str]) -> int:
    frame = joiningfit.dataset()
    if argv == ["lr"]:
        print(lr_tests(frame).to_string(index=False))
        return 0
    if argv == ["score"]:
        print(score_tests(frame).to_string(index=False))
        return 0
    if argv[:1] == ["lowo"]:
        for name in ["base", *(argv[1:] or CANDIDATES)]:
            terms = BASE if name == "base" else (*BASE, name)
            print(name, *(f"{v:.6f}" for v in lowo_skill(frame, terms)), flush=True)
        return 0
    print("usage: python benchmarks/joining_covariates.py lr|score|lowo [term ...]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
