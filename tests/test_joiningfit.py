"""The joining equation: its data set, its refit against the shipped coefficients, and the
direction of its covariates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("statsmodels")

from sim.history import joiningfit  # noqa: E402
from sim.model.joining import COVARIATES, coefficients, probability  # noqa: E402

pytestmark = pytest.mark.xdist_group("joiningfit")
"""Under xdist (`--dist loadgroup`, pyproject.toml) one worker runs this module and tests/test_validation.py: both read
the data set and the leave-one-war-out fits (cached per process), so they are built and fitted once."""


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return joiningfit.dataset()


def test_dataset_has_every_war_but_the_held_out_ones(data):
    """93 wars, two sides per candidate, 106 joiners (one fought on both sides), no world war."""
    assert data["warnum"].nunique() == 93 and not data["warnum"].isin([106, 139]).any()
    assert (data.groupby(["warnum", "state"])["side"].nunique() == 2).all()
    assert data.groupby(["warnum", "state"])["joined"].max().sum() == 106
    assert int(data["joined"].sum()) == 107
    dated = data[data["joined"] == 1]
    assert dated["entry_day"].notna().all() and (dated["entry_day"] >= 0).all()


def test_refit_reproduces_the_shipped_coefficients(data):
    """Refitting on the shipped data gives the shipped estimates and standard errors to 1e-6."""
    table = joiningfit.coefficient_table(joiningfit.fit(data), data)
    shipped = pd.read_csv(joiningfit.FILE)
    assert list(shipped["term"]) == ["const", *COVARIATES]
    np.testing.assert_allclose(table["coef"], shipped["coef"], atol=1e-6)
    np.testing.assert_allclose(table["std_err"], shipped["std_err"], atol=1e-6)
    np.testing.assert_allclose(table[["std_err_war", "p_value_war"]], shipped[["std_err_war", "p_value_war"]],
                               atol=1e-6)
    np.testing.assert_allclose(table[["x_min", "x_max"]], shipped[["x_min", "x_max"]], atol=1e-9)
    np.testing.assert_allclose(shipped["x_min"].iloc[1:], data[list(COVARIATES)].min(), atol=1e-9)
    np.testing.assert_allclose(shipped["x_max"].iloc[1:], data[list(COVARIATES)].max(), atol=1e-9)
    assert shipped["rows"].iloc[0] == len(data) and shipped["events"].iloc[0] == 107


def test_joining_against_a_nuclear_party_is_bounded_by_its_profile_likelihood(data):
    """No candidate of the record joined a war against a party that had tested a nuclear weapon
    (0 of 1,621 rows in 9 wars, where the equation without the term expects about 6.6), so the
    term's estimate is the upper end of its 95% profile-likelihood interval: the likelihood with
    it fixed there lies chi2_1(0.95) below the likelihood as it runs to minus infinity (the fit
    without those rows), and more than that below at any larger value; it has no standard error.
    Its twin, joining a nuclear party's side, is left out: its 18 joiners are of 4 wars, every one
    a coalition the USA led."""
    import statsmodels.api as sm
    from scipy import stats

    hit = data["nuclear_other"] == 1
    assert int(hit.sum()) == 1621 and data.loc[hit, "warnum"].nunique() == 9 and data.loc[hit, "joined"].sum() == 0
    side = data[data["nuclear_side"] == 1]
    assert int(side["joined"].sum()) == 18 and side.loc[side["joined"] == 1, "warnum"].nunique() == 4
    shipped = pd.read_csv(joiningfit.FILE).set_index("term")
    bound = shipped.loc["nuclear_other", "coef"]
    assert -3.0 < bound < -1.0 and np.isnan(shipped.loc["nuclear_other", "std_err"])
    # the other separated term (war_third: no joiner was at war with a third state) at its limit, as
    # the fit takes it: its rows left out (their likelihood tends to 1), its column dropped
    rest = [c for c in COVARIATES if c not in ("nuclear_other", "war_third")]
    x, y = sm.add_constant(data[rest].to_numpy(float)), data["joined"].to_numpy(float)
    free = (data["war_third"] == 0).to_numpy()
    hit_ = hit.to_numpy(float)

    def llf(rows, offset=None) -> float:
        return sm.Logit(y[rows], x[rows], offset=None if offset is None else offset[rows]).fit(
            method="newton", maxiter=200, disp=False).llf

    plateau = llf(free & ~hit.to_numpy())
    critical = stats.chi2.ppf(0.95, 1)
    assert 2 * (plateau - llf(free, bound * hit_)) == pytest.approx(critical, abs=1e-4)
    assert 2 * (plateau - llf(free, (bound + 0.5) * hit_)) > critical + 1


def test_firths_estimate_is_the_half_corrected_log_odds_where_maximum_likelihood_has_none():
    """For one binary covariate Firth's estimates are the log-odds of the 2 x 2 table with 1/2 added
    to each cell (Haldane's correction): finite where a cell is empty, as here (every row with x = 1
    joined), where maximum likelihood runs to infinity and Newton's method does not converge."""
    x = np.column_stack([np.ones(15), np.r_[np.zeros(10), np.ones(5)]])
    y = np.r_[np.ones(3), np.zeros(7), np.ones(5)]
    assert not joiningfit._logit(y, x).mle_retvals["converged"]
    firth = joiningfit._firth(y, x)
    base = np.log(3.5 / 7.5)
    np.testing.assert_allclose(firth.params, [base, np.log(5.5 / 0.5) - base], atol=1e-8)
    assert np.all(np.isfinite(firth.bse)) and np.all(firth.bse > 0)


