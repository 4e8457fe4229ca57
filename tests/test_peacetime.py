"""Peacetime rates: dyads and strata, the MID record's counts, and the command."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from clirun import cli

from sim.history import peacetime as pt
from sim.scenario.loading import load_scenario

DATA = Path(__file__).resolve().parents[1] / "sim" / "data" / "peacesciencer"


@pytest.fixture(scope="module")
def year_1955():
    table = pt.model_force(1955, 2, 0)
    return pd.concat([table, pt.record_force(1955, table)], axis=1)


def test_every_undirected_dyad_once(year_1955):
    """n states give n (n - 1) / 2 dyads, each with a distance, a capability ratio >= 1 and a rivalry flag."""
    n = len(load_scenario({"name": "p", "world": "cow_1955"}).states)
    assert len(year_1955) == n * (n - 1) // 2
    assert (year_1955["capability_ratio"] >= 1).all() and year_1955["rivalry"].isin([0, 1]).all()
    assert year_1955[(year_1955["a"] == "USA") & (year_1955["b"] == "RUS")]["rivalry"].item() == 1


def test_record_counts_mid_onsets_with_force(year_1955):
    """The record's uses of force in 1955 are the dyads of MIDs begun that year with hostility >= 4,
    counted from the GML file directly; every use of force is also a display or more."""
    mids = pd.read_csv(DATA / "gml_mid_dyadyears.csv")
    mids = mids[(mids["year"] == 1955) & (mids["onset"] == 1) & (mids["world_war"] == 0)
                & (mids[["hostlev1", "hostlev2"]].max(axis=1) >= 4)]
    states = pd.read_csv(DATA / "cow_state_years.csv")
    members = set(states[states["year"] == 1955]["ccode"])
    pairs = {frozenset(p) for p in zip(mids["ccode1"], mids["ccode2"]) if set(p) <= members}
    assert year_1955["record_use_of_force"].sum() == len(pairs) > 0
    assert (year_1955["record_display_or_more"] >= year_1955["record_use_of_force"]).all()


def test_rates_and_intervals():
    """Rates are counts over dyad-years, inside their Clopper-Pearson intervals."""
    frame = pd.DataFrame({"distance_km": [500.0, 5000.0], "capability_ratio": [2.0, 20.0], "rivalry": [1, 0],
                          "reps": [10, 10], "model_use_of_force": [5, 0], "model_display_or_more": [6, 1],
                          "record_use_of_force": [1, 0], "record_display_or_more": [1, 0]})
    rates = pt.rates(frame)
    row = rates[(rates["threshold"] == "use_of_force") & (rates["stratum"] == "all")].iloc[0]
    assert row["model_rate"] == 5 / 20 and row["record_rate"] == 0.5
    assert row["model_low"] < row["model_rate"] < row["model_high"]
    rivals = rates[(rates["threshold"] == "use_of_force") & (rates["value"] == "rivals")].iloc[0]
    assert rivals["model_rate"] == 0.5 and rivals["dyad_years"] == 1


def test_command_refuses_held_out_years(tmp_path):
    """`--years 1916` is inside the held-out war years: exit 2 without a traceback."""
    done = cli("peacetime", "--years", "1916", "--out", tmp_path / "p")
    assert done.returncode == 2 and "held-out" in done.stderr and "Traceback" not in done.stderr


def test_command_help_names_the_default_years():
    """The help of `--years` (written out so the parser needs no simulation imports) matches the
    defaults: every year the hazard's fit held out (SCORE_YEARS: every fifth from 1820 to 2010 but
    the held-out war years 1915, 1940, 1945), and YEARS with `--fit`."""
    import argparse

    from sim.cli.commands import peacetime as command

    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    help_text = parser.format_help().replace("\n", "").replace(" ", "")
    assert ",".join(map(str, pt.YEARS)) in help_text and "from1820to2010but1915,1940and1945" in help_text
    assert command._years(None) == list(pt.SCORE_YEARS) and command._years(None, fit=True) == list(pt.YEARS)
    assert pt.SCORE_YEARS == tuple(y for y in range(1820, 2011, 5) if y not in (1915, 1940, 1945))
