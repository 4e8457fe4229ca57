"""Sweep from Python: how the cost of war and the Quad's reliability shape a crisis around China.

Run from the repository root:

    python scenarios/sweeps/example_script.py [--workers N] [--dask local|tcp://HOST:PORT]
                                              [--replications N] [--horizon DAYS]

`sim.sweep` takes the same scenario, parameters and designs as a sweep file. Worker processes
start by importing this file anew, so the work must sit under `if __name__ == "__main__":`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sim

SCENARIO = Path(__file__).resolve().parent.parent / "quad_defence_pact.yaml"


def main() -> None:
    """Sweep two parameters on a grid and print each point's mean highest level with its interval."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    parser.add_argument("--dask", help="a Dask scheduler address, or 'local' for a LocalCluster")
    parser.add_argument("--replications", type=int, default=20)
    parser.add_argument("--horizon", type=float, help="days to simulate (default: the scenario's)")
    args = parser.parse_args()
    fixed = {"alliances.QUAD.type": "defence"}  # as a sweep file's `set:`
    if args.horizon:
        fixed["horizon_days"] = args.horizon
    result = sim.sweep(
        SCENARIO,
        parameters={
            "alliances.QUAD.reliability": [0.25, 0.75],
            "parameters.decision.war_cost": [1.0, 2.0, 4.0],
        },
        overrides=fixed,
        replications=args.replications, seed=1, workers=args.workers, client=_client(args.dask),
    )
    columns = ["alliances.QUAD.reliability", "parameters.decision.war_cost", "n",
               "max_level_mean", "max_level_ci_low", "max_level_ci_high"]
    print(result.points[columns].to_string(index=False))


def _client(address: str | None):
    """A Dask client when asked for one (`pip install ".[dask]"`), else None: local processes."""
    if address is None:
        return None
    from distributed import Client, LocalCluster

    return Client(LocalCluster(threads_per_worker=1) if address == "local" else address)


if __name__ == "__main__":
    main()