def test_a_fold_that_separates_a_term_takes_firths_estimates(data):
    """Without 1816-1913 no candidate that owed only the other party joined: maximum likelihood
    does not exist there (owes_other to minus infinity, owes_both to plus infinity); the fold's
    estimates are Firth's, finite, and the sign the full sample gives owes_both."""
    fold = data[data["era"] != "1816-1913"]
    only_other = (fold["owes_other"] == 1) & (fold["owes_both"] == 0)
    assert only_other.sum() > 100 and fold.loc[only_other, "joined"].sum() == 0
    fitted = dict(zip(["const", *COVARIATES], joiningfit.fit(fold).params))
    assert -5.0 < fitted["owes_other"] < 0.0 < fitted["owes_both"] < 5.0


def _row(**values) -> np.ndarray:
    base = {name: 0.0 for name in COVARIATES} | {"share_side": 0.5}
    base |= values
    base["major_x_log_km"] = base["major"] * base["log_km"] if "major" in base else 0.0
    return np.array([[base[name] for name in COVARIATES]])


def test_an_ally_joins_more_often_than_the_same_state_unallied():
    near = np.log1p(500 / 100)
    allied, alone = probability(_row(log_km=near, owes_side=1.0)), probability(_row(log_km=near))
    assert allied[0] > 3 * alone[0]


def test_a_distant_minor_power_does_not_join_and_a_major_one_may():
    far = np.log1p(12000 / 100)
    minor, major = probability(_row(log_km=far)), probability(_row(log_km=far, major=1.0))
    assert minor[0] < 0.002
    assert major[0] > 5 * minor[0]


def test_out_of_the_record_the_equation_is_held_at_its_edge():
    """A covariate beyond its range in the record is clipped to it: a state 10 km from a party
    (ln(1 + km/100) below the record's 0.52) gets the chance of one at the record's nearest, and a
    capability share of 1 that of the record's largest; a refitted fold's coefficients (no support
    of their own) take the shipped bounds, so the validation's direct forecast is clipped as the
    simulator is."""
    from sim.model.joining import given

    coef = coefficients()
    low, high = coef.support()
    k, s = COVARIATES.index("log_km"), COVARIATES.index("share_side")
    assert probability(_row(log_km=np.log1p(0.1)))[0] == pytest.approx(probability(_row(log_km=low[k]))[0], rel=1e-12)
    assert probability(_row(log_km=1.0, share_side=1.0))[0] == pytest.approx(
        probability(_row(log_km=1.0, share_side=high[s]))[0], rel=1e-12)
    fold = given(list(coef.values))
    np.testing.assert_array_equal(fold.support()[0], low)
    assert fold.linear(_row(log_km=0.0))[0] == coef.linear(_row(log_km=low[k]))[0]


