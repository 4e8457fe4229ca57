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


@pytest.fixture
def tiny_scenario():
    return load_scenario(tiny())
