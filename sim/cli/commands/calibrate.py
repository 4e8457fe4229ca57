"""`alliance-sim calibrate`: fit chosen parameters on the COW wars (a Sobol' or Latin-hypercube
design, common random numbers, history matching) and report cross-validated scores.

Writes a parameter file (`run --parameters`) and an ensemble of plausible parameter sets
(`run --parameters-ensemble`). Wars 106 and 139 are held out. See docs/validation.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sim.execution.backends import WORKERS_RULE
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
    parser.add_argument("--workers", type=int, default=1, help=WORKERS_RULE)
    parser.add_argument("--dask", metavar="local|tcp://HOST:PORT", help="run on Dask instead of local processes")
    parser.add_argument("--quick", action="store_true", help="a small budget for tests: " + str(QUICK))
    parser.add_argument("--rescore", metavar="DIR", help="rescore the design of an earlier calibration (its --out "
                        "folder) with other --folds, --cutoff or --discrepancy, without simulating again")
    parser.add_argument("--out", default="results/calibration", help="output folder (default results/calibration)")
    parser.add_argument("--force", action="store_true", help="replace an existing output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    parser.add_argument("--max-runs", type=int, default=None, metavar="N",
                        help="allow more war runs (wars x points x replications) than the default limit of 200,000")


def _check_command_line(args) -> None:
    """Options that no spec sets: workers and the run limit."""
    from sim.scenario.errors import InputError, InputErrors

    problems = [InputError(f"{flag} must be {rule}, got {value}", flag) for flag, value, rule, ok in (
        ("--workers", args.workers, "0 or more", args.workers >= 0),
        ("--max-runs", args.max_runs, "at least 1", args.max_runs is None or args.max_runs >= 1)) if not ok]
    if problems:
        raise InputErrors(problems)


def _spec(path: str | None) -> tuple[dict, dict]:
    """The spec file's options and `parameters` as `PATH=LOW:HIGH` texts (under `param`), and where
    each was written (key -> file, line, column); ({}, {}) without a spec."""
    from sim.scenario.errors import InputErrors, suggest
    from sim.scenario.yamlsource import error_at, find_mark, read_yaml

    if path is None:
        return {}, {}
    doc = read_yaml(Path(path))
    unknown = [key for key in doc.data if key not in DEFAULTS and key != "parameters"]
    allowed = ["parameters", *DEFAULTS]
    problems = [error_at(doc.marks, (key,), f"unknown key '{key}'{suggest(str(key), allowed)}; allowed: "
                                            f"{', '.join(allowed)}") for key in unknown]
    params = doc.data.pop("parameters", None) or {}
    if not isinstance(params, dict):
        problems.append(error_at(doc.marks, ("parameters",), "give `parameters: {PATH: [LOW, HIGH], ...}`"))
        params = {}
    texts, marks = [], {key: find_mark(doc.marks, (key,)) for key in doc.data}
    for name, span in params.items():
        ok = isinstance(span, list) and len(span) == 2 and all(_real(x) for x in span)
        if not ok:
            problems.append(error_at(doc.marks, ("parameters", name), "give the range as [LOW, HIGH], two numbers"))
            continue
        texts.append(f"{name}={span[0]}:{span[1]}")
        marks[texts[-1]] = find_mark(doc.marks, ("parameters", name))
    if problems:
        raise InputErrors(problems)
    if texts:
        doc.data["param"] = texts
    return {k: v for k, v in doc.data.items() if k not in unknown}, marks


def _real(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _options(args) -> tuple[dict, dict]:
    """Command line over --quick over the spec over the defaults, and where each option was given
    (an option name, or the spec's file, line and column)."""
    spec, marks = _spec(args.spec)
    merged = {**DEFAULTS, **{k: v for k, v in spec.items() if k != "param"}, **(QUICK if args.quick else {})}
    where = {k: marks[k] for k in spec if k in marks}
    where.update({k: ("--quick", None, None) for k in (QUICK if args.quick else {})})
    given = {k: getattr(args, k) for k in DEFAULTS if getattr(args, k) is not None}
    merged.update(given)
    where.update({k: (f"--{k}", None, None) for k in given})
    merged["param"] = args.param or spec.get("param") or []
    where.update({text: ("--param", None, None) for text in args.param} if args.param else
                 {text: marks.get(text) for text in merged["param"]})
    return merged, where


def _at(where: dict, key: str, message: str):
    """An InputError about option `key`, placed where it was given (default: the option's name)."""
    from sim.scenario.errors import InputError

    file, line, column = where.get(key) or (f"--{key}", None, None)
    return InputError(message, file, line, column)


def _relocated(where: dict, key: str, call):
    """`call()`, its InputErrors moved to where option `key` was given."""
    from sim.scenario.errors import InputErrors

    try:
        return call()
    except InputErrors as exc:
        raise InputErrors([_at(where, key, e.message) for e in exc.errors]) from None


def _wars(options: dict, where: dict) -> list:
    """The training wars (never 106 or 139: they are not in read_wars, and naming them is an error)."""
    from sim.cli.commands.validation import _wars as numbers
    from sim.history.validation import pick_wars, read_wars
    from sim.scenario.errors import InputErrors

    text = options["wars"]
    if text is not None and (not isinstance(text, (str, int)) or isinstance(text, bool)):
        raise InputErrors(_at(where, "wars", "give war numbers separated by commas, e.g. '1,4,7'"))
    chosen = _relocated(where, "wars", lambda: numbers(None if text is None else str(text)))
    wars = _relocated(where, "wars", lambda: pick_wars(read_wars(), chosen))
    return [w for w in wars if options["era"] is None or w.era == options["era"]]


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _finite(value: object) -> bool:
    import math

    return _real(value) and math.isfinite(float(value))  # type: ignore[arg-type]


def _check_types(options: dict, where: dict) -> None:
    """Each option of the right kind and range, before the wars are read (else InputErrors at its place)."""
    from sim.history.validation import ERAS
    from sim.scenario.errors import InputErrors

    folds = str(options["folds"])
    rules = (
        ("points", "an integer of at least 2", _integer(options["points"]) and options["points"] >= 2),
        ("reps", "an integer of at least 1", _integer(options["reps"]) and options["reps"] >= 1),
        ("seed", "an integer of 0 or more", _integer(options["seed"]) and options["seed"] >= 0),
        ("level", "5 (mobilisation) or 6 (war)", options["level"] in (5, 6) and _integer(options["level"])),
        ("method", "sobol or lhs", options["method"] in ("sobol", "lhs")),
        ("era", f"one of {', '.join(e[0] for e in ERAS)}", options["era"] in (None, *(e[0] for e in ERAS))),
        ("folds", "`era` or an integer K of 2 or more",
         isinstance(options["folds"], (str, int)) and not isinstance(options["folds"], bool)
         and (folds == "era" or folds.isdigit() and int(folds) >= 2)),
        ("cutoff", "a finite number above 0 (implausibility cut-off; default 3)",
         _finite(options["cutoff"]) and options["cutoff"] > 0),
        ("discrepancy", "a finite number of 0 or more (fraction of the joining rate; default 0.25)",
         _finite(options["discrepancy"]) and options["discrepancy"] >= 0),
    )
    problems = [_at(where, key, f"{key}: give {rule}, got {options[key]!r}") for key, rule, ok in rules if not ok]
    if problems:
        raise InputErrors(problems)


def _check(options: dict, wars: list, where: dict, max_runs: int | None = None) -> None:
    """What needs the wars: at least two, no more folds than wars, a budget within the limit."""
    from sim.execution.limits import MAX_RUNS, check_total
    from sim.scenario.errors import InputError, InputErrors

    problems = []
    if not options["param"]:
        problems.append(_at(where, "parameters", "give at least one --param PATH=LOW:HIGH (or `parameters:` "
                                                 "in --spec)"))
    if len(wars) < 2:
        problems.append(_at(where, "wars", f"give at least 2 wars to train on, got {len(wars)}"))
    folds = str(options["folds"])
    if folds.isdigit() and int(folds) > len(wars) >= 2:
        problems.append(_at(where, "folds", f"{folds} folds of {len(wars)} wars: give at most one fold a war"))
    if folds == "era" and len({w.era for w in wars}) == 1 and len(wars) >= 2:
        problems.append(_at(where, "folds", f"the wars are all of one era ({wars[0].era}): leaving one era out "
                                            "leaves nothing to train on; give --folds K (e.g. 3)"))
    if problems:
        raise InputErrors(problems)
    key = next((k for k in ("points", "reps", "wars") if k in where), "points")
    file, line, column = where.get(key) or (f"--{key}", None, None)
    check_total(f"this calibration would simulate {len(wars)} wars x {int(options['points']) + 1} points x "
                f"{options['reps']} replications", len(wars) * (int(options["points"]) + 1) * int(options["reps"]),
                MAX_RUNS if max_runs is None else max_runs, "fewer --points, --reps or wars, or allow it with "
                "--max-runs", InputError("", file, line, column))


def _bounds(options: dict, where: dict) -> list:
    """The --param ranges (checked against the schema), each path once."""
    from sim.history.calibration import parse_bound
    from sim.scenario.errors import InputErrors

    bounds = [_relocated(where, text, lambda text=text: parse_bound(text)) for text in options["param"]]
    paths = [b.path for b in bounds]
    twice = sorted({p for p in paths if paths.count(p) > 1})
    if twice:
        raise InputErrors([_at(where, text, f"{path} is given twice: give each parameter one range")
                           for path in twice for text in options["param"][paths.index(path):][:1]])
    return bounds


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
    from sim.execution.output import check_target
    from sim.execution.progress import progress_bar
    from sim.history.calibration import calibrate
    from sim.history.calibration_report import write_calibration

    _check_command_line(args)
    if args.rescore:
        return _rescore(args)
    options, where = _options(args)
    _check_types(options, where)
    wars = _wars(options, where)
    _check(options, wars, where, args.max_runs)
    bounds = _bounds(options, where)
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
    from sim.history.calibration import Settings

    return Settings(int(options["points"]), options["method"], int(options["reps"]), int(options["seed"]),
                    int(options["level"]), str(options["folds"]), float(options["cutoff"]), float(options["discrepancy"]))


def _rescore(args) -> int:
    """`--rescore DIR`: the same design and runs, chosen and cross-validated again."""
    import sys as system

    from sim.execution.output import check_target
    from sim.history.calibration import assess
    from sim.history.calibration_report import read_design, write_calibration
    from sim.history.validation import pick_wars, read_wars

    bounds, points, table, meta = read_design(args.rescore)
    given = {k: getattr(args, k) for k in ("folds", "cutoff", "discrepancy") if getattr(args, k) is not None}
    options = {k: meta[k] for k in ("method", "seed", "level", "folds", "cutoff", "discrepancy")} | given
    options |= {"points": len(points) - 1, "reps": meta["replications"], "param": bounds, "era": None}
    where = {k: (str(Path(args.rescore) / "meta.json"), None, None) for k in [*options, "wars"]} | {
        k: (f"--{k}", None, None) for k in given}
    _check_types(options, where)
    wars = _relocated(where, "wars", lambda: pick_wars(read_wars(), [int(n) for n in meta["wars"]]))
    _check(options, wars, where, max_runs=system.maxsize)  # nothing is simulated again
    settings = _settings(options)
    out = Path(args.out)
    check_target(out, args.force)
    kept = {k: meta[k] for k in ("workers", "dask", "wall_time_s", "cpu_seconds_in_wars") if k in meta}
    cal = assess(bounds, points, table, wars, settings, {**kept, "rescored_from": str(args.rescore)})
    folder = write_calibration(cal, out, args.force)
    if not args.quiet:
        _show(cal, folder)
    return 0
