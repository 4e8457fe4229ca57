"""Invariants of the peace-science CSVs shipped in sim/data/peacesciencer.

These read the files directly (standard library, numpy, pandas); they do not
import sim. The figures checked here are the ones stated in that folder's
README.md.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

DATA = Path(__file__).resolve().parent.parent / "sim" / "data" / "peacesciencer"
WORLD_WARS = {106, 139}
ATOP_FLAGS = ["defense", "offense", "neutral", "nonagg", "consul"]

HEADERS = {
    "cow_nmc.csv": "ccode,year,milex,milper,irst,pec,tpop,upop,cinc",
    "cow_states.csv": "ccode,stateabb,statenme,styear,stmonth,stday,endyear,endmonth,endday",
    "cow_state_years.csv": "ccode,stateabb,year",
    "cow_capitals.csv": "ccode,statenme,capital,start_date,end_date,start_year,end_year,lat,lng",
    "cow_majors.csv": "ccode,stateabb,styear,stmonth,stday,endyear,endmonth,endday",
    "cow_contdir.csv": "ccode1,ccode2,conttype,start_date,end_date",
    "atop_alliance_spells.csv": "ccode1,ccode2,defense,offense,neutral,nonagg,consul,start_year,end_year",
    "cow_war_inter_participants.csv": (
        "warnum,ccode,stateabb,side,initiator,outcome,batdeath,first_year,last_year,resumed,world_war"
    ),
    "cow_war_inter_dyadyears.csv": (
        "warnum,ccode1,ccode2,year,onset,resume,side1,side2,initiator1,initiator2,world_war"
    ),
    "cow_war_inter_dates.csv": "warnum,ccode,side,war_name,start1,end1,start2,end2,where_fought,world_war",
    "cow_democracy.csv": "ccode,year,euds,aeuds,polity2,v2x_polyarchy",
    "td_rivalries.csv": "rivalryno,rivalryname,ccode1,ccode2,styear,endyear,region,type1,type2,type3",
    "terrthreat.csv.gz": "ccode,year,lterrthreat,sd,lwr,upr,m_lterrthreat,m_sd,m_lwr,m_upr",
    "gml_mid_dyadyears.csv": (
        "dispnum,ccode1,ccode2,year,onset,sidea1,sidea2,orig1,orig2,hiact1,hiact2,"
        "hostlev1,hostlev2,fatality1,fatality2,hiact,hostlev,fatality,world_war"
    ),
}

KEYS = {
    "cow_nmc.csv": ["ccode", "year"],
    "cow_states.csv": ["ccode", "styear", "stmonth", "stday"],
    "cow_state_years.csv": ["ccode", "year"],
    "cow_capitals.csv": ["ccode", "start_date"],
    "cow_majors.csv": ["ccode", "styear"],
    "cow_contdir.csv": ["ccode1", "ccode2", "start_date"],
    "atop_alliance_spells.csv": ["ccode1", "ccode2", "start_year"],
    "cow_war_inter_participants.csv": ["warnum", "ccode", "side"],
    "cow_war_inter_dyadyears.csv": ["warnum", "ccode1", "ccode2", "year", "resume"],
    "cow_war_inter_dates.csv": ["warnum", "ccode", "side"],
    "cow_democracy.csv": ["ccode", "year"],
    "td_rivalries.csv": ["rivalryno"],
    "terrthreat.csv.gz": ["ccode", "year"],
    "gml_mid_dyadyears.csv": ["dispnum", "ccode1", "ccode2", "year"],
}

YEAR_RANGES = {  # column: (min, max) as stated in the README
    "cow_nmc.csv": ("year", 1816, 2022),
    "cow_state_years.csv": ("year", 1816, 2016),
    "cow_democracy.csv": ("year", 1816, 2025),
    "cow_war_inter_dyadyears.csv": ("year", 1823, 2003),
    "terrthreat.csv.gz": ("year", 1816, 2010),
    "gml_mid_dyadyears.csv": ("year", 1816, 2010),
}


def raw_text(name: str) -> str:
    data = (DATA / name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def manifest() -> pd.DataFrame:
    return pd.read_csv(DATA / "manifest.csv")


def test_manifest_lists_exactly_the_shipped_tables(manifest):
    assert sorted(manifest["file"]) == sorted(HEADERS)
    # COW's own file and isard's democracy scores, not peacesciencer's
    elsewhere = manifest["file"].isin(["cow_war_inter_dates.csv", "cow_democracy.csv"])
    assert manifest.loc[elsewhere, "peacesciencer_commit"].isna().all()
    assert set(manifest.loc[~elsewhere, "peacesciencer_commit"]) == {"fe150a2648056fbd4fbbbd833f0c9e437b2ed04b"}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_header_rows_and_checksum_match_manifest(name, manifest):
    text = raw_text(name)
    assert "\r" not in text
    assert text.endswith("\n")
    assert text.split("\n", 1)[0] == HEADERS[name]
    row = manifest.set_index("file").loc[name]
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == row["sha256_of_csv_text"]
    body = list(csv.reader(text.splitlines()[1:]))
    assert len(body) == row["rows"]
    assert {len(r) for r in body} == {len(HEADERS[name].split(","))}


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_keys_unique_and_rows_sorted(name):
    frame = load(name)
    key = KEYS[name]
    assert not frame.duplicated(subset=key).any()
    assert frame.equals(frame.sort_values(key, kind="mergesort").reset_index(drop=True))


def test_plain_files_are_small_and_gzip_is_deterministic():
    for path in DATA.iterdir():
        if path.suffix == ".csv":
            assert path.stat().st_size <= 2_000_000, path.name
        if path.suffix == ".gz":
            header = path.read_bytes()[:10]
            assert header[4:8] == b"\0\0\0\0"  # mtime 0
            assert header[3] & 0x08 == 0  # no embedded file name


@pytest.mark.parametrize("name", sorted(YEAR_RANGES))
def test_year_ranges(name):
    col, low, high = YEAR_RANGES[name]
    years = load(name)[col]
    assert (years.min(), years.max()) == (low, high)


def test_state_years_are_covered_by_capabilities():
    nmc = load("cow_nmc.csv")
    years = load("cow_state_years.csv")
    merged = years.merge(nmc[["ccode", "year"]], how="left", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (nmc.loc[nmc["year"] > 2016, "year"] <= 2022).all()


def test_usa_is_a_major_power_in_1950_and_germany_is_not_in_1946():
    majors = load("cow_majors.csv")

    def major(ccode, year):
        rows = majors[majors["ccode"] == ccode]
        return bool(((rows["styear"] <= year) & (rows["endyear"] >= year)).any())

    assert major(2, 1950)
    assert not major(2, 1890)
    assert not major(255, 1946)
    assert major(365, 1950)


def test_capital_spells_and_coordinates():
    caps = load("cow_capitals.csv")
    assert caps["lat"].between(-90, 90).all() and caps["lng"].between(-180, 180).all()
    assert (caps["start_date"] < caps["end_date"]).all()
    brazil = caps[caps["ccode"] == 140].sort_values("start_date")
    assert list(brazil["capital"]) == ["Rio de Janeiro", "Brasilia"]
    assert brazil["start_year"].iloc[1] == 1960


def test_atop_spells_expand_to_the_source_dyad_years():
    spells = load("atop_alliance_spells.csv")
    assert (spells["end_year"] >= spells["start_year"]).all()
    assert set(np.unique(spells[ATOP_FLAGS].to_numpy())) <= {0, 1}
    lengths = spells["end_year"] - spells["start_year"] + 1
    assert (
        int(lengths.sum()) == 273_296
    )  # rows of peacesciencer's atop_alliance (ATOP 5.1)
    # Spells of one dyad never overlap, and touching spells differ in some flag (maximal runs).
    following = spells.groupby(["ccode1", "ccode2"]).shift(-1)
    has_next = following["start_year"].notna()
    assert (
        following.loc[has_next, "start_year"] > spells.loc[has_next, "end_year"]
    ).all()
    touching = has_next & (following["start_year"] == spells["end_year"] + 1)
    same_flags = (following[ATOP_FLAGS] == spells[ATOP_FLAGS]).all(axis=1)
    assert not (touching & same_flags).any()
    # Every directed dyad appears in both directions.
    pairs = set(zip(spells["ccode1"], spells["ccode2"]))
    assert all((b, a) in pairs for a, b in pairs)


def test_war_counts_and_world_war_flag():
    parts = load("cow_war_inter_participants.csv")
    assert parts["warnum"].nunique() == 95
    assert len(parts) == 337
    assert (parts["world_war"] == parts["warnum"].isin(WORLD_WARS).astype(int)).all()
    kept = parts[parts["world_war"] == 0]
    assert kept["warnum"].nunique() == 93
    assert len(kept) == 293
    dyads = load("cow_war_inter_dyadyears.csv")
    assert (dyads["world_war"] == dyads["warnum"].isin(WORLD_WARS).astype(int)).all()
    assert set(dyads["warnum"]) == set(parts["warnum"])


def test_every_war_has_two_sides_and_an_initiator():
    parts = load("cow_war_inter_participants.csv")
    assert set(parts["side"]) == {1, 2}
    assert (parts.groupby("warnum")["side"].nunique() == 2).all()
    assert set(parts["initiator"]) == {0, 1}
    initiators = parts[parts["initiator"] == 1]
    assert set(initiators["warnum"]) == set(parts["warnum"])
    assert (initiators.groupby("warnum")["side"].nunique() == 1).all()
    assert (parts["first_year"] <= parts["last_year"]).all()


def test_korean_war_is_war_151():
    parts = load("cow_war_inter_participants.csv")
    korea = parts[parts["warnum"] == 151].set_index("ccode")
    assert (korea["first_year"].min(), korea["last_year"].max()) == (1950, 1953)
    north = korea.loc[[710, 731], "side"]
    south = korea.loc[[2, 732], "side"]
    assert north.nunique() == 1 and south.nunique() == 1
    assert north.iloc[0] != south.iloc[0]
    assert korea.loc[731, "initiator"] == 1  # North Korea initiates


def test_war_dyads_pair_opposite_sides_symmetrically():
    dyads = load("cow_war_inter_dyadyears.csv")
    assert (dyads["side1"] != dyads["side2"]).all()
    mirrored = dyads.rename(
        columns={
            "ccode1": "ccode2",
            "ccode2": "ccode1",
            "side1": "side2",
            "side2": "side1",
            "initiator1": "initiator2",
            "initiator2": "initiator1",
        }
    )[dyads.columns]
    key = KEYS["cow_war_inter_dyadyears.csv"]
    left = dyads.sort_values(key).reset_index(drop=True)
    right = mirrored.sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


def test_mid_file_levels_and_world_war_disputes():
    mids = load("gml_mid_dyadyears.csv")
    assert set(mids["hostlev"]) <= {2, 3, 4, 5}
    assert set(mids["hostlev1"]) <= {1, 2, 3, 4, 5}
    assert set(mids["onset"]) == {0, 1}
    assert mids["dispnum"].nunique() == 2174
    assert (mids.loc[mids["dispnum"].isin([257, 258]), "world_war"] == 1).all()
    assert int(mids["world_war"].sum()) == 1266


def test_rivalries_are_ordered_and_typed():
    riv = load("td_rivalries.csv")
    assert len(riv) == 197
    assert (riv["ccode1"] < riv["ccode2"]).all()
    assert (riv["styear"] <= riv["endyear"]).all()
    types = set(riv[["type1", "type2", "type3"]].stack().dropna())
    assert types == {"spatial", "positional", "ideological", "interventionary"}


def test_war_dates_cover_every_participant_and_agree_with_its_years():
    """Every participant row has its day-level dates, and their years are the participant's years."""
    dates = load("cow_war_inter_dates.csv")
    parts = load("cow_war_inter_participants.csv")
    both = parts.merge(dates, on=["warnum", "ccode", "side"], how="outer", indicator=True)
    assert (both["_merge"] == "both").all() and len(both) == 337
    assert (both["world_war_x"] == both["world_war_y"]).all()
    start = pd.to_datetime(both["start1"])
    assert start.notna().all()  # COW gives every first start to the day
    assert (start.dt.year == both["first_year"]).all()
    spain = dates[(dates["warnum"] == 1) & (dates["ccode"] == 230)].iloc[0]
    assert (spain["war_name"], spain["start1"], spain["end1"]) == ("Franco-Spanish War", "1823-04-07", "1823-11-13")


