"""`alliance-sim validation`: forecast who joins each COW inter-state war, and score it.

Each war's onset-year world is run with only the first initiator's attack on the first target
scripted; the states that reach the war rung against a side are compared with the war's real
participants (Brier scores, skill against climatology and against "only the first two fight",
bootstrap intervals over wars, by era, a reliability diagram). Wars 106 and 139 are held out.
See docs/validation.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.execution.backends import WORKERS_RULE

HELP = "forecast who joins each COW inter-state war from its first attack, and score it (docs/validation.md)"


def add_arguments(parser) -> None:
    """Options of `validation`."""
    parser.add_argument("--wars", metavar="N,N,...", help="COW war numbers to run (default: all 93)")
    parser.add_argument("--reps", type=int, default=20, help="replications per war (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    parser.add_argument("--workers", type=int, default=1, help=WORKERS_RULE)
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="override a scenario field in every war, e.g. parameters.decision.war_cost=4 (a "
                             "joining coefficient or delay parameter set here replaces the fold's refit)")
    parser.add_argument("--pacts", choices=("dyads", "cliques"), default="dyads",
                        help="ATOP dyads as bilateral pacts (default) or grouped into cliques (world cow_YYYY_cliques)")
    parser.add_argument("--cv", choices=("war", "era"), default="war",
                        help="folds of the fitted forecasts (baseline_, lookup_ rows) and of the simulator's joining "
                             "coefficients and entry delays: refit without the war (default) or the era forecast")
    parser.add_argument("--hold", action="store_true",
                        help="hold each war open for its recorded years (hold_days): forecast joining conditional "
                             "on the war lasting (default: the model's own war lengths)")
    parser.add_argument("--out", default="results/validation", help="output folder (default results/validation)")
    parser.add_argument("--figure", help="also write the reliability diagram here (e.g. docs/img/validation_reliability.png)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no tables")


def _wars(text: str | None) -> list[int] | None:
    """The `--wars` list, or None for all; anything but integers is an input error."""
    from sim.scenario.errors import InputError, InputErrors

    if text is None:
        return None
    try:
        numbers = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputErrors(InputError(f"give war numbers separated by commas, got '{text}'", file="--wars")) from None
    if not numbers:
        raise InputErrors(InputError(f"no war numbers in '{text}': give some separated by commas (e.g. 1,4,7), or "
                                     "leave out --wars for all of them", file="--wars"))
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise InputErrors(InputError(f"war {twice[0]} is named twice: name each war once", file="--wars"))
    return numbers


def _check(args) -> None:
    """Numbers on the command line in range, else InputErrors."""
    from sim.scenario.errors import InputError, InputErrors

    rules = (("--reps", args.reps, "at least 1", args.reps >= 1), ("--seed", args.seed, "0 or more", args.seed >= 0),
             ("--workers", args.workers, "0 or more", args.workers >= 0))
    problems = [InputError(f"{flag} must be {rule}, got {value}", file="command line")
                for flag, value, rule, ok in rules if not ok]
    if problems:
        raise InputErrors(problems)


def _figure(validation, path: Path) -> Path:
    """Write the reliability diagram of both join levels."""
    from sim.history.validation_report import LEVELS
    from sim.plot.figure import save
    from sim.plot.reliability import reliability_diagram

    frames = {f"joining = reaching level {lv} ({name})": validation.frames(lv) for lv, name in LEVELS.items()}
    reps, n = validation.meta["replications"], len(validation.wars)
    fig = reliability_diagram(frames, f"COW wars: {n} wars, {reps} replications each (numbers: pairs per bin)")
    path.parent.mkdir(parents=True, exist_ok=True)
    return save(fig, path)


def _show(validation, folder: Path) -> None:
    """Print the headline scores: the simulator's by conditional Monte Carlo (`cmc_`) first, then
    the share of runs, the equation, the lookup, the durations and the entry days."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"validation on {len(validation.wars)} COW wars ({validation.meta['wall_time_s']} s)")
    for column in ("level", "subset", "era", "metric", "value", "95% interval"):
        table.add_column(column, justify="left" if column in ("subset", "era", "metric") else "right")
    shown = validation.scores[validation.scores["metric"].isin(
        ["joiners", "cmc_expected_joiners", "cmc_skill_vs_climatology", "cmc_auc", "cmc_side_skill",
         "expected_joiners_model", "skill_vs_climatology", "skill_vs_pair", "auc",
         "baseline_skill_vs_climatology", "baseline_auc", "lookup_skill_vs_climatology", "lookup_auc",
         "duration_coverage_10_90", "duration_median_ratio", "entry_coverage_10_90", "entry_median_days",
         "record_entry_median_days"])]
    for row in shown.itertuples(index=False):
        interval = "" if row.low != row.low or row.low is None else f"[{row.low:.3f}, {row.high:.3f}]"
        value = "-" if row.value is None or row.value != row.value else f"{row.value:.4g}"
        table.add_row(str(row.level), row.subset, row.era, row.metric, value, interval)
    Console().print(table)
    Console().print(f"-> {folder}/ (validation_pairs.csv, validation_wars.csv, validation_scores.csv, "
                    "validation_reliability.csv, validation_durations.csv, validation_entries.csv, reliability.png, "
                    "meta.json)")


def main(args) -> int:
    """Check the options and the output folder, run and score the wars, write, show."""
    from sim.execution.limits import check_total
    from sim.execution.output import check_target
    from sim.history.validation import read_wars
    from sim.plot.figure import figure_target
    from sim.scenario.errors import InputError

    _check(args)
    wars, out = _wars(args.wars), Path(args.out)
    count = len(wars) if wars is not None else len(read_wars())
    check_total(f"{count} wars x {args.reps} replications", count * args.reps,
                advice="fewer --reps, or a few --wars at a time", where=InputError("", "--reps"))
    figure = figure_target(args.figure) if args.figure is not None else None
    check_target(out, args.force)
    from sim.history.validation_report import run_validation  # statistics libraries: only once the input is good

    validation = run_validation(wars, args.reps, args.seed, args.workers or None, args.set,
                                progress=not args.quiet and sys.stderr.isatty(), pacts=args.pacts, cv=args.cv,
                                hold=args.hold)
    folder = validation.write(out, args.force, extra=lambda tmp: _figure(validation, tmp / "reliability.png"))
    if figure:
        _figure(validation, figure)
    if not args.quiet:
        _show(validation, folder)
    return 0
