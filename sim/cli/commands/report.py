"""`alliance-sim report RUN`: one self-contained HTML page that reads a run (against a baseline)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sim.scenario.errors import InputError, InputErrors

HELP = ("one self-contained HTML page of a run: timeline, tension bands, attribution, the cascade across runs, "
        "entries and invocations with intervals, and the effects against --baseline")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The run folder, the baseline folder and the page to write."""
    parser.add_argument("folder", metavar="RUN", help="output folder of `alliance-sim run`")
    parser.add_argument("--baseline", metavar="RUN", help="the run to compare against (e.g. baseline_2022, same seed)")
    parser.add_argument("--out", metavar="FILE.html", help="the page to write (default: RUN/report.html)")
    parser.add_argument("--force", action="store_true", help="replace an existing page")


def _target(args: argparse.Namespace) -> Path:
    """The page's path: a file (never a folder) in an existing folder, replaced only with --force."""
    from sim.execution.output import file_target

    return file_target(Path(args.out) if args.out else Path(args.folder) / "report.html", args.force, "the page")


def main(args: argparse.Namespace) -> int:
    """Build the page in memory, then write it in one step (a temporary file renamed)."""
    try:
        import jinja2  # noqa: F401
        import plotly  # noqa: F401

        from sim.plot.report import build
    except ModuleNotFoundError as exc:
        raise InputErrors(InputError(f"the report needs {exc.name}, which is not installed: "
                                     "`python3 -m pip install plotly jinja2` (or reinstall alliance-sim)")) from None
    for folder in filter(None, (args.folder, args.baseline)):
        if not Path(folder).is_dir():
            raise InputErrors(InputError("no such run folder", folder))
    out = _target(args)
    page = build(args.folder, args.baseline)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"wrote {out} ({len(page.encode('utf-8')) / 1e6:.2f} MB)", file=sys.stderr)
    print(out)
    return 0
