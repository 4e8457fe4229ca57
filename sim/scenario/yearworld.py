"""Worlds of any year 1816-2016, built from the peace-science data in `sim/data/peacesciencer/`.

`world: cow_1870` in a scenario (or :func:`world_of_year`) gives the world of 1 January..31
December 1870 as the Correlates of War (COW) project and ATOP record it:

* states: the COW system members of the year (v2016), ids are COW abbreviations (`stateabb`:
  Prussia/Germany is `GMY`, the United Kingdom `UKG`, Russia/the USSR `RUS`), since ISO codes do
  not exist for 1816's states;
* power: 100 x CINC (NMC 7.0), the state's percent of the system's material capabilities, which
  is comparable across years (military expenditure is not: pounds before 1914, current dollars
  after). The model reads power only through ratios, so the scale does not matter;
* capitals: the capital in force on 1 January (else the first one of the year), with the
  source's errors found by an audit corrected (:data:`CAPITAL_SPELLS`, :data:`CAPITAL_FIXES`:
  Constantinople until 1923, Nanjing and Chongqing for China 1928-1949, Brasilia at the city...);
* alliances: every ATOP 5.1 obligation in force in the year between two members, as bilateral
  pacts (:data:`OBLIGATIONS`, :func:`dyad_pacts`);
* rivalries: Thompson & Dreyer (2012) strategic rivalries in force, as a mutual baseline
  perceived intent of :data:`RIVALRY_INTENT` (the model's default between non-allies is 0.02);
* claims: each *spatial* rivalry in force (a contest over territory; Thompson & Dreyer 2012;
  Colaresi, Rasler & Thompson 2007, Strategic Rivalries in World Politics) as a mutual claim whose
  stake is `parameters.motives.rivalry_stake` (:data:`RIVALRY_CLAIMS`, :func:`rivalry_claims`),
  read by `sim.model.motives.stakes` for a `cow_YYYY` world;
* nuclear: states from the year of their first nuclear test (:data:`NUCLEAR_FIRST_TEST`).

Citations: Singer, Bremer & Stuckey (1972) and Singer (1987) for NMC; COW State System Membership
v2016; Leeds, Ritter, Mitchell & Long (2002) for ATOP; Thompson & Dreyer (2012), Handbook of
International Rivalries; Miller (2022), peacesciencer, for the conversion.
"""

from __future__ import annotations

import csv
import datetime as dt
import errno
import functools
import hashlib
import io
import re
from importlib import resources
from itertools import combinations
from typing import Any

from sim.scenario.errors import InputError, InputErrors
from sim.scenario.schema import Motives
from sim.scenario.worlddata import STATE_DEFAULTS, WorldData, add_aliases, load_world

__all__ = [
    "FIRST_YEAR", "LAST_YEAR", "RIVALRY_INTENT", "RIVALRY_INTENT_RANGE", "POWER_PER_CINC", "OBLIGATIONS",
    "NUCLEAR_FIRST_TEST", "REGIONS", "CAPITAL_FIXES", "CAPITAL_SPELLS", "year_of", "world_of_year", "dyad_pacts",
    "read_table", "rows_by", "majors", "cow_world", "capital_at", "any_world", "data_folder", "DamagedData",
    "clique_pacts", "PACT_GROUPINGS", "RIVALRY_CLAIMS", "rivalry_claims",
    "rivalry_world_claims", "claim_stakes", "armed_since", "ATOP_LAST_YEAR", "CONTIGUITY_LAST",
    "land_contiguous", "land_contiguous_in",
]

