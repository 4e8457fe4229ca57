"""One hostile input of the corpus (see corpus.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Case"]


@dataclass
class Case:
    """One hostile input: files to write, the command's arguments, the exit status expected.

    `base` copies a valid result folder (`run` or `sweep`) to `res/` first; `mutate` then
    replaces files in it (None deletes one); `where` is what the error must name."""

    id: str
    argv: list[str]
    files: dict[str, str | bytes] = field(default_factory=dict)
    base: str | None = None
    mutate: dict[str, Any] = field(default_factory=dict)  # text, bytes, None, or a function of the text
    expect: tuple[int, ...] = (2,)
    where: str | None = None  # a text the error must contain (the file and line, or the option)
