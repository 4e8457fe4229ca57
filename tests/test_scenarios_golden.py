"""Golden tables: each shipped scenario, run with a fixed seed and 3 replications over its own
horizon, writes the same summary.csv, byte for byte, as the stored one in tests/golden/, and the same
events, tension and states tables (by SHA-256, tests/golden/tables.sha256).

A failure means the model's output changed. If the change is intended, regenerate and review:
    python tests/regenerate_golden.py && git diff tests/golden/
"""

from __future__ import annotations

import pytest
from regenerate_golden import golden_path, shipped, stored_hashes, summary_bytes, table_hashes

from sim.engine.tables import TABLES


@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_summary_matches_the_golden_file(path):
    stored = golden_path(path)
    assert stored.is_file(), f"no golden summary for {path.name}: run python tests/regenerate_golden.py {path.stem}"
    produced = summary_bytes(path)
    if produced != stored.read_bytes():
        new, old = produced.decode().splitlines(), stored.read_text().splitlines()
        first = next((k for k, (a, b) in enumerate(zip(new, old)) if a != b), min(len(new), len(old)))
        pytest.fail(f"{path.name}: summary.csv differs from {stored.name} from line {first + 1}:\n"
                    f"  stored:   {old[first] if first < len(old) else '<end>'}\n"
                    f"  produced: {new[first] if first < len(new) else '<end>'}\n"
                    "if the model change is intended: python tests/regenerate_golden.py && git diff tests/golden/")


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("path", shipped(), ids=lambda p: p.stem)
def test_every_table_matches_its_golden_hash(path, table):
    """events.csv, tension.csv and states.csv are held byte for byte too (by their SHA-256): a change
    of the cascade that leaves the summary alone still shows up, naming the table."""
    stored = stored_hashes().get((path.stem, table))
    assert stored, f"no golden hash for {path.stem}/{table}: run python tests/regenerate_golden.py {path.stem}"
    assert table_hashes(path)[table] == stored, (
        f"{path.name}: {table}.csv changed; if intended: python tests/regenerate_golden.py && git diff tests/golden/")
