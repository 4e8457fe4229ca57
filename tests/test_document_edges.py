"""Edges of reading a scenario document: an empty file, a top level that is not a mapping, a bad
`extends`, and `--set` paths that do not fit the document. Each is an InputError saying where and
what to write instead, never a traceback."""

from __future__ import annotations

import pytest

from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario

STATE = "states: {AAA: {lat: 0, lon: 0, power: 1}}\n"


def _file(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def _error(*args) -> str:
    with pytest.raises(InputErrors) as caught:
        load_scenario(*args)
    return str(caught.value)


def test_an_empty_file_is_the_default_scenario_named_after_it(tmp_path):
    scenario = load_scenario(_file(tmp_path, "", "quiet_world.yaml"))
    assert scenario.name == "quiet_world" and scenario.horizon_days == 730 and scenario.timeline == []


def test_a_top_level_list_is_refused_at_line_one(tmp_path):
    path = _file(tmp_path, "- a\n- b\n")
    assert _error(path) == f"{path}:1:1: expected a mapping of keys (key: value) at the top, found a list"


def test_extends_must_name_a_file(tmp_path):
    path = _file(tmp_path, "name: x\nextends: 3\n")
    assert _error(path) == f"{path}:2:10: extends: give the file name of another scenario"


@pytest.mark.parametrize("override, message", [
    ("name.x=1", "--set name.x=1: name is a value, not a mapping or list"),
    ("horizon_days[2]=1", "--set horizon_days[2]=1: horizon_days: no list here to take item 2 from"),
    ("a..b=1", "--set a..b=1: bad path segment '' in 'a..b'; write dotted keys, e.g. timeline.0.at"),
])
def test_a_set_path_that_does_not_fit_the_document_is_refused(tmp_path, override, message):
    path = _file(tmp_path, "name: x\nworld: empty\n" + STATE)
    assert _error(path, [override]) == message


def test_overrides_as_a_mapping_apply_like_set(tmp_path):
    path = _file(tmp_path, "name: x\nworld: empty\n" + STATE)
    assert load_scenario(path, {"horizon_days": 10, "states.AAA.power": 3}).states["AAA"].power == 3
