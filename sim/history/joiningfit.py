"""The joining equation estimated from the record: its data set, its fit, its forecasts.

The data set has one row per (war, side, candidate) over the COW inter-state wars other than the
held-out 106 and 139 (dropped when the wars are read): the candidates are the system members of
the war's onset year other than its first two belligerents (as in :mod:`sim.history.validation`),
the sides are the first initiator's (A) and the first target's (B), and the outcome is whether the
candidate fought on that side. The covariates (:data:`sim.model.joining.COVARIATES`) are measured
on the war's onset date where the data give dates (capitals, other wars under way, land contiguity:
COW Direct Contiguity, :func:`sim.scenario.yearworld.land_contiguous`) and otherwise:
alliances from ATOP's obligations of the year BEFORE the onset year (ATOP's bundled dyad-years
carry no dates, so the onset year's would include treaties signed after the war began, such as
those of August 1914), majors, capabilities, rivalries and regime scores (`cow_democracy.csv`,
:func:`sim.model.joining.democracy`; a missing score at the year's median) of the onset year. The
member's regime change since it took on its obligation to the side's party (`owes_regime_change`)
compares the onset year's score with the score of the first year of the obligation's unbroken run
in ATOP (:func:`sim.scenario.yearworld.armed_since`).

The fit is a logit by maximum likelihood (statsmodels, Newton's method); the forecasts of the
validation (:func:`cross_validated`) refit it without the war (or era) forecast. The three-feature
lookup (:func:`lookup`) is the base rate by cell of (allied to a party) x (major power) x (capital
within 1,000 km of a party's), left out the same way.

    python -m sim.history.joiningfit refit     # rewrite sim/data/joining/coefficients.csv
    python -m sim.history.joiningfit check     # refit and compare with the shipped file

statsmodels is needed here only (the `fit` extra); the simulator reads the shipped coefficients.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.history.validation import War, participation_days, read_wars
from sim.model.joining import COVARIATES, Coefficients, any_side, democracy, read_coefficients
from sim.model.world import great_circle_km
from sim.scenario.yearworld import FIRST_YEAR, NUCLEAR_FIRST_TEST, armed_since, capital_at, land_contiguous, majors, read_table

__all__ = ["FILE", "BOUNDED", "Fitted",
           "dataset", "fit", "coefficient_table", "predict", "cross_validated", "fold_coefficients", "lookup",
           "main", "write_table",
           "ALLIANCE_LEVEL", "S_LEVELS"]

FILE = Path(__file__).resolve().parents[1] / "data" / "joining" / "coefficients.csv"
ALLIANCE_LEVEL = (("defense", 3), ("offense", 3), ("neutral", 2), ("nonagg", 2), ("consul", 1))
"""ATOP obligation -> level of the tie for S (the strongest obligation counts)."""
S_LEVELS = 3
LOOKUP_KM = 1000.0


def _rows(name: str) -> pd.DataFrame:
    return pd.DataFrame(list(read_table(name)))


@functools.cache
def _tables() -> dict[str, pd.DataFrame]:
    atop = _rows("atop_alliance_spells")
    for column in ("ccode1", "ccode2", "start_year", "end_year", *(f for f, _ in ALLIANCE_LEVEL)):
        atop[column] = atop[column].astype(int)
    dates = pd.DataFrame(list(participation_days())).astype({"warnum": int, "ccode": int, "side": int})
    members = _rows("cow_state_years").astype({"ccode": int, "year": int})
    nmc = _rows("cow_nmc")
    nmc = nmc.assign(ccode=nmc["ccode"].astype(int), year=nmc["year"].astype(int),
                     cinc=pd.to_numeric(nmc["cinc"], errors="coerce").fillna(0.0))
    rivals = _rows("td_rivalries").astype({"ccode1": int, "ccode2": int, "styear": int, "endyear": int})
    return {"atop": atop, "dates": dates, "members": members, "nmc": nmc, "rivals": rivals}


def _onset_date(war: War) -> str:
    """The war's first day (:attr:`War.start`: the earliest start of a participant)."""
    return war.start


