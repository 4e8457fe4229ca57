"""The escalation ladder and a state's choice on it.

The ladder condenses Kahn's 44 rungs (On Escalation, 1965) to eight levels. A state chooses its
next level toward a counterpart among L-1 .. L+2 by a logit (quantal response) rule
(McKelvey & Palfrey 1995, Games and Economic Behavior 10): P(L') is proportional to
exp(U(L') / temperature) with U(L') = -kappa (L' - L*)^2 - cost(L') - inertia |L' - L|.
"""

from __future__ import annotations

import math
from typing import Any

from sim.model.ladder import CLASH, TOP
from sim.scenario.schema import Decision

__all__ = ["desired_level", "level_costs", "choose"]


def desired_level(threat: float, resolve: float) -> float:
    """L* = 7 T^((1 - r) / r): resolve 0.5 maps threat linearly, higher resolve escalates sooner."""
    r = min(max(resolve, 0.05), 0.95)
    return float(TOP) * threat ** ((1.0 - r) / r) if threat > 0 else 0.0


def level_costs(p: Decision, deterred: Any, umbrella: Any, bond: Any, fixed: float = 0.0,
                retaliation: float = 0.0) -> tuple[Any, ...]:
    """cost(L') for L' = 0..7 (each a float, or an array when the arguments are arrays over dyads).

    From level 5 on: war_cost x the other side's share of the local balance x (L' - 4)
    (deterrence by the defender and its allies, counted by reliability), plus breach_cost x the
    bond of a pact the two share, plus a cost that does not depend on the balance
    (Fearon 1995's c: casualties, trade, reputation); from 6 on: nuclear_deterrence x the nuclear
    umbrella over the target; at 7: the nuclear taboo plus the expected retaliation, `retaliation`
    x the umbrella (`sim.model.nuclear`: 1 under a survivable second strike, Waltz 1981).
    """
    war = p.war_cost * deterred + p.breach_cost * bond + fixed
    nuke = p.nuclear_deterrence * umbrella
    return (0.0,) * CLASH + (war, 2 * war + nuke, 3 * war + nuke + p.nuclear_taboo + retaliation * umbrella)


def choose(level: int, desired: float, costs, p: Decision, top: int, u: float) -> int:
    """The next level among L-1 .. L+2 (capped at `top`), drawn by the logit rule with uniform u.

    Written as the compiled kernel computes it (`sim.kernel._kernel`): a square as a product, the weights
    added one by one (Python's sum() adds floats with compensation from 3.12 on).
    """
    low, high = (level - 1 if level > 0 else 0), (level + 2 if level + 2 < top else top)
    if high < low:
        return level
    kappa, inertia, temperature = -p.precision, p.inertia, p.temperature
    utilities = []
    for k in range(low, high + 1):
        d = k - desired
        utilities.append(kappa * (d * d) - costs[k] - inertia * abs(k - level))
    best = max(utilities)
    weights, total = [], 0.0
    for x in utilities:
        weights.append(math.exp((x - best) / temperature))
        total += weights[-1]
    threshold = u * total
    for k, w in enumerate(weights, low):
        threshold -= w
        if threshold < 0:
            return k
    return high
