"""`alliance-sim world --year YYYY`: the world of a year (COW members, CINC, capitals, ATOP pacts,
rivalries, the claims of spatial rivalries) as a table, or written as a folder that
`world: DIR/states.csv` loads back, claims.csv included (the claims at the default stakes: a
folder's stakes are its file's, `parameters.motives.rivalry_stake` values a `cow_YYYY` world's).

See :mod:`sim.scenario.yearworld` for the sources and coding choices.
"""

from __future__ import annotations

from pathlib import Path

HELP = "show (or --out: write) the world of a year 1816-2016 built from COW, ATOP and rivalry data"

STATE_COLUMNS = ("id", "name", "capital", "lat", "lon", "power", "nuclear", "regions", "note")
"""Columns of the written states.csv: those the states-CSV loader reads, COW code and majors in `note`."""
CLAIM_COLUMNS = ("claimant", "target", "object", "kind", "stake_value", "source")
"""Columns of the written claims.csv: those of `sim/data/world_2022/claims.csv` a rivalry claim has."""


def add_arguments(parser) -> None:
    """Options of `world`."""
    parser.add_argument("--year", type=int, required=True, help="the year (1816-2016)")
    parser.add_argument("--out", metavar="DIR",
                        help="write states.csv, pacts.yaml, relations.yaml and claims.csv here instead of "
                             "printing (`world: DIR/states.csv` loads them back)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")


def main(args) -> int:
    """Build the world of `--year`; print it, or write it atomically to `--out`."""
    from dataclasses import replace

    from sim.scenario.errors import InputErrors
    from sim.scenario.yearworld import world_of_year

    try:
        world = world_of_year(args.year)
    except InputErrors as exc:
        raise InputErrors([replace(e, file=f"--year {args.year}", path="") for e in exc.errors]) from None
    if args.out:
        folder = write_world(world, Path(args.out), args.force)
        print(f"{world.name}: {len(world.states)} states, {len(world.pacts)} pacts, "
              f"{len(world.relations)} rivalries, {len(default_claims(world))} claims -> {folder}/ "
              "(states.csv, pacts.yaml, relations.yaml, claims.csv)")
        return 0
    from rich.console import Console

    Console().print(_table(world))
    return 0


def default_claims(world) -> list[dict]:
    """The world's claims at the default stakes, as rows of a claims.csv (none with stake 0)."""
    from sim.scenario.schema import Motives
    from sim.scenario.yearworld import claim_stakes

    return claim_stakes(world.claims, Motives())


def _note(world, sid: str) -> str:
    info = world.info[sid]
    return f"ccode {info['ccode']}; cinc {info['cinc']}" + ("; major power" if info["major"] else "")


def _state_row(world, sid: str) -> list:
    state = world.states[sid]
    return [sid, state["name"], state["capital"], state["lat"], state["lon"], state["power"],
            state["nuclear"], ";".join(state["regions"]), _note(world, sid)]


def write_world(world, folder: Path, force: bool = False) -> Path:
    """Write the world as states.csv, pacts.yaml, relations.yaml (the rivalries) and claims.csv
    (the rivalries' claims at the default stakes), which `world: DIR/states.csv` loads back."""
    import yaml

    from sim.execution.output import atomic_folder, write_csv

    with atomic_folder(folder, force) as tmp:
        write_csv(tmp / "states.csv", STATE_COLUMNS, [_state_row(world, sid) for sid in world.states])
        header = f"# {world.name}: ATOP 5.1 obligations in force (sim/scenario/yearworld.py)\n"
        (tmp / "pacts.yaml").write_text(header + yaml.safe_dump(world.pacts, sort_keys=False), encoding="utf-8")
        header = f"# {world.name}: Thompson & Dreyer (2012) strategic rivalries as baseline intents\n"
        (tmp / "relations.yaml").write_text(header + yaml.safe_dump({"relations": world.relations}, sort_keys=False),
                                            encoding="utf-8")
        write_csv(tmp / "claims.csv", CLAIM_COLUMNS, [[c[k] for k in CLAIM_COLUMNS] for c in default_claims(world)])
    return folder


def _table(world):
    """The world's states as a rich table, most capable first."""
    from rich.table import Table

    pacts, rivals = world.memberships(), {sid: [] for sid in world.states}
    claims: dict[str, list[str]] = {sid: [] for sid in world.states}
    for relation in world.relations:
        rivals[relation["from"]].append(relation["to"])
        rivals[relation["to"]].append(relation["from"])
    for claim in default_claims(world):
        claims[claim["claimant"]].append(f"{claim['target']} {claim['stake_value']:g}")
    table = Table(title=f"{world.name}: {len(world.states)} states, {len(world.pacts)} ATOP dyad pacts, "
                        f"{len(world.relations)} rivalries, {len(default_claims(world))} claims (stake)")
    for column in ("id", "ccode", "name", "capital", "lat", "lon", "power (100 x CINC)", "major", "nuclear",
                   "pacts", "rivals", "claims on"):
        table.add_column(column, justify="right" if column in ("ccode", "lat", "lon", "pacts") or "power" in column
                         else "left")
    for sid, state in sorted(world.states.items(), key=lambda item: -item[1]["power"]):
        info = world.info[sid]
        table.add_row(sid, info["ccode"], state["name"], state["capital"], f"{state['lat']:.2f}",
                      f"{state['lon']:.2f}", f"{state['power']:.3g}", info["major"],
                      "yes" if state["nuclear"] else "", str(len(pacts[sid])), ", ".join(sorted(rivals[sid])),
                      ", ".join(sorted(claims[sid])))
    return table