def _ties(year: int, codes: list[int]) -> np.ndarray:
    """Alliance levels (0..3) between `codes` from ATOP's obligations in `year`, symmetric, 3 on the diagonal."""
    atop = _tables()["atop"]
    rows = atop[(atop["start_year"] <= year) & (atop["end_year"] >= year)
                & atop["ccode1"].isin(codes) & atop["ccode2"].isin(codes)]
    index = {c: k for k, c in enumerate(codes)}
    level = np.zeros((len(codes), len(codes)))
    for flag, value in ALLIANCE_LEVEL[::-1]:
        hit = rows[rows[flag] == 1]
        i, j = hit["ccode1"].map(index).to_numpy(), hit["ccode2"].map(index).to_numpy()
        level[i, j] = np.maximum(level[i, j], value)
        level[j, i] = np.maximum(level[j, i], value)
    np.fill_diagonal(level, S_LEVELS)
    return level


def _owes(year: int, codes: list[int], party: int) -> np.ndarray:
    """1 where the state (ccode1) owes `party` (ccode2) a defence or offence obligation in `year`."""
    return np.isin(codes, sorted(_owing(year, party))).astype(float)


def _owing(year: int, party: int) -> set[int]:
    """The states that owe `party` a defence or offence obligation in `year`."""
    atop = _tables()["atop"]
    rows = atop[(atop["start_year"] <= year) & (atop["end_year"] >= year) & (atop["ccode2"] == party)
                & ((atop["defense"] == 1) | (atop["offense"] == 1))]
    return set(rows["ccode1"].tolist())


def _tied(year: int, codes: list[int], party: int) -> np.ndarray:
    """1 where the state and `party` share a defence or offence obligation either way (the lookup's ally)."""
    atop = _tables()["atop"]
    live = atop[(atop["start_year"] <= year) & (atop["end_year"] >= year) & ((atop["defense"] == 1) | (atop["offense"] == 1))]
    other = pd.concat([live.loc[live["ccode2"] == party, "ccode1"], live.loc[live["ccode1"] == party, "ccode2"]])
    return np.isin(codes, other.to_numpy()).astype(float)


def _s_score(level: np.ndarray, i: int) -> np.ndarray:
    """Signorino & Ritter's (1999) S of every state's portfolio with state i's: 1 - 2 d / (n dmax)."""
    n = level.shape[0]
    return 1.0 - 2.0 * np.abs(level - level[i]).sum(axis=1) / (n * S_LEVELS)


def _rival(year: int, codes: list[int], party: int) -> np.ndarray:
    rivals = _tables()["rivals"]
    live = rivals[(rivals["styear"] <= year) & (np.where(rivals["endyear"] >= 2010, 2016, rivals["endyear"]) >= year)]
    other = pd.concat([live.loc[live["ccode1"] == party, "ccode2"], live.loc[live["ccode2"] == party, "ccode1"]])
    return np.isin(codes, other.to_numpy()).astype(float)


def _live(warnum: int, day: str) -> pd.DataFrame:
    """The participants of the COW wars other than `warnum` whose own spell in their war is under way
    on the date `day` (either of its two spells; an open end runs on; held-out wars never count)."""
    dates = _tables()["dates"]
    other = dates[dates["warnum"] != warnum]
    end1 = other["end1"].where(other["end1"] != "", "9999-12-31")
    end2 = other["end2"].where(other["end2"] != "", "9999-12-31")
    return other[((other["start1"] <= day) & (day <= end1))
                 | ((other["start2"] != "") & (other["start2"] <= day) & (day <= end2))]


def _at_war(war: War, day: str, codes: list[int], party: int) -> np.ndarray:
    """1 where the state fights `party` on the date `day` in another COW war (held-out wars never count)."""
    live = _live(war.warnum, day)
    mine = live[live["ccode"] == party]
    enemies = live.merge(mine[["warnum", "side"]], on="warnum", suffixes=("", "_party"))
    return np.isin(codes, enemies.loc[enemies["side"] != enemies["side_party"], "ccode"].to_numpy()).astype(float)


def _war_third(war: War, day: str, codes: list[int], pair: list[int]) -> np.ndarray:
    """1 where the state fights, on the date `day` in another COW war, a state that is neither of
    `pair` (busy elsewhere; held-out wars never count), the candidate's and its enemy's own spells
    in that war both under way, as in :func:`_at_war`."""
    live = _live(war.warnum, day)[["warnum", "ccode", "side"]]
    fights = live.merge(live, on="warnum", suffixes=("", "_enemy"))
    fights = fights[(fights["side"] != fights["side_enemy"]) & ~fights["ccode_enemy"].isin(pair)]
    return np.isin(codes, fights["ccode"].to_numpy()).astype(float)


