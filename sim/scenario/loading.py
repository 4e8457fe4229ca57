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
import re
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from sim.scenario.checks import alias_hint, new_pact_errors, region_errors
from sim.scenario.errors import InputError, InputErrors, suggest
from sim.scenario.schema import ACTION_MODELS, ACTIONS, PactSpec, Scenario
from sim.scenario.shipped import shipped_names, shipped_scenario
from sim.scenario.worlddata import DEFAULT_WORLD, STATE_DEFAULTS, WorldData, load_world
from sim.scenario.yamlsource import (
    Document,
    Mark,
    append_list,
    apply_override,
    error_at,
    find_mark,
    merge,
    overrides_from,
    read_with_extends,
    resolve_extends,
)
from sim.scenario.yearworld import cow_world

__all__ = [
    "load_scenario", "merged_document", "scenario_sha256", "resolved_dict", "validation_errors",
    "cross_reference_errors",
]


def load_scenario(source: str | os.PathLike | Mapping[str, Any],
                  overrides: Mapping[str, Any] | list[str] | None = None) -> Scenario:
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
    if errors:
        raise InputErrors(_sorted(errors))
    return scenario


def merged_document(source: str | os.PathLike | Mapping[str, Any],
                    overrides: Mapping[str, Any] | list[str] | None = None) -> tuple[Document, WorldData]:
    """The scenario data over its `extends` chain, over the world, with the overrides applied.

    An override of `world` is applied before the world is loaded, every other one after the
    merge (so `alliances.QUAD.type=defence` changes the world's Quad). Not yet validated.
    """
    doc, base_dir = _read_source(source)
    doc.data = {key: value for key, value in doc.data.items() if value is not None}  # `states:` alone = none
    changes = overrides_from(overrides)
    for override in [o for o in changes if o.path[:1] == ("world",)]:
        apply_override(doc, override)
    world = _world(doc, base_dir)
    base = world.document()
    doc = merge(base, append_list(base, doc, "relations"))  # the world's rivalries, then the scenario's
    for override in [o for o in changes if o.path[:1] != ("world",)]:
        apply_override(doc, override)
    _drop_removed(doc.data)
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
        return cow_world(name) or load_world(name, base_dir)
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
    """Each pydantic error as an :class:`InputError` at the mark of the value it is about."""
    grouped: dict[tuple, list[Any]] = {}
    for err in exc.errors():
        grouped.setdefault(_data_path(err["loc"], data), []).append(err)
    errors = []
    for count, (path, errs) in enumerate(grouped.items()):
        if count == MAX_ERRORS:  # a file of thousands of wrong keys: the first ones say enough
            errors.append(error_at(marks, (), f"... and {len(grouped) - count} more problems"))
            break
        specific = [e for e in errs if not e["type"].endswith("_type")] or errs
        message = "; or ".join(dict.fromkeys(_message(e, path, data) for e in specific))
        errors.append(error_at(marks, path, message))
    return errors


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


def _message(err: dict, path: tuple, data: Any) -> str:
    """A message that says what is wrong and, where it can, what was meant."""
    kind, value = err["type"], err.get("input")
    if kind == "extra_forbidden":
        known = _known_fields(path[:-1], data)
        hint = suggest(str(path[-1]), known) or (f"; known: {', '.join(known)}" if known else "")
        return f"unknown field '{path[-1]}'{hint}"
    if kind == "missing":
        return f"'{err['loc'][-1]}' is required"
    if kind == "union_tag_invalid":
        return f"unknown action '{err['ctx']['tag']}'{suggest(str(err['ctx']['tag']), ACTIONS)}; actions: {', '.join(ACTIONS)}"
    if kind == "union_tag_not_found":
        return f"each timeline entry needs 'do:' naming the action ({', '.join(ACTIONS)})"
    hint = ""
    if kind == "literal_error":
        hint = suggest(str(value), re.findall(r"'([^']*)'", err["ctx"]["expected"]))
    shown = "" if isinstance(value, (dict, list)) else f" (got {value!r})"
    return f"{err['msg']}{shown}{hint}"


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
    for i, claim in enumerate(_list(data.get("claims"))):
        for key in ("claimant", "target"):
            refs.state(_dict(claim).get(key), ("claims", i, key))
    _check_timeline(refs, _list(data.get("timeline")))
    watch = _dict(data.get("watch"))
    for k, dyad in enumerate(_list(watch.get("dyads"))):
        for j, sid in enumerate(_list(dyad)):
            refs.state(sid, ("watch", "dyads", k, j))
    for k, sid in enumerate(_list(watch.get("states"))):
        refs.state(sid, ("watch", "states", k))
    return refs.errors


def _check_pact(refs: _Refs, pact: dict, path: tuple) -> None:
    for key in _ID_LISTS:
        for k, sid in enumerate(_list(pact.get(key))):
            refs.state(sid, path + (key, k))
    for sid in _dict(pact.get("member_reliability")):
        refs.state(sid, path + ("member_reliability", sid))
    refs.state(pact.get("leader"), path + ("leader",))


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


_REF_CHECKS = {
    "state": lambda refs, action, key, path, created: refs.state(action.get(key), path + (key,)),
    "party": lambda refs, action, key, path, created: refs.state(action.get(key), path + (key,), pacts_too=True),
    "pact": lambda refs, action, key, path, created: refs.pact(action.get(key), path + (key,), created),
    "new_pact": _check_new_pact,
    "pact_spec": _check_pact_spec,
    "pact_changes": lambda refs, action, key, path, created: _check_amend(refs, _dict(action.get(key)), path + (key,)),
    "territory": lambda refs, action, key, path, created: (
        _check_location(refs, action, path) if isinstance(action.get(key), str) else None),
    "position": lambda refs, action, key, path, created: _check_position(refs, action, path),
}


def _check_amend(refs: _Refs, changes: dict, path: tuple) -> None:
    """The new values must be valid pact fields naming known states."""
    _check_pact(refs, changes, path)
    try:
        PactSpec.model_validate({k: v for k, v in changes.items() if k in PactSpec.model_fields})
    except ValidationError as exc:
        for err in exc.errors():
            refs.error(path + tuple(err["loc"]), f"{err['msg']} (got {err.get('input')!r})")


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
    """`withdraw`, and `deploy` without lat and lon, need a known position of the actor; a new
    position's host must be a state."""
    refs.state(action.get("host"), path + ("host",))
    if action.get("do") == "deploy" and action.get("lat") is not None and action.get("lon") is not None:
        return
    actor, location = action.get("actor"), action.get("location")
    if not isinstance(actor, str) or actor not in refs.states or not isinstance(location, str):
        return
    names = [str(_dict(t).get("name")) for t in _list(_dict(refs.states.get(actor)).get("territories"))]
    deployed = {str(_dict(a).get("location")) for a in _list(refs.data.get("timeline"))
                if _dict(a).get("do") == "deploy" and _dict(a).get("actor") == actor and _dict(a).get("lat") is not None}
    if location not in names and location not in deployed:
        refs.error(path + ("location",), f"'{location}' is not a position of {actor}{suggest(location, names)}: "
                   "name one of its territories or deployments, or give lat and lon for a new one")
