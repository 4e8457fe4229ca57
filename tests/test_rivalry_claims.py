"""Claims of the worlds of any year: each spatial Thompson & Dreyer rivalry in force is a mutual
claim at `parameters.motives.rivalry_stake`; the stake is fitted on peacetime uses of force
(sim/history/peacefit.py) and the rivals of a `cow_YYYY` world are no longer frozen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from clirun import cli
from scipy import stats

from sim.history import peacefit
from sim.history import peacetime as pt
from sim.model.motives import stakes
from sim.scenario.loading import load_scenario
from sim.scenario.ranges import YEAR_WORLD_RANGES
from sim.scenario.schema import RIVALRY_STAKE, Motives
from sim.scenario.yearworld import RIVALRY_CLAIMS, rivalry_claims, world_of_year

pytestmark = pytest.mark.xdist_group(__name__)
"""Under xdist (`--dist loadgroup`, pyproject.toml) one worker runs this module: `small_fit` is shared by two tests,
fitted once."""


def _stakes(world: str = "cow_1870", **extra):
    scenario = load_scenario({"name": "c", "world": world, **extra})
    index = {s: i for i, s in enumerate(scenario.states)}
    return stakes(scenario, index), index


def test_a_spatial_rivalry_is_a_mutual_claim_in_its_year():
    """France-Germany (T&D rivalry, spatial and positional) is in force in 1870: both claim each other."""
    claims = {(c["claimant"], c["target"]): c for c in rivalry_claims(1870, Motives())}
    assert claims[("FRN", "GMY")]["stake_value"] == claims[("GMY", "FRN")]["stake_value"] == RIVALRY_STAKE
    assert claims[("FRN", "GMY")]["kind"] == "spatial" and "Thompson & Dreyer" in claims[("FRN", "GMY")]["source"]
    assert all(c["kind"] == "spatial" for c in claims.values())  # positional_stake is 0 by default
    # the world carries the rivalry type, not a stake: the parameters value it at set-up
    carried = {(c["claimant"], c["target"], c["rivalry"]) for c in world_of_year(1870).claims}
    assert {("FRN", "GMY", "spatial"), ("UKG", "RUS", "positional")} <= carried
    assert not any("value" in c for c in world_of_year(1870).claims)


def test_stakes_are_the_rivalry_stake_for_rivals_and_zero_for_others():
    s, index = _stakes()
    assert s[index["FRN"], index["GMY"]] == s[index["GMY"], index["FRN"]] == RIVALRY_STAKE > 0
    rivals = {frozenset((r["from"], r["to"])) for r in world_of_year(1870).relations}
    ids = list(index)
    claimed = {frozenset((ids[i], ids[j])) for i, j in zip(*np.nonzero(s))}
    assert claimed and claimed <= rivals
    assert s[index["UKG"], index["ITA"]] == 0 and frozenset(("UKG", "ITA")) not in rivals


def test_the_stake_is_the_parameter_and_world_claims_false_removes_them():
    s, index = _stakes(parameters={"motives": {"rivalry_stake": 0.4}})
    assert s[index["FRN"], index["GMY"]] == pytest.approx(0.4)
    assert not _stakes(parameters={"motives": {"world_claims": False}})[0].any()
    s, index = _stakes(claims=[{"claimant": "FRN", "target": "GMY", "value": 0.0}])  # pair by pair
    assert s[index["FRN"], index["GMY"]] == 0 and s[index["GMY"], index["FRN"]] == RIVALRY_STAKE


def test_positional_rivalries_claim_only_with_a_positional_stake():
    """UKG-RUS 1870 is positional, not spatial: no claim by default, `positional_stake` gives one."""
    default = {(c["claimant"], c["target"]) for c in rivalry_claims(1870, Motives())}
    assert ("UKG", "RUS") not in default
    positional = {(c["claimant"], c["target"]): c for c in rivalry_claims(1870, Motives(positional_stake=0.3))}
    assert positional[("UKG", "RUS")]["stake_value"] == 0.3 and positional[("UKG", "RUS")]["kind"] == "positional"
    assert positional[("FRN", "GMY")]["stake_value"] == RIVALRY_STAKE


def test_every_rivalry_stake_is_a_schema_field_with_a_range_to_fit():
    """RIVALRY_CLAIMS, the fittable parameters and their ranges name the same `motives` fields."""
    assert {f"motives.{field}" for field in RIVALRY_CLAIMS.values()} == set(YEAR_WORLD_RANGES)
    assert set(peacefit.FITTABLE) == set(RIVALRY_CLAIMS.values()) <= set(Motives.model_fields)
    schema = Motives.model_json_schema()["properties"]
    for field, (low, high) in peacefit.FITTABLE.items():
        assert (low, high) == (schema[field]["minimum"], schema[field]["maximum"]), field


def test_the_2022_world_keeps_its_own_claims_file():
    """Only cow_YYYY worlds get rivalry claims: the 2022 world's stakes still come from its claims.csv."""
    s, index = _stakes("world_2022")
    assert s[index["CHN"], index["TWN"]] == 1.0 and s[index["USA"], index["RUS"]] == 0.0


