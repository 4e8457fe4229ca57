"""World datasets: the bundled `sim/data/<name>/` folders and users' own states CSV files.

A dataset is a `states.csv` (one row a state), optionally a `territories.csv` (places away from
the capital), a `claims.csv` (what states claim from each other: `claimant, target, stake_value`),
a `pacts.yaml` (commitments as fields of :class:`sim.scenario.schema.PactSpec`) and a
`relations.yaml` (`relations:`, baseline intents as :class:`sim.scenario.schema.Relation`) beside
it. The states CSV needs the columns `id, lat, lon, power` (the bundled files call them `iso3` and
`milex_2021_usd_bn`) and may give `name, capital, offense, nuclear, regions, resolve`;
`regions` are `;`-separated. Other documented columns (`milex_quality`, ...) are kept in
:attr:`WorldData.info` for display; any other column is an error, so a typo is not ignored.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.errors import InputError, InputErrors, suggest
from sim.scenario.schema import PactSpec, Relation, StateSpec, Territory
from sim.scenario.schemaerrors import input_errors
from sim.scenario.yamlsource import Document, Mark, find_mark, parse_yaml

__all__ = ["WorldData", "load_world", "bundled_worlds", "add_aliases", "STATE_DEFAULTS", "DEFAULT_WORLD", "EMPTY_WORLD"]

DEFAULT_WORLD = "world_2022"
EMPTY_WORLD = "empty"
"""`world: empty`: no states or pacts; the scenario defines them all (as a resolved scenario does)."""
STATE_DEFAULTS: dict[str, Any] = {
    "capital": "", "offense": 1.0, "nuclear": False, "warheads": 0.0, "second_strike": True, "regions": [],
    "territories": [], "resolve": 0.5,
}
"""Values a state takes when neither the world nor the scenario gives them (`name` is its id). A
nuclear state with no arsenal data counts as a survivable second strike (`sim.model.nuclear`)."""

_ALIASES = {"iso3": "id", "milex_2021_usd_bn": "power"}
_REQUIRED = ("id", "lat", "lon", "power")
_OPTIONAL = ("name", "capital", "offense", "nuclear", "regions", "resolve")
_INFO = ("milex_quality", "warheads_2022", "cinc_2016", "nato_accession", "source", "note")
_FLOATS = ("lat", "lon", "power", "offense", "resolve", "personnel")
_TERRITORY_COLUMNS = ("owner", "name", "lat", "lon", "regions", "soil", "personnel", "kind", "source")
_DEPLOYMENT_COLUMNS = ("state", "location", "host", "lat", "lon", "personnel", "kind", "regions", "source", "quality")
_NUCLEAR_COLUMNS = ("state", "warheads_total", "warheads_deployed", "second_strike", "second_strike_quality",
                    "delivery", "source", "quality")
_CLAIM_COLUMNS = ("claimant", "target", "object", "kind", "salience", "stake_value", "since_year", "activity",
                  "source", "quality")
_RELIABILITY_COLUMNS = ("pact", "reliability_leeds", "reliability_bf", "reliability_bf_post1945", "source", "note",
                        "quality")
RELIABILITY_PRIOR = "reliability_bf"
"""The column of `reliability.csv` a pact's reliability is read from: Berkemeier & Fuhrmann (2018)
by ATOP type (docs/model.md, "Honour as alliances do it", gives the choice against Leeds et al. 2000)."""
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")
_BOOLS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


@dataclass
class WorldData:
    """A world: scenario-ready state and pact dicts, with where each value was read."""

    name: str
    states: dict[str, dict] = field(default_factory=dict)
    pacts: dict[str, dict] = field(default_factory=dict)
    relations: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    """The world's claims as `sim.scenario.schema.WorldClaim` fields: a claims.csv's rows (a fixed
    `value`), or a `cow_YYYY` world's rivalries (a `rivalry` type, valued by the parameters at set-up;
    `sim.scenario.yearworld.claim_stakes`). A scenario carries them as `world_claims`."""
    record: dict[str, Any] = field(default_factory=dict)
    """The world's place in the historical record (:class:`sim.scenario.schema.WorldRecord`: `year`,
    `cow_names`), carried in a scenario as `world_record`."""
    info: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    marks: dict[tuple, Mark] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    """Other names of states -> state id: English names, and COW abbreviations from an
    `aliases.csv` beside the states file (`ROK` and `South Korea` name `KOR`)."""

    def state_id(self, name: str, exact: bool = True) -> str | None:
        """The id a state alias stands for (with `exact=False`, in any case), or None."""
        if not isinstance(name, str):
            return None
        if exact:
            return self.aliases.get(name)
        return {a.casefold(): sid for a, sid in self.aliases.items()}.get(name.casefold())

    def document(self) -> Document:
        """The world as a scenario fragment (`states`, `alliances`, any `relations`) with marks, safe to merge."""
        data: dict[str, Any] = {"states": copy.deepcopy(self.states), "alliances": copy.deepcopy(self.pacts)}
        if self.relations:
            data["relations"] = copy.deepcopy(self.relations)
        if self.claims:
            data["world_claims"] = copy.deepcopy(self.claims)
        if self.record:
            data["world_record"] = copy.deepcopy(self.record)
        return Document(data, dict(self.marks))

    def memberships(self) -> dict[str, list[str]]:
        """State id -> ids of the pacts it belongs to, in file order."""
        out: dict[str, list[str]] = {sid: [] for sid in self.states}
        for pid, pact in self.pacts.items():
            for member in pact.get("members", []):
                out.setdefault(member, []).append(pid)
        return out


def bundled_worlds() -> list[str]:
    """Names of the world datasets shipped in `sim/data/`: the folders with a `states.csv` (so the
    reference data in `sim/data/peacesciencer/` is not one; its worlds are `cow_YYYY`)."""
    root = resources.files("sim") / "data"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "states.csv").is_file())


def load_world(world: str = DEFAULT_WORLD, base_dir: Path | None = None) -> WorldData:
    """Load a bundled dataset by name, a user's states CSV (a path relative to `base_dir`), or
    nothing at all for `EMPTY_WORLD`.

    A `territories.csv` and a `pacts.yaml` in the same folder are read too. Bad rows raise
    :class:`InputErrors` naming the file, line and column, and how to fix them.
    """
    if world == EMPTY_WORLD:
        return WorldData(name=EMPTY_WORLD)
    if world.lower().endswith(".csv") or "/" in world or "\\" in world:
        path = Path(world) if base_dir is None else Path(base_dir) / world
        if not path.is_file():
            raise InputErrors(InputError(f"no states CSV at '{path}'", path="world"))
        return _load_folder(Path(world).stem, path.parent, path.name, str(path.parent))
    if world not in bundled_worlds():
        raise InputErrors(InputError(
            f"no bundled dataset '{world}'{suggest(world, bundled_worlds())}; "
            f"bundled: {', '.join(bundled_worlds())}; or cow_YYYY (a year 1816-2016), or '{EMPTY_WORLD}', "
            "or the path of a states CSV", path="world"))
    folder = resources.files("sim") / "data" / world
    return _load_folder(world, folder, "states.csv", f"sim/data/{world}")


def _load_folder(name: str, folder: Any, states_file: str, shown: str) -> WorldData:
    """Read the states file and the optional files beside it (`_BESIDE_STATES`).

    `folder` is a `Path` or an `importlib.resources` traversable; `shown` is its name in errors.
    """
    data = WorldData(name, files={"states": _join(shown, states_file)})
    _read_states(data, _text(folder / states_file, data.files["states"]))
    for file, reader in _BESIDE_STATES:
        if (folder / file).is_file() and file != states_file and _applies(data, file):
            key = file.split(".")[0]
            data.files[key] = _join(shown, file)
            reader(data, _text(folder / file, data.files[key]))
    _read_aliases(data, folder)
    return data


def _applies(data: WorldData, file: str) -> bool:
    """Reliability priors are read only for a world that has pacts."""
    return file != "reliability.csv" or "pacts" in data.files


def _text(source: Any, shown: str) -> str:
    """A data file's text; unreadable or not UTF-8 is an input error, not a traceback."""
    try:
        return source.read_text(encoding="utf-8-sig")  # a spreadsheet's byte-order mark is dropped
    except (OSError, UnicodeDecodeError) as exc:
        raise InputErrors(InputError(f"cannot read the file as UTF-8 text: {exc}", shown)) from None