def test_rivals_of_the_other_side_join_more_often():
    near = np.log1p(800 / 100)
    assert probability(_row(log_km=near, rival_other=1.0))[0] > 2 * probability(_row(log_km=near))[0]


def test_the_fitted_share_coefficient_is_what_decides_bandwagoning():
    """With the share coefficient set positive (bandwagoning), a state joins the side far more
    likely to win far more often; the shipped fit's sign is reported, not assumed."""
    coef = coefficients()
    bandwagon = type(coef)([{"term": t, "coef": v, "std_err": e} for t, v, e in
                            zip(coef.names, coef.values, coef.errors)])
    bandwagon.values[1 + COVARIATES.index("share_side")] = 4.0
    near = np.log1p(500 / 100)
    strong = probability(_row(log_km=near, share_side=0.95), bandwagon)
    weak = probability(_row(log_km=near, share_side=0.05), bandwagon)
    assert strong[0] > 10 * weak[0]


def test_cross_validated_forecasts_beat_climatology_out_of_sample(data):
    """Leave one war out: the fitted equation's forecasts are better than each war's base rate
    (Brier), and rank joiners above non-joiners (AUC > 0.75)."""
    from sim.history.validation_scores import auc

    oos = joiningfit.cross_validated("war")  # on the shipped data set: computed once per session (validation reads it too)
    wide = data.groupby(["warnum", "state"])["joined"].max().reset_index().merge(oos, on=["warnum", "state"])
    rate = wide.groupby("warnum")["joined"].agg(["sum", "count"])
    clim = [(rate["sum"].sum() - rate.loc[w, "sum"]) / (rate["count"].sum() - rate.loc[w, "count"]) for w in wide["warnum"]]
    brier, brier_clim = ((wide["p_any"] - wide["joined"]) ** 2).sum(), ((np.array(clim) - wide["joined"]) ** 2).sum()
    assert brier < brier_clim
    assert auc(wide.rename(columns={"p_any": "p_model"})) > 0.75


def test_a_member_whose_regime_changed_since_it_took_on_the_obligation_joins_less(data):
    """`owes_regime_change` (Leeds 2003) is 0 without an obligation to the side; among the 740
    rows with one (43 joinings), 1 of the 158 whose member's regime score moved by more than 0.2
    since the obligation began joined, against 26 of 350 that moved by 0.05 or less; the shipped
    estimate is negative and more than two standard errors from 0."""
    assert (data.loc[data["owes_side"] == 0, "owes_regime_change"] == 0).all()
    owed = data[data["owes_side"] == 1]
    assert len(owed) == 740 and int(owed["joined"].sum()) == 43
    moved, still = owed[owed["owes_regime_change"] > 0.2], owed[owed["owes_regime_change"] <= 0.05]
    assert (len(moved), int(moved["joined"].sum())) == (158, 1)
    assert (len(still), int(still["joined"].sum())) == (350, 26)
    shipped = pd.read_csv(joiningfit.FILE).set_index("term")
    assert shipped.loc["owes_regime_change", "coef"] < -2 * shipped.loc["owes_regime_change", "std_err"]


def test_an_obligation_begins_with_its_unbroken_run_in_atop():
    """The obligation's beginning is the first year of its unbroken run in ATOP: the USA's to
    Britain from NATO's 1949, to Japan from 1951, to Estonia from 2003 (the accession protocols);
    none where there is no obligation."""
    from sim.scenario.yearworld import armed_since

    assert armed_since(2, 200, 2018) == 1949 and armed_since(2, 740, 2018) == 1951 and armed_since(2, 366, 2018) == 2003
    assert armed_since(2, 366, 2000) is None


