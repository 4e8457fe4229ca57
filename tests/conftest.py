"""Shared fixtures."""

from __future__ import annotations

import pytest

from factories import tiny
from sim.loading import load_scenario


@pytest.fixture
def tiny_scenario():
    return load_scenario(tiny())
