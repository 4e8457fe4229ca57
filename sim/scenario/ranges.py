"""The documented range of each model parameter (docs/model.md, "Parameters"): the range over which
results were checked. The test that no parameter decides by itself runs both ends of each range
(tests/test_motives.py), and benchmarks/prcc.py draws its Latin hypercube over them, so the two
read one table."""

from __future__ import annotations

__all__ = ["DOCUMENTED_RANGES", "YEAR_WORLD_RANGES"]

DOCUMENTED_RANGES: dict[str, tuple[float, float]] = {
    "decision.temperature": (0.1, 0.5), "decision.war_cost": (2.0, 12.0), "decision.inertia": (0.5, 2.0),
    "decision.precision": (0.5, 2.0), "perception.misperception": (0.0, 0.6),
    "perception.escalation_gain": (0.25, 0.75), "perception.distance_half_km": (1000.0, 8000.0),
    "perception.intent_half_life_days": (30.0, 365.0), "perception.hostility_bias": (0.0, 0.5),
    "motives.stake_weight": (0.0, 8.0),
    "motives.csf_exponent": (0.5, 2.0), "motives.optimism": (0.0, 1.0), "motives.pressure": (0.0, 4.0),
    "motives.odb": (0.0, 0.3), "motives.first_strike": (0.0, 12.0), "motives.nuclear_shadow": (0.5, 1.0),
    "motives.war_fixed_cost": (3.0, 8.0), "termination.burden": (0.05, 1.0),
    "termination.capitulation": (0.6, 1.0), "termination.learning_days": (30.0, 730.0),
    "nuclear.small_arsenal": (0.25, 1.0), "nuclear.warheads_half": (10.0, 200.0), "nuclear.retaliation": (6.0, 24.0),
    "nuclear.desperation": (0.0, 1.0),
}

YEAR_WORLD_RANGES: dict[str, tuple[float, float]] = {
    "motives.rivalry_stake": (0.0, 1.0), "motives.positional_stake": (0.0, 1.0),
}
"""Parameters that act only in the worlds of any year (`cow_YYYY`: the claims of their rivalries,
`sim.scenario.yearworld.RIVALRY_CLAIMS`) and the range checked for each: the peacetime fit
(`alliance-sim peacetime --fit`, sim/analysis/peacefit.py) runs its whole grid over it. They are kept
out of :data:`DOCUMENTED_RANGES`, whose checks run the 2022 baseline, where they change nothing, and
whose Latin hypercube (benchmarks/prcc.py) a new column would redraw."""
