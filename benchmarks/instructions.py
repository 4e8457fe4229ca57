"""A workload to count instructions of, which the load of a shared machine does not change:

    valgrind --tool=callgrind --callgrind-out-file=/dev/null python3 benchmarks/instructions.py base 5
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python3 benchmarks/instructions.py base 0

Each run builds the scenario's Setup and runs one warm-up replication, then `reps` more (`base`:
the benchmark scenario, successive seeds, each with its rows as `run.py`'s model row; `N`: a
synthetic world of N states over 365 days, its first seed again); the difference of the two
counts ("Collected") is `reps` replications. With `floor`, `reps` is a count of floors instead:
5 replications' wake-ups are recorded, then replayed by bare SimPy `reps` times each (so
`floor 1` minus `floor 0` is 5 floors). `--set PATH=VALUE` overrides a scenario value as
`run.py --set` does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from measure import floor_seconds, record_tape  # noqa: E402
from run import overridden  # noqa: E402
from scenario import benchmark_scenario  # noqa: E402
from synthetic import synthetic_scenario  # noqa: E402

from sim.engine.simulation import Setup, Simulation  # noqa: E402
from sim.execution.runner import replication_seeds, run_replication  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", help="base, floor, or a number of states")
    parser.add_argument("reps", type=int)
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="settings")
    args = parser.parse_args(argv)
    synthetic = args.what not in ("base", "floor")
    scenario = synthetic_scenario(int(args.what), seed=1, horizon_days=365) if synthetic else benchmark_scenario()
    setup = Setup(overridden(scenario, args.settings))
    if args.what == "floor":
        for seed in replication_seeds(setup.scenario.seed, 5):
            schedules, _ = record_tape(setup, seed)
            for _ in range(args.reps):
                floor_seconds(schedules, setup.scenario.horizon_days)
        return 0
    seeds = replication_seeds(setup.scenario.seed, args.reps + 1)
    for k in range(args.reps + 1):
        if synthetic:  # as the scaling benchmark runs it
            Simulation(setup, seeds[0]).run()
        else:  # as the floor benchmark's model row runs it: with its rows
            run_replication(setup, k, seeds[k])
    return 0


if __name__ == "__main__":
    sys.exit(main())
