"""Who joins a war, on which side: the fitted joining equation (model v3, part 1).

A state `c` that is not a party to a war between a side led by `P_s` and one led by `P_o` joins
side `s` by the war's end with probability

    p_s = logistic(b0 + b . x(c, s)),

the covariates `x` (:data:`COVARIATES`) being opportunity (distance from c's capital to the
nearer of the two parties' capitals, major-power status and its reach: the two interacted) and
willingness (c's treaty obligation of defence or offence to P_s and to P_o, the similarity of
c's alliance portfolio with each: Signorino & Ritter's S over ATOP, a strategic rivalry with
either, being already at war with the other, and side s's share of the two parties' capabilities,
whose sign says whether states bandwagon or balance). Siverson & Starr (1991) for opportunity
and willingness; Joyce, Ghosn & Bayer (2013) for the covariates of joining; Signorino & Ritter
(1999) for S; Schweller (1994) for bandwagoning.

The coefficients are maximum-likelihood estimates on the COW inter-state wars other than the
held-out 106 and 139, shipped in `sim/data/joining/coefficients.csv` with their standard errors
and refitted by `python -m sim.analysis.joiningfit refit` (docs/model.md, "Joining"). This module
only reads them: it needs numpy, not statsmodels.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

import numpy as np

__all__ = ["COVARIATES", "Coefficients", "coefficients", "probability", "any_side", "hazard"]

COVARIATES = ("log_km", "major", "major_x_log_km", "owes_side", "owes_other", "s_side", "s_other",
              "rival_side", "rival_other", "war_other", "share_side")
"""The joining equation's covariates, in the coefficient file's order (after `const`):

* `log_km`: ln(1 + km/100), km from the state's capital to the nearer of the two parties' capitals;
* `major`: 1 for a COW major power; `major_x_log_km` the two multiplied (a major power's reach);
* `owes_side`, `owes_other`: 1 when the state owes the side's (the other side's) party a defence
  or offence obligation (ATOP, directed: the casus foederis of the state's treaty);
* `s_side`, `s_other`: Signorino & Ritter's S of the two alliance portfolios (ATOP levels
  3 defence or offence, 2 neutrality or non-aggression, 1 consultation, 0 none), in [-1, 1];
* `rival_side`, `rival_other`: 1 for a Thompson & Dreyer strategic rivalry with the party;
* `war_other`: 1 when the state is already at war with the other side's party (another war; its
  twin `war_side` is left out: no state in the record joined the side of a party it was fighting,
  so its estimate runs to minus infinity);
* `share_side`: the side's party's share of the two parties' capabilities (CINC)."""


class Coefficients:
    """The fitted equation: `const` and one coefficient per covariate, with standard errors."""

    def __init__(self, rows: list[dict]):
        self.names = [r["term"] for r in rows]
        expected = ["const", *COVARIATES]
        if self.names != expected:
            raise ValueError(f"coefficient terms {self.names}, expected {expected}")
        self.values = np.array([float(r["coef"]) for r in rows])
        self.errors = np.array([float(r["std_err"]) for r in rows])

    def linear(self, x: np.ndarray) -> np.ndarray:
        """b0 + b . x for rows `x` (n x len(COVARIATES))."""
        return self.values[0] + np.asarray(x, dtype=float) @ self.values[1:]


def read_coefficients(text: str) -> Coefficients:
    """Coefficients from the CSV text `term,coef,std_err,...`."""
    return Coefficients(list(csv.DictReader(io.StringIO(text))))


@functools.cache
def coefficients() -> Coefficients:
    """The shipped coefficients (`sim/data/joining/coefficients.csv`)."""
    text = (resources.files("sim") / "data" / "joining" / "coefficients.csv").read_text(encoding="utf-8")
    return read_coefficients(text)


def probability(x: np.ndarray, coef: Coefficients | None = None) -> np.ndarray:
    """p_s: the chance that each row's state joins the row's side by the war's end."""
    eta = (coef or coefficients()).linear(x)
    return 1.0 / (1.0 + np.exp(-eta))


def any_side(p_a: np.ndarray, p_b: np.ndarray) -> np.ndarray:
    """The chance of joining either side, the two decisions taken independently."""
    return 1.0 - (1.0 - p_a) * (1.0 - p_b)


def hazard(p: np.ndarray, days: float, interval: float) -> np.ndarray:
    """The constant chance per decision interval that makes `p` by the end of `days`:
    1 - (1 - p) ** (interval / days)."""
    return 1.0 - (1.0 - np.clip(p, 0.0, 1.0 - 1e-12)) ** (interval / max(days, interval))