def test_a_state_bordering_the_other_party_by_land_joins_more_often(data):
    """`land_other` (COW Direct Contiguity v3.2 on the war's first day; Siverson & Starr 1990): of
    the 636 rows whose candidate borders the other side's party by land, 37 joined (5.8%), against
    70 of the other 14,718 (0.48%); the fitted term is positive by more than two standard errors,
    and it multiplies the odds of a state otherwise alike by e^b. Its twin `land_side` is in the
    data set (27 of 636) but not in the equation."""
    for column, joined in (("land_other", 37), ("land_side", 27)):
        rows = data[data[column] == 1]
        assert len(rows) == 636 and int(rows["joined"].sum()) == joined
    assert "land_side" not in COVARIATES
    shipped = pd.read_csv(joiningfit.FILE).set_index("term")
    b, se = shipped.loc["land_other", "coef"], shipped.loc["land_other", "std_err"]
    assert b > 2 * se
    near = np.log1p(500 / 100)
    bordering, not_bordering = probability(_row(log_km=near, land_other=1.0)), probability(_row(log_km=near))
    odds = lambda p: p / (1 - p)  # noqa: E731
    assert odds(bordering[0]) / odds(not_bordering[0]) == pytest.approx(np.exp(b), rel=1e-9)


@pytest.mark.parametrize("warnum", [108, 142, 147])
def test_a_wars_world_borders_as_the_fit_reads_them(data, warnum):
    """The validation's world of a war (`cow_YYYY_prior` with the war's first day) reads land
    contiguity on that day, as the fit's rows do: each candidate's `land_other` on each side equals
    the simulator's :func:`sim.model.joining.land_borders`. The wars are ones whose onset year saw
    borders change (1918 Poland and the Baltic states; 1939 the Soviet Union's new western border;
    1947 India and Pakistan), where a world of the year alone would differ."""
    from sim.engine.simulation import Setup, Simulation
    from sim.history.validation import read_wars, war_scenario
    from sim.model.joining import land_borders

    war = next(w for w in read_wars() if w.warnum == warnum)
    scenario = war_scenario(war)
    assert scenario.world_record.date == war.start
    world = Simulation(Setup(scenario), 1, horizon=1).world
    land = land_borders(scenario, world)
    rows = data[data["warnum"] == warnum]
    for side, party, other in (("A", war.initiator, war.target), ("B", war.target, war.initiator)):
        fitted = rows[rows["side"] == side].set_index("state")["land_other"]
        simulated = {s: land[world.index[s], world.index[other]] for s in fitted.index}
        assert fitted.to_dict() == simulated, (side, party)
    assert rows["land_other"].sum() > 0


