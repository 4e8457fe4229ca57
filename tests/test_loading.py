"""Scenario loading: extends, --set, the world merge, and errors with file:line:column."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario, resolved_dict, scenario_sha256
from sim.scenario.schema import Scenario
from sim.scenario.yamlsource import (
    deep_merge,
    find_mark,
    merge,
    parse_override,
    parse_path,
    parse_yaml,
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def errors_of(source, overrides=None) -> list[str]:
    with pytest.raises(InputErrors) as info:
        load_scenario(source, overrides)
    return [str(e) for e in info.value.errors]


# --- the resolved scenario -----------------------------------------------------------------

def test_minimal_file_resolves_the_whole_world(tmp_path):
    """A file with no keys gets every state and pact of world_2022, and its stem as name."""
    scenario = load_scenario(write(tmp_path, "tiny.yaml", "horizon_days: 30\n"))
    assert scenario.name == "tiny"
    assert len(scenario.states) == 55 and len(scenario.alliances) == 13
    assert len(scenario.alliances["NATO"].members) == 30
    assert scenario.states["ISL"].power == 0.0


def test_every_state_field_is_filled(tmp_path):
    """Resolved states hold every field; a territory's soil defaults to its owner."""
    scenario = load_scenario(write(tmp_path, "s.yaml", "states: {TWN: {resolve: 0.7}}\n"))
    for state in scenario.states.values():
        assert None not in state.model_dump().values()
    assert scenario.states["TWN"].resolve == 0.7 and scenario.states["TWN"].power == 13.0
    soils = {t.name: t.soil for t in scenario.states["USA"].territories}
    assert soils["Hawaii"] == "USA" and soils["Okinawa"] == "JPN"


def test_new_state_needs_position_and_power(tmp_path):
    path = write(tmp_path, "s.yaml", """
        states:
          ATL: {name: Atlantis, lat: 30, lon: -40, power: 2}
          TWAN: {resolve: 0.7}
    """)
    errors = errors_of(path)
    assert len(errors) == 1
    assert f"{path}:3:3: states.TWAN: 'TWAN' is not a state of world_2022 (did you mean 'TWN'?)" in errors[0]
    assert "needs lat, lon, power" in errors[0]


def test_new_state_is_added(tmp_path):
    path = write(tmp_path, "s.yaml", "states: {ATL: {lat: 30, lon: -40, power: 2}}\n")
    atlantis = load_scenario(path).states["ATL"]
    assert atlantis.name == "ATL" and atlantis.offense == 1.0 and atlantis.regions == []


def test_scenario_pact_fields_override_the_world_pact(tmp_path):
    """A scenario's pact entry changes only the fields it names; null removes a pact."""
    path = write(tmp_path, "s.yaml", "alliances: {QUAD: {type: defence}, AUKUS: null}\n")
    scenario = load_scenario(path)
    assert scenario.alliances["QUAD"].type == "defence"
    assert scenario.alliances["QUAD"].members == ["USA", "JPN", "IND", "AUS"]
    assert "AUKUS" not in scenario.alliances and None not in scenario.alliances.values()


def test_mapping_source(tmp_path):
    """Scripts may pass a mapping instead of a file."""
    scenario = load_scenario({"name": "nb", "seed": 3}, {"parameters.decision.temperature": 0.9})
    assert scenario.seed == 3 and scenario.parameters.decision.temperature == 0.9


def test_user_world_is_relative_to_the_scenario(tmp_path):
    (tmp_path / "data").mkdir()
    write(tmp_path / "data", "w.csv", "id,lat,lon,power\nAAA,1,2,3\nBBB,4,5,6\n")
    path = write(tmp_path, "s.yaml", "world: data/w.csv\nalliances: {P: {type: defence, members: [AAA, BBB]}}\n")
    scenario = load_scenario(path)
    assert sorted(scenario.states) == ["AAA", "BBB"] and list(scenario.alliances) == ["P"]