def _regime_change(codes: list[int], party: int, year: int, now: np.ndarray) -> np.ndarray:
    """|d now - d when the obligation was taken on| for each state that owes `party` defence or
    offence in `year` (the start of its unbroken run of years, :func:`armed_since`), 0 otherwise;
    a missing score at its year's median, as in :func:`democracy`."""
    out = np.zeros(len(codes))
    for k, c in enumerate(codes):
        since = armed_since(c, party, year)
        if since is not None:
            scores, median = democracy(max(since, FIRST_YEAR))
            out[k] = abs(now[k] - scores.get(c, median))
    return out


def _war_rows(war: War) -> pd.DataFrame:
    """The rows of one war: every candidate on each side, covariates, outcome, entry day."""
    t = _tables()
    members = t["members"][t["members"]["year"] == war.onset].sort_values("ccode")
    code = dict(zip(members["stateabb"], members["ccode"]))
    day = _onset_date(war)
    pair = [code[war.initiator], code[war.target]]
    codes = [c for c in members["ccode"] if c not in pair]
    abbs = [a for a, c in zip(members["stateabb"], members["ccode"]) if c not in pair]
    where = np.array([capital_at(c, day)[1:] for c in codes + pair])
    km = great_circle_km(where[:-2, 0], where[:-2, 1], where[-2:, 0], where[-2:, 1]).min(axis=1)
    log_km = np.log1p(km / 100.0)
    big = majors(war.onset)
    major = np.array([float(a in big) for a in abbs])
    nuclear = {p: float(NUCLEAR_FIRST_TEST.get(a, war.onset + 1) <= war.onset)
               for p, a in zip(pair, (war.initiator, war.target))}
    big_codes = {code[a] for a in big if a in code}
    before = war.onset - 1
    prior = [c for c in t["members"].loc[t["members"]["year"] == before, "ccode"]] or codes + pair
    universe = sorted(set(prior) | set(codes) | set(pair))
    level = _ties(before, universe)
    position = {c: k for k, c in enumerate(universe)}
    rows = np.array([position[c] for c in codes])
    s = {p: _s_score(level, position[p])[rows] for p in pair}
    cinc = t["nmc"][t["nmc"]["year"] == war.onset].set_index("ccode")["cinc"]
    power = {p: float(cinc.get(p, 0.0)) for p in pair}
    own = np.array([float(cinc.get(c, 0.0)) for c in codes])
    both = power[pair[0]] + power[pair[1]]
    power_third = np.divide(own, own + both, out=np.zeros_like(own), where=own + both > 0)
    scores, median = democracy(war.onset)
    regime = {c: scores.get(c, median) for c in codes + pair}
    d = np.array([regime[c] for c in codes])
    dates = t["dates"][t["dates"]["warnum"] == war.warnum]
    entry = {(int(c), int(sd)): s0 for c, sd, s0 in zip(dates["ccode"], dates["side"], dates["start1"])}
    land = land_contiguous(day)
    frames = []
    for side, (party, other) in enumerate((pair, pair[::-1])):
        cow_side = war.sides[war.initiator if side == 0 else war.target]
        share = power[party] / (power[party] + power[other]) if power[party] + power[other] > 0 else 0.5
        joined_day = [entry.get((c, cow_side)) for c in codes]
        frames.append(pd.DataFrame({
            "warnum": war.warnum, "onset": war.onset, "era": war.era, "side": "AB"[side], "state": abbs, "ccode": codes,
            "joined": [int(d is not None) for d in joined_day],
            "entry_day": [(dt.date.fromisoformat(d) - dt.date.fromisoformat(day)).days if d else np.nan
                          for d in joined_day],
            "km": km, "log_km": log_km, "major": major, "major_x_log_km": major * log_km,
            "owes_side": _owes(before, codes, party), "owes_other": _owes(before, codes, other),
            "owes_both": _owes(before, codes, party) * _owes(before, codes, other),
            "s_side": s[party], "s_other": s[other], "s_diff": s[party] - s[other],
            "rival_side": _rival(war.onset, codes, party), "rival_other": _rival(war.onset, codes, other),
            "war_side": _at_war(war, day, codes, party), "war_other": _at_war(war, day, codes, other),
            "share_side": share, "major_side": float(party in big_codes),
            "major_ally_side": float(bool(_owing(before, party) & big_codes)),
            "regime_side": -np.abs(d - regime[party]), "regime_other": -np.abs(d - regime[other]),
            "regime_diff": np.abs(d - regime[other]) - np.abs(d - regime[party]),
            "nuclear_side": nuclear[party], "nuclear_other": nuclear[other],
            "owes_regime_change": _owes(before, codes, party) * _regime_change(codes, party, before, d),
            "land_side": [float((c, party) in land) for c in codes],
            "land_other": [float((c, other) in land) for c in codes],
            "war_third": _war_third(war, day, codes, pair), "power_third": power_third,
            "tied": np.maximum(_tied(before, codes, pair[0]), _tied(before, codes, pair[1]))}))
    return pd.concat(frames, ignore_index=True)