FIRST_YEAR, LAST_YEAR = 1816, 2016
"""Years with a world: the COW state system membership list (v2016) covers 1816-2016."""
ATOP_LAST_YEAR = 2018
"""The last year of the bundled ATOP 5.1 obligations (`atop_alliance_spells.csv`)."""
CONTIGUITY_LAST = "2016-12-01"
"""The last date of the bundled COW Direct Contiguity v3.2 (`cow_contdir.csv`): spells that had not
ended run to it, and a later date reads them (the 2022 world's borders are those of 2016)."""
RIVALRY_INTENT = 0.3
"""Baseline perceived intent between strategic rivals (each of the other), against the default
0.02 between non-allies. A coding choice: rivals expect hostility, but less than open conflict
(a level-7 act moves intent half-way to 1). :data:`RIVALRY_INTENT_RANGE` is the range to vary."""
RIVALRY_INTENT_RANGE = (0.1, 0.5)
POWER_PER_CINC = 100.0
"""power = 100 x CINC: percent of the capabilities of all states that year."""
OBLIGATIONS = {
    "defense": "defence", "offense": "offence", "neutral": "neutrality",
    "nonagg": "non_aggression", "consul": "consultation",
}
"""ATOP flag column -> pact type, strongest first (the first one present is a pact's `type`)."""
NUCLEAR_FIRST_TEST = {"USA": 1945, "RUS": 1949, "UKG": 1952, "FRN": 1960, "CHN": 1964, "IND": 1974,
                      "PAK": 1998, "PRK": 2006}
"""Year of each state's first nuclear test (public record); Israel, which never tested, is not nuclear."""
REGIONS = ((2, 199, "americas"), (200, 399, "europe"), (400, 626, "africa"), (630, 699, "middle_east"),
           (700, 999, "asia_oceania"))
"""COW code ranges of the world's regions, as COW numbers states (a state's region tag)."""
CAPITAL_FIXES = {"Brasilia": (-15.7939, -47.8828), "Tunis": (36.8065, 10.1815), "Riyadh": (24.7136, 46.6753),
                 "Beijing": (39.9042, 116.4074), "Moscow": (55.7558, 37.6173)}
"""Capitals whose coordinates the source gets wrong (the city's centre here): Brasilia and Tunis
are at the centre of their countries there, Riyadh 190 km and Beijing and Moscow 15-30 km off."""
CAPITAL_SPELLS = {
    640: (("1816-01-01", "1923-10-12", "Constantinople", 41.0082, 28.9784,
           "Britannica, 'Ankara': made the capital of the Republic of Turkey on 13 October 1923"),
          ("1923-10-13", "2024-12-31", "Ankara", 39.9334, 32.8597, "as above")),
    710: (("1816-01-01", "1928-06-14", "Beijing", 39.9042, 116.4074, "the source (Beijing until 1928)"),
          ("1928-06-15", "1937-11-19", "Nanjing", 32.0603, 118.7969,
           "Britannica, 'Nanjing': capital of the Nationalist government from 1928 (Beijing fell to the "
           "Northern Expedition in June 1928)"),
          ("1937-11-20", "1946-05-04", "Chongqing", 29.5630, 106.5516,
           "Britannica, 'Chongqing': wartime capital of the Nationalist government 1937-1946"),
          ("1946-05-05", "1949-09-30", "Nanjing", 32.0603, 118.7969, "Britannica, 'Nanjing': capital again 1946-1949"),
          ("1949-10-01", "2024-12-31", "Beijing", 39.9042, 116.4074,
           "Britannica, 'Beijing': capital of the People's Republic from 1 October 1949")),
    510: (("1961-01-01", "1996-01-31", "Dar es Salaam", -6.7924, 39.2083,
           "Britannica, 'Dodoma': the National Assembly moved to Dodoma in February 1996"),
          ("1996-02-01", "2024-12-31", "Dodoma", -6.1630, 35.7516, "as above")),
    553: (("1964-01-01", "1975-01-31", "Zomba", -15.3860, 35.3188,
           "Britannica, 'Lilongwe': capital of Malawi since 1975, replacing Zomba"),
          ("1975-02-01", "2024-12-31", "Lilongwe", -13.9626, 33.7741, "as above")),
    600: (("1816-01-01", "1912-12-31", "Fez", 34.0331, -5.0003,
           "Britannica, 'Fès': the capital of Morocco until the French protectorate moved it to Rabat in 1912"),
          ("1956-01-01", "2024-12-31", "Rabat", 34.0209, -6.8416, "the source")),
}
"""Capital spells that replace the source's for a state (COW code -> (start, end, capital, lat,
lon, source)), from an audit of every state's spells against a second source (the Encyclopaedia
Britannica's entry on each city; docs/validation.md lists the audit): the source places the Ottoman
capital in Ankara from 1816, China's in Beijing throughout, Tanzania's in Dodoma from 1961, Malawi's
in Lilongwe from 1964 and Morocco's in Rabat before 1912."""
_NAME = re.compile(r"^cow_(\d+)(?:_(dyads|cliques))?(_prior)?$")
_DATA = "sim/data/peacesciencer"


