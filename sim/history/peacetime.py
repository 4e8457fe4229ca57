"""Peacetime rates: how often the model's states use force with no war scripted, against the
militarised interstate disputes on record (GML MID 2.2.1; Gibler, Miller & Little 2016).

For each sampled year, the world of that year runs for 365 days with an empty timeline. A dyad
has a *use of force* in a replication when either state takes a posture at the armed-clash rung
(5) or above toward the other, or uses force below war (a `use_of_force` incident at rung 4).
The record's counterpart is a dyad with a MID that began that year (`onset = 1`) in which
either state reached hostility level 4 (use of force) or 5 (war), with the held-out world-war
rows (`world_war = 1`) dropped. A second, weaker threshold compares the mobilisation rung (4:
show of force, blockade, alert) with MID hostility 3 (display of force) (:data:`THRESHOLDS`).
Rates are per undirected dyad-year, by stratum: capital-to-capital distance (COW has contiguity,
but these data do not ship it), strategic rivalry (Thompson & Dreyer 2012), claim (a stake
either way: the spatial rivalries of a `cow_YYYY` world) and capability ratio (CINC of the stronger over the weaker).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.stats import beta

from sim.execution.runner import run
from sim.history.forcefit import auc_interval, test_year
from sim.history.forcefit import years as record_years
from sim.history.validation import NOT_A_POSTURE
from sim.model import force
from sim.model.ladder import Kind
from sim.model.motives import stakes
from sim.model.world import compile_world, great_circle_km
from sim.scenario.loading import load_scenario
from sim.scenario.yearworld import rows_by

__all__ = ["YEARS", "SCORE_YEARS", "THRESHOLDS", "STRATA", "FLAGS", "RATE_COLUMNS", "SCORE_COLUMNS", "dyads", "fitted_force",
           "conditional_force", "model_force", "record_force", "rates", "scores", "peacetime"]

YEARS = (1830, 1855, 1880, 1900, 1925, 1955, 1975, 1995)  # a sample of them: the stakes' fit (peacefit)
# every year the hazard's fit held out (every fifth, 1820-2010, but for the held-out war years):
# the years `alliance-sim peacetime` scores by default
SCORE_YEARS = tuple(y for y in record_years() if test_year(y))
"""Sampled years: every 20-25 years, avoiding 1914-1918 and 1939-1945 (held out)."""
THRESHOLDS = {"use_of_force": (5, 4), "display_or_more": (4, 3)}
"""name -> (model rung, MID hostility level): armed clash vs use of force; mobilisation vs display."""
STRATA = {
    "distance_km": ((0, 1000, "< 1000 km"), (1000, 3000, "1000-3000 km"), (3000, 1e9, ">= 3000 km")),
    "capability_ratio": ((1, 3, "< 3"), (3, 10, "3-10"), (10, float("inf"), ">= 10")),
}
"""Strata by value ranges [low, high); the :data:`FLAGS` are 0/1 and `all` is every dyad."""
FLAGS = {"rivalry": ("rivals", "not rivals"), "claim": ("with a claim", "no claim")}
"""0/1 strata -> (label of 1, label of 0): a Thompson & Dreyer rivalry; a stake either way."""


def dyads(scenario) -> pd.DataFrame:
    """Every undirected dyad of the scenario's world with its distance, rivalry, claim (a stake either
    way) and capability ratio."""
    ids = list(scenario.states)
    lat = np.array([scenario.states[s].lat for s in ids])
    lon = np.array([scenario.states[s].lon for s in ids])
    power = np.array([max(scenario.states[s].power, 1e-9) for s in ids])
    km = great_circle_km(lat, lon)
    rivals = {frozenset((r.from_, r.to)) for r in scenario.relations}
    stake = stakes(scenario, {s: k for k, s in enumerate(ids)})
    i, j = np.triu_indices(len(ids), k=1)
    a, b = np.array(ids)[i], np.array(ids)[j]
    return pd.DataFrame({"a": a, "b": b, "distance_km": km[i, j],
                         "capability_ratio": np.maximum(power[i], power[j]) / np.minimum(power[i], power[j]),
                         "rivalry": [int(frozenset(p) in rivals) for p in zip(a, b)],
                         "claim": ((stake[i, j] > 0) | (stake[j, i] > 0)).astype(int)})


def fitted_force(scenario, table: pd.DataFrame) -> np.ndarray:
    """The fitted regression's own forecast for each dyad of `table`: the chance that either state
    uses force against the other within the year, 1 - (1 - h_ab)(1 - h_ba) (`sim.model.force`)."""
    world = compile_world(scenario)
    h = force.hazard(force.covariates(scenario, world, stakes(scenario, world.index)), force.coefficients().beta)
    a = np.array([world.index[x] for x in table["a"]], dtype=int)
    b = np.array([world.index[x] for x in table["b"]], dtype=int)
    return 1.0 - (1.0 - h[a, b]) * (1.0 - h[b, a])


def model_force(year: int, replications: int, seed: int, overrides=None) -> pd.DataFrame:
    """The year's dyads with, per threshold, the replications (of `replications`) that reached it."""
    scenario = load_scenario({"name": f"peace_{year}", "world": f"cow_{year}", "horizon_days": 365.0,
                              "record_every_days": 365.0}, overrides)
    year_seed = int(np.random.SeedSequence(seed, spawn_key=(year,)).generate_state(1, np.uint32)[0])
    result = run(scenario, replications=replications, seed=year_seed, hazards=scenario.horizon_days)
    events = result.frame("events")
    events = events[~events["kind"].isin(NOT_A_POSTURE) & events["target"].notna()]
    level = pd.to_numeric(events["level"], errors="coerce")
    table = dyads(scenario)
    for name, (rung, _) in THRESHOLDS.items():
        # a use of force below war (an incident, at rung 4) is a use of force all the same
        hits = events[(level >= rung) | (events["kind"] == Kind.USE_OF_FORCE)]
        keys = {(rep, *sorted((x, y))) for rep, x, y in zip(hits["rep"], hits["actor"], hits["target"])}
        counts = pd.Series([(x, y) for _, x, y in keys], dtype=object).value_counts()
        # keys are sorted pairs; the table's (a, b) are in the world's order
        table[f"model_{name}"] = [int(counts.get(tuple(sorted((x, y))), 0)) for x, y in zip(table["a"], table["b"])]
    highest = _highest(events, level)
    table["model_max_level"] = [highest.get(tuple(sorted((x, y))), 0) for x, y in zip(table["a"], table["b"])]
    table["cmc_use_of_force"] = conditional_force(result, events[(level >= THRESHOLDS["use_of_force"][0])
                                                                 | (events["kind"] == Kind.USE_OF_FORCE)], table)
    table["baseline_use_of_force"] = fitted_force(scenario, table)
    return table.assign(reps=replications)