@functools.cache
def _dataset() -> pd.DataFrame:
    return pd.concat([_war_rows(w) for w in read_wars()], ignore_index=True)


def dataset() -> pd.DataFrame:
    """The (war, side, candidate) rows of all 93 wars (a copy)."""
    return _dataset().copy()


BOUNDED = ("nuclear_other", "war_third")
"""The terms estimated by their bound when no candidate with one joined (:func:`fit`)."""


@dataclasses.dataclass(frozen=True)
class Fitted:
    """A fit's estimates in the order `const, *COVARIATES`; `params` as statsmodels names them."""

    params: np.ndarray
    bse: np.ndarray
    tvalues: np.ndarray
    pvalues: np.ndarray
    ci: np.ndarray  # (terms x 2)


def _logit(y: np.ndarray, x: np.ndarray, offset: np.ndarray | None = None):
    """The maximum-likelihood logit (statsmodels, Newton's method). Where the sample separates a
    term (its likelihood rises without bound along a direction, e.g. a fold in which no candidate
    owing only the other party joined) Newton's method does not converge: statsmodels' warning is
    silenced here and :func:`fit` reads `mle_retvals["converged"]` and takes Firth's estimate."""
    import warnings

    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return sm.Logit(y, x, offset=offset, check_rank=False).fit(method="newton", maxiter=200, tol=1e-12, disp=False)


def _firth(y: np.ndarray, x: np.ndarray, offset: np.ndarray | None = None, tol: float = 1e-10,
           maxiter: int = 100) -> Fitted:
    """Firth's (1993) penalised-likelihood logit, the remedy for separation (Heinze & Schemper 2002):
    it maximises l(b) + 1/2 ln det I(b), whose estimate is finite where the maximum-likelihood one
    is not. Computed as maximum likelihood on weighted pseudo-data (each row twice, as a 1 with
    weight y + h/2 and as a 0 with weight 1 - y + h/2, h the diagonal of the hat matrix at the
    current estimate: the score of that weighted logit is Firth's modified score), refitted by
    statsmodels' GLM until the estimate moves by less than `tol`. Standard errors: the inverse of
    the information at the estimate; intervals and p-values Wald's."""
    import statsmodels.api as sm
    from scipy import stats

    n = len(y)
    offset = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    rows, ones = np.vstack([x, x]), np.concatenate([np.ones(n), np.zeros(n)])
    b = np.zeros(x.shape[1])
    for _ in range(maxiter):
        p = 1.0 / (1.0 + np.exp(-(x @ b + offset)))
        xw = x * np.sqrt(p * (1.0 - p))[:, None]
        h = np.einsum("ij,ij->i", xw @ np.linalg.inv(xw.T @ xw), xw)
        weights = np.concatenate([y + h / 2.0, 1.0 - y + h / 2.0])
        moved = np.asarray(sm.GLM(ones, rows, family=sm.families.Binomial(), offset=np.concatenate([offset, offset]),
                                  freq_weights=weights).fit(start_params=b, tol=1e-12, maxiter=100).params)
        done = np.max(np.abs(moved - b)) < tol
        b = moved
        if done:
            break
    else:
        raise RuntimeError(f"Firth's logit did not converge in {maxiter} steps")
    p = 1.0 / (1.0 + np.exp(-(x @ b + offset)))
    xw = x * np.sqrt(p * (1.0 - p))[:, None]
    bse = np.sqrt(np.diag(np.linalg.inv(xw.T @ xw)))
    z = b / bse
    half = stats.norm.ppf(0.975) * bse
    return Fitted(b, bse, z, 2.0 * stats.norm.sf(np.abs(z)), np.column_stack([b - half, b + half]))


