"""The registries: pact kinds, timeline actions and metrics are each declared once, and these tests
enumerate them, so a kind, an action or a metric added without its behaviour, its checks or its
line in the docs fails here rather than at run time."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from factories import tiny
from pydantic import TypeAdapter, ValidationError

from sim.analysis import stats
from sim.engine import metrics
from sim.engine.simulation import Setup
from sim.engine.tables import EVENTS, summary_columns
from sim.execution.runner import run, run_replication
from sim.model.actions import EFFECTS
from sim.scenario import loading, pactkinds
from sim.scenario.loading import load_scenario
from sim.scenario.pactkinds import PACT_KINDS
from sim.scenario.schema import ACTION_MODELS, ACTIONS, PACT_TYPES, Action, PactSpec, Perception, Watch

DOCS = Path(__file__).resolve().parents[1] / "docs"

# --- pact kinds ------------------------------------------------------------------------------


def test_the_schema_and_the_default_weights_come_from_the_pact_kinds():
    """The schema accepts exactly the registered kinds (as a pact's type, a clause and a weight's key)
    and weighs each, by default, as its kind declares."""
    assert PactSpec.model_json_schema()["properties"]["type"]["enum"] == [k.name for k in PACT_KINDS]
    for k in PACT_KINDS:
        spec = PactSpec(type=k.name, clauses=[k.name], **_sides(k, ["BBB", "CCC"]))
        assert (spec.type, spec.clauses) == (k.name, [k.name])
        assert Perception().pact_weights[k.name] == k.weight
        assert Perception(pact_weights={k.name: 0.25}).pact_weights[k.name] == 0.25
    assert len(Perception().pact_weights) == len(PACT_KINDS) == len(PACT_TYPES)
    with pytest.raises(ValidationError, match="defence"):
        PactSpec(type="defense", members=["BBB", "CCC"])
    with pytest.raises(ValidationError):
        Perception(pact_weights={"defense": 0.5})
    with pytest.raises(KeyError, match="known: defence"):
        pactkinds.kind("defense")


def test_the_docs_table_of_pact_kinds_is_the_registry():
    assert pactkinds.markdown_table() in (DOCS / "scenarios.md").read_text()


def _sides(kind, members: list[str]) -> dict:
    """A one-sided kind (patron, guarantee) protects the first member; the others promise."""
    return {"members": members} if kind.mutual else {"members": members, "protects": members[:1]}


@pytest.mark.parametrize("kind", PACT_KINDS, ids=lambda k: k.name)
def test_a_pact_takes_its_kinds_default_delays(kind):
    spec = PactSpec(type=kind.name, **_sides(kind, ["BBB", "CCC"]))
    assert (spec.consultation_days, spec.mobilisation_days) == (kind.consultation_days, kind.mobilisation_days)
    assert PactSpec(type=kind.name, consultation_days=[2, 3], **_sides(kind, ["BBB", "CCC"])).consultation_days == (2, 3)


@pytest.mark.parametrize("kind", PACT_KINDS, ids=lambda k: k.name)
def test_each_kind_bonds_and_calms_its_members_as_declared(kind):
    """Breach cost (bond) where the kind bonds; baseline intent 0 under an armed obligation, times
    (1 - reliability) under a pacifying one, else less by weight times reliability."""
    pact = dict(type=kind.name, reliability=0.8, **_sides(kind, ["BBB", "CCC"]))
    structure = Setup(load_scenario(tiny(alliances={"PACT": pact}, relations=[]))).structure
    bc = (1, 2)  # BBB, CCC
    assert structure.bond[bc] == (0.8 if kind.bonding else 0.0)
    default = Perception().default_intent
    expected = 0.0 if kind.armed else default * (0.2 if kind.pacifying else 1.0 - kind.weight * 0.8)
    assert structure.baseline[bc] == pytest.approx(expected)


def _invokers(kind) -> list[str]:
    """Members of a pact of `kind` when AAA attacks BBB, arranged so that the declared invoker exists."""
    return ["AAA", "CCC"] if kind.invoked == "attacker" else ["BBB", "CCC"]


@pytest.mark.parametrize("kind", PACT_KINDS, ids=lambda k: k.name)
def test_each_kind_is_invoked_by_the_member_it_declares(kind):
    """AAA attacks BBB: a defence pact is invoked by BBB (the attacked), an offence pact by AAA (the
    attacker), a consultation pact by a threatened member; the other kinds by nobody."""
    pact = dict(type=kind.name, reliability=1.0, **_sides(kind, _invokers(kind)))
    scenario = tiny(alliances={"PACT": pact}, horizon_days=20,
                    parameters={"alliances": {"consultation_threat": 0.0}},
                    timeline=[{"at": 1, "do": "attack", "actor": "AAA", "target": "BBB"}])
    events = run_replication(load_scenario(scenario), 0, 5).events
    invoked = {(e.actor, e.detail) for e in events if e.kind == "invocation" and e.pact == "PACT"}
    expected = {"attacked": {("BBB", kind.name)}, "attacker": {("AAA", kind.name)},
                "threatened": {("BBB", kind.name), ("CCC", kind.name)}, None: set()}[kind.invoked]
    assert invoked == expected


# --- timeline actions ------------------------------------------------------------------------

EXAMPLES = {  # one valid instance of every action, for the run below
    "attack": {"actor": "AAA", "target": "BBB"},
    "posture": {"actor": "AAA", "target": "PACT", "level": 3, "mutual": True},
    "name_threat": {"actor": "CCC", "target": "AAA"},
    "join_alliance": {"actor": "AAA", "pact": "PACT"},
    "leave_alliance": {"actor": "CCC", "pact": "PACT"},
    "create_alliance": {"pact": "NEW", "alliance": {"type": "neutrality", "members": ["AAA", "CCC"]}},
    "amend_alliance": {"pact": "PACT", "set": {"reliability": 0.5}},
    "scale_power": {"actor": "BBB", "power": 2.0, "over_days": 4, "steps": 2},
    "set_intent": {"actor": "AAA", "target": "CCC", "intent": 0.9, "baseline": True, "mutual": True},
    "ceasefire": {"actor": "AAA", "target": "BBB", "level": 2},
    "deploy": {"actor": "BBB", "location": "Isle", "personnel": 5000.0},
    "withdraw": {"actor": "BBB", "location": "Isle", "personnel": 1000.0},
}


def test_every_action_of_the_schema_has_an_effect():
    """The timeline's union dispatches each registered `do` to its own model, and refuses others."""
    timeline = TypeAdapter(list[Action])
    for do, model in ACTION_MODELS.items():
        (parsed,) = timeline.validate_python([{"at": 1, "do": do, **EXAMPLES[do]}])
        assert type(parsed) is model and parsed.do == do
    with pytest.raises(ValidationError, match="attack"):
        timeline.validate_python([{"at": 1, "do": "invade", "actor": "AAA", "target": "BBB"}])
    missing = [do for do, model in ACTION_MODELS.items() if model not in EFFECTS]
    assert not missing, f"actions without an effect in sim/model/actions.py: {missing}"