def year_of(world: str) -> int | None:
    """The year of a world name `cow_YYYY` (or `cow_YYYY_cliques`), or None for any other name."""
    match = _NAME.match(world)
    return int(match.group(1)) if match else None


def cow_world(world: str) -> WorldData | None:
    """The world a name `cow_YYYY[_dyads|_cliques][_prior]` stands for (pacts grouped as the suffix
    says, :data:`PACT_GROUPINGS`; with `_prior`, the obligations in force in the year before), or
    None for any other name."""
    match = _NAME.match(world)
    if match is None:
        return None
    return world_of_year(int(match.group(1)), match.group(2) or "dyads", prior=match.group(3) is not None)


def data_folder():
    """The folder of the bundled peace-science tables (a traversable of the installed package)."""
    return resources.files("sim") / "data" / "peacesciencer"


class DamagedData(OSError):
    """A bundled data file that is not the one shipped (truncated, edited, missing): the
    installation is damaged (exit status 1), never used as if whole."""


def any_world(world: str, base_dir=None) -> WorldData:
    """A world by name: `cow_YYYY[_dyads|_cliques]`, a bundled one, `empty`, or a states CSV's path."""
    return cow_world(world) or load_world(world, base_dir)


@functools.cache
def _manifest() -> dict[str, tuple[int, str]]:
    """file -> (rows, sha256 of its text), as `manifest.csv` records the conversion wrote."""
    try:
        text = (data_folder() / "manifest.csv").read_text(encoding="utf-8")
        return {r["file"]: (int(r["rows"]), r["sha256_of_csv_text"]) for r in csv.DictReader(io.StringIO(text))}
    except (OSError, UnicodeDecodeError, KeyError, ValueError) as exc:
        raise DamagedData(errno.EIO, f"the manifest of the bundled data is unreadable ({exc}): reinstall "
                          "alliance-sim", f"{_DATA}/manifest.csv") from None


