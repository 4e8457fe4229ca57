"""Orphans and owners around output folders and worker processes: who writes where, and who is still alive.

- :func:`target_lock`: one writer per output folder at a time (an advisory `flock` on a hidden lock
  file beside the folder), so two runs to one `--out` cannot both succeed with one result lost.
- :func:`temp_name` and :func:`clean_stale`: temporary folders carry their process id and start
  time in their name, so a later run into the same parent can prove one is ours and its process
  gone (killed) before removing it.
- :func:`watch_parent`: a worker process exits when the process that started it dies, so a
  killed run or sweep leaves no orphans holding cores and semaphores.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sim.scenario.errors import InputError, InputErrors

__all__ = ["RESULT_FILES", "clean_stale", "owner", "process_gone", "target_lock", "temp_name", "watch_parent"]

RESULT_FILES = ("meta.json", "manifest.json")
"""A folder holding one of these was written by this program (a run, backtest or sweep)."""

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-(?P<start>\d*)-(?P<host>[0-9a-f]{8})-[0-9a-f]{8}(?:-old)?\.tmp$")
TEMP_MARK = ".alliance-sim-tmp"
"""The file inside a temporary folder that says which process made it (removed before the move)."""


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), '' where unknown."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return text.rsplit(")", 1)[-1].split()[19]


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def _host() -> str:
    """Eight hex digits naming this machine (folders on a shared disk may be another host's)."""
    import hashlib

    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def process_gone(pid: int, start: str = "") -> bool:
    """Whether process `pid` (started at `start`, when known) no longer runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    if _zombie(pid):
        return True
    now = _start_time(pid)
    return bool(start and now and now != start)


def temp_name(target: Path, old: bool = False) -> str:
    """`.NAME.PID-START-HOST-RANDOM.tmp`: a temporary folder beside `target`, provably this process's."""
    pid = os.getpid()
    return f".{target.name}.{pid}-{_start_time(pid)}-{_host()}-{secrets.token_hex(4)}{'-old' if old else ''}.tmp"


def _ours_and_dead(path: Path) -> bool:
    """A temporary folder of this program, made on this host by a process that is gone."""
    match = _TEMP.match(path.name)
    if not match or match["host"] != _host() or path.is_symlink() or not path.is_dir():
        return False
    marked = any((path / f).is_file() for f in (TEMP_MARK, *RESULT_FILES))
    return marked and process_gone(int(match["pid"]), match["start"])


def clean_stale(parent: Path) -> list[Path]:
    """Remove the temporary folders in `parent` left by killed processes of this program."""
    removed: list[Path] = []
    try:
        entries = list(parent.iterdir())
    except OSError:
        return removed
    for path in entries:
        if path.name.startswith(".") and path.name.endswith(".tmp") and _ours_and_dead(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        elif path.name.startswith(".") and path.name.endswith(".lock") and _stale_lock(path):
            removed.append(path)
    return removed


def _stale_lock(path: Path) -> bool:
    """Remove a lock file of a process that is gone (nobody holds its lock); whether it was."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        handle = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        holder = os.pread(handle, 32, 0).decode(errors="replace").strip()
        if not holder.isdigit() or not process_gone(int(holder)):
            return False
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink()
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


@contextlib.contextmanager
def target_lock(target: Path) -> Iterator[None]:
    """Hold `.NAME.lock` beside `target` while the block runs; a second writer is refused at once."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the rename is still atomic
        yield
        return
    lock = target.with_name(f".{target.name}.lock")
    handle = _acquire(lock, fcntl)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(handle)


def _acquire(lock: Path, fcntl) -> int:
    """Open and lock `lock`; retry when another process removed it between our open and lock."""
    while True:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode(errors="replace").strip()
            os.close(handle)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise InputErrors(InputError(f"another alliance-sim command is writing to this folder now{who}; "
                                         "wait for it or choose another --out", str(lock.with_name(lock.name[1:-5])))) from None
        try:
            same = os.fstat(handle).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            os.ftruncate(handle, 0)
            os.pwrite(handle, str(os.getpid()).encode(), 0)
            return handle
        os.close(handle)


def owner() -> tuple[int, str]:
    """This process's id and start time: what a worker it starts watches (see :func:`watch_parent`)."""
    return os.getpid(), _start_time(os.getpid())


def watch_parent(main: tuple[int, str] | None = None, interval: float = 0.25) -> None:
    """In a worker: exit as soon as the process that started it dies.

    `main` is the :func:`owner` of the process that made the pool (a forkserver's workers have the
    forkserver as their parent, which may outlive it); without it the parent is watched. Runs as a
    daemon thread; a pool's workers would otherwise outlive a killed run for minutes.
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent or (main is not None and process_gone(*main)):
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
