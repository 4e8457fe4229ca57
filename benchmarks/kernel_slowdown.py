"""How many times slower the plain-Python kernel is than the compiled one (sim.kernel.SLOWDOWN).

Runs each scenario's replications in one process with each kernel (a fresh interpreter per kernel,
`ALLIANCE_SIM_KERNEL=python` for the reference) and prints the CPU seconds and their ratio. CPU
time, not wall time: on a shared machine the wall time mostly measures the other processes.

    python benchmarks/kernel_slowdown.py [--reps 10] [SCENARIO ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

CHILD = """
import sys, time
import sim
scenario = sim.load_scenario(sys.argv[1])
sim.run(scenario, replications=1, seed=1, workers=1)  # warm-up: imports, world set-up
start = time.process_time()
sim.run(scenario, replications=int(sys.argv[2]), seed=1, workers=1)
print(time.process_time() - start)
"""


def cpu_seconds(scenario: str, reps: int, kernel: str) -> float:
    env = {**os.environ, "ALLIANCE_SIM_KERNEL": kernel, "ALLIANCE_SIM_KERNEL_WARNED": "1"}
    out = subprocess.run([sys.executable, "-c", CHILD, scenario, str(reps)], env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=["baseline_2022", "taiwan_strait_war"])
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    print("scenario,compiled_cpu_s,reference_cpu_s,ratio")
    for scenario in args.scenarios:
        fast, slow = cpu_seconds(scenario, args.reps, "compiled"), cpu_seconds(scenario, args.reps, "python")
        print(f"{scenario},{fast:.3f},{slow:.2f},{slow / fast:.0f}")


if __name__ == "__main__":
    main()
