"""Checks that catch typos pydantic cannot see: a misspelt pact id that would create an empty
pact, a region tag no place carries (so a treaty could never apply), and a state named by
another of its names (`ROK`, `South Korea`), which is accepted and replaced by its id.

They run on the merged scenario data, before pydantic, so that errors point at the file and
line of the value (or at the `--set` that gave it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sim.scenario.errors import InputError, suggest
from sim.scenario.pactkinds import PACT_KINDS
from sim.scenario.worlddata import WorldData
from sim.scenario.yamlsource import Mark, error_at

__all__ = ["alias_hint", "new_pact_errors", "region_errors", "world_regions"]


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []


def alias_hint(value: str, world: WorldData | None) -> str:
    """` (did you mean 'KOR'?)` when `value` is another name of a state, in any case; else ''."""
    sid = world.state_id(value, exact=False) if world is not None else None
    return f" (did you mean '{sid}'?)" if sid else ""


def new_pact_errors(data: dict, marks: Mapping[tuple, Mark], world: WorldData) -> list[InputError]:
    """A pact the world does not have must say what it is (its `type`) and who is in it (two
    members or more): otherwise its id is most likely a typo of a pact the world has."""
    errors = []
    for pid, pact in _dict(data.get("alliances")).items():
        if pid in world.pacts or not isinstance(pact, dict):
            continue
        missing = [] if "type" in pact else [f"its type ({', '.join(k.name for k in PACT_KINDS)})"]
        if len(_list(pact.get("members"))) < 2:
            missing.append("at least two members")
        if missing:
            hint = suggest(str(pid), world.pacts) or (f"; pacts of {world.name}: {', '.join(world.pacts)}"
                                                      if world.pacts else "")
            errors.append(error_at(marks, ("alliances", pid),
                                   f"'{pid}' is not a pact of {world.name}{hint}: a new pact needs "
                                   f"{' and '.join(missing)}"))
    return errors


def world_regions(data: dict) -> set[str]:
    """Every region tag a state or territory of the merged scenario carries."""
    tags: set[str] = set()
    for state in _dict(data.get("states")).values():
        tags.update(r for r in _list(_dict(state).get("regions")) if isinstance(r, str))
        for territory in _list(_dict(state).get("territories")):
            tags.update(r for r in _list(_dict(territory).get("regions")) if isinstance(r, str))
    return tags


def _pact_regions(data: dict):
    """(path, pact fields) of every place a pact's terms are written: alliances, created, amended."""
    for pid, pact in _dict(data.get("alliances")).items():
        yield ("alliances", pid), _dict(pact)
    for i, action in enumerate(map(_dict, _list(data.get("timeline")))):
        if action.get("do") == "create_alliance":
            yield ("timeline", i, "alliance"), _dict(action.get("alliance"))
        elif action.get("do") == "amend_alliance":
            yield ("timeline", i, "set"), _dict(action.get("set"))


def region_errors(data: dict, marks: Mapping[tuple, Mark]) -> list[InputError]:
    """A pact's `regions` must name tags that some place carries, or the pact can never apply."""
    tags, errors = world_regions(data), []
    shown = ", ".join(sorted(tags)) or "none"
    for path, pact in _pact_regions(data):
        for k, tag in enumerate(_list(pact.get("regions"))):
            if isinstance(tag, str) and tag not in tags:
                errors.append(error_at(marks, path + ("regions", k),
                                       f"no state or territory carries the region '{tag}'{suggest(tag, tags)}, "
                                       f"so the pact could never apply; regions: {shown}"))
    return errors
