"""The scenario the benchmark runs: `scenarios/baseline_2022.yaml` once it exists, otherwise a
stand-in on the 2022 world with a few rivalries and Russia at posture 6 toward Ukraine."""

from __future__ import annotations

from pathlib import Path

from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario

__all__ = ["BASELINE", "STAND_IN", "benchmark_scenario"]

BASELINE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline_2022.yaml"

STAND_IN = {
    "name": "baseline_2022_stand_in", "world": "world_2022", "seed": 2022,
    "relations": [
        {"from": "RUS", "to": "UKR", "intent": 0.7, "mutual": True},
        {"from": "RUS", "to": "USA", "intent": 0.5, "mutual": True},
        {"from": "CHN", "to": "USA", "intent": 0.4, "mutual": True},
        {"from": "CHN", "to": "TWN", "intent": 0.6, "mutual": True},
        {"from": "PRK", "to": "KOR", "intent": 0.6, "mutual": True},
        {"from": "IND", "to": "PAK", "intent": 0.5, "mutual": True},
    ],
    "timeline": [{"at": 0, "do": "posture", "actor": "RUS", "target": "UKR", "level": 6}],
    "watch": {"dyads": [["RUS", "UKR"], ["CHN", "USA"]], "states": ["RUS", "UKR", "USA", "CHN"]},
}


def benchmark_scenario() -> Scenario:
    """baseline_2022 (its default horizon) if the file exists, else the stand-in."""
    return load_scenario(BASELINE if BASELINE.exists() else STAND_IN)
