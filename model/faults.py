"""What went wrong, said as what it is: disk full, permission denied, read-only, locked,
damaged, or written by a newer Rapport.

Every error Rapport shows about a file goes through `explain`, so the command line prints one
line (and exits 1) and the window shows a dialog that says what to do, never a traceback and
never "not a Rapport notebook" for a full disk. SQLite errors are read by their result code
(sqlite3.Error.sqlite_errorname, Python 3.11), operating-system errors by errno.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import TypeVar

import peewee as pw

E = TypeVar("E", bound=BaseException)


class ImportCancelled(Exception):
    """The user stopped a long job (an import); nothing was written. Here, not in model.importer,
    so that the window's worker can tell it apart without loading the importer at start-up."""


class NotebookError(Exception):
    """A notebook (or a file Rapport writes) that cannot be used; the message is fit to show a user."""

    advice = ""  # what the user can do, for a dialog's informative text


class NotebookLocked(NotebookError):
    """Another Rapport has the notebook open for writing."""

    advice = "Close the other Rapport, or use its window."


class DiskFull(NotebookError):
    advice = "Free some space on that disk (or choose another place), then try again. Nothing was changed."


class ReadOnly(NotebookError):
    advice = ("Rapport can show and export it but not change it. Copy it to a folder you can write to, "
              "or change its permissions, to work in it.")


class PermissionDenied(NotebookError):
    advice = "Check the file's permissions, or open a notebook of your own."


class Damaged(NotebookError):
    advice = ("Rapport will not write to a damaged notebook. Open it in the window to restore the latest good "
              "backup or to salvage what can still be read (the command line: --salvage OUT.rapport).")


class TooNew(NotebookError):
    advice = "Update Rapport to open it; this version leaves it untouched."


_FULL = {"SQLITE_FULL"}
_READ_ONLY = {"SQLITE_READONLY", "SQLITE_READONLY_DBMOVED", "SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_RECOVERY",
              "SQLITE_READONLY_CANTLOCK", "SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_CANTINIT"}
_DAMAGED = {"SQLITE_CORRUPT", "SQLITE_CORRUPT_VTAB", "SQLITE_CORRUPT_SEQUENCE", "SQLITE_CORRUPT_INDEX",
            "SQLITE_NOTADB"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_RECOVERY", "SQLITE_BUSY_TIMEOUT"}


def _cause(error: BaseException | None, kind: type[E]) -> E | None:
    """The `kind` error behind `error` (peewee wraps sqlite3's; ours wrap the system's), if any."""
    for _ in range(5):
        if error is None or isinstance(error, kind):
            return error
        error = error.__cause__ or error.__context__
    return None


def read_only_place(path: Path) -> bool:
    """Whether `path` (or, if it does not exist, its folder) is on a read-only file system."""
    target = path if path.exists() else path.parent
    try:
        return bool(os.statvfs(target).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # Windows has no statvfs
        return False


def disk_is_full(path: Path, margin: int = 256 * 1024) -> bool:
    """Whether the disk that holds `path` has less than `margin` bytes left for us."""
    target = path if path.exists() else path.parent
    try:
        stats = os.statvfs(target)
    except (OSError, AttributeError):
        return False
    return stats.f_bavail * stats.f_frsize < margin


def explain(error: BaseException, path: str | os.PathLike[str], doing: str = "write") -> NotebookError:
    """The NotebookError that says what `error`, met while `doing` something to `path`, is.

    `doing` is a verb for the message ("write", "read", "open", "import into"). An error that is
    already a NotebookError is returned as it is."""
    if isinstance(error, NotebookError):
        return error
    path = Path(path)
    database = _cause(error, sqlite3.Error)
    name = getattr(database, "sqlite_errorname", "") or ""
    system = _cause(error, OSError)
    number = system.errno if system is not None else None
    text = str(database or error)
    if name in _FULL or number in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text:
        return DiskFull(f"Cannot {doing} {path}: the disk is full.")
    if name in _READ_ONLY or number == errno.EROFS or "readonly database" in text:
        if read_only_place(path):
            return ReadOnly(f"Cannot {doing} {path}: it is on a read-only disk.")
        return ReadOnly(f"Cannot {doing} {path}: the file or its folder is read-only.")
    if number in (errno.EACCES, errno.EPERM):
        return PermissionDenied(f"Cannot {doing} {path}: permission denied.")
    if name in _DAMAGED or "malformed" in text or "file is not a database" in text:
        return Damaged(f"{path} is damaged ({text}).")
    if name in _BUSY:
        return NotebookLocked(f"Cannot {doing} {path}: another program holds it ({text}). Try again in a moment.")
    if name == "SQLITE_IOERR" or name.startswith("SQLITE_IOERR_"):
        if disk_is_full(path):
            return DiskFull(f"Cannot {doing} {path}: the disk is full.")
        return NotebookError(f"Cannot {doing} {path}: the disk reported an error ({text}).")
    if system is not None:
        return NotebookError(f"Cannot {doing} {path}: {system.strerror or system}.")
    return NotebookError(f"Cannot {doing} {path}: {text}.")


# The errors `explain` knows how to say; anything else is a bug and goes to the crash dialog.
FAULTS: tuple[type[BaseException], ...] = (OSError, sqlite3.Error, pw.DatabaseError, pw.InterfaceError, NotebookError)