def _estimate(y: np.ndarray, x: np.ndarray, offset: np.ndarray | None = None) -> Fitted:
    """Maximum likelihood where it exists, else (separation: Newton's method did not converge) Firth's."""
    r = _logit(y, x, offset)
    if not r.mle_retvals["converged"]:
        return _firth(y, x, offset)
    return Fitted(np.asarray(r.params), np.asarray(r.bse), np.asarray(r.tvalues), np.asarray(r.pvalues),
                  np.asarray(r.conf_int()))


def fit(frame: pd.DataFrame, terms: tuple[str, ...] = COVARIATES) -> Fitted:
    """The logit of `joined` on the covariates, by maximum likelihood (statsmodels). When no
    candidate with a term of :data:`BOUNDED` = 1 joined (no state of the record joined a war against a
    party that had tested a nuclear weapon), its maximum-likelihood estimate runs to minus infinity
    (separation); it is then set to the upper end of its 95% profile-likelihood interval, the
    weakest effect the record does not reject (Venzon & Moolgavkar 1988; Heinze & Schemper 2002 on
    separation), and the other terms to their maximum-likelihood estimates given it: b_u solves
    2 (l(-inf) - l(b_u)) = chi2_1(0.95), l(-inf) being the fit without those rows (their
    log-likelihood tends to 0). It is not positive: where the record cannot reject 0 (too few such
    candidates to speak, e.g. a fold without any), the term is 0. Its standard error is NaN (a
    bound has none); its p-value is the likelihood-ratio test of 0. With two such terms each bound
    is found with the other at its limit (the other's rows left out), then the rest fitted given both.

    Where a sample separates another term too, so that its maximum-likelihood estimate does not
    exist (Newton's method does not converge), the terms are Firth's penalised-likelihood estimates
    instead (:func:`_firth`). The 93 wars do not; a fold can: without 1816-1913 no candidate that
    owed only the other party joined, and maximum likelihood sent `owes_other` to -19 and
    `owes_both` to +20, Firth's estimates -1.9 and +2.7. `terms`: the covariates (by default the
    shipped equation's; another list to test a candidate term)."""
    from scipy import optimize, stats

    x = np.column_stack([np.ones(len(frame)), frame[list(terms)].to_numpy(float)])
    y = frame["joined"].to_numpy(float)
    separated = [1 + terms.index(t) for t in BOUNDED if t in terms and not y[x[:, 1 + terms.index(t)] == 1].any()]
    if not separated:
        return _estimate(y, x)
    rest = np.delete(x, separated, axis=1)
    critical = stats.chi2.ppf(0.95, 1)
    bounds, p_values = [], []
    for k in separated:  # each bound with the other separated terms at their limit (their rows left out)
        keep = ~np.any(x[:, [j for j in separated if j != k]] == 1, axis=1)
        hit = x[keep, k] == 1
        plateau = _logit(y[keep][~hit], rest[keep][~hit]).llf if hit.any() else 0.0

        def excess(b: float) -> float:
            return 2.0 * (plateau - _logit(y[keep], rest[keep], b * x[keep, k]).llf) - critical  # noqa: B023

        at_zero = excess(0.0) if hit.any() else -critical
        bounds.append(optimize.brentq(excess, -30.0, 0.0, xtol=1e-10) if at_zero > 0 else 0.0)
        p_values.append(float(stats.chi2.sf(at_zero + critical, 1)) if hit.any() else 1.0)
    r = _estimate(y, rest, x[:, separated] @ np.array(bounds))
    params, bse, z, p, ci = r.params, r.bse, r.tvalues, r.pvalues, r.ci
    for k, bound, p_value in zip(separated, bounds, p_values):  # ascending: each insert at its own index
        params, bse, z = np.insert(params, k, bound), np.insert(bse, k, np.nan), np.insert(z, k, np.nan)
        p, ci = np.insert(p, k, p_value), np.insert(ci, k, [-np.inf, bound], axis=0)
    return Fitted(params, bse, z, p, ci)


