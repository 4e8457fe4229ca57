"""YAML read with the file, line and column of every value, `extends`, and `--set` overrides.

A :class:`Document` is the plain data of a YAML mapping plus `marks`: for every path of keys
and list indices (`('alliances', 'QUAD', 'members', 2)`) the `(file, line, column)` it came from,
1-based. Loading merges documents (a scenario over the file it `extends`, over the world data)
and keeps each value's mark, so a later error can point at the line that wrote the value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.scenario.errors import InputError, InputErrors, format_path, suggest
from sim.scenario.shipped import shipped_names, shipped_scenario

__all__ = [
    "Mark", "Document", "Override", "parse_yaml", "parse_value", "read_yaml", "read_with_extends", "merge",
    "append_list",
    "deep_merge", "resolve_extends", "parse_path", "parse_override", "overrides_from", "apply_override",
    "find_mark", "error_at",
]

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: same nodes, faster


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, but `2022-02-24` stays text: a date is parsed where a field wants one, so
    an impossible date (`2022-13-45`) is an error at its line, never a crash while reading."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()
}
_LOADER = _Loader

MAX_FILE_BYTES = 1_000_000
"""Largest YAML file read (scenario, sweep, history): the shipped ones are a few kilobytes."""
MAX_NODES = 100_000
"""Most values a YAML document may hold once its aliases are expanded (a "billion laughs" is refused)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

Mark = tuple[str | None, int | None, int | None]
"""Where a value was written: (file, line, column), line and column 1-based or None."""


@dataclass
class Document:
    """A YAML mapping (`data`) and the mark of each of its values, keyed by path."""

    data: dict
    marks: dict[tuple, Mark] = field(default_factory=dict)


def find_mark(marks: Mapping[tuple, Mark], path: Sequence[object]) -> Mark | None:
    """The mark of `path`; else of a value inside it (a `--set` below); else of its nearest ancestor."""
    path = tuple(path)
    if path and path not in marks:
        inside = [p for p in marks if p[: len(path)] == path]
        if inside:
            return marks[min(inside, key=len)]
    for end in range(len(path), -1, -1):
        if path[:end] in marks:
            return marks[path[:end]]
    return None


def error_at(marks: Mapping[tuple, Mark], path: Sequence[object], message: str) -> InputError:
    """An :class:`InputError` for `path`, placed at the nearest mark; a timeline action is
    numbered within the file that holds it (see :func:`local_path`)."""
    file, line, column = find_mark(marks, path) or (None, None, None)
    return InputError(message, file, line, column, format_path(local_path(marks, tuple(path), file)))


def local_path(marks: Mapping[tuple, Mark], path: tuple, file: str | None) -> tuple:
    """`('timeline', k, ...)` with k counted among the actions of `file` only: after `extends`, a
    child's first action is `timeline[0]` of the child, not `timeline[25]` of the merged list."""
    if len(path) < 2 or path[0] != "timeline" or not isinstance(path[1], int) or file is None:
        return path
    before = sum(1 for j in range(path[1]) if (marks.get(("timeline", j)) or (None,))[0] == file)
    return ("timeline", before, *path[2:])


# --- reading -------------------------------------------------------------------------------

def parse_yaml(text: str, file: str) -> Document:
    """Parse YAML text (a mapping, or empty) with marks; syntax errors name file:line:column."""
    _check_characters(text, file)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(node, file)
        duplicates = _duplicate_keys(node, (), file) if node is not None else []
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise InputErrors(_syntax_error(exc, file)) from None
    except yaml.YAMLError as exc:
        raise InputErrors(InputError(f"YAML: {exc}", file)) from None
    except RecursionError:
        raise InputErrors(InputError("values nested too deeply to read", file)) from None
    finally:
        loader.dispose()
    if duplicates:
        raise InputErrors(duplicates)
    if data is None:
        return Document({}, {(): (file, 1, 1)})
    if not isinstance(data, dict):
        message = f"expected a mapping of keys (key: value) at the top, found a {type(data).__name__}"
        raise InputErrors(InputError(message, *_mark(node, file)))
    marks: dict[tuple, Mark] = {(): (file, 1, 1)}
    _walk(node, (), marks, file)
    return Document(data, marks)


def parse_value(text: str, file: str) -> Any:
    """One YAML value (a `--set` value: `0.8`, `[USA, JPN]`, `{a: 1}`), checked as a file is."""
    _check_characters(text, file)
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, file)
        return loader.construct_document(node)
    except RecursionError:
        raise InputErrors(InputError("values nested too deeply to read", file)) from None
    finally:
        loader.dispose()