def conditional_force(result, hits: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """Per dyad of `table`, the conditional Monte Carlo estimate of the simulator's chance of a use
    of force in the year (:mod:`sim.model.ledger`): over the replications of `result` (run with
    `hazards`), the mean of the two states' chances of using force against each other at their
    decisions up to the dyad's first use of force (`hits`, either way; or the year's end), plus 1
    when that first use of force came by another route than the fitted hazard (an escalation, an
    ally's entry, self-defence). Without the fitted hazard (`fitted_force: false`) every use of force
    comes by another route and the estimate is the share. Capped at 1."""
    ordered = hits.sort_values(["rep", "t", "event_id"], kind="stable")
    first = ordered.assign(pair=[tuple(sorted(p)) for p in zip(ordered["actor"], ordered["target"])])
    first = first.drop_duplicates(["rep", "pair"])
    total = np.zeros(len(table))
    for rep in result.replications:
        ledger = rep.hazards
        index = {s: k for k, s in enumerate(ledger.ids)}
        a = np.array([index[x] for x in table["a"]], dtype=int)
        b = np.array([index[x] for x in table["b"]], dtype=int)
        chance = ledger.force_matrix()
        value = chance[a, b] + chance[b, a]
        where = {pair: k for k, pair in enumerate(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist()))}
        for _, row in first[first["rep"] == rep.rep].iterrows():
            i, j = index[row["actor"]], index[row["target"]]
            k = where[(min(i, j), max(i, j))]
            value[k] = (ledger.force(i, j, row["t"]) + ledger.force(j, i, row["t"])
                        + (0.0 if row["kind"] == Kind.USE_OF_FORCE else 1.0))
        total += value
    return np.minimum(total / len(result.replications), 1.0)


def _highest(events: pd.DataFrame, level: pd.Series) -> dict[tuple, int]:
    """The highest rung either state of a dyad took toward the other, over all replications."""
    highest: dict[tuple, int] = {}
    for x, y, rung in zip(events["actor"], events["target"], level):
        if not math.isnan(rung):
            key = tuple(sorted((x, y)))
            highest[key] = max(highest.get(key, 0), int(rung))
    return highest


def record_force(year: int, table: pd.DataFrame) -> pd.DataFrame:
    """Per threshold, 1 for each dyad of `table` with a MID begun in `year` reaching its hostility."""
    ab = {int(r["ccode"]): r["stateabb"] for r in rows_by("cow_state_years", "year").get(year, ())}
    highest: dict[frozenset, int] = {}
    for row in rows_by("gml_mid_dyadyears", "year").get(year, ()):
        if row["onset"] == "1" and row["world_war"] == "0":
            pair = (ab.get(int(row["ccode1"])), ab.get(int(row["ccode2"])))
            if None not in pair:
                key = frozenset(pair)
                highest[key] = max(highest.get(key, 0), int(row["hostlev1"]), int(row["hostlev2"]))
    levels = [highest.get(frozenset((x, y)), 0) for x, y in zip(table["a"], table["b"])]
    return pd.DataFrame({f"record_{name}": [int(h >= host) for h in levels]
                         for name, (_, host) in THRESHOLDS.items()}, index=table.index)


