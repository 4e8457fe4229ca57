"""Who the fitted joining decision expects to join a war, and why.

For a war that `attacker` opens against `target` (on the target's homeland, or on its territory
named `location`) in a scenario's world as it stands when the scenario opens, each other state's
chance of joining each side by the war's end, p = logistic(b0 + b . clip(x)), is the one the
simulator's joining decision reaches over the war (`sim.model.joining`; docs/model.md, "Joining"):
the same covariates (the treaty terms are the obligations the attack invokes where it falls), the
same coefficients (the scenario's `parameters.joining.coefficients`, else the shipped fit), held
to the record's range as the simulator holds them. Beside p: the chance of an entry on the war's
first day (p q) and within 30 days (p G(30)) under the scenario's delay law, and each term's share
of the log-odds (its coefficient times its clipped covariate), so that a reader sees what carries a
candidate: its treaty, its distance, a rivalry, its border.

What it does not know: the war's course. In a run, a state already at war takes no decision, the
war may end before the delayed entries come, and the treaty terms of a war follow where its first
blow actually fell; the chances here are those of the decision taken on the war's first day in a
world where no other war is under way.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.model.joining import COVARIATES
from sim.scenario.errors import InputError, InputErrors, suggest

__all__ = ["TERMS", "GROUPS", "explain", "carried_by"]

TERMS = ("const", *COVARIATES)
"""The equation's terms, const first."""
GROUPS = {"reach": ("log_km", "major", "major_x_log_km"),  # distance, and a major power's reach over it
          "treaty": ("owes_side", "owes_other", "owes_both", "owes_regime_change"),
          "rivalry": ("rival_side", "rival_other"),
          "side": ("share_side", "major_side", "major_ally_side"),  # who the side is and who backs it
          "regime": ("regime_diff",), "border": ("land_other",), "nuclear": ("nuclear_other",),
          "fighting": ("war_other", "war_third")}
"""The terms summed by what they read, for `carried_by` (every covariate once)."""


def _state(world, ref: str, what: str) -> int:
    if ref not in world.index:
        hint = suggest(ref, list(world.index)) or " (`alliance-sim states --world NAME` lists a world's states)"
        raise InputErrors(InputError(f"{ref!r} is not a state of the scenario's world{hint}", path=what))
    return world.index[ref]


def explain(scenario, attacker: str, target: str, location: str | None = None) -> pd.DataFrame:
    """One row per (candidate, side): `state`, `side` (the party it would join), `against`, `p` (by
    the war's end), `first_day` (p q), `within_30_days` (p G(30)), `either` (the chance of joining
    either side, the two decisions independent) and one column of log-odds per term (`TERMS`),
    whose sum is logit(p). Sorted by `either`, then `p`, largest first."""
    from sim.engine.simulation import Setup, Simulation
    from sim.execution.runner import replication_seeds
    from sim.model import joining

    setup = Setup(scenario)
    sim = Simulation(setup, replication_seeds(scenario.seed, 1)[0])
    world = sim.world
    a, b = _state(world, attacker, "attacker"), _state(world, target, "target")
    if a == b:
        raise InputErrors(InputError(f"a state cannot attack itself ({attacker})", path="target"))
    try:
        place = world.place(b, location)
    except KeyError:
        names = sorted(loc for (state, loc) in world.territories if state == b)
        raise InputErrors(InputError(f"{target} has no territory {location!r}"
                                     + (f" (its territories: {', '.join(names)})" if names else " (it has none)"),
                                     path="--at")) from None
    params = scenario.parameters.joining
    coef = joining.equation(params)
    low, high = coef.support()
    power = sim.forces.power
    st = joining.setting_now(sim, scenario, setup.joining)
    shape, scale = joining.delay_law(params)
    q = float(params.entry_first_day_share)
    by_30 = 1.0 - (1.0 - q) * math.exp(-((30.0 / scale) ** shape))
    owes = joining.owed(sim, a, b, place), joining.owed(sim, b, a, place)
    frames = []
    for party, other, (side, against) in ((a, b, owes), (b, a, owes[::-1])):
        fighting = np.zeros(world.n, dtype=bool)  # who is at war with `other`: the party alone
        fighting[party] = True
        x = joining.covariates(st, party, other, power, fighting, (side, against), np.zeros(world.n, dtype=bool))
        parts = np.column_stack([np.full(world.n, coef.values[0]), np.clip(x, low, high) * coef.values[1:]])
        p = joining.probability(x, coef)
        frame = pd.DataFrame(parts, columns=list(TERMS))
        frame.insert(0, "state", world.ids)
        frame.insert(1, "side", world.ids[party])
        frame.insert(2, "against", world.ids[other])
        frame.insert(3, "p", p)
        frame.insert(4, "first_day", p * q)
        frame.insert(5, "within_30_days", p * by_30)
        frames.append(frame.drop(index=[a, b]))
    both = pd.concat(frames, ignore_index=True)
    wide = both.pivot(index="state", columns="side", values="p")
    either = pd.Series(joining.any_side(wide[world.ids[a]].to_numpy(), wide[world.ids[b]].to_numpy()), index=wide.index)
    both.insert(6, "either", both["state"].map(either))
    return both.sort_values(["either", "p", "state"], ascending=[False, False, True], kind="mergesort",
                            ignore_index=True)


def carried_by(row: pd.Series, most: int = 3) -> str:
    """What adds most to a row's log-odds beyond the constant, by :data:`GROUPS` (the sum of each
    group's terms), largest in size first (`treaty +2.04, reach -1.67`); those of no effect left out."""
    sums = pd.Series({name: float(row[list(terms)].astype(float).sum()) for name, terms in GROUPS.items()})
    sums = sums[sums.abs() > 0.005].sort_values(ascending=False, key=np.abs)
    return ", ".join(f"{name} {value:+.2f}" for name, value in sums.head(most).items())
