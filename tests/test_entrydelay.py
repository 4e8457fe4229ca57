"""The delay of a joiner's entry after its war's first day, estimated from the record: the shipped
estimates (sim/data/joining/entry_delay.csv) are the refit's, the schema's defaults are them, and
the estimates (q in closed form, the Weibull's by scipy) are statsmodels' numerical maximum of the
whole likelihood."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sim.history import entrydelay, joiningfit
from sim.scenario.schema import JoiningParams

pytestmark = pytest.mark.xdist_group("joiningfit")
"""Under xdist one worker runs this module with tests/test_joiningfit.py: both read the joining data set (cached)."""


@pytest.fixture(scope="module")
def days() -> np.ndarray:
    return entrydelay.delays()


def test_the_delays_are_the_107_joinings_none_of_the_held_out_wars(days):
    """The 107 joinings of the equation's sample (93 wars, 106 and 139 never read), 47 on day 0."""
    assert len(days) == 107 and int((days == 0).sum()) == 47 and (days >= 0).all()


def test_refit_reproduces_the_shipped_file_and_the_schema_defaults_are_it(days, capsys):
    """Refitting gives the shipped estimates to 1e-6 and standard errors to 1e-4 of themselves (a
    numerical Hessian's), and `check` says so; `parameters.joining`'s defaults are the shipped
    estimates."""
    pytest.importorskip("statsmodels")
    table = entrydelay.table(entrydelay.fit(days))
    shipped = pd.read_csv(entrydelay.FILE)
    assert list(shipped["term"]) == list(entrydelay.TERMS)
    np.testing.assert_allclose(table["estimate"], shipped["estimate"], atol=1e-6)
    np.testing.assert_allclose(table["std_err"], shipped["std_err"], rtol=1e-4)
    assert entrydelay.main(["check"]) == 0
    defaults = JoiningParams()
    read = entrydelay.read(entrydelay.FILE.read_text(encoding="utf-8"))
    for term in entrydelay.TERMS:
        assert getattr(defaults, term) == pytest.approx(read[term][0], abs=1e-9), term
    assert entrydelay.main(["bad"]) == 2


def test_the_estimates_are_the_numerical_maximum_likelihood(days):
    """q = n0 / n (with its closed-form standard error sqrt(q (1 - q) / n)) and the Weibull's shape
    and mean from scipy are the maximum statsmodels' GenericLikelihoodModel finds from a neutral
    start (q 0.5, shape 1, the mean delay), to its optimiser's accuracy."""
    pytest.importorskip("statsmodels")
    est = entrydelay.fit(days)
    params, bse = entrydelay.fit_numerically(days)
    np.testing.assert_allclose(params, [est.share, est.shape, est.mean], rtol=1e-5)
    np.testing.assert_allclose(bse, est.errors, rtol=1e-3)
    assert est.share == pytest.approx(47 / 107)
    assert est.errors[0] == pytest.approx(np.sqrt(est.share * (1 - est.share) / 107), rel=1e-4)
    assert est.cdf(0.0) == pytest.approx(est.share) and est.cdf(1e9) == pytest.approx(1.0)
    assert est.shape + 1.96 * est.errors[1] < 1.0  # shape 1 (the exponential) is outside its 95% interval


def test_the_estimate_recovers_a_known_law():
    """On 20,000 delays drawn from q = 0.3 and a Weibull of shape 0.7 and scale 50 the estimates are
    within 4 standard errors; on exponential delays the shape is 1 within 4."""
    pytest.importorskip("statsmodels")
    rng = np.random.default_rng(4)
    n = 20_000
    sample = np.where(rng.random(n) < 0.3, 0.0, 50.0 * rng.weibull(0.7, n))
    est = entrydelay.fit(sample)
    mean = 50.0 * math.gamma(1.0 + 1.0 / 0.7)
    for value, truth, se in zip((est.share, est.shape, est.mean), (0.3, 0.7, mean), est.errors):
        assert abs(value - truth) < 4 * se, (value, truth, se)
    exponential = entrydelay.fit(np.where(rng.random(n) < 0.3, 0.0, rng.exponential(50.0, n)))
    assert abs(exponential.shape - 1.0) < 4 * exponential.errors[1]
    with pytest.raises(ValueError, match="days >= 0"):
        entrydelay.fit(np.array([-1.0, 2.0]))
    with pytest.raises(ValueError, match="both kinds"):
        entrydelay.fit(np.array([0.0, 0.0, 1.0]))


def test_the_exponential_against_a_weibull_and_a_lognormal(days):
    """The comparison the docs report (docs/model.md, "Joining", Timing): on the 60 later delays the
    Weibull (shape < 1: more short and more long delays than an exponential) fits better than the
    exponential, by AIC and by the likelihood-ratio test of shape 1, and better than a lognormal by
    AIC: the law the simulator uses."""
    table = entrydelay.alternatives(days).set_index("law")
    assert table.loc["weibull", "aic"] < table.loc["lognormal", "aic"] < table.loc["exponential", "aic"]
    assert table.loc["exponential", "aic"] - table.loc["weibull", "aic"] == pytest.approx(9.50, abs=0.01)
    assert table.loc["weibull", "lr_p_value"] == pytest.approx(0.0007, abs=0.0001)


def test_each_fold_fits_the_delay_law_without_its_war_or_era():
    """The validation's folds: a war's (q, k, m) are the fit of the other wars' delays (and of the
    other eras' for `era`), so that its entries' timing is scored out of sample."""
    frame = joiningfit.dataset()
    joined = frame[frame["joined"] == 1]
    for folds, key in (("war", "warnum"), ("era", "era")):
        got = entrydelay.fold_estimates(folds, (211, 55))
        for war in (211, 55):
            value = joined.loc[joined["warnum"] == war, key].iloc[0]
            days = joined.loc[joined[key] != value, "entry_day"].to_numpy(float)
            expected = entrydelay.fit(days)
            np.testing.assert_allclose(got[war], (expected.share, expected.shape, expected.mean), rtol=1e-9)
    assert entrydelay.fold_estimates("war", (211,))[211][0] > entrydelay.fit(entrydelay.delays()).share  # 12 later


def test_a_parameter_the_user_sets_is_not_replaced_by_a_fold():
    """`validation --set` of a fold's parameter keeps the user's value (the fold's others still come)."""
    from sim.history.validation_report import fold_overrides

    given = ["parameters.joining.entry_mean_days=100", "parameters.joining.coefficients=[0]"]
    paths = [text.split("=", 1)[0] for text in fold_overrides("war", [211], given)[211]]
    assert paths == ["parameters.joining.entry_first_day_share", "parameters.joining.entry_delay_shape"]
    paths = [text.split("=", 1)[0] for text in fold_overrides("war", [211])[211]]
    assert "parameters.joining.entry_mean_days" in paths
