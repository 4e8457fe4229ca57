"""`alliance-sim joiners` (`sim.analysis.joiners`): the chances the fitted joining decision gives
each state on each side of a war, and the terms that carry them, are the ones the simulator's
decision reads on that war's first day."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from clirun import cli

import sim.engine.simulation as engine
from sim.analysis.joiners import GROUPS, TERMS, carried_by, explain
from sim.engine.simulation import Setup, Simulation
from sim.execution.runner import replication_seeds
from sim.scenario.loading import load_scenario

STATES = {"AGG": (50.0, 10.0, 40.0), "NEU": (50.0, 14.0, 10.0), "ALLY": (50.5, 16.0, 5.0),
          "TWIN": (49.5, 16.0, 5.0), "FAR": (-35.0, 150.0, 5.0), "GPA": (40.0, -100.0, 300.0)}


def _scenario():
    states = {s: {"lat": lat, "lon": lon, "power": p} for s, (lat, lon, p) in STATES.items()}
    return load_scenario({"name": "joiners", "world": "empty", "states": states, "horizon_days": 60,
                          "alliances": {"P": {"type": "defence", "members": ["NEU", "ALLY"]}},
                          "timeline": [{"at": 0, "do": "attack", "actor": "AGG", "target": "NEU", "level": 6,
                                        "hold_days": 60}]})


def test_the_chances_are_those_of_the_decision_on_the_wars_first_day(monkeypatch):
    """In a run where AGG attacks NEU on day 0, the joining decision's first-day hazards are h = p q
    for each side: divided by q they are `explain`'s p, state by state, to rounding."""
    scenario = _scenario()
    seen = []
    real = engine.join_entries

    def recording(x, coef, low, high, since, interval, scale, shape, first_share, free, u, h):
        joiners = real(x, coef, low, high, since, interval, scale, shape, first_share, free, u, h)
        if since == 0.0 and interval == 0.0:
            seen.append((np.array(h), first_share))
        return joiners

    monkeypatch.setattr(engine, "join_entries", recording)
    sim = Simulation(Setup(scenario), replication_seeds(scenario.seed, 1)[0])
    sim.run()
    assert len(seen) == 2  # the war's two sides, decided once on its first day
    table = explain(scenario, "AGG", "NEU")
    ids = sim.world.ids
    for (h, q), side in zip(seen, ("AGG", "NEU")):
        expected = table[table["side"] == side].set_index("state")["p"]
        got = pd.Series(h / q, index=ids).drop(["AGG", "NEU"])
        np.testing.assert_allclose(got[expected.index], expected, rtol=1e-12, atol=0)


def test_the_terms_add_up_to_the_log_odds_and_the_ally_is_carried_by_its_treaty():
    """Each row's terms sum to logit(p); the first-day and 30-day chances are p q and p G(30) of the
    schema's delay law; ALLY, bound to NEU, is likelier on NEU's side than its unallied twin, by its
    treaty; `either` joins the two sides as independent decisions."""
    table = explain(_scenario(), "AGG", "NEU")
    logit = np.log(table["p"] / (1 - table["p"]))
    np.testing.assert_allclose(table[list(TERMS)].sum(axis=1), logit, rtol=1e-9, atol=1e-9)
    params = _scenario().parameters.joining
    q, k = params.entry_first_day_share, params.entry_delay_shape
    scale = params.entry_mean_days / math.gamma(1 + 1 / k)
    np.testing.assert_allclose(table["first_day"], table["p"] * q, rtol=1e-12)
    np.testing.assert_allclose(table["within_30_days"], table["p"] * (1 - (1 - q) * math.exp(-((30 / scale) ** k))),
                               rtol=1e-12)
    row = table[(table["state"] == "ALLY") & (table["side"] == "NEU")].iloc[0]
    twin = table[(table["state"] == "TWIN") & (table["side"] == "NEU")].iloc[0]
    assert row["p"] > 3 * twin["p"] and row["owes_side"] > 1.0 and twin["owes_side"] == 0.0
    assert carried_by(row).startswith("treaty +")
    pivot = table.pivot(index="state", columns="side", values="p")
    np.testing.assert_allclose(table.set_index("state")["either"].groupby(level=0).first()[pivot.index],
                               1 - (1 - pivot["AGG"]) * (1 - pivot["NEU"]), rtol=1e-12)
    assert sorted(t for g in GROUPS.values() for t in g) == sorted(TERMS[1:])  # every term in one group


def test_the_command_prints_the_likeliest_and_writes_every_row(tmp_path):
    out = tmp_path / "joiners.csv"
    done = cli("joiners", "taiwan_strait_war", "CHN", "USA", "--at", "Okinawa", "--top", "5", "--out", out)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("taiwan_strait_war: CHN attacks USA at Okinawa")
    assert len([line for line in lines[2:] if not line.startswith("->")]) == 5
    table = pd.read_csv(out)
    japan = table[(table["state"] == "JPN") & (table["side"] == "USA")].iloc[0]
    assert japan["owes_side"] > 1.0  # the US-Japan treaty's casus foederis: an attack on US forces in Japan
    assert any(line.split()[0] == "JPN" for line in lines[2:7])  # among the five likeliest
    again = cli("joiners", "taiwan_strait_war", "CHN", "USA", "--out", out)
    assert again.returncode == 2 and "--force" in again.stderr


@pytest.mark.parametrize("args, words", [
    (("CHN", "TWM"), "did you mean 'TWN'"),
    (("CHN", "CHN"), "cannot attack itself"),
    (("CHN", "TWN", "--at", "Mars"), "has no territory 'Mars'"),
    (("CHN", "TWN", "--top", "0"), "--top must be 1 or more"),
])
def test_bad_input_is_a_clear_error(args, words):
    done = cli("joiners", "taiwan_strait_war", *args)
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr


def test_a_bad_out_is_refused_before_any_work(tmp_path):
    """`--out` in a folder that does not exist, or naming a folder, exits 2 naming the path; nothing is written."""
    (tmp_path / "a_folder").mkdir()
    for out, words in ((tmp_path / "missing" / "j.csv", "does not exist: make it first"),
                       (tmp_path / "a_folder", "is a folder or a link")):
        done = cli("joiners", "taiwan_strait_war", "CHN", "TWN", "--out", out, "--force")
        assert done.returncode == 2 and words in done.stderr and str(out) in done.stderr, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_folder"] and not any((tmp_path / "a_folder").iterdir())
