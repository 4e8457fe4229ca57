"""Regenerate the golden summaries of the shipped scenarios, when a model change is intended.

    python tests/regenerate_golden.py              # every scenarios/*.yaml
    python tests/regenerate_golden.py hawaii_strike baseline_2022   # only these

Each shipped scenario runs with seed 2022, 3 replications, its own horizon and one worker; its
summary.csv is stored as tests/golden/<name>.csv. `tests/test_scenarios_golden.py` runs the same
and compares byte for byte, so any change of the model's output shows up as a failing test whose
diff names the scenario. Review `git diff tests/golden/` before committing the new files.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from sim.execution.runner import run  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402

SCENARIOS = ROOT / "scenarios"
GOLDEN = ROOT / "tests" / "golden"
SEED = 2022
REPLICATIONS = 3


def shipped() -> list[Path]:
    """The shipped scenario files (sweeps and history files live in subfolders)."""
    return sorted(SCENARIOS.glob("*.yaml"))


def summary_bytes(path: Path) -> bytes:
    """summary.csv of `path` run with the golden seed and replication count, as written by `run`."""
    result = run(load_scenario(path), replications=REPLICATIONS, seed=SEED, workers=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = result.write(Path(tmp) / "out")
        return (folder / "summary.csv").read_bytes()


def golden_path(path: Path) -> Path:
    """Where the golden summary of a scenario file is stored."""
    return GOLDEN / f"{path.stem}.csv"


def main(names: list[str]) -> int:
    """Write the golden summaries of the named scenarios (all when none is named)."""
    paths = [p for p in shipped() if not names or p.stem in names]
    unknown = sorted(set(names) - {p.stem for p in paths})
    if unknown:
        print(f"no shipped scenario named {', '.join(unknown)}", file=sys.stderr)
        return 2
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in paths:
        golden_path(path).write_bytes(summary_bytes(path))
        print(f"wrote {golden_path(path).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
