"""`alliance-sim peacetime`: the model's uses of force per dyad-year in sampled years' worlds
(nothing scripted) against the militarised interstate disputes on record; with `--fit`, a stake of
those worlds fitted on alternate years and scored on the others (:mod:`sim.history.peacefit`).
See docs/validation.md.
"""

from __future__ import annotations

from pathlib import Path

HELP = "uses of force per dyad-year with nothing scripted, in sampled years, against the MID record"


def add_arguments(parser) -> None:
    """Options of `peacetime`."""
    parser.add_argument("--years", metavar="Y,Y,...",
                        help="years to sample (default: every year the fitted hazard held out, every fifth "
                             "from 1820 to 2010 but 1915, 1940 and 1945; with --fit "
                             "1830,1855,1880,1900,1925,1955,1975,1995)")
    parser.add_argument("--reps", type=int, default=10, help="replications of each year (default 10)")
    parser.add_argument("--seed", type=int, default=0, help="root seed (default 0)")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="override a scenario field in every year")
    parser.add_argument("--out", default="results/peacetime", help="output folder (default results/peacetime)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--quiet", action="store_true", help="no table")
    from sim.scenario.ranges import YEAR_WORLD_RANGES  # a table only: no simulation imports

    parser.add_argument("--fit", choices=[name.removeprefix("motives.") for name in YEAR_WORLD_RANGES],
                        help="fit parameters.motives.<this> to the record's uses of force among rivals on "
                             "alternate years (1830, 1880, ...) and score it on the others")


def _years(text: str | None, fit: bool = False) -> list[int]:
    """The `--years` list (default :data:`sim.history.peacetime.SCORE_YEARS`, with `--fit`
    :data:`sim.history.peacetime.YEARS`); each a year with a world, not one of the held-out war years."""
    from sim.history.peacetime import SCORE_YEARS, YEARS
    from sim.scenario.errors import InputError, InputErrors
    from sim.scenario.yearworld import FIRST_YEAR, LAST_YEAR

    if text is None:
        return list(YEARS if fit else SCORE_YEARS)
    try:
        years = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise InputErrors(InputError(f"give years separated by commas, got '{text}'", file="--years")) from None
    bad = [y for y in years if not FIRST_YEAR <= y <= LAST_YEAR or 1914 <= y <= 1918 or 1939 <= y <= 1945]
    if bad or not years:
        raise InputErrors(InputError(f"years must lie in {FIRST_YEAR}..{LAST_YEAR} outside the held-out "
                                     f"1914-1918 and 1939-1945, got {bad or text!r}", file="--years"))
    twice = sorted({y for y in years if years.count(y) > 1})
    if twice:
        raise InputErrors(InputError(f"{twice[0]} is given twice: name each year once", file="--years"))
    return years


def main(args) -> int:
    """Run each sampled year, compare with the record, write `peacetime_rates.csv`, `peacetime_dyads.csv`
    and `peacetime_scores.csv` (AUC of the simulator's and the fitted regression's forecasts)."""
    from sim.execution.limits import check_total
    from sim.execution.output import atomic_folder, check_target, write_csv
    from sim.history.peacetime import peacetime, scores
    from sim.history.validation_report import frame_rows
    from sim.scenario.errors import InputError, InputErrors

    years, out = _years(args.years, bool(args.fit)), Path(args.out)
    if args.reps < 1 or args.seed < 0:
        raise InputErrors(InputError("--reps must be at least 1 and --seed 0 or more", file="command line"))
    check_total(f"{len(years)} years x {args.reps} replications", len(years) * args.reps,
                advice="fewer --reps or --years", where=InputError("", "--reps"))
    check_target(out, args.force)
    if args.fit:
        return _fit(args, years, out)
    dyads, rates = peacetime(years, args.reps, args.seed, args.set)
    table = scores(dyads)
    with atomic_folder(out, args.force) as tmp:
        write_csv(tmp / "peacetime_rates.csv", list(rates.columns), frame_rows(rates))
        write_csv(tmp / "peacetime_dyads.csv", list(dyads.columns), frame_rows(dyads))
        write_csv(tmp / "peacetime_scores.csv", list(table.columns), frame_rows(table))
    if not args.quiet:
        _show(rates, out)
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    return 0


def _fit(args, years: list[int], out: Path) -> int:
    """Fit `--fit` (:func:`sim.history.peacefit.fit_stake`); write `peacetime_fit.csv` (the objective at
    every value tried) and `peacetime_fit_scores.csv` (in and out of sample, fitted and zero)."""
    from sim.execution.output import atomic_folder, write_csv
    from sim.history.peacefit import fit_stake
    from sim.history.validation_report import frame_rows
    from sim.scenario.errors import InputError, InputErrors

    if len(years) < 2:
        raise InputErrors(InputError("--fit needs at least two --years: alternate years train and test",
                                     file="--years"))
    fit = fit_stake(args.fit, years, args.reps, args.seed, args.set)
    with atomic_folder(out, args.force) as tmp:
        write_csv(tmp / "peacetime_fit.csv", list(fit.evaluations.columns), frame_rows(fit.evaluations))
        write_csv(tmp / "peacetime_fit_scores.csv", list(fit.scores.columns), frame_rows(fit.scores))
    if not args.quiet:
        from rich.console import Console

        Console().print(f"parameters.motives.{fit.parameter} = {fit.value:g} (trained on "
                        f"{', '.join(map(str, fit.train_years))}; tested on {', '.join(map(str, fit.test_years))})")
        print(fit.scores.to_string(index=False, float_format=lambda x: f"{x:.3g}"))
        Console().print(f"-> {out}/ (peacetime_fit.csv, peacetime_fit_scores.csv)")
    return 0


def _show(rates, folder: Path) -> None:
    """Print the rate table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="uses of force per dyad-year: model (nothing scripted) vs MID record")
    for column in ("threshold", "stratum", "value", "dyad_years", "model_rate", "record_rate", "record 95%"):
        table.add_column(column)
    for row in rates.itertuples(index=False):
        table.add_row(row.threshold, row.stratum, row.value, str(row.dyad_years), f"{row.model_rate:.2g}",
                      f"{row.record_rate:.2g}", f"[{row.record_low:.2g}, {row.record_high:.2g}]")
    Console().print(table)
    Console().print(f"-> {folder}/ (peacetime_rates.csv, peacetime_dyads.csv, peacetime_scores.csv)")
