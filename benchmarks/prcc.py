"""Which parameter decides whether a new war breaks out? Partial rank correlation (PRCC) of each
model parameter with P(new clash) on the 2022 baseline over a Latin hypercube of the documented
ranges (docs/model.md, "Temperature as a residual").

Design: a Latin hypercube (McKay, Beckman & Conover 1979, Technometrics 21(2); scipy.stats.qmc)
of `--points` points over the ranges below (the ranges of docs/model.md, "Parameters", the same
ones tests/test_motives.py checks end to end), `--reps` replications of one year at each point;
the response is the share of replications with a new armed clash (`t_first_clash`). PRCC
(Marino, Hogue, Ray & Kirschner 2008, J. Theor. Biol. 254(1)): rank every column, regress each
parameter's ranks and the response's ranks on the other parameters' ranks, correlate the residuals.

    python3 benchmarks/prcc.py                  # 512 points x 4 replications, 1 year, seed 2022 (docs/model.md)
    python3 benchmarks/prcc.py --points 64      # the budget the issue suggested (too few clashes to rank)
    python3 benchmarks/prcc.py --response mean_tension   # a continuous response
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.execution.runner import run  # noqa: E402
from sim.scenario.ranges import DOCUMENTED_RANGES  # noqa: E402
from sim.sweeps.design import range_points, sample  # noqa: E402
from sim.sweeps.points import apply_point  # noqa: E402

COLUMNS = ("decision.temperature", "decision.war_cost", "decision.inertia", "decision.precision",
           "perception.misperception", "perception.escalation_gain", "perception.distance_half_km",
           "perception.intent_half_life_days", "perception.hostility_bias", "motives.stake_weight",
           "motives.csf_exponent", "motives.optimism", "motives.pressure", "motives.odb", "motives.first_strike",
           "motives.nuclear_shadow", "motives.war_fixed_cost", "termination.burden", "termination.capitulation",
           "termination.learning_days", "nuclear.small_arsenal", "nuclear.warheads_half", "nuclear.retaliation",
           "nuclear.desperation", "perception.bloc_aggregation", "perception.perceive_threshold",
           "perception.encirclement", "termination.mutual_optimism")
"""The design's column order, as published in docs/model.md (the Latin hypercube depends on it)."""
RANGES = {name: DOCUMENTED_RANGES[name] for name in COLUMNS}
"""Documented range of each parameter (the registry, sim/scenario/ranges.py); tests/test_motives.py runs both ends."""


def design(points: int, seed: int) -> np.ndarray:
    """A Latin hypercube scaled to `RANGES`, one row per point, one column per parameter (the
    sweeps' generator; the integer seed goes to scipy as it is, as the published table's did)."""
    return range_points(sample("lhs", points, len(RANGES), seed), list(RANGES.values()))


def response(values: np.ndarray, reps: int, seed: int, column: str = "clash") -> float:
    """P(new clash): the share of `reps` one-year replications of the baseline with a new armed
    clash; or the mean of another summary column (`--response mean_tension`)."""
    point = {f"parameters.{name}": float(v) for name, v in zip(RANGES, values)}
    scenario = apply_point(ROOT / "scenarios" / "baseline_2022.yaml", point)
    summary = run(scenario, replications=reps, seed=seed, horizon=365.0).frame("summary")
    if column == "clash":
        return float(summary.t_first_clash.notna().mean())
    return float(summary[column].mean())


def prcc(x: np.ndarray, y: np.ndarray) -> list[tuple[float, float]]:
    """(PRCC, p-value) of each column of x with y, on ranks (scipy.stats.rankdata, pearsonr)."""
    rx, ry = np.column_stack([stats.rankdata(c) for c in x.T]), stats.rankdata(y)
    out = []
    for k in range(x.shape[1]):
        others = np.column_stack([np.ones(len(y)), np.delete(rx, k, axis=1)])
        res_x = rx[:, k] - others @ np.linalg.lstsq(others, rx[:, k], rcond=None)[0]
        res_y = ry - others @ np.linalg.lstsq(others, ry, rcond=None)[0]
        r = stats.pearsonr(res_x, res_y)
        out.append((float(r.statistic), float(r.pvalue)))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the design and print the table (markdown), parameters by |PRCC|."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--points", type=int, default=512)
    ap.add_argument("--reps", type=int, default=4)
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--response", default="clash", help="clash (P(new clash)) or a summary column, e.g. mean_tension")
    args = ap.parse_args(argv)
    x = design(args.points, args.seed)
    y = np.array([response(row, args.reps, args.seed + k, args.response) for k, row in enumerate(x)])
    print(f"{args.points} points x {args.reps} replications, 1 year; response {args.response}: mean {y.mean():.3f}, "
          f"points above 0: {int((y > 0).sum())} of {len(y)}\n")
    print("| parameter | range | PRCC | p |\n|---|---|---:|---:|")
    table = sorted(zip(RANGES, prcc(x, y)), key=lambda t: -abs(t[1][0]))
    for name, (r, p) in table:
        print(f"| {name} | {RANGES[name][0]:g}-{RANGES[name][1]:g} | {r:+.2f} | {p:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
