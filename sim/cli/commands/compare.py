"""`alliance-sim compare A B`: the difference of every shared metric, with an interval and a test."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sim.analysis.compare import FORMATS, brief, compare, compare_by, render
from sim.analysis.ensemble_variance import ensemble_sets, render_split, variance_split
from sim.scenario.errors import InputError, InputErrors

HELP = ("compare two result sets (or a sweep's values against a reference), metric by metric; "
        "every difference is B - A (positive: higher in B), so give the baseline as A")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Positional A (and B), the metric choice, grouping of a sweep, output and test settings."""
    parser.add_argument("a", metavar="A",
                        help="the reference (e.g. the baseline): run folder, its summary.csv, or a sweep's runs.csv")
    parser.add_argument("b", metavar="B", nargs="?",
                        help="the case compared with A (differences are B - A): run folder or summary.csv (omit with --by)")
    parser.add_argument("--metrics", help="comma-separated metrics (default: all both sides share)")
    parser.add_argument("--by", metavar="PARAM", help="swept parameter of A's runs.csv to group by")
    parser.add_argument("--ref", metavar="VALUE", help="with --by: the reference value of PARAM")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format")
    parser.add_argument("--brief", action="store_true",
                        help="only what changed: differences significant after adjustment or of at least a small "
                        "effect, and one line counting the rest")
    parser.add_argument("--out", metavar="FILE", help="write the report here instead of stdout")
    parser.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    parser.add_argument("--adjust", choices=("holm", "bh"), default="holm",
                        help="multiple-comparison adjustment: holm (default) or bh")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")


def _check(args: argparse.Namespace) -> None:
    errors = []
    if args.by and args.b:
        errors.append(InputError("with --by give one sweep (runs.csv), not B", path="B"))
    if args.by and args.ref is None:
        errors.append(InputError("--by needs --ref VALUE, the value to compare against", path="--ref"))
    if not args.by and not args.b:
        errors.append(InputError("give two result sets A B, or one sweep with --by PARAM --ref VALUE"))
    if args.ref is not None and not args.by:
        errors.append(InputError("--ref only makes sense with --by PARAM", path="--ref"))
    if args.seed < 0:
        errors.append(InputError(f"--seed must be 0 or more, got {args.seed}", "command line"))
    if args.out:
        errors += _out_problems(Path(args.out))
    if errors:
        raise InputErrors(errors)


def _out_problems(out: Path) -> list[InputError]:
    """`--out` must name a file (not a folder) in an existing folder."""
    if out.is_dir():
        return [InputError("is a folder: give the name of a file to write the report to", str(out))]
    parent = out.parent
    if not parent.is_dir():
        what = "is a file, not a folder" if parent.exists() else "does not exist: make it first"
        return [InputError(f"the folder '{parent}' {what}", str(out))]
    return []


def main(args: argparse.Namespace) -> int:
    """Compare, render, print or write; 0 whatever the outcome of the tests."""
    _check(args)
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()] if args.metrics else None
    options = dict(metrics=metrics, alpha=args.alpha, adjust=args.adjust, seed=args.seed)
    if args.by:
        report = compare_by(args.a, args.by, args.ref, **options)
    else:
        report = compare(args.a, args.b, **options)
    if args.brief:
        report = brief(report)
    text = render(report, args.format)
    if args.format == "table":
        text += "".join(render_split(side, variance_split(side, metrics)) for side in (args.a, args.b)
                        if side and ensemble_sets(side) is not None)
    if args.out:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
