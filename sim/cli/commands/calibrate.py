"""`alliance-sim calibrate`: fit chosen parameters on the COW wars (a Sobol' or Latin-hypercube
design, common random numbers, history matching) and report cross-validated scores.

Writes a parameter file (`run --parameters`) and an ensemble of plausible parameter sets
(`run --parameters-ensemble`). Wars 106 and 139 are held out. See docs/validation.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.model.ladder import CLASH, WAR

HELP = "fit parameters on the COW wars by design + history matching; cross-validated scores (docs/validation.md)"

QUICK = {"points": 4, "reps": 2, "wars": "1,4,7,10,13,16", "folds": "3"}
"""`--quick`: a smoke-test budget (six 19th-century wars, four points, two replications, three folds)."""
DEFAULTS = {"points": 16, "reps": 10, "method": "sobol", "folds": "era", "level": WAR, "seed": 0, "era": None,
            "wars": None, "cutoff": 3.0, "discrepancy": 0.25}


def add_arguments(parser) -> None:
    """Options of `calibrate` (a --spec file gives defaults for any of them)."""
    parser.add_argument("--spec", help="calibration spec YAML: `parameters: {PATH: [LOW, HIGH]}` and any option below")
    parser.add_argument("--param", action="append", default=[], metavar="PATH=LOW:HIGH",
                        help="a parameter and its range, e.g. parameters.decision.war_cost=1:10 (repeatable)")
    parser.add_argument("--era", choices=("1816-1913", "1914-1945", "1946-2003"), help="train on one era's wars")
    parser.add_argument("--wars", metavar="N,N,...", help="train on these COW wars (default: all 93)")
    parser.add_argument("--points", type=int, help="design points besides the defaults (default 16; Sobol': a power of 2)")
    parser.add_argument("--method", choices=("sobol", "lhs"), help="scrambled Sobol' (default) or Latin hypercube")
    parser.add_argument("--reps", type=int, help="replications per war and point (default 10)")
    parser.add_argument("--folds", help="cross-validation: `era` (leave one era out, default) or K folds of wars")
    parser.add_argument("--level", type=int, choices=(CLASH, WAR), help=f"join rung scored (default {WAR}, war)")
    parser.add_argument("--cutoff", type=float, help="implausibility cut-off (default 3)")
    parser.add_argument("--discrepancy", type=float, help="model discrepancy, fraction of the joining rate (default 0.25)")
    parser.add_argument("--seed", type=int, help="root seed, shared by every point (default 0)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (0: all cores; default 1)")
    parser.add_argument("--dask", metavar="local|tcp://HOST:PORT", help="run on Dask instead of local processes")
    parser.add_argument("--quick", action="store_true", help="a small budget for tests: " + str(QUICK))
    parser.add_argument("--rescore", metavar="DIR", help="rescore the design of an earlier calibration (its --out "
                        "folder) with other --folds, --cutoff or --discrepancy, without simulating again")
    parser.add_argument("--out", default="results/calibration", help="output folder (default results/calibration)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no table")


def _spec(path: str | None) -> dict:
    """The spec file's mapping (options and `parameters: {PATH: [LOW, HIGH]}`), or {}."""
    import yaml

    from sim.scenario.errors import InputError, InputErrors

    if path is None:
        return {}
    try:
        doc = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputErrors(InputError(f"cannot read the spec: {exc}", file=path)) from None
    unknown = set(doc) - set(DEFAULTS) - {"parameters"} if isinstance(doc, dict) else {"(not a mapping)"}
    if unknown:
        raise InputErrors(InputError(f"unknown keys {sorted(unknown)}; allowed: parameters, {', '.join(DEFAULTS)}",
                                     file=path))
    params = doc.pop("parameters", {}) or {}
    doc["param"] = [f"{k}={v[0]}:{v[1]}" for k, v in params.items()]
    return doc


def _options(args) -> dict:
    """Command line over --quick over the spec over the defaults."""
    spec = _spec(args.spec)
    merged = {**DEFAULTS, **{k: v for k, v in spec.items() if k != "param"}, **(QUICK if args.quick else {})}
    merged.update({k: getattr(args, k) for k in DEFAULTS if getattr(args, k) is not None})
    merged["param"] = args.param or spec.get("param") or []
    return merged