@functools.cache
def read_table(name: str) -> tuple[dict, ...]:
    """The rows of `sim/data/peacesciencer/<name>.csv` as dicts of text (empty = missing), checked
    against `manifest.csv` (its sha256 and row count) when read: a damaged file is refused
    (:class:`DamagedData`), not used as if whole."""
    file = f"{name}.csv"
    shown = f"{_DATA}/{file}"
    rows, digest = _manifest().get(file, (None, None))
    try:
        raw = (data_folder() / file).read_bytes()
    except OSError as exc:
        raise DamagedData(errno.EIO, f"a bundled data file is missing ({exc.strerror or exc}): reinstall "
                          "alliance-sim", shown) from None
    found = hashlib.sha256(raw).hexdigest()
    if digest is None or found != digest:
        count = raw.count(b"\n") - 1
        why = ("not listed in manifest.csv" if digest is None else
               f"{count} rows and sha256 {found[:12]}... where manifest.csv records {rows} rows and {digest[:12]}...")
        raise DamagedData(errno.EIO, f"damaged bundled data file ({why}): reinstall alliance-sim "
                          "(python -m pip install --force-reinstall .), or restore the file from the repository",
                          shown)
    return tuple(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


@functools.cache
def rows_by(name: str, column: str) -> dict[int, tuple[dict, ...]]:
    """The rows of :func:`read_table` grouped by the integer value of `column`, each group in the
    table's order: one pass over a table instead of one per year or state asked for."""
    groups: dict[int, list[dict]] = {}
    for r in read_table(name):
        groups.setdefault(int(r[column]), []).append(r)
    return {key: tuple(rows) for key, rows in groups.items()}


def _in_force(row: dict, year: int, start: str = "start_year", end: str = "end_year") -> bool:
    return int(row[start]) <= year <= int(row[end])


@functools.cache
def _armed_runs() -> dict[tuple[int, int], tuple[tuple[int, int], ...]]:
    """Per directed ATOP dyad (a, b): the runs of consecutive years in which a owes b defence or
    offence (spells that follow each other merged, whatever other obligations changed)."""
    runs: dict[tuple[int, int], list[list[int]]] = {}
    rows = sorted((int(r["ccode1"]), int(r["ccode2"]), int(r["start_year"]), int(r["end_year"]))
                  for r in read_table("atop_alliance_spells") if r["defense"] == "1" or r["offense"] == "1")
    for a, b, start, end in rows:
        spans = runs.setdefault((a, b), [])
        if spans and start <= spans[-1][1] + 1:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return {k: tuple((s, e) for s, e in v) for k, v in runs.items()}


def armed_since(a: int, b: int, year: int) -> int | None:
    """The first year of the unbroken run of years, through `year`, in which state a (COW code) has
    owed b defence or offence in ATOP: the year the obligation in force was taken on (ATOP's
    bundled dyad-years carry no treaty ids or dates, so a run of obligations is the stand-in for a
    treaty's signing; a lapse of a year starts a new run). None when a owes b neither in `year`."""
    return next((s for s, e in _armed_runs().get((a, b), ()) if s <= year <= e), None)


@functools.cache
def _land_spells() -> tuple[tuple[int, int, str, str], ...]:
    """(ccode1, ccode2, start date, end date) of every spell of land contiguity (COW `conttype` 1),
    both orders of each dyad."""
    return tuple((int(r["ccode1"]), int(r["ccode2"]), r["start_date"], r["end_date"])
                 for r in read_table("cow_contdir") if r["conttype"] == "1")


@functools.lru_cache(maxsize=256)
def land_contiguous(day: str) -> frozenset[tuple[int, int]]:
    """The pairs of COW codes (both orders) contiguous by land or river on the ISO date `day` (COW
    Direct Contiguity v3.2, Stinnett et al. 2002: `conttype` 1), a date after the data's last
    (:data:`CONTIGUITY_LAST`) reading the spells in force then. The source is year-month: a spell
    runs from the first of its first month to the first of its last."""
    day = min(day, CONTIGUITY_LAST)
    return frozenset((a, b) for a, b, start, end in _land_spells() if start <= day <= end)


@functools.lru_cache(maxsize=64)
def land_contiguous_in(year: int) -> frozenset[tuple[int, int]]:
    """The land-contiguous pairs of a `cow_YYYY` world without a date: those contiguous on 1 January
    of `year` (as its capitals are read, :func:`_capital`) and those whose land spell begins in it
    (a state that enters the system during the year has its borders)."""
    first, last = f"{year}-01-01", f"{year}-12-31"
    begun = frozenset((a, b) for a, b, start, _ in _land_spells() if first <= start <= last)
    return land_contiguous(first) | begun


def world_of_year(year: int, grouping: str = "dyads", prior: bool = False) -> WorldData:
    """The world of `year` (states, pacts grouped by `grouping`, rivalries as relations);
    InputErrors out of range.

    With `prior`, the pacts are the ATOP obligations of the year before (between this year's
    members): ATOP's dyad-years carry no dates, so a year's obligations include treaties signed
    after any day of it, such as those of August 1914; the year before holds none signed after a
    war that begins in this one (the validation's worlds, `cow_YYYY_prior`)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputErrors(InputError(
            f"no COW world for {year}: years run from {FIRST_YEAR} to {LAST_YEAR} "
            f"(COW state system membership v2016); write cow_{FIRST_YEAR} .. cow_{LAST_YEAR}", path="world"))
    suffix = ("" if grouping == "dyads" else f"_{grouping}") + ("_prior" if prior else "")
    data = WorldData(f"cow_{year}{suffix}", files={"states": f"{_DATA} ({year})"})
    members = _members(year)
    for ccode, abb in members.items():
        data.states[abb], data.info[abb] = _state(ccode, abb, year)
        data.marks[("states", abb)] = (f"{_DATA}/cow_state_years.csv ({year})", None, None)
    data.pacts = PACT_GROUPINGS[grouping](year - 1 if prior and year > FIRST_YEAR else year, members)
    data.relations = _rivalries(year, members)
    data.claims = [dict(c) for c in rivalry_world_claims(year)]
    data.record = {"year": year}
    add_aliases(data, cow_aliases())
    return data


@functools.cache
def cow_aliases() -> list[tuple[str, str]]:
    """`(COW abbreviation, alias)` pairs from the 2022 world's `aliases.csv`: its ISO ids (`GBR`
    names `UKG`, `KOR` names `ROK`) and the other names it gives them (`South Korea`), so that a
    scenario on a `cow_YYYY` world may name a state as it would on the 2022 world. A name that is a
    COW abbreviation of any year (`AUS`: Austria, not Australia) is never an alias: in a year
    without that state it is an error, not another state."""
    text = (resources.files("sim") / "data" / "world_2022" / "aliases.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    cow = {r["id"]: r["alias"] for r in rows if r["kind"] == "COW abbreviation"}
    taken = {r["stateabb"] for r in read_table("cow_state_years")}
    pairs = [(cow.get(r["id"], r["id"]), name) for r in rows for name in (r["id"], r["alias"])]
    return [(sid, name) for sid, name in pairs if name != sid and name not in taken]


def _members(year: int) -> dict[int, str]:
    """COW code -> abbreviation of the system members of `year`, in COW code order."""
    rows = rows_by("cow_state_years", "year").get(year, ())
    return {int(r["ccode"]): r["stateabb"] for r in sorted(rows, key=lambda r: int(r["ccode"]))}


def _state(ccode: int, abb: str, year: int) -> tuple[dict, dict]:
    """A state's scenario fields and its display info."""
    capital = _capital(ccode, year)
    lat, lon = CAPITAL_FIXES.get(capital["capital"], (float(capital["lat"]), float(capital["lng"])))
    nmc = _nmc(year).get(ccode, {"cinc": "", "milex": ""})  # every member has a row (README); missing = 0
    state = {**STATE_DEFAULTS, "name": _name(ccode, year), "capital": capital["capital"], "lat": lat, "lon": lon,
             "power": POWER_PER_CINC * float(nmc["cinc"] or 0.0), "regions": [_region(ccode)],
             "nuclear": NUCLEAR_FIRST_TEST.get(abb, year + 1) <= year, "territories": []}
    info = {"ccode": str(ccode), "cinc": nmc["cinc"], "milex": nmc["milex"],
            "major": "yes" if _major(ccode, year) else ""}
    return state, info


