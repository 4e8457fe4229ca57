"""`alliance-sim sweep FILE`: run every point of a sweep file, locally or on Dask, resumably."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

from sim.execution.backends import WORKERS_RULE

HELP = "run a sweep file (grid, random, lhs or sobol design) and write runs.csv and points.csv"


def add_arguments(parser) -> None:
    """Options of `sweep`."""
    parser.add_argument("file", help="sweep YAML file, or the name of a shipped one (sweeps/quad_reliability)")
    parser.add_argument("--workers", type=int, help=WORKERS_RULE + "; with --dask local, the LocalCluster's "
                        "workers (default: all cores)")
    parser.add_argument("--dask", metavar="local|tcp://HOST:PORT",
                        help="run on Dask: a new LocalCluster, or the scheduler at this address")
    parser.add_argument("--reps", type=int, help="replications per point (default: the sweep file's)")
    parser.add_argument("--horizon", type=float, help="days to simulate (default: the scenario's)")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                        help="fix a scenario field at every point, as the file's `set:` (repeatable)")
    parser.add_argument("--out", help="output folder (default: results/<sweep name>)")
    again = parser.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true", help="continue the sweep in the output folder")
    again.add_argument("--force", action="store_true", help="start over, replacing the output folder's sweep")
    parser.add_argument("--quiet", action="store_true", help="no progress bar or closing line")
    parser.add_argument("--max-runs", type=int, default=None, metavar="N",
                        help="allow a sweep of up to N runs, points x replications (default 200000)")


def _check(args) -> None:
    from sim.scenario.errors import InputError, InputErrors

    for flag, value in (("--reps", args.reps), ("--horizon", args.horizon)):
        if value is not None and value <= 0:
            raise InputErrors(InputError(f"{flag} must be above 0, got {value:g}", file="command line"))
    if args.max_runs is not None and args.max_runs < 1:
        raise InputErrors(InputError(f"--max-runs must be at least 1, got {args.max_runs}", file="command line"))
    if args.workers is not None and args.workers < 0:
        raise InputErrors(InputError(f"--workers must be 0 (every core) or more, got {args.workers}",
                                     file="command line"))
    if args.workers is not None and args.dask and args.dask != "local":
        raise InputErrors(InputError(f"--workers has no effect with --dask {args.dask}: the cluster's own "
                                     "workers run the sweep (start more `dask worker`s to add some)",
                                     file="command line"))


def main(args) -> int:
    """Validate every point, run with a progress bar, write the tables; 1 when some runs failed."""
    from sim.execution.backends import open_backend
    from sim.sweeps.api import check_folder, load_sweep, run_sweep

    _check(args)
    from sim.cli.filekind import locate

    plan = load_sweep(locate(args.file), replications=args.reps, overrides=_fixed(args),
                      **({} if args.max_runs is None else {"max_runs": args.max_runs}))
    out = Path(args.out or Path("results") / plan.spec.name)
    check_folder(out, plan, args.resume, args.force)  # before any worker or cluster starts
    start = time.monotonic()
    try:
        with open_backend(_workers(args), dask=args.dask) as backend, _bar(plan, args.quiet) as progress:
            outcome = run_sweep(plan, out, backend, resume=args.resume, force=args.force, progress=progress)
    except KeyboardInterrupt:
        print(_kept(out, args.force, "interrupted"), file=sys.stderr)
        return 130
    except OSError as exc:
        from sim.cli.main import environment_error

        print(f"error: {environment_error(exc)}\n{_kept(out, args.force, 'stopped')}", file=sys.stderr)
        return 1
    return _report(plan, outcome, time.monotonic() - start, args.quiet)


def _fixed(args) -> dict:
    """`--set` and `--horizon` as `{dotted.path: value}` for the sweep's `set:`."""
    from sim.scenario.errors import format_path
    from sim.scenario.yamlsource import parse_override

    fixed = {format_path(o.path): o.value for o in map(parse_override, args.set)}
    return fixed | ({"horizon_days": args.horizon} if args.horizon is not None else {})
def _kept(out: Path, force: bool, what: str) -> str:
    """What a stopped sweep kept, and how to go on."""
    if force:
        return f"{what}: the earlier sweep in {out}/ is unchanged; run again with --force to replace it"
    if not (out / "runs.partial.csv").is_file():
        return f"{what}: no run was written"
    return f"{what}: finished runs are kept in {out}/; continue with --resume"


@contextlib.contextmanager
def _bar(plan, quiet: bool):
    """A progress bar of runs done and failed with time left, as a `progress(done, failed)` callback."""
    from sim.execution.progress import progress_bar

    if quiet or not sys.stderr.isatty():
        yield None
        return
    total = len(plan.points) * plan.replications
    with progress_bar(total, f"sweep {plan.spec.name}") as advance:
        shown = [0]

        def progress(done: int, failed: int) -> None:
            """Move the bar to `done + failed` runs, naming the failures."""
            advance(done + failed - shown[0], extra=f"{failed} failed" if failed else None)
            shown[0] = done + failed

        yield progress


def _report(plan, outcome, seconds: float, quiet: bool) -> int:
    """Say where the results went and how many runs failed; the exit status."""
    if outcome.failed:
        print(f"error: {outcome.failed} of {outcome.total} runs failed: see {outcome.folder / 'failures.csv'}",
              file=sys.stderr)
    if not quiet:
        print(f"{outcome.done} runs of {plan.spec.name} ({len(plan.points)} points x {plan.replications} "
              f"replications) in {seconds:.1f} s -> {outcome.folder}/ (runs.csv, points.csv, manifest.json)",
              file=sys.stderr)
    return 1 if outcome.failed else 0


def _workers(args) -> int | None:
    """`--workers` by the one rule (sim.execution.backends.WORKERS_RULE): 1 by default, 0 every core;
    with `--dask local` unset means one LocalCluster worker a core."""
    if args.workers is None:
        return None if args.dask else 1
    return args.workers or None
