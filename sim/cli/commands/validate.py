"""`alliance-sim validate FILE...`: check scenario, sweep and history files without running them."""

from __future__ import annotations

HELP = ("check scenario, sweep and history files (each by its own schema): structure, ids and "
        "references, every problem with its line")


def add_arguments(parser) -> None:
    """Options of `validate`."""
    parser.add_argument("files", nargs="+", metavar="FILE", help="scenario, sweep or history YAML files")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="override a field before checking, as `run --set` (repeatable)")


def main(args) -> int:
    """Print `ok FILE (...)` for each good file; raise every error of the bad ones (exit 2)."""
    from sim.cli.filekind import file_kind, locate
    from sim.scenario.errors import InputErrors

    errors = []
    for file in args.files:
        try:
            kind = file_kind(file)
            print(f"ok {file} ({CHECKS[kind](file if kind == 'scenario' else locate(file), args.set)})")
        except InputErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)
    return 0


def _scenario(file: str, overrides: list[str]) -> str:
    from sim.scenario.loading import load_scenario

    scenario = load_scenario(file, overrides=overrides)
    return f"{len(scenario.states)} states, {len(scenario.alliances)} pacts, {len(scenario.timeline)} actions"


def _sweep(file: str, overrides: list[str]) -> str:
    from sim.scenario.errors import format_path
    from sim.scenario.yamlsource import parse_override
    from sim.sweeps.api import load_sweep

    plan = load_sweep(file, overrides={format_path(o.path): o.value for o in map(parse_override, overrides)})
    return f"sweep: {len(plan.points)} points x {plan.replications} replications"


def _history(file: str, overrides: list[str]) -> str:
    from sim.history.backtest import Replay
    from sim.scenario.errors import InputError, InputErrors

    if overrides:
        raise InputErrors(InputError("--set does not apply to a history file: change its scenario", file))
    replay = Replay.read(file)
    return f"history {replay.history.name} to {replay.history.end}"


CHECKS = {"scenario": _scenario, "sweep": _sweep, "history": _history}