def _interval(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Clopper-Pearson (1934) interval of a binomial rate k / n."""
    low = beta.ppf((1 - level) / 2, k, n - k + 1) if k > 0 else 0.0
    high = beta.ppf((1 + level) / 2, k + 1, n - k) if k < n else 1.0
    return float(low), float(high)


def _stratum_rows(frame: pd.DataFrame, name: str, label: str) -> list[list]:
    """One row per threshold: dyad-years, model and record rates with intervals, their ratio."""
    rows = []
    for threshold in THRESHOLDS:
        n_model, k_model = frame["reps"].sum(), frame[f"model_{threshold}"].sum()
        n_record, k_record = len(frame), frame[f"record_{threshold}"].sum()
        model, record = k_model / n_model if n_model else None, k_record / n_record if n_record else None
        rows.append([threshold, name, label, n_record, int(k_model), model, *_interval(k_model, n_model),
                     int(k_record), record, *_interval(k_record, n_record), model / record if record else None])
    return rows


RATE_COLUMNS = ["threshold", "stratum", "value", "dyad_years", "model_count", "model_rate", "model_low",
                "model_high", "record_count", "record_rate", "record_low", "record_high", "model_over_record"]


def rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Rates per dyad-year, model and record, overall and by stratum (RATE_COLUMNS); the model's
    count is over replications, so its rate is per simulated dyad-year."""
    rows = _stratum_rows(frame, "all", "all dyads")
    for name, bands in STRATA.items():
        for low, high, label in bands:
            rows += _stratum_rows(frame[(frame[name] >= low) & (frame[name] < high)], name, label)
    for flag, labels in FLAGS.items():
        for value, label in zip((1, 0), labels):
            if flag in frame:
                rows += _stratum_rows(frame[frame[flag] == value], flag, label)
    return pd.DataFrame(rows, columns=RATE_COLUMNS).sort_values(["threshold", "stratum"], kind="stable")


SCORE_COLUMNS = ["metric", "value", "low", "high"]


def scores(frame: pd.DataFrame) -> pd.DataFrame:
    """How well the uses of force are ranked on the held-out years (year % 5 == 0, never in the
    fit: `sim.history.forcefit`) and on all sampled years: AUC of the simulator's forecast (its share
    of replications with a use of force in the dyad), as `cmc_` rows of the simulator's probability
    by conditional Monte Carlo (:func:`conditional_force`) and, as `baseline_` rows, of the fitted
    regression's own forecast, among all dyads and among rivals, with Hanley & McNeil (1982) 95%
    intervals; and the overall model_over_record."""
    rows = []
    held = frame["year"].map(test_year).to_numpy(bool)
    forecasts = {"": frame["model_use_of_force"] / frame["reps"], "baseline_": frame["baseline_use_of_force"]}
    if "cmc_use_of_force" in frame:  # the simulator's probability by conditional Monte Carlo (the headline)
        forecasts["cmc_"] = frame["cmc_use_of_force"]
    for sample, mask in (("heldout", held), ("sampled", np.ones(len(frame), bool))):
        for subset, sub in (("all", np.ones(len(frame), bool)), ("rivals", frame["rivalry"].to_numpy() == 1)):
            m = mask & sub
            for prefix, p in forecasts.items():
                rows.append([f"{prefix}auc_{subset}_{sample}",
                             *auc_interval(p.to_numpy()[m], frame["record_use_of_force"].to_numpy()[m])])
    k, n = frame["model_use_of_force"].sum(), frame["reps"].sum()
    record = frame["record_use_of_force"].mean()
    low, high = _interval(k, n)
    rows.append(["model_over_record_all", k / n / record if record else None,
                 low / record if record else None, high / record if record else None])
    rows.append(["baseline_over_record_all", frame["baseline_use_of_force"].mean() / record if record else None,
                 None, None])
    if "cmc_use_of_force" in frame:
        rows.append(["cmc_over_record_all", frame["cmc_use_of_force"].mean() / record if record else None, None, None])
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def peacetime(years=YEARS, replications: int = 10, seed: int = 0, overrides=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(dyad table of every sampled year, rate table) for the model against the MID record."""
    tables = []
    for year in years:
        table = model_force(year, replications, seed, overrides)
        tables.append(pd.concat([table.assign(year=year), record_force(year, table)], axis=1))
    frame = pd.concat(tables, ignore_index=True)
    return frame, rates(frame).reset_index(drop=True)
