"""`alliance-sim pacts`: the pacts of a world (or of a scenario, after its changes) as a table."""

from __future__ import annotations

from dataclasses import replace

from sim.cli.listing import add_format, emit

HELP = "list the pacts of a world or a scenario: type, members, scope, reliability, delays"


def add_arguments(parser) -> None:
    """Options of `pacts`."""
    parser.add_argument("--world", default="world_2022", metavar="NAME|CSV",
                        help="world_2022, cow_YYYY (a year 1816-2016) or the path of a states CSV "
                        "(default: world_2022)")
    parser.add_argument("--scenario", metavar="FILE|NAME",
                        help="list the pacts of this scenario instead (its world with its changes, before its timeline)")
    add_format(parser)


def main(args) -> int:
    """Print one row a pact, in the order of the world's pacts file."""
    title, pacts = _pacts(args)
    emit(title, COLUMNS, _rows(pacts), args.format, right=RIGHT)
    return 0


def _pacts(args):
    """(title, {pact id: PactSpec}) of the scenario or the world."""
    from sim.scenario.errors import InputErrors
    from sim.scenario.loading import load_scenario
    from sim.scenario.schema import PactSpec
    from sim.scenario.yearworld import any_world

    if args.scenario:
        scenario = load_scenario(args.scenario)
        return f"{scenario.name}: {len(scenario.alliances)} pacts", dict(scenario.alliances)
    try:
        world = any_world(args.world)
    except InputErrors as exc:
        raise InputErrors([replace(e, file=e.file or f"--world {args.world}") for e in exc.errors]) from None
    specs = {pid: PactSpec.model_validate(pact) for pid, pact in world.pacts.items()}
    return f"{world.name}: {len(specs)} pacts ({world.files.get('pacts', 'no pacts file')})", specs


def scope(pact) -> str:
    """Where an attack must fall, and by and on whom, for the pact to apply."""
    parts = [f"regions {', '.join(pact.regions)}" if pact.regions else "",
             f"soil of {', '.join(pact.soil)}" if pact.soil else ""]
    where = " or ".join(p for p in parts if p) or "anywhere"
    extra = [f"protects {', '.join(pact.protects)}" if pact.protects else "",
             f"against {', '.join(pact.adversaries)}" if pact.adversaries else "",
             "" if pact.defensive_only else "also when the member struck first"]
    return "; ".join([where, *(e for e in extra if e)])


def _reliability(pact) -> str:
    """The pact's reliability, or the default it takes (`parameters.alliances.reliability`)."""
    if pact.reliability is not None:
        return f"{pact.reliability:g}"
    from sim.scenario.schema import AllianceParams
    return f"{AllianceParams().reliability:g} (default)"


def _days(value) -> str:
    low, high = (value, value) if isinstance(value, (int, float)) else value
    return f"{low:g}" if low == high else f"{low:g}-{high:g}"


RIGHT = ("reliability", "consult (days)", "mobilise (days)")
COLUMNS = ("id", "type", "members", "scope", *RIGHT)


def _rows(pacts: dict) -> list[list[str]]:
    """One row a pact: id, type and clauses, members, scope, reliability, delays."""
    return [[pid, " + ".join([pact.type, *pact.clauses]), f"{len(pact.members)}: {', '.join(pact.members)}",
             scope(pact), _reliability(pact), _days(pact.consultation_days), _days(pact.mobilisation_days)]
            for pid, pact in pacts.items()]