def test_a_state_at_war_with_a_third_state_is_bounded_by_its_profile_likelihood(data):
    """`war_third` (pre-registered with `power_third`, docs/validation.md, "Candidate covariates"):
    no candidate already at war with a state that is neither party joined (0 of 282 rows in 36
    wars), so its estimate is the upper end of its profile-likelihood interval, negative as the
    test registered (busy elsewhere), with no standard error; its likelihood-ratio p-value is below
    the 0.05 of the adoption rule. The test's script finds the same statistic."""
    import importlib.util
    from pathlib import Path

    hit = data["war_third"] == 1
    assert int(hit.sum()) == 282 and data.loc[hit, "warnum"].nunique() == 36 and data.loc[hit, "joined"].sum() == 0
    shipped = pd.read_csv(joiningfit.FILE).set_index("term")
    assert shipped.loc["war_third", "coef"] < 0 and np.isnan(shipped.loc["war_third", "std_err"])
    assert shipped.loc["war_third", "p_value"] < 0.05
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "joining_covariates.py"
    spec = importlib.util.spec_from_file_location("joining_covariates", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    tests = script.lr_tests(data).set_index("term")
    assert tests.loc["war_third", "passes_a"] and not tests.loc["power_third", "passes_a"]
    assert tests.loc["power_third", "p_value"] > 0.05


@pytest.mark.parametrize("warnum", [115, 172, 223])
def test_a_wars_world_reads_war_third_as_the_fit_does(data, warnum):
    """Given who fought whom on the war's first day in the record's other wars (held-out wars never
    count), the simulator's :func:`sim.model.joining.covariates` reads each candidate's `war_third`
    as the fit's rows do, on both sides, and the decision loop's reading of the dyads at war
    (:func:`sim.model.joining._third`) equals it. The wars are ones with several busy candidates
    (1920 Poland and the Baltic, 1970 Indochina, 1999 Kosovo)."""
    from sim.engine.simulation import Setup, Simulation
    from sim.history.validation import read_wars, war_scenario
    from sim.model.joining import _third, covariates, setting

    war = next(w for w in read_wars() if w.warnum == warnum)
    scenario = war_scenario(war)
    sim = Simulation(Setup(scenario), 1, horizon=1)
    world = sim.world
    live = joiningfit._live(warnum, war.start)
    codes = {int(c): a for c, a in zip(joiningfit._tables()["members"]["ccode"], joiningfit._tables()["members"]["stateabb"])}
    fighting = np.zeros((world.n, world.n), dtype=bool)
    pairs = live.merge(live, on="warnum", suffixes=("", "_enemy"))
    for c, e in zip(*pairs.loc[pairs["side"] != pairs["side_enemy"], ["ccode", "ccode_enemy"]].to_numpy().T):
        if codes[c] in world.index and codes[e] in world.index:
            fighting[world.index[codes[c]], world.index[codes[e]]] = True
    rows = data[data["warnum"] == warnum]
    st = setting(world, sim.pacts, scenario, sim.forces.power)
    cells = np.flatnonzero(fighting)
    r, c = np.divmod(cells, world.n)
    for side, party, other in (("A", war.initiator, war.target), ("B", war.target, war.initiator)):
        p, o = world.index[party], world.index[other]
        x = covariates(st, p, o, sim.forces.power, fighting)
        fitted = rows[rows["side"] == side].set_index("state")["war_third"]
        simulated = {s: x[world.index[s], COVARIATES.index("war_third")] for s in fitted.index}
        assert fitted.to_dict() == simulated, side
        assert (_third(r, c, p, o, world.n) == x[:, COVARIATES.index("war_third")].astype(bool)).all()
    assert rows["war_third"].sum() >= 4


def test_errors_clustered_by_war_are_the_sandwich_of_the_wars_scores(data):
    """The war-clustered errors are G/(G-1) (N-1)/(N-K) B (sum over wars of s_g s_g') B, B the inverse
    information and s_g a war's score x'(y - p), computed here by hand at the shipped estimates; a
    term at a bound has none."""
    shipped = pd.read_csv(joiningfit.FILE).set_index("term")
    free = [t for t in COVARIATES if not np.isnan(shipped.loc[t, "std_err"])]
    fixed = [t for t in COVARIATES if t not in free]
    x = np.column_stack([np.ones(len(data)), data[free].to_numpy(float)])
    eta = x @ shipped.loc[["const", *free], "coef"].to_numpy() + data[fixed].to_numpy(float) @ shipped.loc[fixed, "coef"]
    p = 1.0 / (1.0 + np.exp(-eta))
    bread = np.linalg.inv((x * (p * (1 - p))[:, None]).T @ x)
    scores = pd.DataFrame(x * (data["joined"].to_numpy(float) - p)[:, None]).groupby(data["warnum"].to_numpy()).sum()
    g, n, k = len(scores), len(x), x.shape[1]
    cov = g / (g - 1) * (n - 1) / (n - k) * bread @ (scores.T.to_numpy() @ scores.to_numpy()) @ bread
    np.testing.assert_allclose(shipped.loc[["const", *free], "std_err_war"], np.sqrt(np.diag(cov)), rtol=1e-5)
    assert shipped.loc[fixed, "std_err_war"].isna().all()