def test_world_out_writes_the_claims(tmp_path):
    done = cli("world", "--year", "1870", "--out", tmp_path / "w")
    assert done.returncode == 0, done.stderr
    claims = pd.read_csv(tmp_path / "w" / "claims.csv")
    assert len(claims) == len(rivalry_claims(1870, Motives()))
    assert ((claims["claimant"] == "FRN") & (claims["target"] == "GMY")).sum() == 1
    # and the folder loads back with its claims: the same stakes as the world of the year
    folder, index = _stakes(str(tmp_path / "w" / "states.csv"))
    year, year_index = _stakes("cow_1870")
    assert folder.any() and list(index) == list(year_index) and np.array_equal(folder, year)


# --- the fit ---------------------------------------------------------------------------------

def test_the_deviance_is_zero_at_the_record_and_grows_away_from_it():
    assert peacefit.deviance(11, 11.0) == 0 and peacefit.deviance(0, 0.5) == pytest.approx(1.0)
    assert peacefit.deviance(11, 5.0) > peacefit.deviance(11, 9.0) > 0 < peacefit.deviance(11, 20.0)


def test_alternate_years_train_and_test():
    train, test = peacefit.split_years()
    assert train == (1830, 1880, 1925, 1975) and test == (1855, 1900, 1955, 1995)


@pytest.fixture(scope="module")
def small_fit():
    """The fit on two small worlds (1830 trains, 1855 tests), 4 replications: about 5 s."""
    return peacefit.fit_stake("rivalry_stake", years=(1830, 1855), replications=4, seed=3)


def test_the_fit_returns_the_best_value_it_tried_within_the_bounds(small_fit):
    evaluations = small_fit.evaluations
    assert 0.0 <= small_fit.value <= 1.0 and small_fit.train_years == (1830,) and small_fit.test_years == (1855,)
    assert small_fit.value == evaluations.loc[evaluations["train_deviance"].idxmin(), "value"]
    assert len(evaluations) >= peacefit.GRID_POINTS
    # The fitted hazard, not the stake, decides unprovoked force: it sees the stake only as a claim
    # (a stake either way, its own term), so every positive stake gives each dyad the same chance of
    # force and a zero stake another (the rivalry term); the stake's size acts below rung 5 only.
    # (Before the hazard a larger stake raised the uses of force monotonically; it no longer does.)
    chance = {stake: _fitted_force(stake) for stake in (0.0, 0.25, 1.0)}
    claims = chance[0.25][0]["claim"].to_numpy() == 1
    assert claims.any() and np.array_equal(chance[0.25][1], chance[1.0][1])
    assert not np.allclose(chance[0.0][1][claims], chance[1.0][1][claims])
    assert np.array_equal(chance[0.0][1][~claims], chance[1.0][1][~claims])


def _fitted_force(stake: float):
    """The 1830 world's dyads with the rivalry stake at `stake`, and the hazard's chance of force."""
    scenario = load_scenario({"name": "c", "world": "cow_1830"}, {"parameters.motives.rivalry_stake": stake})
    table = pt.dyads(scenario)
    return table, pt.fitted_force(scenario, table)


def test_the_fit_scores_both_halves_at_the_fitted_value_and_at_zero(small_fit):
    scores = small_fit.scores.set_index(["sample", "stake"])
    assert set(scores.index) == {("train", "fitted"), ("train", "zero"), ("test", "fitted"), ("test", "zero")}
    # the stake no longer decides whether force is used (the fitted hazard does), so a zero stake
    # no longer means no force: both rows score the same held-out year
    assert scores.loc[("test", "fitted"), "years"] == scores.loc[("test", "zero"), "years"] == "1855"
    assert scores.loc[("test", "zero"), "dyad_years"] == scores.loc[("test", "fitted"), "dyad_years"] > 0


def test_the_fit_command_writes_its_tables(tmp_path):
    done = cli("peacetime", "--fit", "rivalry_stake", "--years", "1830,1855", "--reps", "1", "--out", tmp_path / "f",
               "--quiet")
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "f" / "peacetime_fit_scores.csv")) == 4
    one = cli("peacetime", "--fit", "rivalry_stake", "--years", "1830", "--out", tmp_path / "g")
    assert one.returncode == 2 and "two --years" in one.stderr and "Traceback" not in one.stderr


# --- neither freeze nor boil ----------------------------------------------------------------

def test_rivals_use_force_in_peacetime_and_others_hardly_do():
    """1830 and 1880, 10 replications, seed 0: the rivals' rate of uses of force per dyad-year is
    above 1% (a tenth of the record's 0.12) by a one-sided exact binomial test at 1%, and the
    non-rivals' rate below 1% by the same test: an order of magnitude apart at least (the fitted
    hazard gives non-rivals the record's kind of rate, 0.0012, not none; measured 0.0025 here)."""
    dyads, rates = pt.peacetime((1830, 1880), 10, 0)
    rows = rates[rates["threshold"] == "use_of_force"].set_index("value")
    k, n = int(rows.loc["rivals", "model_count"]), int(rows.loc["rivals", "dyad_years"]) * 10
    assert stats.binomtest(k, n, 0.01, alternative="greater").pvalue < 0.01, (k, n)
    k, n = int(rows.loc["not rivals", "model_count"]), int(rows.loc["not rivals", "dyad_years"]) * 10
    assert stats.binomtest(k, n, 0.01, alternative="less").pvalue < 0.01, (k, n)
    assert set(dyads["claim"]) == {0, 1} and (dyads["claim"] <= dyads["rivalry"]).all()
