"""`alliance-sim backtest HISTORY`: replay a history file's scenario and score it against the record.

Scores (see docs/backtest.md): Brier (1950) score of each state's entry probability, Murphy's
(1973) skill score against the naive reference, Kendall's (1938) tau of the entry order, entry-day
errors, and the share of replications in which each recorded (and unrecorded) invocation happened.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.execution.backends import WORKERS_RULE

HELP = "replay a history file's scenario and score the forecast against what happened"


def add_arguments(parser) -> None:
    """Options of `backtest`."""
    parser.add_argument("history", metavar="HISTORY", help="history YAML file (see docs/backtest.md)")
    parser.add_argument("--reps", type=int, help="replications (default: the scenario's)")
    parser.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    parser.add_argument("--out", help="output folder (default: results/backtest_<name>/)")
    parser.add_argument("--workers", type=int, default=1, help=WORKERS_RULE)
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no tables")


def _check(args) -> None:
    """Numbers on the command line in range, else InputErrors."""
    from sim.scenario.errors import InputError, InputErrors

    rules = (("--reps", args.reps, "at least 1", args.reps is None or args.reps >= 1),
             ("--seed", args.seed, "0 or more", args.seed is None or args.seed >= 0),
             ("--workers", args.workers, "0 or more", args.workers >= 0))
    problems = [InputError(f"{flag} must be {rule}, got {value}", file="command line")
                for flag, value, rule, ok in rules if not ok]
    if problems:
        raise InputErrors(problems)


def _cell(value, digits: int = 3) -> str:
    """A table cell: '-' for an undefined value, floats rounded."""
    if value is None:
        return "-"
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


def _table(title: str, data: tuple[list[str], list[list]], columns: list[str]):
    """A rich table of the named columns of a backtest table (its header and rows)."""
    from rich.table import Table

    header, rows = data
    table = Table(title=title)
    picked = [header.index(c) for c in columns]
    for c in columns:
        table.add_column(c, justify="left" if c in ("state", "pact", "clause", "by", "against", "metric", "note") else "right")
    for row in rows:
        table.add_row(*(_cell(row[i]) for i in picked))
    return table


def _show(bt, folder: Path) -> None:
    """Print the per-state, invocation and overall tables, then where the files went."""
    from rich.console import Console

    console, tables = Console(), bt.scores.tables
    console.print(_table(f"{bt.history.name}: entry into the war by {bt.history.end}", tables["backtest_states"],
                         ["state", "entered", "real_day", "p_entry", "brier", "brier_reference", "day_error"]))
    console.print(_table("pact invocations (recorded = 1; others happened only in simulation)",
                         tables["backtest_invocations"],
                         ["pact", "clause", "by", "against", "recorded", "real_day", "share", "median_day"]))
    console.print(_table("overall", tables["backtest_overall"], ["metric", "value", "note"]))
    console.print(f"-> {folder}/ (backtest_states.csv, backtest_invocations.csv, backtest_overall.csv, "
                  "summary.csv, events.csv, tension.csv, states.csv, meta.json)")


def main(args) -> int:
    """Check the output folder, replay and score, write atomically, and show the scores."""
    from sim.execution.output import check_target
    from sim.history.backtest import Replay

    _check(args)
    from sim.cli.filekind import locate

    replay = Replay.read(locate(args.history))
    out = Path(args.out or Path("results") / f"backtest_{replay.history.name}")
    check_target(out, args.force)
    bt = replay.run(args.reps, args.seed, args.workers, progress=not args.quiet and sys.stderr.isatty())
    folder = bt.write(out, force=args.force)
    if not args.quiet:
        _show(bt, folder)
    return 0