def _wars(options: dict) -> list:
    """The training wars (never 106 or 139: they are not in read_wars, and naming them is an error)."""
    from sim.analysis.validation import pick_wars, read_wars
    from sim.cli.commands.validation import _wars as numbers

    wars = pick_wars(read_wars(), numbers(str(options["wars"])) if options["wars"] else None)
    return [w for w in wars if options["era"] is None or w.era == options["era"]]


def _check(options: dict, wars: list) -> None:
    from sim.scenario.errors import InputError, InputErrors

    rules = (("parameters", "at least one --param PATH=LOW:HIGH (or `parameters:` in --spec)", bool(options["param"])),
             ("--points", "at least 2", int(options["points"]) >= 2), ("--reps", "at least 1", int(options["reps"]) >= 1),
             ("--folds", "`era` or an integer K of 2 or more",
              options["folds"] == "era" or str(options["folds"]).isdigit() and int(options["folds"]) >= 2),
             ("wars", "at least 2 wars", len(wars) >= 2))
    problems = [InputError(f"{flag}: give {rule}", file="command line") for flag, rule, ok in rules if not ok]
    if problems:
        raise InputErrors(problems)


def _show(cal, folder: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"out-of-sample scores, {len(cal.meta['wars'])} wars, folds: {cal.settings.folds} "
                        f"({cal.meta['wall_time_s']} s)")
    for column in ("metric", "value", "95% interval"):
        table.add_column(column)
    for row in cal.scores.itertuples(index=False):
        table.add_row(row.metric, f"{row.value:.5g}", f"[{row.low:.4g}, {row.high:.4g}]")
    Console().print(table)
    if cal.meta["none_plausible"]:
        Console().print("history matching: no point is plausible (all kept; the model cannot reach the "
                        "observed joining rate over these ranges)")
    Console().print(f"chosen point {cal.chosen}; {len(cal.plausible)} plausible of {len(cal.points)} "
                    f"-> {folder}/ (parameters.yaml, ensemble.csv, design.csv, cv_scores.csv, ...)")


def main(args) -> int:
    """Read the spec and options, run the design over the training wars, cross-validate, write."""
    from sim.analysis.calibration import calibrate, parse_bound
    from sim.analysis.calibration_report import write_calibration
    from sim.execution.output import check_target
    from sim.execution.progress import progress_bar

    if args.rescore:
        return _rescore(args)
    options = _options(args)
    wars = _wars(options)
    _check(options, wars)
    bounds = [parse_bound(text) for text in options["param"]]
    settings = _settings(options)
    out = Path(args.out)
    check_target(out, args.force)
    runs = len(wars) * (settings.points + 1)
    with progress_bar(runs, "calibrate", enabled=not args.quiet and sys.stderr.isatty()) as advance:
        cal = calibrate(bounds, wars, settings, args.workers or None, args.dask, advance)
    folder = write_calibration(cal, out, args.force)
    if not args.quiet:
        _show(cal, folder)
    return 0


def _settings(options: dict):
    """The calibration Settings of merged options (command line, spec, defaults, or a rescored meta)."""
    from sim.analysis.calibration import Settings

    return Settings(int(options["points"]), options["method"], int(options["reps"]), int(options["seed"]),
                    int(options["level"]), str(options["folds"]), float(options["cutoff"]), float(options["discrepancy"]))


def _rescore(args) -> int:
    """`--rescore DIR`: the same design and runs, chosen and cross-validated again."""
    from sim.analysis.calibration import assess
    from sim.analysis.calibration_report import read_design, write_calibration
    from sim.analysis.validation import pick_wars, read_wars
    from sim.execution.output import check_target

    bounds, points, table, meta = read_design(args.rescore)
    given = {k: getattr(args, k) for k in ("folds", "cutoff", "discrepancy") if getattr(args, k) is not None}
    options = {k: meta[k] for k in ("method", "seed", "level", "folds", "cutoff", "discrepancy")} | given
    options |= {"points": len(points) - 1, "reps": meta["replications"], "param": bounds}
    settings = _settings(options)
    wars = pick_wars(read_wars(), [int(n) for n in meta["wars"]])
    _check(options, wars)
    out = Path(args.out)
    check_target(out, args.force)
    kept = {k: meta[k] for k in ("workers", "dask", "wall_time_s", "cpu_seconds_in_wars") if k in meta}
    cal = assess(bounds, points, table, wars, settings, {**kept, "rescored_from": str(args.rescore)})
    folder = write_calibration(cal, out, args.force)
    if not args.quiet:
        _show(cal, folder)
    return 0