def test_hash_is_canonical_and_the_dict_loads_back(tmp_path):
    path = write(tmp_path, "s.yaml", "seed: 4\n")
    first, second = load_scenario(path), load_scenario(path)
    assert scenario_sha256(first) == scenario_sha256(second)
    changed = load_scenario(path, ["seed=5"])
    assert scenario_sha256(changed) != scenario_sha256(first)
    assert Scenario.model_validate(resolved_dict(first)) == first


# --- extends -------------------------------------------------------------------------------

def test_extends_overrides_and_removes(tmp_path):
    """The child wins key by key, lists are replaced whole, `X: null` removes pact X."""
    write(tmp_path, "base.yaml", """
        name: base
        description: the base
        seed: 1
        alliances:
          QUAD: {type: defence, reliability: 0.5}
        parameters:
          decision: {temperature: 0.4, war_cost: 3.0}
        watch: {states: [CHN, USA]}
    """)
    child = write(tmp_path, "child.yaml", """
        extends: base.yaml
        alliances:
          QUAD: {reliability: 0.9}
          AUKUS: null
        parameters:
          decision: {temperature: 0.8}
        watch: {states: [TWN]}
    """)
    scenario = load_scenario(child)
    assert scenario.name == "child" and scenario.seed == 1
    assert scenario.alliances["QUAD"].type == "defence" and scenario.alliances["QUAD"].reliability == 0.9
    assert "AUKUS" not in scenario.alliances
    assert scenario.parameters.decision.temperature == 0.8 and scenario.parameters.decision.war_cost == 3.0
    assert scenario.watch.states == ["TWN"]


def test_extends_chain_and_errors_in_the_parent(tmp_path):
    """An error inherited from a parent file points at the parent's line."""
    write(tmp_path, "a.yaml", "relations:\n  - {from: CHN, to: TWNN, intent: 0.5}\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nseed: 2\n")
    child = write(tmp_path, "c.yaml", "extends: b.yaml\n")
    errors = errors_of(child)
    assert errors == [f"{tmp_path / 'a.yaml'}:2:21: relations[0].to: unknown state 'TWNN' (did you mean 'TWN'?)"]


