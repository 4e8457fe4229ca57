"""A sweep's output folder: the append-only journals, the manifest and the final sorted tables.

Finished runs are appended to `runs.partial.csv` (a header line, then one CSV line per run) and
flushed before the sweep counts them done, so a killed sweep (even by SIGKILL) loses at most the
runs in flight; the journal is fsync'd at least twice a second against a power cut. On resume only complete lines
(ending in a newline) are trusted; a torn last line
is cut off. At the end `runs.csv` is rebuilt sorted by point and replication through an index of
byte offsets, never holding the rows in memory. Failed runs go to `failures.partial.jsonl`.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from sim.engine.tables import format_value
from sim.scenario.errors import InputError, InputErrors

__all__ = [
    "RUNS", "POINTS", "MANIFEST", "FAILURES", "JOURNAL", "FAILURE_JOURNAL", "OUTPUTS",
    "Journal", "FailureJournal", "recover_journal", "write_sorted_runs", "write_failures",
    "atomic_write_text", "read_manifest", "read_failures", "claim_folder",
]

RUNS, POINTS, MANIFEST, FAILURES = "runs.csv", "points.csv", "manifest.json", "failures.csv"
JOURNAL, FAILURE_JOURNAL = "runs.partial.csv", "failures.partial.jsonl"
OUTPUTS = (RUNS, POINTS, MANIFEST, FAILURES, JOURNAL, FAILURE_JOURNAL)


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file, fsync'd, renamed over the target."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@contextlib.contextmanager
def claim_folder(folder: Path) -> Iterator[None]:
    """Hold the output folder (made if missing) for one sweep at a time: a second sweep writing
    there at once is refused. A folder this call made is removed again if input was refused."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with _locked(folder):
            yield
    except InputErrors:
        if made and not any(folder.iterdir()):
            folder.rmdir()
        raise


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An advisory lock on the folder while the block runs (where the OS has flock)."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    handle = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputErrors(InputError("another sweep is writing to this folder now", str(folder))) from None
        yield
    finally:
        os.close(handle)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The manifest of an output folder, or None when there is none."""
    path = folder / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


class Journal:
    """The append-only journal of finished runs: a header line, then one CSV line per run.

    Each batch is written and flushed at once, so it survives the death of this process
    (even SIGKILL); it is fsync'd to the disk at least every `sync_seconds` and on close, so an
    operating-system crash or power cut loses at most that much.
    """

    def __init__(self, path: Path, header: str, sync_seconds: float = 0.5):
        self._handle = open(path, "a", encoding="utf-8", newline="")
        self._sync_seconds, self._synced = sync_seconds, time.monotonic()
        if self._handle.tell() == 0:
            self.append([header + "\n"])

    def append(self, lines: Iterable[str]) -> None:
        """Append finished runs (lines with their newline) before they count as done."""
        self._handle.write("".join(lines))
        self._handle.flush()
        if time.monotonic() - self._synced >= self._sync_seconds:
            self._sync()

    def _sync(self) -> None:
        os.fsync(self._handle.fileno())
        self._synced = time.monotonic()

    def close(self) -> None:
        """Sync and close the journal file."""
        if not self._handle.closed:
            self._sync()
            self._handle.close()


class FailureJournal:
    """Failed runs, one JSON object per line, fsync'd as they come."""

    def __init__(self, path: Path):
        self._handle = open(path, "a", encoding="utf-8", newline="")

    def append(self, failures: Iterable[dict[str, Any]]) -> None:
        """Append failure records and fsync."""
        self._handle.write("".join(json.dumps(f, sort_keys=True) + "\n" for f in failures))
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the journal file."""
        self._handle.close()


def _complete_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(byte offset, line) of each complete line of a file; a torn last line is left out."""
    offset = 0
    with open(path, "rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                return
            yield offset, line
            offset += len(line)


def _index(path: Path, shape: tuple[int, int]) -> tuple[str | None, np.ndarray, int]:
    """The journal's header, the byte offset of each (point, rep) line (-1: not done), its length."""
    offsets = np.full(shape, -1, dtype=np.int64)
    header, end = None, 0
    for offset, line in _complete_lines(path):
        end = offset + len(line)
        if header is None:
            header = line.decode("utf-8").rstrip("\n")
            continue
        point, rep = (int(x) for x in line.split(b",", 2)[:2])
        if offsets[point, rep] < 0:
            offsets[point, rep] = offset
    return header, offsets, end


def recover_journal(path: Path, shape: tuple[int, int]) -> tuple[str | None, np.ndarray]:
    """Trust only complete lines: cut a torn tail; return the header and the done mask."""
    if not path.exists():
        return None, np.zeros(shape, dtype=bool)
    header, offsets, end = _index(path, shape)
    if path.stat().st_size != end:
        with open(path, "r+b") as handle:
            handle.truncate(end)
    return header, offsets >= 0


def write_sorted_runs(journal: Path, target: Path, shape: tuple[int, int]) -> int:
    """Rebuild `runs.csv` from the journal sorted by point then rep; returns the rows written."""
    header, offsets, _ = _index(journal, shape)
    tmp = target.with_name(f".{target.name}.tmp")
    rows = 0
    with open(journal, "rb") as src, open(tmp, "wb") as dst:
        dst.write(((header or "") + "\n").encode("utf-8"))
        for offset in offsets[offsets >= 0]:
            src.seek(int(offset))
            dst.write(src.readline())
            rows += 1
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, target)
    return rows


def read_failures(path: Path) -> list[dict[str, Any]]:
    """The failure records of a journal, complete lines only."""
    if not path.exists():
        return []
    return [json.loads(line) for _, line in _complete_lines(path)]


def write_failures(journal: Path, target: Path, parameters: list[str]) -> int:
    """Write `failures.csv` (point, rep, seed, parameters, error, traceback) sorted; returns its rows."""
    records = sorted(read_failures(journal), key=lambda f: (f["point"], f["rep"]))
    if not records:
        target.unlink(missing_ok=True)
        return 0
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["point", "rep", "seed", *parameters, "error", "traceback"])
        for f in records:
            values = [v if isinstance(v, str) else format_value(v) for v in f["values"]]  # as in runs.csv
            writer.writerow([f["point"], f["rep"], f["seed"], *values, f["error"], f["traceback"]])
    os.replace(tmp, target)
    return len(records)
