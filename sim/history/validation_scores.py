"""Scores of the war-joining forecasts of :mod:`sim.history.validation`.

Brier (1950) scores per (war, candidate); Murphy's (1973) skill score pooled over every pair of
the wars scored, against climatology and against "only the first two fight"; percentile
bootstrap intervals that resample whole wars (Efron & Tibshirani 1993, An Introduction to the
Bootstrap), because candidates of one war share its world and are not independent; the area under
the ROC curve (Hanley & McNeil 1982) via the Mann-Whitney statistic; a reliability table
(Murphy & Winkler 1977) for the reliability diagram.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import mannwhitneyu

from sim.history.validation import PAIR_COLUMNS, War

__all__ = ["REFERENCES", "BINS", "SUBSETS", "RELEVANT_KM", "FORECASTS", "pairs", "record_side", "war_table", "skill",
           "bootstrap_skill", "auc", "side_skill", "at_replications", "noise_free_skill",
           "equation_at_replications", "score_table", "reliability"]

REFERENCES = {"climatology": "p_climatology", "pair": "p_pair"}
"""Reference forecasts: name -> column of the pairs table."""
BINS = (0.0, 1e-9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 + 1e-9)
"""Reliability bins of the forecast: p = 0 on its own, then tenths."""
BOOTSTRAP = 2000
RELEVANT_KM = 1000.0
SUBSETS = {
    "all": lambda frame: frame["warnum"] == frame["warnum"],
    "relevant": lambda frame: ((frame["km"] < RELEVANT_KM) | (frame["major"] == 1) | (frame["ally_of_initiator"] == 1)
                               | (frame["ally_of_target"] == 1)),
}
"""Candidate subsets scored: all, and the politically relevant ones (Lemke & Reed 2001: near or a
major power; here also allied to a party), with capitals within RELEVANT_KM standing in for contiguity."""


def pairs(wars: list[War], results: list[dict], clim: dict[int, float], replications: int,
          level: int) -> pd.DataFrame:
    """One row per (war, candidate): outcome, historical side, the three forecasts (PAIR_COLUMNS)."""
    by_number = {w.warnum: w for w in wars}
    rows = []
    for result in results:
        war = by_number[result["warnum"]]
        for state, count in result["counts"][level].items():
            rows.append([war.warnum, war.onset, war.era, state, int(state in war.sides), war.sides.get(state, 0),
                         *result["features"][state], count / replications, clim[war.warnum], 0.0,
                         record_side(war, state, count, result["side1"][level][state]) / replications])
    frame = pd.DataFrame(rows, columns=PAIR_COLUMNS)
    if all(level in result.get("cmc", {}) for result in results):  # the conditional Monte Carlo's probability
        frame["p_cmc"] = [result["cmc"][level][state] for result in results for state in result["counts"][level]]
    if all(level in result.get("cmc_sides", {}) for result in results):  # and by side: the side it took
        frame["p_cmc_record_side"] = [
            float(_of_record_side(by_number[result["warnum"]], state, result["cmc_sides"][level][state]))
            for result in results for state in result["counts"][level]]
    return frame


def record_side(war: War, state: str, count: int, initiators_side: int) -> int:
    """Of `count` replications in which `state` joined (`initiators_side` of them beside the first
    initiator), those on the side it fought on in history (0 if it did not fight)."""
    return _of_record_side(war, state, (initiators_side, count - initiators_side))


def _of_record_side(war: War, state: str, sides):
    """Of a candidate's (the first initiator's side, the first target's) figures, the one of the
    side it fought on in history (0 if it did not fight)."""
    if state not in war.sides:
        return 0
    return sides[0] if war.sides[state] == war.sides[war.initiator] else sides[1]


def _squared(frame: pd.DataFrame, column: str) -> pd.Series:
    return (frame[column] - frame["joined"]) ** 2


FORECASTS = {"": "p_model", "cmc_": "p_cmc", "baseline_": "p_baseline", "lookup_": "p_lookup"}
"""Forecasts scored side by side, by metric prefix: the simulator (its share of replications), the
simulator's probability by conditional Monte Carlo (`cmc_`, :mod:`sim.model.ledger`: the headline),
the fitted joining equation forecast directly (without simulation), the three-feature lookup
(:mod:`sim.history.joiningfit`)."""
SIDES = {"": ("p_model", "p_model_record_side"), "cmc_": ("p_cmc", "p_cmc_record_side"),
         "baseline_": ("p_baseline", "p_baseline_record_side")}
"""Per prefix: the forecast of joining and of joining on the side taken in history."""


def war_table(frame: pd.DataFrame, wars: list[War]) -> pd.DataFrame:
    """Per war: the pair, candidates, real and expected joiners, and each forecast's Brier score."""
    by_number = {w.warnum: w for w in wars}
    scored = frame.assign(brier_model=_squared(frame, "p_model"), brier_climatology=_squared(frame, "p_climatology"),
                          brier_pair=_squared(frame, "p_pair"))
    table = scored.groupby("warnum").agg(
        onset=("onset", "first"), era=("era", "first"), candidates=("state", "size"), joined=("joined", "sum"),
        expected_joiners=("p_model", "sum"), brier_model=("brier_model", "mean"),
        brier_climatology=("brier_climatology", "mean"), brier_pair=("brier_pair", "mean")).reset_index()
    table.insert(3, "initiator", [by_number[n].initiator for n in table["warnum"]])
    table.insert(4, "target", [by_number[n].target for n in table["warnum"]])
    return table