def _join(folder: str, file: str) -> str:
    return file if folder in ("", ".") else f"{folder}/{file}"


# --- CSV rows ------------------------------------------------------------------------------

MAX_ROWS = 10_000
"""Rows a states or territories CSV may hold (the world has about 200 states)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _rows(text: str, file: str, known: tuple[str, ...], required: tuple[str, ...]):
    """Yield (line, {column: (text, mark)}) for each non-empty row, header checked first; a row
    with more or fewer cells than the header, or a broken quote, is an error at its line."""
    _check_text(text, file)
    reader = csv.reader(io.StringIO(text), strict=True)
    header = [_ALIASES.get(h.strip(), h.strip()) for h in _next(reader, file) or []]
    errors = [InputError(f"unknown column '{h}'{suggest(h, known)}; known columns: {', '.join(known)}",
                         file, 1) for h in header if h not in known]
    missing = [c for c in required if c not in header]
    if missing:
        errors.append(InputError(f"missing column(s) {', '.join(missing)}: the header must name them", file, 1))
    if errors:
        raise InputErrors(errors)
    lines, rows = text.splitlines(), 0
    while (fields := _next(reader, file)) is not None:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            raise InputErrors(InputError(f"{len(fields)} cells where the header has {len(header)}: "
                                         "give every column of the header, no more", file, reader.line_num))
        rows += 1
        if rows > MAX_ROWS:
            raise InputErrors(InputError(f"more than {MAX_ROWS} rows: not a table of states or places "
                                         "(check the path)", file, reader.line_num))
        yield reader.line_num, _cells(header, fields, lines[reader.line_num - 1], file, reader.line_num)
    if not rows and "id" in required:
        raise InputErrors(InputError("no rows below the header: add one row a state", file, 2))


def _next(reader, file: str) -> list[str] | None:
    """The next row, None at the end; a broken quote or an oversized cell is an error at its line."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as exc:
        raise InputErrors(InputError(f"not a well-formed CSV row: {exc}", file, reader.line_num)) from None


