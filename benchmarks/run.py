"""Benchmark of the engine against the bare SimPy floor: `python benchmarks/run.py [--quick]`.

Prints one table, every figure measured in this run (ratios hold on a noisy machine):
the floor, one replication and its ratio to the floor, replications per second with 1 and 2
workers, time per event of synthetic worlds of 50, 200 and 1,000 states, and peak memory of
a 1,000-replication run and a 10,000-run sweep (each in a child process).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import simpy  # noqa: E402
import yaml  # noqa: E402
from measure import (  # noqa: E402
    floor_seconds,
    model_seconds,
    peak_rss_mb,
    record_tape,
    scaling,
    tension_samples,
    text_seconds,
    throughput,
)
from scenario import BASELINE, benchmark_scenario  # noqa: E402
from synthetic import synthetic_scenario  # noqa: E402

from sim.engine.simulation import Setup  # noqa: E402
from sim.execution.runner import replication_seeds  # noqa: E402
from sim.scenario.schema import Scenario  # noqa: E402

FULL = {"seeds": 10, "throughput_reps": (200, 1000), "scaling_days": 365, "scaling_repeats": 2,
        "memory_reps": (100, 1000), "sweep_points": 100, "sweep_reps": 100, "sweep_days": 30}
QUICK = {"seeds": 3, "throughput_reps": (100,), "scaling_days": 60, "scaling_repeats": 1,
         "memory_reps": (10, 100), "sweep_points": 10, "sweep_reps": 20, "sweep_days": 30}


def machine() -> str:
    """The machine the figures were measured on."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    load = f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return (f"{cpu}, {os.cpu_count()} cores ({load}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, simpy {simpy.__version__}, numpy {np.__version__}")


def floor_and_model(scenario, seeds: int) -> list[tuple[str, str]]:
    """Rows 1-2: the same replications as bare SimPy wake-ups and with the model, interleaved
    (best of 3 of each), as wall time and CPU time."""
    setup = Setup(scenario)
    floor, model, floor_events, model_events = [0.0, 0.0], [0.0, 0.0], 0, 0
    for rep, seed in enumerate(replication_seeds(scenario.seed, seeds)):
        schedules, events = record_tape(setup, seed)
        floors = [floor_seconds(schedules, setup.scenario.horizon_days) for _ in range(3)]
        models = [model_seconds(setup, rep, seed) for _ in range(3)]
        floor = [floor[0] + min(c.wall for c, _ in floors), floor[1] + min(c.cpu for c, _ in floors)]
        model = [model[0] + min(c.wall for c in models), model[1] + min(c.cpu for c in models)]
        floor_events, model_events = floor_events + floors[0][1], model_events + events
    per = lambda pair: f"{1e3 * pair[0] / seeds:.1f} wall, {1e3 * pair[1] / seeds:.1f} CPU"  # noqa: E731
    return [
        ("1. floor: bare SimPy, same processes and wake-ups (ms/replication)",
         f"{per(floor)} ({floor_events // seeds} events)"),
        ("2. model: one replication, 1 worker (ms)", f"{per(model)} ({model_events // seeds} events)"),
        ("   model / floor (target <= 3)", f"{model[0] / floor[0]:.1f} wall, {model[1] / floor[1]:.1f} CPU"),
    ]


def attribution(scenario, seeds: int) -> list[tuple[str, str]]:
    """Row 6: one replication as the CSV text a run writes, without and with sources.csv
    (interleaved, best of 3 of each), and the ratio (the target: at most 1.2)."""
    setup = Setup(scenario)
    off, on = [0.0, 0.0], [0.0, 0.0]
    for rep, seed in enumerate(replication_seeds(scenario.seed, seeds)):
        plain = [text_seconds(setup, rep, seed, False) for _ in range(3)]
        split = [text_seconds(setup, rep, seed, True) for _ in range(3)]
        off = [off[0] + min(c.wall for c in plain), off[1] + min(c.cpu for c in plain)]
        on = [on[0] + min(c.wall for c in split), on[1] + min(c.cpu for c in split)]
    per = lambda pair: f"{1e3 * pair[0] / seeds:.1f} wall, {1e3 * pair[1] / seeds:.1f} CPU"  # noqa: E731
    return [("6. one replication as CSV text, without sources.csv (ms)", per(off)),
            ("   with sources.csv (ms)", per(on)),
            ("   with / without (target <= 1.2)", f"{on[0] / off[0]:.2f} wall, {on[1] / off[1]:.2f} CPU")]


def parallel(scenario, counts: tuple[int, ...]) -> list[tuple[str, str]]:
    """Row 3: replications per second with 1 and 2 workers, the parallel efficiency, and the CPU
    time per replication of each run (main process and workers: what the second worker costs),
    for runs of each size in `counts`; then what starting the pool costs (spawned interpreters
    import numpy, pydantic and the engine): a fixed cost that a short run cannot hide."""
    rows = []
    for reps in counts:
        one, two = throughput(scenario, reps, 1), throughput(scenario, reps, 2)
        ratio = two["per_second"] / one["per_second"]
        load = f", load {os.getloadavg()[0]:.1f} after" if hasattr(os, "getloadavg") else ""
        rows += [(f"3. replications/s, 1 worker ({reps:,} replications)", f"{one['per_second']:.2f}"),
                 ("   replications/s, 2 workers", f"{two['per_second']:.2f}"),
                 ("   2 workers / 1 worker (target >= 1.8)", f"{ratio:.2f} (efficiency {ratio / 2:.0%}{load})"),
                 ("   CPU ms per replication, all processes: 1 worker, 2 workers",
                  f"{1e3 * one['cpu_per_rep']:.0f}, {1e3 * two['cpu_per_rep']:.0f}")]
    start = throughput(scenario, 2, 2)
    rows.append(("   starting 2 workers (a 2-replication run on 2 workers): wall s, CPU s",
                 f"{2 / start['per_second']:.2f}, {2 * start['cpu_per_rep']:.2f}"))
    return rows


def scale(days: float, repeats: int, settings: list[str]) -> list[tuple[str, str]]:
    """Row 4: time per event and events per simulated day of synthetic worlds."""
    rows, base = [], None
    for n in (50, 200, 1000):
        r = scaling(overridden(synthetic_scenario(n, seed=1, horizon_days=days), settings), repeats)
        base = base or r
        rows.append((f"4. {n:>5} states ({days:g} days): us/event wall, CPU; events/day",
                     f"{r['per_event_us']:.1f}, {r['cpu_per_event_us']:.1f}; {r['events_per_day']:.0f}"))
    rows.append(("   1,000 vs 50 states, time per event (target <= 5)",
                 f"{r['per_event_us'] / base['per_event_us']:.2f} wall, "
                 f"{r['cpu_per_event_us'] / base['cpu_per_event_us']:.2f} CPU"))
    t = tension_samples(overridden(synthetic_scenario(1000, seed=1, horizon_days=days), settings))
    rows.append(("   1,000 states: one tension sample (the kernel's tension_of), CPU ms",
                 f"{t['mean_ms']:.2f} (mean of {t['samples']})"))
    return rows


def memory(reps: tuple[int, int], points: int, sweep_reps: int, days: float) -> list[tuple[str, str]]:
    """Row 5: peak resident memory of run_to_folder runs and of a sweep, each in a child process."""
    rows = []
    for n in reps:
        m = peak_rss_mb("from sim.execution.runner import run_to_folder\n"
                        "run_to_folder(benchmark_scenario(), tempfile.mkdtemp() + '/out',"
                        f" replications={n}, workers=2)")
        rows.append((f"5. peak RSS, run_to_folder {n:,} replications, 2 workers: main, largest worker (MB)",
                     f"{m['self_mb']:.0f}, {m['workers_mb']:.0f}"))
    rows.append(sweep_memory(points, sweep_reps, days))
    return rows


def sweep_memory(points: int, reps: int, days: float) -> tuple[str, str]:
    """Peak memory of a grid sweep of `points` x `reps` runs on 2 workers (pending without sim.sweep)."""
    label = f"   peak RSS, sweep of {points * reps:,} runs ({days:g} days), 2 workers: main, largest worker (MB)"
    try:
        import sim.sweeps.api  # noqa: F401
    except ImportError:
        return label, "pending (sim.sweep not yet there)"
    source = repr(str(BASELINE)) if BASELINE.exists() else "__import__('scenario').STAND_IN"
    m = peak_rss_mb("from sim.sweeps.api import sweep\n"
                    f"sweep({source}, {{'parameters.decision.war_cost': [1 + k / 10 for k in range({points})]}},"
                    f" replications={reps}, seed=1, workers=2, overrides={{'horizon_days': {days}}},"
                    " out=tempfile.mkdtemp() + '/sweep')")
    return label, f"{m['self_mb']:.0f}, {m['workers_mb']:.0f}"


def overridden(scenario: Scenario, settings: list[str]) -> Scenario:
    """The scenario with `--set PATH=VALUE` overrides (values read as YAML, as the command line's)."""
    if not settings:
        return scenario
    data = scenario.model_dump(by_alias=True)
    for setting in settings:
        path, sep, value = setting.partition("=")
        if not sep:
            raise SystemExit(f"--set {setting}: expected PATH=VALUE")
        *parents, key = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        node[key] = yaml.safe_load(value)
    return Scenario.model_validate(data)


def main(argv=None) -> int:
    """Measure everything and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer replications, shorter horizons")
    parser.add_argument("--only", choices=("floor", "parallel", "scaling", "memory", "attribution"), action="append",
                        help="measure only these parts (repeatable)")
    parser.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="settings",
                        help="override a scenario value (every measure but memory), as `run --set` does "
                             "(e.g. parameters.decision.fitted_force=true; repeatable)")
    args = parser.parse_args(argv)
    cfg, parts = (QUICK if args.quick else FULL), set(args.only or ("floor", "parallel", "scaling", "memory", "attribution"))
    scenario = overridden(benchmark_scenario(), args.settings)
    print(f"machine: {machine()}\nscenario: {scenario.name}, horizon {scenario.horizon_days:g} days"
          f"{' (quick)' if args.quick else ''}{''.join(' --set ' + s for s in args.settings)}\n", flush=True)
    print("| measure | value |\n| --- | --- |", flush=True)
    steps = [("floor", lambda: floor_and_model(scenario, cfg["seeds"])),
             ("parallel", lambda: parallel(scenario, cfg["throughput_reps"])),
             ("scaling", lambda: scale(cfg["scaling_days"], cfg["scaling_repeats"], args.settings)),
             ("memory", lambda: memory(cfg["memory_reps"], cfg["sweep_points"], cfg["sweep_reps"],
                                       cfg["sweep_days"])),
             ("attribution", lambda: attribution(scenario, cfg["seeds"]))]
    for name, step in steps:
        if name in parts:
            for label, value in step():
                print(f"| {label} | {value} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
