"""Regenerate the golden files of the shipped scenarios, when a model change is intended.

    python tests/regenerate_golden.py              # every scenarios/*.yaml
    python tests/regenerate_golden.py hawaii_strike baseline_2022   # only these

Each shipped scenario runs with seed 2022, 3 replications, its own horizon and one worker; its
summary.csv is stored as tests/golden/<name>.csv, and the SHA-256 of each of its four tables
(summary, events, tension, states) as a line of tests/golden/tables.sha256. The tests in
`tests/test_scenarios_golden.py` run the same and compare, so any change of the model's output shows
up as a failing test that names the scenario and the table. Review `git diff tests/golden/` before
committing the new files.
"""

from __future__ import annotations

import functools
import hashlib
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from sim.engine.tables import TABLES  # noqa: E402
from sim.execution.runner import run  # noqa: E402
from sim.scenario.loading import load_scenario  # noqa: E402

SCENARIOS = ROOT / "scenarios"
GOLDEN = ROOT / "tests" / "golden"
HASHES = GOLDEN / "tables.sha256"
SEED = 2022
REPLICATIONS = 3


def shipped() -> list[Path]:
    """The shipped scenario files (sweeps and history files live in subfolders)."""
    return sorted(SCENARIOS.glob("*.yaml"))


@functools.cache
def table_bytes(path: Path) -> dict[str, bytes]:
    """Every table of `path` run with the golden seed and replication count, as written by `run`."""
    result = run(load_scenario(path), replications=REPLICATIONS, seed=SEED, workers=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = result.write(Path(tmp) / "out")
        return {t: (folder / f"{t}.csv").read_bytes() for t in TABLES}


def summary_bytes(path: Path) -> bytes:
    """summary.csv of `path` run with the golden seed and replication count."""
    return table_bytes(path)["summary"]


def table_hashes(path: Path) -> dict[str, str]:
    """The SHA-256 of each table of `path`."""
    return {t: hashlib.sha256(data).hexdigest() for t, data in table_bytes(path).items()}


def stored_hashes() -> dict[tuple[str, str], str]:
    """(scenario name, table) -> stored SHA-256, from tests/golden/tables.sha256."""
    if not HASHES.is_file():
        return {}
    lines = [line.split() for line in HASHES.read_text().splitlines() if line.strip()]
    return {(name, table): digest for name, table, digest in lines}


def golden_path(path: Path) -> Path:
    """Where the golden summary of a scenario file is stored."""
    return GOLDEN / f"{path.stem}.csv"


def main(names: list[str]) -> int:
    """Write the golden summaries and table hashes of the named scenarios (all when none is named)."""
    paths = [p for p in shipped() if not names or p.stem in names]
    unknown = sorted(set(names) - {p.stem for p in paths})
    if unknown:
        print(f"no shipped scenario named {', '.join(unknown)}", file=sys.stderr)
        return 2
    GOLDEN.mkdir(parents=True, exist_ok=True)
    hashes = stored_hashes()
    for path in paths:
        golden_path(path).write_bytes(summary_bytes(path))
        hashes.update({(path.stem, t): h for t, h in table_hashes(path).items()})
        print(f"wrote {golden_path(path).relative_to(ROOT)} and its table hashes")
    HASHES.write_text("".join(f"{n} {t} {h}\n" for (n, t), h in sorted(hashes.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