def test_extends_cycle_names_the_chain(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\n")
    errors = errors_of(tmp_path / "a.yaml")
    assert len(errors) == 1 and "extends cycle:" in errors[0]
    assert "a.yaml -> " in errors[0] and "b.yaml -> " in errors[0]


def test_extends_a_shipped_scenario_by_name(tmp_path):
    """`extends: baseline_2022` finds the shipped scenario as `run baseline_2022` does, from a folder
    that has no such file; the child's own values win and the baseline's timeline is inherited."""
    child = write(tmp_path, "mine.yaml", "extends: baseline_2022\nname: mine\nseed: 7\n")
    by_name = load_scenario(child)
    by_path = load_scenario(SCENARIOS / "baseline_2022.yaml")
    assert by_name.name == "mine" and by_name.seed == 7
    assert by_name.timeline == by_path.timeline and by_name.alliances == by_path.alliances


def test_extends_a_file_beside_wins_over_a_shipped_name(tmp_path):
    write(tmp_path, "baseline_2022.yaml", "name: local\nworld: world_2022\nhorizon_days: 40\n")
    assert load_scenario(write(tmp_path, "c.yaml", "extends: baseline_2022.yaml\n")).horizon_days == 40


def test_extends_unknown_name_suggests_a_shipped_one(tmp_path):
    errors = errors_of(write(tmp_path, "c.yaml", "extends: baselin_2022\n"))
    assert "c.yaml:1:10: extends: no file" in errors[0] and "no shipped scenario" in errors[0]
    assert "did you mean 'baseline_2022'" in errors[0]


def test_extends_missing_file_suggests(tmp_path):
    write(tmp_path, "baseline.yaml", "seed: 1\n")
    errors = errors_of(write(tmp_path, "c.yaml", "extends: basline.yaml\n"))
    assert "c.yaml:1:10: extends: no file" in errors[0] and "did you mean 'baseline.yaml'" in errors[0]


# --- --set ---------------------------------------------------------------------------------

def test_set_temperature_applies(tmp_path):
    path = write(tmp_path, "s.yaml", "seed: 1\n")
    scenario = load_scenario(path, ["parameters.decision.temperature=0.8"])
    assert scenario.parameters.decision.temperature == 0.8


def test_set_pact_type_applies_to_a_world_pact(tmp_path):
    scenario = load_scenario(write(tmp_path, "s.yaml", "seed: 1\n"), ["alliances.QUAD.type=defence"])
    assert scenario.alliances["QUAD"].type == "defence"
    assert scenario.alliances["QUAD"].members == ["USA", "JPN", "IND", "AUS"]


def test_set_list_items_and_flow_values(tmp_path):
    path = write(tmp_path, "s.yaml", "timeline:\n  - {at: 1, do: name_threat, actor: NATO, target: CHN}\n")
    scenario = load_scenario(path, ["timeline[0].at=5", "alliances.QUAD.members=[USA, JPN]",
                                    "alliances.NATO.consultation_days=[1, 3]"])
    assert scenario.timeline[0].at == 5
    assert scenario.alliances["QUAD"].members == ["USA", "JPN"]
    assert scenario.alliances["NATO"].consultation_days == (1.0, 3.0)
    assert load_scenario(path, ["timeline.0.at=7"]).timeline[0].at == 7


def test_bad_set_path_names_it_and_suggests(tmp_path):
    errors = errors_of(write(tmp_path, "s.yaml", "seed: 1\n"), ["parameters.decision.temprature=0.8"])
    assert errors == ["--set parameters.decision.temprature=0.8: parameters.decision.temprature: "
                      "unknown field 'temprature' (did you mean 'temperature'?)"]


def test_malformed_set_is_an_error(tmp_path):
    path = write(tmp_path, "s.yaml", "seed: 1\n")
    assert "write --set PATH=VALUE" in errors_of(path, ["parameters.decision.temperature"])[0]
    assert errors_of(path, ["timeline..at=1"])[0].startswith("--set timeline..at=1:")
    assert "cannot read the value as YAML" in errors_of(path, ["seed=[1, 2"])[0]
    assert "no item 7 (the list has 4)" in errors_of(path, ["alliances.QUAD.members.7.x=1"])[0]


def test_set_value_errors_point_at_the_set(tmp_path):
    errors = errors_of(write(tmp_path, "s.yaml", "seed: 1\n"), ["alliances.QUAD.type=defense"])
    assert errors[0].startswith("--set alliances.QUAD.type=defense: alliances.QUAD.type:")
    assert "did you mean 'defence'" in errors[0]


def test_parse_path_and_override():
    assert parse_path("timeline[0].at") == ("timeline", 0, "at") == parse_path("timeline.0.at")
    override = parse_override("alliances.QUAD.members=[USA, JPN]")
    assert override.path == ("alliances", "QUAD", "members") and override.value == ["USA", "JPN"]


# --- errors with file:line:column ----------------------------------------------------------

QUAD_FILE = """
    name: quad
    description: misspelt India
    alliances:
      QUAD:
        type: dialogue
        members:
          - USA
          - JPN
          - INDIA
          - AUS
"""


def test_misspelt_state_id_has_file_line_and_suggestion(tmp_path):
    path = write(tmp_path, "quad.yaml", QUAD_FILE)
    assert errors_of(path) == [f"{path}:9:9: alliances.QUAD.members[2]: unknown state 'INDIA' (did you mean 'IND'?)"]


def test_all_errors_are_reported_at_once(tmp_path):
    path = write(tmp_path, "many.yaml", """
        name: many
        horizon_days: -5
        relations:
          - {from: CHN, to: TAIWAN, intent: 0.6}
        parameters:
          decision: {temprature: 0.8}
        timeline:
          - {at: 0, do: atack, actor: CHN, target: TWN}
          - {at: 1, do: attack, actor: CHN, target: USA, location: Hawai}
          - {at: 2, do: join_alliance, actor: IND, pact: NEW}
          - {at: 3, do: create_alliance, pact: NEW, alliance: {members: [IND, JPN]}}
          - {at: 4, do: join_alliance, actor: AUS, pact: NEW}
          - {at: 5, do: posture, actor: QUAD, target: CHN, level: 3}
        watch: {dyads: [[CHN, USSA]]}
    """)
    errors = errors_of(path)
    assert len(errors) == 7
    expected = ["2:15: horizon_days:", "4:21: relations[0].to: unknown state 'TAIWAN'",
                "6:26: parameters.decision.temprature: unknown field 'temprature' (did you mean 'temperature'?)",
                "8:5: timeline[0]: unknown action 'atack' (did you mean 'attack'?)",
                "9:60: timeline[1].location: 'Hawai' is not a territory of USA (did you mean 'Hawaii'?)",
                "10:50: timeline[2].pact: pact 'NEW' is created only on day 3",
                "14:23: watch.dyads[0][1]: unknown state 'USSA' (did you mean 'USA'?)"]
    for error, start in zip(errors, expected):
        assert error.startswith(f"{path}:{start}")


def test_yaml_syntax_error_has_a_line(tmp_path):
    path = write(tmp_path, "broken.yaml", "name: broken\nalliances:\n  QUAD: {type: dialogue\nseed: 1\n")
    errors = errors_of(path)
    assert len(errors) == 1 and errors[0].startswith(f"{path}:4:") and "YAML syntax" in errors[0]


def test_duplicate_keys_are_errors():
    with pytest.raises(InputErrors, match=r"f.yaml:2:1: seed: duplicate key 'seed' \(first written on line 1\)"):
        parse_yaml("seed: 1\nseed: 2\n", "f.yaml")


def test_yaml_anchors_and_merge_keys_are_not_duplicates():
    """`<<: *anchor` followed by an explicit key is YAML's override, not a duplicate."""
    doc = parse_yaml("d: &d {reliability: 0.5, type: defence}\nq:\n  <<: *d\n  type: dialogue\n", "f.yaml")
    assert doc.data["q"] == {"reliability": 0.5, "type": "dialogue"}
    assert doc.marks[("q", "type")] == ("f.yaml", 4, 9)


def test_missing_file_suggests(tmp_path):
    write(tmp_path, "quad.yaml", "seed: 1\n")
    assert "did you mean 'quad.yaml'" in errors_of(tmp_path / "qaud.yaml")[0]


def test_pact_actors_and_created_pacts_are_known(tmp_path):
    """A pact may act or be targeted; a pact created earlier may be joined and amended."""
    path = write(tmp_path, "ok.yaml", """
        timeline:
          - {at: 0, do: name_threat, actor: NATO, target: CHN}
          - {at: 1, do: create_alliance, pact: NEW, alliance: {members: [IND, JPN]}}
          - {at: 2, do: join_alliance, actor: AUS, pact: NEW}
          - {at: 3, do: amend_alliance, pact: NEW, set: {type: defence}}
          - {at: 4, do: attack, actor: CHN, target: USA, location: Guam}
    """)
    assert len(load_scenario(path).timeline) == 5


def test_amend_values_and_ids_are_checked(tmp_path):
    path = write(tmp_path, "a.yaml", """
        timeline:
          - {at: 0, do: amend_alliance, pact: QUAD, set: {members: [USA, JAPAN], reliability: 2}}
    """)
    errors = errors_of(path)
    assert any("timeline[0].set.members[1]: unknown state 'JAPAN'" in e for e in errors)
    assert any("timeline[0].set.reliability:" in e for e in errors)


def test_removing_a_state_flags_its_references(tmp_path):
    """`states: {ISL: null}` removes Iceland, which NATO's list in the world file still names: the
    error is at the user's line (not in the package's pacts.yaml, with a guess at another state),
    saying where it is still named and how to remove it there too."""
    errors = errors_of(write(tmp_path, "s.yaml", "states: {ISL: null}\n"))
    assert len(errors) == 1 and errors[0].split(": ")[0].endswith("s.yaml:1:15"), errors
    assert "state 'ISL' is removed here" in errors[0] and "alliances.NATO.members" in errors[0]
    assert "pacts.yaml" in errors[0] and "`alliances: {NATO: null}`" in errors[0] and "did you mean" not in errors[0]
    errors = errors_of(write(tmp_path, "w.yaml", "states: {ISL: null}\nalliances: {NATO: null}\nwatch: {states: [ISL]}\n"))
    assert len(errors) == 1 and "w.yaml:3:" in errors[0] and "state 'ISL' is removed (states.ISL, line 1)" in errors[0]


# --- properties of the YAML reader ---------------------------------------------------------

KEYS = st.from_regex(r"[a-z][a-z_]{0,6}", fullmatch=True)
SCALARS = st.one_of(st.integers(-1000, 1000), st.booleans(), KEYS, st.none())
TREES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(KEYS, inner, max_size=4)), max_leaves=20)


