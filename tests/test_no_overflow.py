"""The model's arithmetic does not overflow at the edges of its declared ranges (a distance
exponent of 1e6, an honour threat shift of 1e6), and gives every bit the plain formulas give
wherever those did not overflow."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from sim.model.honour import honour_probabilities, logistic
from sim.model.perception import gradient


def _plain_gradient(d, half, exponent):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + (np.asarray(d) / half) ** exponent), ~np.isfinite((np.asarray(d) / half) ** exponent)


def _plain_logistic(x):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x)), ~np.isfinite(np.exp(-x))


@pytest.mark.parametrize("exponent", [0.5, 2.0, 3.7, 40.0, 1e3, 1e6])
@pytest.mark.parametrize("half", [1.0, 500.0, 3000.0])
def test_gradient_never_overflows_and_keeps_every_bit(exponent, half):
    d = np.concatenate([np.random.default_rng(3).uniform(0, 20_000, 20_000), [0.0, half, 1e300]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning fails the test
        new = gradient(d, half, exponent)
    old, overflowed = _plain_gradient(d, half, exponent)
    assert np.array_equal(new[~overflowed].view(np.int64), old[~overflowed].view(np.int64))
    # where the plain formula overflowed (1 / (1 + inf) = 0), the true value is below 2**-1024
    assert np.all((new[overflowed] >= 0) & (new[overflowed] < 5.6e-309))
    assert new[-3] == 1.0 and new[-2] == 0.5 and np.all(np.diff(new[np.argsort(d)]) <= 0)


def test_logistic_never_overflows_and_keeps_every_bit():
    x = np.concatenate([np.random.default_rng(4).normal(0, 400, 50_000), [-1e6, -745.0, -709.0, 0.0, 709.0, 1e6]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        new = logistic(x)
        p = honour_probabilities(np.array([0.5, 0.3, 0.0, 1.0]), np.array([-1e3, 1e3, 5.0, 5.0]), 0.0, 1e6)
    old, overflowed = _plain_logistic(x)
    assert overflowed.any() and np.array_equal(new[~overflowed].view(np.int64), old[~overflowed].view(np.int64))
    assert np.all((new[overflowed] >= 0) & (new[overflowed] < 5.6e-309))
    assert p.tolist() == [0.0, 1.0, 0.0, 1.0]