@functools.lru_cache(maxsize=8)
def _nmc(year: int) -> dict[int, dict]:
    return {int(r["ccode"]): r for r in rows_by("cow_nmc", "year").get(year, ())}


def _name(ccode: int, year: int) -> str:
    """The COW state name of the spell in force in `year`."""
    spells = list(rows_by("cow_states", "ccode").get(ccode, ()))
    inside = [r for r in spells if _in_force(r, year, "styear", "endyear")]
    return (inside or spells)[0]["statenme"]


def _capital(ccode: int, year: int) -> dict:
    """The capital in force on 1 January of `year`, else the first one that starts in it (the
    audited :data:`CAPITAL_SPELLS` where they exist, else the source's)."""
    rows = [r for r in _capital_rows(ccode) if _in_force(r, year)]
    first_january = dt.date(year, 1, 1).isoformat()
    on_day_one = [r for r in rows if r["start_date"] <= first_january <= r["end_date"]]
    return (on_day_one or sorted(rows, key=lambda r: r["start_date"]))[0]


def _capital_rows(ccode: int) -> list[dict]:
    """The capital spells of a state: the audited ones if any, else the source's rows."""
    if ccode not in CAPITAL_SPELLS:
        return list(rows_by("cow_capitals", "ccode").get(ccode, ()))
    return [{"capital": name, "start_date": start, "end_date": end, "start_year": start[:4], "end_year": end[:4],
             "lat": str(lat), "lng": str(lon)} for start, end, name, lat, lon, _source in CAPITAL_SPELLS[ccode]]


