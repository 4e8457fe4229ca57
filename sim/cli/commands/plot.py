"""`alliance-sim plot DIR`: PNG figures of a run or a sweep, optionally with a second one overlaid."""

from __future__ import annotations

import argparse
from pathlib import Path

from sim.scenario.errors import InputError, InputErrors

HELP = "draw PNG figures of a run folder or a sweep folder (tension, ladder, entry, cascade, sweeps)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The folder, where to write, which replication's cascade, and a second folder to overlay."""
    parser.add_argument("folder", metavar="RUN_OR_SWEEP_DIR", help="output folder of run or sweep")
    parser.add_argument("--out", metavar="DIR", help="where to write the PNGs (default: DIR/plots)")
    parser.add_argument("--rep", type=int, help="replication whose cascade to draw "
                        "(default: a typical one, at the median number of belligerents)")
    parser.add_argument("--states", metavar="S,...", help="states whose tension to draw "
                        "(default: the watched states, then the most tense)")
    parser.add_argument("--compare", metavar="OTHER_DIR", help="a second run or sweep to overlay (B)")


def _kind(folder: Path) -> str:
    if (folder / "runs.csv").is_file():
        return "sweep"
    if any((folder / f"{t}.csv").is_file() for t in ("summary", "events", "tension", "states")):
        return "run"
    raise InputErrors(InputError("neither a run folder (summary.csv, events.csv, ...) "
                                 "nor a sweep folder (runs.csv)", str(folder)))


def main(args: argparse.Namespace) -> int:
    """Draw every figure the folder's tables allow and print the files written."""
    from sim.execution.orphans import target_lock
    from sim.execution.output import usable_target
    from sim.plot import (  # matplotlib and pandas only when plotting
        save_run,
        save_sweep,
    )

    folder = Path(args.folder)
    if not folder.is_dir():
        raise InputErrors(InputError("no such folder", str(folder)))
    kind = _kind(folder)
    if args.compare and _kind(Path(args.compare)) != kind:
        raise InputErrors(InputError(f"--compare needs a {kind} folder like {folder}", args.compare))
    if kind == "sweep" and args.rep is not None:
        raise InputErrors(InputError("--rep picks a run's cascade; a sweep folder has none", path="--rep"))
    out = usable_target(Path(args.out) if args.out else folder / "plots")  # never a file or device
    if kind == "sweep" and args.states:
        raise InputErrors(InputError("--states picks a run's tension panels; a sweep folder has none", path="--states"))
    out.parent.mkdir(parents=True, exist_ok=True)
    with target_lock(out):  # one plot command writing there at a time
        if kind == "sweep":
            save_sweep(folder, out, other=args.compare, progress=_progress)
            return 0
        states = [s.strip() for s in args.states.split(",") if s.strip()] if args.states else None
        written = save_run(folder, out, rep=args.rep, other=args.compare, states=states)
    for file in written:
        print(file)
    return 0


def _progress(done: int, total: int, file: Path) -> None:
    """Each figure as it is written, with how many are left (a sampled sweep draws dozens)."""
    print(f"[{done}/{total}] {file}", flush=True)
