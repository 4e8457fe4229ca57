"""The one translator from pydantic's errors to input errors: each at the file:line:column of the
value it names, with a message that says what is wrong, the value given and what was meant."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from sim.scenario.schemaerrors import describe, input_errors
from sim.scenario.yamlsource import parse_yaml


class Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["defence", "consultation"]
    weight: float = 1.0

    @field_validator("weight")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("the weight must be above 0")
        return value


class Outer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    pacts: dict[str, Inner]


TEXT = """name: demo
pacts:
  A: {kind: defense, weight: -1}
  B: {kind: defence, wieght: 2}
  C: {}
"""


def _errors(text: str = TEXT, **kw) -> list[str]:
    doc = parse_yaml(text, "w.yaml")
    with pytest.raises(ValidationError) as caught:
        Outer.model_validate(doc.data)
    return [str(e) for e in input_errors(caught.value, doc.marks, **kw)]


def test_each_error_is_at_its_value_with_a_readable_message():
    assert _errors() == [
        "w.yaml:3:13: pacts.A.kind: Input should be 'defence' or 'consultation' (got 'defense') (did you mean 'defence'?)",
        "w.yaml:3:30: pacts.A.weight: the weight must be above 0 (got -1)",
        "w.yaml:4:30: pacts.B.wieght: unknown field 'wieght'",
        "w.yaml:5:3: pacts.C.kind: 'kind' is required",
    ]


def test_an_unknown_field_gets_the_nearest_known_one_else_the_list():
    err = {"type": "extra_forbidden", "loc": ("pacts", "B", "wieght"), "msg": "Extra inputs are not permitted"}
    assert describe(err, ["kind", "weight"]) == "unknown field 'wieght' (did you mean 'weight'?)"
    assert describe({**err, "loc": ("zzz",)}, ["kind", "weight"]) == "unknown field 'zzz'; known: kind, weight"


def test_a_value_nested_below_a_path_and_without_marks_still_names_its_file():
    doc = parse_yaml("kind: defence\nweight: 0\n", "p.yaml")
    with pytest.raises(ValidationError) as caught:
        Inner.model_validate(doc.data)
    assert [str(e) for e in input_errors(caught.value, doc.marks, at=())] == [
        "p.yaml:2:9: weight: the weight must be above 0 (got 0)"]
    assert [str(e) for e in input_errors(caught.value, {}, at=("pacts", "A"), file="p.yaml")] == [
        "p.yaml: pacts.A.weight: the weight must be above 0 (got 0)"]
