"""Rewrite one file's row of this folder's `manifest.csv`, for the converters that add a file
beside `convert.py`'s (`cow_war_dates.py`, `cow_democracy.py`): the row count and SHA-256 of the
CSV text, the rows kept sorted by file name. `sim` does not import this script."""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def write_row(name: str, source_object: str, text: str, commit: str = "") -> None:
    """Set the manifest row of `name` (converted from `source_object`) to the rows and SHA-256 of `text`."""
    manifest = HERE / "manifest.csv"
    lines = [line for line in manifest.read_text(encoding="utf-8").splitlines() if not line.startswith(name + ",")]
    row = f"{name},{source_object},{commit},{text.count(chr(10)) - 1},{hashlib.sha256(text.encode()).hexdigest()}"
    body = sorted(lines[1:] + [row])
    manifest.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
