"""`alliance-sim run FILE`: run a scenario's replications and write its CSVs and meta.json."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.execution.backends import WORKERS_RULE

HELP = "run a scenario file and write summary, events, tension and states CSVs"


def add_arguments(parser) -> None:
    """Options of `run`."""
    parser.add_argument("file", help="scenario YAML file, or the name of a shipped one (baseline_2022)")
    parser.add_argument("--reps", type=int, help="replications (default: the scenario's)")
    parser.add_argument("--seed", type=int, help="root seed (default: the scenario's)")
    parser.add_argument("--horizon", type=float, help="days to simulate (default: the scenario's)")
    parser.add_argument("--out", help="output folder (default: results/<scenario name>)")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="override a field, e.g. parameters.decision.temperature=0.8 (repeatable)")
    parser.add_argument("--tables", default="summary,events,tension,states", metavar="T,...",
                        help="which tables to write (default: summary,events,tension,states; add sources for "
                             "each watched state's tension split by source and component)")
    parser.add_argument("--record-every", type=float, metavar="DAYS",
                        help="days between tension samples (default: the scenario's record_every_days, 7)")
    parser.add_argument("--workers", type=int, help=WORKERS_RULE + "; with --dask local, the LocalCluster's "
                        "workers (default: all cores)")
    parser.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                        help="run on Dask, as `sweep --dask`: a new LocalCluster, or the scheduler at this address")
    parser.add_argument("--parameters", metavar="FILE",
                        help="a parameter file (YAML `parameters:`, e.g. calibrate's parameters.yaml), applied before --set")
    parser.add_argument("--parameters-ensemble", metavar="FILE",
                        help="an ensemble CSV (calibrate's ensemble.csv): each replication draws one set from its seed")
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv", dest="table_format",
                        help="how the tables are stored: csv (default) or parquet (typed and compressed, for large "
                        'tables; needs pyarrow: pip install "alliance-sim[parquet]"); sim.read_run reads both')
    parser.add_argument("--force", action="store_true", help="replace an earlier result in the output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or closing line")
    parser.add_argument("--max-rows", type=int, default=None, metavar="N",
                        help="allow a run to write up to N rows of tension.csv (default 50 million)")


def _check(args) -> None:
    from sim.engine.tables import OPTIONAL, TABLES
    from sim.scenario.errors import InputError, InputErrors, suggest

    problems = [InputError(f"{flag} must be {rule}, got {value}", file="command line")
                for flag, value, rule, ok in (
                    ("--reps", args.reps, "at least 1", args.reps is None or args.reps >= 1),
                    ("--seed", args.seed, "0 or more", args.seed is None or args.seed >= 0),
                    ("--horizon", args.horizon, "above 0", args.horizon is None or args.horizon > 0),
                    ("--workers", args.workers, "0 or more", args.workers is None or args.workers >= 0),
                    ("--max-rows", args.max_rows, "at least 1", args.max_rows is None or args.max_rows >= 1)) if not ok]
    if args.workers is not None and args.dask and args.dask != "local":
        problems.append(InputError(f"--workers has no effect with --dask {args.dask}: the cluster's own "
                                   "workers run the replications (start more `dask worker`s to add some)",
                                   file="command line"))
    if args.record_every is not None and not args.record_every > 0:
        problems.append(InputError(f"--record-every must be above 0, got {args.record_every:g}", file="command line"))
    known = TABLES + OPTIONAL
    problems += [InputError(f"--tables: unknown table '{t}'{suggest(t, known)}; tables: {', '.join(known)}",
                            file="command line") for t in _tables(args) if t not in known]
    if args.table_format == "parquet":
        from sim.execution.results import parquet_problem

        problem = parquet_problem()
        if problem:
            problems.append(InputError(f"--format parquet: {problem}", file="command line"))
        if args.parameters_ensemble:
            problems.append(InputError("--format parquet is not available with --parameters-ensemble: "
                                       "run without it and convert, or use csv", file="command line"))
    if problems:
        raise InputErrors(problems)


def _tables(args) -> list[str]:
    return [t.strip() for t in args.tables.split(",") if t.strip()]


def _is_scenario(file: str) -> None:
    """A sweep or history file is run by its own command: say which."""
    from sim.cli.filekind import KINDS, file_kind
    from sim.scenario.errors import InputError, InputErrors

    kind = file_kind(file)
    if kind != "scenario":
        raise InputErrors(InputError(f"this is a {kind} file, not a scenario: run it with "
                                     f"`alliance-sim {KINDS[kind]} {file}`", file))
def _limits(args) -> dict:
    return {} if args.max_rows is None else {"max_rows": args.max_rows}


def main(args) -> int:
    """Load, check the output folder, run with a progress bar, and say where the results went."""
    from sim.execution.ensemble import run_ensemble_to_folder
    from sim.execution.limits import late_actions
    from sim.execution.output import check_target
    from sim.execution.runner import run_to_folder
    from sim.scenario.loading import load_scenario
    from sim.scenario.parameterfile import parameter_overrides, read_ensemble

    _check(args)
    _is_scenario(args.file)
    record = [f"record_every_days={args.record_every!r}"] if args.record_every is not None else []
    overrides = (parameter_overrides(args.parameters) if args.parameters else []) + list(args.set) + record
    scenario = load_scenario(args.file, overrides=overrides)
    out = Path(args.out or Path("results") / scenario.name)
    check_target(out, args.force)
    late = late_actions(scenario, args.horizon)
    if late:
        print(f"warning: --horizon {args.horizon:g} ends before {', '.join(late)}: not applied", file=sys.stderr)
    workers = args.workers if args.workers is not None or args.dask else 1
    if args.parameters_ensemble:
        folder, meta = run_ensemble_to_folder(args.file, overrides, read_ensemble(args.parameters_ensemble), out,
                                              args.reps, args.seed, workers, args.horizon, args.force, args.dask,
                                              args.parameters_ensemble, tables=_tables(args))
    else:
        folder, meta = run_to_folder(scenario, out, replications=args.reps, seed=args.seed,
                                     workers=workers, horizon=args.horizon, force=args.force,
                                     progress=not args.quiet and sys.stderr.isatty(), dask=args.dask,
                                     tables=_tables(args), table_format=args.table_format, **_limits(args))
    if not args.quiet:
        print(f"{meta['replications']} replications of {scenario.name} in {meta['wall_time_s']:.1f} s "
              f"-> {folder}/ ({', '.join(f'{t}.{args.table_format}' for t in meta.get('tables', _tables(args)))}, meta.json)")
    return 0
