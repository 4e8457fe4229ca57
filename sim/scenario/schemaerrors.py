"""Pydantic's validation errors as input errors: each one at the file:line:column of the value it is
about (the marks the readers keep), with a message that says what is wrong, the value given and,
where it can, what was meant. Every reader that validates with a schema model goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from sim.scenario.errors import InputError, suggest
from sim.scenario.yamlsource import Mark, error_at

__all__ = ["describe", "input_errors"]


def describe(err: Mapping[str, Any], known: Sequence[str] = (), shown: bool = True) -> str:
    """One pydantic error as a message: an unknown field with the nearest known one (else the list),
    a missing field by name, otherwise pydantic's text with the value given (`shown`) and, for a
    choice among literals, the nearest one."""
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    if kind == "extra_forbidden":
        hint = suggest(str(loc[-1]), known) or (f"; known: {', '.join(known)}" if known else "")
        return f"unknown field '{loc[-1]}'{hint}"
    if kind == "missing":
        return f"'{loc[-1]}' is required"
    hint = suggest(str(value), re.findall(r"'([^']*)'", err["ctx"]["expected"])) if kind == "literal_error" else ""
    got = f" (got {value!r})" if shown and not isinstance(value, (dict, list)) else ""
    return f"{str(err['msg']).removeprefix('Value error, ')}{got}{hint}"


def input_errors(exc: ValidationError, marks: Mapping[tuple, Mark], at: tuple = (), file: str | None = None,
                 message: Callable[[Mapping[str, Any]], str] = describe, loc: Callable[[tuple], tuple] = tuple,
                 label: Callable[[tuple], str] | None = None, group: bool = False,
                 limit: int | None = None) -> list[InputError]:
    """Each error of `exc`, from validating the value at path `at` of a document, as an
    :class:`InputError` at the mark of the value it names (its nearest marked ancestor; `file` when
    nothing is marked).

    The readers differ only through the hooks: `loc` maps pydantic's location to the document's path
    (dropping what pydantic adds and the file does not hold: a union member's tag, a parameter's form),
    `label` names that path as the user writes it (a command-line flag, a parameter's dotted path),
    `group` joins the errors at one path into one message (the alternatives of a union, as "... ; or
    ...", the specific ones before the mere type errors), and `limit` caps the paths reported (the
    rest are counted in one last error)."""
    grouped: dict[tuple, list[Mapping[str, Any]]] = {}
    for index, err in enumerate(exc.errors()):
        grouped.setdefault(at + loc(tuple(err["loc"])) if group else (index,), []).append(err)
    errors = []
    for count, errs in enumerate(grouped.values()):
        if limit is not None and count == limit:  # a file of thousands of wrong keys: the first ones say enough
            errors.append(error_at(marks, at, f"... and {len(grouped) - count} more problems"))
            break
        path = at + loc(tuple(errs[0]["loc"]))
        specific = [e for e in errs if not e["type"].endswith("_type")] or errs
        error = error_at(marks, path, "; or ".join(dict.fromkeys(message(e) for e in specific)))
        if label is not None:
            error = replace(error, path=label(path))
        errors.append(error if error.file or file is None else InputError(error.message, file, path=error.path))
    return errors
