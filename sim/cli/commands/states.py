"""`alliance-sim states`: the states of a world dataset as a table."""

from __future__ import annotations

from dataclasses import replace

HELP = "list the states of a world (bundled name or states CSV): power, quality, nuclear, regions, pacts"


def add_arguments(parser) -> None:
    """Options of `states`."""
    parser.add_argument("--world", default="world_2022", metavar="NAME|CSV",
                        help="world_2022, cow_YYYY (a year 1816-2016) or the path of a states CSV "
                        "(default: world_2022)")


def main(args) -> int:
    """Print one row a state, largest military expenditure first."""
    from rich.console import Console

    from sim.scenario.errors import InputErrors
    from sim.scenario.yearworld import any_world

    try:
        world = any_world(args.world)
    except InputErrors as exc:
        raise InputErrors([replace(e, file=e.file or f"--world {args.world}") for e in exc.errors]) from None
    Console().print(_table(world))
    return 0


def _table(world):
    """The world's states as a rich table."""
    from rich.table import Table

    pacts = world.memberships()
    table = Table(title=f"{world.name}: {len(world.states)} states, {len(world.pacts)} pacts "
                        f"({world.files['states']})")
    for column, justify in (("id", "left"), ("name", "left"), ("power (US$ bn)", "right"),
                            ("quality", "left"), ("nuclear", "left"), ("regions", "left"), ("pacts", "left")):
        table.add_column(column, justify=justify)
    for sid, state in sorted(world.states.items(), key=lambda item: -item[1]["power"]):
        table.add_row(sid, state["name"], f"{state['power']:g}", world.info[sid].get("milex_quality", ""),
                      "yes" if state["nuclear"] else "", ", ".join(state["regions"]), ", ".join(pacts[sid]))
    return table
