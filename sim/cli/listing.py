"""Listings (`states`, `pacts`, `scenarios`) in three formats: a table for people, CSV and JSON
for programs (`--format table|csv|json`, as `compare` has).

On a terminal the table fits the window and wraps long cells between words; piped or redirected
it is printed at its natural width, so no cell is broken (a reader of `states | less -S` or a
file gets whole words, never "Ind-\\nia")."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence

__all__ = ["FORMATS", "add_format", "emit"]

FORMATS = ("table", "csv", "json")


def add_format(parser) -> None:
    """The `--format` option of a listing."""
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (default; not wrapped when piped), csv or json (one object a row)")


def emit(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], fmt: str = "table",
         right: Sequence[str] = (), styles: Sequence[str | None] | None = None) -> None:
    """Print `rows` (plain text cells) under `columns` in `fmt`; `right` names right-aligned
    columns; `styles` gives an optional rich style a row (tables only: e.g. red for a broken file)."""
    out = sys.stdout
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        json.dump([dict(zip(columns, row)) for row in rows], out, ensure_ascii=False, indent=1)
        out.write("\n")
    else:
        _table(title, columns, rows, right, styles)


def _table(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[str],
           styles: Sequence[str | None] | None) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    terminal = sys.stdout.isatty()
    table = Table(title=escape(title), title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left", overflow="fold", no_wrap=not terminal)
    for i, row in enumerate(rows):
        table.add_row(*map(escape, row), style=styles[i] if styles else None)
    if terminal:
        Console().print(table)
        return
    width = Console(width=100_000).measure(table).maximum  # the natural width: nothing wraps
    console = Console(width=max(width, len(title)), no_color=True, highlight=False)
    with console.capture() as captured:
        console.print(table)
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
