"""A sweep's output folder: the append-only journals, the manifest and the final sorted tables.

Finished runs are appended to `runs.partial.csv` (a header line, then one CSV line per run) and
flushed before the sweep counts them done, so a killed sweep (even by SIGKILL) loses at most the
runs in flight; the journal is fsync'd at least twice a second against a power cut. A batch the
disk refuses (full) is cut off again. On resume only complete, well-formed lines are trusted: a
torn last line is cut off, a torn or garbled line inside is dropped (that run runs again). At the
end `runs.csv` is rebuilt sorted by point and replication through an index of
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
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def claim_folder(folder: Path) -> Iterator[None]:
    """Hold the output folder (made if missing) for one sweep at a time: a second sweep writing
    there at once is refused. A folder this call made is removed again if input was refused;
    temporary files a killed sweep left in it are removed."""
    made = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with _locked(folder):
            for name in OUTPUTS:  # half-written files of a killed sweep (we hold the folder now)
                (folder / f".{name}.tmp").unlink(missing_ok=True)
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
    """The manifest of an output folder, or None when there is none; a corrupt one is bad input."""
    path = folder / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        data = None
    except json.JSONDecodeError as exc:
        raise InputErrors(InputError(f"corrupt manifest: {exc.msg}; start over with --force",
                                     str(path), exc.lineno, exc.colno)) from None
    if not isinstance(data, dict):
        raise InputErrors(InputError("corrupt manifest: not a JSON object; start over with --force", str(path)))
    return data


class _AppendFile:
    """A file appended to in whole records: a write the disk refuses (full, quota) is cut off again,
    so no torn record stays in the middle of the file when writing resumes."""

    def __init__(self, path: Path):
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.path = path

    def write(self, data: bytes) -> None:
        """Append all of `data` or, on an error, nothing (the error is re-raised)."""
        start = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, start)
            raise OSError(exc.errno, exc.strerror, str(self.path)) from None

    def size(self) -> int:
        """Bytes in the file."""
        return os.fstat(self._fd).st_size

    def sync(self) -> None:
        """Flush to the disk."""
        os.fsync(self._fd)

    def close(self) -> None:
        """Sync (if the disk lets us) and close."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.fsync(self._fd)
            os.close(self._fd)
            self._fd = -1


class Journal:
    """The append-only journal of finished runs: a header line, then one CSV line per run.

    Each batch is written at once, so it survives the death of this process (even SIGKILL);
    it is fsync'd to the disk at least every `sync_seconds` and on close, so an operating-system
    crash or power cut loses at most that much. A batch the disk refuses is not kept at all.
    """

    def __init__(self, path: Path, header: str, sync_seconds: float = 0.5):
        self._file = _AppendFile(path)
        self._sync_seconds, self._synced = sync_seconds, time.monotonic()
        if self._file.size() == 0:
            self.append([header + "\n"])

    def append(self, lines: Iterable[str]) -> None:
        """Append finished runs (lines with their newline) before they count as done."""
        self._file.write("".join(lines).encode("utf-8"))
        if time.monotonic() - self._synced >= self._sync_seconds:
            self._file.sync()
            self._synced = time.monotonic()

    def close(self) -> None:
        """Sync and close the journal file."""
        self._file.close()


class FailureJournal:
    """Failed runs, one JSON object per line, fsync'd as they come."""

    def __init__(self, path: Path):
        self._file = _AppendFile(path)

    def append(self, failures: Iterable[dict[str, Any]]) -> None:
        """Append failure records and fsync."""
        text = "".join(json.dumps(f, sort_keys=True) + "\n" for f in failures)
        if text:
            self._file.write(text.encode("utf-8"))
            self._file.sync()

    def close(self) -> None:
        """Close the journal file."""
        self._file.close()


def _complete_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(byte offset, line) of each complete line of a file; a torn last line is left out."""
    offset = 0
    with open(path, "rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                return
            yield offset, line
            offset += len(line)


def _record_key(line: bytes, fields: int, shape: tuple[int, int]) -> tuple[int, int] | None:
    """(point, rep) of a journal line, or None for a torn or garbled one (wrong number of fields,
    not UTF-8, point or rep out of range): such a line is dropped, never trusted."""
    try:
        text = line.decode("utf-8")
        cells = next(csv.reader([text.rstrip("\n")], strict=True))
        point, rep = int(cells[0]), int(cells[1])
    except (UnicodeDecodeError, ValueError, IndexError, csv.Error, StopIteration):
        return None
    if len(cells) != fields or "\r" in text or not (0 <= point < shape[0] and 0 <= rep < shape[1]):
        return None
    return point, rep


def _header_of(path: Path, line: bytes) -> str:
    try:
        return line.decode("utf-8").rstrip("\n")
    except UnicodeDecodeError:
        raise InputErrors(InputError("not a journal of runs (not UTF-8 text); start over with --force",
                                     str(path), 1)) from None


def _index(path: Path, shape: tuple[int, int]) -> tuple[str | None, np.ndarray, int, int]:
    """The journal's header, the byte offset of each (point, rep) line (-1: not done), the length
    of its complete lines, and how many lines were dropped as torn or garbled."""
    offsets = np.full(shape, -1, dtype=np.int64)
    header, end, dropped, fields = None, 0, 0, 0
    for offset, line in _complete_lines(path):
        end = offset + len(line)
        if header is None:
            header = _header_of(path, line)
            fields = len(next(csv.reader([header]), []))
            continue
        key = _record_key(line, fields, shape)
        if key is None:
            dropped += 1
        elif offsets[key] < 0:
            offsets[key] = offset
    return header, offsets, end, dropped


def recover_journal(path: Path, shape: tuple[int, int]) -> tuple[str | None, np.ndarray]:
    """Trust only complete, well-formed lines: cut a torn tail, drop torn records inside (a disk
    that filled up mid-line); return the header and the done mask."""
    if not path.exists():
        return None, np.zeros(shape, dtype=bool)
    header, offsets, end, dropped = _index(path, shape)
    if dropped:
        _rewrite(path, header, offsets)
    elif path.stat().st_size != end:
        with open(path, "r+b") as handle:
            handle.truncate(end)
    return header, offsets >= 0


def _rewrite(path: Path, header: str | None, offsets: np.ndarray) -> None:
    """The journal with only its good lines, replacing the old one atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        dst.write(((header or "") + "\n").encode("utf-8"))
        for offset in np.sort(offsets[offsets >= 0]):
            src.seek(int(offset))
            dst.write(src.readline())
        dst.flush()
        os.fsync(dst.fileno())
    os.replace(tmp, path)


def write_sorted_runs(journal: Path, target: Path, shape: tuple[int, int]) -> int:
    """Rebuild `runs.csv` from the journal sorted by point then rep; returns the rows written."""
    header, offsets, _, _ = _index(journal, shape)
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
    records = []
    for _, line in _complete_lines(path):
        try:
            record = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue  # a torn record: the run is tried again
        if isinstance(record, dict) and {"point", "rep", "seed", "values", "error", "traceback"} <= set(record):
            records.append(record)
    return records


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
