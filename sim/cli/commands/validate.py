"""`alliance-sim validate FILE...`: check scenario files without running them."""

from __future__ import annotations

HELP = "check scenario files: structure, ids and references, every problem with its line"


def add_arguments(parser) -> None:
    """Options of `validate`."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario YAML files")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="override a field before checking, as `run --set` (repeatable)")


def main(args) -> int:
    """Print `ok FILE (...)` for each good file; raise every error of the bad ones (exit 2)."""
    from sim.scenario.errors import InputErrors
    from sim.scenario.loading import load_scenario

    errors = []
    for file in args.files:
        try:
            scenario = load_scenario(file, overrides=args.set)
        except InputErrors as exc:
            errors.extend(exc.errors)
            continue
        print(f"ok {file} ({len(scenario.states)} states, {len(scenario.alliances)} pacts, "
              f"{len(scenario.timeline)} actions)")
    if errors:
        raise InputErrors(errors)
    return 0
