"""The `alliance-sim` command: one sub-command per module of :mod:`sim.cli.commands`.

Each command module defines `HELP`, `add_arguments(parser)` and `main(args) -> int`.
Bad input (:class:`sim.scenario.errors.InputErrors`) is printed without a traceback and exits with 2;
Ctrl-C exits with 130 after a one-line message.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

from sim.scenario.errors import InputErrors

COMMANDS = ("run", "validate", "states", "world", "scenarios", "sweep", "compare", "plot", "backtest", "validation",
            "peacetime", "calibrate", "sensitivity")


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
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: stopped cleanly", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
