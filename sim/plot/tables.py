"""Result tables for plotting: the one typed, checked reader of result folders
(:mod:`sim.execution.results`), under the names the figures use."""

from __future__ import annotations

from sim.execution.results import REQUIRED, read_json, read_table

__all__ = ["REQUIRED", "read_json", "read_table"]
