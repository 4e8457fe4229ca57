"""Writing results safely: into a temporary folder beside the target, moved into place at the end.

An interrupted run leaves no half-written folder (and the next run into the same parent removes
the temporary folder a killed one left); an existing result is replaced only when the caller says
so (`force`), and only if it is a result of this program (it holds `meta.json` or a sweep's
`manifest.json`) or an empty folder: `--force` never deletes a folder of someone else's files.
One writer per folder at a time (:func:`sim.execution.orphans.target_lock`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import stat
from pathlib import Path

from sim.engine.tables import format_row
from sim.execution.orphans import (
    RESULT_FILES,
    TEMP_MARK,
    clean_stale,
    target_lock,
    temp_name,
)
from sim.scenario.errors import InputError, InputErrors

__all__ = ["CsvWriter", "atomic_folder", "check_target", "file_target", "move_into_place", "usable_target", "write_csv",
           "write_json"]

_MAX_NAME = 200  # bytes; the temporary folder's name adds about 40 to the limit of 255


def _refuse(target: Path, message: str) -> None:
    raise InputErrors(InputError(message, file=str(target)))


def usable_target(target: str | os.PathLike) -> Path:
    """`target` as an absolute path that can be a result folder; InputErrors saying why not.

    Refused: the current folder or one holding it, a name too long for the file system, a path
    through a file, and (whatever `force` says) a file, link, device, pipe or socket.
    """
    path = Path(os.path.abspath(target))
    here = Path(os.path.abspath(os.getcwd()))
    if path == here or path in here.parents or path.name in ("", ".", ".."):
        _refuse(path, "cannot write a result over the current folder or one that holds it; name a new subfolder")
    if len(path.name.encode("utf-8", "surrogateescape")) > _MAX_NAME:
        _refuse(path, f"folder name longer than {_MAX_NAME} bytes; choose a shorter --out")
    _check_ancestors(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return path
    except OSError as exc:
        _refuse(path, f"cannot inspect it: {exc.strerror}")
    if stat.S_ISLNK(mode):
        _refuse(path, "is a symbolic link; give the folder it points to, or another --out")
    if not stat.S_ISDIR(mode):
        kind = "a file" if stat.S_ISREG(mode) else "a device, pipe or socket"
        _refuse(path, f"is {kind}, not a folder; it is never replaced: choose another --out")
    return path


def _check_ancestors(path: Path) -> None:
    """The nearest existing ancestor must be a folder (`--out thesis.tex/run` is refused)."""
    for parent in path.parents:
        if os.path.lexists(parent):
            if not parent.is_dir():
                _refuse(path, f"'{parent}' is a file, not a folder: choose another --out")
            return


def check_target(target: str | os.PathLike, force: bool) -> Path:
    """Refuse to replace an existing, non-empty output folder unless forced, and even then unless
    it is a result of this program. Returns the target as an absolute path."""
    path = usable_target(target)
    if not path.exists() or not any(path.iterdir()):
        return path
    if not force:
        _refuse(path, "output folder exists; use --force to replace it or --out to choose another")
    if not any((path / name).is_file() for name in RESULT_FILES):
        _refuse(path, "not a result of alliance-sim (no meta.json or manifest.json in it): --force replaces "
                "only earlier results or empty folders; choose another --out or move its files away yourself")
    return path


def file_target(target: str | os.PathLike, force: bool, what: str = "the file") -> Path:
    """A single output file's path: never a folder or a link, in a folder that exists, replaced only
    with `force`; InputErrors saying why not (checked before any work, so nothing is half done)."""
    out = Path(target)
    if out.is_dir() or out.is_symlink():
        _refuse(out, "is a folder or a link: give the name of the file to write")
    if not out.parent.is_dir():
        _refuse(out, f"the folder '{out.parent}' " + ("is a file, not a folder" if out.parent.exists()
                                                       else "does not exist: make it first"))
    if out.exists() and not force:
        _refuse(out, f"{what} exists; use --force to replace it or --out to choose another")
    return out


@contextlib.contextmanager
def atomic_folder(target: str | os.PathLike, force: bool = False):
    """Yield a temporary folder; on success it replaces `target` in one rename, on failure it vanishes.

    Holds the target's lock throughout; temporary folders that killed runs left in the same
    parent are removed first.
    """
    path = usable_target(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    with target_lock(path):
        check_target(path, force)
        clean_stale(path.parent)
        tmp = path.with_name(temp_name(path))
        tmp.mkdir()
        try:
            (tmp / TEMP_MARK).write_text(f"{os.getpid()}\n", encoding="utf-8")
            yield tmp
            (tmp / TEMP_MARK).unlink()
            move_into_place(tmp, path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def move_into_place(tmp: Path, target: Path) -> None:
    """`tmp` becomes `target`: an atomic exchange where the OS has one, else rename aside and in."""
    if not target.exists():
        os.replace(tmp, target)
    elif _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        old = target.with_name(temp_name(target, old=True))
        os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


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
