"""`alliance-sim states`: the states of a world dataset as a table."""

from __future__ import annotations

from dataclasses import replace

from sim.cli.listing import add_format, emit

HELP = "list the states of a world (bundled name or states CSV): power, quality, nuclear, regions, pacts"


def add_arguments(parser) -> None:
    """Options of `states`."""
    parser.add_argument("--world", default="world_2022", metavar="NAME|CSV",
                        help="world_2022, cow_YYYY (a year 1816-2016) or the path of a states CSV "
                        "(default: world_2022)")
    add_format(parser)


def main(args) -> int:
    """Print one row a state, largest military expenditure first."""
    from sim.scenario.errors import InputErrors
    from sim.scenario.yearworld import any_world

    try:
        world = any_world(args.world)
    except InputErrors as exc:
        raise InputErrors([replace(e, file=e.file or f"--world {args.world}") for e in exc.errors]) from None
    title = f"{world.name}: {len(world.states)} states, {len(world.pacts)} pacts ({world.files['states']})"
    emit(title, COLUMNS, _rows(world), args.format, right=("power (US$ bn)",))
    return 0


COLUMNS = ("id", "name", "power (US$ bn)", "quality", "nuclear", "regions", "pacts")


def _rows(world) -> list[list[str]]:
    """One row a state, largest military expenditure first."""
    pacts = world.memberships()
    return [[sid, state["name"], f"{state['power']:g}", world.info[sid].get("milex_quality", ""),
             "yes" if state["nuclear"] else "", ", ".join(state["regions"]), ", ".join(pacts[sid])]
            for sid, state in sorted(world.states.items(), key=lambda item: -item[1]["power"])]