def capital_at(ccode: int, day: str) -> tuple[str, float, float]:
    """(capital, lat, lon) of a state on an ISO date (audited spells, fixed coordinates); the
    nearest spell when none covers the date."""
    rows = sorted(_capital_rows(ccode), key=lambda r: r["start_date"])
    inside = [r for r in rows if r["start_date"] <= day <= r["end_date"]]
    row = inside[0] if inside else min(rows, key=lambda r: min(abs(int(r["start_year"]) - int(day[:4])),
                                                                abs(int(r["end_year"]) - int(day[:4]))))
    lat, lon = CAPITAL_FIXES.get(row["capital"], (float(row["lat"]), float(row["lng"])))
    return row["capital"], lat, lon


def _major(ccode: int, year: int) -> bool:
    """Whether COW counts the state a major power for part of `year`."""
    return any(_in_force(r, year, "styear", "endyear") for r in rows_by("cow_majors", "ccode").get(ccode, ()))


def majors(year: int) -> frozenset[str]:
    """The abbreviations of the COW major powers of `year` that are system members (read once per
    year: the fitted rules ask for them at every replication's set-up)."""
    return _majors(year)


@functools.lru_cache(maxsize=64)
def _majors(year: int) -> frozenset[str]:
    return frozenset(abb for ccode, abb in _members(year).items() if _major(ccode, year))


def _region(ccode: int) -> str:
    return next(name for low, high, name in REGIONS if low <= ccode <= high)


def dyad_pacts(year: int, members: dict[int, str]) -> dict[str, dict]:
    """ATOP obligations in force in `year` between members, one pact per dyad and direction.

    ATOP's dyad data say, for each directed dyad (a, b), which obligations a has toward b. For
    an unordered dyad, the obligations both have toward each other form one pact `A-B`
    (its strongest obligation is the `type`, the rest `clauses`); an obligation only a has
    toward b forms a pact `A-B_for_B` that `protects` only b (for an offence obligation: only
    b's attacks call a in). Spells in force with none of the five obligations make no pact.
    A pact with a defence or offence obligation carries `signed`: the first year of the unbroken
    run of years of that obligation (:func:`armed_since`; the earlier of the two directions).
    """
    owed: dict[tuple[int, int], set[str]] = {}
    for row in read_table("atop_alliance_spells"):
        a, b = int(row["ccode1"]), int(row["ccode2"])
        if a in members and b in members and _in_force(row, year):
            owed[(a, b)] = {kind for flag, kind in OBLIGATIONS.items() if row[flag] == "1"}
    pacts = {}
    for a, b in sorted(k for k in owed if k[0] < k[1]):
        ab, ba = owed[(a, b)], owed.get((b, a), set())
        name = f"{members[a]}-{members[b]}"
        for pid, kinds, protects in ((name, ab & ba, None), (f"{name}_for_{members[b]}", ab - ba, members[b]),
                                     (f"{name}_for_{members[a]}", ba - ab, members[a])):
            if kinds:
                pacts[pid] = _pact(kinds, [members[a], members[b]], protects, year)
                bound = [(a, b), (b, a)] if protects is None else [(a, b) if protects == members[b] else (b, a)]
                since = [y for y in (armed_since(x, z, year) for x, z in bound) if y is not None]
                if since:
                    pacts[pid]["signed"] = str(min(since))
    return pacts