def read_yaml(path: Path, display: str | None = None) -> Document:
    """Read a YAML file with marks; `display` is the name errors give it (default: `path`)."""
    display = display or str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise InputErrors(InputError(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}",
                                     display)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputErrors(InputError(f"file larger than {MAX_FILE_BYTES // 1_000_000} MB: not a scenario, "
                                     "sweep or history file (check the path)", display))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputErrors(InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start}): save the file as "
                                     "UTF-8", display, line)) from None
    return parse_yaml(text, display)


def _check_characters(text: str, file: str) -> None:
    """A control character (a NUL byte, a bell, ...) is refused at its line and column."""
    found = _CONTROL.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
        raise InputErrors(InputError(f"control character U+{ord(found.group()):04X} is not allowed in YAML: "
                                     "remove it", file, line, column))


def _check_nodes(root: yaml.Node, file: str) -> None:
    """Refuse documents that expand past :data:`MAX_NODES` values, aliases that contain
    themselves, and scalars of a type whose text cannot be read (`!!timestamp garbage`)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, open_: set) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in open_:
            raise InputErrors(InputError("a value contains itself (a recursive alias): write it out",
                                         *_mark(node, file)))
        open_.add(id(node))
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else (
            node.value if isinstance(node, yaml.SequenceNode) else [])
        total = 1 + sum(size(child, open_) for child in children) if children else _scalar(node, file)
        open_.discard(id(node))
        sizes[id(node)] = total
        if total > MAX_NODES:
            raise InputErrors(InputError(f"more than {MAX_NODES} values once its aliases are expanded: "
                                         "not a scenario (an alias bomb?)", *_mark(node, file)))
        return total

    size(root, set())


def _scalar(node: yaml.Node, file: str) -> int:
    """1 for a scalar whose text its tag can read; an error at its mark otherwise."""
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:str":
        try:
            _LOADER("").construct_object(node, deep=True)
        except yaml.YAMLError:
            pass  # an unknown tag: reported as such while the document is built
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            tag, shown = node.tag.rsplit(":", 1)[-1], node.value if len(node.value) < 40 else node.value[:37] + "..."
            reason = f": {str(exc)[:80]}" if isinstance(exc, (ValueError, OverflowError)) else ""
            raise InputErrors(InputError(f"cannot read {shown!r} as a {tag}{reason}", *_mark(node, file))) from None
    return 1


def _syntax_error(exc: yaml.MarkedYAMLError, file: str) -> InputError:
    mark = exc.problem_mark or exc.context_mark
    context = f" ({exc.context})" if exc.context else ""
    message = f"YAML syntax: {exc.problem}{context}"
    if mark is None:
        return InputError(message, file)
    return InputError(message, file, mark.line + 1, mark.column + 1)


def _mark(node: yaml.Node, file: str) -> Mark:
    return (file, node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(node: yaml.Node, path: tuple, marks: dict, file: str) -> None:
    """Record the mark of every value below `node` (merge keys `<<` already flattened)."""
    if len(path) > 64:  # a recursive alias: its values repeat, their marks are known
        return
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            marks[path + (index,)] = _mark(item, file)
            _walk(item, path + (index,), marks, file)
    elif isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = _key(key_node)
            scalar = isinstance(value_node, yaml.ScalarNode)
            marks[path + (key,)] = _mark(value_node if scalar else key_node, file)
            _walk(value_node, path + (key,), marks, file)


def _duplicate_keys(node: yaml.Node, path: tuple, file: str) -> list[InputError]:
    """A key written twice in one mapping is an error (YAML would silently keep the last)."""
    if len(path) > 64:  # a recursive alias
        return []
    if isinstance(node, yaml.SequenceNode):
        return [e for i, item in enumerate(node.value) for e in _duplicate_keys(item, path + (i,), file)]
    if not isinstance(node, yaml.MappingNode):
        return []
    errors: list[InputError] = []
    seen: dict = {}
    for key_node, value_node in node.value:
        key = _key(key_node)
        if key in seen and key_node.tag != "tag:yaml.org,2002:merge":
            errors.append(InputError(f"duplicate key '{key}' (first written on line {seen[key]})",
                                     *_mark(key_node, file), format_path(path + (key,))))
        seen[key] = key_node.start_mark.line + 1
        errors += _duplicate_keys(value_node, path + (key,), file)
    return errors


def _key(node: yaml.Node) -> object:
    """A mapping key as the loader builds it (`1` is an int, `on` a bool)."""
    if node.tag == "tag:yaml.org,2002:merge":
        return "<<"
    if isinstance(node, yaml.ScalarNode):
        return yaml.SafeLoader("").construct_object(node)
    return node.start_mark.line


# --- merging and extends -------------------------------------------------------------------

def deep_merge(base: Any, child: Any) -> Any:
    """`child` over `base`: mappings merge key by key (child wins), anything else is replaced."""
    if isinstance(base, dict) and isinstance(child, dict):
        merged = dict(base)
        for key, value in child.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return child


def merge(base: Document, child: Document) -> Document:
    """`child` over `base`, each value keeping the mark of the document that wrote it."""
    marks = {p: m for p, m in base.marks.items() if not _replaced(child.data, p)}
    marks.update(child.marks)
    return Document(deep_merge(base.data, child.data), marks)


def _replaced(child: Any, path: tuple) -> bool:
    """Whether `child` writes a value at `path` or at one of its ancestors (merging aside)."""
    node = child
    for part in path:
        if not isinstance(node, dict):
            return True
        if part not in node:
            return False
        node = node[part]
    return bool(path)


def read_with_extends(path: Path, display: str | None = None, chain: tuple = ()) -> Document:
    """Read a scenario file and, recursively, the files it `extends` (relative to each file).

    The child wins key by key; lists are replaced whole, except `timeline`, whose actions are
    added to the parent's (unless the child says `inherit_timeline: false`); `name` is not inherited.
    A cycle is an error naming the chain of files.
    """
    display = display or str(path)
    return resolve_extends(read_yaml(path, display), path, display, chain)


def resolve_extends(doc: Document, path: Path, display: str, chain: tuple = ()) -> Document:
    """`doc` merged over the file its `extends` names (relative to `path`'s folder), recursively."""
    parent = doc.data.get("extends")
    if parent is None:
        return doc
    here = chain + ((Path(path).resolve(), display),)
    parent_path, parent_display = _parent(doc, path, display, parent, here)
    base = read_with_extends(parent_path, parent_display, here)
    base.data.pop("name", None)
    base.marks.pop(("name",), None)
    return merge(base, _append_timeline(base, doc))


def _append_timeline(base: Document, child: Document) -> Document:
    """A child's `timeline` adds to its parent's (parent first), unless `inherit_timeline: false`.

    So a what-if that extends a baseline lists only its intervention; the marks of the child's
    actions move to their place in the joined list.
    """
    if child.data.get("inherit_timeline") is False:
        return child
    return append_list(base, child, "timeline")


def append_list(base: Document, child: Document, key: str) -> Document:
    """`child` with the list at `key` preceded by `base`'s (when both are lists), marks moved along."""
    inherited, own = base.data.get(key), child.data.get(key)
    if not isinstance(inherited, list) or not isinstance(own, list):
        return child
    n = len(inherited)
    marks = {p: m for p, m in child.marks.items() if p[:1] != (key,) or len(p) == 1}
    marks.update({p: m for p, m in base.marks.items() if p[:1] == (key,) and len(p) > 1})
    marks.update({(key, p[1] + n, *p[2:]): m for p, m in child.marks.items()
                  if p[:1] == (key,) and len(p) > 1 and isinstance(p[1], int)})
    return Document({**child.data, key: inherited + own}, marks)


def _parent(doc: Document, path: Path, display: str, parent: object, chain: tuple) -> tuple[Path, str]:
    """Where `extends` points, checked: a string, an existing file (relative to `path`'s folder, else
    a shipped scenario's name), not already in the chain."""
    if not isinstance(parent, str) or not parent or "\0" in parent:
        raise InputErrors(error_at(doc.marks, ("extends",), "give the file name of another scenario"))
    parent_path = Path(path).parent / parent
    parent_display = os.path.normpath(os.path.join(os.path.dirname(display), parent))
    shipped = None if parent_path.is_file() else shipped_scenario(parent)
    if shipped is not None:  # a shipped scenario by name (`extends: baseline_2022`), as `run NAME` finds it
        parent_path, parent_display = shipped, parent
    if any(resolved == parent_path.resolve() for resolved, _ in chain):
        names = " -> ".join([name for _, name in chain] + [parent_display])
        raise InputErrors(error_at(doc.marks, ("extends",), f"extends cycle: {names}"))
    if not parent_path.is_file():
        known = [p.name for p in parent_path.parent.glob("*.y*ml")] if parent_path.parent.is_dir() else []
        hint = suggest(parent_path.name, known) or suggest(parent, shipped_names())
        message = f"no file '{parent_display}' and no shipped scenario of that name{hint}"
        raise InputErrors(error_at(doc.marks, ("extends",), message))
    return parent_path, parent_display


# --- overrides (--set PATH=VALUE) ----------------------------------------------------------

@dataclass(frozen=True)
class Override:
    """One `--set`: a path into the scenario, a value, and the text it came from (its mark); an
    override read from a file (`run --parameters`) carries the file, line and column it was `written` at."""

    path: tuple
    value: Any
    text: str
    written: Mark | None = None

    @property
    def mark(self) -> Mark:
        """Errors about this value point at where it was written (a parameter file's line), else at
        the `--set` argument itself."""
        return self.written or (f"--set {self.text}", None, None)


_SEGMENT = re.compile(r"^([^\[\]]*)((?:\[\d+\])*)$")


def parse_path(text: str) -> tuple:
    """`timeline[0].at` or `timeline.0.at` -> `('timeline', 0, 'at')`; raises ValueError."""
    path: list = []
    for segment in text.split("."):
        match = _SEGMENT.match(segment.strip())
        if not match or not (match.group(1) or match.group(2)):
            raise ValueError(f"bad path segment '{segment}' in '{text}'")
        name = match.group(1)
        if name:
            path.append(int(name) if name.isdigit() else name)
        path.extend(int(i) for i in re.findall(r"\[(\d+)\]", match.group(2)))
    return tuple(path)


def parse_override(text: str) -> Override:
    """Parse `PATH=VALUE` (VALUE read as YAML: `0.8`, `defence`, `[USA, JPN]`, `null`)."""
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise InputErrors(InputError("write --set PATH=VALUE, e.g. parameters.decision.temperature=0.8",
                                     f"--set {text}"))
    try:
        path = parse_path(name.strip())
        parsed = parse_value(value, f"--set {text}") if value.strip() else None
    except InputErrors as exc:
        problem = exc.errors[0].message
        raise InputErrors(InputError(f"cannot read the value as YAML: {problem}", f"--set {text}")) from None
    except ValueError as exc:
        raise InputErrors(InputError(f"{exc}; write dotted keys, e.g. timeline.0.at", f"--set {text}")) from None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputErrors(InputError(f"cannot read the value as YAML: {problem}", f"--set {text}")) from None
    return Override(path, parsed, text)


def overrides_from(spec: Mapping[str, Any] | Iterable[str | Override] | None) -> list[Override]:
    """Overrides from `{dotted_path: value}` (values used as given) or `["PATH=VALUE", ...]`
    (Override objects, e.g. a parameter file's, are kept as they are)."""
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        return [_mapping_override(str(key), value) for key, value in spec.items()]
    if isinstance(spec, str):
        spec = [spec]
    return [item if isinstance(item, Override) else parse_override(item) for item in spec]


def _mapping_override(key: str, value: Any) -> Override:
    try:
        return Override(parse_path(key), value, f"{key}={value!r}")
    except ValueError as exc:
        raise InputErrors(InputError(str(exc), f"--set {key}")) from None


def apply_override(doc: Document, override: Override) -> None:
    """Set the value at the override's path, creating missing mappings on the way."""
    *parents, last = override.path
    node: Any = doc.data
    for depth, part in enumerate(parents):
        node = _child(node, part, override, override.path[: depth + 2])
    _store(node, last, override)
    for path in [p for p in doc.marks if p[: len(override.path)] == override.path]:
        del doc.marks[path]
    doc.marks[override.path] = override.mark


def _child(node: Any, part: object, override: Override, where: tuple) -> Any:
    """The container at `part` of `node` (`where` ends with `part` and the key after it).

    A missing mapping is made; a missing list is an error (there is no item to set).
    """
    *here, after = where
    if isinstance(node, dict):
        if not isinstance(node.get(part), (dict, list)):
            if node.get(part) is not None:
                _refuse(override, f"{format_path(here)} is a value, not a mapping or list")
            if isinstance(after, int):
                _refuse(override, f"{format_path(here)}: no list here to take item {after} from")
            node[part] = {}
        return node[part]
    if isinstance(node, list) and isinstance(part, int) and part < len(node):
        return node[part]
    _refuse(override, _index_problem(node, part, tuple(here)))


def _store(node: Any, part: object, override: Override) -> None:
    if isinstance(node, dict):
        node[part] = override.value
    elif isinstance(node, list) and isinstance(part, int) and part <= len(node):
        node[part:part + 1] = [override.value]
    else:
        _refuse(override, _index_problem(node, part, override.path))


def _index_problem(node: Any, part: object, where: tuple) -> str:
    if isinstance(node, list):
        return f"{format_path(where)}: no item {part} (the list has {len(node)})"
    return f"{format_path(where[:-1]) or 'the scenario'} is a value, not a mapping or list"


def _refuse(override: Override, message: str) -> None:
    raise InputErrors(InputError(message, *override.mark))
