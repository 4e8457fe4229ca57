"""The `alliance-sim` command: one sub-command per module of :mod:`sim.cli.commands`.

Each command module defines `HELP`, `add_arguments(parser)` and `main(args) -> int`.
Bad input (:class:`sim.scenario.errors.InputErrors`) is printed without a traceback and exits with 2;
Ctrl-C exits with 130 after a one-line message; an error of the environment (a full disk, a
read-only folder) exits with 1 after a one-line message saying what was kept.
"""

from __future__ import annotations

import argparse
import dataclasses
import errno
import importlib
import sys
from types import ModuleType

from sim.scenario.errors import InputErrors

COMMANDS = ("run", "validate", "states", "pacts", "world", "scenarios", "sweep", "compare", "plot", "backtest",
            "validation", "peacetime", "calibrate", "sensitivity", "cascade", "report", "joiners")


def _parser(available: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alliance-sim",
        description="Simulate how tension and war spread through alliance commitments.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in available.items():
        p = sub.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def _version() -> str:
    from sim import __version__

    return __version__


def _available() -> dict[str, ModuleType]:
    modules = {}
    for name in COMMANDS:
        try:
            modules[name] = importlib.import_module(f"sim.cli.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not built yet, or an optional extra missing
            if exc.name != f"sim.cli.commands.{name}":
                raise
    return modules


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser(_available()).parse_args(argv)
    try:
        return int(args._module.main(args) or 0)
    except ImportError as exc:  # a source tree whose compiled kernel was never built
        if "sim.kernel._kernel" not in str(exc):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except InputErrors as exc:
        for error in exc.errors:  # an error of no file is about the command's own arguments
            print(f"error: {error if error.file else dataclasses.replace(error, file='command line')}",
                  file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: stopped cleanly", file=sys.stderr)
        return 130
    except OSError as exc:  # the environment, not the input: a full disk, a read-only folder, ...
        print(f"error: {environment_error(exc)}", file=sys.stderr)
        return 1


def environment_error(exc: OSError) -> str:
    """What went wrong outside the program, where, and what to do (exit status 1)."""
    where = f"{exc.filename}: " if exc.filename else ""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return (f"{where}the disk is full ({reason}); nothing half-written was kept: "
                "free some space (or choose another --out) and run again")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"{where}{reason}: choose a folder you can write to with --out"
    return f"{where}{reason}"


if __name__ == "__main__":
    sys.exit(main())