def leaf_paths(value, path=()):
    """Every path to a value inside `value`."""
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from leaf_paths(child, path + (key,))


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=5), st.booleans())
def test_every_value_has_a_mark_on_a_real_line(data, flow):
    """Whatever the YAML style, the data round-trips and every path has a mark inside the text."""
    text = yaml.safe_dump(data, default_flow_style=flow)
    doc = parse_yaml(text, "gen.yaml")
    assert doc.data == data
    lines = len(text.splitlines())
    for path in leaf_paths(data):
        file, line, column = doc.marks[path]
        assert file == "gen.yaml" and 1 <= line <= max(lines, 1) and column >= 1


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(st.dictionaries(KEYS, TREES, max_size=4), st.dictionaries(KEYS, TREES, max_size=4))
def test_merge_keeps_each_value_with_the_mark_of_its_writer(base, child):
    """After a merge, a value the child wrote has the child's mark; one only the base wrote, the base's."""
    base_doc, child_doc = parse_yaml(yaml.safe_dump(base), "base.yaml"), parse_yaml(yaml.safe_dump(child), "child.yaml")
    merged = merge(base_doc, child_doc)
    assert merged.data == deep_merge(base, child)
    for path in leaf_paths(merged.data):
        if path and path in child_doc.marks:
            assert merged.marks[path][0] == "child.yaml"
        elif path:
            assert find_mark(merged.marks, path)[0] in ("base.yaml", "child.yaml")


