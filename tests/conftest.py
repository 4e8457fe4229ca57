"""Shared fixtures."""

from __future__ import annotations

import os

import pytest
from factories import tiny
from hypothesis import settings

from sim.scenario.loading import load_scenario

# CI explores the same examples every run (a red CI is a real regression); locally they vary.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


QUICK = frozenset({
    "test_architecture", "test_ladder", "test_registries", "test_decision", "test_perception", "test_csv_text",
    "test_typos", "test_loading", "test_worlddata", "test_sweep_design", "test_cli_input", "test_reproducibility",
    "test_limits", "test_api", "test_ranges",
})
"""Modules of the quick selection (`pytest -m quick`, well under a minute): the layering, the registries,
the loader's checks, the decision rule, and a run's reproducibility; the CLI in-process."""


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.stem in QUICK and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.quick)


@pytest.fixture
def tiny_scenario():
    return load_scenario(tiny())