def clique_pacts(year: int, members: dict[int, str]) -> dict[str, dict]:
    """ATOP obligations grouped into multilateral pacts where the dyads allow it.

    Mutual obligations are grouped by their strongest kind: the maximal cliques of dyads sharing
    it (Bron & Kerbosch 1973), largest first, until every dyad is in one, become pacts
    `<kind>_<k>` whose clauses are the obligations all their dyads share. So, as in a treaty, an
    attack by a co-member invokes nothing (the Warsaw Pact in 1956). Cliques of two keep the dyad
    id `A-B`; one-sided obligations stay bilateral `A-B_for_B` pacts. ATOP's dyad data carry no
    treaty ids, so two treaties over the same states become one clique.
    A clique's `signed` is the earliest of its dyads'.
    """
    dyads = dyad_pacts(year, members)
    pacts = {pid: pact for pid, pact in dyads.items() if "protects" in pact}
    by_kind: dict[str, dict[tuple, set[str]]] = {}
    signed: dict[tuple, int] = {}
    for pact in (p for p in dyads.values() if "protects" not in p):
        by_kind.setdefault(pact["type"], {})[tuple(sorted(pact["members"]))] = {pact["type"], *pact["clauses"]}
        if "signed" in pact:
            signed[tuple(sorted(pact["members"]))] = int(pact["signed"])
    for kind, edges in by_kind.items():
        for k, clique in enumerate(_cover(edges), 1):
            shared = set.intersection(*(edges[pair] for pair in combinations(clique, 2) if pair in edges))
            pid = "-".join(clique) if len(clique) == 2 else f"{kind}_{k}"
            pacts[pid] = _pact(shared, list(clique), None, year)
            since = [signed[pair] for pair in combinations(clique, 2) if pair in signed]
            if since:
                pacts[pid]["signed"] = str(min(since))
    return pacts


def _cover(edges) -> list[tuple]:
    """Maximal cliques of the graph `edges`, largest first, kept while they cover a new edge."""
    adjacent: dict[str, set[str]] = {}
    for a, b in edges:
        adjacent.setdefault(a, set()).add(b)
        adjacent.setdefault(b, set()).add(a)
    uncovered, chosen = set(edges), []
    for clique in sorted(_cliques(adjacent), key=lambda c: (-len(c), c)):
        pairs = set(combinations(clique, 2))
        if pairs & uncovered:
            chosen.append(clique)
            uncovered -= pairs
    return chosen


def _cliques(adjacent: dict[str, set[str]]) -> list[tuple]:
    """Every maximal clique (Bron & Kerbosch 1973, with Tomita's pivot), members sorted."""
    found: list[tuple] = []

    def expand(clique: set, candidates: set, excluded: set) -> None:
        if not candidates and not excluded:
            found.append(tuple(sorted(clique)))
            return
        pivot = max(sorted(candidates | excluded), key=lambda v: len(adjacent[v] & candidates))
        for v in sorted(candidates - adjacent[pivot]):
            expand(clique | {v}, candidates & adjacent[v], excluded & adjacent[v])
            candidates, excluded = candidates - {v}, excluded | {v}

    expand(set(), set(adjacent), set())
    return found


PACT_GROUPINGS = {"dyads": dyad_pacts, "cliques": clique_pacts}
"""How ATOP dyads become pacts: `cow_YYYY` (bilateral, the default) or `cow_YYYY_cliques`."""


def _pact(kinds: set[str], members: list[str], protects: str | None, year: int) -> dict:
    """A PactSpec mapping for obligations `kinds` among `members`."""
    ordered = [kind for kind in OBLIGATIONS.values() if kind in kinds]
    pact = {"name": f"ATOP {'-'.join(members)} {year}", "type": ordered[0], "clauses": ordered[1:],
            "members": members, "source": "ATOP 5.1 directed dyad-years (Leeds et al. 2002)"}
    if protects is not None:
        pact["protects"] = [protects]
    return pact