FIELDS = st.sampled_from(["states", "alliances", "relations", "timeline", "watch", "parameters", "world", "seed",
                          "from", "to", "do", "at", "actor", "target", "pact", "members", "USA", "QUAD",
                          "type", "location", "set", "alliance", "territories", "lat", "soil", "decision"])
WORDS = st.one_of(st.integers(-3, 3), st.booleans(), st.none(), st.floats(allow_nan=True),
                  st.sampled_from(["USA", "NATO", "attack", "create_alliance", "amend_alliance", "Hawaii", "x"]))
SCENARIO_TREES = st.recursive(WORDS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(FIELDS, inner, max_size=3)), max_leaves=15)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(FIELDS, SCENARIO_TREES, max_size=5), st.lists(st.text(max_size=12), max_size=2))
def test_generated_input_loads_or_raises_input_errors(data, sets):
    """Whatever the input, the loader returns a Scenario or raises InputErrors: never another exception."""
    try:
        assert isinstance(load_scenario({"name": "gen", **data}, sets), Scenario)
    except InputErrors as exc:
        assert exc.errors and all(str(e) for e in exc.errors)


def test_a_resolved_scenario_reloads_to_itself_on_the_empty_world(tmp_path):
    """A resolved scenario with a removed pact, reloaded on `world: empty`, does not get the pact back."""
    first = load_scenario(write(tmp_path, "s.yaml", "alliances: {AUKUS: null}\n"))
    again = load_scenario({**resolved_dict(first), "world": "empty"})
    assert "AUKUS" not in again.alliances
    assert again.model_dump(exclude={"world"}) == first.model_dump(exclude={"world"})
