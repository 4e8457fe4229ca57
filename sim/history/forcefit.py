"""Fitting the use-of-force hazard (`sim.model.force`) on the record, and refitting the shipped one.

Data: every directed dyad-year (i, j, year) of the COW state system (v2016) from 1816 to 2010 (the
last year of GML MID 2.2.1 and of the territorial-threat estimates), with the covariates that the
simulator computes for the world of that year (:func:`sim.model.force.covariates` on the
`cow_YYYY` world, so the fit and the simulator read one definition). Outcome: 1 when i, an
originator on Side A, began a militarised dispute that year against j, an originator on Side B,
that reached the use of force (the dispute's hostility level 4 or 5 in the dyad; GML's `onset`,
`sidea1`, `orig1`, `orig2`, `hostlev1`, `hostlev2`), rows flagged `world_war` dropped.

Years left out: 1914-1918 and 1939-1945, whole, for every dyad. They are the years of the held-out
cases (COW wars 106 and 139), set aside by calendar before any fit (as `alliance-sim peacetime`
refuses them); nothing about the two wars chooses anything here. Years held out for the score:
every fifth year (year % 5 == 0), which includes every default year of `alliance-sim peacetime`.

Severity: among those uses of force, the ones that reached war (hostility level 5 in the dyad;
Jones, Bremer & Singer 1996), fitted by a second logit on :data:`sim.model.force.SEVERITY_TERMS`
over the training years' uses of force, on the terms :func:`select_severity` chose (written to
severity_selection.csv); the simulator makes that share of its uses of force armed attacks and the
rest incidents below war.

Estimator: a logit by maximum likelihood (statsmodels `Logit`, Newton's method) on the training
years; standard errors from the inverse Hessian. Scores: the area under the ROC curve on the held-out
years, all dyad-years and rivals (a claim or a rivalry), with Hanley & McNeil (1982) intervals.

Refit (needs the `fit` extra, `pip install -e ".[fit]"`; about three minutes):

    python -m sim.history.forcefit --out sim/data/force
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu, norm

from sim.model.force import SEVERITY_CANDIDATES, SEVERITY_TERMS, TERMS, covariates, severity_covariates
from sim.model.motives import stakes
from sim.model.world import compile_world
from sim.scenario.loading import load_scenario
from sim.scenario.yearworld import read_table

__all__ = ["FIRST", "LAST", "HELD_OUT_YEARS", "test_year", "years", "outcomes", "year_frame", "dataset", "fit_severity",
           "select_severity", "severity_scores", "fit",
           "auc_interval", "write", "main"]

FIRST, LAST = 1816, 2010
HELD_OUT_YEARS = frozenset(range(1914, 1919)) | frozenset(range(1939, 1946))
"""Years of the held-out cases, left out of the fit entirely."""


def test_year(year: int) -> bool:
    """Whether a year is held out for the score (every fifth year)."""
    return year % 5 == 0


def years() -> list[int]:
    """The years the data set covers."""
    return [y for y in range(FIRST, LAST + 1) if y not in HELD_OUT_YEARS]


def outcomes(hostility: int = 4) -> dict[int, set[tuple[str, str]]]:
    """year -> the directed (originator on Side A, originator on Side B) abbreviation pairs with a
    use of force begun that year (module docstring); with `hostility` 5, those that reached war."""
    abb = {(r["ccode"], r["year"]): r["stateabb"] for r in read_table("cow_state_years")}
    out: dict[int, set[tuple[str, str]]] = {}
    for r in read_table("gml_mid_dyadyears"):
        if (r["onset"] == "1" and r["world_war"] == "0" and r["sidea1"] == "1" and r["orig1"] == "1"
                and r["orig2"] == "1" and max(int(r["hostlev1"]), int(r["hostlev2"])) >= hostility):
            a, b = abb.get((r["ccode1"], r["year"])), abb.get((r["ccode2"], r["year"]))
            if a is not None and b is not None:
                out.setdefault(int(r["year"]), set()).add((a, b))
    return out


def year_frame(year: int, force: set[tuple[str, str]] | None = None,
               war: set[tuple[str, str]] | None = None) -> pd.DataFrame:
    """The directed dyad-years of `year`: ids, covariates, rival flag, outcomes (`force`: a use of
    force; `war`: one that reached war)."""
    scenario = load_scenario({"name": f"force_{year}", "world": f"cow_{year}", "horizon_days": 365.0})
    world = compile_world(scenario)
    x = covariates(scenario, world, stakes(scenario, world.index))
    i, j = np.nonzero(~np.eye(world.n, dtype=bool))
    ids = np.array(world.ids)
    frame = pd.DataFrame(x[i, j], columns=list(TERMS))
    derived = tuple(t for t in SEVERITY_CANDIDATES if t not in TERMS)
    frame[list(derived)] = severity_covariates(x[i, j], derived)
    frame.insert(0, "year", year)
    frame.insert(1, "a", ids[i])
    frame.insert(2, "b", ids[j])
    frame["rival"] = ((frame["claim"] > 0) | (frame["rivalry_other"] > 0)).astype(int)
    pairs = {f"{a}|{b}" for a, b in force or set()}
    frame["force"] = (frame["a"] + "|" + frame["b"]).isin(pairs).astype(int)
    wars = {f"{a}|{b}" for a, b in (war or set()) & (force or set())}
    frame["war"] = (frame["a"] + "|" + frame["b"]).isin(wars).astype(int)
    return frame


def dataset(which=None) -> pd.DataFrame:
    """The directed dyad-years of `which` years (default :func:`years`)."""
    events, wars = outcomes(), outcomes(5)
    return pd.concat([year_frame(y, events.get(y), wars.get(y)) for y in (which or years())], ignore_index=True)


def fit_severity(data: pd.DataFrame):
    """The logit of `war` on :data:`SEVERITY_TERMS` over the training years' uses of force
    (statsmodels result): which uses of force reached war, MID hostility level 5."""
    import statsmodels.api as sm

    used = data[(data["force"] == 1) & ~data["year"].map(test_year)]
    return sm.Logit(used["war"].to_numpy(float), used[list(SEVERITY_TERMS)].to_numpy(float)).fit(
        method="newton", maxiter=100, disp=0)


def _loglik(train: pd.DataFrame, test: pd.DataFrame, terms: list[str]) -> float:
    """The log-likelihood on `test` of the severity logit on `terms` fitted on `train`."""
    import warnings

    import statsmodels.api as sm

    with warnings.catch_warnings():  # a fold without a war for a candidate's 1s separates: scored as it stands
        warnings.simplefilter("ignore")
        beta = sm.Logit(train["war"].to_numpy(float), train[terms].to_numpy(float)).fit(
            method="newton", maxiter=100, disp=0).params
    p = 1.0 / (1.0 + np.exp(-(test[terms].to_numpy(float) @ beta)))
    y = test["war"].to_numpy()
    return float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))


def _scores_loglik(used: pd.DataFrame, terms: list[str]) -> tuple[float, float]:
    """(held-out years' log-likelihood of the fit on the training years, the training years'
    cross-validated log-likelihood: four folds by year % 5 = 1..4, each scored by the fit on the
    other three)."""
    held = used["year"].map(test_year)
    train = used[~held]
    fold = train["year"] % 5
    cv = sum(_loglik(train[fold != k], train[fold == k], terms) for k in (1, 2, 3, 4))
    return _loglik(train, used[held], terms), cv


def select_severity(data: pd.DataFrame) -> list[list]:
    """Forward selection of the severity terms among :data:`SEVERITY_CANDIDATES`, from the constant:
    at each step the candidate with the best held-out log-likelihood among those that raise both the
    held-out and the training years' cross-validated log-likelihood (:func:`_scores_loglik`); stop when
    none does. Rows `step, term, heldout_loglik, cv_loglik, chosen` (every candidate of every step)."""
    used = data[data["force"] == 1]
    chosen = ["const"]
    best_held, best_cv = _scores_loglik(used, chosen)
    rows: list[list] = [[0, "const", best_held, best_cv, 1]]
    step = 0
    while True:
        step += 1
        tried = [(t, *_scores_loglik(used, chosen + [t])) for t in SEVERITY_CANDIDATES if t not in chosen]
        better = [(h, t, c) for t, h, c in tried if h > best_held and c > best_cv]
        pick = max(better)[1] if better else None
        rows += [[step, t, h, c, int(t == pick)] for t, h, c in tried]
        if pick is None:
            return rows
        chosen.append(pick)
        best_held, best_cv = next((h, c) for t, h, c in tried if t == pick)


def severity_scores(data: pd.DataFrame, beta: np.ndarray, level: float = 0.95) -> list[list]:
    """Rows `metric, value, low, high`: the share of uses of force that reached war (Clopper-Pearson
    interval), the uses of force, the wars and the wars the severity logit expects, and its AUC
    (Hanley & McNeil interval), on the training and the held-out years."""
    from scipy.stats import binomtest

    used = data[data["force"] == 1]
    p = 1.0 / (1.0 + np.exp(-(used[list(SEVERITY_TERMS)].to_numpy(float) @ beta)))
    held = used["year"].map(test_year).to_numpy()
    rows: list[list] = []
    for sample, mask in (("train", ~held), ("heldout", held)):
        y = used["war"].to_numpy()[mask]
        k, n = int(y.sum()), int(mask.sum())
        ci = binomtest(k, n).proportion_ci(level, method="exact")
        rows += [[f"war_share_{sample}", k / n, ci.low, ci.high], [f"uses_of_force_{sample}", n, None, None],
                 [f"wars_{sample}", k, None, None], [f"expected_wars_{sample}", float(p[mask].sum()), None, None],
                 [f"auc_war_{sample}", *auc_interval(p[mask], y)]]
    return rows


def fit(data: pd.DataFrame):
    """The logit of `force` on :data:`TERMS` over the training years (statsmodels result)."""
    import statsmodels.api as sm

    train = data[~data["year"].map(test_year)]
    return sm.Logit(train["force"].to_numpy(float), train[list(TERMS)].to_numpy(float)).fit(
        method="newton", maxiter=100, disp=0)


def auc_interval(score, outcome, level: float = 0.95) -> tuple[float | None, float | None, float | None]:
    """(AUC, low, high): Mann-Whitney U / (n1 n0), ties half, with the Hanley & McNeil (1982)
    standard error; None when one class is empty."""
    score, outcome = np.asarray(score, dtype=float), np.asarray(outcome).astype(bool)
    yes, no = score[outcome], score[~outcome]
    if len(yes) == 0 or len(no) == 0:
        return None, None, None
    a = float(mannwhitneyu(yes, no).statistic / (len(yes) * len(no)))
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (len(yes) - 1) * (q1 - a * a) + (len(no) - 1) * (q2 - a * a)) / (len(yes) * len(no))
    z = norm.ppf((1 + level) / 2) * math.sqrt(max(var, 0.0))
    return a, max(a - z, 0.0), min(a + z, 1.0)


def _scores(data: pd.DataFrame, beta: np.ndarray) -> list[list]:
    rows = []
    p = 1.0 / (1.0 + np.exp(-(data[list(TERMS)].to_numpy(float) @ beta)))
    held = data["year"].map(test_year).to_numpy()
    for sample, mask in (("train", ~held), ("heldout", held)):
        for subset, sub in (("all", np.ones(len(data), bool)), ("rivals", data["rival"].to_numpy() == 1)):
            m = mask & sub
            y = data["force"].to_numpy()[m]
            rows.append([f"auc_{subset}_{sample}", *auc_interval(p[m], y)])
            rows.append([f"events_{subset}_{sample}", int(y.sum()), None, None])
            rows.append([f"expected_{subset}_{sample}", float(p[m].sum()), None, None])
            rows.append([f"dyad_years_{subset}_{sample}", int(m.sum()), None, None])
    return rows


def _g(x: float | None) -> str:
    return "" if x is None else (str(x) if isinstance(x, int) else f"{x:.10g}")


def _coefficients(path: Path, terms, result) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["term", "estimate", "std_error", "z", "p_value"])
        for t, b, s, z, p in zip(terms, result.params, result.bse, result.tvalues, result.pvalues):
            w.writerow([t, _g(float(b)), _g(float(s)), _g(float(z)), _g(float(p))])


def _metrics(path: Path, rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["metric", "value", "low", "high"])
        for row in rows:
            w.writerow([row[0], *map(_g, row[1:])])


def write(data: pd.DataFrame, result, out: Path) -> None:
    """coefficients.csv (term, estimate, std_error, z, p_value), fit_scores.csv (metric, value,
    low, high), the severity logit's severity_coefficients.csv and severity_scores.csv, and
    fit_meta.json in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    _coefficients(out / "coefficients.csv", TERMS, result)
    _metrics(out / "fit_scores.csv", _scores(data, np.asarray(result.params)))
    severe = fit_severity(data)
    _coefficients(out / "severity_coefficients.csv", SEVERITY_TERMS, severe)
    _metrics(out / "severity_scores.csv", severity_scores(data, np.asarray(severe.params)))
    with open(out / "severity_selection.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["step", "term", "heldout_loglik", "cv_loglik", "chosen"])
        for row in select_severity(data):
            w.writerow([row[0], row[1], _g(row[2]), _g(row[3]), row[4]])
    train = data[~data["year"].map(test_year)]
    meta = {"estimator": "logit (statsmodels Logit, Newton)", "years": f"{FIRST}-{LAST} without 1914-1918, 1939-1945",
            "heldout_years": "year % 5 == 0", "train_dyad_years": int(len(train)), "train_events": int(train["force"].sum()),
            "log_likelihood": round(float(result.llf), 4), "converged": bool(result.mle_retvals["converged"])}
    (out / "fit_meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="refit the use-of-force hazard (sim.model.force)")
    parser.add_argument("--out", default="sim/data/force", help="folder for coefficients.csv and fit_scores.csv")
    args = parser.parse_args(argv)
    data = dataset()
    result = fit(data)
    write(data, result, Path(args.out))
    print(result.summary(xname=list(TERMS)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