def clustered_errors(result: Fitted, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors and Wald p-values of a maximum-likelihood fit of the shipped equation with the
    rows clustered by war (statsmodels' cluster-robust sandwich, its small-sample correction): a
    war's candidates are not independent draws (a coalition decides together), so the maximum-
    likelihood errors, which assume they are, are too small. The terms at a profile bound (no
    error, :func:`fit`) are held there as an offset, as the fit holds them; their entries are NaN.
    The estimates are refitted and must be the fit's."""
    import statsmodels.api as sm

    x = np.column_stack([np.ones(len(frame)), frame[list(COVARIATES)].to_numpy(float)])
    bounded = np.flatnonzero(np.isnan(result.bse))
    keep = np.setdiff1d(np.arange(x.shape[1]), bounded)
    offset = x[:, bounded] @ result.params[bounded]
    r = sm.Logit(frame["joined"].to_numpy(float), x[:, keep], offset=offset).fit(
        method="newton", maxiter=200, tol=1e-12, disp=False, cov_type="cluster",
        cov_kwds={"groups": frame["warnum"].to_numpy()})
    if not np.allclose(r.params, result.params[keep], rtol=0.0, atol=1e-6):
        raise RuntimeError("clustered_errors: the refit is not the fit (a separated term?)")
    bse, p = np.full(x.shape[1], np.nan), np.full(x.shape[1], np.nan)
    bse[keep], p[keep] = r.bse, r.pvalues
    return bse, p


def coefficient_table(result: Fitted, frame: pd.DataFrame) -> pd.DataFrame:
    """`term, coef, std_err, z, p_value, ci_low, ci_high` of a fit, the standard errors and p-values
    with rows clustered by war (`std_err_war`, `p_value_war`: :func:`clustered_errors`), with its
    sample in the last columns."""
    table = pd.DataFrame({"term": ["const", *COVARIATES], "coef": result.params, "std_err": result.bse,
                          "z": result.tvalues, "p_value": result.pvalues, "ci_low": result.ci[:, 0],
                          "ci_high": result.ci[:, 1]})
    table["std_err_war"], table["p_value_war"] = clustered_errors(result, frame)
    x = frame[list(COVARIATES)]
    table["x_min"] = [1.0, *x.min().to_numpy(float)]
    table["x_max"] = [1.0, *x.max().to_numpy(float)]
    table["rows"], table["events"], table["wars"] = len(frame), int(frame["joined"].sum()), frame["warnum"].nunique()
    return table


def _coefficients(result: Fitted) -> Coefficients:
    return Coefficients([{"term": t, "coef": c, "std_err": e} for t, c, e in
                         zip(["const", *COVARIATES], result.params, result.bse)])


def predict(frame: pd.DataFrame, coef: Coefficients) -> pd.DataFrame:
    """Per (war, candidate): p on side A and B, p of joining either side, p of the side it took (0 if none)."""
    eta = coef.linear(frame[list(COVARIATES)].to_numpy(float))
    rows = frame.assign(p=1.0 / (1.0 + np.exp(-eta)))
    wide = rows.pivot_table(index=["warnum", "state"], columns="side", values=["p", "joined"], sort=True)
    out = pd.DataFrame({"p_a": wide[("p", "A")], "p_b": wide[("p", "B")]})
    out["p_any"] = any_side(out["p_a"].to_numpy(), out["p_b"].to_numpy())
    out["p_record_side"] = np.where(wide[("joined", "A")] == 1, out["p_a"] * (1 - out["p_b"]),
                                    np.where(wide[("joined", "B")] == 1, out["p_b"] * (1 - out["p_a"]), 0.0))
    return out.reset_index()


def cross_validated(folds: str = "war", frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Out-of-sample forecasts per (war, candidate): each war's (or era's) rows forecast by the
    equation fitted without them (`folds`: `war` or `era`), and the lookup left out the same way."""
    if frame is None:
        return _cross_validated(folds).copy()
    key = {"war": "warnum", "era": "era"}[folds]
    parts = []
    for value in frame[key].drop_duplicates():
        held = frame[key] == value
        parts.append(predict(frame[held], _coefficients(fit(frame[~held]))))
    out = pd.concat(parts, ignore_index=True)
    return out.merge(lookup(frame, key), on=["warnum", "state"])


@functools.cache
def fold_coefficients(folds: str = "war", wars: tuple[int, ...] | None = None) -> dict[int, list[float]]:
    """Per war (all, or the numbers in `wars`): the equation's coefficients fitted without it
    (`war`) or without its era (`era`). Only the folds of those wars are fitted."""
    frame = _dataset()
    key = {"war": "warnum", "era": "era"}[folds]
    wanted = frame if wars is None else frame[frame["warnum"].isin(wars)]
    fitted = {value: [float(v) for v in fit(frame[frame[key] != value]).params] for value in wanted[key].drop_duplicates()}
    rows = wanted.drop_duplicates("warnum")
    return {int(w): fitted[v] for w, v in zip(rows["warnum"], rows[key])}


@functools.cache
def _cross_validated(folds: str) -> pd.DataFrame:
    return cross_validated(folds, _dataset())


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Per (war, candidate): joined either side, and the lookup's cell."""
    wide = frame.groupby(["warnum", "era", "state"], sort=True).agg(
        joined=("joined", "max"), tied=("tied", "max"), major=("major", "max"), km=("km", "min")).reset_index()
    wide["cell"] = wide["tied"].astype(int) * 4 + wide["major"].astype(int) * 2 + (wide["km"] < LOOKUP_KM).astype(int)
    return wide


def lookup(frame: pd.DataFrame, key: str = "warnum") -> pd.DataFrame:
    """The three-feature base rate per (war, candidate), each cell's rate computed without the
    candidate's war (or era, `key`); a cell empty elsewhere falls back to the overall rate."""
    cells = _cells(frame)
    totals = cells.groupby("cell")["joined"].agg(["sum", "count"])
    by_fold = cells.groupby([key, "cell"])["joined"].agg(["sum", "count"])
    fold_all = cells.groupby(key)["joined"].agg(["sum", "count"])
    p = []
    for fold, cell in zip(cells[key], cells["cell"]):
        own = by_fold.loc[(fold, cell)]
        rest_sum, rest_count = totals.loc[cell, "sum"] - own["sum"], totals.loc[cell, "count"] - own["count"]
        if rest_count == 0:
            rest_sum = cells["joined"].sum() - fold_all.loc[fold, "sum"]
            rest_count = len(cells) - fold_all.loc[fold, "count"]
        p.append(rest_sum / rest_count)
    return cells[["warnum", "state"]].assign(p_lookup=p)


def _csv(table: pd.DataFrame) -> str:
    out = io.StringIO()
    table.to_csv(out, index=False, float_format="%.10g", lineterminator="\n", na_rep="nan")
    return out.getvalue()


def write_table(path: Path, table: pd.DataFrame) -> None:
    """Write a shipped table as CSV (10 significant digits), atomically: a temporary file renamed
    over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(_csv(table), encoding="utf-8")
    tmp.replace(path)


def refit() -> pd.DataFrame:
    """The coefficient table fitted on every row of the data set."""
    frame = dataset()
    return coefficient_table(fit(frame), frame)


def main(argv: list[str] | None = None) -> int:
    """`refit` writes the shipped coefficients; `check` compares a refit with them (exit 1 if they differ)."""
    argv = sys.argv[1:] if argv is None else argv
    if argv not in (["refit"], ["check"]):
        print("usage: python -m sim.history.joiningfit refit|check", file=sys.stderr)
        return 2
    table = refit()
    if argv == ["refit"]:
        write_table(FILE, table)
        print(table.to_string(index=False))
        return 0
    shipped = read_coefficients(FILE.read_text(encoding="utf-8"))
    gap = float(np.max(np.abs(shipped.values - table["coef"].to_numpy())))
    print(f"largest difference from the shipped coefficients: {gap:.3g}")
    return 0 if gap < 1e-6 else 1


if __name__ == "__main__":
    raise SystemExit(main())

