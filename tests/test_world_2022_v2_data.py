"""The v2 data files of the bundled 2022 world: ids, ranges, sources, quality flags, keys.

Standard library only (csv); the files are data, not read by the loader yet.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

WORLD = Path(__file__).resolve().parents[1] / "sim" / "data" / "world_2022"
REGIONS = {"europe", "north_america", "north_atlantic", "asia", "indo_pacific", "oceania", "middle_east"}
QUALITY = {"verified", "approx", "estimate", "coding_choice", "no_figure"}
PACT_IDS = {"NATO", "CSTO", "RUS_BLR", "ANZUS", "US_JPN", "US_ROK", "US_PHL",
            "CHN_PRK", "RUS_CHN", "TRA", "AUKUS", "QUAD", "FPDA"}


def rows(name: str) -> list[dict[str, str]]:
    with open(WORLD / name, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        data = list(reader)
    assert all(None not in row and None not in row.values() for row in data), f"{name}: ragged row"
    return data


STATES = {row["iso3"] for row in rows("states.csv")}


def keys_unique(data, *cols):
    keys = [tuple(row[c] for c in cols) for row in data]
    return len(keys) == len(set(keys))


@pytest.mark.parametrize("name", ["nuclear.csv", "nuclear_sharing.csv", "claims.csv", "revisionism.csv",
                                  "deployments.csv", "reliability.csv"])
def test_every_row_has_a_source_and_a_documented_quality(name):
    data = rows(name)
    assert data
    readme = (WORLD / "README.md").read_text(encoding="utf-8")
    for row in data:
        assert row["source"].strip(), row
        assert row["quality"] in QUALITY, row
        assert f"`{row['quality']}`" in readme, row["quality"]


def test_nuclear():
    data = rows("nuclear.csv")
    assert keys_unique(data, "state")
    states = {row["iso3"]: row for row in rows("states.csv")}
    assert {row["state"] for row in data} == {s for s, r in states.items() if r["nuclear"] == "true"}
    for row in data:
        total, deployed = int(row["warheads_total"]), int(row["warheads_deployed"])
        assert 0 <= deployed <= total
        assert total == int(states[row["state"]]["warheads_2022"])
        assert row["second_strike"] in {"true", "false"}
        assert row["second_strike_quality"] in {"consensus", "coding_choice"}
        assert row["delivery"]
    assert sum(int(r["warheads_deployed"]) for r in data) == 3732  # SIPRI: all deployed warheads, Jan 2022


def test_nuclear_sharing():
    data = rows("nuclear_sharing.csv")
    assert keys_unique(data, "host", "base")
    for row in data:
        assert row["owner"] in STATES and row["host"] in STATES
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
        assert 0 <= int(row["weapons_low"]) <= int(row["weapons"]) <= int(row["weapons_high"])
    assert {row["host"] for row in data} == {"BEL", "DEU", "ITA", "NLD", "TUR"}


def test_claims():
    data = rows("claims.csv")
    assert keys_unique(data, "claimant", "target", "object")
    for row in data:
        assert row["claimant"] in STATES and row["target"] in STATES and row["claimant"] != row["target"]
        assert row["kind"] in {"territorial", "regime", "status"}
        assert row["salience"] in {"1", "2", "3"}
        assert float(row["stake_value"]) == {"1": 0.3, "2": 0.6, "3": 1.0}[row["salience"]]
        assert 1700 <= int(row["since_year"]) <= 2022
        assert row["activity"] in {"war", "militarised", "active", "dormant", "restoration"}


def test_revisionism_covers_every_state_once():
    data = rows("revisionism.csv")
    assert keys_unique(data, "state")
    assert {row["state"] for row in data} == STATES
    for row in data:
        assert 0.0 <= float(row["revisionist"]) <= 1.0
        assert row["basis"].strip()


def test_revisionism_follows_the_claims_rule():
    """revisionist = max over the state's claims of stake_value x activity factor (README)."""
    factor = {"war": 1.0, "militarised": 0.7, "active": 0.4, "dormant": 0.1, "restoration": 0.0}
    claims = rows("claims.csv")
    for row in rows("revisionism.csv"):
        own = [float(c["stake_value"]) * factor[c["activity"]] for c in claims if c["claimant"] == row["state"]]
        assert float(row["revisionist"]) == pytest.approx(max(own, default=0.0), abs=0.005), row["state"]


def test_deployments():
    data = rows("deployments.csv")
    assert keys_unique(data, "state", "location")
    territories = {(r["owner"], r["name"]) for r in rows("territories.csv")}
    for row in data:
        assert row["state"] in STATES
        assert row["host"] == "" or (row["host"] in STATES and row["host"] != row["state"])
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
        if row["personnel"]:
            assert 0 < int(row["personnel"]) <= 100_000
        else:
            assert row["quality"] == "no_figure"
        assert row["kind"] in {"base", "deployment", "naval", "territory"}
        regions = row["regions"].split(";")
        assert regions and set(regions) <= REGIONS, row["regions"]
        assert (row["state"], row["location"]) not in territories


def test_reliability():
    data = rows("reliability.csv")
    assert keys_unique(data, "pact")
    assert {row["pact"] for row in data} == PACT_IDS
    for row in data:
        for col in ("reliability_leeds", "reliability_bf", "reliability_bf_post1945"):
            assert 0.0 <= float(row[col]) <= 1.0
        assert row["note"].strip()
