"""`alliance-sim sensitivity SCENARIO`: Sobol' first-order and total indices of the scenario's
summary metrics over the documented parameter ranges, with bootstrap intervals, a CSV and a figure.
See docs/validation.md ("Sensitivity")."""

from __future__ import annotations

from pathlib import Path

from sim.execution.backends import WORKERS_RULE

HELP = "Sobol' sensitivity indices of a scenario's summary metrics to the parameters (docs/validation.md)"


def add_arguments(parser) -> None:
    """Options of `sensitivity`."""
    parser.add_argument("file", help="scenario YAML file")
    parser.add_argument("--param", action="append", default=[], metavar="PATH",
                        help="a real-valued parameter to vary over its documented range (repeatable; "
                             "default: the six in sim.analysis.sensitivity.DEFAULT_PARAMETERS)")
    parser.add_argument("--metrics", help="comma-separated summary metrics (default: max_level, n_belligerents, "
                                          "n_drawn_in, invocations_honoured, mean_tension)")
    parser.add_argument("--n", type=int, default=32, help="base sample size, a power of 2 (runs: n x (params + 2))")
    parser.add_argument("--reps", type=int, default=4, help="replications per parameter set (default 4)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample and of every run (default 0)")
    parser.add_argument("--resamples", type=int, default=999, help="bootstrap resamples (default 999)")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="a fixed scenario override")
    parser.add_argument("--workers", type=int, default=1, help=WORKERS_RULE)
    parser.add_argument("--dask", metavar="local|tcp://HOST:PORT", help="run on Dask instead of local processes")
    parser.add_argument("--out", help="output folder (default results/sensitivity_<scenario>)")
    parser.add_argument("--figure", help="also write the figure here (e.g. docs/img/sensitivity_taiwan.png)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--quiet", action="store_true", help="no table")


def _check(args) -> None:
    from sim.scenario.errors import InputError, InputErrors

    rules = (("--n", args.n, "a power of 2, at least 4", args.n >= 4 and args.n & (args.n - 1) == 0),
             ("--reps", args.reps, "at least 1", args.reps >= 1), ("--seed", args.seed, "0 or more", args.seed >= 0),
             ("--resamples", args.resamples, "at least 10", args.resamples >= 10),
             ("--workers", args.workers, "0 or more", args.workers >= 0))
    problems = [InputError(f"{flag} must be {rule}, got {value}", file="command line")
                for flag, value, rule, ok in rules if not ok]
    if problems:
        raise InputErrors(problems)


def _design(args, scenario) -> tuple[list[str], list[str]]:
    """The parameters (each real-valued, with a documented range, named once) and the summary
    metrics (columns of this scenario's summary.csv) to study, and a budget within the run limit."""
    from sim.analysis.sensitivity import DEFAULT_METRICS, DEFAULT_PARAMETERS, documented_range
    from sim.engine.tables import headers
    from sim.execution.limits import check_total
    from sim.scenario.errors import InputError, InputErrors, suggest

    paths = [p if p.startswith("parameters.") else f"parameters.{p}" for p in args.param] or list(DEFAULT_PARAMETERS)
    for path in paths:
        documented_range(path)
    problems = [InputError(f"{p} is given twice: name each parameter once", "--param")
                for p in sorted({p for p in paths if paths.count(p) > 1})]
    fixed = {text.split("=", 1)[0].strip() for text in args.set}
    problems += [InputError(f"{p} is both varied (--param) and fixed (--set): drop one", "--set")
                 for p in paths if p in fixed]
    metrics = [m.strip() for m in args.metrics.split(",")] if args.metrics is not None else list(DEFAULT_METRICS)
    known = [c for c in headers(scenario.watch)["summary"] if c not in ("rep", "seed")]
    problems += [InputError(f"'{m}' is not a summary metric{suggest(m, known)}; metrics: {', '.join(known)}",
                            "--metrics") for m in metrics if m not in known]
    problems += [InputError(f"{m} is given twice: name each metric once", "--metrics")
                 for m in sorted({m for m in metrics if metrics.count(m) > 1 and m in known})]
    if problems:
        raise InputErrors(problems)
    check_total(f"--n {args.n} x ({len(paths)} parameters + 2) x --reps {args.reps}", args.n * (len(paths) + 2) * args.reps,
                advice="a smaller --n, fewer --reps or fewer --param", where=InputError("", "--n"))
    return paths, metrics


def main(args) -> int:
    """Check, run the Sobol' design, write sensitivity.csv, sensitivity.png and meta.json."""
    from sim.analysis.sensitivity import sensitivity
    from sim.execution.output import atomic_folder, check_target, write_csv, write_json
    from sim.history.validation_report import frame_rows
    from sim.plot.figure import figure_target, save
    from sim.plot.sensitivity import sobol_figure
    from sim.scenario.loading import load_scenario

    _check(args)
    figure = figure_target(args.figure) if args.figure is not None else None
    scenario = load_scenario(args.file, args.set)
    paths, metrics = _design(args, scenario)
    out = Path(args.out or Path("results") / f"sensitivity_{scenario.name}")
    check_target(out, args.force)
    result = sensitivity(args.file, paths, metrics, args.n, args.reps, args.seed, args.set, args.workers or None,
                         args.dask, args.resamples)
    title = f"{scenario.name}: Sobol' indices, n = {args.n} ({result.meta['evaluations']} sets x {args.reps} reps)"
    with atomic_folder(out, args.force) as tmp:
        write_csv(tmp / "sensitivity.csv", list(result.table.columns), frame_rows(result.table))
        write_json(tmp / "meta.json", {"scenario": str(args.file), **result.meta})
        save(sobol_figure(result.table, title), tmp / "sensitivity.png")
    if figure:
        figure.parent.mkdir(parents=True, exist_ok=True)
        save(sobol_figure(result.table, title), figure)
    if not args.quiet:
        print(result.table.round(3).to_string(index=False))
        print(f"-> {out}/ (sensitivity.csv, sensitivity.png, meta.json) in {result.meta['wall_time_s']} s")
    return 0
