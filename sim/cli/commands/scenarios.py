"""`alliance-sim scenarios`: the scenario, sweep and history files of a folder, with their descriptions."""

from __future__ import annotations

import textwrap
from pathlib import Path

HELP = "list the scenario files of a folder (default ./scenarios) with their one-line descriptions"


def add_arguments(parser) -> None:
    """Options of `scenarios`."""
    parser.add_argument("--dir", help="folder of YAML files (default: ./scenarios if there is one, "
                        "else the scenarios shipped with the package, which `run NAME` finds by name)")


def main(args) -> int:
    """Print one row a YAML file (subfolders too): file, kind and the start of its description."""
    from rich.console import Console
    from rich.table import Table

    from sim.scenario.errors import InputError, InputErrors
    from sim.scenario.shipped import shipped_folder

    folder = Path(args.dir) if args.dir else Path("scenarios")
    if args.dir is None and not folder.is_dir():
        folder = shipped_folder() or folder
    if not folder.is_dir():
        raise InputErrors(InputError(f"no folder '{folder}': give one with --dir", str(folder)))
    table = Table(title=f"scenarios in {folder}/", title_justify="left")
    table.add_column("file", no_wrap=True)
    table.add_column("kind")
    table.add_column("description", overflow="fold")
    for path in sorted(folder.rglob("*.y*ml")):
        table.add_row(str(path.relative_to(folder)), *_summary(path))
    Console().print(table)
    return 0


def _summary(path: Path) -> tuple[str, str]:
    """A file's kind (scenario, sweep or history) and the first ~100 characters of its description.

    A broken file is listed with its problem in red rather than stopping the listing.
    """
    from rich.markup import escape

    from sim.cli.filekind import kind_of
    from sim.scenario.errors import InputErrors
    from sim.scenario.yamlsource import read_yaml

    try:  # the readers' own checks: encoding, size, control characters, alias bombs, duplicate keys
        data = read_yaml(path, path.name).data
    except InputErrors as exc:
        return "", f"[red]unreadable: {escape(str(exc.errors[0]))}[/red]"
    kind = kind_of(data)
    description = " ".join(str(data.get("description") or "").split())
    return kind, escape(textwrap.shorten(description, 100, placeholder=" ...")) if description else ""
