"""One tension sample at 1,000 states, with and without passing over the unmoved columns.

Runs one replication of the scaling row's 1,000-state synthetic world (`synthetic_scenario(1000,
seed=1)`), keeps intent as it stood at a few sampling days, then times the kernel's `tension_of`
on each: as it runs (the bloc members of columns with no intent above the floor passed over) and
with every column marked as moved (every member's extras taken, as before that pass), alternately,
best of `--repeats` each, CPU time. Both give the same bits (checked here too).

    python benchmarks/tension_sample.py [--days 14 182 364] [--repeats 15]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from measure import Setup, Simulation, replication_seeds  # noqa: E402
from synthetic import synthetic_scenario  # noqa: E402

from sim.engine.intent import Intent  # noqa: E402


def snapshots(days: list[float]) -> dict[float, tuple[Intent, tuple]]:
    """Intent (a copy) and the other arguments of `Intent.tension` at each sampling day in `days`."""
    scenario = synthetic_scenario(1000, seed=1, horizon_days=max(days) + 1)
    sim = Simulation(Setup(scenario), replication_seeds(scenario.seed, 1)[0])
    intent, tension, kept = sim.intent, sim.intent.tension, {}

    def keep(share, t, alone=None, bloc=None, floor=0.0, aggregation=0.0):
        if t in days:
            copy = Intent(intent.baseline, 1.0)
            for name in ("dev", "strength", "cause", "epoch", "moved", "top"):
                getattr(copy, name)[...] = getattr(intent, name)
            copy.rate = intent.rate
            kept[t] = (copy, (share.copy(), t, alone.copy(), bloc.copy(), floor, aggregation))
        return tension(share, t, alone, bloc, floor, aggregation)

    sim.intent.tension = keep  # type: ignore[method-assign]
    sim.run()
    return kept


def best_ms(intent: Intent, args: tuple) -> tuple[float, np.ndarray]:
    start = time.thread_time()
    out = intent.tension(*args)
    return 1e3 * (time.thread_time() - start), out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, nargs="+", default=[14.0, 182.0, 364.0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    print("day,moved_columns,passing_over_ms,every_column_ms,ratio")
    for t, (intent, call) in sorted(snapshots(args.days).items()):
        moved, now, before = intent.moved.copy(), float("inf"), float("inf")
        for _ in range(args.repeats):
            intent.moved[...] = moved
            ms, out = best_ms(intent, call)
            now = min(now, ms)
            intent.moved[...] = 1
            ms, dense = best_ms(intent, call)
            before = min(before, ms)
            if not np.array_equal(out, dense):
                raise SystemExit(f"day {t:g}: the two samples differ")
        print(f"{t:g},{int(moved.sum())},{now:.3f},{before:.3f},{now / before:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
