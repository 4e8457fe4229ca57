"""Small scenarios built in code, so engine tests do not depend on shipped files."""

from __future__ import annotations


def tiny_states() -> dict:
    """Three states: A strong and nuclear, B and C neighbours (B has an island far away)."""
    return {
        "AAA": dict(name="A", lat=0.0, lon=0.0, power=100.0, nuclear=True, regions=["west"], resolve=0.6),
        "BBB": dict(name="B", lat=0.0, lon=10.0, power=50.0, regions=["west"],
                    territories=[dict(name="Isle", lat=5.0, lon=60.0, regions=["ocean"])]),
        "CCC": dict(name="C", lat=10.0, lon=10.0, power=80.0, regions=["west"]),
    }


def tiny(**fields) -> dict:
    """A scenario mapping on the tiny world; fields override."""
    base = dict(name="tiny", world="empty", states=tiny_states(), horizon_days=120, replications=4, seed=7,
                alliances={"PACT": dict(type="defence", members=["BBB", "CCC"], regions=["west"])},
                relations=[{"from": "AAA", "to": "BBB", "intent": 0.5, "mutual": True}],
                watch={"dyads": [["AAA", "BBB"]], "states": ["BBB"]})
    base.update(fields)
    return base