def _check_text(text: str, file: str) -> None:
    """A control character (a NUL byte, a bell, ...) is refused at its line and column."""
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise InputErrors(InputError(f"control character U+{ord(found.group()):04X} in a CSV file: remove it",
                                     file, line, column))


def _cells(header: list[str], fields: list[str], raw: str, file: str, line: int) -> dict[str, tuple[str, Mark]]:
    """Each cell's text and mark; the column is where the cell starts in the raw line."""
    cells: dict[str, tuple[str, Mark]] = {}
    pos = 0
    for column, text in zip(header, fields):
        pos = max(raw.find(text, pos), pos) if text else pos
        cells[column] = (text.strip(), (file, line, pos + 1))
        pos += len(text) + 1
    return cells


def _convert(column: str, text: str) -> Any:
    """A cell's value: floats, booleans, `;`-separated regions, else the text; ValueError if bad."""
    if column in _FLOATS:
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"'{text}' is not a number") from None
    if column == "nuclear":
        if text.lower() not in _BOOLS:
            raise ValueError(f"'{text}' is not true or false")
        return _BOOLS[text.lower()]
    if column == "regions":
        return [r.strip() for r in text.split(";") if r.strip()]
    return text


def _row_values(cells: dict, fields: tuple[str, ...], errors: list[InputError], what: str) -> dict[str, Any]:
    """The row's model fields as values; conversion problems are appended to `errors`."""
    values = {}
    for column in fields:
        text, mark = cells.get(column, ("", None))
        if not text:
            continue
        try:
            values[column] = _convert(column, text)
        except ValueError as exc:
            errors.append(_error(f"{exc}: fix this cell of {what}", mark, column))
    return values