def _rivals_in_force(year: int, members: dict[int, str]):
    """(row, a, b) for each Thompson & Dreyer rivalry in force in `year` between members a and b.

    The handbook ends ongoing rivalries at 2010, the year it was published; those are taken to
    continue to 2016.
    """
    for row in read_table("td_rivalries"):
        a, b = int(row["ccode1"]), int(row["ccode2"])
        end = LAST_YEAR if int(row["endyear"]) >= 2010 else int(row["endyear"])
        if a in members and b in members and int(row["styear"]) <= year <= end:
            yield row, members[a], members[b]


def _rivalries(year: int, members: dict[int, str]) -> list[dict]:
    """Strategic rivalries in force in `year` between members as mutual baseline intents."""
    return [{"from": a, "to": b, "intent": RIVALRY_INTENT, "mutual": True}
            for _row, a, b in _rivals_in_force(year, members)]


RIVALRY_CLAIMS = {"spatial": "rivalry_stake", "positional": "positional_stake"}
"""Thompson & Dreyer rivalry type -> the `parameters.motives` field that is the stake of the mutual
claim it gives, strongest first: a rivalry coded spatial (a contest over territory) claims
`rivalry_stake` whatever its other types; one positional but not spatial (a contest over standing)
claims `positional_stake` (0 by default: no claim; docs/model.md, "Claims of the worlds of any
year"). Ideological and interventionary rivalries give no claim."""


def rivalry_claims(year: int, motives: Motives) -> list[dict]:
    """The mutual claims of the rivalries in force in `year` (both directions), as rows
    `claimant, target, object, kind, stake_value, source` with the stakes of `motives`; none with stake 0."""
    return claim_stakes(rivalry_world_claims(year), motives)


@functools.cache
def rivalry_world_claims(year: int) -> tuple[dict, ...]:
    """The claims of the rivalries in force in `year` as data (`sim.scenario.schema.WorldClaim`
    fields): one per direction and rivalry type of :data:`RIVALRY_CLAIMS` (a rivalry's type is the
    first of them it has), the first rivalry of that type naming its object and source. The stake
    is not here: :func:`claim_stakes` reads it from the parameters at set-up."""
    rows: dict[tuple[str, str, str], dict] = {}
    for row, a, b in _rivals_in_force(year, _members(year)):
        kind = next((k for k in RIVALRY_CLAIMS if k in (row["type1"], row["type2"], row["type3"])), "")
        for x, y in ((a, b), (b, a)) if kind else ():
            rows.setdefault((x, y, kind), {
                "claimant": x, "target": y, "rivalry": kind, "object": f"{row['rivalryname']} ({kind} rivalry)",
                "source": f"Thompson & Dreyer (2012) rivalry {row['rivalryno']}, {row['styear']}-{row['endyear']}"})
    return tuple(rows.values())


def claim_stakes(claims, motives: Motives) -> list[dict]:
    """A world's claims (`WorldClaim`s or their dicts) at the stakes of `motives`, as rows
    `claimant, target, object, kind, stake_value, source` in order of first appearance: a claim
    with a `value` is a row of its own; the rivalry claims of one pair give one row, at the
    largest stake of their types (:data:`RIVALRY_CLAIMS`), none when it is 0."""
    rows: dict[Any, dict] = {}  # a claim's index, or a pair of rivals
    for k, claim in enumerate(claims):
        get = claim.get if isinstance(claim, dict) else functools.partial(getattr, claim)
        row = {"claimant": get("claimant"), "target": get("target"), "object": get("object"),
               "kind": get("rivalry"), "stake_value": get("value"), "source": get("source")}
        if row["kind"] is None:
            rows[k] = row
            continue
        stake: float = getattr(motives, RIVALRY_CLAIMS[row["kind"]])
        pair = (row["claimant"], row["target"])
        if stake > 0 and stake > (rows.get(pair) or {"stake_value": 0.0})["stake_value"]:
            rows[pair] = row | {"stake_value": stake}  # a larger stake replaces the row, keeping its place
    return list(rows.values())