def test_every_action_declares_checkable_references():
    for do, model in ACTION_MODELS.items():
        assert set(model.refs) <= set(model.model_fields), do
        assert set(model.refs.values()) <= set(loading._REF_CHECKS), do


def _docs_rows() -> dict[str, str]:
    text = (DOCS / "scenarios.md").read_text()
    section = text[text.index("### `timeline`"):text.index("### `watch`")]
    rows = re.finditer(r"^\| `(\w+)` \|.*$", section, re.M)
    return {m.group(1): m.group(0) for m in rows if m.group(1) != "do"}  # not the header


def test_every_action_has_a_row_in_the_docs_naming_its_fields():
    rows = _docs_rows()
    assert set(rows) == set(ACTIONS)
    for do, model in ACTION_MODELS.items():
        fields = [f.alias or name for name, f in model.model_fields.items() if name not in ("at", "note", "do")]
        unnamed = [f for f in fields if f"`{f}`" not in rows[do]]
        assert not unnamed, f"docs/scenarios.md: the row of {do} does not name {unnamed}"


def test_every_action_runs_and_is_logged():
    """Each action, applied on day 1 or 2 of a tiny world, is logged as `scenario.<do>` with no cause."""
    assert set(EXAMPLES) == set(ACTIONS), "add an example of the new action to EXAMPLES"
    timeline = [{"at": 1 + k % 2, "do": do, **fields} for k, (do, fields) in enumerate(EXAMPLES.items())]
    rep = run_replication(load_scenario(tiny(timeline=timeline, horizon_days=30)), 0, 3)
    logged = [e for e in rep.events if e.kind.startswith("scenario.") and e.cause_id is None]
    assert {e.kind for e in logged} >= {f"scenario.{do}" for do in ACTIONS}


