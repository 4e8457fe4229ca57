"""Scenario file (or mapping) -> a validated, fully resolved :class:`sim.scenario.schema.Scenario`.

Steps: read the YAML with marks and its `extends` chain; apply `--set` overrides; load the
world; merge the world's states and pacts under the scenario's (`null` removes one); validate
the structure with pydantic and the ids against the states and pacts; report every problem at
once as `file:line:column: path: message`. The result holds the whole world, so the engine
never reads a file.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.checks import alias_hint, new_pact_errors, region_errors
from sim.scenario.errors import InputError, InputErrors, format_path, suggest
from sim.scenario.schema import ACTION_MODELS, ACTIONS, PactSpec, Scenario
from sim.scenario.schemaerrors import describe, input_errors
from sim.scenario.shipped import shipped_names, shipped_scenario
from sim.scenario.worlddata import DEFAULT_WORLD, STATE_DEFAULTS, WorldData
from sim.scenario.yamlsource import (
    Document,
    Mark,
    Override,
    append_list,
    apply_override,
    error_at,
    find_mark,
    merge,
    overrides_from,
    read_with_extends,
    resolve_extends,
)
from sim.scenario.yearworld import any_world

__all__ = [
    "load_scenario", "merged_document", "scenario_sha256", "resolved_dict", "validation_errors",
    "cross_reference_errors",
]


def load_scenario(source: str | os.PathLike | Mapping[str, Any],
                  overrides: Mapping[str, Any] | Sequence[str | Override] | None = None) -> Scenario:
    """Load, resolve and check a scenario; raise :class:`InputErrors` listing every problem.

    `source` is a YAML file or a mapping of the same keys; `overrides` is `{dotted.path: value}`
    or `["dotted.path=VALUE", ...]` (as `--set`). A file without `name` is named by its stem.
    """
    doc, world = merged_document(source, overrides)
    errors = (_complete_states(doc, world) + new_pact_errors(doc.data, doc.marks, world)
              + region_errors(doc.data, doc.marks) + cross_reference_errors(doc.data, doc.marks, world)
              + _late_actions(doc))
    try:
        scenario = Scenario.model_validate(doc.data)
    except ValidationError as exc:
        errors = validation_errors(exc, doc.data, doc.marks) + errors
    errors = _removed_still_named(doc, errors)
    if errors:
        raise InputErrors(_sorted(errors))
    return scenario


def merged_document(source: str | os.PathLike | Mapping[str, Any],
                    overrides: Mapping[str, Any] | Sequence[str | Override] | None = None) -> tuple[Document, WorldData]:
    """The scenario data over its `extends` chain, over the world, with the overrides applied.

    An override of `world` is applied before the world is loaded, every other one after the
    merge (so `alliances.QUAD.type=defence` changes the world's Quad). Not yet validated.
    """
    doc, base_dir = _read_source(source)
    doc.data = {key: value for key, value in doc.data.items() if value is not None}  # `states:` alone = none
    own_claims = "world_claims" in doc.data  # a resolved scenario's (checked), else the world's
    changes = overrides_from(overrides)
    for override in [o for o in changes if o.path[:1] == ("world",)]:
        apply_override(doc, override)
    world = _world(doc, base_dir)
    base = world.document()
    doc = merge(base, append_list(base, doc, "relations"))  # the world's rivalries, then the scenario's
    for override in [o for o in changes if o.path[:1] != ("world",)]:
        apply_override(doc, override)
    _drop_removed(doc.data)
    if not own_claims:
        _drop_claims_of_removed(doc)
    if not isinstance(source, Mapping):
        doc.data.setdefault("name", Path(source).stem)
    return doc, world


def resolved_dict(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as plain JSON-ready data (for meta.json); loads back to the same."""
    return scenario.model_dump(mode="json", by_alias=True)


def scenario_sha256(scenario: Scenario) -> str:
    """Hex sha256 of the canonical JSON of the resolved scenario (sorted keys, no spaces)."""
    text = json.dumps(resolved_dict(scenario), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- reading and merging -------------------------------------------------------------------

def _read_source(source: str | os.PathLike | Mapping[str, Any]) -> tuple[Document, Path]:
    """The scenario document with its `extends` chain merged, and the folder paths start from."""
    if isinstance(source, Mapping):
        doc = Document(copy.deepcopy(dict(source)), {})
        return resolve_extends(doc, Path.cwd() / "<mapping>", "<mapping>"), Path.cwd()
    path = Path(source)
    shipped = None if path.is_file() else shipped_scenario(str(source))
    if shipped is not None:
        path = shipped  # a shipped scenario by name, from any folder
    if not path.is_file():
        known = [p.name for p in path.parent.glob("*.yaml")] if path.parent.is_dir() else []
        hint = suggest(path.name, known) or suggest(str(source), shipped_names())
        raise InputErrors(InputError(f"no scenario file here{hint} (shipped scenarios: "
                                     "`alliance-sim scenarios`)", str(source)))
    return read_with_extends(path, str(source) if path == Path(source) else str(path)), path.parent


def _world(doc: Document, base_dir: Path) -> WorldData:
    """The world the scenario names; errors without a place of their own point at `world:`."""
    name = doc.data.get("world", DEFAULT_WORLD)
    if not isinstance(name, str):
        raise InputErrors(error_at(doc.marks, ("world",), "give a bundled world name or the path of a states CSV"))
    try:
        return any_world(name, base_dir)
    except InputErrors as exc:
        file, line, column = find_mark(doc.marks, ("world",)) or (None, None, None)
        raise InputErrors([e if e.file else dataclasses.replace(e, file=file, line=line, column=column)
                           for e in exc.errors]) from None


def _drop_removed(data: dict) -> None:
    """`states: {X: null}` and `alliances: {X: null}` remove X; a pact without a name is named by its id."""
    for key in ("states", "alliances"):
        if isinstance(data.get(key), dict):
            data[key] = {k: v for k, v in data[key].items() if v is not None}
    for pid, pact in _dict(data.get("alliances")).items():
        if isinstance(pact, dict) and pact.get("name") is None:
            pact["name"] = str(pid)


def _drop_claims_of_removed(doc: Document) -> None:
    """The world's claims on or by a state the scenario removes go with it (a scenario may run on a
    part of the world)."""
    claims, states = doc.data.get("world_claims"), doc.data.get("states")
    if not isinstance(claims, list) or not isinstance(states, dict):
        return
    kept = [k for k, c in enumerate(claims) if not isinstance(c, dict)
            or (c.get("claimant") in states and c.get("target") in states)]
    if len(kept) < len(claims):
        doc.data["world_claims"] = [claims[k] for k in kept]
        old = {path: mark for path, mark in doc.marks.items() if path[:1] == ("world_claims",)}
        for path in old:
            del doc.marks[path]
        doc.marks.update({("world_claims", new) + path[2:]: mark for new, k in enumerate(kept)
                          for path, mark in old.items() if path[1:2] == (k,)})


def _removed_still_named(doc: Document, errors: list[InputError]) -> list[InputError]:
    """A state removed (`states: {IND: null}`) but still named: where another file names it (the
    world's pacts), the error is at the line that removed it, saying where it is still named, rather
    than in a file the user never wrote; where the user's own file names it, the error there says it
    was removed (not `unknown state`, with a guess at another one)."""
    states = doc.data.get("states")
    if not isinstance(states, dict):
        return errors
    removed = {p[1]: m for p, m in doc.marks.items() if len(p) == 2 and p[0] == "states" and p[1] not in states}
    if not removed:
        return errors
    places: dict[Mark, tuple[str, tuple]] = {}
    for path, value in _string_leaves(doc.data, ()):
        mark = find_mark(doc.marks, path)
        if isinstance(value, str) and value in removed and mark is not None:
            places[mark] = (value, path)
    kept, elsewhere = [], dict[str, list[tuple[tuple, Mark]]]()
    for error in errors:
        sid, path = places.get((error.file, error.line, error.column), (None, ()))
        if sid is None:
            kept.append(error)
        elif error.file == removed[sid][0]:
            kept.append(dataclasses.replace(error, message=f"state '{sid}' is removed (states.{sid}, line "
                                                           f"{removed[sid][1]}): remove this reference too"))
        else:
            elsewhere.setdefault(sid, []).append((path, (error.file, error.line, error.column)))
    for sid, found in elsewhere.items():
        named = "; ".join(f"{format_path(path)} ({file}:{line})" for path, (file, line, _) in found[:5])
        pacts = sorted({str(path[1]) for path, _ in found if path[:1] == ("alliances",)})
        hint = (f": remove the pact too (`alliances: {{{pacts[0]}: null}}`) or give it members without {sid}"
                if pacts else ": remove those references too")
        file, line, column = removed[sid]
        kept.append(InputError(f"state '{sid}' is removed here but is still named by {named}{hint}",
                               file, line, column, f"states.{sid}"))
    return kept


def _string_leaves(node: Any, path: tuple) -> list[tuple[tuple, Any]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _string_leaves(value, path + (key,))]
    if isinstance(node, list):
        return [leaf for k, value in enumerate(node) for leaf in _string_leaves(value, path + (k,))]
    return [(path, node)] if isinstance(node, str) else []


def _complete_states(doc: Document, world: WorldData) -> list[InputError]:
    """Give every state all its fields; a state new to the world must bring lat, lon and power."""
    states = doc.data.get("states")
    errors: list[InputError] = []
    if not isinstance(states, dict):
        return errors
    for sid, spec in states.items():
        if not isinstance(spec, dict):
            continue
        missing = [f for f in ("lat", "lon", "power") if spec.get(f) is None]
        if sid not in world.states and missing:
            hint = alias_hint(str(sid), world) or suggest(str(sid), world.states)
            errors.append(error_at(doc.marks, ("states", sid),
                                   f"'{sid}' is not a state of {world.name}{hint}: a new state needs {', '.join(missing)}"))
        given = {key: value for key, value in spec.items() if value is not None}  # null: the default
        states[sid] = {"name": str(sid), **copy.deepcopy(STATE_DEFAULTS), **given}
        for territory in states[sid]["territories"] if isinstance(states[sid]["territories"], list) else []:
            if isinstance(territory, dict) and territory.get("soil") is None:
                territory["soil"] = sid
    return errors


def _late_actions(doc: Document) -> list[InputError]:
    """An action after the horizon would never happen: an error, not a silent no-op."""
    horizon = doc.data.get("horizon_days", Scenario.model_fields["horizon_days"].default)
    if not isinstance(horizon, (int, float)) or isinstance(horizon, bool) or not horizon > 0:
        return []
    return [error_at(doc.marks, ("timeline", i, "at"), f"day {_at(a):g} is after the horizon ({horizon:g} days): "
                     "it would never happen; move it earlier or raise horizon_days")
            for i, a in enumerate(_list(doc.data.get("timeline"))) if horizon < _at(a) < float("inf")]


def _sorted(errors: list[InputError]) -> list[InputError]:
    """Errors in file order; duplicates dropped."""
    unique = list(dict.fromkeys(errors))
    return sorted(unique, key=lambda e: (e.file or "", e.line or 0, e.column or 0))


# --- pydantic errors -> file:line:column ---------------------------------------------------

MAX_ERRORS = 100
"""Problems reported from one file at most (the rest are counted)."""


def validation_errors(exc: ValidationError, data: Any, marks: Mapping[tuple, Mark]) -> list[InputError]:
    """Each pydantic error as an :class:`InputError` at the mark of the value it is about: the errors
    at one value of the document as one message (an action no member of the union takes)."""
    return input_errors(exc, marks, message=lambda err: _message(err, _data_path(err["loc"], data), data),
                        loc=lambda loc: _data_path(loc, data), group=True, limit=MAX_ERRORS)


def _data_path(loc: tuple, data: Any) -> tuple:
    """The error's location as a path into the data (union member and tag names dropped)."""
    path, node = [], data
    for index, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif index == len(loc) - 1 and isinstance(node, dict) and part != "[key]":
            node = None
        else:
            continue
        path.append(part)
    return tuple(path)


def _message(err: Mapping[str, Any], path: tuple, data: Any) -> str:
    """A message that says what is wrong and, where it can, what was meant."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return describe(err, _known_fields(path[:-1], data))
    if kind == "union_tag_invalid":
        return f"unknown action '{err['ctx']['tag']}'{suggest(str(err['ctx']['tag']), ACTIONS)}; actions: {', '.join(ACTIONS)}"
    if kind == "union_tag_not_found":
        return f"each timeline entry needs 'do:' naming the action ({', '.join(ACTIONS)})"
    return describe(err)


def _known_fields(path: tuple, data: Any) -> list[str]:
    """The field names the schema allows at `path` (for `did you mean` hints)."""
    kind: Any = Scenario
    node = data
    for part in path:
        kind = _unwrap(kind, node)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            fields = {f.alias or n: f for n, f in kind.model_fields.items()}
            kind = fields[part].annotation if part in fields else None
        elif typing.get_origin(kind) in (dict, list):
            kind = typing.get_args(kind)[-1] if typing.get_origin(kind) is dict else typing.get_args(kind)[0]
        else:
            return []
        node = node[part] if isinstance(node, (dict, list)) else None
    kind = _unwrap(kind, node)
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return [f.alias or n for n, f in kind.model_fields.items()]
    return []


def _unwrap(kind: Any, node: Any) -> Any:
    """Strip `Annotated` and `Optional`; pick the union member the value's `do:` names."""
    while typing.get_origin(kind) in (typing.Annotated, typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        if typing.get_origin(kind) is typing.Annotated or len(args) == 1:
            kind = args[0]
            continue
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        tag = node.get("do") if isinstance(node, dict) else None
        chosen = [m for m in models if "do" in m.model_fields and tag in typing.get_args(m.model_fields["do"].annotation)]
        return (chosen or models)[0] if chosen or models else None
    return kind


# --- cross-references: every id names a state or pact --------------------------------------

_ID_LISTS = ("members", "soil", "protects", "adversaries", "supporters")
_UNKNOWN_ACTION_REFS = {"actor": "state", "target": "state"}  # an unknown `do:` is reported by the schema


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return list(value) if isinstance(value, tuple) else value if isinstance(value, list) else []


class _Refs:
    """The known state and pact ids, and the unknown ones found so far."""

    def __init__(self, data: dict, marks: Mapping[tuple, Mark], world: WorldData | None = None):
        self.data, self.world = data, world
        self.checked = isinstance(data.get("states"), dict)  # else pydantic reports `states`
        self.states = _dict(data.get("states"))
        self.pacts = {pid: _list(_dict(p).get("members")) for pid, p in _dict(data.get("alliances")).items()}
        self.specs = {pid: dict(_dict(p)) for pid, p in _dict(data.get("alliances")).items()}
        """Each pact's fields as the timeline has made them so far (actions are checked in time order)."""
        self.marks = marks
        self.errors: list[InputError] = []
        self.data = data

    def state(self, value: Any, path: tuple, pacts_too: bool = False) -> None:
        """Check that `value` names a state (or, with `pacts_too`, a pact standing for its members)."""
        if not self.checked or not isinstance(value, str) or value in self.states:
            return
        if pacts_too and value in self.pacts:
            return
        sid = self.world.state_id(value) if self.world is not None else None
        if sid is not None and sid in self.states:
            return self._replace(path, sid)
        known = list(self.states) + (list(self.pacts) if pacts_too else [])
        what = "state or pact" if pacts_too else "state"
        self.error(path, f"unknown {what} '{value}'{alias_hint(value, self.world) or suggest(value, known)}")

    def _replace(self, path: tuple, sid: str) -> None:
        """Write the state id in place of the alias the user gave (`ROK` -> `KOR`)."""
        node = self.data
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = sid

    def pact(self, value: Any, path: tuple, created: dict[str, float]) -> None:
        """Check that `value` names a pact that exists when the action happens."""
        if not isinstance(value, str) or value in self.pacts:
            return
        if value in created:
            return self.error(path, f"pact '{value}' is created only on day {created[value]:g}, after this action")
        self.error(path, f"unknown pact '{value}'{suggest(value, self.pacts)}")

    def error(self, path: tuple, message: str) -> None:
        """Record an error at the mark of `path`."""
        self.errors.append(error_at(self.marks, path, message))


def cross_reference_errors(data: dict, marks: Mapping[tuple, Mark], world: WorldData | None = None) -> list[InputError]:
    """Every unknown state or pact id in the merged scenario data, with a nearest-id hint; another
    name of a state in `world` (`ROK`, `South Korea`) is replaced by its id."""
    refs = _Refs(data, marks, world)
    for pid, pact in _dict(data.get("alliances")).items():
        _check_pact(refs, _dict(pact), ("alliances", pid))
    for sid, state in refs.states.items():
        for k, territory in enumerate(_list(_dict(state).get("territories"))):
            refs.state(_dict(territory).get("soil"), ("states", sid, "territories", k, "soil"))
    for i, relation in enumerate(_list(data.get("relations"))):
        for key in ("from", "to"):
            refs.state(_dict(relation).get(key), ("relations", i, key))
    for key in ("claims", "world_claims"):
        for i, claim in enumerate(_list(data.get(key))):
            for field in ("claimant", "target"):
                refs.state(_dict(claim).get(field), (key, i, field))
    _check_duplicate_claims(refs, _list(data.get("claims")))
    _check_timeline(refs, _list(data.get("timeline")))
    watch = _dict(data.get("watch"))
    for k, dyad in enumerate(_list(watch.get("dyads"))):
        for j, sid in enumerate(_list(dyad)):
            refs.state(sid, ("watch", "dyads", k, j))
    for k, sid in enumerate(_list(watch.get("states"))):
        refs.state(sid, ("watch", "states", k))
    return refs.errors


def _check_duplicate_claims(refs: _Refs, claims: list) -> None:
    """A scenario's `claims` set a pair's stake: two entries on one pair with different values
    contradict each other (which would win?)."""
    first: dict[tuple, tuple[int, Any]] = {}
    for i, claim in enumerate(map(_dict, claims)):
        pair = (claim.get("claimant"), claim.get("target"))
        if not all(isinstance(p, str) for p in pair):
            continue
        if pair in first and first[pair][1] != claim.get("value"):
            k, value = first[pair]
            refs.error(("claims", i, "value"), f"claims[{k}] already gives {pair[0]}'s claim on {pair[1]} the value "
                       f"{value!r}: one entry a pair (remove one, or give both the same value)")
        first.setdefault(pair, (i, claim.get("value")))


def _check_pact(refs: _Refs, pact: dict, path: tuple, members: list | None = None) -> None:
    """The ids a pact's fields name are states; those it `protects` are among its `members`
    (`members`: the pact's members when they are not in `pact`, as for an amendment)."""
    for key in _ID_LISTS:
        for k, sid in enumerate(_list(pact.get(key))):
            refs.state(sid, path + (key, k))
    for sid in _dict(pact.get("member_reliability")):
        refs.state(sid, path + ("member_reliability", sid))
    refs.state(pact.get("leader"), path + ("leader",))
    protects = pact.get("protects")
    if not isinstance(protects, list):
        return
    members = _list(pact.get("members")) if members is None else members
    if not protects:
        refs.error(path + ("protects",), "`protects: []` names nobody, so no attack would ever invoke the pact: "
                   "name the members it protects, or leave `protects` out for all of them")
    for k, sid in enumerate(protects):
        if isinstance(sid, str) and sid in refs.states and sid not in members:
            refs.error(path + ("protects", k), f"'{sid}' is not a member of the pact (members: "
                       f"{', '.join(map(str, members)) or 'none'}): a pact protects only its members; "
                       "add it to `members` or remove it here")


def _at(action: Any) -> float:
    at = _dict(action).get("at")
    return float(at) if isinstance(at, (int, float)) else float("inf")


def _check_timeline(refs: _Refs, timeline: list) -> None:
    """Actions in time order: a pact made by `create_alliance` exists from its day on. What each
    field names is declared by the action's model (`refs`), checked by the checker of that kind."""
    created = {a[f]: _at(a) for a in map(_dict, timeline) for f, what in _action_refs(a).items()
               if what == "new_pact" and isinstance(a.get(f), str)}
    for i in sorted(range(len(timeline)), key=lambda i: (_at(timeline[i]), i)):
        action, path = _dict(timeline[i]), ("timeline", i)
        for key, what in _action_refs(action).items():
            _REF_CHECKS[what](refs, action, key, path, created)
        _follow_membership(refs, action)


def _follow_membership(refs: _Refs, action: dict) -> None:
    """Keep `refs.specs` as the pact is after a join, a leave or an amendment."""
    spec = refs.specs.get(action.get("pact")) if isinstance(action.get("pact"), str) else None
    if spec is None:
        return
    members = _list(spec.get("members"))
    if action.get("do") == "join_alliance" and action.get("actor") not in members:
        spec["members"] = members + [action.get("actor")]
    elif action.get("do") == "leave_alliance":
        spec["members"] = [m for m in members if m != action.get("actor")]
    elif action.get("do") == "amend_alliance":
        spec.update(_dict(action.get("set")))


def _action_refs(action: dict) -> dict[str, str]:
    do = action.get("do")
    model = ACTION_MODELS.get(do) if isinstance(do, str) else None
    return model.refs if model is not None else _UNKNOWN_ACTION_REFS


def _check_new_pact(refs: _Refs, action: dict, key: str, path: tuple, created: dict) -> None:
    pid = action.get(key)
    if isinstance(pid, str) and pid in refs.pacts:
        refs.error(path + (key,), f"pact '{pid}' already exists: use amend_alliance to change it")


def _check_pact_spec(refs: _Refs, action: dict, key: str, path: tuple, created: dict) -> None:
    """A pact created by the action: its ids are checked, then it exists for the actions after it."""
    pid, pact = action.get("pact"), _dict(action.get(key))
    _check_pact(refs, pact, path + (key,))
    if isinstance(pid, str):
        refs.pacts[pid] = _list(pact.get("members"))
        refs.specs[pid] = dict(pact)


_REF_CHECKS = {
    "state": lambda refs, action, key, path, created: refs.state(action.get(key), path + (key,)),
    "party": lambda refs, action, key, path, created: refs.state(action.get(key), path + (key,), pacts_too=True),
    "pact": lambda refs, action, key, path, created: refs.pact(action.get(key), path + (key,), created),
    "new_pact": _check_new_pact,
    "pact_spec": _check_pact_spec,
    "pact_changes": lambda refs, action, key, path, created: _check_amend(refs, action, _dict(action.get(key)),
                                                                          path + (key,)),
    "territory": lambda refs, action, key, path, created: (
        _check_location(refs, action, path) if isinstance(action.get(key), str) else None),
    "position": lambda refs, action, key, path, created: _check_position(refs, action, path),
}


def _check_amend(refs: _Refs, action: dict, changes: dict, path: tuple) -> None:
    """The new values must be valid pact fields naming known states, and the pact they make (the
    pact as the timeline has left it, with the changes) a valid pact: what the run will build."""
    current = refs.specs.get(action.get("pact"), {}) if isinstance(action.get("pact"), str) else {}
    changed = {k: v for k, v in changes.items() if k in PactSpec.model_fields}
    pact = {**current, **changed}
    _check_pact(refs, changes, path, _list(pact.get("members")))
    try:
        PactSpec.model_validate(pact)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            if not loc or loc[0] in changed:  # a problem of the pact's own fields is reported where they are
                refs.error(path + loc, describe(err))


def _check_location(refs: _Refs, action: dict, path: tuple) -> None:
    """An attack's `location` must be a territory of the target (or of a member of the target pact)."""
    target = action.get("target")
    owners = [target] if target in refs.states else _list(refs.pacts.get(target))
    names = [_dict(t).get("name") for sid in owners for t in _list(_dict(refs.states.get(sid)).get("territories"))]
    location = action["location"]
    if owners and location not in names:
        listed = f"; {target} has: {', '.join(map(str, names))}" if names else f"; {target} has no territories"
        refs.error(path + ("location",), f"'{location}' is not a territory of {target}"
                   f"{suggest(location, [str(n) for n in names])}{listed} (leave location out for the homeland)")


def _check_position(refs: _Refs, action: dict, path: tuple) -> None:
    """`withdraw`, and `deploy` without lat and lon, need a position of the actor that exists by
    then: one of its territories, or one a `deploy` with lat and lon made before (surely before:
    its latest day is earlier, or the same day and listed earlier); a new position's host must be
    a state."""
    refs.state(action.get("host"), path + ("host",))
    if action.get("do") == "deploy" and (action.get("lat") is not None or action.get("lon") is not None):
        return  # a new position (lat without lon is the schema's error)
    actor, location = action.get("actor"), action.get("location")
    if not isinstance(actor, str) or actor not in refs.states or not isinstance(location, str):
        return
    names = [str(_dict(t).get("name")) for t in _list(_dict(refs.states.get(actor)).get("territories"))]
    timeline = _list(refs.data.get("timeline"))
    new = [(j, a) for j, a in enumerate(map(_dict, timeline)) if a.get("do") == "deploy" and a.get("actor") == actor
           and a.get("location") == location and a.get("lat") is not None and a.get("lon") is not None]
    if location in names or any((_span(a)[1], j) < (_span(action)[0], path[1]) for j, a in new):
        return
    if new:
        day = _span(new[0][1])[1]
        fix = "give the position's lat and lon here, or move this deploy" if action.get("do") == "deploy" else "move it"
        refs.error(path + ("location",), f"'{location}' is made a position of {actor} only by a deploy on day "
                   f"{day:g}, not surely before this {action.get('do')}: {fix} after that day")
        return
    refs.error(path + ("location",), f"'{location}' is not a position of {actor}{suggest(location, names)}: "
               "name one of its territories or deployments, or give lat and lon for a new one")


def _span(action: dict) -> tuple[float, float]:
    """The earliest and latest day an action may happen (`at: DAY` or `at: [FROM, TO]`)."""
    at = action.get("at")
    if isinstance(at, (int, float)) and not isinstance(at, bool):
        return float(at), float(at)
    if isinstance(at, (list, tuple)) and len(at) == 2 and all(isinstance(x, (int, float)) for x in at):
        return float(min(at)), float(max(at))
    return float("inf"), float("inf")
