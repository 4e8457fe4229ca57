"""The delay of a joiner's entry after its war's first day, estimated from the record: the shipped
estimates (sim/data/joining/entry_delay.csv) are the refit's, the schema's defaults are them, and
the closed-form maximum-likelihood estimates are statsmodels' numerical ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.history import entrydelay
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
    """Refitting gives the shipped estimates and standard errors to 1e-6 (and `check` says so);
    `parameters.joining`'s defaults are the shipped estimates."""
    table = entrydelay.table(entrydelay.fit(days))
    shipped = pd.read_csv(entrydelay.FILE)
    assert list(shipped["term"]) == list(entrydelay.TERMS)
    np.testing.assert_allclose(table["estimate"], shipped["estimate"], atol=1e-6)
    np.testing.assert_allclose(table["std_err"], shipped["std_err"], atol=1e-6)
    assert entrydelay.main(["check"]) == 0
    defaults = JoiningParams()
    read = entrydelay.read(entrydelay.FILE.read_text(encoding="utf-8"))
    assert defaults.entry_first_day_share == pytest.approx(read["entry_first_day_share"][0], abs=1e-9)
    assert defaults.entry_mean_days == pytest.approx(read["entry_mean_days"][0], abs=1e-9)
    assert entrydelay.main(["bad"]) == 2


def test_closed_form_is_the_numerical_maximum_likelihood(days):
    """q = n0 / n and m = the mean of the positive delays, with observed-information standard errors,
    are the estimates statsmodels' GenericLikelihoodModel finds (to its optimiser's and numerical
    Hessian's accuracy)."""
    pytest.importorskip("statsmodels")
    closed = entrydelay.fit(days)
    params, bse = entrydelay.fit_numerically(days)
    np.testing.assert_allclose(params, [closed.share, closed.mean], rtol=1e-6)
    np.testing.assert_allclose(bse, [closed.share_se, closed.mean_se], rtol=1e-3)
    assert closed.share == pytest.approx(47 / 107) and closed.mean == pytest.approx(days[days > 0].mean())


def test_the_estimate_recovers_a_known_law():
    """On 20,000 delays drawn from q = 0.3, m = 50 the estimates are within 4 standard errors."""
    rng = np.random.default_rng(4)
    n = 20_000
    sample = np.where(rng.random(n) < 0.3, 0.0, rng.exponential(50.0, n))
    est = entrydelay.fit(sample)
    assert abs(est.share - 0.3) < 4 * est.share_se and abs(est.mean - 50.0) < 4 * est.mean_se
    assert est.cdf(0.0) == pytest.approx(est.share) and est.cdf(1e9) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="days >= 0"):
        entrydelay.fit(np.array([-1.0, 2.0]))
    with pytest.raises(ValueError, match="both kinds"):
        entrydelay.fit(np.array([0.0, 0.0]))


def test_the_exponential_against_a_weibull_and_a_lognormal(days):
    """The comparison the docs report (docs/model.md, "Joining", Timing): on the 60 later delays the
    Weibull (shape < 1: more short and more long delays than an exponential) fits better, by AIC and
    by the likelihood-ratio test of shape 1; the exponential is kept (one parameter, the record's
    mean) and the gap is stated."""
    table = entrydelay.alternatives(days).set_index("law")
    assert table.loc["weibull", "aic"] < table.loc["lognormal", "aic"] < table.loc["exponential", "aic"]
    assert table.loc["exponential", "aic"] - table.loc["weibull", "aic"] == pytest.approx(9.50, abs=0.01)
    assert table.loc["weibull", "lr_p_value"] == pytest.approx(0.0007, abs=0.0001)
