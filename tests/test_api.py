"""The public API is `sim.__all__`, and the README documents exactly that (SimPy pins its TOC too)."""

from __future__ import annotations

import re
from pathlib import Path

import sim

README = Path(__file__).resolve().parents[1] / "README.md"


def test_all_names_resolve():
    for name in sim.__all__:
        assert getattr(sim, name) is not None, name
    assert set(sim.__all__) <= set(dir(sim))  # tab completion sees the lazy names too


def test_readme_api_table_matches_all():
    documented = set(re.findall(r"^\| `sim\.(\w+)", README.read_text(), flags=re.M))
    assert documented == set(sim.__all__) - {"__version__"}


def test_every_public_name_has_a_docstring():
    for name in set(sim.__all__) - {"__version__"}:
        assert (getattr(sim, name).__doc__ or "").strip(), name
