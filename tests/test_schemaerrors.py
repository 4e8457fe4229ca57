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


class Form(BaseModel):
    model_config = ConfigDict(extra="forbid")
    values: list[float] | Inner


def test_the_readers_hooks_place_and_name_what_pydantic_adds():
    """`loc` drops what pydantic adds to a location (a union member's name), `group` joins the
    errors at one value into one message (the specific ones before mere type errors), `label` names
    the value as the user writes it and `limit` counts what it leaves out."""
    doc = parse_yaml("values: {kind: alliance}\n", "f.yaml")
    with pytest.raises(ValidationError) as caught:
        Form.model_validate(doc.data)
    raw = input_errors(caught.value, doc.marks)
    assert [e.path for e in raw] == ["values.list[float]", "values.Inner.kind"]  # pydantic's member names

    def the_value(loc):  # the value the union is about
        return loc[:1]

    (one,) = input_errors(caught.value, doc.marks, loc=the_value, group=True)
    assert str(one) == "f.yaml:1:1: values: Input should be 'defence' or 'consultation' (got 'alliance')"
    (flag,) = input_errors(caught.value, {}, file="command line", loc=the_value, group=True,
                           label=lambda path: "--" + str(path[0]))
    assert str(flag) == "command line: --values: Input should be 'defence' or 'consultation' (got 'alliance')"
    both = input_errors(caught.value, doc.marks, loc=the_value, group=True, message=lambda err: err["type"])
    assert [e.message for e in both] == ["literal_error"]
    many = parse_yaml("name: x\npacts: {A: {kind: x}, B: {kind: y}, C: {kind: z}}\n", "m.yaml")
    with pytest.raises(ValidationError) as caught:
        Outer.model_validate(many.data)
    capped = input_errors(caught.value, many.marks, group=True, limit=2)
    assert [e.path for e in capped[:2]] == ["pacts.A.kind", "pacts.B.kind"]
    assert capped[2].message == "... and 1 more problems" and len(capped) == 3
