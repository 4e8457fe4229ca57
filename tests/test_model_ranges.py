"""The model's equations hold over every parameter range the schema declares.

Parameters are drawn from the declared ranges of `parameters.perception`, `parameters.decision`,
`parameters.alliances` and model v2's `parameters.motives` and `parameters.termination` (bounds
read from the schema itself, so a widened range is tested at once; an unbounded one up to 1e6, on a
log scale, with its bounds as edge cases). Every run must keep tension in [0, 1], levels in 0..7,
times within the horizon and no NaN or inf anywhere.
The noise on observed acts used to push tension to 1.69 at misperception 2 and 545 at 4.
"""

from __future__ import annotations

import math

import annotated_types as at
from factories import tiny
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sim.execution.runner import run_replication
from sim.scenario.loading import load_scenario
from sim.scenario.schema import AllianceParams, Decision, Motives, Perception, Termination

HORIZON = 150.0
UNBOUNDED = 1e6


def _bounds(field) -> tuple[float, float, bool]:
    """(low, high, integer) of a numeric field from its constraints."""
    low, high = -math.inf, math.inf
    for item in field.metadata:
        if isinstance(item, (at.Ge, at.Gt)):
            low = float(item.ge if isinstance(item, at.Ge) else item.gt)
        if isinstance(item, (at.Le, at.Lt)):
            high = float(item.le if isinstance(item, at.Le) else item.lt)
    return low, high, field.annotation is int


def _value(low: float, high: float, integer: bool):
    """A strategy over [low, high]: its ends, and log-uniform or uniform inside."""
    top = min(high, UNBOUNDED)
    if integer:
        return st.integers(int(low), int(top))
    bottom = max(low, 1e-6)
    # exp(log x) may round a hair past x: clamp to the declared range
    log_uniform = st.floats(math.log(bottom), math.log(top)).map(lambda v: min(max(math.exp(v), bottom), top))
    inside = log_uniform if top / bottom > 100 else st.floats(bottom, top)
    return st.one_of(st.sampled_from([low if low > -math.inf else 0.0, top]), inside).filter(
        lambda v: v > low or low == 0.0 and v == 0.0 or v >= low)


def _numeric(model) -> dict[str, object]:
    out = {}
    for name, field in model.model_fields.items():
        low, high, integer = _bounds(field)
        if low > -math.inf or high < math.inf:
            if field.metadata and any(isinstance(m, at.Gt) for m in field.metadata):
                out[name] = _value(low, high, integer).filter(lambda v, lo=low: v > lo)
            else:
                out[name] = _value(low, high, integer)
    return out


SECTIONS = {"perception": _numeric(Perception), "decision": _numeric(Decision), "alliances": _numeric(AllianceParams),
            "motives": _numeric(Motives), "termination": _numeric(Termination)}


@st.composite
def parameters(draw):
    chosen = {}
    for section, fields in SECTIONS.items():
        names = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=len(fields)))
        chosen[section] = {name: draw(fields[name]) for name in names}
    return chosen


def _finite(value) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parameters(), st.integers(0, 2**32 - 1))
@example(params={"perception": {}, "decision": {}, "alliances": {}, "motives": {},  # a war over nothing
                 "termination": {"security_stake": 0.0}}, seed=0)
def test_invariants_hold_over_the_declared_ranges(params, seed):
    timeline = [{"at": 1.0, "do": "attack", "actor": "AAA", "target": "BBB", "level": 6},
                {"at": 20.0, "do": "posture", "actor": "CCC", "target": "AAA", "level": 4}]
    scenario = load_scenario(tiny(horizon_days=HORIZON, record_every_days=5.0, parameters=params, timeline=timeline))
    rep = run_replication(scenario, 0, seed)
    for _, t, _, tension in rep.tension:
        assert 0.0 <= tension <= 1.0 and 0.0 <= t <= HORIZON, (params, t, tension)
    for row in rep.events:
        assert 0.0 <= row[1] <= HORIZON and all(_finite(v) for v in row), row
        assert row[7] is None or 0 <= row[7] <= 7, row
    for row in rep.states:
        assert 0 <= row[2] <= 7 and (row[3] is None or 0.0 <= row[3] <= HORIZON), row
    assert all(_finite(v) for v in rep.summary.values()), rep.summary
    assert 0 <= rep.summary["max_level"] <= 7


def test_the_ranges_that_used_to_break_the_model_now_hold():
    """misperception 2, 3 and the top of its range: tension stays in [0, 1] (it reached 1.69, 5.55, 545)."""
    for sigma in (2.0, 3.0):
        params = {"perception": {"misperception": sigma, "escalation_gain": 1.0}}
        scenario = load_scenario(tiny(horizon_days=HORIZON, parameters=params, replications=1))
        for seed in range(5):
            rows = run_replication(scenario, 0, seed).tension
            assert max(r[3] for r in rows) <= 1.0 and min(r[3] for r in rows) >= 0.0
