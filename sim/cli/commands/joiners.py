"""`alliance-sim joiners SCENARIO ATTACKER TARGET`: who the fitted joining decision expects to join
that war, on which side, how soon, and which terms carry each candidate."""

from __future__ import annotations

import argparse

from sim.scenario.errors import InputError, InputErrors

HELP = ("who the fitted joining decision expects to join a war ATTACKER opens against TARGET in a scenario's "
        "world: each state's chance on each side, on the first day and within 30 days, and the terms that carry it")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The scenario, the war, and what to show or write."""
    parser.add_argument("file", metavar="SCENARIO", help="scenario YAML file, or the name of a shipped one")
    parser.add_argument("attacker", help="the state that opens the war (an id of the scenario's world)")
    parser.add_argument("target", help="the state it attacks")
    parser.add_argument("--at", metavar="LOCATION", help="where the first blow falls: one of the target's territories "
                        "(default: its homeland); a pact's casus foederis reads it")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="override a scenario field, e.g. parameters.joining.entry_mean_days=100 (repeatable)")
    parser.add_argument("--top", type=int, default=15, metavar="N", help="print the N likeliest joiners (default 15)")
    parser.add_argument("--out", metavar="CSV", help="also write every candidate's row, each term's log-odds included")
    parser.add_argument("--force", action="store_true", help="replace an existing --out file")


def main(args: argparse.Namespace) -> int:
    """Print the likeliest joiners; write the whole table with --out."""
    from sim.analysis.joiners import carried_by, explain
    from sim.execution.output import file_target
    from sim.scenario.loading import load_scenario
    from sim.sweeps.store import atomic_write_text

    if args.top < 1:
        raise InputErrors(InputError(f"--top must be 1 or more, not {args.top}", path="--top"))
    out = file_target(args.out, args.force, "the table") if args.out else None
    scenario = load_scenario(args.file, overrides=list(args.set))
    table = explain(scenario, args.attacker, args.target, args.at)
    if out is not None:
        atomic_write_text(out, table.to_csv(index=False, float_format="%.6g", lineterminator="\n"))
    either = table.drop_duplicates("state").head(args.top)
    where = f" at {args.at}" if args.at else ""
    print(f"{scenario.name}: {args.attacker} attacks {args.target}{where}; chance of joining by the war's end "
          f"(the joining decision's fitted p), the likeliest {len(either)} of {table['state'].nunique()} states")
    print(f"{'state':<6} {'either':>6}  {'side':<6} {'p':>6} {'day 1':>6} {'30 d':>6}  carried by")
    for state in either["state"]:
        rows = table[table["state"] == state]
        best = rows.loc[rows["p"].idxmax()]
        print(f"{state:<6} {best['either']:6.3f}  {best['side']:<6} {best['p']:6.3f} {best['first_day']:6.3f} "
              f"{best['within_30_days']:6.3f}  {carried_by(best)}")
    if out is not None:
        print(f"-> {out}")
    return 0
