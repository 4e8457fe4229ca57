"""`extends` adds a child's timeline to its parent's; `inherit_timeline: false` replaces it."""

from __future__ import annotations

import pytest

from sim.scenario.errors import InputErrors
from sim.scenario.loading import load_scenario

PARENT = """name: parent
world: empty
states:
  AAA: {lat: 0, lon: 0, power: 10}
  BBB: {lat: 0, lon: 5, power: 10}
timeline:
  - {at: 0, do: posture, actor: AAA, target: BBB, level: 2}
"""


def _files(tmp_path, child: str):
    (tmp_path / "parent.yaml").write_text(PARENT)
    path = tmp_path / "child.yaml"
    path.write_text(child)
    return path


def test_child_actions_follow_the_parents(tmp_path):
    path = _files(tmp_path, "extends: parent.yaml\ntimeline:\n  - {at: 5, do: attack, actor: AAA, target: BBB}\n")
    assert [(a.do, a.at) for a in load_scenario(path).timeline] == [("posture", 0), ("attack", 5)]


def test_inherit_timeline_false_replaces_it(tmp_path):
    path = _files(tmp_path, "extends: parent.yaml\ninherit_timeline: false\n"
                            "timeline:\n  - {at: 5, do: attack, actor: AAA, target: BBB}\n")
    assert [a.do for a in load_scenario(path).timeline] == ["attack"]


def test_errors_in_a_childs_action_point_at_the_childs_line(tmp_path):
    path = _files(tmp_path, "extends: parent.yaml\ntimeline:\n  - {at: 5, do: attack, actor: AAA, target: BBB}\n"
                            "  - {at: 6, do: attack, actor: AAA, target: CCC}\n")
    with pytest.raises(InputErrors) as info:
        load_scenario(path)
    assert "child.yaml:4:" in str(info.value) and "'CCC'" in str(info.value)
