"""Running a hostile case in-process: write its files, copy its base folder, run the command line's
`main` under a deadline, and return the exit status (shared by the corpus tests)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from hostile.case import Case
from sim.cli.main import main

__all__ = ["Hang", "deadline", "as_process", "prepare", "status", "tree", "write"]

ROOT = Path(__file__).resolve().parents[2]


def write(folder: Path, name: str, content) -> None:
    """Write `content` (text, bytes, a function of the old text, or None to delete) at folder/name."""
    path = folder / name
    if content is None:
        path.unlink()
        return
    if callable(content):
        content = content(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")


def prepare(case: Case, folder: Path, bases: Path) -> None:
    """The case's files in `folder`, and its base result folder copied to res/ and res2/ (res/ broken)."""
    for name, content in case.files.items():
        write(folder, name, content)
    if case.base:
        shutil.copytree(bases / case.base, folder / "res")
        shutil.copytree(bases / case.base, folder / "res2")
        for name, content in case.mutate.items():
            write(folder / "res", name, content)
    if case.id == "option-out-symlink":
        (folder / "link").symlink_to(folder / "target")


def tree(folder: Path) -> set[str]:
    """Every path below `folder` (to see what a refused command left behind)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


class Hang(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: int):
    """Raise Hang in the main thread after `seconds`."""
    def ring(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def status(argv: list[str]) -> int:
    """The exit status of `alliance-sim ARGV`, run in-process."""
    try:
        return main(argv)
    except SystemExit as exc:  # argparse: a malformed option (it prints usage and the option)
        return int(exc.code or 0)


def as_process(case: Case, folder: Path, bases: Path) -> subprocess.CompletedProcess:
    """The case run as a real `python -m sim` process in `folder` (its files prepared first)."""
    prepare(case, folder, bases)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sim", *case.argv], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
