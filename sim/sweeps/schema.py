"""The sweep file as pydantic models: which scenario, which design, which parameters and how far.

A sweep names its parameters by the dotted paths of `--set` (`alliances.QUAD.reliability`). A grid
takes a list of values per parameter; `random`, `lhs` and `sobol` take ranges (`{low, high}`,
optionally `log: true` or `integer: true`) or `{choices: [...]}`. Whether each value fits the
scenario is checked later, by loading the scenario with it (:mod:`sim.sweeps.api`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal, get_args

from pydantic import Discriminator, Field, Tag, model_validator

from sim.scenario.schema import Strict
from sim.scenario.yamlsource import parse_path

__all__ = ["DESIGNS", "PARAMETER_FORMS", "Scalar", "Range", "Choices", "SweepSpec", "design_problems"]

Design = Literal["grid", "random", "lhs", "sobol"]
DESIGNS: tuple[str, ...] = get_args(Design)
Scalar = bool | int | float | str
Values = Annotated[list[Scalar], Field(min_length=1)]


class Range(Strict):
    """A range sampled uniformly, on a log scale (`log: true`) or over its integers (`integer: true`)."""

    low: float
    high: float
    log: bool = False
    integer: bool = False

    @model_validator(mode="after")
    def _sane(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scale range needs low > 0; got low {self.low}")
        if self.integer and not (float(self.low).is_integer() and float(self.high).is_integer()):
            raise ValueError(f"an integer range needs whole low and high; got {self.low}, {self.high}")
        return self


class Choices(Strict):
    """A finite set of values, drawn with equal probability (or all of them in a grid)."""

    choices: Values




def _kind(value: Any) -> str:
    """Which form a parameter takes: a list of values, `{choices}` or a range."""
    if isinstance(value, dict) and "choices" in value or isinstance(value, Choices):
        return "choices"
    return "values" if isinstance(value, list) else "range"


PARAMETER_FORMS = ("values", "range", "choices")
Parameter = Annotated[
    Annotated[Values, Tag("values")] | Annotated[Range, Tag("range")] | Annotated[Choices, Tag("choices")],
    Discriminator(_kind),
]


class SweepSpec(Strict):
    """A sweep file: the scenario to vary, the design, and the parameters by dotted path."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]
    description: str = ""
    scenario: str = Field(description="scenario file, relative to the sweep file")
    design: Design = "grid"
    samples: Annotated[int, Field(ge=1, le=10_000_000)] | None = Field(
        None, description="points drawn by random, lhs and sobol designs"
    )
    replications: Annotated[int, Field(ge=1, le=10_000_000)] | None = Field(
        None, description="per point; default the scenario's"
    )
    seed: Annotated[int, Field(ge=0)] | None = Field(None, description="default the scenario's")
    fixed: dict[str, Any] = Field({}, alias="set", description="overrides applied at every point")
    parameters: Annotated[dict[str, Parameter], Field(min_length=1)]


def design_problems(spec: SweepSpec) -> list[tuple[tuple[object, ...], str]]:
    """The (field path, message) pairs where the design and its parameters do not fit together."""
    problems: list[tuple[tuple[object, ...], str]] = []
    if spec.design == "grid":
        if spec.samples is not None:
            problems.append((("samples",), "a grid takes every combination: remove `samples`"))
        for path, param in spec.parameters.items():
            if isinstance(param, Range):
                problems.append((("parameters", path), "a grid needs a list of values, not a range "
                                 "(use design: random, lhs or sobol for ranges)"))
    elif spec.samples is None:
        problems.append((("design",), f"design {spec.design} needs `samples`: the number of points"))
    elif spec.design == "sobol" and spec.samples & (spec.samples - 1):
        nearest = 2 ** round(math.log2(spec.samples))
        problems.append((("samples",), f"a Sobol' design keeps its balance only with a power of two "
                         f"samples; got {spec.samples} (try {nearest})"))
    for path, param in spec.parameters.items():
        values = param if isinstance(param, list) else getattr(param, "choices", [])
        if any(isinstance(v, str) and ("\n" in v or "\r" in v) for v in values):
            problems.append((("parameters", path), "a value may not span lines (runs.csv has one line a run)"))
    for where, keys in (("parameters", spec.parameters), ("set", spec.fixed)):
        for path in keys:
            try:
                parse_path(path)
            except ValueError as exc:
                problems.append(((where, path), f"{exc}: write dotted keys, e.g. parameters.decision.war_cost"))
    for path in set(spec.fixed) & set(spec.parameters):
        problems.append((("set", path), f"{path} is both fixed in `set` and swept in `parameters`"))
    return problems
