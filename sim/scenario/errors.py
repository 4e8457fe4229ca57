"""Errors in user input: where (file, line, column, field path), what, and how to fix it.

Every input boundary (scenario and sweep files, `--set`, history files, result CSVs) raises
:class:`InputErrors`; the command line prints each on its own line and exits with status 2.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["InputError", "InputErrors", "suggest", "format_path"]


def format_path(path: Sequence[object]) -> str:
    """`('alliances', 'QUAD', 'members', 2)` -> `alliances.QUAD.members[2]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def suggest(word: str, known: Iterable[str]) -> str:
    """A ` (did you mean 'X'?)` hint for the nearest known id, or '' when none is close."""
    known = list(known)
    upper = {k.upper(): k for k in known}
    if word.upper() in upper and upper[word.upper()] != word:
        return f" (did you mean '{upper[word.upper()]}'?)"
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.5)
    if not close:
        close = difflib.get_close_matches(word.upper(), list(upper), n=1, cutoff=0.5)
        close = [upper[c] for c in close]
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class InputError:
    """One problem in user input, printed as `file:line:column: path: message`."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class InputErrors(ValueError):
    """All problems found in one input, reported at once (exit status 2 on the command line)."""

    def __init__(self, errors: Sequence[InputError] | InputError | str):
        if isinstance(errors, str):
            errors = [InputError(errors)]
        elif isinstance(errors, InputError):
            errors = [errors]
        self.errors: list[InputError] = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))
