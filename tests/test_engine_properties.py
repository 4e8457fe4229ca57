"""Engine invariants on generated small scenarios (Axelrod-style property tests)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.execution.runner import run_replication
from sim.scenario.loading import load_scenario

IDS = ["S0", "S1", "S2", "S3", "S4", "S5"]
TYPES = ["defence", "offence", "neutrality", "non_aggression", "consultation", "dialogue", "partnership"]


@st.composite
def scenarios(draw):
    n = draw(st.integers(2, 6))
    ids = IDS[:n]
    states = {s: dict(lat=draw(st.floats(-60, 60)), lon=draw(st.floats(-170, 170)),
                      power=draw(st.sampled_from([0.0, 1.0, 10.0, 100.0, 800.0])),
                      nuclear=draw(st.booleans()), regions=[draw(st.sampled_from(["r1", "r2"]))],
                      resolve=draw(st.floats(0, 1)),
                      territories=[dict(name="T", lat=0.0, lon=0.0, regions=["r3"])])
              for s in ids}
    states[ids[0]]["regions"] = ["r1"]  # a pact's region tag must be carried by some place
    pacts = {f"P{k}": dict(type=draw(st.sampled_from(TYPES)), clauses=draw(st.lists(st.sampled_from(TYPES), max_size=2)),
                           members=draw(st.lists(st.sampled_from(ids), min_size=2, max_size=n, unique=True)),
                           reliability=draw(st.floats(0, 1)), defensive_only=draw(st.booleans()),
                           regions=draw(st.one_of(st.none(), st.just(["r1"]))))
             for k in range(draw(st.integers(0, 3)))}
    pair = st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda p: p[0] != p[1])
    relations = [{"from": a, "to": b, "intent": draw(st.floats(0, 1))} for a, b in draw(st.lists(pair, max_size=4))]
    timeline = []
    for k, (a, b) in enumerate(draw(st.lists(pair, max_size=4))):
        at = draw(st.floats(0, 100))
        timeline.append(draw(st.sampled_from([
            {"at": at, "do": "attack", "actor": a, "target": b, "level": draw(st.integers(5, 7)),
             "location": draw(st.sampled_from([None, "T"]))},
            {"at": at, "do": "posture", "actor": a, "target": b, "level": draw(st.integers(0, 7)), "mutual": True},
            {"at": at, "do": "name_threat", "actor": a, "target": b},
            {"at": at, "do": "scale_power", "actor": a, "power": 2.0, "offense": 1.5, "over_days": 30.0, "steps": 3},
            {"at": at, "do": "set_intent", "actor": a, "target": b, "intent": 0.9, "baseline": True},
            {"at": at, "do": "ceasefire", "actor": a, "target": b},
            {"at": at, "do": "create_alliance", "pact": f"NEW{k}", "alliance": {"type": "defence", "members": [a, b]}},
        ])))
    temperature = draw(st.sampled_from([0.05, 0.3, 2.0]))
    return {"name": "generated", "world": "empty", "states": states, "alliances": pacts,
            "relations": relations, "timeline": timeline, "horizon_days": 150,
            "parameters": {"decision": {"temperature": temperature, "decision_interval_days": 3}},
            "watch": {"dyads": [[ids[0], ids[1]]], "states": [ids[0]]}}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32))
def test_generated_scenarios_keep_the_invariants(data, seed):
    """Levels stay in 0..7, time never goes back, every cause names an earlier event, no crash."""
    rep = run_replication(load_scenario(data), 0, seed)
    seen = set()
    last_t = 0.0
    for e in rep.events:
        assert e.t >= last_t and 0 <= e.t <= 150
        assert e.cause_id is None or e.cause_id in seen
        assert e.level is None or 0 <= e.level <= 7
        seen.add(e.event_id)
        last_t = e.t
    assert all(0 <= row[2] <= 7 for row in rep.states)
    assert 0 <= rep.summary["max_level"] <= 7
    assert 0.0 <= rep.summary["mean_tension"] <= rep.summary["peak_tension"] <= 1.0
    assert rep.summary["n_events"] == len(rep.events)
    for _, _, _, tension in rep.tension:
        assert 0.0 <= tension <= 1.0
    assert sorted(seen) == list(range(1, len(seen) + 1))


@settings(max_examples=15, deadline=None)
@given(scenarios())
def test_no_defence_pact_fires_outside_its_casus_foederis(data):
    """Every defence invocation names a member attacked by a non-member."""
    scenario = load_scenario(data)
    rep = run_replication(scenario, 0, 11)
    for e in rep.events:
        if e.kind == "invocation" and e.detail == "defence":
            members = scenario.alliances[e.pact].members if e.pact in scenario.alliances else None
            if members is not None:
                assert e.actor in members and e.target not in members