def skill(frame: pd.DataFrame, reference: str, column: str = "p_model") -> float | None:
    """Murphy's (1973) skill 1 - sum BS_model / sum BS_ref over the pairs (None if BS_ref = 0)."""
    ref = _squared(frame, REFERENCES[reference]).sum()
    return None if ref == 0 else float(1.0 - _squared(frame, column).sum() / ref)


def bootstrap_skill(frame: pd.DataFrame, reference: str, seed: int = 0, draws: int = BOOTSTRAP,
                    level: float = 0.95, column: str = "p_model") -> tuple[float | None, float | None]:
    """Percentile interval of the pooled skill, resampling wars with replacement."""
    sums = frame.assign(model=_squared(frame, column), ref=_squared(frame, REFERENCES[reference]))
    per_war = sums.groupby("warnum")[["model", "ref"]].sum().to_numpy()
    if len(per_war) < 2:
        return None, None
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(len(per_war),)))
    picks = rng.integers(0, len(per_war), size=(draws, len(per_war)))
    model, ref = per_war[picks, 0].sum(axis=1), per_war[picks, 1].sum(axis=1)
    values = 1.0 - model[ref > 0] / ref[ref > 0]
    if len(values) == 0:  # no resample has a reference error: skill is undefined
        return None, None
    low, high = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return float(low), float(high)


def auc(frame: pd.DataFrame, column: str = "p_model") -> float | None:
    """Area under the ROC curve of a forecast: the chance a joiner gets a higher forecast than a
    non-joiner, ties counted half (Mann-Whitney U / (n1 n0); Hanley & McNeil 1982)."""
    yes, no = frame.loc[frame["joined"] == 1, column], frame.loc[frame["joined"] == 0, column]
    if len(yes) == 0 or len(no) == 0:
        return None
    return float(mannwhitneyu(yes, no).statistic / (len(yes) * len(no)))


def _sides(frame: pd.DataFrame) -> dict[str, float]:
    """Which side the model's joiners take, among the candidates that really joined: the expected
    number of them forecast to join at all, and on the side they fought on (COW's `side`)."""
    real = frame[frame["joined"] == 1]
    return {"expected_real_joiners": float(real["p_model"].sum()),
            "expected_real_joiners_right_side": float(real["p_model_record_side"].sum())}


def side_skill(frame: pd.DataFrame, joined: str, record_side: str) -> float | None:
    """Skill of the side forecast among the real joiners forecast to join at all: the chance of
    the side taken in history given joining, q = p(record side) / p(join), scored by Brier against
    a coin (q = 1/2: 1 - mean (1 - q)^2 / 0.25); None when no real joiner has p > 0."""
    real = frame[(frame["joined"] == 1) & (frame[joined] > 0)]
    if len(real) == 0:
        return None
    q = real[record_side] / real[joined]
    return float(1.0 - ((1.0 - q) ** 2).mean() / 0.25)


def _forecast_rows(frame: pd.DataFrame, subset: str, era: str, seed: int, prefix: str) -> list[list]:
    """The rows of one alternative forecast (`prefix`: `baseline_` or `lookup_`)."""
    column = FORECASTS[prefix]
    rows = [[subset, era, f"{prefix}expected_joiners", float(frame[column].sum()), None, None],
            [subset, era, f"{prefix}brier", float(_squared(frame, column).mean()), None, None]]
    for reference in REFERENCES:
        rows.append([subset, era, f"{prefix}skill_vs_{reference}", skill(frame, reference, column),
                     *bootstrap_skill(frame, reference, seed, column=column)])
    rows.append([subset, era, f"{prefix}auc", auc(frame, column), None, None])
    if prefix in SIDES and SIDES[prefix][1] in frame:
        real = frame[frame["joined"] == 1]
        rows += [[subset, era, f"{prefix}expected_real_joiners", float(real[column].sum()), None, None],
                 [subset, era, f"{prefix}side_skill", side_skill(frame, *SIDES[prefix]), None, None]]
    return rows


AUC_DRAWS = 200
"""Draws of the shares behind `baseline_auc_at_reps`."""


def at_replications(frame: pd.DataFrame, replications: int, seed: int = 0) -> dict[str, float]:
    """The simulator and the fitted equation on the same footing, a share of R replications:

    * `skill_vs_climatology_noise_free` (:func:`noise_free_skill`);
    * `baseline_skill_vs_climatology_at_reps`, `baseline_auc_at_reps` (:func:`equation_at_replications`).

    The two answer "does the simulator lose to its equation, or only to the noise of R runs?"."""
    if replications < 2 or _squared(frame, REFERENCES["climatology"]).sum() == 0:
        return {}
    out = {"skill_vs_climatology_noise_free": noise_free_skill(frame, replications)}
    if "p_baseline" in frame:
        out |= equation_at_replications(frame, replications, seed)
    return out


