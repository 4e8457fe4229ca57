"""Synthetic worlds of any size for the scaling benchmark, generated from a seed.

States are scattered over the sphere with lognormal powers (like military budgets); the
strongest few are nuclear. Defence pacts bind geographic neighbours, consultation pacts span
wider circles, and rivalries (hostile baseline intent, both ways) pair states that are close.
The strongest rivalry starts at posture 6, as RUS-UKR does in the 2022 world.
"""

from __future__ import annotations

import numpy as np

from sim.model.world import great_circle_km
from sim.scenario.schema import Scenario

__all__ = ["synthetic_scenario"]


def synthetic_scenario(n: int, seed: int = 0, horizon_days: float = 365.0) -> Scenario:
    """A resolved scenario of `n` generated states, their pacts and rivalries."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(n,)))
    ids = [f"S{k:04d}" for k in range(n)]
    lat = np.degrees(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    lon = rng.uniform(-180.0, 180.0, n)
    power = rng.lognormal(2.0, 1.5, n)
    near = np.argsort(great_circle_km(lat, lon), axis=1)[:, 1:]
    rivals = _rivalries(rng, near, n)
    data = {
        "name": f"synthetic_{n}", "world": "synthetic", "horizon_days": horizon_days, "seed": seed,
        "states": _states(rng, ids, lat, lon, power),
        "alliances": _pacts(rng, ids, near, n),
        "relations": [{"from": ids[a], "to": ids[b], "intent": round(float(x), 3), "mutual": True}
                      for a, b, x in rivals],
        "timeline": [{"at": 0, "do": "posture", "actor": ids[rivals[0][0]], "target": ids[rivals[0][1]],
                      "level": 6}],
        "watch": {"dyads": [[ids[rivals[0][0]], ids[rivals[0][1]]]], "states": ids[:3]},
    }
    return Scenario.model_validate(data)


def _states(rng, ids, lat, lon, power) -> dict:
    nuclear = power >= np.quantile(power, 0.98)
    return {s: {"name": s, "lat": float(lat[k]), "lon": float(lon[k]), "power": round(float(power[k]), 3),
                "offense": round(float(rng.uniform(0.8, 1.2)), 3), "nuclear": bool(nuclear[k]),
                "resolve": round(float(rng.uniform(0.3, 0.7)), 3),
                "regions": ["north" if lat[k] >= 0 else "south"]}
            for k, s in enumerate(ids)}


def _pacts(rng, ids, near, n) -> dict:
    """About one defence pact per 8 states (2-6 neighbours) and one consultation pact per 25."""
    pacts = {}
    for k, head in enumerate(rng.choice(n, size=max(1, n // 8), replace=False).tolist()):
        size = int(rng.integers(1, 6))
        pacts[f"D{k:03d}"] = {"type": "defence", "members": [ids[m] for m in [head, *near[head, :size]]],
                              "reliability": round(float(rng.uniform(0.5, 0.95)), 3)}
    for k, head in enumerate(rng.choice(n, size=max(1, n // 25), replace=False).tolist()):
        members = rng.choice(near[head, :20], size=min(6, n - 1), replace=False)
        pacts[f"C{k:03d}"] = {"type": "consultation", "members": [ids[head], *(ids[m] for m in members)],
                              "reliability": round(float(rng.uniform(0.3, 0.8)), 3)}
    return pacts


def _rivalries(rng, near, n) -> list[tuple[int, int, float]]:
    """About one rivalry per 5 states, each with one of its 10 nearest states; strongest first."""
    pairs = {}
    for a in rng.choice(n, size=max(1, n // 5), replace=False).tolist():
        b = int(near[a, rng.integers(0, min(10, n - 1))])
        pairs[(min(a, b), max(a, b))] = float(rng.uniform(0.3, 0.8))
    return sorted(((a, b, x) for (a, b), x in pairs.items()), key=lambda r: -r[2])
