"""A design point applied to a scenario: the one way a parameter experiment (a sweep, a
calibration, a sensitivity analysis) turns a point into the scenario it runs.

A point is `{dotted path: value}` (from :mod:`sim.sweeps.design`); its values are set as they
are, with no `--set` text in between, over the scenario's own fixed overrides, so a point is
the run that `run` with the same overrides makes (tests/test_points_are_runs.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario
from sim.scenario.yamlsource import Override, overrides_from

__all__ = ["apply_point"]

Fixed = Mapping[str, Any] | Sequence[str | Override] | None


def apply_point(source: Any, point: Mapping[str, Any], fixed: Fixed = None) -> Scenario:
    """The scenario of a point: `source` (a YAML file or mapping) with the `fixed` overrides
    (`{dotted path: value}` or `--set` texts), then the point's values (the point wins)."""
    if fixed is None or isinstance(fixed, Mapping):
        return load_scenario(source, {**(fixed or {}), **point})
    return load_scenario(source, [*overrides_from(fixed), *overrides_from(point)])