def _error(message: str, mark: Mark | None, column: str) -> InputError:
    """An error at a cell's mark (file, line, column), its path the CSV column."""
    file, line, col = mark or (None, None, None)
    return InputError(message, file, line, col, column)


def _validate_row(model: type[BaseModel], values: dict, cells: dict, line_mark: Mark, errors: list) -> bool:
    """Check a row's values with a schema model; errors point at the offending cell."""
    try:
        model.model_validate(values)
        return True
    except ValidationError as exc:
        errors += input_errors(exc, {(): line_mark, **{(column,): cell[1] for column, cell in cells.items()}})
        return False


def _read_states(data: WorldData, text: str) -> None:
    """Fill `data.states` and `data.info` from a states CSV; all bad rows reported at once."""
    file, errors = data.files["states"], []
    known = _REQUIRED + _OPTIONAL + _INFO
    for line, cells in _rows(text, file, known, _REQUIRED):
        sid, mark = cells["id"]
        if not _ID.match(sid) or sid in data.states:
            problem = "is used twice" if sid in data.states else "is not a short id (a letter, then letters, digits, _ or -)"
            errors.append(_error(f"state id '{sid}' {problem}", mark, "id"))
            continue
        for column in _REQUIRED[1:]:
            if not cells[column][0]:
                errors.append(_error(f"state '{sid}' needs a {column}", cells[column][1], column))
        values = _row_values(cells, _REQUIRED[1:] + _OPTIONAL, errors, f"state '{sid}'")
        if _validate_row(StateSpec, values, cells, (file, line, 1), errors):
            data.states[sid] = {"name": sid, **copy.deepcopy(STATE_DEFAULTS), **values}
            data.info[sid] = {c: cells[c][0] for c in _INFO if c in cells}
            data.marks[("states", sid)] = (file, line, 1)
            data.marks.update({("states", sid, c): cells[c][1] for c in cells if c in values})
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: (e.line or 0, e.column or 0)))


def _read_territories(data: WorldData, text: str) -> None:
    """Add the rows of a territories CSV to their owners' `territories`."""
    file, errors = data.files["territories"], []
    for line, cells in _rows(text, file, _TERRITORY_COLUMNS, ("owner", "name", "lat", "lon")):
        owner, mark = cells["owner"]
        if owner not in data.states:
            errors.append(_error(f"unknown owner state '{owner}'{suggest(owner, data.states)}", mark, "owner"))
            continue
        _add_position(data, owner, cells, (file, line, 1), errors, f"territory of {owner}")
    if errors:
        raise InputErrors(errors)


def _add_position(data: WorldData, owner: str, cells: dict, line_mark: Mark, errors: list, label: str) -> None:
    """Append a CSV row (a territory or a deployment) to its owner's `territories`, once valid."""
    values = _row_values(cells, ("name", "lat", "lon", "regions", "soil", "personnel", "kind"), errors, label)
    if _validate_row(Territory, values, cells, line_mark, errors):
        territories = data.states[owner]["territories"]
        data.marks[("states", owner, "territories", len(territories))] = line_mark
        territories.append({"regions": [], "soil": None, **values})


def _read_pacts(data: WorldData, text: str) -> None:
    """Fill `data.pacts` from a pacts YAML (pact id -> PactSpec fields), shapes checked."""
    doc = parse_yaml(text, data.files["pacts"])
    errors = []
    for pid, pact in doc.data.items():
        try:
            PactSpec.model_validate(pact)
        except ValidationError as exc:
            errors += input_errors(exc, doc.marks, at=(pid,), file=data.files["pacts"])
    if errors:
        raise InputErrors(errors)
    data.pacts = {str(pid): dict(pact) for pid, pact in doc.data.items()}
    data.marks.update({("alliances",) + path: mark for path, mark in doc.marks.items() if path})