# --- metrics ---------------------------------------------------------------------------------


def test_summary_columns_are_the_registered_metrics():
    watch = Watch(dyads=[("AAA", "BBB")], states=["CCC"])
    expected = ["rep", "seed", *(m.name for m in metrics.METRICS),
                *(w.prefix + "AAA_BBB" for w in metrics.DYAD_METRICS), *(w.prefix + "CCC" for w in metrics.STATE_METRICS)]
    assert summary_columns(watch) == expected


def test_the_docs_table_of_metrics_is_the_registry():
    assert metrics.markdown_table() in (DOCS / "model.md").read_text()


def test_compare_picks_the_test_and_label_each_metric_declares():
    """Even a count that shows only 0 and 1 in a run keeps its declared kind (and so its test)."""
    zeros_ones = np.array([0.0, 1.0, 1.0, 0.0])
    for m in metrics.METRICS:
        assert m.kind in stats.KINDS
        assert stats.metric_kind(m.name, zeros_ones) == m.kind
        assert stats.label(m.name) == m.label
    for w in metrics.DYAD_METRICS:
        assert stats.metric_kind(w.prefix + "CHN_USA", zeros_ones) == w.kind
    assert stats.label("clash_CHN_USA") == "armed clash CHN->USA"
    assert stats.label("t_entry_JPN") == "days to JPN entering a war"
    assert stats.metric_kind("unknown_metric", zeros_ones) == "binary"
    assert stats.metric_kind("t_unknown", zeros_ones) == "time"
    assert len({m.label for m in metrics.METRICS}) == len(metrics.METRICS)


def test_counters_are_derived_from_the_logged_events():
    """invocations, honours and abandonments are counts of the events the recorder observed, on the
    route of draws and on the fitted joining decision's (the default), whose answers are logged too."""
    pact = dict(type="defence", members=["BBB", "CCC"], reliability=0.5, consultation_days=1, mobilisation_days=1)
    for joining in (False, True):
        scenario = tiny(alliances={"PACT": pact}, timeline=[{"at": 1, "do": "attack", "actor": "AAA", "target": "BBB"}],
                        parameters={"joining": {"enabled": joining}})
        result = run(load_scenario(scenario), replications=12, seed=4)
        assert EVENTS == result.rows("events")[0]._fields
        for r in result.replications:
            kinds = [e.kind for e in r.events]
            honoured = {e.cause_id for e in r.events if e.kind == "honour"}
            assert r.summary["invocations"] == kinds.count("invocation") >= 1
            assert r.summary["abandonments"] == kinds.count("abandon")
            assert r.summary["invocations_honoured"] == len(honoured)
            assert r.summary["n_events"] == len(r.events)
        answers = {r.summary["abandonments"] for r in result.replications}
        assert answers == {0, 1} if not joining else 1 in answers  # both answers happen; CCC's answer is logged


def test_the_recorder_types_its_events_on_access():
    """The log holds plain tuples; `events` and `event_rows` give them as named records."""
    from sim.engine.simulation import simulate

    scenario = tiny(timeline=[{"at": 1, "do": "attack", "actor": "AAA", "target": "BBB"}], horizon_days=20)
    rec = simulate(Setup(load_scenario(scenario)), 9)
    events, rows = rec.events, list(rec.event_rows(0))
    assert len(events) == len(rows) == len(rec) > 0
    assert events[0].kind == rows[0].kind == "scenario.attack" and events[0].cause is None
    assert [e.id for e in events] == [r.event_id for r in rows] == list(range(1, len(rec) + 1))
    assert rec.count("scenario.attack") == 1 and rec.events is events  # made once the log stops growing