def noise_free_skill(frame: pd.DataFrame, replications: int) -> float:
    """The simulator's skill against climatology with the expected binomial noise of its share
    p^ = k/R taken out of each pair's Brier score, (p^ - y)^2 - p^(1 - p^)/(R - 1): an unbiased
    estimate of the Brier score of the probability the share estimates."""
    share = frame["p_model"]
    noise_free = _squared(frame, "p_model") - share * (1 - share) / (replications - 1)
    return float(1.0 - noise_free.sum() / _squared(frame, REFERENCES["climatology"]).sum())


def equation_at_replications(frame: pd.DataFrame, replications: int, seed: int = 0) -> dict[str, float]:
    """What a simulator that reproduced the fitted equation exactly would score with R replications:
    its expected skill against climatology, E(k/R - y)^2 = (p - y)^2 + p(1 - p)/R
    (`baseline_skill_vs_climatology_at_reps`), and its mean AUC over :data:`AUC_DRAWS` seeded draws
    of the shares k/R, k ~ Binomial(R, p) (`baseline_auc_at_reps`: ties at 0 cost a share of few
    runs its ranking)."""
    p = frame["p_baseline"]
    noisy = _squared(frame, "p_baseline") + p * (1 - p) / replications
    out = {"baseline_skill_vs_climatology_at_reps":
           float(1.0 - noisy.sum() / _squared(frame, REFERENCES["climatology"]).sum())}
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(replications,)))
    draws = [auc(frame.assign(p_baseline=rng.binomial(replications, p) / replications), "p_baseline")
             for _ in range(AUC_DRAWS)]
    known = [a for a in draws if a is not None]
    if len(known) == len(draws):
        out["baseline_auc_at_reps"] = float(np.mean(known))
    return out


def _score_rows(frame: pd.DataFrame, subset: str, era: str, seed: int, replications: int = 0) -> list[list]:
    """Rows of the score table for one subset of pairs."""
    allied = (frame["ally_of_initiator"] == 1) | (frame["ally_of_target"] == 1)
    counts = {"wars": frame["warnum"].nunique(), "pairs": len(frame), "joiners": int(frame["joined"].sum()),
              "allied_pairs": int(allied.sum()), "allied_joiners": int(frame.loc[allied, "joined"].sum()),
              "expected_joiners_model": float(frame["p_model"].sum()), **_sides(frame)}
    rows = [[subset, era, name, value, None, None] for name, value in counts.items()]
    for column in ("p_model", *REFERENCES.values()):
        rows.append([subset, era, f"brier_{column[2:]}", float(_squared(frame, column).mean()), None, None])
    for reference in REFERENCES:
        rows.append([subset, era, f"skill_vs_{reference}", skill(frame, reference),
                     *bootstrap_skill(frame, reference, seed)])
    rows.append([subset, era, "auc", auc(frame), None, None])
    rows.append([subset, era, "side_skill", side_skill(frame, *SIDES[""]), None, None])
    rows += [[subset, era, name, value, None, None] for name, value in at_replications(frame, replications, seed).items()]
    for prefix, column in FORECASTS.items():
        if prefix and column in frame and frame[column].notna().all():  # `cmc_`: at the war rung only
            rows += _forecast_rows(frame, subset, era, seed, prefix)
    return rows


def score_table(frame: pd.DataFrame, seed: int = 0, replications: int = 0) -> pd.DataFrame:
    """Every score per subset, over all wars and by era: `subset, era, metric, value, low, high`
    (95% bootstrap over wars); with the `replications` behind the simulator's shares, also the
    rows of :func:`at_replications`."""
    rows = []
    for subset, select in SUBSETS.items():
        chosen = frame[select(frame)]
        rows += _score_rows(chosen, subset, "all", seed, replications)
        for era in chosen["era"].drop_duplicates().sort_values():
            rows += _score_rows(chosen[chosen["era"] == era], subset, era, seed, replications)
    return pd.DataFrame(rows, columns=["subset", "era", "metric", "value", "low", "high"])


def reliability(frame: pd.DataFrame, column: str = "p_model") -> pd.DataFrame:
    """Per forecast bin: pairs, mean forecast, observed frequency of joining."""
    bins = pd.cut(frame[column], BINS, right=False, labels=False)
    table = frame.groupby(bins).agg(pairs=("joined", "size"), mean_forecast=(column, "mean"),
                                    observed=("joined", "mean")).reset_index(names="bin")
    table["bin"] = [_bin_label(int(b)) for b in table["bin"]]
    return table


def _bin_label(k: int) -> str:
    """`p = 0` for the first bin, else `low <= p < high` (the last one closed at 1)."""
    if k == 0:
        return "p = 0"
    low, high = (BINS[k], min(BINS[k + 1], 1.0))
    return f"0 < p < {high:g}" if k == 1 else f"{low:g} <= p {'<=' if high == 1.0 else '<'} {high:g}"