def test_democracy_scores_cover_the_state_years_and_lie_on_their_scales():
    dem = load("cow_democracy.csv")
    assert dem["polity2"].dropna().between(-10, 10).all()
    assert dem["v2x_polyarchy"].dropna().between(0, 1).all()
    assert np.allclose((dem["euds"] - dem["aeuds"]).dropna(), (dem["euds"] - dem["aeuds"]).dropna().iloc[0])
    years = load("cow_state_years.csv")
    merged = years.merge(dem, on=["ccode", "year"], how="left")
    assert int(merged["euds"].isna().sum()) == 55  # the README's coverage of the state-years 1816-2016
    norway = dem[(dem["ccode"] == 385) & (dem["year"] == 2022)].iloc[0]
    russia = dem[(dem["ccode"] == 365) & (dem["year"] == 2022)].iloc[0]
    assert norway["euds"] > 2 > 0 > russia["euds"]


def test_contiguity_is_directed_dated_and_typed():
    """Both orders of each dyad are listed with the same spells; types 0..5; a spell starts before it
    ends; the figures of the README (948 land spells, 414 land-contiguous dyads, data to 2016-12-01)."""
    frame = load("cow_contdir.csv")
    assert set(frame["conttype"]) == {0, 1, 2, 3, 4, 5}
    assert (frame["start_date"] <= frame["end_date"]).all()
    forward = set(zip(frame["ccode1"], frame["ccode2"], frame["conttype"], frame["start_date"], frame["end_date"]))
    backward = set(zip(frame["ccode2"], frame["ccode1"], frame["conttype"], frame["start_date"], frame["end_date"]))
    assert forward == backward
    land = frame[frame["conttype"] == 1]
    assert len(land) == 948
    assert len({tuple(sorted(p)) for p in zip(land["ccode1"], land["ccode2"])}) == 414
    assert frame["start_date"].min() == "1816-01-01" and frame["end_date"].max() == "2016-12-01"
    # the USA and Canada by land from 1920 (Canada's entry into the system); the USA and Russia
    # within 12 miles of water from 1959 (Alaska's statehood), not contiguous before
    usa = frame[frame["ccode1"] == 2].set_index("ccode2")
    assert usa.loc[20, "conttype"] == 1 and usa.loc[20, "start_date"] == "1920-01-01"
    assert sorted(usa.loc[365, "conttype"]) == [0, 2]
