"""`alliance-sim cascade RUN`: who answered whom across every replication of a run, as a table and a network."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.scenario.errors import InputError, InputErrors

HELP = ("aggregate a run's cascade over all replications: cascade.csv (who answered whom, how often, how fast), "
        "chains.csv (how each answer came about) and cascade.png")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The run folder, where to write, and what the figure draws."""
    parser.add_argument("folder", metavar="RUN", help="output folder of `alliance-sim run` (with events.csv)")
    parser.add_argument("--out", metavar="DIR", help="where to write cascade.csv and cascade.png (default: RUN/cascade)")
    parser.add_argument("--force", action="store_true", help="replace an earlier cascade in the output folder")
    parser.add_argument("--min-share", type=float, default=0.1, metavar="F",
                        help="the figure draws links seen in at least this share of runs (default 0.1)")
    parser.add_argument("--most", type=int, default=24, metavar="N", help="the figure draws at most N arrows (default 24)")


def _check(args: argparse.Namespace) -> None:
    errors = []
    if not 0 <= args.min_share <= 1:
        errors.append(InputError(f"--min-share must lie between 0 and 1, not {args.min_share}", path="--min-share"))
    if args.most < 1:
        errors.append(InputError(f"--most must be 1 or more, not {args.most}", path="--most"))
    if errors:
        raise InputErrors(errors)


def main(args: argparse.Namespace) -> int:
    """Read the run, aggregate, write cascade.csv, cascade.png and meta.json in one step; print the folder."""
    from sim.analysis.cascade import CHAIN_COLUMNS, COLUMNS, aggregate, answers, chains
    from sim.execution.output import atomic_folder, write_csv, write_json
    from sim.plot.figure import load_run, save
    from sim.plot.network import network

    _check(args)
    folder = Path(args.folder)
    run = load_run(folder)
    if run.events is None:
        raise InputErrors(InputError("no events.csv: run the scenario with the events table "
                                     "(`--tables` including events) to see its cascade", str(folder)))
    events_file = str(folder / "events.csv")
    table = aggregate(run.events, run.replications, events_file)
    how = chains(run.events, run.replications, events_file)
    figure = network(run, answers(run.events, events_file), args.min_share, args.most)
    with atomic_folder(Path(args.out) if args.out else folder / "cascade", args.force) as tmp:
        write_csv(tmp / "cascade.csv", COLUMNS, table[list(COLUMNS)].itertuples(index=False))
        write_csv(tmp / "chains.csv", CHAIN_COLUMNS, how[list(CHAIN_COLUMNS)].itertuples(index=False))
        save(figure, tmp / "cascade.png")
        write_json(tmp / "meta.json", {"command": "cascade", "run": str(folder.resolve()),
                                       "replications": run.replications, "edges": len(table),
                                       "figure": {"min_share": args.min_share, "most": args.most}})
    print(Path(args.out) if args.out else folder / "cascade")
    return 0