def _read_deployments(data: WorldData, text: str) -> None:
    """Add the rows of a deployments CSV (forces abroad) to their owners' `territories`, as
    positions from which they project power (`sim.model.reach`); the host is the soil."""
    file, errors = data.files["deployments"], []
    for line, cells in _rows(text, file, _DEPLOYMENT_COLUMNS, ("state", "location", "lat", "lon")):
        owner, mark = cells["state"]
        if owner not in data.states:
            errors.append(_error(f"unknown state '{owner}'{suggest(owner, data.states)}", mark, "state"))
            continue
        cells = {**cells, "name": cells["location"], "soil": cells.get("host", ("", mark))}
        _add_position(data, owner, cells, (file, line, 1), errors, f"deployment of {owner}")
    if errors:
        raise InputErrors(errors)


def _read_nuclear(data: WorldData, text: str) -> None:
    """Give each armed state of a nuclear CSV its arsenal: `warheads` (column `warheads_total`) and
    `second_strike` (`sim.model.nuclear`); a row makes its state nuclear."""
    file, errors = data.files["nuclear"], []
    for _line, cells in _rows(text, file, _NUCLEAR_COLUMNS, ("state", "warheads_total", "second_strike")):
        sid, mark = cells["state"]
        if sid not in data.states:
            errors.append(_error(f"unknown state '{sid}'{suggest(sid, data.states)}", mark, "state"))
            continue
        arsenal = _arsenal(cells, errors)
        if arsenal is not None:
            data.states[sid].update(nuclear=True, warheads=arsenal[0], second_strike=arsenal[1])
            data.marks.update({("states", sid, "warheads"): cells["warheads_total"][1],
                               ("states", sid, "second_strike"): cells["second_strike"][1]})
    if errors:
        raise InputErrors(errors)


def _arsenal(cells: dict, errors: list[InputError]) -> tuple[float, bool] | None:
    """(warheads, second strike) of a nuclear CSV row, or None with its errors appended."""
    (count, count_mark), (flag, flag_mark) = cells["warheads_total"], cells["second_strike"]
    try:
        warheads = float(count)
    except ValueError:
        warheads = -1.0
    if not warheads >= 0.0:
        errors.append(_error(f"'{count}' is not a number of warheads (0 or more)", count_mark, "warheads_total"))
    if flag.lower() not in _BOOLS:
        errors.append(_error(f"'{flag}' is not true or false", flag_mark, "second_strike"))
    return (warheads, _BOOLS[flag.lower()]) if warheads >= 0.0 and flag.lower() in _BOOLS else None


def _read_reliability(data: WorldData, text: str) -> None:
    """Set each pact's `reliability` from the prior column `RELIABILITY_PRIOR` of a reliability CSV,
    unless `pacts.yaml` gives one."""
    file, errors = data.files["reliability"], []
    for _line, cells in _rows(text, file, _RELIABILITY_COLUMNS, ("pact", RELIABILITY_PRIOR)):
        pid, mark = cells["pact"]
        text_value, value_mark = cells[RELIABILITY_PRIOR]
        if pid not in data.pacts:
            errors.append(_error(f"unknown pact '{pid}'{suggest(pid, data.pacts)}", mark, "pact"))
            continue
        try:
            value = float(text_value)
        except ValueError:
            errors.append(_error(f"'{text_value}' is not a number in 0..1", value_mark, RELIABILITY_PRIOR))
            continue
        if not 0.0 <= value <= 1.0:
            errors.append(_error(f"{value} is not in 0..1", value_mark, RELIABILITY_PRIOR))
            continue
        if "reliability" not in data.pacts[pid]:
            data.pacts[pid]["reliability"] = value
            data.marks[("alliances", pid, "reliability")] = value_mark
    if errors:
        raise InputErrors(errors)


def _read_relations(data: WorldData, text: str) -> None:
    """Fill `data.relations` from a relations YAML, `relations:` then a list of `Relation` fields:
    the world's baseline intents (the rivalries `alliance-sim world --out` writes)."""
    doc = parse_yaml(text, data.files["relations"])
    relations, errors = doc.data.get("relations", []), []
    if not isinstance(relations, list):
        raise InputErrors(InputError("'relations' must be a list of {from, to, intent, mutual}",
                                     *(find_mark(doc.marks, ("relations",)) or (data.files["relations"], None, None))))
    for k, relation in enumerate(relations):
        try:
            Relation.model_validate(relation)
        except ValidationError as exc:
            errors += input_errors(exc, doc.marks, at=("relations", k), file=data.files["relations"])
    if errors:
        raise InputErrors(errors)
    data.relations = [dict(r) for r in relations]
    data.marks.update({path: mark for path, mark in doc.marks.items() if path[:1] == ("relations",)})


