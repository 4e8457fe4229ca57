"""`alliance-sim scenarios`: the scenario, sweep and history files of a folder, with their descriptions."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sim.cli.listing import add_format, emit

HELP = "list the scenario files of a folder (default ./scenarios) with their one-line descriptions"


def add_arguments(parser) -> None:
    """Options of `scenarios`."""
    parser.add_argument("--dir", help="folder of YAML files (default: ./scenarios if there is one, "
                        "else the scenarios shipped with the package, which `run NAME` finds by name)")
    add_format(parser)


def main(args) -> int:
    """Print one row a YAML file (subfolders too): file, kind and the start of its description
    (the whole description in csv and json)."""
    from sim.scenario.errors import InputError, InputErrors
    from sim.scenario.shipped import shipped_folder

    folder = Path(args.dir) if args.dir else Path("scenarios")
    if args.dir is None and not folder.is_dir():
        folder = shipped_folder() or folder
    if not folder.is_dir():
        raise InputErrors(InputError(f"no folder '{folder}': give one with --dir", str(folder)))
    files = sorted(folder.rglob("*.y*ml"))
    summaries = [_summary(path) for path in files]
    short = args.format == "table"
    rows = [[str(path.relative_to(folder)), kind,
             (textwrap.shorten(text, 100, placeholder=" ...") if short and text else text)]
            for path, (kind, text, _broken) in zip(files, summaries)]
    emit(f"scenarios in {folder}/", ("file", "kind", "description"), rows, args.format,
         styles=["red" if broken else None for _, _, broken in summaries])
    return 0


def _summary(path: Path) -> tuple[str, str, bool]:
    """A file's kind (scenario, sweep or history), its description on one line, and whether it is
    broken: a broken file is listed with its problem rather than stopping the listing."""

    from sim.cli.filekind import kind_of
    from sim.scenario.errors import InputErrors
    from sim.scenario.yamlsource import read_yaml

    try:  # the readers' own checks: encoding, size, control characters, alias bombs, duplicate keys
        data = read_yaml(path, path.name).data
    except InputErrors as exc:
        return "", f"unreadable: {exc.errors[0]}", True
    if not isinstance(data, dict):
        return "", "not a mapping of keys", True
    return kind_of(data), " ".join(str(data.get("description") or "").split()), False
