"""Writing results safely: into a temporary folder beside the target, moved into place at the end.

An interrupted run leaves no half-written folder, and an existing result is replaced only when
the caller says so (`force`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from sim.engine.tables import format_row
from sim.scenario.errors import InputError, InputErrors

__all__ = ["atomic_folder", "check_target", "write_csv", "write_json", "CsvWriter"]


def check_target(target: Path, force: bool) -> None:
    """Refuse to replace an existing, non-empty output folder unless forced."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())) and not force:
        raise InputErrors(InputError("output folder exists; use --force to replace it or --out to choose another",
                                     file=str(target)))


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike, force: bool = False):
    """Yield a temporary folder; on success it replaces `target` in one rename, on failure it vanishes."""
    target = Path(target)
    check_target(target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700; the folder is the user's output
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class CsvWriter:
    """A CSV file written row by row with the canonical value text and `\\n` endings."""

    def __init__(self, path: Path, header):
        self.file = open(path, "w", encoding="utf-8", newline="\n")
        self.file.write(",".join(header) + "\n")

    def rows(self, rows) -> None:
        """Append rows."""
        self.file.writelines(format_row(r) for r in rows)

    def close(self) -> None:
        """Flush and close."""
        self.file.close()


def write_csv(path: Path, header, rows) -> None:
    """Write a whole CSV file."""
    writer = CsvWriter(Path(path), header)
    try:
        writer.rows(rows)
    finally:
        writer.close()


def write_json(path: Path, data) -> None:
    """Write JSON with sorted keys and a final newline, atomically (a temporary file renamed)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)