def _read_claims(data: WorldData, text: str) -> None:
    """Fill `data.claims` from a claims CSV (`claimant, target, stake_value`, and the documented
    columns of `sim/data/world_2022/claims.csv`): both ids states of the world, not the same one,
    the stake a number in 0..1. Several rows on one pair are several claims (they combine)."""
    file, errors = data.files["claims"], []
    for line, cells in _rows(text, file, _CLAIM_COLUMNS, ("claimant", "target", "stake_value")):
        row_errors: list[InputError] = []
        for column in ("claimant", "target"):
            sid, mark = cells[column]
            if sid not in data.states:
                row_errors.append(_error(f"unknown state '{sid}'{suggest(sid, data.states)}: a claim names two "
                                         "states of the world", mark, column))
        if cells["claimant"][0] == cells["target"][0] and not row_errors:
            row_errors.append(_error(f"'{cells['target'][0]}' claims itself: a claim names another state as its target",
                                     cells["target"][1], "target"))
        text_value, value_mark = cells["stake_value"]
        try:
            value = float(text_value)
        except ValueError:
            value = float("nan")
        if not 0.0 <= value <= 1.0:
            row_errors.append(_error(f"'{text_value}' is not a stake: give a number in 0..1", value_mark, "stake_value"))
        errors += row_errors
        if not row_errors:
            claim = {"claimant": cells["claimant"][0], "target": cells["target"][0], "value": value,
                     **{c: cells[c][0] for c in ("object", "source") if cells.get(c, ("",))[0]}}
            data.marks[("world_claims", len(data.claims))] = (file, line, 1)
            data.marks[("world_claims", len(data.claims), "value")] = value_mark
            data.claims.append(claim)
    if errors:
        raise InputErrors(errors)


def _read_aliases(data: WorldData, folder: Any) -> None:
    """States' names, and the rows of an `aliases.csv` (`id, alias, kind`), as aliases of their ids.

    A name that is itself a state id is not an alias (the id wins)."""
    rows: list[tuple[Any, Any]] = []
    if (folder / "aliases.csv").is_file():
        text = _text(folder / "aliases.csv", _join(data.files["states"].rpartition("/")[0], "aliases.csv"))
        table = list(csv.DictReader(io.StringIO(text)))
        rows = [(row.get("id"), row.get("alias")) for row in table]
        cow = {row["id"]: row["alias"].strip() for row in table if row.get("kind") == "COW abbreviation"
               and row.get("id") in data.states and isinstance(row.get("alias"), str) and row["alias"].strip()}
        if cow:
            data.record["cow_names"] = cow
    add_aliases(data, rows)


def add_aliases(data: WorldData, rows: list[tuple[Any, Any]]) -> None:
    """Make each state's name, then each `(id, alias)` of `rows` whose id is a state, an alias of
    that id; the first claim of an alias wins, and a state id is never an alias (the id wins)."""
    rows = [(sid, state.get("name")) for sid, state in data.states.items()] + rows
    ids = {sid.casefold() for sid in data.states}
    for sid, alias in rows:
        if sid in data.states and isinstance(alias, str) and alias.strip() and alias.casefold() not in ids:
            data.aliases.setdefault(alias.strip(), sid)


_BESIDE_STATES: tuple[tuple[str, Callable[[WorldData, str], None]], ...] = (
    ("territories.csv", _read_territories), ("deployments.csv", _read_deployments), ("nuclear.csv", _read_nuclear),
    ("pacts.yaml", _read_pacts), ("reliability.csv", _read_reliability), ("relations.yaml", _read_relations),
    ("claims.csv", _read_claims),
)
"""The optional files of a world folder, in the order they are read (reliability after pacts)."""
